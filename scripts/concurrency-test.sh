#!/usr/bin/env bash
# Concurrency test: exports and trends while an import writes; two imports at
# once; scripts/export-quarterly.sh twice at once. Every command must succeed and
# every output be complete (bounded: a few seconds of work each).
#   bash scripts/concurrency-test.sh
set -uo pipefail
cd "$(dirname "$0")/.."
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
swift build >/dev/null || { echo "concurrency-test: build failed"; exit 1; }
fiscal="$(swift build --show-bin-path)/fiscal"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export FISCAL_DB="$work/c.sqlite"
"$fiscal" sample --out "$work/csv" --counties 12 --seed 9 >/dev/null
"$fiscal" import "$work/csv/province-2016.csv" "$work/csv/province-2017.csv" >/dev/null
failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

# 1. Readers while an import writes: each export is whole (18+ files, manifest rows = lines).
"$fiscal" import "$work/csv/province-2018.csv" >"$work/import1.out" 2>&1 & writer=$!
readers=0
while kill -0 "$writer" 2>/dev/null; do
  readers=$((readers + 1))
  rm -rf "$work/export-$readers"
  "$fiscal" export --out "$work/export-$readers" --as-of 2024Q3 >/dev/null 2>"$work/export.err" || fail "export $readers during an import: $(cat "$work/export.err")"
  python3 - "$work/export-$readers" <<'PY' || fail "export $readers incomplete"
import json, sys, os
folder = sys.argv[1]
manifest = json.load(open(os.path.join(folder, "manifest.json")))
for entry in manifest["files"]:
    lines = open(os.path.join(folder, entry["file"]), encoding="utf-8-sig").read().count("\n")
    assert lines == entry["rows"] + 1, (entry, lines)
PY
  "$fiscal" trend three_public --format csv >"$work/trend.csv" 2>"$work/trend.err" || fail "trend during an import: $(cat "$work/trend.err")"
done
wait "$writer" || fail "the import beside the readers: $(cat "$work/import1.out")"
echo "concurrency-test: $readers exports and trends ran while an import wrote"

# 2. Two imports at once: the second waits for the first; both complete.
"$fiscal" import "$work/csv/province-2019.csv" >"$work/a.out" 2>&1 & a=$!
"$fiscal" import "$work/csv/province-2020.csv" >"$work/b.out" 2>&1 & b=$!
wait "$a" || fail "first of two imports: $(cat "$work/a.out")"
wait "$b" || fail "second of two imports: $(cat "$work/b.out")"
[ "$(sqlite3 "$FISCAL_DB" "SELECT count(*) FROM imports")" -eq 5 ] || fail "not every import is recorded"
[ "$(sqlite3 "$FISCAL_DB" "PRAGMA integrity_check")" = ok ] || fail "integrity_check"

# 3. The cron export twice at once: the second waits for the lock; both succeed, same files.
EXPORT_AS_OF=2024Q3 FISCAL_BIN="$fiscal" bash scripts/export-quarterly.sh "$FISCAL_DB" "$work/cron" 2>"$work/e1.err" & e1=$!
EXPORT_AS_OF=2024Q3 FISCAL_BIN="$fiscal" bash scripts/export-quarterly.sh "$FISCAL_DB" "$work/cron" 2>"$work/e2.err" & e2=$!
wait "$e1" || fail "first cron export: $(cat "$work/e1.err")"
wait "$e2" || fail "second cron export: $(cat "$work/e2.err")"
[ "$(ls "$work/cron/2024Q3"/*.csv | wc -l)" -ge 18 ] && [ -f "$work/cron/2024Q3/manifest.json" ] || fail "cron export incomplete"
ls "$work/cron/2024Q3"/.*.tmp >/dev/null 2>&1 && fail "a temporary file was left"

echo "concurrency-test: $failed failed"
[ "$failed" -eq 0 ]
