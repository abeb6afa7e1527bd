-- fiscal database schema: the one source of truth.
--
-- The binary embeds this file and applies it section by section: every
-- "-- migration: NAME" line starts a migration, applied once, in file order, and
-- recorded in grdb_migrations. A released section is never edited; a change to
-- the schema is a new section appended at the end.
--
-- Exact values: observations.value_e6 is the figure times 1,000,000 in its
-- metric's unit, as an integer. Money is in 万元, so 1 unit of value_e6 is
-- 0.01 元; no figure is ever stored as a floating-point number. The views expose
-- `value` as REAL for reading in sqlite3; FiscalKit computes from value_e6.

-- migration: v1-core

-- A budget unit (预算单位): a department (部门), a township (乡镇) or another unit.
CREATE TABLE units (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,          -- as first imported, e.g. 邵阳县白仓镇人民政府
    name_key    TEXT NOT NULL UNIQUE,          -- normalized: NFKC, no white space
    core_key    TEXT NOT NULL,                 -- name_key less region prefix and 人民政府
    region      TEXT,                          -- e.g. 邵阳县
    kind        TEXT NOT NULL DEFAULT 'other'
                CHECK (kind = 'department' OR kind = 'township' OR kind = 'other'),
    code        TEXT                           -- the unit's own code (单位编码), optional
);
CREATE INDEX units_core_key ON units(core_key);

-- Other names of a unit: any normalized name that resolves to it.
CREATE TABLE unit_aliases (
    alias_key   TEXT PRIMARY KEY,              -- normalized like units.name_key
    alias       TEXT NOT NULL,                 -- as the user wrote it
    unit_id     INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE
);
CREATE INDEX unit_aliases_unit ON unit_aliases(unit_id);

-- The metric catalogue of domain.md, seeded from metrics.csv (raw figures) and
-- indicators.csv (derived indicators, whose stated values are kept as
-- `reported`), extended with `fiscal metrics load FILE` (no rebuild needed).
CREATE TABLE metrics (
    id          INTEGER PRIMARY KEY,           -- what observations store: a small key
    code        TEXT NOT NULL UNIQUE,          -- e.g. three_public_total
    name_zh     TEXT NOT NULL,                 -- e.g. 三公经费
    name_en     TEXT NOT NULL,
    unit        TEXT NOT NULL,                 -- 万元, 人, %, 分 …
    kind        TEXT NOT NULL DEFAULT 'raw'    -- raw: a figure documents state (metrics.csv);
                CHECK (kind = 'raw' OR kind = 'indicator'),  -- indicator: derived (indicators.csv), stored only as reported
    formula     TEXT,                          -- indicators: how it is computed
    better      TEXT                           -- indicators: which direction is better
                CHECK (better IS NULL OR better = 'lower' OR better = 'higher')
);

-- Every name a metric is known by (its code, 中文 name and synonyms), normalized.
CREATE TABLE metric_names (
    name_key    TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    metric      TEXT NOT NULL REFERENCES metrics(code) ON DELETE CASCADE
);
CREATE INDEX metric_names_metric ON metric_names(metric);

-- One imported file. Its content hash makes re-imports idempotent.
CREATE TABLE imports (
    id              INTEGER PRIMARY KEY,
    path            TEXT NOT NULL,             -- as given on the command line
    sha256          TEXT NOT NULL UNIQUE,
    format          TEXT NOT NULL,             -- csv, txt, docx, xlsx
    encoding        TEXT NOT NULL,             -- utf-8, gb18030
    document_year   INTEGER,                   -- a package's own year; for tidy CSV its latest year
    imported_at     TEXT NOT NULL,             -- ISO 8601, UTC
    rows            INTEGER NOT NULL,          -- data rows read
    figures         INTEGER NOT NULL,          -- observations stored
    missing         INTEGER NOT NULL,          -- empty/—— values skipped
    conflicts       INTEGER NOT NULL           -- keys this import put in disagreement
);

-- One figure as read from one place in one file.
CREATE TABLE observations (
    id          INTEGER PRIMARY KEY,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    year        INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    quarter     INTEGER NOT NULL DEFAULT 0 CHECK (quarter BETWEEN 0 AND 4), -- 0 = year, 1–4 = year to date
    metric_id   INTEGER NOT NULL REFERENCES metrics(id),  -- see observation_details for the code
    basis       TEXT NOT NULL DEFAULT 'final'        -- OR, not IN: an IN list costs an ephemeral table per insert
                CHECK (basis = 'final' OR basis = 'budget' OR basis = 'initial' OR basis = 'plan' OR basis = 'reported'),
    value_e6    INTEGER NOT NULL,              -- exact: value × 10^6 in the metric's unit
    import_id   INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    part        TEXT NOT NULL,                 -- csv, table, form, sheet, project, narrative
    line        INTEGER,                       -- line in the file, when it has lines
    cell        TEXT,                          -- or table/row/cell, sheet!cell
    raw_text    TEXT NOT NULL                  -- the text the figure was read from
);
CREATE INDEX observations_key ON observations(unit_id, year, quarter, metric_id, basis);
-- No index on import_id: nothing reads by it on a hot path, and each index
-- costs every inserted row (BENCHMARKS.md).

-- The indicator rows of a package's scoring sheet (评分表), kept for scoring:
-- points in millionths, like values.
CREATE TABLE scoring_items (
    id              INTEGER PRIMARY KEY,
    import_id       INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    year            INTEGER NOT NULL,
    level1          TEXT,                      -- 一级指标, e.g. 投入
    level2          TEXT,                      -- 二级指标, e.g. 预算配置
    indicator       TEXT NOT NULL,             -- 三级指标, e.g. 人员控制率
    max_points_e6   INTEGER,                   -- 分值
    self_points_e6  INTEGER,                   -- 自评分 (NULL when the unit left it empty)
    rule            TEXT,                      -- 评分标准, as written
    location        TEXT NOT NULL
);
CREATE INDEX scoring_items_unit_year ON scoring_items(unit_id, year);

