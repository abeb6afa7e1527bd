#!/usr/bin/env python3
"""Writes the Word/Excel test fixtures with real office writers (python-docx,
openpyxl: `pip install python-docx openpyxl`), in the layouts of the samples
with their real figures, the hostile archives the importer must refuse, and
the analyst's wide spreadsheets (invented units and figures).
The generated files are committed; run this again only to change them:
`scripts/make-office-fixtures.py` writes all, `scripts/make-office-fixtures.py wide-`
only the files whose names start with wide- (office writers stamp the time, so
rewriting a fixture changes its bytes)."""
import io
import pathlib
import sys
import zipfile

import docx
import openpyxl

out = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "FiscalKitTests" / "Fixtures"
out.mkdir(parents=True, exist_ok=True)
only = sys.argv[1:]


def wanted(name):
    return not only or any(name.startswith(prefix) for prefix in only)


def word_table(document, rows, merge_first=False):
    width = max(len(r) for r in rows)
    table = document.add_table(rows=0, cols=width)
    for values in rows:
        cells = table.add_row().cells
        for index, value in enumerate(values):
            if "\n" in value:            # a cell broken into two paragraphs
                first, second = value.split("\n", 1)
                cells[index].text = first
                cells[index].add_paragraph(second)
            else:
                cells[index].text = value
    if merge_first:                      # a title row merged across the table (w:gridSpan)
        row = table.rows[0].cells
        row[0].merge(row[width - 1])
    return table


# hengshan 2024 as Word: basic data table, self-evaluation form, a narrative sentence.
document = docx.Document()
document.add_paragraph("附件一")
word_table(document, [
    ["2024年度部门整体支出绩效评价基础数据表", "", "", ""],
    ["财政供养人员情况（人）", "编制数", "2024年实际在职人数", "控制率"],
    ["", "212", "106", "53%"],
    ["经费控制情况（万元）", "2023年决算数", "2024年预算数", "2024年决算数"],
    ["三公经费:", "4.11", "34.06", "27.26"],
    ["1、公务用车购置和维护经费", "", "", ""],
    ["其中：公车购置", "", "", ""],
    ["公车运行维护", "1.85", "4.08", "4.08"],
    ["2、出国经费", "", "", ""],
    ["3、公务接待", "2.26", "7", "0.2"],
    ["项目支出：", "811.74", "523.16", "902.92"],
    ["公用经费", "694.3", "226", "694.3"],
    ["其中：办公经费", "43.9", "208", "171.1"],
    ["水费、电费、差旅费", "30.7", "15", "22"],
    ["会议费、培训费", "2.87", "1", "3.4"],
    ["政府采购金额", "——", "245", "362.21"],
], merge_first=True)
document.add_paragraph("附件二")
document.add_paragraph("2024年度部门整体支出绩效自评表")
word_table(document, [
    ["预算部门、单位名称", "衡山县财政局", "", "", "", "", "", ""],
    ["年度预算申请\n（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "自评得分"],
    ["", "年度资金总额", "2026.91", "2517.3", "2517.3", "10", "94.26%", "10"],
    ["", "按收入性质分：2517.3", "按支出性质分：2520.6", "", "", "", "", ""],
    ["", "其中：基本支出：1617.68", "项目支出：902.29", "", "", "", "", ""],
    ["总分", "100", "97", "", "", "", "", ""],
])
document.add_paragraph("附件四")
document.add_paragraph("支出绩效自评报告")
document.add_paragraph("2024年“三公”经费预算数34.06万元，其中：公务接待费7万元。")
if wanted("hengshan-2024.docx"):
    document.save(out / "hengshan-2024.docx")

# baicang 2023 as Excel: the basic data table with its extra blank column B.
workbook = openpyxl.Workbook()
sheet = workbook.active
sheet.title = "基础数据表"
sheet["A1"] = "2023年度部门整体支出绩效评价基础数据表"
sheet.merge_cells("A1:E1")
sheet.append(["财政供养人员情况", "编制数", "2023 年实际在职人数", "控制率"])
sheet.append([None, 168, 164, 0.9762])
sheet["D3"].number_format = "0.00%"              # Excel keeps 97.62% as 0.9762
sheet.append(["经费控制情况", None, "2022年决算数", "2023 年预算数", "2023年决算数"])
sheet.append(["三公经费", None, 5.06, 3, 3.29])
sheet.append(["3 、 公务接待", None, 5.06, 2, 3.29])
sheet.append(["其中：办公经费", None, 89.35, 36, 68.7])
sheet.append(["水费 、电费", None, 5.53, 36, 24.099999999999998])   # a binary double as Excel stores it
sheet.append(["政府采购金额", "——", 0, 0, 15])
sheet.append(["部门基本支出预算调整", "——", 1561.03, None, 1220.22])
if wanted("baicang-2023.xlsx"):
    workbook.save(out / "baicang-2023.xlsx")


def archive(name, entries):
    if not wanted(name):
        return
    with zipfile.ZipFile(out / name, "w", zipfile.ZIP_DEFLATED) as zf:
        for entry, data in entries:
            zf.writestr(entry, data)


content_types = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
body = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
# A zip bomb: 80 MiB of white space inside document.xml, about 80 KB compressed.
archive("zip-bomb.docx", [("[Content_Types].xml", content_types),
                          ("word/document.xml", body + b" " * (80 << 20) + b"</w:body></w:document>")])
# An external entity (XXE) reaching for a local file.
archive("xxe.docx", [("[Content_Types].xml", content_types),
                     ("word/document.xml", b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                      + body + b"<w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>")])
# An entry that climbs out of the archive.
archive("traversal.docx", [("[Content_Types].xml", content_types), ("../../evil.xml", b"<x/>"),
                           ("word/document.xml", body + b"</w:body></w:document>")])
# A truncated file, and a password-protected Office file (an OLE compound file).
if wanted("corrupt.docx"):
    (out / "corrupt.docx").write_bytes((out / "hengshan-2024.docx").read_bytes()[:300])
if wanted("encrypted.docx"):
    (out / "encrypted.docx").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504))

