-- Trend: every indicator year over year, like with like — the same quarter of
-- the year before (domain.md).

-- view: indicator_trend
-- change is in the indicator's unit (percentage points for rates); change_rate
-- is (value − previous) ÷ previous in %, missing when there is no previous or
-- it is 0 — never 0 or ∞. The previous year is found by a window over each
-- unit's years (one sort, not a join of the view with itself), so a filter on
-- indicator and quarter reaches period_inputs:
--   SELECT * FROM indicator_trend WHERE indicator = 'three_public' AND quarter = 0;
CREATE VIEW indicator_trend AS
SELECT t.unit_id, u.name AS unit, u.region, u.kind, t.indicator, t.year, t.quarter, t.value, t.reason,
       t.previous,
       t.value - t.previous AS change,
       CASE WHEN t.previous <> 0 THEN 100.0 * (t.value - t.previous) / t.previous END AS change_rate
FROM (
    SELECT v.unit_id, v.indicator, v.year, v.quarter, v.value, v.reason,
           CASE WHEN lag(v.year) OVER w = v.year - 1 THEN lag(v.value) OVER w END AS previous
    FROM indicator_values v
    WINDOW w AS (PARTITION BY v.indicator, v.quarter, v.unit_id ORDER BY v.year)
) t
JOIN units u ON u.id = t.unit_id;

-- query: trend
-- title: 指标走势 · Indicator trend
-- One indicator (or any metric's code) for every unit and year, with the same
-- quarter of the year before, its change and change rate (the view's). For
-- sqlite3 and Datasette; the CLI reads trend_values below.
--   :indicator     an indicator code (`fiscal indicators`) or a metric code
--   :from_quarter  0 = the year; 1–4 = year to date through that quarter
--   :to_quarter    the same quarter for one, 0 and 4 for all
--   :from_year, :to_year   the years shown (empty: all)
--   :kind          department, township or other (empty: all)
--   :region        e.g. 邵阳县 (empty: all)
--   :units         a unit's full name, or a JSON array of names (empty: all)
--   :changes_only  1: only periods with a value or a previous value
SELECT unit_id, unit, region, kind, indicator, year, quarter, value, previous, change, change_rate, reason
FROM indicator_trend
WHERE indicator = :indicator
  AND quarter BETWEEN CAST(:from_quarter AS INTEGER) AND CAST(:to_quarter AS INTEGER)
  AND year BETWEEN COALESCE(CAST(NULLIF(:from_year, '') AS INTEGER), 0)
               AND COALESCE(CAST(NULLIF(:to_year, '') AS INTEGER), 9999)
  AND (NULLIF(:kind, '') IS NULL OR kind = :kind)
  AND (NULLIF(:region, '') IS NULL OR region = :region)
  AND (NULLIF(:units, '') IS NULL
       OR unit IN (SELECT value FROM json_each(CASE WHEN json_valid(:units) THEN :units ELSE json_array(:units) END)))
  AND (COALESCE(CAST(NULLIF(:changes_only, '') AS INTEGER), 0) = 0 OR value IS NOT NULL OR previous IS NOT NULL);

-- query: trend_values
-- title: 指标值 · Indicator values, for a trend computed in one pass
-- The rows of indicator_trend without previous, change and change_rate:
-- `fiscal trend`, `rank`, `summary` and `export` read these and take each
-- period's previous value in one pass, exactly as indicator_trend does (a test
-- compares them). At province scale the view's window sorts every period of
-- the indicator: +0.2 s a query, +10 s an export (BENCHMARKS.md).
--   :indicator, :from_quarter, :to_quarter, :kind, :region, :units  as in trend
--   :from_year the first year read (empty: all): the year before the first shown, for its previous values
--   :to_year   the last year (empty: all)
SELECT v.unit_id, u.name AS unit, u.region, u.kind, v.year, v.quarter, v.value, v.reason
FROM indicator_values v JOIN units u ON u.id = v.unit_id
WHERE v.indicator = :indicator
  AND v.quarter BETWEEN CAST(:from_quarter AS INTEGER) AND CAST(:to_quarter AS INTEGER)
  AND v.year BETWEEN COALESCE(CAST(NULLIF(:from_year, '') AS INTEGER), 0)
                 AND COALESCE(CAST(NULLIF(:to_year, '') AS INTEGER), 9999)
  AND (NULLIF(:kind, '') IS NULL OR u.kind = :kind)
  AND (NULLIF(:region, '') IS NULL OR u.region = :region)
  AND (NULLIF(:units, '') IS NULL
       OR u.name IN (SELECT value FROM json_each(CASE WHEN json_valid(:units) THEN :units ELSE json_array(:units) END)));