-- Project forms (项目支出绩效自评表): one row per project of a package.
CREATE TABLE projects (
    id                  INTEGER PRIMARY KEY,
    import_id           INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    unit_id             INTEGER NOT NULL REFERENCES units(id),
    year                INTEGER NOT NULL,
    name                TEXT NOT NULL,          -- 项目支出名称
    initial_e6          INTEGER,                -- 年度资金总额 年初预算数, 万元
    budget_e6           INTEGER,                -- 全年预算数
    final_e6            INTEGER,                -- 全年执行数
    execution_rate_e6   INTEGER,                -- 执行率 as the form states it, %
    self_score_e6       INTEGER,                -- 总分 自评得分
    location            TEXT NOT NULL
);
CREATE INDEX projects_unit_year ON projects(unit_id, year);

-- Precedence of the parts of a package when they state the same key.
CREATE TABLE part_precedence (
    part        TEXT PRIMARY KEY,
    rank        INTEGER NOT NULL               -- lower wins
);
INSERT INTO part_precedence(part, rank) VALUES
    ('csv', 1), ('table', 1), ('form', 2), ('project', 3), ('sheet', 3), ('narrative', 4);

-- Every observation with its source, readable in sqlite3.
CREATE VIEW observation_details AS
SELECT o.id,
       u.name AS unit, u.region, u.kind,
       o.year, o.quarter, m.code AS metric, o.basis,
       o.value_e6, o.value_e6 / 1000000.0 AS value,
       m.unit AS metric_unit,
       i.path AS source,
       COALESCE(o.cell, 'line ' || o.line) AS location,
       o.part, o.raw_text, o.import_id, i.document_year,
       o.unit_id, o.metric_id
FROM observations o
JOIN units u ON u.id = o.unit_id
JOIN metrics m ON m.id = o.metric_id
JOIN imports i ON i.id = o.import_id;

-- The resolved facts: one value per unit, year, quarter, metric and basis.
-- Precedence, first rule that separates two observations wins:
--   1. a file's own figure (figure year = the file's document year: a
--      package's year, or a tidy CSV's latest year) before a later file's
--      restatement of a prior year;
--   2. the part: basic data table (and tidy CSV) > form > project/sheet > narrative;
--   3. among restatements, the latest package's year;
--   4. the latest import (a corrected file imported later wins);
--   5. the first observation in the file.
-- Disagreements are never averaged or dropped: see the conflicts view.
CREATE VIEW facts AS
SELECT id, unit, region, kind, year, quarter, metric, basis, value_e6, value,
       metric_unit, source, location, part, raw_text, import_id, unit_id
FROM (
    SELECT d.*,
           ROW_NUMBER() OVER (
               PARTITION BY d.unit_id, d.year, d.quarter, d.metric_id, d.basis
               ORDER BY CASE WHEN d.document_year IS NOT NULL
                              AND d.document_year > d.year THEN 1 ELSE 0 END,
                        COALESCE(p.rank, 9),
                        d.document_year DESC,
                        d.import_id DESC,
                        d.id
           ) AS precedence
    FROM observation_details d
    LEFT JOIN part_precedence p ON p.part = d.part
)
WHERE precedence = 1;

-- Every key whose observations disagree, one row per observation.
CREATE VIEW conflicts AS
SELECT d.*
FROM observation_details d
JOIN (
    SELECT unit_id, year, quarter, metric_id, basis
    FROM observations
    GROUP BY unit_id, year, quarter, metric_id, basis
    HAVING COUNT(DISTINCT value_e6) > 1
) k ON k.unit_id = d.unit_id AND k.year = d.year AND k.quarter = d.quarter
   AND k.metric_id = d.metric_id AND k.basis = d.basis;

-- migration: v2-indicators

-- The indicators of domain.md (codes, formulas and directions: indicators.csv),
-- computed from the resolved facts, readable and usable in sqlite3:
--   SELECT * FROM indicator_trend WHERE indicator = 'nontax_cost_rate';
-- A unit/year lacking an input has no value (NULL) and a reason; money sums
-- stay exact integers (value_e6) until divided.

