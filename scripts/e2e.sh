#!/usr/bin/env bash
# End-to-end check of the built `fiscal` binary, as a user runs it: sample
# county, import, re-import, a bad file, a whole folder, units, facts, metrics.
# Prints "e2e: N passed, M failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
swift build >/dev/null || { echo "e2e: build failed"; exit 1; }
fiscal="$(swift build --show-bin-path)/fiscal"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export FISCAL_DB="$work/e2e.sqlite"
passed=0; failed=0

check() {  # check NAME COMMAND... : the command must succeed
  local name=$1; shift
  if "$@" >"$work/out" 2>"$work/err"; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: $name"; sed 's/^/  /' "$work/out" "$work/err" | head -20; fi
}
contains() { grep -qF -- "$1" "$work/out"; }

check "sample writes ten years" "$fiscal" sample --out "$work/sample" --seed 11
check "ten files" test "$(ls "$work"/sample/county-*.csv | wc -l)" -eq 10
check "import the sample" "$fiscal" import "$work"/sample/county-*.csv
check "re-import changes nothing" bash -c "'$fiscal' import '$work/sample/county-2020.csv' | grep -q 'nothing changed'"
check "units: 22 townships" bash -c "test \$('$fiscal' units --kind township --format csv | tail -n +2 | wc -l) -eq 22"
check "units: 32 departments" bash -c "test \$('$fiscal' units --kind 部门 --format csv | tail -n +2 | wc -l) -eq 32"
check "units table" "$fiscal" units
check "trend over the sample county" bash -c "test \$('$fiscal' trend nontax_cost_rate --kind township --format csv | tail -n +2 | wc -l) -ge 200"
check "trend table" "$fiscal" trend three_public --kind department --from 2022
check "rank lists every township" bash -c "test \$('$fiscal' rank nontax_cost_rate --year 2019 --kind township --format csv | tail -n +2 | wc -l) -eq 22"
check "summary lists 石桥镇 as lacking 2019" bash -c "'$fiscal' summary --year 2019 --kind township --format csv | grep -q '^three_public,missing,,示例县石桥镇,'"
check "quarterly export" env EXPORT_AS_OF=2024Q3 FISCAL_BIN="$fiscal" bash scripts/export-quarterly.sh "$FISCAL_DB" "$work/exports"
check "21 trend files and a manifest" test "$(ls "$work/exports/2024Q3"/*.csv | wc -l)" -eq 21 -a -f "$work/exports/2024Q3/manifest.json"
check "a second export waits for the lock, and gives up after EXPORT_LOCK_WAIT" bash -c "exec 9>'$work/exports/.export-quarterly.lock'; flock -n 9; ! EXPORT_LOCK_WAIT=1 EXPORT_AS_OF=2024Q3 FISCAL_BIN='$fiscal' bash scripts/export-quarterly.sh '$FISCAL_DB' '$work/exports' 2>/dev/null"
# The leadership report: written, offline, and — when Chromium is installed (CI
# installs it) — rendered in a real browser to PNG and to PDF, one page or more per section.
check "report writes one HTML file" "$fiscal" report --year 2024 --out "$work/report.html" --generated-at 2025-01-15T09:00:00+08:00
check "report: no external src or href, Chinese present" python3 -c "
import re; t = open('$work/report.html', encoding='utf-8').read()
assert not re.search(r'src=', t) and all(h.startswith('#') for h in re.findall(r'href=\"([^\"]*)\"', t)), 'external reference'
assert '示例县2024年度绩效数据分析报告' in t"
if command -v chromium >/dev/null; then
  sections=$(grep -c '<section' "$work/report.html")
  check "Chromium renders the report to PNG" bash -c "chromium --headless --no-sandbox --disable-gpu --window-size=1000,3000 --screenshot='$work/report.png' 'file://$work/report.html' 2>'$work/chromium.err' && test -s '$work/report.png'"
  check "report --pdf prints it with Chromium" "$fiscal" report --year 2024 --out "$work/report.html" --pdf "$work/report.pdf" --generated-at 2025-01-15T09:00:00+08:00
  check "the PDF has a page or more per section ($sections)" bash -c "test \$(pdfinfo '$work/report.pdf' | awk '/^Pages:/ {print \$2}') -ge $sections"
else
  echo "skip: no chromium (apt-get install chromium fonts-noto-cjk poppler-utils)"
