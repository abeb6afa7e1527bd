-- Facts: every observation with its source, the precedence that picks one value
-- per key, the resolved facts and the keys whose observations disagree.
--
-- Views are derived, so they are not migrated: `fiscal` drops and creates every
-- view of queries/ in one transaction whenever the SQL embedded in the binary
-- differs from what the database holds (installed_queries). Tables and their
-- migrations are in schema.sql.
--
-- Exact values: value_e6 is the figure × 1,000,000 in its metric's unit (money
-- in 万元); `value` is the same as REAL, for reading.

-- view: observation_details
-- Every observation with its unit, metric code and source, readable in sqlite3.
CREATE VIEW observation_details AS
SELECT o.id,
       u.name AS unit, u.region, u.kind,
       o.year, o.quarter, m.code AS metric, o.basis,
       o.value_e6, o.value_e6 / 1000000.0 AS value,
       m.unit AS metric_unit,
       i.path AS source,
       COALESCE(o.cell, 'line ' || o.line) AS location,
       o.part, o.raw_text, o.import_id, i.document_year,
       o.unit_id, o.metric_id, o.superseded
FROM observations o
JOIN units u ON u.id = o.unit_id
JOIN metrics m ON m.id = o.metric_id
JOIN imports i ON i.id = o.import_id;

-- view: observation_precedence
-- The precedence of every observation; within a key (unit, year, quarter,
-- metric, basis) the lowest precedence, then the lowest id, is the fact. The
-- import ranks the keys it states again and marks the losers superseded. In
-- order of weight:
--   1. a file's own figure (figure year = the file's document year: a
--      package's year, or a tidy CSV's latest year) before a later file's
--      restatement of a prior year;
--   2. the part: basic data table (and tidy CSV) > form > project/sheet > narrative
--      (part_precedence);
--   3. among restatements, the latest package's year;
--   4. the latest import (a corrected file imported later wins);
--   5. the first observation in the file (the id).
CREATE VIEW observation_precedence AS
SELECT o.id, o.unit_id, o.year, o.quarter, o.metric_id, o.basis,
       (CASE WHEN i.document_year > o.year THEN 1 ELSE 0 END) * 10000000000000
     + COALESCE(p.rank, 9) * 1000000000000
     + (9999 - COALESCE(i.document_year, 0)) * 100000000
     + (99999999 - o.import_id) AS precedence
FROM observations o
JOIN imports i ON i.id = o.import_id
LEFT JOIN part_precedence p ON p.part = o.part;

-- view: facts
-- The resolved facts: one value per unit, year, quarter, metric and basis
-- (precedence: observation_precedence). Disagreements are never averaged or
-- dropped: see the conflicts view.
CREATE VIEW facts AS
SELECT id, unit, region, kind, year, quarter, metric, basis, value_e6, value,
       metric_unit, source, location, part, raw_text, import_id, unit_id
FROM observation_details
WHERE superseded = 0;

-- view: conflicts
-- Every key whose observations disagree, one row per observation. Only keys
-- stated more than once can disagree, and each of those has an observation
-- that lost the key's precedence (superseded = 1), which the partial index
-- observations_restated lists: grouping every observation instead took 3.7 s
-- at province scale, this 0.02 s (report.sql's report_conflicts asks the same).
CREATE VIEW conflicts AS
SELECT d.*
FROM observation_details d
JOIN (
    SELECT o.unit_id, o.year, o.quarter, o.metric_id, o.basis
    FROM (SELECT DISTINCT year, unit_id, quarter, metric_id, basis FROM observations WHERE superseded = 1) k
    CROSS JOIN observations o
    WHERE o.unit_id = k.unit_id AND o.year = k.year AND o.quarter = k.quarter
      AND o.metric_id = k.metric_id AND o.basis = k.basis
    GROUP BY o.unit_id, o.year, o.quarter, o.metric_id, o.basis
    HAVING COUNT(DISTINCT o.value_e6) > 1
) k ON k.unit_id = d.unit_id AND k.year = d.year AND k.quarter = d.quarter
   AND k.metric_id = d.metric_id AND k.basis = d.basis;