-- One row per unit, year and quarter with the resolved inputs; a column is
-- the metric's final value, or metric_basis for another basis.
CREATE VIEW indicator_inputs AS
SELECT unit_id, year, quarter,
    MAX(CASE WHEN metric = 'three_public_total' AND basis = 'final' THEN value_e6 END) AS three_public_total,
    MAX(CASE WHEN metric = 'overseas_travel' AND basis = 'final' THEN value_e6 END) AS overseas_travel,
    MAX(CASE WHEN metric = 'vehicle_total' AND basis = 'final' THEN value_e6 END) AS vehicle_total,
    MAX(CASE WHEN metric = 'vehicle_purchase' AND basis = 'final' THEN value_e6 END) AS vehicle_purchase,
    MAX(CASE WHEN metric = 'vehicle_operation' AND basis = 'final' THEN value_e6 END) AS vehicle_operation,
    MAX(CASE WHEN metric = 'official_reception' AND basis = 'final' THEN value_e6 END) AS official_reception,
    MAX(CASE WHEN metric = 'seven_items_total' AND basis = 'final' THEN value_e6 END) AS seven_items_total,
    MAX(CASE WHEN metric = 'office_expense' AND basis = 'final' THEN value_e6 END) AS office_expense,
    MAX(CASE WHEN metric = 'printing' AND basis = 'final' THEN value_e6 END) AS printing,
    MAX(CASE WHEN metric = 'postal' AND basis = 'final' THEN value_e6 END) AS postal,
    MAX(CASE WHEN metric = 'travel' AND basis = 'final' THEN value_e6 END) AS travel,
    MAX(CASE WHEN metric = 'meeting' AND basis = 'final' THEN value_e6 END) AS meeting,
    MAX(CASE WHEN metric = 'training' AND basis = 'final' THEN value_e6 END) AS training,
    MAX(CASE WHEN metric = 'meeting_training' AND basis = 'final' THEN value_e6 END) AS meeting_training,
    MAX(CASE WHEN metric = 'utilities_travel' AND basis = 'final' THEN value_e6 END) AS utilities_travel,
    MAX(CASE WHEN metric = 'nontax_collection_cost' AND basis = 'final' THEN value_e6 END) AS nontax_collection_cost,
    MAX(CASE WHEN metric = 'nontax_revenue' AND basis = 'final' THEN value_e6 END) AS nontax_revenue,
    MAX(CASE WHEN metric = 'resident_population' AND basis = 'final' THEN value_e6 END) AS resident_population,
    MAX(CASE WHEN metric = 'supported_population' AND basis = 'final' THEN value_e6 END) AS supported_population,
    MAX(CASE WHEN metric = 'staff_in_service' AND basis = 'final' THEN value_e6 END) AS staff_in_service,
    MAX(CASE WHEN metric = 'staff_retired' AND basis = 'final' THEN value_e6 END) AS staff_retired,
    MAX(CASE WHEN metric = 'staff_authorized' AND basis = 'final' THEN value_e6 END) AS staff_authorized,
    MAX(CASE WHEN metric = 'total_funds' AND basis = 'final' THEN value_e6 END) AS total_funds,
    MAX(CASE WHEN metric = 'public_funds' AND basis = 'final' THEN value_e6 END) AS public_funds,
    MAX(CASE WHEN metric = 'government_procurement' AND basis = 'final' THEN value_e6 END) AS government_procurement,
    MAX(CASE WHEN metric = 'three_guarantees' AND basis = 'final' THEN value_e6 END) AS three_guarantees,
    MAX(CASE WHEN metric = 'general_budget_expenditure' AND basis = 'final' THEN value_e6 END) AS general_budget_expenditure,
    MAX(CASE WHEN metric = 'tax_revenue' AND basis = 'final' THEN value_e6 END) AS tax_revenue,
    MAX(CASE WHEN metric = 'fiscal_revenue' AND basis = 'final' THEN value_e6 END) AS fiscal_revenue,
    MAX(CASE WHEN metric = 'social_insured' AND basis = 'final' THEN value_e6 END) AS social_insured,
    MAX(CASE WHEN metric = 'medical_insured' AND basis = 'final' THEN value_e6 END) AS medical_insured,
    MAX(CASE WHEN metric = 'benefit_covered' AND basis = 'final' THEN value_e6 END) AS benefit_covered,
    MAX(CASE WHEN metric = 'benefit_eligible' AND basis = 'final' THEN value_e6 END) AS benefit_eligible,
    MAX(CASE WHEN metric = 'three_public_total' AND basis = 'budget' THEN value_e6 END) AS three_public_total_budget,
    MAX(CASE WHEN metric = 'overseas_travel' AND basis = 'budget' THEN value_e6 END) AS overseas_travel_budget,
    MAX(CASE WHEN metric = 'vehicle_total' AND basis = 'budget' THEN value_e6 END) AS vehicle_total_budget,
    MAX(CASE WHEN metric = 'vehicle_purchase' AND basis = 'budget' THEN value_e6 END) AS vehicle_purchase_budget,
    MAX(CASE WHEN metric = 'vehicle_operation' AND basis = 'budget' THEN value_e6 END) AS vehicle_operation_budget,
    MAX(CASE WHEN metric = 'official_reception' AND basis = 'budget' THEN value_e6 END) AS official_reception_budget,
    MAX(CASE WHEN metric = 'total_funds' AND basis = 'budget' THEN value_e6 END) AS total_funds_budget,
    MAX(CASE WHEN metric = 'total_funds' AND basis = 'initial' THEN value_e6 END) AS total_funds_initial,
    MAX(CASE WHEN metric = 'public_funds' AND basis = 'budget' THEN value_e6 END) AS public_funds_budget,
    MAX(CASE WHEN metric = 'government_procurement' AND basis = 'budget' THEN value_e6 END) AS government_procurement_budget,
    MAX(CASE WHEN metric = 'three_guarantees' AND basis = 'plan' THEN value_e6 END) AS three_guarantees_plan,
    MAX(CASE WHEN metric = 'tax_revenue' AND basis = 'plan' THEN value_e6 END) AS tax_revenue_plan,
    MAX(CASE WHEN metric = 'fiscal_revenue' AND basis = 'plan' THEN value_e6 END) AS fiscal_revenue_plan
FROM facts
GROUP BY unit_id, year, quarter;

-- Composite money figures: a stated total, else the sum of its parts; a
-- missing part leaves the sum missing (never 0).
CREATE VIEW indicator_parts AS
SELECT *,
    COALESCE(three_public_total, overseas_travel + COALESCE(vehicle_total, vehicle_purchase + vehicle_operation) + official_reception) AS three_public_e6,
    COALESCE(three_public_total_budget, overseas_travel_budget + COALESCE(vehicle_total_budget, vehicle_purchase_budget + vehicle_operation_budget) + official_reception_budget) AS three_public_budget_e6,
    COALESCE(seven_items_total,
             CASE WHEN travel IS NULL AND utilities_travel IS NOT NULL THEN NULL
                  ELSE office_expense + printing + postal + travel
                       + COALESCE(meeting + training, meeting_training) + official_reception END) AS seven_items_e6
