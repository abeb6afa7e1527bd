#!/usr/bin/env python3
"""Writes the tidy-CSV fixtures of Tests/FiscalKitTests/Fixtures in the encodings
and dialects units send: Excel's GB18030 with CRLF, UTF-8 with a BOM, quoted unit
names with commas. The figures are the real ones of the samples (白仓镇 2023)."""
import pathlib

here = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "FiscalKitTests" / "Fixtures"
here.mkdir(parents=True, exist_ok=True)

rows = [
    ["单位名称", "年度", "指标", "口径", "数值"],
    ["邵阳县白仓镇人民政府", "2023", "非税收入额", "", "301.15万元"],
    ["邵阳县白仓镇人民政府", "2023", "非税收入征收成本", "实际", "122.8"],
    ["邵阳县白仓镇人民政府", "2022", "非税收入额", "", "2,056,400元"],
    ["邵阳县白仓镇人民政府", "2023", "常住人口", "", "55407人"],
    ["邵阳县白仓镇人民政府", "2023", "“三保”支出", "应保", "2855.08"],
    ["邵阳县白仓镇人民政府", "2023", "公务接待费", "", "——"],
]

def csv_line(fields):
    out = []
    for f in fields:
        if any(c in f for c in ',"\n'):
            f = '"' + f.replace('"', '""') + '"'
        out.append(f)
    return ",".join(out)

# Excel in China: GB18030, CRLF.
(here / "baicang-gb18030-crlf.csv").write_bytes(
    ("\r\n".join(csv_line(r) for r in rows) + "\r\n").encode("gb18030"))
# UTF-8 with a byte-order mark (Excel's "CSV UTF-8"), LF.
(here / "baicang-utf8-bom.csv").write_bytes(
    ("\n".join(csv_line(r) for r in rows) + "\n").encode("utf-8-sig"))
# A unit name with a comma and a quote, quoted per RFC 4180; a quoted value with
# a thousands separator; English headers with the optional columns.
quoted = [
    ["unit", "region", "kind", "unit_code", "year", "quarter", "metric", "basis", "value"],
    ['衡山县财政局(会计核算中心,"国库")', "衡山县", "department", "431423001", "2024", "", "project_expenditure", "final", "902.92"],
    ['衡山县财政局(会计核算中心,"国库")', "衡山县", "department", "431423001", "2024", "Q2", "total_funds", "", "1,258.65"],
]
(here / "quoted-names.csv").write_text("\n".join(csv_line(r) for r in quoted) + "\n", encoding="utf-8")
print("wrote fixtures to", here)