fi
check "report --pdf without Chromium says how to install it" bash -c "env PATH=/nonexistent '$fiscal' report --year 2024 --out '$work/r.html' --pdf '$work/r.pdf' 2>&1 | grep -q 'apt-get install chromium'"
# The export in Chinese, opened in LibreOffice Calc (when installed) and read back:
# the Chinese intact, the numbers numbers.
check "export --lang zh" "$fiscal" export --out "$work/export-zh" --as-of 2024Q3 --lang zh
if command -v soffice >/dev/null; then
  check "LibreOffice converts the Chinese export to xlsx" bash -c "soffice --headless --infilter='CSV:44,34,76,1' --convert-to xlsx --outdir '$work/xlsx' '$work/export-zh/three_public.csv' >/dev/null 2>&1 && test -s '$work/xlsx/three_public.xlsx'"
  check "the xlsx: Chinese headers and names intact, values numeric" python3 - "$work/xlsx/three_public.xlsx" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
# A shared string may be rich text: several runs, each its own <t>.
shared = ["".join(re.findall(r"<t[^>]*>([^<]*)</t>", si)) for si in re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode(), re.S)]
sheet = z.read("xl/worksheets/sheet1.xml").decode()
rows = re.findall(r"<row[^>]*>(.*?)</row>", sheet, re.S)
def cells(row):
    return [(t, v) for t, v in re.findall(r'<c [^>]*?(?:t="(\w+)")?[^>]*>\s*<v>([^<]*)</v>', row)]
header = [shared[int(v)] for t, v in cells(rows[0])]
assert header == ["单位", "地区", "类型", "指标", "年度", "季度", "数值", "上年同期", "变化", "变化率%"], header
second = cells(rows[2])
assert shared[int(second[2][1])] == "部门" and shared[int(second[3][1])] == "三公经费（计算）", second
assert second[6][0] != "s" and float(second[6][1]) > 0, second    # the value is a number cell
PY
else
  echo "skip: no soffice (apt-get install libreoffice-calc-nogui)"
fi
check "compare two townships" bash -c "'$fiscal' compare 青山镇 白沙镇 --year 2020 | grep -q '非税收入征收成本率'"
check "石桥镇 lacks 2019" bash -c "'$fiscal' units --format csv | grep -qF '示例县石桥镇,示例县,township,\"2016–2018, 2020–2025\"'"

check "conflicts lists both restated figures" bash -c "test \$('$fiscal' conflicts --format csv | tail -n +2 | wc -l) -eq 4"
check "the own figure is resolved" bash -c "'$fiscal' conflicts --unit 青山镇 --format csv | grep -q ',yes,$work/sample/county-2021.csv,'"

printf 'unit,year,metric,value\n白仓镇,2023,tax_revenue,823.23\n' > "$work/good.csv"
printf 'unit,year,metric,value\n白仓镇,2023,tax_revenue,800\n白仓镇,2023,税收,8\n' > "$work/bad.csv"
before=$(sqlite3 "$FISCAL_DB" 'SELECT count(*) FROM observations')
if "$fiscal" import "$work/bad.csv" >"$work/out" 2>"$work/bad.err"; then
  failed=$((failed + 1)); echo "FAIL: a bad file must exit non-zero"
else passed=$((passed + 1)); fi
check "bad row named by file:line" grep -qF "$work/bad.csv:3: unknown metric '税收'" "$work/bad.err"
check "database unchanged" test "$(sqlite3 "$FISCAL_DB" 'SELECT count(*) FROM observations')" -eq "$before"
check "good file imports" "$fiscal" import "$work/good.csv"
check "facts csv header" bash -c "'$fiscal' facts --unit 白仓镇 --format csv | head -1 | grep -qx 'unit,region,kind,year,quarter,metric,basis,value,source,location'"
check "facts value exact" bash -c "'$fiscal' facts --unit 白仓镇 --format csv | grep -q ',2023,0,tax_revenue,final,823.23,'"
check "metrics lists the catalogue" bash -c "test \$('$fiscal' metrics --format csv | tail -n +2 | wc -l) -eq 56"
printf '各乡镇2023年三公经费情况表\n单位：元\n乡镇,三公经费,备注\n示例县白云镇,32900,\n合计,32900,\n' > "$work/wide.csv"
check "a wide table imports" bash -c "'$fiscal' import '$work/wide.csv' | grep -qF '1 figures stored'"
check "wide: 元 converted, 合计 no unit" bash -c "'$fiscal' facts --unit 白云镇 --format csv | grep -q ',2023,0,three_public_total,final,3.29,' && ! '$fiscal' units --format csv | grep -q '^合计'"
check "read-only commands leave no trace" bash -c "'$fiscal' facts --db '$work/new.sqlite' --format json | grep -qx '\[\]'"