FROM indicator_inputs;

CREATE VIEW indicator_values AS
SELECT unit_id, year, quarter, 'three_public' AS indicator, three_public_e6 / 1000000.0 AS value,
       CASE WHEN three_public_e6 IS NULL THEN 'needs three_public_total, or overseas_travel + vehicle_total (or vehicle_purchase + vehicle_operation) + official_reception' END AS reason
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'three_public_control_rate', 100.0 * three_public_e6 / NULLIF(three_public_budget_e6, 0),
       CASE WHEN three_public_e6 IS NULL THEN 'needs the final 三公经费'
            WHEN three_public_budget_e6 IS NULL THEN 'needs the 三公经费 budget'
            WHEN three_public_budget_e6 = 0 THEN 'the 三公经费 budget is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'seven_items', seven_items_e6 / 1000000.0,
       CASE WHEN seven_items_e6 IS NOT NULL THEN NULL
            WHEN travel IS NULL AND utilities_travel IS NOT NULL
                 THEN 'travel is stated only together with utilities (水费、电费、差旅费), which is not a component: no sum'
            ELSE 'needs seven_items_total, or office_expense, printing, postal, travel, meeting and training (or meeting_training), official_reception' END
FROM indicator_parts
UNION ALL
-- Reports state it as "“七项”经费控制率-6.59%": the year-over-year change of 七项经费.
SELECT c.unit_id, c.year, c.quarter, 'seven_items_change_rate',
       100.0 * (c.seven_items_e6 - p.seven_items_e6) / NULLIF(p.seven_items_e6, 0),
       CASE WHEN c.seven_items_e6 IS NULL THEN 'needs 七项经费 of the year'
            WHEN p.seven_items_e6 IS NULL THEN 'needs 七项经费 of the year before'
            WHEN p.seven_items_e6 = 0 THEN '七项经费 of the year before is 0' END
FROM indicator_parts c
LEFT JOIN indicator_parts p ON p.unit_id = c.unit_id AND p.quarter = c.quarter AND p.year = c.year - 1
UNION ALL
SELECT unit_id, year, quarter, 'nontax_cost_rate', 100.0 * nontax_collection_cost / NULLIF(nontax_revenue, 0),
       CASE WHEN nontax_collection_cost IS NULL THEN 'needs nontax_collection_cost'
            WHEN nontax_revenue IS NULL THEN 'needs nontax_revenue'
            WHEN nontax_revenue = 0 THEN 'nontax_revenue is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'supported_ratio',
       1.0 * resident_population / NULLIF(COALESCE(supported_population, staff_in_service + staff_retired), 0),
       CASE WHEN resident_population IS NULL THEN 'needs resident_population'
            WHEN COALESCE(supported_population, staff_in_service + staff_retired) IS NULL
                 THEN 'needs supported_population, or staff_in_service + staff_retired'
            WHEN COALESCE(supported_population, staff_in_service + staff_retired) = 0 THEN 'no supported persons' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'staff_control_rate', 100.0 * staff_in_service / NULLIF(staff_authorized, 0),
       CASE WHEN staff_in_service IS NULL THEN 'needs staff_in_service'
            WHEN staff_authorized IS NULL THEN 'needs staff_authorized'
            WHEN staff_authorized = 0 THEN 'staff_authorized is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'budget_execution_rate', 100.0 * total_funds / NULLIF(total_funds_budget, 0),
       CASE WHEN total_funds IS NULL THEN 'needs total_funds (final)'
            WHEN total_funds_budget IS NULL THEN 'needs total_funds (budget)'
            WHEN total_funds_budget = 0 THEN 'total_funds (budget) is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'budget_adjustment_rate', 100.0 * (total_funds_budget - total_funds_initial) / NULLIF(total_funds_initial, 0),
       CASE WHEN total_funds_budget IS NULL THEN 'needs total_funds (budget)'
            WHEN total_funds_initial IS NULL THEN 'needs total_funds (initial)'
            WHEN total_funds_initial = 0 THEN 'total_funds (initial) is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'public_funds_control_rate', 100.0 * public_funds / NULLIF(public_funds_budget, 0),
       CASE WHEN public_funds IS NULL THEN 'needs public_funds (final)'
            WHEN public_funds_budget IS NULL THEN 'needs public_funds (budget)'
            WHEN public_funds_budget = 0 THEN 'public_funds (budget) is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'procurement_execution_rate', 100.0 * government_procurement / NULLIF(government_procurement_budget, 0),
       CASE WHEN government_procurement IS NULL THEN 'needs government_procurement (final)'
            WHEN government_procurement_budget IS NULL THEN 'needs government_procurement (budget)'
            WHEN government_procurement_budget = 0 THEN 'government_procurement (budget) is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'three_guarantees_share', 100.0 * three_guarantees / NULLIF(general_budget_expenditure, 0),
       CASE WHEN three_guarantees IS NULL THEN 'needs three_guarantees (final)'
            WHEN general_budget_expenditure IS NULL THEN 'needs general_budget_expenditure'
            WHEN general_budget_expenditure = 0 THEN 'general_budget_expenditure is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'three_guarantees_coverage', 100.0 * three_guarantees / NULLIF(three_guarantees_plan, 0),
       CASE WHEN three_guarantees IS NULL THEN 'needs three_guarantees (final)'
            WHEN three_guarantees_plan IS NULL THEN 'needs three_guarantees (plan)'
            WHEN three_guarantees_plan = 0 THEN 'three_guarantees (plan) is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'tax_completion_rate', 100.0 * tax_revenue / NULLIF(tax_revenue_plan, 0),
       CASE WHEN tax_revenue IS NULL THEN 'needs tax_revenue (final)'
            WHEN tax_revenue_plan IS NULL THEN 'needs tax_revenue (plan)'
            WHEN tax_revenue_plan = 0 THEN 'tax_revenue (plan) is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'revenue_completion_rate', 100.0 * fiscal_revenue / NULLIF(fiscal_revenue_plan, 0),
       CASE WHEN fiscal_revenue IS NULL THEN 'needs fiscal_revenue (final)'
            WHEN fiscal_revenue_plan IS NULL THEN 'needs fiscal_revenue (plan)'
            WHEN fiscal_revenue_plan = 0 THEN 'fiscal_revenue (plan) is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'social_insurance_coverage', 100.0 * social_insured / NULLIF(resident_population, 0),
       CASE WHEN social_insured IS NULL THEN 'needs social_insured'
            WHEN resident_population IS NULL THEN 'needs resident_population'
            WHEN resident_population = 0 THEN 'resident_population is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'medical_insurance_coverage', 100.0 * medical_insured / NULLIF(resident_population, 0),
       CASE WHEN medical_insured IS NULL THEN 'needs medical_insured'
            WHEN resident_population IS NULL THEN 'needs resident_population'
            WHEN resident_population = 0 THEN 'resident_population is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'benefit_coverage', 100.0 * benefit_covered / NULLIF(benefit_eligible, 0),
       CASE WHEN benefit_covered IS NULL THEN 'needs benefit_covered'
            WHEN benefit_eligible IS NULL THEN 'needs benefit_eligible'
            WHEN benefit_eligible = 0 THEN 'benefit_eligible is 0' END
