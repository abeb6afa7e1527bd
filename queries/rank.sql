-- Rank: the units of one year by an indicator's value, change or change rate.

-- query: rank
-- title: 排名 · Rank units in one year
-- Every unit of the filter in one year, ranked (1, 2, 2, 4: equal values share
-- a rank) by the indicator's value, its change or its change rate against the
-- same quarter of the year before. Units without the measure come last, without
-- a rank, with the reason (a unit that filed nothing that year: "no figures for
-- 2024"). For sqlite3 and Datasette; `fiscal rank` and `fiscal summary` rank
-- the rows of trend_values the same way in one pass (a test compares them).
--   :indicator   an indicator code (`fiscal indicators`) or a metric code
--   :year        the year
--   :quarter     0 = the year; 1–4 = year to date
--   :by          value, change or change_rate (empty: value)
--   :ascending   1: lowest first; 0 or empty: highest first
--   :kind, :region, :units   as in the trend query (empty: all)
WITH this_year AS MATERIALIZED (
    SELECT unit_id, value, previous, change, change_rate, reason
    FROM indicator_trend
    WHERE indicator = :indicator AND quarter = CAST(:quarter AS INTEGER) AND year = CAST(:year AS INTEGER)
),
-- The units of the filter: those with a period that year, then the others
-- (NOT MATERIALIZED: each stays a search of units by id; a materialized CTE
-- has no index, and a join with it scans it once per row).
in_scope AS NOT MATERIALIZED (
    SELECT id AS unit_id, name AS unit, region, kind
    FROM units
    WHERE (NULLIF(:kind, '') IS NULL OR kind = :kind)
      AND (NULLIF(:region, '') IS NULL OR region = :region)
      AND (NULLIF(:units, '') IS NULL
           OR name IN (SELECT value FROM json_each(CASE WHEN json_valid(:units) THEN :units ELSE json_array(:units) END)))
),
candidates AS (
    SELECT u.unit_id, u.unit, u.region, u.kind, t.value, t.previous, t.change, t.change_rate, t.reason,
           CASE COALESCE(NULLIF(:by, ''), 'value')
                WHEN 'change' THEN t.change WHEN 'change_rate' THEN t.change_rate ELSE t.value END AS measure
    FROM this_year t JOIN in_scope u ON u.unit_id = t.unit_id
    UNION ALL
    SELECT unit_id, unit, region, kind, NULL, NULL, NULL, NULL, 'no figures for ' || CAST(:year AS INTEGER), NULL
    FROM in_scope
    WHERE unit_id NOT IN (SELECT unit_id FROM this_year)
)
SELECT CASE WHEN measure IS NOT NULL THEN
            rank() OVER (PARTITION BY measure IS NULL
                         ORDER BY CASE WHEN COALESCE(CAST(NULLIF(:ascending, '') AS INTEGER), 0) <> 0
                                       THEN measure ELSE -measure END)
       END AS rank,
       unit_id, unit, region, kind, :indicator AS indicator, CAST(:year AS INTEGER) AS year,
       value, previous, change, change_rate, reason
FROM candidates
ORDER BY measure IS NULL, rank, unit;
