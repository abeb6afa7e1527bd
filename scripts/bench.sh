#!/usr/bin/env bash
# Import benchmark: a generated tidy CSV of ROWS rows (default 1,000,000)
# imported by `fiscal import` (validating, resolving units and metrics, keeping
# provenance), against `sqlite3 .import` of the same file into a plain table,
# in the same run. Also imports a quarter of the file to show that peak memory
# does not grow with file size. Prints a Markdown block for BENCHMARKS.md.
#   bash scripts/bench.sh [ROWS]
#   bash scripts/bench.sh province [COUNTIES]   analytics at province scale (default
#       186 counties = 10,044 units × 10 years, every catalogue metric): import,
#       then trend, rank, summary, score and export, each timed with peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
swift build -c release 2>&1 | tail -1
fiscal="$(swift build -c release --show-bin-path)/fiscal"
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"

if [ "${1:-}" = province ]; then
  counties=${2:-186}
  db="$work/province.sqlite"
  rm -f "$db" "$db-wal" "$db-shm"
  timed() {  # timed LABEL COMMAND...: one run, "| label | s | MiB |" on stdout
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$work/t" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    read -r s kb <"$work/t"
    echo "| \`$label\` | $s | $((kb / 1024)) |"
  }
  echo "### Province: $counties counties, $(date -u +%Y-%m-%d), $(nproc) cores"
  echo "Command: \`bash scripts/bench.sh province $counties\`"
  echo
  echo "| what | time (s) | peak memory (MiB) |"
  echo "| --- | ---: | ---: |"
  timed "fiscal sample --counties $counties" "$fiscal" sample --out "$work/csv" --counties "$counties"
  timed "fiscal import (10 yearly files)" "$fiscal" import --db "$db" "$work"/csv/province-*.csv
  timed "trend three_public" "$fiscal" trend three_public --db "$db"
  timed "trend nontax_cost_rate --quarter 2" "$fiscal" trend nontax_cost_rate --quarter 2 --db "$db"
  timed "rank three_public --year 2024 --by change_rate" "$fiscal" rank three_public --year 2024 --by change_rate --db "$db"
  timed "summary --year 2024" "$fiscal" summary --year 2024 --db "$db"
  timed "score --year 2024" "$fiscal" score --year 2024 --db "$db"
  timed "rank score_difference --year 2024" "$fiscal" rank score_difference --year 2024 --db "$db"
  rm -rf "$work/export"
  timed "export --as-of 2024Q3 (21 indicators)" "$fiscal" export --out "$work/export" --as-of 2024Q3 --db "$db"
  echo
  echo "$(sqlite3 "$db" "SELECT count(*) FROM units") units, $(sqlite3 "$db" "SELECT count(*) FROM observations") observations, $(sqlite3 "$db" "SELECT count(*) FROM period_inputs") unit-periods, $(du -m "$db" | cut -f1) MiB database; export rows: $(tail -1 "$work/out")."
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

fiscal runs at $ratio × the speed of \`sqlite3 .import\` (target ≥ 0.5).
MD
[ -n "${BENCH_DIR:-}" ] || rm -rf "$work"