FROM indicator_parts
UNION ALL
-- Any raw metric is trendable by its code (final basis).
SELECT f.unit_id, f.year, f.quarter, f.metric, f.value_e6 / 1000000.0, NULL
FROM facts f JOIN metrics m ON m.code = f.metric AND m.kind = 'raw'
WHERE f.basis = 'final';

-- Year over year, like with like: the same quarter of the previous year.
-- change is in the indicator's unit (percentage points for rates); change_rate
-- is (value − previous) ÷ previous in %, missing when there is no previous or
-- it is 0 — never 0 or ∞.
CREATE VIEW indicator_trend AS
SELECT c.unit_id, u.name AS unit, u.region, u.kind, c.indicator, c.year, c.quarter, c.value, c.reason,
       p.value AS previous,
       c.value - p.value AS change,
       CASE WHEN p.value <> 0 THEN 100.0 * (c.value - p.value) / p.value END AS change_rate
FROM indicator_values c
JOIN units u ON u.id = c.unit_id
LEFT JOIN indicator_values p
       ON p.unit_id = c.unit_id AND p.indicator = c.indicator AND p.quarter = c.quarter AND p.year = c.year - 1;

-- migration: v3-resolved

-- Province scale (10,000 units × 10 years, BENCHMARKS.md): v1's `facts` view
-- ranked every observation with a window function on every query, and v2's
-- indicators pivoted all of them again. The import now keeps both results:
--   * observations.superseded marks every observation that lost to another of
--     its key; `facts` is the rest. Only keys stated more than once are ever
--     ranked, by the precedence in observation_precedence.
--   * period_inputs holds, for every unit, year and quarter with any figure,
--     the resolved inputs of the indicators (period_input_columns says which
--     column is which metric and basis).
-- The indicator views read those tables; their formulas are v2's.

ALTER TABLE observations ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0
    CHECK (superseded = 0 OR superseded = 1);   -- 1: another observation of the key wins

-- The precedence of every observation; within a key the lowest precedence,
-- then the lowest id, is the fact. In order of weight:
--   1. a file's own figure (figure year = the file's document year: a
--      package's year, or a tidy CSV's latest year) before a later file's
--      restatement of a prior year;
--   2. the part: basic data table (and tidy CSV) > form > project/sheet > narrative;
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

-- Rank the keys stated more than once (the import does the same for the keys it touches).
UPDATE observations SET superseded = (id <> (
    SELECT r.id FROM observation_precedence r
    WHERE r.unit_id = observations.unit_id AND r.year = observations.year AND r.quarter = observations.quarter
      AND r.metric_id = observations.metric_id AND r.basis = observations.basis
    ORDER BY r.precedence, r.id LIMIT 1))
WHERE (unit_id, year, quarter, metric_id, basis) IN (
    SELECT unit_id, year, quarter, metric_id, basis FROM observations
    GROUP BY unit_id, year, quarter, metric_id, basis HAVING count(*) > 1);

DROP VIEW indicator_trend;
DROP VIEW indicator_values;
DROP VIEW indicator_parts;
DROP VIEW indicator_inputs;
DROP VIEW conflicts;
DROP VIEW facts;
DROP VIEW observation_details;

-- Every observation with its source, readable in sqlite3.
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

-- The resolved facts: one value per unit, year, quarter, metric and basis
-- (precedence: observation_precedence). Disagreements are never averaged or
-- dropped: see the conflicts view.
CREATE VIEW facts AS
SELECT id, unit, region, kind, year, quarter, metric, basis, value_e6, value,
       metric_unit, source, location, part, raw_text, import_id, unit_id
FROM observation_details
WHERE superseded = 0;

-- Every key whose observations disagree, one row per observation.
CREATE VIEW conflicts AS
SELECT d.*
FROM observation_details d
JOIN (
    SELECT unit_id, year, quarter, metric_id, basis
    FROM observations
    GROUP BY unit_id, year, quarter, metric_id, basis
    HAVING COUNT(DISTINCT value_e6) > 1
) k ON k.unit_id = d.unit_id AND k.year = d.year AND k.quarter = d.quarter
   AND k.metric_id = d.metric_id AND k.basis = d.basis;

