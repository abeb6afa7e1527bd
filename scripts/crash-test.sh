#!/usr/bin/env bash
# Crash test: `kill -9` an import of a large file at 20 random moments (seeded).
# After each kill the database must pass `PRAGMA integrity_check` and hold the
# figures of before the import or of after it, never a part; then the same
# import, run again, must complete.
#   bash scripts/crash-test.sh [KILLS] [SEED]      (default 20 kills, seed 42)
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-20}; RANDOM=${2:-42}
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
swift build >/dev/null || { echo "crash-test: build failed"; exit 1; }
fiscal="$(swift build --show-bin-path)/fiscal"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
"$fiscal" sample --out "$work/csv" --counties 12 --seed 5 >/dev/null     # 648 units, ~35,000 rows a year
"$fiscal" import --db "$work/base.sqlite" "$work/csv/province-2016.csv" >/dev/null
big="$work/csv/province-2017.csv"
count() { sqlite3 "$1" "SELECT count(*) || '/' || (SELECT count(*) FROM imports) FROM observations"; }
before=$(count "$work/base.sqlite")
cp "$work/base.sqlite" "$work/full.sqlite"
start=$(date +%s%N)
"$fiscal" import --db "$work/full.sqlite" "$big" >/dev/null
took=$(( ($(date +%s%N) - start) / 1000000 ))
after=$(count "$work/full.sqlite")
echo "crash-test: an import takes ${took} ms; observations/imports before $before, after $after"
failed=0; whole=0; none=0
for i in $(seq "$kills"); do
  cp "$work/base.sqlite" "$work/crash.sqlite"; rm -f "$work/crash.sqlite-wal" "$work/crash.sqlite-shm"
  "$fiscal" import --db "$work/crash.sqlite" "$big" >/dev/null 2>&1 & pid=$!
  delay=$(( RANDOM % (took * 11 / 10 + 1) ))   # up to a little past the end: some kills land after the commit
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  check=$(sqlite3 "$work/crash.sqlite" "PRAGMA integrity_check")
  now=$(count "$work/crash.sqlite")
  if [ "$check" != ok ]; then echo "kill $i after ${delay} ms: integrity_check says $check"; failed=$((failed + 1)); continue; fi
  case "$now" in
    "$before") none=$((none + 1)) ;;
    "$after") whole=$((whole + 1)) ;;
    *) echo "kill $i after ${delay} ms: $now observations/imports, neither $before nor $after"; failed=$((failed + 1)); continue ;;
  esac
  if ! "$fiscal" import --db "$work/crash.sqlite" "$big" >/dev/null 2>&1 || [ "$(count "$work/crash.sqlite")" != "$after" ]; then
    echo "kill $i after ${delay} ms: the import run again did not complete"; failed=$((failed + 1))
  fi
done
echo "crash-test: $kills kills: $none left nothing of the file, $whole all of it, $failed failed"
[ "$failed" -eq 0 ]
