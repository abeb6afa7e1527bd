#!/usr/bin/env python3
"""Publish a fiscal SQLite store into the shared PostgreSQL store with psql:
the reference the Swift publisher (`fiscal publish`) was checked against, and
a tool. One difference: this sends everything in one transaction, where
`fiscal publish` commits each import in its own (an interrupted publish keeps
the imports it finished) and retracts imports its store no longer holds.

    scripts/pg-load-sqlite.py DB.sqlite [--url URL] [--schema fiscal] [--publisher LABEL]
    scripts/pg-load-sqlite.py --retract SHA256 [--url URL] [--schema fiscal]

URL is a libpq URL or empty for libpq's environment (PGHOST, PGPORT, PGUSER,
PGPASSWORD, PGDATABASE: `eval "$(scripts/pg-cluster.sh start)"` sets them).
Only python3's standard library and psql: one psql session, one transaction.

What a publish does, in order (queries/postgres/):
  1. CREATE SCHEMA IF NOT EXISTS "<schema>"; take the publish lock
     (pg_advisory_xact_lock on the schema's name) for the transaction;
  2. schema.sql, with every "fiscal." replaced by "<schema>".;
  3. views.sql when the schema has no period_inputs yet (or --views);
  4. upsert the catalogue: units by name_key (the first publisher's name, a
     missing region or code filled), unit aliases and metrics by their keys
     (first wins), through temp tables, since COPY cannot skip a conflict;
  5. for every local import not on the server (by sha256), in local id order:
     COPY its imports row, then its observations, scoring items and projects
     (position = row number by local id within the import), then run
     resolve.sql's `resolve` with $1 = its sha256;
  6. REFRESH MATERIALIZED VIEW CONCURRENTLY "<schema>".period_inputs; commit.
An import already on the server is skipped (same content, same figures),
whoever published it, so publishing again changes nothing.
"""
import argparse
import os
import re
import sqlite3
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SQL_DIR = os.path.join(ROOT, "queries", "postgres")


def qualify(sql, schema):
    """The placeholder rule: every "fiscal." is the schema, quoted."""
    return sql.replace("fiscal.", '"%s".' % schema.replace('"', '""'))


def statements(path):
    """resolve.sql's statements by name ("-- statement: NAME" lines)."""
    named, name, lines = {}, None, []
    for line in open(path, encoding="utf-8"):
        m = re.match(r"-- statement: (\w+)", line)
        if m:
            if name:
                named[name] = "".join(lines).strip()
            name, lines = m.group(1), []
        elif name:
            lines.append(line)
    if name:
        named[name] = "".join(lines).strip()
    return named


def literal(value):
    return "'" + str(value).replace("'", "''") + "'"


def csv_rows(rows):
    """COPY's CSV: NULL as an empty unquoted field, every value quoted (so an
    empty string stays one, and no data line is a bare \\.)."""
    out = []
    for row in rows:
        out.append(",".join("" if v is None else '"' + str(v).replace('"', '""') + '"' for v in row))
    return "\n".join(out) + ("\n" if out else "") + "\\.\n"


def copy(table, columns, rows):
    return "COPY %s(%s) FROM STDIN WITH (FORMAT csv);\n%s" % (table, ", ".join(columns), csv_rows(rows))


