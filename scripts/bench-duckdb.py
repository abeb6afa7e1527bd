#!/usr/bin/env python3
"""DuckDB side of `scripts/bench.sh province`: the same province data, the same
analytics, timed in-process (query only, result fully fetched into Python).

    bench-duckdb.py serve SQLITE_DB WORK_DIR QUERIES_DIR

Loads the tables the analytics read from the SQLite database (exported with
`sqlite3 -csv`, read with DuckDB's read_csv into native tables; DuckDB's sqlite
extension would need a download), creates the indicator views from queries/
verbatim (indicator_parts, derived_indicator_values, indicator_values,
indicator_trend), prints
"loaded SECONDS DETAIL", then answers one line per request on standard input:

    trend | rank | summary | score | report   → "SECONDS ROWS"   (one timed run)
    check TREND_CSV RANK_CSV                  → "yes (detail)" or "no (detail)":
                                                fiscal's CSV outputs against DuckDB's rows
    quit

scripts/bench.sh runs it as a coprocess, so that its runs interleave with
fiscal's (a change in the machine's load touches both alike).
"""
import csv
import os
import re
import sqlite3
import subprocess
import sys
import time

import duckdb

YEAR = 2024

# Tables (and columns) the analytics read; observations without raw_text.
EXPORTS = {
    "units": "SELECT id, name, region, kind FROM units",
    "metrics": "SELECT id, code, name_zh, unit, kind, better FROM metrics",
    "imports": "SELECT id, path, format, document_year, imported_at, figures FROM imports",
    "period_inputs": "SELECT * FROM period_inputs",
    "scoring_rules": "SELECT rowid AS pos, * FROM scoring_rules",
    "scoring_items": "SELECT * FROM scoring_items",
    "observations": "SELECT id, unit_id, year, quarter, metric_id, basis, value_e6, import_id, part, line, cell, superseded FROM observations",
}


def duck_type(declared):
    declared = (declared or "").upper()
    if "INT" in declared:
        return "BIGINT"
    if "REAL" in declared or "FLOA" in declared or "DOUB" in declared:
        return "DOUBLE"
    return "VARCHAR"


