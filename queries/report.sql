-- The report's own readings of the store (`fiscal report`); its indicators,
-- ranks and scores come from indicators.sql, trend.sql and scoring.sql.

-- query: report_conflicts
-- title: 矛盾数据 · Conflicting figures of a year
-- One row per unit, period, metric and basis whose files disagree: the distinct
-- values (in the metric's unit, as the files state them), the spread between the
-- largest and the smallest, and how many files state one; largest spread first.
--   :year   the year
-- The conflicts view's rule (a key with more than one distinct value), asked
-- only of the keys stated more than once: those, and only those, have an
-- observation that lost the key's precedence (superseded = 1), which the
-- partial index observations_restated lists by year (schema.sql, v7). The
-- view groups every observation first (4 s at province scale); reading the
-- year's 530,000 observations unit by unit took 0.6 s; this, 0.01 s.
WITH disagreeing AS (
    SELECT o.unit_id, o.year, o.quarter, o.metric_id, o.basis
    FROM (SELECT DISTINCT unit_id, year, quarter, metric_id, basis FROM observations
          WHERE superseded = 1 AND year = CAST(:year AS INTEGER)) k
    CROSS JOIN observations o
    WHERE o.unit_id = k.unit_id AND o.year = k.year AND o.quarter = k.quarter
      AND o.metric_id = k.metric_id AND o.basis = k.basis
    GROUP BY o.unit_id, o.year, o.quarter, o.metric_id, o.basis
    HAVING COUNT(DISTINCT o.value_e6) > 1
)
SELECT c.unit, c.region, c.kind, c.year, c.quarter, c.metric, c.basis,
       group_concat(DISTINCT c.value) AS vals,
       (max(c.value_e6) - min(c.value_e6)) / 1000000.0 AS spread,
       count(DISTINCT c.import_id) AS sources
FROM disagreeing k
JOIN observation_details c ON c.unit_id = k.unit_id AND c.year = k.year AND c.quarter = k.quarter
                          AND c.metric_id = k.metric_id AND c.basis = k.basis
GROUP BY c.unit_id, c.year, c.quarter, c.metric_id, c.basis
ORDER BY spread DESC, c.unit, c.metric, c.basis;

-- query: report_line_values
-- title: 指标历年值 · An indicator's values by year, for the report's line
-- Every value of one indicator in the scope, every year: the line over the years
-- is the scope's total (amounts) or median (rates) of each year. In no order:
-- the report adds amounts exactly (as millionths), so the order does not
-- matter, and sorting every value by its unit's name cost 15 % of the query.
--   :indicator   an indicator code
--   :quarter     0 = the year
--   :kind        department, township or other (empty: all)
--   :region      e.g. 邵阳县 (empty: all)
SELECT v.year, v.value
FROM indicator_values v JOIN units u ON u.id = v.unit_id
WHERE v.indicator = :indicator
  AND v.quarter = CAST(:quarter AS INTEGER)
  AND v.value IS NOT NULL
  AND (NULLIF(:kind, '') IS NULL OR u.kind = :kind)
  AND (NULLIF(:region, '') IS NULL OR u.region = :region);