# A whole folder: subfolders, the same content twice, a bad CSV, a package that
# does not name its unit (then named by --units), a file that is not read.
inbox="$work/inbox"; mkdir -p "$inbox/2023" "$inbox/packages"
cp "$work/sample/county-2023.csv" "$inbox/2023/county-2023.csv"
cp "$work/sample/county-2023.csv" "$inbox/2023/copy.csv"
cp "$work/bad.csv" "$inbox/bad.csv"
printf '2024年度部门整体支出绩效自评报告\n2024年税收收入823.23万元。\n' > "$inbox/packages/报告.txt"
echo notes > "$inbox/notes.md"
printf 'file,unit,year\n*报告*.txt,青禾县统计局,\n' > "$work/units.csv"
if "$fiscal" import --db "$work/folder.sqlite" "$inbox" --format csv >"$work/folder.out" 2>"$work/folder.err"; then
  failed=$((failed + 1)); echo "FAIL: a folder with a bad file must exit non-zero"
else passed=$((passed + 1)); fi
check "folder summary: the copy imported first (path order)" grep -q "^$inbox/2023/copy.csv,54 units,2023,[0-9]*,imported\$" "$work/folder.out"
check "folder summary: same content unchanged" grep -q "^$inbox/2023/county-2023.csv,54 units,2023,[0-9]*,unchanged\$" "$work/folder.out"
check "folder summary: bad CSV failed" grep -qF "$inbox/bad.csv,,,,\"failed: 1 bad row; line 3: unknown metric '税收'" "$work/folder.out"
check "folder summary: package needs --unit" grep -qxF "$inbox/packages/报告.txt,,,,needs --unit" "$work/folder.out"
check "folder summary: notes.md skipped" grep -qxF "$inbox/notes.md,,,,skipped: not a .csv/.txt/.docx/.xlsx" "$work/folder.out"
check "folder errors in detail on stderr" grep -qF "$inbox/bad.csv:3: unknown metric '税收'" "$work/folder.err"
check "--units names the package" bash -c "'$fiscal' import --db '$work/folder.sqlite' '$inbox/2023' '$inbox/packages' --units '$work/units.csv' --format csv | grep -qxF '$inbox/packages/报告.txt,青禾县统计局,2024,1,imported'"

# queries/: the views in the database, runnable from the files in sqlite3, and
# every named query as Datasette runs it (all parameters text, empty = none).
export FISCAL_DB="$work/e2e.sqlite"
check "every view of queries/ is installed" test "$(sqlite3 "$FISCAL_DB" "SELECT count(*) FROM sqlite_master WHERE type = 'view'")" -eq 12
cp "$FISCAL_DB" "$work/plain.sqlite"
sqlite3 "$work/plain.sqlite" "SELECT 'DROP VIEW ' || name || ';' FROM sqlite_master WHERE type = 'view'" | sqlite3 "$work/plain.sqlite"
check "queries/ files create the views in sqlite3" bash -c "cat queries/facts.sql queries/indicators.sql queries/trend.sql queries/reported.sql queries/scoring.sql | sqlite3 '$work/plain.sqlite'"
trend_sql="SELECT unit, year, value, previous, change_rate FROM indicator_trend WHERE indicator = 'nontax_cost_rate' AND quarter = 0 ORDER BY unit, year"
check "sqlite3's views give fiscal's trend" test "$(sqlite3 "$work/plain.sqlite" "$trend_sql" | md5sum)" = "$(sqlite3 "$FISCAL_DB" "$trend_sql" | md5sum)"
score_sql="SELECT unit, year, item, points, difference FROM score_items ORDER BY unit, year, item"
check "sqlite3's scoring views give fiscal's scores" test "$(sqlite3 "$work/plain.sqlite" "$score_sql" | md5sum)" = "$(sqlite3 "$FISCAL_DB" "$score_sql" | md5sum)"
check "score: every township of 2024 has a total" test "$("$fiscal" score --year 2024 --kind township --format csv | grep -c ',total,')" -eq 22
check "rank score_points ranks every township of the county" bash -c "test \$('$fiscal' rank score_points --year 2024 --kind township --format csv | grep -c '^[0-9][0-9]*,示例县') -eq 22"
printf '.parameter set :indicator nontax_cost_rate\n.parameter set :year 2019\n.parameter set :quarter 0\n.parameter set :kind township\n.read queries/rank.sql\n' > "$work/rank.cmd"
townships=$("$fiscal" rank nontax_cost_rate --year 2019 --kind township --format csv | tail -n +2 | wc -l)
check "rank.sql runs in sqlite3 with .parameter: as many townships as fiscal rank" test "$(sqlite3 -csv "$FISCAL_DB" < "$work/rank.cmd" | grep -c ',township,')" -eq "$townships"
"$fiscal" datasette-metadata > "$work/metadata.json"
check "datasette-metadata: canned queries for the database of --db" python3 -c "
import json; d = json.load(open('$work/metadata.json'))
assert {'trend', 'trend_values', 'rank', 'indicator_value', 'score', 'score_values'} <= set(d['databases']['e2e']['queries'])"
cat > "$work/canned.py" <<'PY'
import json, re, sqlite3, sys
queries = json.load(open(sys.argv[1]))["databases"]["e2e"]["queries"]
db = sqlite3.connect(sys.argv[2])
given = {"indicator": "nontax_cost_rate", "year": "2019", "quarter": "0", "from_quarter": "0", "to_quarter": "0",
         "unit_id": "1", "units": "示例县青山镇"}
