#!/usr/bin/env bash
# Two builds side by side on the same synthetic province, in one run: each binary
# imports the data into its own database, then trend, rank and summary run three
# times alternately (outputs compared byte for byte), then score (the new binary
# only) and the export of each (files compared).
#   bash scripts/bench-compare.sh OLD_FISCAL [COUNTIES]
# OLD_FISCAL: e.g. a release build of an earlier commit in a git worktree:
#   git worktree add /tmp/before e9dc152 && (cd /tmp/before && swift build -c release)
#   bash scripts/bench-compare.sh /tmp/before/.build/release/fiscal
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: bench-compare.sh OLD_FISCAL [COUNTIES]}; counties=${2:-186}
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
swift build -c release --static-swift-stdlib 2>&1 | tail -1
new="$(swift build -c release --static-swift-stdlib --show-bin-path)/fiscal"
w=${BENCH_DIR:-$(mktemp -d)}; mkdir -p "$w"
[ -d "$w/csv" ] || "$new" sample --out "$w/csv" --counties "$counties" >/dev/null
t() { /usr/bin/time -f "%e %M" -o "$w/t" "$@" >"$w/out" 2>"$w/err" || { cat "$w/err"; exit 1; }; read -r s kb <"$w/t"; echo -n "$s ($((kb / 1024)) MiB)"; }
if [ ! -f "$w/old.sqlite" ]; then echo -n "import old: "; t "$old" import --db "$w/old.sqlite" "$w"/csv/province-*.csv; echo; fi
if [ ! -f "$w/new.sqlite" ]; then echo -n "import new: "; t "$new" import --db "$w/new.sqlite" "$w"/csv/province-*.csv; echo; fi
for run in 1 2 3; do
  for cmd in "trend three_public" "trend nontax_cost_rate --quarter 2" "rank three_public --year 2024 --by change_rate" "summary --year 2024"; do
    # shellcheck disable=SC2086
    { echo -n "run $run | $cmd | old "; t "$old" $cmd --db "$w/old.sqlite"; cp "$w/out" "$w/old.out"
      echo -n " | new "; t "$new" $cmd --db "$w/new.sqlite"; cmp -s "$w/out" "$w/old.out" && echo " | same bytes" || echo " | DIFFERENT"; }
  done
  echo -n "run $run | score --year 2024 | new "; t "$new" score --year 2024 --db "$w/new.sqlite"; echo
  echo -n "run $run | rank score_difference --year 2024 | new "; t "$new" rank score_difference --year 2024 --db "$w/new.sqlite"; echo
done
rm -rf "$w/export-old" "$w/export-new"
echo -n "export old "; t "$old" export --out "$w/export-old" --as-of 2024Q3 --db "$w/old.sqlite"; echo
echo -n "export new "; t "$new" export --out "$w/export-new" --as-of 2024Q3 --db "$w/new.sqlite"; echo
for f in "$w"/export-old/*.csv; do cmp -s "$f" "$w/export-new/$(basename "$f")" || echo "export differs: $(basename "$f")"; done
[ -n "${BENCH_DIR:-}" ] || rm -rf "$w"
