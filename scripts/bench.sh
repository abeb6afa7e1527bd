#!/usr/bin/env bash
# Import benchmark: a generated tidy CSV of ROWS rows (default 1,000,000)
# imported by `fiscal import` (validating, resolving units and metrics, keeping
# provenance), against `sqlite3 .import` of the same file into a plain table,
# in the same run. Also imports a quarter of the file to show that peak memory
# does not grow with file size. Prints a Markdown block for BENCHMARKS.md.
#   bash scripts/bench.sh [ROWS]
#   bash scripts/bench.sh province [COUNTIES]   analytics at province scale (default
#       186 counties = 10,044 units × 10 years, every catalogue metric): import,
#       then trend, rank, summary, score and export, each timed with peak memory;
#       then side by side with the references (issue 13), interleaved, medians of
#       BENCH_RUNS (default 5): trend, rank, summary, score and report against the
#       same analytics in DuckDB (scripts/bench-duckdb.py; its Python package is
#       installed into .build/bench-venv when missing, skipped if that fails), and
#       `fiscal facts --format csv` against `sqlite3 -csv` (BENCH_FACTS_RUNS,
#       default BENCH_RUNS: at 186 counties a pair of runs takes 1–2 minutes).
#       BENCH_VENV: another place for the virtual environment.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
swift build -c release --static-swift-stdlib 2>&1 | tail -1
fiscal="$(swift build -c release --static-swift-stdlib --show-bin-path)/fiscal"
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"

