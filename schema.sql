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
