-- The shared PostgreSQL store that `fiscal publish` copies counties' SQLite
-- stores into. Many counties publish into one database, so nothing here is
-- keyed by a SQLite id: a unit is its name_key, a metric its code, an import
-- its content hash (sha256), an observation its import and its position in it.
--
-- Every object is qualified with the placeholder schema: the word fiscal and
-- a dot. The publisher replaces that text with the quoted schema it was given
-- (--schema, e.g. "fiscal" or "hunan"), so it appears nowhere else here. The
-- caller creates the schema (CREATE SCHEMA IF NOT EXISTS "<schema>") first.
--
-- Idempotent: every statement may run again (each publish runs the file, in
-- its transaction, under its lock: see resolve.sql).
-- Views are in views.sql; the precedence that marks losers superseded is in
-- resolve.sql.
--
-- Exact values: *_e6 columns are the figure × 1,000,000 in its metric's unit,
-- as integers (bigint), exactly as in SQLite; money is in 万元.
--
-- Keys (unit keys, metric codes, bases, parts, hashes) are COLLATE "C": they
-- are compared, never shown in order, and indexes, sorts and merges compare
-- them all the time; bytewise is the same equality and costs less than the
-- linguistic collation a server may default to (sorting 571,400 keys: 0.17 s
-- against 1.6 s with ICU's; listing every conflict: 3.6 s against 6.3 s).
-- Names keep the database's collation, so they sort as readers expect.

-- A budget unit, by its normalized name (NFKC, no white space): the key the
-- publishing counties agree on. The first publisher's spelling is kept.
CREATE TABLE IF NOT EXISTS fiscal.units (
    name_key    text COLLATE "C" PRIMARY KEY,
    name        text NOT NULL,                 -- as first imported, e.g. 邵阳县白仓镇人民政府
    core_key    text COLLATE "C" NOT NULL,     -- name_key less region prefix and 人民政府
    region      text,                          -- e.g. 邵阳县
    kind        text NOT NULL CHECK (kind IN ('department', 'township', 'other')),
    code        text                           -- the unit's own code (单位编码), optional
);
CREATE INDEX IF NOT EXISTS units_core_key ON fiscal.units(core_key);

-- Other names of a unit (normalized like units.name_key).
CREATE TABLE IF NOT EXISTS fiscal.unit_aliases (
    alias_key   text COLLATE "C" PRIMARY KEY,
    alias       text NOT NULL,
    unit_key    text COLLATE "C" NOT NULL REFERENCES fiscal.units(name_key)
);
CREATE INDEX IF NOT EXISTS unit_aliases_unit ON fiscal.unit_aliases(unit_key);

-- The metric catalogue (metrics.csv and indicators.csv of the publishers).
CREATE TABLE IF NOT EXISTS fiscal.metrics (
    code        text COLLATE "C" PRIMARY KEY,  -- e.g. three_public_total
    name_zh     text NOT NULL,
    name_en     text NOT NULL,
    unit        text NOT NULL,                 -- 万元, 人, %, 分 …
    kind        text NOT NULL CHECK (kind IN ('raw', 'indicator')),
    formula     text,
    better      text CHECK (better IN ('lower', 'higher'))
);

-- Precedence of the parts of a package when they state the same key (lower
-- wins); a part not listed ranks 9, as in SQLite.
CREATE TABLE IF NOT EXISTS fiscal.part_precedence (
    part        text COLLATE "C" PRIMARY KEY,
    rank        int NOT NULL
);
INSERT INTO fiscal.part_precedence(part, rank) VALUES
    ('csv', 1), ('table', 1), ('form', 2), ('project', 3), ('sheet', 3), ('narrative', 4)
ON CONFLICT (part) DO NOTHING;

-- One imported file, published once: its content hash is its identity, so
-- publishing again skips it, whoever publishes it.
CREATE TABLE IF NOT EXISTS fiscal.imports (
    sha256          text COLLATE "C" PRIMARY KEY,
    path            text NOT NULL,             -- as given to `fiscal import` on the publisher's machine
    format          text NOT NULL,             -- csv, txt, docx, xlsx
    encoding        text NOT NULL,             -- utf-8, gb18030
    document_year   int,                       -- a package's own year; for tidy CSV its latest year
    imported_at     timestamptz NOT NULL,      -- when the publisher imported it (SQLite's text, UTC)
    rows            int NOT NULL,
    figures         int NOT NULL,
    missing         int NOT NULL,
    conflicts       int NOT NULL,              -- as counted by the publisher's own import
    publisher       text NOT NULL,             -- who published it: a county or host label
    published_at    timestamptz NOT NULL DEFAULT now(),
    -- imports.id in the publisher's SQLite. SQLite's imported_at has whole
    -- seconds, and one `fiscal import` of several files stamps most of them
    -- with the same second; locally the later import (higher id) wins such a
    -- tie. local_id carries that order to the server, where it breaks ties of
    -- imported_at before the hash does (resolve.sql). NULL: unknown, loses.
    local_id        bigint
);

-- One figure as read from one place in one file. position is the figure's
-- 1-based order within its import (the publisher numbers them by their local
-- id), so (import, position) is the same on every server.
CREATE TABLE IF NOT EXISTS fiscal.observations (
    import_sha256   text COLLATE "C" NOT NULL REFERENCES fiscal.imports(sha256) ON DELETE CASCADE,
    position        int NOT NULL,
    unit_key        text COLLATE "C" NOT NULL REFERENCES fiscal.units(name_key),
    year            int NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    quarter         int NOT NULL CHECK (quarter BETWEEN 0 AND 4),   -- 0 = year, 1–4 = year to date
    metric          text COLLATE "C" NOT NULL REFERENCES fiscal.metrics(code),
    basis           text COLLATE "C" NOT NULL CHECK (basis IN ('final', 'budget', 'initial', 'plan', 'reported')),
    value_e6        bigint NOT NULL,
    part            text COLLATE "C" NOT NULL,             -- csv, table, form, sheet, project, narrative
    line            int,
    cell            text,
    raw_text        text NOT NULL,
    superseded      boolean NOT NULL DEFAULT false,   -- another observation of the key wins (resolve.sql)
    PRIMARY KEY (import_sha256, position)
);
-- The key: resolve.sql ranks a key's observations through it, and the views
-- find a key's other observations (conflicts) and a unit's figures by it.
CREATE INDEX IF NOT EXISTS observations_key ON fiscal.observations(unit_key, year, quarter, metric, basis);

-- The indicator rows of a package's scoring sheet (评分表); points in millionths.
CREATE TABLE IF NOT EXISTS fiscal.scoring_items (
    import_sha256   text COLLATE "C" NOT NULL REFERENCES fiscal.imports(sha256) ON DELETE CASCADE,
    position        int NOT NULL,              -- 1-based order within its import
    unit_key        text COLLATE "C" NOT NULL REFERENCES fiscal.units(name_key),
    year            int NOT NULL,
    level1          text,                      -- 一级指标
    level2          text,                      -- 二级指标
    indicator       text NOT NULL,             -- 三级指标
    max_points_e6   bigint,                    -- 分值
    self_points_e6  bigint,                    -- 自评分 (NULL when left empty)
    rule            text,                      -- 评分标准, as written
    location        text NOT NULL,
    PRIMARY KEY (import_sha256, position)
);
CREATE INDEX IF NOT EXISTS scoring_items_unit_year ON fiscal.scoring_items(unit_key, year);

-- Project forms (项目支出绩效自评表): one row per project of a package.
CREATE TABLE IF NOT EXISTS fiscal.projects (
    import_sha256       text COLLATE "C" NOT NULL REFERENCES fiscal.imports(sha256) ON DELETE CASCADE,
    position            int NOT NULL,          -- 1-based order within its import
    unit_key            text COLLATE "C" NOT NULL REFERENCES fiscal.units(name_key),
    year                int NOT NULL,
    name                text NOT NULL,         -- 项目支出名称
    initial_e6          bigint,                -- 年度资金总额 年初预算数, 万元
    budget_e6           bigint,                -- 全年预算数
    final_e6            bigint,                -- 全年执行数
    execution_rate_e6   bigint,                -- 执行率 as the form states it, %
    self_score_e6       bigint,                -- 总分 自评得分
    location            text NOT NULL,
    PRIMARY KEY (import_sha256, position)
);
CREATE INDEX IF NOT EXISTS projects_unit_year ON fiscal.projects(unit_key, year);

-- What `fiscal publish` keeps about the schema itself, by key:
--   views_sha256   the SHA-256 of the views.sql it installed: views are
--                  recreated (period_inputs computed again) only when the
--                  publishing binary's differ;
--   period_inputs  'stale' from the commit of a published or retracted import
--                  until the refresh that follows ('fresh'): a publish
--                  interrupted in between refreshes on the next run.
CREATE TABLE IF NOT EXISTS fiscal.publish_state (
    key         text COLLATE "C" PRIMARY KEY,
    value       text NOT NULL
);
