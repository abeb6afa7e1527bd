import Foundation
import GRDB
import Testing
@testable import FiscalKit

/// The analyst's own spreadsheets: one row per unit, one column per metric.
/// Units and figures are invented; every expected value is worked out by hand
/// from the fixture (元 ÷ 10,000 = 万元).
@Suite("Wide tables (one row per unit)")
struct WideTableTests {
    let scratch = Scratch()

    func importFile(_ path: String, into database: FiscalDatabase, year: Int? = nil) throws -> ImportSummary {
        try Importer(database: database).importFile(path: path, year: year)
    }

    func unitNames(_ database: FiscalDatabase) throws -> Set<String> {
        Set(try database.queue.read { try String.fetchAll($0, sql: "SELECT name FROM units") })
    }

    func location(_ database: FiscalDatabase, unit: String, year: Int, metric: String, basis: String = "final")
        throws -> [String?] {
        try database.queue.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT part, location, raw_text FROM observation_details
                WHERE unit = ? AND year = ? AND metric = ? AND basis = ?
                """, arguments: [unit, year, metric, basis])
            return [row?["part"], row?["location"], row?["raw_text"]]
        }
    }

    static let shimen = "示例县石门镇"
    static let qingshan = "示例县青山镇"
    static let bureau = "示例县财政局"

    @Test("a year column: 3 units × 2 years, a dash and empty cells missing, the 合计 row no unit")
    func yearColumn() throws {
        let database = try scratch.database()
        let path = scratch.write("county.csv", """
            单位,年度,三公经费,七项经费,常住人口
            示例县石门镇,2022,5.06,146.08,55407
            示例县石门镇,2023,3.29,136.46,55100
            示例县青山镇,2022,4.1,—,32000
            示例县青山镇,2023,3.9,120.5,32457
            示例县财政局,2022,12.3,88.5,
            示例县财政局,2023,11.9,90.25,
            合计,2023,19.09,347.21,87557

            """)
        let summary = try importFile(path, into: database)
        #expect(summary.format == "csv")
        #expect(summary.figures == 15 && summary.missing == 3 && summary.unread == 0)
        #expect(summary.unitName == "3 units" && summary.earliestYear == 2022 && summary.documentYear == 2023)
        #expect(ImportReport.line(summary) == "\(path): import #1, 3 units 2022–2023, 15 figures stored, 3 missing skipped, "
                + "0 lines not understood (fiscal inspect lists them), 0 new conflicts")
        let (s, q, b) = (Self.shimen, Self.qingshan, Self.bureau)
        let expected: [String: String] = [
            "\(s)|2022|0|three_public_total|final": "5.06", "\(s)|2022|0|seven_items_total|final": "146.08",
            "\(s)|2022|0|resident_population|final": "55407",
            "\(s)|2023|0|three_public_total|final": "3.29", "\(s)|2023|0|seven_items_total|final": "136.46",
            "\(s)|2023|0|resident_population|final": "55100",
            "\(q)|2022|0|three_public_total|final": "4.1", "\(q)|2022|0|resident_population|final": "32000",
            "\(q)|2023|0|three_public_total|final": "3.9", "\(q)|2023|0|seven_items_total|final": "120.5",
            "\(q)|2023|0|resident_population|final": "32457",
            "\(b)|2022|0|three_public_total|final": "12.3", "\(b)|2022|0|seven_items_total|final": "88.5",
            "\(b)|2023|0|three_public_total|final": "11.9", "\(b)|2023|0|seven_items_total|final": "90.25",
        ]
        #expect(try database.factValues() == expected)
        // 合计 is a row of totals, not a unit; the units are exactly the three.
        #expect(try unitNames(database) == [b, s, q])
        #expect(try location(database, unit: s, year: 2023, metric: "three_public_total")
                == ["table", "line 3 column C", "示例县石门镇 2023 三公经费：3.29"])
        // Importing it again changes nothing.
        if case .unchanged = try importFile(path, into: database).outcome {} else { Issue.record("imported twice") }
    }

    @Test("units in brackets: 元 converted exactly, the year from the file name, else --year")
    func bracketUnitsAndFileYear() throws {
        let database = try scratch.database()
        let path = scratch.write("summary-2023.csv", """
            单位名称,三公经费（元）,常住人口（人）,公用经费（万元）
            示例县石门镇,32900,55407,1224.68
            示例县青山镇,"12,345.67",32000,980
            """)
        let summary = try importFile(path, into: database)
        #expect(summary.figures == 6 && summary.documentYear == 2023)
        let (s, q) = (Self.shimen, Self.qingshan)
        #expect(try database.factValues() == [
            "\(s)|2023|0|three_public_total|final": "3.29",            // 32900 元
            "\(s)|2023|0|resident_population|final": "55407",
            "\(s)|2023|0|public_funds|final": "1224.68",
            "\(q)|2023|0|three_public_total|final": "1.234567",        // 12,345.67 元: exact to the 分
            "\(q)|2023|0|resident_population|final": "32000",
            "\(q)|2023|0|public_funds|final": "980",
        ])

        // No year anywhere: an error that says to give --year, nothing stored; with --year it imports.
        let undated = scratch.write("summary.csv", "单位名称,三公经费（元）\n示例县石门镇,32900\n")
        let before = try database.snapshot()
        do {
            _ = try importFile(undated, into: database)
            Issue.record("a file without a year was imported")
        } catch let error as FiscalError {
            #expect(error.description.hasPrefix("\(undated): a table of units, but none of its figures can be stored"))
            #expect(error.description.contains("give it with --year"))
        }
        #expect(try database.snapshot() == before)
        #expect(try importFile(undated, into: database, year: 2021).figures == 1)
        #expect(try database.factValues()["\(s)|2021|0|three_public_total|final"] == "3.29")
    }

    @Test("GB18030 with CRLF, a year in a Chinese file name")
    func gb18030() throws {
        let database = try scratch.database()
        let text = "单位名称,三公经费（元）,常住人口\r\n示例县石门镇,32900,55407\r\n"
        let path = scratch.write("乡镇汇总2024年.csv", bytes: try gb18030Bytes(text))
        let summary = try importFile(path, into: database)
        #expect(summary.encoding == "gb18030")
        #expect(try database.factValues() == [
            "\(Self.shimen)|2024|0|three_public_total|final": "3.29",
            "\(Self.shimen)|2024|0|resident_population|final": "55407",
        ])
    }

    @Test("the metric in the title when every column names only a year and basis")
    func metricFromTitle() throws {
        let database = try scratch.database()
        let path = scratch.write("title.csv", """
            各乡镇2023年三公经费情况表,,
            乡镇,2023年预算数,2023年决算数
            示例县石门镇,3,3.29
            示例县青山镇,2.5,2.41
            合计,5.5,5.7
            """)
        #expect(try importFile(path, into: database).figures == 4)
        let (s, q) = (Self.shimen, Self.qingshan)
        #expect(try database.factValues() == [
            "\(s)|2023|0|three_public_total|budget": "3", "\(s)|2023|0|three_public_total|final": "3.29",
            "\(q)|2023|0|three_public_total|budget": "2.5", "\(q)|2023|0|three_public_total|final": "2.41",
        ])
        #expect(try location(database, unit: s, year: 2023, metric: "three_public_total", basis: "budget")
                == ["table", "line 3 column B", "示例县石门镇 三公经费 2023年预算数：3"])

        // A title that names two metrics, or none: an error, never a guess.
        let two = scratch.write("two.csv", "各乡镇2023年三公经费和七项经费情况表\n乡镇,2023年预算数\n示例县石门镇,3\n")
        #expect(throws: FiscalError.file(two, "a table of units (one row per unit), but none of its columns names a catalogue metric "
                                         + "(2023年预算数); the title names 2 metrics (三公经费, 七项经费); "
                                         + "`fiscal metrics` lists the names, `fiscal metrics load` adds synonyms")) {
            try importFile(two, into: database)
        }
        let none = scratch.write("none.csv", "各乡镇2023年情况表\n乡镇,2023年预算数\n示例县石门镇,3\n")
        #expect(throws: FiscalError.self) { try importFile(none, into: database) }
        #expect(try database.count("imports") == 1)
    }

    @Test("a row naming a unit above the header is not the header; a label row is no unit")
    func headerAfterUnitLine() throws {
        let database = try scratch.database()
        let path = scratch.write("bureaus.csv", """
            各部门2023年三公经费统计表
            填报单位,示例县财政局
            部门,三公经费,七项经费
            一、部门,,
            示例县财政局,11.9,90.25
            """)
        let summary = try importFile(path, into: database)
        #expect(summary.figures == 2 && summary.missing == 0 && summary.unread == 0 && summary.ignoredColumns.isEmpty)
        #expect(try database.factValues() == [
            "\(Self.bureau)|2023|0|three_public_total|final": "11.9", "\(Self.bureau)|2023|0|seven_items_total|final": "90.25",
        ])
        let header = scratch.write("unit-line.csv", "单位,示例县财政局\n单位名称,三公经费\n示例县石门镇,3.29\n")
        #expect(try importFile(header, into: database, year: 2023).figures == 1)
        #expect(try unitNames(database) == [Self.bureau, Self.shimen])
    }

    @Test("a title's period and basis: 上半年 is quarter 2, 预算 the basis; other months are not stored")
    func periodFromTitle() throws {
        let database = try scratch.database()
        let path = scratch.write("half.csv", """
            各乡镇2024年上半年财政收入完成情况
            乡镇,税收收入,非税收入,1-5月税收收入,二季度非税收入,前三季度税收收入
            示例县石门镇,400,150.5,300,20,610
            """)
        let summary = try importFile(path, into: database)
        #expect(summary.figures == 3 && summary.unread == 2)
        #expect(try database.factValues() == [
            "\(Self.shimen)|2024|2|tax_revenue|final": "400", "\(Self.shimen)|2024|2|nontax_revenue|final": "150.5",
            "\(Self.shimen)|2024|3|tax_revenue|final": "610",   // the heading's period wins over the title's
        ])
        let reading = try Importer.readDocument(path: path, fingerprint: try FileFingerprint.of(path: path),
                                                catalog: try database.catalog())
        #expect(reading.unread.map(\.location) == ["line 2 column D", "line 2 column E"])
        #expect(reading.unread.allSatisfy { $0.reason.contains("only year-to-date periods") })

        let budget = scratch.write("budget.csv", "2024年部门预算三公经费汇总表\n部门,三公经费\n示例县财政局,34.06\n")
        #expect(try importFile(budget, into: database).figures == 1)
        #expect(try database.factValues()["\(Self.bureau)|2024|0|three_public_total|budget"] == "34.06")
    }

    @Test("a header merged over two rows, a 单位 line, notes under the table (CSV and Excel)")
    func mergedHeader() throws {
        // CSV: the merged heading's text once, the cells after it empty; 单位：万元.
        let database = try scratch.database()
        let path = scratch.write("merged.csv", """
            各乡镇2023年三公经费情况汇总表,,,,
            ,,,,单位：万元
            乡镇,三公经费,,,常住人口（人）
            ,2022年决算数,2023年预算数,2023年决算数,
            示例县石门镇,5.06,3,3.29,55407
            示例县青山镇,4.1,—,3.8,32000
            合 计,9.16,3,7.09,87407
            ,,,,
            说明：上表为各乡镇填报数。,,,,
            示例县旧镇（已撤并）,1,1,1,1
            """)
        let summary = try importFile(path, into: database)
        #expect(summary.figures == 7 && summary.missing == 1)
        let (s, q) = (Self.shimen, Self.qingshan)
        let expected: [String: String] = [
            "\(s)|2022|0|three_public_total|final": "5.06", "\(s)|2023|0|three_public_total|budget": "3",
            "\(s)|2023|0|three_public_total|final": "3.29", "\(s)|2023|0|resident_population|final": "55407",
            "\(q)|2022|0|three_public_total|final": "4.1", "\(q)|2023|0|three_public_total|final": "3.8",
            "\(q)|2023|0|resident_population|final": "32000",
        ]
        #expect(try database.factValues() == expected)
        #expect(try unitNames(database) == [s, q])      // neither 合 计 nor the line under the notes

        // Excel: <mergeCells> over the header, 单位：元 (values in 元), a percent
        // column, an indicator (stored as reported), totals as formulas, notes.
        let excel = try FiscalDatabase.open(path: scratch.path("excel.sqlite"))
        let workbook = try importFile(Fixtures.path("wide-merged-header.xlsx"), into: excel)
        #expect(workbook.format == "xlsx" && workbook.figures == 9 && workbook.missing == 1)
        #expect(try excel.factValues() == [
            "\(s)|2022|0|three_public_total|final": "5.06", "\(s)|2023|0|three_public_total|budget": "3",
            "\(s)|2023|0|three_public_total|final": "3.29", "\(s)|2023|0|resident_population|final": "55407",
            "\(s)|2023|0|staff_control_rate|reported": "97.62",
            "\(q)|2022|0|three_public_total|final": "4.1", "\(q)|2023|0|three_public_total|final": "3.80005",   // 38000.5 元
            "\(q)|2023|0|resident_population|final": "32000", "\(q)|2023|0|staff_control_rate|reported": "95",
        ])
        #expect(try unitNames(excel) == [s, q])
        #expect(try location(excel, unit: s, year: 2023, metric: "three_public_total")
                == ["table", "汇总!D5", "示例县石门镇 三公经费 2023年决算数：32900"])
    }

    @Test("a workbook with a sheet per year and a 合计 row on each; another with a 年度 column")
    func workbooks() throws {
        let database = try scratch.database()
        let summary = try importFile(Fixtures.path("wide-sheet-per-year.xlsx"), into: database)
        #expect(summary.figures == 16 && summary.missing == 2 && summary.unread == 0)
        // An .xlsx is a ZIP archive: the line names no text encoding.
        #expect(ImportReport.line(summary) == "\(Fixtures.path("wide-sheet-per-year.xlsx")): import #1, 3 units 2022–2023, "
                + "16 figures stored, 2 missing skipped, 0 lines not understood (fiscal inspect lists them), 0 new conflicts")
        let (s, q, b) = (Self.shimen, Self.qingshan, Self.bureau)
        #expect(try database.factValues() == [
            "\(s)|2022|0|three_public_total|final": "5.06", "\(s)|2022|0|seven_items_total|final": "146.08",
            "\(s)|2022|0|resident_population|final": "55407",
            "\(q)|2022|0|three_public_total|final": "4.1", "\(q)|2022|0|seven_items_total|final": "120",
            "\(q)|2022|0|resident_population|final": "32000",
            "\(b)|2022|0|three_public_total|final": "12.3", "\(b)|2022|0|seven_items_total|final": "88.5",
            "\(s)|2023|0|three_public_total|final": "3.29", "\(s)|2023|0|seven_items_total|final": "136.46",
            "\(s)|2023|0|resident_population|final": "55100",
            "\(q)|2023|0|three_public_total|final": "3.9", "\(q)|2023|0|seven_items_total|final": "120.5",
            "\(q)|2023|0|resident_population|final": "32457",
            "\(b)|2023|0|three_public_total|final": "11.9", "\(b)|2023|0|seven_items_total|final": "90.25",
        ])
        #expect(try unitNames(database) == [b, s, q])
        #expect(try location(database, unit: b, year: 2023, metric: "seven_items_total")
                == ["table", "2023年!C4", "示例县财政局 七项经费（万元）：90.25"])

        // No year in the sheet name: the 年度 column; the unit merged down over its
        // two years; 序号 skipped, 备注 ignored, a value that is no number listed.
        let second = try FiscalDatabase.open(path: scratch.path("second.sqlite"))
        let path = Fixtures.path("wide-year-column.xlsx")
        let years = try importFile(path, into: second)
        #expect(years.figures == 7 && years.unread == 1 && years.ignoredColumns == ["备注"])
        #expect(try second.factValues() == [
            "\(s)|2022|0|three_public_total|final": "5.06", "\(s)|2022|0|satisfaction|final": "96.5",
            "\(s)|2023|0|three_public_total|final": "3.29", "\(s)|2023|0|satisfaction|final": "97",
            "\(q)|2022|0|three_public_total|final": "4.1",
            "\(q)|2023|0|three_public_total|final": "3.9", "\(q)|2023|0|satisfaction|final": "95.5",
        ])
        #expect(try unitNames(second) == [s, q])
        let inspection = try DocumentInspection.inspect(path: path, catalog: try second.catalog())
        #expect(inspection.unread.rows.map { [$0[0], $0[2]] } == [[.text("Sheet1!E4"), .text("'待核实' is not a number")]])
    }

    @Test("a column the catalogue does not know is listed once; no metric column at all is an error")
    func unknownColumns() throws {
        let database = try scratch.database()
        let path = scratch.write("notes-2023.csv", """
            单位名称,三公经费,备注,人均三公经费
            示例县石门镇,3.29,含接待,0.01
            示例县青山镇,3.9,,0.02
            示例县财政局,11.9,说明,0.1
            """)
        let summary = try importFile(path, into: database)
        #expect(summary.figures == 3)
        #expect(summary.ignoredColumns == ["备注", "人均三公经费"])
        #expect(ImportReport.line(summary).hasSuffix("; ignored columns: 备注, 人均三公经费"))

        let before = try database.snapshot()
        let nothing = scratch.write("contacts-2023.csv", "单位名称,地址,联系电话\n示例县石门镇,石门路1号,12345\n")
        #expect(throws: FiscalError.file(nothing, "a table of units (one row per unit), but none of its columns names a catalogue "
                                         + "metric (地址, 联系电话); `fiscal metrics` lists the names, `fiscal metrics load` adds synonyms")) {
            try importFile(nothing, into: database)
        }
        #expect(try database.snapshot() == before)
    }

    @Test("a word in a value cell is a note: listed with its cell, not stored; the others are")
    func noteInValueCell() throws {
        let database = try scratch.database()
        let path = scratch.write("values-2023.csv", """
            单位,三公经费,常住人口
            示例县石门镇,3.29,55407
            示例县青山镇,待核实,32000
            示例县财政局,11.9,无
            """)
        let summary = try importFile(path, into: database)
        #expect(summary.figures == 4 && summary.unread == 2)
        #expect(try database.factValues() == [
            "\(Self.shimen)|2023|0|three_public_total|final": "3.29", "\(Self.shimen)|2023|0|resident_population|final": "55407",
            "\(Self.qingshan)|2023|0|resident_population|final": "32000",
            "\(Self.bureau)|2023|0|three_public_total|final": "11.9",
        ])
        let inspection = try DocumentInspection.inspect(path: path, catalog: try database.catalog())
        #expect(inspection.unread.rows == [
            [.text("line 3 column B"), .text("示例县青山镇 三公经费：待核实"), .text("'待核实' is not a number")],
            [.text("line 4 column C"), .text("示例县财政局 常住人口：无"), .text("'无' is not a number")],
        ])
        #expect(inspection.heading == "\(path): a table of units: 3 units, 2023, 4 figures, 0 missing skipped, 2 not understood")
        #expect(inspection.figures.columns.contains("unit"))
    }

    @Test("a number with a typo (1O5.38, 12.5 people) refuses the whole file, each cell with its line")
    func brokenNumber() throws {
        let database = try scratch.database()
        let before = try database.snapshot()
        let path = scratch.write("values-2023.csv", """
            各乡镇2023年情况汇总表
            单位,三公经费,常住人口
            示例县石门镇,3.29,55407
            示例县青山镇,1O5.38,32000
            示例县财政局,11.9,12.5
            """)
        do {
            _ = try importFile(path, into: database)
            Issue.record("imported")
        } catch let error as FiscalError {
            #expect(error.description.contains("\(path):4: line 4 column B: 示例县青山镇 三公经费：1O5.38: '1O5.38' is not a number"))
            #expect(error.description.contains("\(path):5: line 5 column C: 示例县财政局 常住人口：12.5: '12.5': a head count must be a whole number"))
            #expect(error.description.contains("nothing from this file was stored"))
        }
        #expect(try database.snapshot() == before)
    }

    @Test("column headings: metric, unit, year, basis and period, or nothing", arguments: [
        ("三公经费（万元）", "three_public_total 万元 - - -"),
        ("2023年三公经费预算数", "three_public_total - 2023 budget -"),
        ("三公经费（2024年决算数）", "three_public_total - 2024 final -"),
        ("2023年度公用经费（元）", "public_funds 元 2023 - -"),
        ("1-6月税收收入完成数", "tax_revenue - - final 2"),
        ("上半年非税收入", "nontax_revenue - - - 2"),
        ("前三季度税收收入", "tax_revenue - - - 3"),
        ("一季度税收收入", "tax_revenue - - - 1"),
        ("1-5月税收收入", "tax_revenue - - - 1-5月?"),
        ("因公出国（境）费（元）", "overseas_travel 元 - - -"),
        ("常住人口（名）", "resident_population 人 - - -"),
        ("财政供养比", "supported_ratio - - - -"),
        ("2023年预算数", "- - 2023 budget -"),
        ("金额（元）", "- 元 - - -"),
        ("上年三公经费", "nil"),
        ("三公经费增长率", "nil"),
        ("人均三公经费", "nil"),
        ("公务用车费", "nil"),
    ])
    func headings(text: String, expected: String) throws {
        let heading = WideColumnHeading.parse(text, catalog: MetricCatalog.embedded())
        let described = heading.map { heading -> String in
            let quarter: String
            switch heading.quarter {
            case let .quarter(value)?: quarter = String(value)
            case let .unsupported(word)?: quarter = word + "?"
            case nil: quarter = "-"
            }
            return [heading.metric?.code ?? "-", heading.unitSuffix ?? "-", heading.years.first.map(String.init) ?? "-",
                    heading.basis?.rawValue ?? "-", quarter].joined(separator: " ")
        } ?? "nil"
        #expect(described == expected)
    }

    @Test("a tidy CSV still goes the tidy way; a package workbook is still a package")
    func routing() throws {
        let database = try scratch.database()
        let tidy = scratch.write("tidy.csv", "单位,年度,指标,数值\n示例县石门镇,2023,三公经费,3.29\n")
        let summary = try importFile(tidy, into: database)
        #expect(summary.unitName == nil && summary.rows == 1 && summary.figures == 1)   // the tidy importer's summary
        let catalog = try database.catalog()
        #expect(!WideTable.isWideHeader(["单位", "年度", "指标", "数值"], catalog: catalog))
        #expect(!WideTable.isWideHeader(["unit", "year", "value"], catalog: catalog))     // a broken tidy header
        #expect(WideTable.isWideHeader(["单位", "年度", "三公经费", "七项经费"], catalog: catalog))
        let package = try Importer.readDocument(path: Fixtures.path("baicang-2023.xlsx"),
                                                fingerprint: try FileFingerprint.of(path: Fixtures.path("baicang-2023.xlsx")),
                                                catalog: catalog)
        #expect(!package.isWideTable && package.figures.count == 20)
    }

    @Test("fiscal import and fiscal inspect on a wide table")
    func binary() throws {
        scratch.write("乡镇-2023.csv", "乡镇,三公经费（万元）,备注\n示例县石门镇,3.29,\n示例县青山镇,3.9,\n合计,7.19,\n")
        let imported = try Binary.run(["import", "乡镇-2023.csv"], in: scratch.folder)
        #expect(imported.status == 0)
        #expect(imported.stdout == "乡镇-2023.csv: import #1, 2 units 2023, 2 figures stored, 0 lines not understood "
                + "(fiscal inspect lists them), 0 new conflicts; ignored columns: 备注\n")
        let inspected = try Binary.run(["inspect", "乡镇-2023.csv", "--format", "csv"], in: scratch.folder)
        #expect(inspected.status == 0)
        #expect(inspected.stdout == """
            乡镇-2023.csv: a table of units: 2 units, 2023, 2 figures, 0 missing skipped, 0 not understood; ignored columns: 备注
            unit,part,metric,year,basis,value,location,text
            示例县石门镇,table,three_public_total,2023,final,3.29,line 2 column B,示例县石门镇 三公经费（万元）：3.29
            示例县青山镇,table,three_public_total,2023,final,3.9,line 3 column B,示例县青山镇 三公经费（万元）：3.9

            """)
    }

    /// GB18030 bytes through iconv(1), as a Chinese Excel writes CSV.
    func gb18030Bytes(_ text: String) throws -> [UInt8] {
        let input = scratch.write("utf8-source.txt", text)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        process.arguments = ["-f", "UTF-8", "-t", "GB18030", input]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }
}