def load(sqlite_db, work, queries):
    lite = sqlite3.connect(f"file:{sqlite_db}?mode=ro", uri=True)
    con = duckdb.connect()
    rows = {}
    for table, select in EXPORTS.items():
        path = os.path.join(work, f"duck-{table}.csv")
        with open(path, "wb") as out:
            subprocess.run(["sqlite3", "-csv", "-header", sqlite_db, select], stdout=out, check=True)
        cursor = lite.execute(f"SELECT * FROM ({select}) LIMIT 0")
        declared = {r[1]: r[2] for r in lite.execute(f"PRAGMA table_info({table})")}
        declared["pos"] = "INTEGER"
        columns = {d[0]: duck_type(declared.get(d[0])) for d in cursor.description}
        con.execute(f"CREATE TABLE {table} (" + ", ".join(f"{name} {kind}" for name, kind in columns.items()) + ")")
        if os.path.getsize(path) > 0:  # sqlite3 prints not even the header for no rows
            spec = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items()) + "}"
            con.execute(f"INSERT INTO {table} SELECT * FROM read_csv('{path}', header = true, columns = {spec}, "
                        f"nullstr = '', quote = '\"', escape = '\"', delim = ',')")
        rows[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        os.remove(path)
    # The views of queries/ as they are: the same SQL fiscal's database runs.
    for file, names in (("indicators.sql", ["indicator_parts", "derived_indicator_values", "indicator_values"]), ("trend.sql", ["indicator_trend"])):
        for name in names:
            con.execute(view_sql(os.path.join(queries, file), name))
    return con, rows


def view_sql(path, name):
    text = open(path, encoding="utf-8").read()
    sections = re.split(r"^-- (?:view|query): ", text, flags=re.M)
    for section in sections:
        if section.startswith(name + "\n"):
            statement = section[section.index("CREATE VIEW"):].rstrip()
            return statement.rstrip(";")
    raise SystemExit(f"no view {name} in {path}")


# --- The analytics, as fiscal computes them ----------------------------------

TREND = """
SELECT unit_id, unit, region, kind, indicator, year, quarter, value, previous, change, change_rate, reason
FROM indicator_trend
WHERE indicator = 'three_public' AND quarter = 0
ORDER BY unit, year
"""

# fiscal rank three_public --year 2024 --by change_rate: lower is better, so lowest first.
RANK = f"""
WITH this_year AS (
    SELECT unit_id, value, previous, change, change_rate, reason
    FROM indicator_trend
    WHERE indicator = 'three_public' AND quarter = 0 AND year = {YEAR}
),
candidates AS (
    SELECT u.id AS unit_id, u.name AS unit, u.region, u.kind, t.value, t.previous, t.change, t.change_rate,
           CASE WHEN t.unit_id IS NULL THEN 'no figures for {YEAR}' ELSE t.reason END AS reason,
           t.change_rate AS measure
    FROM units u LEFT JOIN this_year t ON t.unit_id = u.id
)
SELECT CASE WHEN measure IS NOT NULL THEN rank() OVER (PARTITION BY measure IS NULL ORDER BY measure) END AS rank,
       unit_id, unit, region, kind, 'three_public' AS indicator, {YEAR} AS year,
       value, previous, change, change_rate, reason
FROM candidates
ORDER BY measure IS NULL, rank, unit
"""

# fiscal summary --year 2024: five key indicators, each ranked on its measure,
# best and worst five, units without figures counted per kind.
SUMMARY = f"""
WITH wanted(indicator, by_change_rate, position) AS (VALUES
    ('three_public', true, 1), ('seven_items', true, 2), ('nontax_cost_rate', false, 3),
    ('supported_ratio', false, 4), ('budget_execution_rate', false, 5)),
this_year AS (
    SELECT * FROM indicator_trend
    WHERE indicator IN ('three_public', 'seven_items', 'nontax_cost_rate', 'supported_ratio', 'budget_execution_rate')
      AND quarter = 0 AND year = {YEAR}
),
candidates AS (
    SELECT w.indicator, w.position, m.name_zh, m.better = 'lower' AS ascending, u.id AS unit_id, u.name AS unit, u.region, u.kind,
           t.value, t.previous, t.change, t.change_rate,
           CASE WHEN w.by_change_rate THEN t.change_rate ELSE t.value END AS measure
    FROM wanted w JOIN metrics m ON m.code = w.indicator
    CROSS JOIN units u
    LEFT JOIN this_year t ON t.indicator = w.indicator AND t.unit_id = u.id
),
ranked AS (
    SELECT *, rank() OVER (PARTITION BY indicator ORDER BY CASE WHEN ascending THEN measure ELSE -measure END) AS rank,
           row_number() OVER (PARTITION BY indicator ORDER BY CASE WHEN ascending THEN measure ELSE -measure END, unit) AS place,
           count(*) OVER (PARTITION BY indicator) AS ranked
    FROM candidates WHERE measure IS NOT NULL
)
SELECT name_zh, CASE WHEN place <= 5 THEN 'best' ELSE 'worst' END AS grp, rank, unit, region, kind, {YEAR} AS year,
       value, previous, change, change_rate, position, place
FROM ranked WHERE place <= 5 OR place > greatest(5, ranked - 5)
UNION ALL
SELECT any_value(name_zh), 'missing', NULL, count(*) || ' ' || kind || ' without figures', NULL, kind, {YEAR},
       NULL, NULL, NULL, NULL, any_value(position), 1000000
FROM candidates WHERE measure IS NULL
GROUP BY indicator, kind
ORDER BY position, place, kind
"""


def score_sql(indicators, year=YEAR):
    """queries/scoring.sql's score query for one year, in DuckDB's terms: the
    indicators the rules name joined by name instead of read back from JSON."""
    wanted = ", ".join(f"'{i}'" for i in indicators)
    return f"""
WITH rule_items AS (
    SELECT item, arg_min(name_zh, pos) AS name_zh, arg_min(names_key, pos) AS names_key, arg_min(indicator, pos) AS indicator,
           arg_min(max_points, pos) AS max_points, arg_min(zero_indicator, pos) AS zero_indicator,
           arg_min(zero_operator, pos) AS zero_operator, arg_min(zero_value, pos) AS zero_value,
           arg_min(absolute, pos) AS absolute, min(pos) AS position
    FROM scoring_rules GROUP BY item
),
vals AS (
    SELECT unit_id, year, indicator, value, reason FROM indicator_values
    WHERE quarter = 0 AND year = {year} AND indicator IN ({wanted})
),
periods AS (SELECT DISTINCT unit_id, year FROM vals),
rated AS (
    SELECT p.unit_id, p.year, r.*, v.value, v.reason, z.value AS zero_actual, z.reason AS zero_reason
    FROM periods p CROSS JOIN rule_items r
    LEFT JOIN vals v ON v.unit_id = p.unit_id AND v.year = p.year AND v.indicator = r.indicator
    LEFT JOIN vals z ON z.unit_id = p.unit_id AND z.year = p.year AND z.indicator = r.zero_indicator
),
sheet AS (
    SELECT s.*, '|' || replace(replace(replace(replace(replace(replace(replace(
               s.indicator, '“', ''), '”', ''), '"', ''), '''', ''), ' ', ''), '　', ''), '「', '') || '|' AS key
    FROM scoring_items s WHERE s.year = {year}
),
matched AS (
    SELECT r.unit_id, r.year, r.item, s.id,
           row_number() OVER (PARTITION BY r.unit_id, r.year, r.item ORDER BY s.import_id DESC, s.id) AS n
    FROM rated r JOIN sheet s ON s.unit_id = r.unit_id AND s.year = r.year AND contains('|' || r.names_key || '|', s.key)
),
valued AS (
    SELECT t.*, m.id AS sheet_row,
           CASE WHEN t.value IS NULL THEN NULL WHEN t.absolute <> 0 THEN round(abs(t.value), 9) ELSE round(t.value, 9) END AS x
    FROM rated t LEFT JOIN matched m ON m.unit_id = t.unit_id AND m.year = t.year AND m.item = t.item AND m.n = 1
),
banded AS (
    SELECT t.*, b.band, b.points AS band_points, b.times_rate, b.step, b.deduction, b.lower
    FROM valued t
    LEFT JOIN scoring_rules b
           ON b.item = t.item
          AND (b.lower IS NULL OR t.x > b.lower OR (b.lower_closed <> 0 AND t.x = b.lower))
          AND (b.upper IS NULL OR t.x < b.upper OR (b.upper_closed <> 0 AND t.x = b.upper))
),
judged AS (
    SELECT g.*,
           CASE WHEN g.zero_actual IS NULL THEN NULL
                WHEN g.zero_operator = '>' THEN g.zero_actual > g.zero_value
                WHEN g.zero_operator = '>=' THEN g.zero_actual >= g.zero_value
                WHEN g.zero_operator = '<' THEN g.zero_actual < g.zero_value
                WHEN g.zero_operator = '<=' THEN g.zero_actual <= g.zero_value END AS zeroed,
           greatest(0.0, least(g.max_points,
               (CASE WHEN g.times_rate <> 0 THEN g.band_points * g.x / 100.0 ELSE g.band_points END)
               - CASE WHEN g.step IS NOT NULL THEN g.deduction * trunc((g.x - g.lower) / g.step) ELSE 0 END
           )) AS by_band
    FROM banded g
),
scored AS (
    SELECT j.unit_id, u.name AS unit, u.region, u.kind, j.year, j.item, j.name_zh, j.position, j.value,
           CASE WHEN j.value IS NULL OR j.band IS NULL THEN NULL
                WHEN j.zeroed THEN 0.0
                WHEN j.zero_indicator IS NOT NULL AND j.zeroed IS NULL AND j.by_band > 0 THEN NULL
                ELSE j.by_band END AS points,
           j.max_points,
           s.self_points_e6 / 1000000.0 AS self_score,
           s.indicator AS sheet_row,
           CASE WHEN s.id IS NULL OR s.self_points_e6 IS NULL OR s.max_points_e6 <> CAST(round(j.max_points * 1000000) AS BIGINT)
                     OR j.value IS NULL OR j.band IS NULL OR (j.zeroed IS NULL AND j.zero_indicator IS NOT NULL AND j.by_band > 0) THEN NULL
                ELSE s.self_points_e6 / 1000000.0 - CASE WHEN j.zeroed THEN 0.0 ELSE j.by_band END END AS difference,
           CASE WHEN j.value IS NULL THEN j.reason
                WHEN j.band IS NULL THEN printf('no band of the rule holds %.2f', j.value)
                WHEN j.zeroed THEN printf('0 points: %s %.2f %s %g', j.zero_indicator, j.zero_actual, j.zero_operator, j.zero_value)
                WHEN j.zero_indicator IS NOT NULL AND j.zeroed IS NULL AND j.by_band > 0
                     THEN coalesce(j.zero_reason, 'needs ' || j.zero_indicator)
                WHEN s.id IS NOT NULL AND s.max_points_e6 <> CAST(round(j.max_points * 1000000) AS BIGINT)
                     THEN printf('the sheet''s row %s is worth %g points, not %g: its self-score is not this item''s',
                                 s.indicator, s.max_points_e6 / 1000000.0, j.max_points)
           END AS note
    FROM judged j
    JOIN units u ON u.id = j.unit_id
    LEFT JOIN scoring_items s ON s.id = j.sheet_row
),
items AS (
    SELECT s.*,
           count(s.points) OVER unit_year AS total_items,
           sum(s.points) OVER unit_year AS total_points,
           sum(CASE WHEN s.points IS NOT NULL THEN s.max_points END) OVER unit_year AS total_max_points,
           sum(CASE WHEN s.difference IS NOT NULL THEN s.self_score END) OVER unit_year AS total_self_score,
           sum(s.difference) OVER unit_year AS total_difference,
           count(s.difference) OVER unit_year AS total_compared,
           count(s.value) OVER unit_year AS with_value,
           count(s.sheet_row) OVER unit_year AS sheet_rows
    FROM scored s
    WINDOW unit_year AS (PARTITION BY s.unit_id, s.year)
),
kept AS (SELECT * FROM items WHERE with_value > 0 OR sheet_rows > 0)
SELECT unit, region, kind, year, item, value, points, max_points, self_score, difference, note, position AS sort
FROM kept
UNION ALL
SELECT DISTINCT unit, region, kind, year, 'total', NULL, total_points, total_max_points, total_self_score, total_difference,
       total_items || ' items scored, ' || total_compared || ' compared with the self-score', 1000000000
FROM kept
ORDER BY unit, year, sort
"""


def score(con):
    # The rules are data: which indicators they name is read first (fiscal's SQL
    # reads them from the table too), then bound as literals.
    indicators = [r[0] for r in con.execute(
        "SELECT indicator FROM scoring_rules UNION SELECT zero_indicator FROM scoring_rules WHERE zero_indicator IS NOT NULL").fetchall()]
    return con.execute(score_sql(indicators)).fetchall()


# The report's queries, for the catalogue's indicators (bound as literals, so
# that DuckDB skips indicator_values' branch of raw metrics, as fiscal does).
REPORT_LINE = """
SELECT v.indicator, v.year, CASE WHEN any_value(m.unit) = '万元' THEN sum(v.value) ELSE median(v.value) END AS point
FROM indicator_values v JOIN metrics m ON m.code = v.indicator
WHERE v.quarter = 0 AND v.value IS NOT NULL AND v.indicator IN ({indicators})
GROUP BY v.indicator, v.year
ORDER BY v.indicator, v.year
"""

# Every ranked unit of the year (the bars), per indicator and kind, by value.
REPORT_RANKED = """
SELECT t.indicator, t.kind, t.unit, t.value, t.previous, t.change, t.change_rate,
       rank() OVER (PARTITION BY t.indicator, t.kind ORDER BY CASE WHEN m.better = 'lower' THEN t.value ELSE -t.value END) AS rank
FROM indicator_trend t JOIN metrics m ON m.code = t.indicator
WHERE t.quarter = 0 AND t.year = {year} AND t.value IS NOT NULL AND t.indicator IN ({indicators})
ORDER BY t.indicator, t.kind, rank, t.unit
"""

REPORT_MISSING = """
SELECT i.code, u.kind, count(*) AS missing
FROM metrics i CROSS JOIN units u
LEFT JOIN (SELECT unit_id, indicator FROM indicator_values
           WHERE quarter = 0 AND year = {year} AND value IS NOT NULL AND indicator IN ({indicators})) v
       ON v.unit_id = u.id AND v.indicator = i.code
WHERE i.kind = 'indicator' AND v.unit_id IS NULL
GROUP BY i.code, u.kind
"""

REPORT_CONFLICTS = f"""
WITH keys AS (
    SELECT unit_id, year, quarter, metric_id, basis FROM observations WHERE year = {YEAR}
    GROUP BY unit_id, year, quarter, metric_id, basis HAVING count(DISTINCT value_e6) > 1
)
SELECT u.name AS unit, u.region, u.kind, o.year, o.quarter, m.code AS metric, o.basis,
       string_agg(DISTINCT CAST(o.value_e6 / 1000000.0 AS VARCHAR), ',') AS vals,
       (max(o.value_e6) - min(o.value_e6)) / 1000000.0 AS spread,
       count(DISTINCT o.import_id) AS sources
FROM observations o
SEMI JOIN keys k ON k.unit_id = o.unit_id AND k.year = o.year AND k.quarter = o.quarter AND k.metric_id = o.metric_id AND k.basis = o.basis
JOIN units u ON u.id = o.unit_id JOIN metrics m ON m.id = o.metric_id
GROUP BY o.unit_id, u.name, u.region, u.kind, o.year, o.quarter, o.metric_id, m.code, o.basis
ORDER BY spread DESC, unit, metric, o.basis
"""

REPORT_REPORTED = """
SELECT u.name AS unit, o.year, o.quarter, m.code AS indicator, o.value_e6 / 1000000.0 AS reported, v.value AS computed,
       o.value_e6 / 1000000.0 - v.value AS difference, i.path AS source, coalesce(o.cell, 'line ' || o.line) AS location
FROM observations o
JOIN metrics m ON m.id = o.metric_id AND m.kind = 'indicator'
JOIN units u ON u.id = o.unit_id JOIN imports i ON i.id = o.import_id
LEFT JOIN indicator_values v ON v.unit_id = o.unit_id AND v.year = o.year AND v.quarter = o.quarter AND v.indicator = m.code
WHERE o.basis = 'reported' AND o.superseded = 0 AND o.year = {year}
  AND v.value IS NOT NULL AND round(v.value, 2) <> round(o.value_e6 / 1000000.0, 2)
ORDER BY abs(difference) DESC
"""


def report(con):
    """fiscal report --year 2024: per indicator the line over the years, every
    unit of the year ranked per kind, the units without figures; conflicts,
    stated values that differ, the most generous self-scores; the imports."""
    codes = [r[0] for r in con.execute("SELECT code FROM metrics WHERE kind = 'indicator' ORDER BY id").fetchall()]
    indicators = ", ".join(f"'{code}'" for code in codes)
    rows = 0
    for sql in (REPORT_LINE, REPORT_RANKED, REPORT_MISSING, REPORT_CONFLICTS, REPORT_REPORTED,
                "SELECT path, format, document_year, imported_at, figures FROM imports ORDER BY imported_at, id"):
        rows += len(con.execute(sql.format(indicators=indicators, year=YEAR)).fetchall())
    totals = [r for r in score(con) if r[4] == "total" and r[9] is not None]
    totals.sort(key=lambda r: (-r[9], r[0]))
    return rows + len(totals[:10])


RUNS = {
    "trend": lambda con: len(con.execute(TREND).fetchall()),
    "rank": lambda con: len(con.execute(RANK).fetchall()),
    "summary": lambda con: len(con.execute(SUMMARY).fetchall()),
    "score": lambda con: len(score(con)),
    "report": report,
}


def number(text):
    return None if text == "" else float(text)


def close(a, b):
    """fiscal prints two decimals: equal when DuckDB's value rounds to within a cent."""
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 0.006 + 1e-9 * abs(b)


def check(con, trend_csv, rank_csv):
    problems = []
    # trend: unit, year → value, previous, change, change_rate
    with open(trend_csv, encoding="utf-8") as f:
        fiscal = {(r["unit"], int(r["year"])): r for r in csv.DictReader(f)}
    duck = {(r[1], r[5]): r for r in con.execute(TREND).fetchall()}
    if len(fiscal) != len(duck):
        problems.append(f"trend rows {len(fiscal)} vs {len(duck)}")
    compared = 0
    for key, row in duck.items():
        mine = fiscal.get(key)
        if mine is None:
            problems.append(f"trend: no fiscal row for {key}")
            break
        for column, index in (("value", 7), ("previous", 8), ("change", 9), ("change_rate", 10)):
            compared += 1
            if not close(row[index], number(mine[column])):
                problems.append(f"trend {key} {column}: fiscal {mine[column]} DuckDB {row[index]}")
                break
    # rank: the same order of units, the same ranks and change rates
    with open(rank_csv, encoding="utf-8") as f:
        fiscal_rank = list(csv.DictReader(f))
    duck_rank = con.execute(RANK).fetchall()
    if len(fiscal_rank) != len(duck_rank):
        problems.append(f"rank rows {len(fiscal_rank)} vs {len(duck_rank)}")
    ranked = sum(1 for r in duck_rank if r[0] is not None)
    for mine, row in zip(fiscal_rank, duck_rank):
        rank = None if mine["rank"] == "" else int(mine["rank"])
        if (rank, mine["unit"]) != (row[0], row[2]) or not close(row[10], number(mine["change_rate"])):
            problems.append(f"rank: fiscal {rank} {mine['unit']} {mine['change_rate']}, DuckDB {row[0]} {row[2]} {row[10]}")
            break
    detail = (f"trend three_public {len(duck)} rows, {compared} values; rank {len(duck_rank)} rows "
              f"({ranked} ranked) in the same order with the same ranks and change rates")
    return ("no (" + "; ".join(problems[:3]) + ")") if problems else f"yes ({detail})"


def serve(sqlite_db, work, queries):
    start = time.perf_counter()
    try:
        con, rows = load(sqlite_db, work, queries)
    except Exception as error:  # reported by bench.sh, which carries on without DuckDB
        print(f"error {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}", flush=True)
        return
    detail = ", ".join(f"{table} {count}" for table, count in rows.items())
    print(f"loaded {time.perf_counter() - start:.2f} {detail}", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] == "check":
            print(check(con, words[1], words[2]), flush=True)
            continue
        run = RUNS[words[0]]
        start = time.perf_counter()
        count = run(con)
        print(f"{time.perf_counter() - start:.4f} {count}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] != "serve":
        raise SystemExit(__doc__)
    serve(*sys.argv[2:])
