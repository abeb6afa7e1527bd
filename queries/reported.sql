-- Reported values: what documents state for a derived indicator (basis
-- reported: 控制率 53%, 财政供养比230, 执行率94.26%), kept to be checked against
-- the value recomputed from the inputs, never used as one (domain.md: "a
-- difference to report, not to hide").

-- view: reported_vs_computed
-- Each reported value beside the recomputed one. Fine in sqlite3 for a county;
-- at province scale the LEFT JOIN materializes every indicator value, so
-- `fiscal conflicts --reported` runs the query below once per reported value.
CREATE VIEW reported_vs_computed AS
SELECT f.unit_id, f.unit, f.region, f.kind, f.year, f.quarter, f.metric, f.value_e6 AS reported_e6,
       f.value AS reported, v.value AS computed, v.reason, f.source, f.location, f.part, f.raw_text
FROM facts f
JOIN metrics m ON m.code = f.metric AND m.kind = 'indicator'
LEFT JOIN indicator_values v
       ON v.unit_id = f.unit_id AND v.year = f.year AND v.quarter = f.quarter AND v.indicator = f.metric
WHERE f.basis = 'reported';

-- query: indicator_value
-- title: 重算值 · One recomputed indicator value
-- The value an indicator has for one unit and period, recomputed from the
-- resolved inputs, or the reason it has none.
--   :unit_id, :year, :quarter, :indicator
SELECT value, reason
FROM indicator_values
WHERE unit_id = CAST(:unit_id AS INTEGER) AND year = CAST(:year AS INTEGER)
  AND quarter = CAST(:quarter AS INTEGER) AND indicator = :indicator;