-- Which metric and basis each column of period_inputs holds.
CREATE TABLE period_input_columns (
    name        TEXT PRIMARY KEY,              -- the column of period_inputs
    metric      TEXT NOT NULL,                 -- metrics.code
    basis       TEXT NOT NULL
);
INSERT INTO period_input_columns(name, metric, basis) VALUES
    ('three_public_total', 'three_public_total', 'final'),
    ('overseas_travel', 'overseas_travel', 'final'),
    ('vehicle_total', 'vehicle_total', 'final'),
    ('vehicle_purchase', 'vehicle_purchase', 'final'),
    ('vehicle_operation', 'vehicle_operation', 'final'),
    ('official_reception', 'official_reception', 'final'),
    ('seven_items_total', 'seven_items_total', 'final'),
    ('office_expense', 'office_expense', 'final'),
    ('printing', 'printing', 'final'),
    ('postal', 'postal', 'final'),
    ('travel', 'travel', 'final'),
    ('meeting', 'meeting', 'final'),
    ('training', 'training', 'final'),
    ('meeting_training', 'meeting_training', 'final'),
    ('utilities_travel', 'utilities_travel', 'final'),
    ('nontax_collection_cost', 'nontax_collection_cost', 'final'),
    ('nontax_revenue', 'nontax_revenue', 'final'),
    ('resident_population', 'resident_population', 'final'),
    ('supported_population', 'supported_population', 'final'),
    ('staff_in_service', 'staff_in_service', 'final'),
    ('staff_retired', 'staff_retired', 'final'),
    ('supported_in_service', 'supported_in_service', 'final'),
    ('supported_retired', 'supported_retired', 'final'),
    ('staff_authorized', 'staff_authorized', 'final'),
    ('total_funds', 'total_funds', 'final'),
    ('public_funds', 'public_funds', 'final'),
    ('government_procurement', 'government_procurement', 'final'),
    ('three_guarantees', 'three_guarantees', 'final'),
    ('general_budget_expenditure', 'general_budget_expenditure', 'final'),
    ('tax_revenue', 'tax_revenue', 'final'),
    ('fiscal_revenue', 'fiscal_revenue', 'final'),
    ('social_insured', 'social_insured', 'final'),
    ('medical_insured', 'medical_insured', 'final'),
    ('benefit_covered', 'benefit_covered', 'final'),
    ('benefit_eligible', 'benefit_eligible', 'final'),
    ('three_public_total_budget', 'three_public_total', 'budget'),
    ('overseas_travel_budget', 'overseas_travel', 'budget'),
    ('vehicle_total_budget', 'vehicle_total', 'budget'),
    ('vehicle_purchase_budget', 'vehicle_purchase', 'budget'),
    ('vehicle_operation_budget', 'vehicle_operation', 'budget'),
    ('official_reception_budget', 'official_reception', 'budget'),
    ('total_funds_budget', 'total_funds', 'budget'),
    ('total_funds_initial', 'total_funds', 'initial'),
    ('public_funds_budget', 'public_funds', 'budget'),
    ('government_procurement_budget', 'government_procurement', 'budget'),
    ('three_guarantees_plan', 'three_guarantees', 'plan'),
    ('tax_revenue_plan', 'tax_revenue', 'plan'),
    ('fiscal_revenue_plan', 'fiscal_revenue', 'plan');

-- One row per unit, year and quarter with at least one figure: the resolved
-- value (value_e6) of every indicator input, NULL when not stated. Kept by
-- the import; rebuilt from the facts by this migration.
CREATE TABLE period_inputs (
    quarter                          INTEGER NOT NULL,
    year                             INTEGER NOT NULL,
    unit_id                          INTEGER NOT NULL REFERENCES units(id),
    three_public_total               INTEGER,
    overseas_travel                  INTEGER,
    vehicle_total                    INTEGER,
    vehicle_purchase                 INTEGER,
    vehicle_operation                INTEGER,
    official_reception               INTEGER,
    seven_items_total                INTEGER,
    office_expense                   INTEGER,
    printing                         INTEGER,
    postal                           INTEGER,
    travel                           INTEGER,
    meeting                          INTEGER,
    training                         INTEGER,
    meeting_training                 INTEGER,
    utilities_travel                 INTEGER,
    nontax_collection_cost           INTEGER,
    nontax_revenue                   INTEGER,
    resident_population              INTEGER,
    supported_population             INTEGER,
    staff_in_service                 INTEGER,
    staff_retired                    INTEGER,
    supported_in_service             INTEGER,
    supported_retired                INTEGER,
    staff_authorized                 INTEGER,
    total_funds                      INTEGER,
    public_funds                     INTEGER,
    government_procurement           INTEGER,
    three_guarantees                 INTEGER,
    general_budget_expenditure       INTEGER,
    tax_revenue                      INTEGER,
    fiscal_revenue                   INTEGER,
    social_insured                   INTEGER,
    medical_insured                  INTEGER,
    benefit_covered                  INTEGER,
    benefit_eligible                 INTEGER,
    three_public_total_budget        INTEGER,
    overseas_travel_budget           INTEGER,
    vehicle_total_budget             INTEGER,
    vehicle_purchase_budget          INTEGER,
    vehicle_operation_budget         INTEGER,
    official_reception_budget        INTEGER,
    total_funds_budget               INTEGER,
    total_funds_initial              INTEGER,
    public_funds_budget              INTEGER,
    government_procurement_budget    INTEGER,
    three_guarantees_plan            INTEGER,
    tax_revenue_plan                 INTEGER,
    fiscal_revenue_plan              INTEGER,
    PRIMARY KEY (quarter, year, unit_id)
) WITHOUT ROWID;