def psql(url, script=None, args=()):
    command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1"] + ([url] if url else []) + list(args)
    env = dict(os.environ, PGCLIENTENCODING="UTF8")
    result = subprocess.run(command, input=script, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        sys.exit("psql failed (exit %d)" % result.returncode)
    return result.stdout


def server_imports(url, schema):
    q = '"%s"' % schema.replace('"', '""')
    exists = psql(url, args=["-At", "-c", "SELECT to_regclass(%s) IS NOT NULL, to_regclass(%s) IS NOT NULL"
                             % (literal(q + ".imports"), literal(q + ".period_inputs"))]).strip()
    has_imports, has_views = (x == "t" for x in exists.split("|"))
    shas = set()
    if has_imports:
        shas = set(psql(url, args=["-At", "-c", "SELECT sha256 FROM %s.imports" % q]).split())
    return shas, has_views


def publish(args):
    db = sqlite3.connect("file:%s?mode=ro" % args.db, uri=True)
    schema = args.schema
    q = '"%s"' % schema.replace('"', '""')
    on_server, has_views = server_imports(args.url, schema)
    local = db.execute("SELECT id, sha256, path, format, encoding, document_year, imported_at, rows, figures, missing, conflicts "
                       "FROM imports ORDER BY id").fetchall()
    new = [row for row in local if row[1] not in on_server]
    resolve = statements(os.path.join(SQL_DIR, "resolve.sql"))["resolve"]

    parts = ["BEGIN;", "SET LOCAL client_min_messages = warning;",
             "CREATE SCHEMA IF NOT EXISTS %s;" % q,
             # One publish at a time per schema: resolve ranks what it sees.
             "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0));" % literal("fiscal publish " + q),
             qualify(open(os.path.join(SQL_DIR, "schema.sql"), encoding="utf-8").read(), schema)]
    if args.views or not has_views:
        parts.append(qualify(open(os.path.join(SQL_DIR, "views.sql"), encoding="utf-8").read(), schema))
    # Someone published one of these between our look and our lock: start over.
    if new:
        parts.append("DO $$ BEGIN IF EXISTS (SELECT 1 FROM %s.imports WHERE sha256 IN (%s)) THEN "
                     "RAISE EXCEPTION 'published concurrently: run again'; END IF; END $$;"
                     % (q, ", ".join(literal(r[1]) for r in new)))

    # The catalogue, by global keys.
    parts.append("CREATE TEMP TABLE load_units (LIKE %s.units) ON COMMIT DROP;" % q)
    parts.append(copy("load_units", ["name_key", "name", "core_key", "region", "kind", "code"],
                      db.execute("SELECT name_key, name, core_key, region, kind, code FROM units ORDER BY id")))
    parts.append("INSERT INTO %s.units SELECT * FROM load_units ON CONFLICT (name_key) DO UPDATE SET "
                 "region = COALESCE(units.region, EXCLUDED.region), code = COALESCE(units.code, EXCLUDED.code) "
                 "WHERE units.region IS NULL OR units.code IS NULL;" % q)
    parts.append("CREATE TEMP TABLE load_metrics (LIKE %s.metrics) ON COMMIT DROP;" % q)
    parts.append(copy("load_metrics", ["code", "name_zh", "name_en", "unit", "kind", "formula", "better"],
                      db.execute("SELECT code, name_zh, name_en, unit, kind, formula, better FROM metrics ORDER BY id")))
    parts.append("INSERT INTO %s.metrics SELECT * FROM load_metrics ON CONFLICT (code) DO NOTHING;" % q)
    parts.append("CREATE TEMP TABLE load_aliases (LIKE %s.unit_aliases) ON COMMIT DROP;" % q)
    parts.append(copy("load_aliases", ["alias_key", "alias", "unit_key"],
                      db.execute("SELECT a.alias_key, a.alias, u.name_key FROM unit_aliases a JOIN units u ON u.id = a.unit_id")))
    parts.append("INSERT INTO %s.unit_aliases SELECT * FROM load_aliases ON CONFLICT (alias_key) DO NOTHING;" % q)

    parts.append("PREPARE fiscal_resolve(text) AS\n%s;" % qualify(resolve, schema))
    figures = 0
    for (local_id, sha, path, fmt, encoding, document_year, imported_at, rows, figs, missing, conflicts) in new:
        parts.append(copy("%s.imports" % q,
                          ["sha256", "path", "format", "encoding", "document_year", "imported_at", "rows",
                           "figures", "missing", "conflicts", "publisher", "local_id"],
                          [(sha, path, fmt, encoding, document_year, imported_at, rows, figs, missing, conflicts,
                            args.publisher, local_id)]))
        observations = db.execute("""
            SELECT ?, row_number() OVER (ORDER BY o.id), u.name_key, o.year, o.quarter, m.code, o.basis,
                   o.value_e6, o.part, o.line, o.cell, o.raw_text
            FROM observations o JOIN units u ON u.id = o.unit_id JOIN metrics m ON m.id = o.metric_id
            WHERE o.import_id = ? ORDER BY o.id""", (sha, local_id)).fetchall()
        figures += len(observations)
        parts.append(copy("%s.observations" % q,
                          ["import_sha256", "position", "unit_key", "year", "quarter", "metric", "basis",
                           "value_e6", "part", "line", "cell", "raw_text"], observations))
        parts.append(copy("%s.scoring_items" % q,
                          ["import_sha256", "position", "unit_key", "year", "level1", "level2", "indicator",
                           "max_points_e6", "self_points_e6", "rule", "location"],
                          db.execute("""
            SELECT ?, row_number() OVER (ORDER BY s.id), u.name_key, s.year, s.level1, s.level2, s.indicator,
                   s.max_points_e6, s.self_points_e6, s.rule, s.location
            FROM scoring_items s JOIN units u ON u.id = s.unit_id WHERE s.import_id = ? ORDER BY s.id""",
                                     (sha, local_id))))
        parts.append(copy("%s.projects" % q,
                          ["import_sha256", "position", "unit_key", "year", "name", "initial_e6", "budget_e6",
                           "final_e6", "execution_rate_e6", "self_score_e6", "location"],
                          db.execute("""
            SELECT ?, row_number() OVER (ORDER BY p.id), u.name_key, p.year, p.name, p.initial_e6, p.budget_e6,
                   p.final_e6, p.execution_rate_e6, p.self_score_e6, p.location
            FROM projects p JOIN units u ON u.id = p.unit_id WHERE p.import_id = ? ORDER BY p.id""",
                                     (sha, local_id))))
        parts.append("EXECUTE fiscal_resolve(%s);" % literal(sha))
    if new:
        parts.append("REFRESH MATERIALIZED VIEW CONCURRENTLY %s.period_inputs;" % q)
    parts.append("COMMIT;")
    if args.sql:
        with open(args.sql, "w", encoding="utf-8") as out:
            out.write("\n".join(parts) + "\n")
        print("wrote %s (%d imports to publish); run it with psql -f" % (args.sql, len(new)), file=sys.stderr)
        return
    started = time.time()
    psql(args.url, "\n".join(parts))
    print("published %d of %d imports (%d observations), %d already on the server, %.2f s"
          % (len(new), len(local), figures, len(local) - len(new), time.time() - started), file=sys.stderr)


def retract(args):
    schema = args.schema
    q = '"%s"' % schema.replace('"', '""')
    statement = qualify(statements(os.path.join(SQL_DIR, "resolve.sql"))["retract"], schema)
    psql(args.url, "\n".join([
        "BEGIN;",
        "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0));" % literal("fiscal publish " + q),
        "PREPARE fiscal_retract(text) AS\n%s;" % statement,
        "EXECUTE fiscal_retract(%s);" % literal(args.retract),
        "REFRESH MATERIALIZED VIEW CONCURRENTLY %s.period_inputs;" % q,
        "COMMIT;"]))
    print("retracted %s" % args.retract, file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db", nargs="?", help="the fiscal SQLite file")
    parser.add_argument("--url", default=os.environ.get("FISCAL_PG_URL", ""),
                        help="libpq URL (default: $FISCAL_PG_URL, else libpq's PG* variables)")
    parser.add_argument("--schema", default="fiscal")
    parser.add_argument("--publisher", default=os.uname().nodename, help="who publishes (default: the host name)")
    parser.add_argument("--views", action="store_true", help="install views.sql again")
    parser.add_argument("--sql", metavar="FILE", help="write the publish script to FILE instead of running it")
    parser.add_argument("--retract", metavar="SHA256", help="delete a published import and rank its keys again")
    args = parser.parse_args()
    if args.retract:
        retract(args)
    elif args.db:
        publish(args)
    else:
        parser.error("DB.sqlite or --retract SHA256")


if __name__ == "__main__":
    main()
