#!/usr/bin/env bash
# The main job on sample data: build fiscal, write the synthetic county
# (示例县, SYNTHETIC), import it into a fresh database, show what the tool is
# for: the 三公经费 trend, the townships ranked, and the leadership report.
#   bash scripts/demo.sh [OUT_DIR]      (default: ./sample-out)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-sample-out}
swift build -c release --static-swift-stdlib 2>&1 | tail -1
fiscal="$(swift build -c release --static-swift-stdlib --show-bin-path)/fiscal"
rm -rf "$out" && mkdir -p "$out"
export FISCAL_DB="$out/fiscal.sqlite"
"$fiscal" sample --out "$out/csv" >/dev/null
echo "== import (synthetic county 示例县, 2016–2025) into $FISCAL_DB"
"$fiscal" import "$out"/csv/county-*.csv
echo
echo "== townships"
"$fiscal" units --kind township
echo
echo "== 青山镇 2021 revenue (county-2022.csv restates it; the 2021 file's own figure is kept)"
"$fiscal" facts --unit 青山镇 --year 2021 --metric 财政收入
echo
echo "== every disagreement, each value with its source"
"$fiscal" conflicts
echo
echo "== 三公经费 of the townships over the years"
"$fiscal" trend three_public --kind township --from 2020
echo
echo "== the townships ranked on 三公经费 growth in 2024 (lower first)"
"$fiscal" rank three_public --year 2024 --kind township --by change_rate
echo
echo "== the leadership report (open it in a browser; --pdf prints it with Chromium)"
"$fiscal" report --year 2024 --out "$out/report-2024.html"
