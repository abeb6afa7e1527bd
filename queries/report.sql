-- The report's own readings of the store (`fiscal report`); its indicators,
-- ranks and scores come from indicators.sql, trend.sql and scoring.sql.

-- query: report_conflicts
-- title: 矛盾数据 · Conflicting figures of a year
-- One row per unit, period, metric and basis whose files disagree: the distinct
-- values (in the metric's unit, as the files state them), the spread between the
-- largest and the smallest, and how many files state one; largest spread first.
--   :year   the year
SELECT c.unit, c.region, c.kind, c.year, c.quarter, c.metric, c.basis,
       group_concat(DISTINCT c.value) AS vals,
       (max(c.value_e6) - min(c.value_e6)) / 1000000.0 AS spread,
       count(DISTINCT c.import_id) AS sources
FROM conflicts c
WHERE c.year = CAST(:year AS INTEGER)
GROUP BY c.unit_id, c.year, c.quarter, c.metric_id, c.basis
ORDER BY spread DESC, c.unit, c.metric, c.basis;