-- Composite money figures: a stated total, else the sum of its parts; a
-- missing part leaves the sum missing (never 0). Supported persons: 财政供养人员,
-- else its 在职 + 退休, else the unit's staff in service + retired.
CREATE VIEW indicator_parts AS
SELECT *,
    COALESCE(three_public_total, overseas_travel + COALESCE(vehicle_total, vehicle_purchase + vehicle_operation) + official_reception) AS three_public_e6,
    COALESCE(three_public_total_budget, overseas_travel_budget + COALESCE(vehicle_total_budget, vehicle_purchase_budget + vehicle_operation_budget) + official_reception_budget) AS three_public_budget_e6,
    COALESCE(seven_items_total,
             CASE WHEN travel IS NULL AND utilities_travel IS NOT NULL THEN NULL
                  ELSE office_expense + printing + postal + travel
                       + COALESCE(meeting + training, meeting_training) + official_reception END) AS seven_items_e6,
    COALESCE(supported_population, supported_in_service + supported_retired, staff_in_service + staff_retired) AS supported_persons
FROM period_inputs;


-- The indicators of domain.md (codes, formulas and directions: indicators.csv),
-- one row per unit, year, quarter and indicator, with the reason when there
-- is no value:  SELECT * FROM indicator_values WHERE indicator = 'nontax_cost_rate';
CREATE VIEW indicator_values AS
SELECT unit_id, year, quarter, 'three_public' AS indicator, three_public_e6 / 1000000.0 AS value,
       CASE WHEN three_public_e6 IS NULL THEN 'needs three_public_total, or overseas_travel + vehicle_total (or vehicle_purchase + vehicle_operation) + official_reception' END AS reason
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'three_public_control_rate', 100.0 * three_public_e6 / NULLIF(three_public_budget_e6, 0),
       CASE WHEN three_public_e6 IS NULL THEN 'needs the final 三公经费'
            WHEN three_public_budget_e6 IS NULL THEN 'needs the 三公经费 budget'
            WHEN three_public_budget_e6 = 0 THEN 'the 三公经费 budget is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'seven_items', seven_items_e6 / 1000000.0,
       CASE WHEN seven_items_e6 IS NOT NULL THEN NULL
            WHEN travel IS NULL AND utilities_travel IS NOT NULL
                 THEN 'travel is stated only together with utilities (水费、电费、差旅费), which is not a component: no sum'
            ELSE 'needs seven_items_total, or office_expense, printing, postal, travel, meeting and training (or meeting_training), official_reception' END
FROM indicator_parts
UNION ALL
-- Reports state it as "“七项”经费控制率-6.59%": the year-over-year change of 七项经费.
SELECT c.unit_id, c.year, c.quarter, 'seven_items_change_rate',
       100.0 * (c.seven_items_e6 - p.seven_items_e6) / NULLIF(p.seven_items_e6, 0),
       CASE WHEN c.seven_items_e6 IS NULL THEN 'needs 七项经费 of the year'
            WHEN p.seven_items_e6 IS NULL THEN 'needs 七项经费 of the year before'
            WHEN p.seven_items_e6 = 0 THEN '七项经费 of the year before is 0' END
FROM indicator_parts c
LEFT JOIN indicator_parts p ON p.unit_id = c.unit_id AND p.quarter = c.quarter AND p.year = c.year - 1
UNION ALL
SELECT unit_id, year, quarter, 'nontax_cost_rate', 100.0 * nontax_collection_cost / NULLIF(nontax_revenue, 0),
       CASE WHEN nontax_collection_cost IS NULL THEN 'needs nontax_collection_cost'
            WHEN nontax_revenue IS NULL THEN 'needs nontax_revenue'
            WHEN nontax_revenue = 0 THEN 'nontax_revenue is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'supported_ratio',
       1.0 * resident_population / NULLIF(supported_persons, 0),
       CASE WHEN resident_population IS NULL THEN 'needs resident_population'
            WHEN supported_persons IS NULL
                 THEN 'needs supported_population, or supported_in_service + supported_retired, or staff_in_service + staff_retired'
            WHEN supported_persons = 0 THEN 'no supported persons' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'staff_control_rate', 100.0 * staff_in_service / NULLIF(staff_authorized, 0),
       CASE WHEN staff_in_service IS NULL THEN 'needs staff_in_service'
            WHEN staff_authorized IS NULL THEN 'needs staff_authorized'
            WHEN staff_authorized = 0 THEN 'staff_authorized is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'budget_execution_rate', 100.0 * total_funds / NULLIF(total_funds_budget, 0),
       CASE WHEN total_funds IS NULL THEN 'needs total_funds (final)'
            WHEN total_funds_budget IS NULL THEN 'needs total_funds (budget)'
            WHEN total_funds_budget = 0 THEN 'total_funds (budget) is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'budget_adjustment_rate', 100.0 * (total_funds_budget - total_funds_initial) / NULLIF(total_funds_initial, 0),
       CASE WHEN total_funds_budget IS NULL THEN 'needs total_funds (budget)'
            WHEN total_funds_initial IS NULL THEN 'needs total_funds (initial)'
            WHEN total_funds_initial = 0 THEN 'total_funds (initial) is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'public_funds_control_rate', 100.0 * public_funds / NULLIF(public_funds_budget, 0),
       CASE WHEN public_funds IS NULL THEN 'needs public_funds (final)'
            WHEN public_funds_budget IS NULL THEN 'needs public_funds (budget)'
            WHEN public_funds_budget = 0 THEN 'public_funds (budget) is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'procurement_execution_rate', 100.0 * government_procurement / NULLIF(government_procurement_budget, 0),
       CASE WHEN government_procurement IS NULL THEN 'needs government_procurement (final)'
            WHEN government_procurement_budget IS NULL THEN 'needs government_procurement (budget)'
            WHEN government_procurement_budget = 0 THEN 'government_procurement (budget) is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'three_guarantees_share', 100.0 * three_guarantees / NULLIF(general_budget_expenditure, 0),
       CASE WHEN three_guarantees IS NULL THEN 'needs three_guarantees (final)'
            WHEN general_budget_expenditure IS NULL THEN 'needs general_budget_expenditure'
            WHEN general_budget_expenditure = 0 THEN 'general_budget_expenditure is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'three_guarantees_coverage', 100.0 * three_guarantees / NULLIF(three_guarantees_plan, 0),
       CASE WHEN three_guarantees IS NULL THEN 'needs three_guarantees (final)'
            WHEN three_guarantees_plan IS NULL THEN 'needs three_guarantees (plan)'
            WHEN three_guarantees_plan = 0 THEN 'three_guarantees (plan) is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'tax_completion_rate', 100.0 * tax_revenue / NULLIF(tax_revenue_plan, 0),
       CASE WHEN tax_revenue IS NULL THEN 'needs tax_revenue (final)'
            WHEN tax_revenue_plan IS NULL THEN 'needs tax_revenue (plan)'
            WHEN tax_revenue_plan = 0 THEN 'tax_revenue (plan) is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'revenue_completion_rate', 100.0 * fiscal_revenue / NULLIF(fiscal_revenue_plan, 0),
       CASE WHEN fiscal_revenue IS NULL THEN 'needs fiscal_revenue (final)'
            WHEN fiscal_revenue_plan IS NULL THEN 'needs fiscal_revenue (plan)'
            WHEN fiscal_revenue_plan = 0 THEN 'fiscal_revenue (plan) is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'social_insurance_coverage', 100.0 * social_insured / NULLIF(resident_population, 0),
       CASE WHEN social_insured IS NULL THEN 'needs social_insured'
            WHEN resident_population IS NULL THEN 'needs resident_population'
            WHEN resident_population = 0 THEN 'resident_population is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'medical_insurance_coverage', 100.0 * medical_insured / NULLIF(resident_population, 0),
       CASE WHEN medical_insured IS NULL THEN 'needs medical_insured'
            WHEN resident_population IS NULL THEN 'needs resident_population'
            WHEN resident_population = 0 THEN 'resident_population is 0' END
