-- fiscal database schema: the one source of truth.
--
-- The binary embeds this file and applies it section by section: every
-- "-- migration: NAME" line starts a migration, applied once, in file order, and
-- recorded in grdb_migrations. A released section is never edited; a change to
-- the schema is a new section appended at the end.
--
-- Views are not here: they are derived, so they are recreated, not migrated.
-- Every view and named query is in queries/, one current definition each;
-- `fiscal` drops and creates them all in one transaction whenever the SQL it
-- embeds differs from what the database holds (installed_queries, v5). The
-- sections below once created views too; those statements moved to queries/.
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

-- migration: v2-indicators

-- The first indicator views (now queries/indicators.sql); no tables.

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

-- Rank the keys stated more than once (the import does the same for the keys it touches).
WITH observation_precedence AS (      -- as queries/facts.sql's view of the name
    SELECT o.id, o.unit_id, o.year, o.quarter, o.metric_id, o.basis,
           (CASE WHEN i.document_year > o.year THEN 1 ELSE 0 END) * 10000000000000
         + COALESCE(p.rank, 9) * 1000000000000
         + (9999 - COALESCE(i.document_year, 0)) * 100000000
         + (99999999 - o.import_id) AS precedence
    FROM observations o
    JOIN imports i ON i.id = o.import_id
    LEFT JOIN part_precedence p ON p.part = o.part)
UPDATE observations SET superseded = (id <> (
    SELECT r.id FROM observation_precedence r
    WHERE r.unit_id = observations.unit_id AND r.year = observations.year AND r.quarter = observations.quarter
      AND r.metric_id = observations.metric_id AND r.basis = observations.basis
    ORDER BY r.precedence, r.id LIMIT 1))
WHERE (unit_id, year, quarter, metric_id, basis) IN (
    SELECT unit_id, year, quarter, metric_id, basis FROM observations
    GROUP BY unit_id, year, quarter, metric_id, basis HAVING count(*) > 1);

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

-- migration: v4-reported

-- The reported_vs_computed view (now queries/reported.sql); no tables.
--
-- No partial index "WHERE basis = 'reported'": SQLite re-prepares a statement
-- on every new binding of a parameter compared with a partial index's column
-- (basis = ?), and the import binds basis on every row — measured 3.6 × slower
-- province imports (BENCHMARKS.md). `fiscal trend` seeks the key index per
-- period instead; `fiscal conflicts --reported` scans (< 1 s at province scale).

-- migration: v5-queries

-- The views of queries/ installed in this database: the SHA-256 of the SQL
-- that created them. `fiscal` recreates every view when its own differs.
CREATE TABLE installed_queries (
    sha256          TEXT NOT NULL,
    installed_at    TEXT NOT NULL              -- ISO 8601, UTC
);

-- migration: v6-scoring

-- The inputs of the indicators the scoring sheet adds: 重点支出安排率 (project
-- expenditure final ÷ budget) and 非税收入完成率 (non-tax revenue final ÷ budget,
-- else ÷ plan). `fiscal` rebuilds period_inputs after this section.
ALTER TABLE period_inputs ADD COLUMN project_expenditure INTEGER;
ALTER TABLE period_inputs ADD COLUMN project_expenditure_budget INTEGER;
ALTER TABLE period_inputs ADD COLUMN nontax_revenue_budget INTEGER;
ALTER TABLE period_inputs ADD COLUMN nontax_revenue_plan INTEGER;
INSERT INTO period_input_columns(name, metric, basis) VALUES
    ('project_expenditure', 'project_expenditure', 'final'),
    ('project_expenditure_budget', 'project_expenditure', 'budget'),
    ('nontax_revenue_budget', 'nontax_revenue', 'budget'),
    ('nontax_revenue_plan', 'nontax_revenue', 'plan');

-- The rules of the scoring sheet's quantitative rows, one row per band of an
-- item (scoring_rules.csv; `fiscal score rules load FILE` replaces them). See
-- queries/scoring.sql for how a band scores.
CREATE TABLE scoring_rules (
    item            TEXT NOT NULL,             -- e.g. budget_execution_rate
    name_zh         TEXT NOT NULL,             -- e.g. 预算执行率
    names_key       TEXT NOT NULL,             -- name_zh and the sheet's other names, without quotes or spaces, '|'-separated
    indicator       TEXT NOT NULL,             -- the indicator it scores (indicator_values)
    max_points      REAL NOT NULL,
    band            TEXT NOT NULL,             -- as written: [95,) (,80) [5,10]
    lower           REAL,                      -- NULL: no lower bound
    lower_closed    INTEGER NOT NULL,
    upper           REAL,                      -- NULL: no upper bound
    upper_closed    INTEGER NOT NULL,
    points          REAL NOT NULL,
    times_rate      INTEGER NOT NULL,          -- 1: points × value ÷ 100
    step            REAL,                      -- deduction per whole step beyond lower
    deduction       REAL,
    zero_indicator  TEXT,                      -- 0 points when this indicator …
    zero_operator   TEXT,                      -- > >= < <=
    zero_value      REAL,                      -- … this value
    absolute        INTEGER NOT NULL,          -- 1: band the value's size
    source          TEXT NOT NULL,             -- the file the rules came from
    PRIMARY KEY (item, band)
);

-- migration: v7-restated-keys
-- The observations that lost their key's precedence (superseded = 1). Only a
-- key stated more than once has any, so the keys whose files can disagree
-- are found here without reading every observation of a year: the report's
-- conflicts (queries/report.sql) read a few hundred rows at province scale,
-- not 530,000 (0.6 s → 0.01 s).
CREATE INDEX observations_restated ON observations(year, unit_id, quarter, metric_id, basis) WHERE superseded = 1;

-- migration: v8-reported-count
-- How many figures of basis `reported` each import stored (NULL: imported
-- before this column, not known). `fiscal trend` looks for stated values that
-- differ from the recomputed ones with one seek per period shown — a third of
-- a province trend — and skips them all when no import stored any.
ALTER TABLE imports ADD COLUMN reported INTEGER;

-- migration: v9-setup-stamp
-- The fingerprint of the binary (its schema, queries and catalogues) that last
-- completed this file's setup: migrations applied, views installed, every
-- catalogue name and the scoring rules present. A reading command of the same
-- binary compares this one row instead of reading the catalogue back and
-- parsing its own (a tenth of a `fiscal rank`); any other value, or none, and
-- it checks everything as before.
CREATE TABLE setup_stamp (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL
);