# The analyst's wide spreadsheets: one row per unit, one column per metric.
# Invented units (示例县…) and figures; the tests state the expected values.

# A title, 单位：元, a header merged over two rows, a total row with formulas
# (openpyxl stores no cached values), notes under the table.
workbook = openpyxl.Workbook()
sheet = workbook.active
sheet.title = "汇总"
sheet["A1"] = "各乡镇2023年三公经费情况汇总表"
sheet.merge_cells("A1:F1")
sheet["F2"] = "单位：元"
sheet.append(["乡镇", "三公经费", None, None, "常住人口（人）", "在职人员控制率（%）"])
sheet.merge_cells("A3:A4")
sheet.merge_cells("B3:D3")
sheet.merge_cells("E3:E4")
sheet.merge_cells("F3:F4")
sheet.append([None, "2022年决算数", "2023年预算数", "2023年决算数", None, None])
sheet.append(["示例县石门镇", 50600, 30000, 32900, 55407, 0.9762])
sheet.append(["示例县青山镇", 41000, "—", 38000.5, 32000, 0.95])
sheet.append(["合 计", "=SUM(B5:B6)", "=SUM(C5:C6)", "=SUM(D5:D6)", "=SUM(E5:E6)", None])
for row in (5, 6):
    sheet[f"F{row}"].number_format = "0.00%"
sheet.append([])
sheet.append(["说明：1. 数据为示例；2. 常住人口为年末数。"])
sheet.merge_cells("A9:F9")
sheet.append(["填表人：示例", None, None, "审核人：示例"])
if wanted("wide-merged-header.xlsx"):
    workbook.save(out / "wide-merged-header.xlsx")

# A sheet per year ("2022", "2023年"), a 合计 row on each, a notes sheet.
workbook = openpyxl.Workbook()
sheet = workbook.active
sheet.title = "2022"
sheet.append(["单位名称", "三公经费（万元）", "七项经费（万元）", "常住人口"])
sheet.append(["示例县石门镇", 5.06, 146.08, 55407])
sheet.append(["示例县青山镇", 4.1, 120, 32000])
sheet.append(["示例县财政局", 12.3, 88.5, None])
sheet.append(["合计", 21.46, 354.58, 87407])
sheet = workbook.create_sheet("2023年")
sheet.append(["各单位2023年经费情况"])
sheet.append(["单位名称", "三公经费（万元）", "七项经费（万元）", "常住人口"])
sheet.append(["总计", 19.09, 347.21, 87557])
sheet.append(["示例县财政局", 11.9, 90.25, "——"])
sheet.append(["示例县石门镇", 3.29, 136.46, 55100])
sheet.append(["示例县青山镇", 3.9, 120.5, 32457])
sheet = workbook.create_sheet("填表说明")
sheet.append(["本表由各单位填报，金额单位为万元。"])
if wanted("wide-sheet-per-year.xlsx"):
    workbook.save(out / "wide-sheet-per-year.xlsx")

# No year in the sheet name or the title: a 年度 column, a unit merged down over
# its two years, 序号, a column the catalogue does not know, a value that is no number.
workbook = openpyxl.Workbook()
sheet = workbook.active
sheet.title = "Sheet1"
sheet.append(["序号", "单位名称（盖章）", "年度", "三公经费", "满意度（%）", "备注"])
sheet.append([1, "示例县石门镇", 2022, 5.06, 96.5, "无"])
sheet.append([None, None, 2023, 3.29, 97, None])
sheet.merge_cells("B2:B3")
sheet.append([2, "示例县青山镇", "2022年", 4.1, "待核实", None])
sheet.append([3, "示例县青山镇", "2023年", 3.9, 95.5, "新设"])
sheet.append([None, "合计", None, 16.35, None, None])
if wanted("wide-year-column.xlsx"):
    workbook.save(out / "wide-year-column.xlsx")
print("wrote", sorted(p.name for p in out.iterdir()))