# Issue 13: the references side by side on the province database ($db), in
# the same run. Each round runs every fiscal command (process start included;
# GNU time for time and peak memory) and then the same analytics in DuckDB (an
# in-process query on tables loaded once, result fully fetched), so that a
# change in the machine's load (it is shared) touches both alike.
province_references() {
  local runs=${BENCH_RUNS:-5}
  local facts_runs=${BENCH_FACTS_RUNS:-$runs}
  local year=2024 venv=${BENCH_VENV:-.build/bench-venv} duck="" duck_version="" names=(trend rank summary score report)
  declare -A cmd=(
    [trend]="trend three_public"
    [rank]="rank three_public --year $year --by change_rate"
    [summary]="summary --year $year"
    [score]="score --year $year"
    [report]="report --year $year --out $work/report.html"
  )
  fiscal_run() {  # fiscal_run NAME: one timed run, appended to f-NAME.times
    # shellcheck disable=SC2086  # the command's words
    /usr/bin/time -f "%e %M" -a -o "$work/f-$1.times" "$fiscal" ${cmd[$1]} --db "$db" >"$work/out" 2>"$work/err" || {
      echo "fiscal ${cmd[$1]} failed:" >&2; cat "$work/err" >&2; exit 1; }
  }
  median() {  # median FILE RUNS → "median_seconds peak_kb" (peak: the highest of the runs)
    sort -n "$1" | awk -v n="$2" 'NR == int((n + 1) / 2) { t = $1 } { if ($2 > m) m = $2 } END { print t, m + 0 }'
  }
  times_of() { cut -d' ' -f1 "$1" | tr '\n' ' ' | sed 's/ $//'; }

  # DuckDB through its Python package, in a virtual environment under .build.
  if ! "$venv/bin/python" -c "import duckdb" 2>/dev/null; then
    echo "DuckDB: installing its Python package into $venv (pip, from the Python package index)" >&2
    { python3 -m venv "$venv" && "$venv/bin/pip" install -q duckdb; } >"$work/pip.log" 2>&1 ||
      duck="$(grep -m1 -iE 'error|no module|not found' "$work/pip.log" || tail -1 "$work/pip.log")"
    [ -n "$duck" ] || "$venv/bin/python" -c "import duckdb" 2>/dev/null || duck="duckdb does not import after pip install"
    [ -z "$duck" ] || duck="not available (${duck:-pip failed}) — skipped"
  fi
  if [ -z "$duck" ]; then
    duck_version=$("$venv/bin/python" -c "import duckdb; print(duckdb.__version__)")
    coproc DUCK { "$venv/bin/python" scripts/bench-duckdb.py serve "$db" "$work" queries 2>"$work/duck.err"; }
    local status load_s load_rows
    read -r status load_s load_rows <&"${DUCK[0]}" || status=error
    if [ "$status" != loaded ]; then
      duck="not available (loading the province into DuckDB failed: $load_s $load_rows $(head -c 300 "$work/duck.err")) — skipped"
      wait "$DUCK_PID" 2>/dev/null || true
    fi
  fi
  duck_run() {  # duck_run NAME: one timed DuckDB query, appended to d-NAME.times
    local s n
    echo "$1" >&"${DUCK[1]}"
    read -r s n <&"${DUCK[0]}" || { echo "DuckDB stopped during $1:" >&2; cat "$work/duck.err" >&2; exit 1; }
    echo "$s 0" >>"$work/d-$1.times"
  }

  for _ in $(seq "$runs"); do
    for name in "${names[@]}"; do
      fiscal_run "$name"
      [ -n "$duck" ] || duck_run "$name"
    done
  done

  local match=""
  if [ -z "$duck" ]; then
    "$fiscal" trend three_public --format csv --db "$db" >"$work/trend.csv"
    "$fiscal" rank three_public --year $year --by change_rate --format csv --db "$db" >"$work/rank.csv"
    echo "check $work/trend.csv $work/rank.csv" >&"${DUCK[1]}"
    read -r match <&"${DUCK[0]}"
    echo quit >&"${DUCK[1]}"
    wait "$DUCK_PID" 2>/dev/null || true
  fi

  echo
  echo "### DuckDB and sqlite3 side by side: $counties counties, $(date -u +%Y-%m-%d), $(nproc) cores"
  echo "Command: \`bash scripts/bench.sh province $counties\` (commit $(git log -1 --format=%h)$([ -z "$(git status --porcelain -- Sources Package.swift 2>/dev/null)" ] || echo ', with uncommitted changes to Sources'))"
  echo
  echo "Median of $runs interleaved runs each. fiscal: the whole process (GNU time), peak memory the"
  echo "highest of the runs. DuckDB: the query only, in-process, on native tables loaded once, result"
  echo "fetched into Python (scripts/bench-duckdb.py)."
  echo
  echo "| command | fiscal median (s) | fiscal peak (MiB) | DuckDB median (s) | fiscal ÷ DuckDB | target ≤ 1.5 met? |"
  echo "| --- | ---: | ---: | ---: | ---: | --- |"
  local f_s f_kb d_s ratio met
  for name in "${names[@]}"; do
    read -r f_s f_kb < <(median "$work/f-$name.times" "$runs")
    echo "$f_kb ${cmd[$name]/$work\//}" >>"$work/peaks"
    if [ -z "$duck" ]; then
      read -r d_s _ < <(median "$work/d-$name.times" "$runs")
      ratio=$(awk -v f="$f_s" -v d="$d_s" 'BEGIN { printf "%.2f", f / d }')
      met=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.5 ? "yes" : "**no**") }')
      d_s=$(awk -v d="$d_s" 'BEGIN { printf "%.3f", d }')
    else
      d_s="—"; ratio="—"; met="—"
    fi
    echo "| \`fiscal ${cmd[$name]/$work\//}\` | $f_s | $((f_kb / 1024)) | $d_s | $ratio | $met |"
  done
  echo
  if [ -z "$duck" ]; then
    echo "DuckDB $duck_version (Python package in $venv): loaded in $load_s s, not in the ratios"
    echo "(\`sqlite3 -csv\` export, then \`read_csv\` into native tables: $load_rows); the views"
    echo "indicator_parts, indicator_values and indicator_trend are queries/' own SQL, run by DuckDB."
    echo "DuckDB results match fiscal: $match"
  else
    echo "DuckDB: $duck"
  fi
  echo
  echo "All runs (s):"
  for name in "${names[@]}"; do
    echo "- $name — fiscal: $(times_of "$work/f-$name.times")$([ -n "$duck" ] || echo "; DuckDB: $(times_of "$work/d-$name.times")")"
  done

  # fiscal facts --format csv against sqlite3 -csv over the same view.
  for _ in $(seq "$facts_runs"); do
    /usr/bin/time -f "%e %M" -a -o "$work/f-facts.times" "$fiscal" facts --format csv --db "$db" >/dev/null 2>"$work/err" || {
      echo "fiscal facts failed:" >&2; cat "$work/err" >&2; exit 1; }
    /usr/bin/time -f "%e %M" -a -o "$work/s-facts.times" sqlite3 -csv "$db" "SELECT * FROM facts" >/dev/null 2>"$work/err" || {
      echo "sqlite3 failed:" >&2; cat "$work/err" >&2; exit 1; }
  done
  local s_s s_kb
  read -r f_s f_kb < <(median "$work/f-facts.times" "$facts_runs")
  read -r s_s s_kb < <(median "$work/s-facts.times" "$facts_runs")
  echo "$f_kb facts --format csv" >>"$work/peaks"
  ratio=$(awk -v f="$f_s" -v s="$s_s" 'BEGIN { printf "%.2f", s / f }')
  met=$(awk -v r="$ratio" 'BEGIN { print (r >= 1.0 ? "yes" : "**no**") }')
  echo
  echo "$(sqlite3 "$db" "SELECT count(*) FROM facts") facts, median of $facts_runs interleaved runs each, output to /dev/null:"
  echo
  echo "| command | median (s) | peak (MiB) | all runs (s) |"
  echo "| --- | ---: | ---: | --- |"
  echo "| \`fiscal facts --format csv\` | $f_s | $((f_kb / 1024)) | $(times_of "$work/f-facts.times") |"
  echo "| \`sqlite3 -csv DB \"SELECT * FROM facts\"\` | $s_s | $((s_kb / 1024)) | $(times_of "$work/s-facts.times") |"
  echo
  echo "sqlite3 ÷ fiscal: $ratio (target ≥ 1.0 met? $met)."

  local top over
  top=$(sort -n "$work/peaks" | tail -1)
  over=$(awk '$1 > 200 * 1024 { printf "%s`%s` %d MiB", (n++ ? ", " : ""), substr($0, index($0, " ") + 1), $1 / 1024 }' "$work/peaks")
  echo "Peak memory ≤ 200 MiB for every fiscal command of this run: $([ -z "$over" ] && echo "yes (highest: \`${top#* }\`, $(( ${top%% *} / 1024 )) MiB)" || echo "**no** ($over)")."
}

if [ "${1:-}" = province ]; then
  counties=${2:-186}
  db="$work/province.sqlite"
  rm -f "$db" "$db-wal" "$db-shm"
  timed() {  # timed LABEL COMMAND...: one run, "| label | s | MiB |" on stdout
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$work/t" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    read -r s kb <"$work/t"
    echo "$kb $label" >>"$work/peaks"
    echo "| \`$label\` | $s | $((kb / 1024)) |"
  }
  rm -f "$work/peaks" "$work"/*.times
  echo "### Province: $counties counties, $(date -u +%Y-%m-%d), $(nproc) cores"
  echo "Command: \`bash scripts/bench.sh province $counties\`"
  echo
  echo "| what | time (s) | peak memory (MiB) |"
  echo "| --- | ---: | ---: |"
  timed "fiscal sample --counties $counties" "$fiscal" sample --out "$work/csv" --counties "$counties"
  timed "fiscal import (10 yearly files)" "$fiscal" import --db "$db" "$work"/csv/province-*.csv
  fiscal_import_s=$s
  # The reference: the same files into one plain table, no checks (issue 13: ≥ 0.6×).
  rm -f "$work/plain.sqlite"
  sqlite3 "$work/plain.sqlite" "CREATE TABLE t (unit, region, kind, year, quarter, metric, basis, value)"
  mapfile -t imports < <(for file in "$work"/csv/province-*.csv; do echo ".import --csv --skip 1 $file t"; done)
  timed "sqlite3 .import (the same 10 files, one plain table)" sqlite3 "$work/plain.sqlite" "${imports[@]}"
  import_ratio=$(awk -v f="$fiscal_import_s" -v s="$s" 'BEGIN { printf "%.2f", s / f }')
  timed "trend three_public" "$fiscal" trend three_public --db "$db"
  timed "trend nontax_cost_rate --quarter 2" "$fiscal" trend nontax_cost_rate --quarter 2 --db "$db"
  timed "rank three_public --year 2024 --by change_rate" "$fiscal" rank three_public --year 2024 --by change_rate --db "$db"
  timed "summary --year 2024" "$fiscal" summary --year 2024 --db "$db"
  timed "score --year 2024" "$fiscal" score --year 2024 --db "$db"
  timed "rank score_difference --year 2024" "$fiscal" rank score_difference --year 2024 --db "$db"
  rm -rf "$work/export"
  timed "export --as-of 2024Q3 (21 indicators)" "$fiscal" export --out "$work/export" --as-of 2024Q3 --db "$db"
  echo
  echo "Import: fiscal at $import_ratio × the speed of \`sqlite3 .import\` of the same files (target ≥ 0.6)."
  echo
  echo "$(sqlite3 "$db" "SELECT count(*) FROM units") units, $(sqlite3 "$db" "SELECT count(*) FROM observations") observations, $(sqlite3 "$db" "SELECT count(*) FROM period_inputs") unit-periods, $(du -m "$db" | cut -f1) MiB database; export rows: $(tail -1 "$work/out")."
  province_references
  [ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
  exit 0
fi
rows=${1:-1000000}

# units × years × (metric, basis, quarter) combinations = rows
python3 - "$rows" "$work" <<'PY'
import sys, random
rows, work = int(sys.argv[1]), sys.argv[2]
random.seed(42)
metrics = ["tax_revenue", "nontax_revenue", "fiscal_revenue", "public_funds", "project_expenditure",
           "official_reception", "vehicle_operation", "office_expense", "travel", "total_funds"]
combos = [(m, b, q) for m in metrics for b in ("final", "budget") for q in (0, 1)] + \
         [(m, "final", q) for m in metrics for q in (2, 3)]          # 60 per unit-year
years = range(2016, 2026)
units = -(-rows // (len(combos) * len(years)))
def write(path, limit):
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        f.write("unit,year,quarter,metric,basis,value\n")
        for u in range(units):
            name = f"示例省第{u // 100}县第{u}镇人民政府"
            for y in years:
                for m, b, q in combos:
                    if n == limit: return n
                    f.write(f"{name},{y},{q},{m},{b},{random.randint(0, 99999999) / 100:.2f}\n")
                    n += 1
    return n
print("rows", write(f"{work}/bench.csv", rows), file=sys.stderr)
print("rows", write(f"{work}/bench-quarter.csv", rows // 4), file=sys.stderr)
PY
size=$(du -h "$work/bench.csv" | cut -f1)

runs=${BENCH_RUNS:-5}
run() {  # run LABEL DB COMMAND...: one timed run into a new database, appended to LABEL.times
  local label=$1 db=$2; shift 2
  rm -f "$db" "$db-wal" "$db-shm"
  /usr/bin/time -f "%e %M" -a -o "$work/$label.times" "$@" >"$work/$label.out" 2>"$work/$label.err" || {
    echo "$label failed:" >&2; cat "$work/$label.err" >&2; exit 1; }
}
median() {  # median LABEL → "median_seconds peak_kb"
  sort -n "$work/$1.times" | awk -v n="$runs" 'NR == int((n + 1) / 2) { t = $1 } { if ($2 > m) m = $2 } END { print t, m }'
}

# The three commands take turns, so a change in the machine's load (it is
# shared) touches all of them alike.
rm -f "$work"/*.sqlite* "$work"/*.times
for _ in $(seq "$runs"); do
  run fiscal "$work/fiscal.sqlite" "$fiscal" import --db "$work/fiscal.sqlite" "$work/bench.csv"
  run sqlite3 "$work/plain.sqlite" sqlite3 "$work/plain.sqlite" ".mode csv" ".import $work/bench.csv t"
  run quarter "$work/quarter.sqlite" "$fiscal" import --db "$work/quarter.sqlite" "$work/bench-quarter.csv"
done
read -r fiscal_s fiscal_kb < <(median fiscal)
read -r quarter_s quarter_kb < <(median quarter)
read -r sqlite_s sqlite_kb < <(median sqlite3)
all_fiscal=$(cut -d' ' -f1 "$work/fiscal.times" | tr '\n' ' ')
all_sqlite=$(cut -d' ' -f1 "$work/sqlite3.times" | tr '\n' ' ')
stored=$(sqlite3 "$work/fiscal.sqlite" "SELECT count(*) FROM observations")
ratio=$(python3 -c "print(f'{$sqlite_s / $fiscal_s:.2f}')")

cat <<MD
### Import of $rows rows ($size), $(date -u +%Y-%m-%d), $(nproc) cores
Command: \`bash scripts/bench.sh $rows\`

Median of $runs interleaved runs each, every run into a new database
(all runs, s — fiscal: $all_fiscal; sqlite3: $all_sqlite).

| what | time (s) | peak memory (MiB) |
| --- | ---: | ---: |
| \`fiscal import\` ($stored figures stored, validated, with provenance) | $fiscal_s | $((fiscal_kb / 1024)) |
| \`fiscal import\` of a quarter of the file | $quarter_s | $((quarter_kb / 1024)) |
| \`sqlite3 .import\` into a plain table | $sqlite_s | $((sqlite_kb / 1024)) |

fiscal runs at $ratio × the speed of \`sqlite3 .import\` (target ≥ 0.8, issue 13).
MD
[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
