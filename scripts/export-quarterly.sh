#!/usr/bin/env bash
# Scheduled export of the quarterly trend CSVs (one per indicator, plus
# manifest.json) for the quarter just ended, into OUT_ROOT/2024Q3/.
#   scripts/export-quarterly.sh [DB] [OUT_ROOT]
# DB defaults to $FISCAL_DB or ./fiscal.sqlite, OUT_ROOT to ./exports. A lock
# (flock) keeps two runs from overlapping: the second waits (EXPORT_LOCK_WAIT
# seconds, default 600), then writes the same files; messages go to stderr; the exit
# status is non-zero on any failure. EXPORT_AS_OF=2024Q3 overrides the quarter;
# EXPORT_LANG=zh writes Chinese headers, indicator names and kinds (for Excel/WPS).
# Crontab (03:00 on the 1st of January, April, July and October):
#   0 3 1 1,4,7,10 * /path/to/fiscal/scripts/export-quarterly.sh /data/fiscal.sqlite /data/exports
set -euo pipefail
db=${1:-${FISCAL_DB:-fiscal.sqlite}}
root=${2:-exports}
log() { printf '%s export-quarterly: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }

if [ -n "${EXPORT_AS_OF:-}" ]; then
  as_of=$EXPORT_AS_OF
else
  year=$(TZ=Asia/Shanghai date +%Y); month=$(TZ=Asia/Shanghai date +%-m)
  quarter=$(( (month - 1) / 3 ))
  if [ "$quarter" -eq 0 ]; then quarter=4; year=$((year - 1)); fi
  as_of="${year}Q${quarter}"
fi

fiscal=${FISCAL_BIN:-}
if [ -z "$fiscal" ]; then
  here=$(cd "$(dirname "$0")/.." && pwd)
  for candidate in "$here/.build/release/fiscal" "$here/.build/debug/fiscal" "$(command -v fiscal || true)"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then fiscal=$candidate; break; fi
  done
fi
[ -n "$fiscal" ] || { log "no fiscal binary (build it, put it on PATH, or set FISCAL_BIN)"; exit 1; }
[ -f "$db" ] || { log "no database at $db"; exit 1; }

mkdir -p "$root"
exec 9>"$root/.export-quarterly.lock"
# A second run waits for the first (EXPORT_LOCK_WAIT seconds, default 600), then
# writes the same files again: both succeed, and readers never see half a file.
if ! flock -w "${EXPORT_LOCK_WAIT:-600}" 9; then log "another export is still running after ${EXPORT_LOCK_WAIT:-600} s (lock $root/.export-quarterly.lock)"; exit 1; fi

log "exporting $as_of from $db into $root/$as_of"
if "$fiscal" export --db "$db" --out "$root/$as_of" --as-of "$as_of" --lang "${EXPORT_LANG:-en}" >&2; then
  log "done: $root/$as_of"
else
  log "failed"
  exit 1
fi