for name, query in queries.items():
    code = re.sub(r"--[^\n]*|'[^']*'", "", query["sql"])
    names = set(re.findall(r"(?<![\w:]):(\w+)", code))
    # The sample county's restated figures are of 2021.
    year = {"report_conflicts": {"year": "2021"}}.get(name, {})
    rows = db.execute(query["sql"], {n: year.get(n, given.get(n, "")) for n in names}).fetchall()
    assert rows, f"{name}: no rows"
    if name in ("trend", "trend_values", "rank"):
        column = 2 if name == "rank" else 1
        assert {r[column] for r in rows} == {"示例县青山镇"}, (name, rows[:2])
PY
check "every canned query runs with text parameters" python3 "$work/canned.py" "$work/metadata.json" "$FISCAL_DB"
if command -v datasette >/dev/null; then
  datasette "$FISCAL_DB" -m "$work/metadata.json" -p 8765 >"$work/datasette.log" 2>&1 & datasette_pid=$!
  for _ in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:8765/ && break; sleep 0.2; done
  curl -s 'http://127.0.0.1:8765/e2e/rank.json?indicator=nontax_cost_rate&year=2019&quarter=0&by=&ascending=1&kind=township&region=&units=&_shape=array' > "$work/datasette.json"
  check "Datasette answers the canned rank query as fiscal rank does" python3 -c "import json; assert len(json.load(open('$work/datasette.json'))) == $townships"
  kill "$datasette_pid"
fi

samples="$(pwd)/../shared/samples"
if [ -d "$samples" ]; then
  export FISCAL_DB="$work/packages.sqlite"
  check "inspect a package writes nothing" bash -c "'$fiscal' inspect '$samples/hengshan-finance-bureau-2024.txt' | grep -q '衡山县财政局, year 2024'"
  # Every sample imports with no flags: each names its unit (a label; its text, twice).
  check "import the samples folder, no flags" bash -c "'$fiscal' import '$samples' --format csv > '$work/samples.out'"
  check "hengshan: unit from its label" grep -q "hengshan-finance-bureau-2024.txt,衡山县财政局,2024,[0-9]*,imported" "$work/samples.out"
  check "baicang: unit from its text" grep -q "baicang-town-2023.txt,邵阳县白仓镇人民政府,2023,[0-9]*,imported" "$work/samples.out"
  check "项目支出 902.92 vs 902.29 listed" bash -c "'$fiscal' conflicts --unit 衡山县财政局 --metric 项目支出 --format csv | grep -q ',902.29,,'"
  check "hengshan vehicles: narrative 27.06 vs table 4.08" bash -c "'$fiscal' conflicts --totals --unit 衡山县财政局 --format csv | grep -q ',vehicle_total,27.06,.*vehicle_operation 4.08'"
  check "公务接待费 3.29 vs 1.12 listed" bash -c "'$fiscal' conflicts --unit 白仓镇 --year 2023 --metric 公务接待费 --format csv | grep -q ',1.12,,'"
  check "财政供养比 stated 230, recomputed 233.78" bash -c "'$fiscal' conflicts --reported --unit 白仓镇 --format csv | grep -q ',supported_ratio,230,233.78,-3.78,differs,'"
  check "score: 白仓镇 gave itself 2 for a 三公 over budget" bash -c "'$fiscal' score --unit 白仓镇 --year 2023 --format csv | grep -qF ',2023,three_public_change_rate,-34.98,0.00,2.00,2.00,2.00,0 points: three_public_control_rate 109.67 > 100'"
  check "trend says the stated 53 % is not 50 %" bash -c "'$fiscal' trend staff_control_rate --unit 衡山县财政局 | grep -q 'the documents state 53, recomputed 50.00'"
fi

echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