FROM indicator_parts
UNION ALL
SELECT unit_id, year, quarter, 'benefit_coverage', 100.0 * benefit_covered / NULLIF(benefit_eligible, 0),
       CASE WHEN benefit_covered IS NULL THEN 'needs benefit_covered'
            WHEN benefit_eligible IS NULL THEN 'needs benefit_eligible'
            WHEN benefit_eligible = 0 THEN 'benefit_eligible is 0' END
FROM indicator_parts
UNION ALL
-- Any raw metric is trendable by its code (final basis); metrics first, so a
-- query for one code seeks its figures period by period.
SELECT p.unit_id, p.year, p.quarter, m.code, o.value_e6 / 1000000.0, NULL
FROM metrics m
CROSS JOIN period_inputs p
JOIN observations o ON o.unit_id = p.unit_id AND o.year = p.year AND o.quarter = p.quarter
                   AND o.metric_id = m.id AND o.basis = 'final' AND o.superseded = 0
WHERE m.kind = 'raw';

-- Year over year, like with like: the same quarter of the previous year.
-- change is in the indicator's unit (percentage points for rates); change_rate
-- is (value − previous) ÷ previous in %, missing when there is no previous or
-- it is 0 — never 0 or ∞.
CREATE VIEW indicator_trend AS
SELECT c.unit_id, u.name AS unit, u.region, u.kind, c.indicator, c.year, c.quarter, c.value, c.reason,
       p.value AS previous,
       c.value - p.value AS change,
       CASE WHEN p.value <> 0 THEN 100.0 * (c.value - p.value) / p.value END AS change_rate
FROM indicator_values c
JOIN units u ON u.id = c.unit_id
LEFT JOIN indicator_values p
       ON p.unit_id = c.unit_id AND p.indicator = c.indicator AND p.quarter = c.quarter AND p.year = c.year - 1;

-- migration: v4-reported

-- What the documents state for a derived indicator (basis reported: 控制率 53%,
-- 财政供养比230, 执行率94.26%) is kept to be checked against the value
-- recomputed from the inputs, never used as one (domain.md: "a difference to
-- report, not to hide").
--
-- No partial index "WHERE basis = 'reported'": SQLite re-prepares a statement
-- on every new binding of a parameter compared with a partial index's column
-- (basis = ?), and the import binds basis on every row — measured 3.6 × slower
-- province imports (BENCHMARKS.md). `fiscal trend` seeks the key index per
-- period instead; `fiscal conflicts --reported` scans (< 1 s at province scale).
--
-- Each reported value beside the recomputed one. Fine in sqlite3 for a county;
-- at province scale the LEFT JOIN materializes every indicator value, so the
-- CLI seeks indicator_values once per reported value (StoreQueries.reportedValues).
CREATE VIEW reported_vs_computed AS
SELECT f.unit_id, f.unit, f.region, f.kind, f.year, f.quarter, f.metric, f.value_e6 AS reported_e6,
       f.value AS reported, v.value AS computed, v.reason, f.source, f.location, f.part, f.raw_text
FROM facts f
JOIN metrics m ON m.code = f.metric AND m.kind = 'indicator'
LEFT JOIN indicator_values v
       ON v.unit_id = f.unit_id AND v.year = f.year AND v.quarter = f.quarter AND v.indicator = f.metric
WHERE f.basis = 'reported';
