import Foundation
import GRDB
import Testing
@testable import FiscalKit

/// `../shared/samples` beside the repository, when present (CI has it).
enum Samples {
    static let folder: String? = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let samples = repository.deletingLastPathComponent().appendingPathComponent("shared/samples").path
        return FileManager.default.fileExists(atPath: samples) ? samples : nil
    }()
    static func path(_ name: String) -> String { (folder! as NSString).appendingPathComponent(name) }
}

@Suite("Packages copied out as text")
struct TextPackageTests {
    let scratch = Scratch()

    @Test("hengshan 2024: every figure of the basic data table and the form", .enabled(if: Samples.folder != nil))
    func hengshan() throws {
        let database = try scratch.database()
        let summary = try Importer(database: database).importFile(path: Samples.path("hengshan-finance-bureau-2024.txt"))
        #expect(summary.unitName == "衡山县财政局")
        #expect(summary.documentYear == 2024)
        let facts = try database.factValues()
        let unit = "衡山县财政局"
        let expected: [String: String] = [
            "2024|0|staff_authorized|final": "212", "2024|0|staff_in_service|final": "106",
            "2023|0|three_public_total|final": "4.11", "2024|0|three_public_total|budget": "34.06",
            "2024|0|three_public_total|final": "27.26",
            "2023|0|vehicle_operation|final": "1.85", "2024|0|vehicle_operation|budget": "4.08",
            "2024|0|vehicle_operation|final": "4.08",
            "2023|0|official_reception|final": "2.26", "2024|0|official_reception|budget": "7",
            "2024|0|official_reception|final": "0.2",
            "2023|0|project_expenditure|final": "811.74", "2024|0|project_expenditure|budget": "523.16",
            "2024|0|project_expenditure|final": "902.92",          // the table wins over the form's 902.29
            "2023|0|public_funds|final": "694.3", "2024|0|public_funds|budget": "226", "2024|0|public_funds|final": "694.3",
            "2023|0|office_expense|final": "43.9", "2024|0|office_expense|budget": "208", "2024|0|office_expense|final": "171.1",
            "2023|0|utilities_travel|final": "30.7", "2024|0|utilities_travel|budget": "15", "2024|0|utilities_travel|final": "22",
            "2023|0|meeting_training|final": "2.87", "2024|0|meeting_training|budget": "1", "2024|0|meeting_training|final": "3.4",
            "2024|0|government_procurement|budget": "245", "2024|0|government_procurement|final": "362.21",
            "2024|0|total_funds|initial": "2026.91", "2024|0|total_funds|budget": "2517.3", "2024|0|total_funds|final": "2517.3",
            "2024|0|total_expenditure|final": "2520.6", "2024|0|basic_expenditure|final": "1617.68",
            // The report: "基本支出年初预算支出 1503.75万元，全年预算数1620.28万元".
            "2024|0|basic_expenditure|initial": "1503.75", "2024|0|basic_expenditure|budget": "1620.28",
            "2024|0|general_budget_funds|final": "2509.89", "2024|0|other_funds|final": "7.4",   // the form's income split
            "2024|0|general_budget_funds|budget": "2509.89",   // narrative: 一般公共预算财政拨款全年预算数2509.89万元
            "2024|0|self_score|final": "97",
            "2024|0|staff_control_rate|reported": "53", "2024|0|budget_execution_rate|reported": "94.26",
            // Stated only in the narrative report.
            "2024|0|overseas_travel|budget": "0", "2024|0|overseas_travel|final": "0",
            "2024|0|vehicle_total|budget": "27.06", "2024|0|vehicle_total|final": "27.06",
        ]
        for (key, value) in expected { #expect(facts["\(unit)|\(key)"] == value, "\(key)") }
        #expect(facts.count == expected.count)
        // —— and empty cells are missing, not 0: the 2023 procurement and the
        // vehicle purchase rows have no figure.
        #expect(facts["\(unit)|2023|0|government_procurement|final"] == nil)
        #expect(facts["\(unit)|2024|0|vehicle_purchase|final"] == nil)
        // 项目支出 902.92 (table) vs 902.29 (form): a conflict, both kept with their parts.
        let conflicts = try StoreQueries(database: database).conflicts(.init(metrics: ["project_expenditure"]))
        #expect(conflicts.rows.map { [$0[7], $0[8], $0[11]] } == [
            [.number(ExactValue(e6: 902_920_000)), .text("yes"), .text("table")],
            [.number(ExactValue(e6: 902_290_000)), .text(""), .text("form")],
            [.number(ExactValue(e6: 902_920_000)), .text(""), .text("narrative")],
            [.number(ExactValue(e6: 902_920_000)), .text(""), .text("narrative")],   // "安排项目支出523.16万元，决算支出902.92万元"
        ])
        // Refused, not guessed: "…年初预算安排支出2026.91万元，其中：基本支出2026.91万元" is a 其中
        // item of something that is no catalogue figure; the report states 1503.75 elsewhere.
        let initial = try database.queue.read { db in
            try String.fetchAll(db, sql: "SELECT raw_text FROM observation_details WHERE metric = 'basic_expenditure' AND basis = 'initial'")
        }
        #expect(initial.count == 1 && initial[0].contains("1503.75"))
        // The table's vehicle figures against the narrative's: different keys, so
        // the totals check shows them (purchase is stated nowhere, never taken as 0).
        let totals = try StoreQueries(database: database).totalsDisagreeing()
        let findings = totals.rows.map { [$0[1], $0[3], $0[4], $0[5], $0[8], $0[10], $0[11]] }
        func money(_ e6: Int64) -> ResultTable.Cell { .number(ExactValue(e6: e6)) }
        #expect(findings == [
            [.label(2023), .text("final"), .text("three_public_total"), money(4_110_000), .text("table"), money(2_260_000),
             .text("overseas_travel, vehicle_total")],
            [.label(2024), .text("budget"), .text("vehicle_total"), money(27_060_000), .text("narrative"), money(4_080_000),
             .text("vehicle_purchase")],
            [.label(2024), .text("final"), .text("vehicle_total"), money(27_060_000), .text("narrative"), money(4_080_000),
             .text("vehicle_purchase")],
        ])

        // The project form, kept per project.
        let project = try database.queue.read { db in
            try Row.fetchOne(db, sql: "SELECT name, initial_e6, budget_e6, final_e6, execution_rate_e6, self_score_e6 FROM projects")
        }
        let name: String? = project?["name"]
        #expect(name == "网络运行经费")
        let funds: [Int64?] = [project?["initial_e6"], project?["budget_e6"], project?["final_e6"],
                               project?["execution_rate_e6"], project?["self_score_e6"]]
        #expect(funds == [nil, 180_000_000, 50_500_000, 28_000_000, 96_000_000])
        // County-wide totals in the bureau's report are not the bureau's figures.
        #expect(facts["\(unit)|2024|0|nontax_revenue|final"] == nil)
        #expect(facts["\(unit)|2024|0|general_budget_expenditure|final"] == nil)
    }

    @Test("baicang 2023: the table with an extra blank column, explicit zeros kept", .enabled(if: Samples.folder != nil))
    func baicang() throws {
        let database = try scratch.database()
        let path = Samples.path("baicang-town-2023.txt")
        // No label names the unit and the title does not either; the text states
        // 邵阳县白仓镇人民政府 twice (and 白仓镇, a short form, many times).
        let summary = try Importer(database: database).importFile(path: path)
        #expect(summary.unitName == "邵阳县白仓镇人民政府")
        #expect(summary.documentYear == 2023)
        let facts = try database.factValues()
        let unit = "邵阳县白仓镇人民政府"
        let expected: [String: String] = [
            "2023|0|staff_authorized|final": "168", "2023|0|staff_in_service|final": "164",
            "2022|0|three_public_total|final": "5.06", "2023|0|three_public_total|budget": "3", "2023|0|three_public_total|final": "3.29",
            "2022|0|vehicle_total|final": "0", "2023|0|vehicle_total|budget": "1", "2023|0|vehicle_total|final": "0",
            "2022|0|vehicle_purchase|final": "0", "2023|0|vehicle_purchase|final": "0",
            "2022|0|vehicle_operation|final": "0", "2023|0|vehicle_operation|budget": "1", "2023|0|vehicle_operation|final": "0",
            "2022|0|overseas_travel|final": "0", "2023|0|overseas_travel|budget": "0", "2023|0|overseas_travel|final": "0",
            "2022|0|official_reception|final": "5.06", "2023|0|official_reception|budget": "2", "2023|0|official_reception|final": "3.29",
            "2022|0|public_funds|final": "2021.14", "2023|0|public_funds|budget": "464.28", "2023|0|public_funds|final": "1224.68",
            "2022|0|office_expense|final": "89.35", "2023|0|office_expense|budget": "36", "2023|0|office_expense|final": "68.7",
            "2022|0|utilities|final": "5.53", "2023|0|utilities|budget": "36", "2023|0|utilities|final": "24.1",
            "2022|0|travel|final": "54.31", "2023|0|travel|budget": "50", "2023|0|travel|final": "99.02",
            "2022|0|meeting_training|final": "10.8", "2023|0|meeting_training|budget": "3", "2023|0|meeting_training|final": "10.18",
            "2022|0|government_procurement|final": "0", "2023|0|government_procurement|budget": "0",
            "2023|0|government_procurement|final": "15",
            "2022|0|budget_adjustment|final": "1561.03", "2023|0|budget_adjustment|final": "1220.22",
            "2023|0|self_score|final": "98",
            "2023|0|staff_control_rate|reported": "97.62",
            // Stated only in the narrative report (domain.md's worked examples among them).
            "2023|0|nontax_revenue|final": "301.15", "2022|0|nontax_revenue|final": "205.64",
            "2023|0|nontax_collection_cost|final": "122.8", "2022|0|nontax_collection_cost|final": "124.51",
            "2023|0|seven_items_total|final": "136.46", "2022|0|seven_items_total|final": "146.08",
            "2023|0|resident_population|final": "55407",
            "2023|0|supported_in_service|final": "168", "2023|0|supported_retired|final": "69",
            "2023|0|supported_ratio|reported": "230",
            "2023|0|seven_items_change_rate|reported": "-6.59",     // “七项”经费控制率-6.59%
            "2023|0|three_guarantees|final": "2850.51", "2023|0|three_guarantees|plan": "2855.08",
            "2023|0|general_budget_expenditure|final": "3824.63", "2023|0|three_guarantees_share|reported": "74.53",
            "2023|0|tax_revenue|final": "823.23", "2023|0|tax_revenue|plan": "800", "2023|0|tax_completion_rate|reported": "102.9",
            "2023|0|fiscal_revenue|final": "3824.63", "2023|0|fiscal_revenue|plan": "3824.63",
            "2023|0|fiscal_revenue|initial": "2604.41", "2022|0|fiscal_revenue|final": "3796.41",
            "2023|0|total_funds|final": "3824.63", "2023|0|total_funds|initial": "2604.41",
            "2023|0|total_expenditure|final": "3824.63",
            "2023|0|personnel_expenditure|final": "2275.18", "2023|0|project_expenditure|final": "0",
            "2023|0|basic_expenditure|final": "1549.45",
            "2023|0|basic_expenditure|initial": "2604.41",     // the report also says 1549.45: a conflict
            "2023|0|staff_outside_quota|final": "1",
            "2023|0|other_funds|initial": "0", "2023|0|other_funds|final": "0",   // 其他收入0万元 (年初 and 年终)
            "2022|0|gdp|final": "203893",
            "2023|0|fixed_asset_investment|final": "53071.24", "2022|0|fixed_asset_investment|final": "42187",
            "2023|0|social_insured|final": "18050", "2022|0|social_insured|final": "18050",
            "2023|0|medical_insured|final": "64786", "2022|0|medical_insured|final": "64786",
            // "2022年全社会消费品零售额总额27415万元，2023年28932.4万元" (总额 joins name and number).
            "2022|0|retail_sales|final": "27415", "2023|0|retail_sales|final": "28932.4",
            // "公务用车购置及运行费1万元（其中，公务用车购置费0万元，公务用车运行费1万元）": the
            // components in brackets, of the 三公 budget the sentence states.
            "2023|0|vehicle_purchase|budget": "0",
            // Rates named by the figure before them, and 惠民惠农: "白仓镇2022年惠民惠农应保56578人，
            // 已保46394人，应保尽保率82%"; "社保参保人数18050人，覆盖率32.58%".
            "2022|0|benefit_eligible|final": "56578", "2022|0|benefit_covered|final": "46394",
            "2022|0|benefit_coverage|reported": "82", "2023|0|revenue_completion_rate|reported": "100",
            "2023|0|three_guarantees_coverage|reported": "99.84",
            "2023|0|social_insurance_coverage|reported": "32.58", "2023|0|medical_insurance_coverage|reported": "116.93",
            "2022|0|social_insurance_coverage|reported": "31.9", "2022|0|medical_insurance_coverage|reported": "114.51",
        ]
        for (key, value) in expected { #expect(facts["\(unit)|\(key)"] == value, "\(key)") }
        #expect(facts.count == expected.count)

        // 公务接待费 3.29 (table) vs 1.12 (narrative); the table's own figure is resolved.
        let conflicts = try StoreQueries(database: database).conflicts(.init(years: [2023], metrics: ["official_reception"]))
        #expect(conflicts.rows.map { [$0[7], $0[8], $0[11]] } == [
            [.number(ExactValue(e6: 3_290_000)), .text("yes"), .text("table")],
            [.number(ExactValue(e6: 3_290_000)), .text(""), .text("narrative")],
            [.number(ExactValue(e6: 1_120_000)), .text(""), .text("narrative")],
        ])
        // Rates the report states for things that are not catalogue indicators stay unread.
        let inspection = try DocumentInspection.inspect(path: path, catalog: try database.catalog())
        let unread = inspection.unread.rows.map { "\($0[1])" }
        #expect(unread.contains { $0.contains("编外人员控制率3.05%") })

        // Its 三公 and vehicle totals add up with their parts: nothing to report.
        #expect(try StoreQueries(database: database).totalsDisagreeing().rows.isEmpty)

        // The scoring sheet's indicator rows, kept for the scoring work.
        let items = try database.queue.read { db in
            try Row.fetchAll(db, sql: "SELECT level1, level2, indicator, max_points_e6, self_points_e6 FROM scoring_items ORDER BY id")
        }
        #expect(items.count == 28)
        #expect(items.map { $0["max_points_e6"] as Int64 }.reduce(0, +) == 100_000_000)   // the sheet's 100 points
        #expect(items.map { $0["self_points_e6"] as Int64 }.reduce(0, +) == 92_000_000)   // 98 less the two unread rows of 3
        let third: [String] = [items[2]["level1"], items[2]["level2"], items[2]["indicator"]]
        #expect(third == ["投入", "预算配置", "人员控制率"])
        let safety = items.first { ($0["indicator"] as String) == "资产管理安全性" }
        let safetyPoints: [Int64?] = [safety?["max_points_e6"], safety?["self_points_e6"]]
        #expect(safetyPoints == [2_000_000, 1_500_000])
    }

    @Test("a package in the tab layout with a cell broken across lines; unread rows listed")
    func ownFixture() throws {
        let text = """
            附件一

            2025年度部门整体支出绩效评价基础数据表
            \t财政供养人员情况（人）
            \t编制数
            \t2025年实际
            在职人数
            \t控制率

            \t
            \t20
            \t19
            \t95%

            \t经费控制情况（万元）
            \t2024年决算数
            \t2025年预算数
            \t2025年决算数

            \t三公经费：
            \t１２.５
            \t10
            \t——

            \t其中：公务接待费（万元）
            \t2.5
            \t
            \t0

            \t某个新科目
            \t1
            \t2
            \t3

            """
        let reading = DocumentReader.read(text, catalog: MetricCatalog.embedded())
        #expect(reading.year == 2025)
        #expect(reading.unitName == nil)
        let figures = reading.figures.map { "\($0.metric) \($0.year) \($0.basis.rawValue) \($0.value) line \($0.line)" }
        #expect(figures == [
            "staff_authorized 2025 final 20 line 11",
            "staff_in_service 2025 final 19 line 12",
            "staff_control_rate 2025 reported 95 line 13",
            "three_public_total 2024 final 12.5 line 21",
            "three_public_total 2025 budget 10 line 22",
            "official_reception 2024 final 2.5 line 26",
            "official_reception 2025 final 0 line 28",
        ])
        #expect(reading.unread.map(\.line) == [30])
        #expect(reading.unread[0].reason == "'某个新科目' is not a catalogue metric")
    }

    @Test("one cell per line with blank lines between: rows rebuilt; a row with a missing cell is not placed")
    func oneCellPerLine() throws {
        let text = try String(contentsOfFile: Fixtures.path("one-cell-per-line.txt"), encoding: .utf8)
        let reading = DocumentReader.read(text, catalog: MetricCatalog.embedded())
        let figures = reading.figures.map { "\($0.metric) \($0.year) \($0.basis.rawValue) \($0.value) \($0.location)" }
        #expect(figures == [
            "staff_authorized 2025 final 40 line 11", "staff_in_service 2025 final 38 line 13",
            "staff_control_rate 2025 reported 95 line 15",
            "three_public_total 2024 final 12.5 line 27", "three_public_total 2025 budget 10 line 29",
            "three_public_total 2025 final 9.8 line 31",
        ])
        // 公务接待费 has a —— (it could stand in a blank column) and 公用经费 two values for
        // three columns: without the empty cells neither can be placed.
        #expect(reading.unread.map(\.line) == [33, 41])
    }

    @Test("narrative traps from review: each sentence is read right or not at all")
    func narrativeTraps() throws {
        let text = try String(contentsOfFile: Fixtures.path("narrative-traps.txt"), encoding: .utf8)
        let reading = DocumentReader.read(text, catalog: MetricCatalog.embedded())
        let figures = reading.figures.map {
            "\($0.line) \($0.metric) \($0.year)\($0.quarter == 0 ? "" : " Q\($0.quarter)") \($0.basis.rawValue) \($0.value)"
        }
        #expect(figures == [
            "3 three_public_total 2024 budget 34.06", "3 official_reception 2024 budget 7",   // not 决算27.26 as 接待
            "4 fiscal_revenue 2024 initial 2604.41", "4 budget_adjustment 2024 final 1220.22", // not 决算3824.63 as 追加
            "5 basic_expenditure 2024 initial 1503.75", "5 basic_expenditure 2024 budget 1620.28",
            "6 three_public_total 2024 final 27.26",                                          // 比2023年 stays in its clause
            "9 public_funds 2024 final 178.06",                                                // 工作计划 is no basis
            "10 public_funds 2024 final 178.06",                                               // nor 预算范围
            "11 three_guarantees 2024 final 2850.51",                                          // nor 应保尽保
            "17 public_funds 2024 Q3 final 178.06",                                           // 截至9月底: year to date
            "19 government_fund_funds 2024 budget 500",                                        // 政府性基金预算财政拨款
            "20 three_public_total 2023 final 5.06", "20 official_reception 2023 final 5.06",
            "21 three_public_total 2024 final 3.29",                                           // not joined to line 20
            "22 resident_population 2024 final 55400", "22 supported_population 2024 final 237",
            // The supported persons' retirees in one clause (、) and in the other order.
            "23 supported_in_service 2024 final 168", "23 supported_retired 2024 final 69",
            "24 supported_retired 2024 final 69", "24 supported_in_service 2024 final 168",
        ])
        // Refused: 返还 (2), 年初/批复 without a basis (7, 8), 人均/村级/结转 (12–14), the county (15, 16),
        // a ratio written 1:230 (18), 其中 items of a fund source's 决算支出 (19).
        let unreadLines = Set(reading.unread.map(\.line))
        for line in [2, 7, 8, 15, 16, 19] { #expect(unreadLines.contains(line), "line \(line)") }
    }

    @Test("table and form layouts from review: values in their columns or not at all", arguments: [
        ("note-in-last-cell.txt", [
            "three_public_total 2023 final 4.11", "three_public_total 2024 budget 34.06", "three_public_total 2024 final 27.26",
            "public_funds 2023 final 694.3", "public_funds 2024 budget 226", "public_funds 2024 final 694.3",
            "government_procurement 2024 budget 245", "government_procurement 2024 final 362.21"]),
        ("first-and-last-column-empty.txt", []),       // which column is the blank one cannot be told
        ("two-level-header.txt", []),                  // "2022年" alone names no basis
        ("one-cell-per-line-with-dash.txt", [
            "three_public_total 2022 final 5.06", "three_public_total 2023 budget 3", "three_public_total 2023 final 3.29"]),
        ("staff-with-blank-column.txt", [
            "staff_authorized 2023 final 168", "staff_in_service 2023 final 164", "staff_control_rate 2023 reported 97.62",
            "three_public_total 2022 final 5.06", "three_public_total 2023 budget 3", "three_public_total 2023 final 3.29"]),
        ("form-header-without-blank.txt", []),
        // Under the sheet's title, one cell per line: each block's label and values
        // rebuilt as a row; 公用经费 has two values for three headings and is not placed.
        // Indicator rows: a 三级指标 naming an amount gives its 实际完成值 with its unit;
        // a value with more than an amount, or a row short of cells, is not read.
        ("form-indicator-rows.txt", [
            "total_funds 2024 initial 1000", "total_funds 2024 budget 1100", "total_funds 2024 final 1050",
            "budget_execution_rate 2024 reported 95.45",
            "three_public_total 2024 final 16.72", "public_funds 2024 final 178.45", "self_score 2024 final 94.68"]),
        ("form-one-cell-per-line-blocks.txt", [
            "total_funds 2024 initial 250", "total_funds 2024 budget 262.4", "total_funds 2024 final 258.1",
            "budget_execution_rate 2024 reported 98.36",
            "general_budget_funds 2024 initial 240", "general_budget_funds 2024 budget 252.4", "general_budget_funds 2024 final 248.1",
            "other_funds 2024 initial 10", "other_funds 2024 budget 10", "other_funds 2024 final 10",
            "basic_expenditure 2024 initial 200", "basic_expenditure 2024 budget 206", "basic_expenditure 2024 final 205.5",
            "project_expenditure 2024 initial 50", "project_expenditure 2024 budget 56.4", "project_expenditure 2024 final 52.6"]),
        ("form-then-indicator-rows.txt", [
            "total_funds 2024 initial 2026.91", "total_funds 2024 budget 2517.3", "total_funds 2024 final 2517.3",
            "budget_execution_rate 2024 reported 94.26",
            // 实际完成值 with its unit; 27.26 and 178.06 without one are not read.
            "government_procurement 2024 final 362.21"]),
    ])
    func layoutTraps(file: String, expected: [String]) throws {
        let text = try String(contentsOfFile: Fixtures.path("layouts/" + file), encoding: .utf8)
        let reading = DocumentReader.read(text, catalog: MetricCatalog.embedded())
        let figures = reading.figures.filter { $0.part != "narrative" }
            .map { "\($0.metric) \($0.year) \($0.basis.rawValue) \($0.value)" }
        #expect(figures == expected)
    }

    @Test("--year overrides the stated year; a text without figures is refused")
    func overridesAndRefusals() throws {
        let database = try scratch.database()
        let package = scratch.write("pkg.txt", "2025年度部门整体支出绩效自评表\n\t预算部门、单位名称\n\t示例县统计局\n\n\t总分\n\t100\n\t95\n")
        let summary = try Importer(database: database).importFile(path: package, year: 2024)
        #expect(summary.unitName == "示例县统计局")
        #expect(try database.factValues()["示例县统计局|2024|0|self_score|final"] == "95")
        let prose = scratch.write("prose.txt", "这是一段没有表格的文字。\n")
        #expect(throws: FiscalError.self) { try Importer(database: database).importFile(path: prose, unit: "x", year: 2024) }
        #expect(try database.count("imports") == 1)
    }
}

@Suite("Word and Excel packages")
struct OfficePackageTests {
    let scratch = Scratch()

    @Test("a Word package (python-docx): tables, a merged title row, a cell in two paragraphs, the narrative")
    func word() throws {
        let database = try scratch.database()
        let summary = try Importer(database: database).importFile(path: Fixtures.path("hengshan-2024.docx"))
        #expect(summary.format == "docx")
        #expect(summary.unitName == "衡山县财政局" && summary.documentYear == 2024)
        #expect(summary.figures == 40)
        let facts = try database.factValues()
        let unit = "衡山县财政局"
        #expect(facts["\(unit)|2024|0|staff_authorized|final"] == "212")
        #expect(facts["\(unit)|2024|0|staff_control_rate|reported"] == "53")
        #expect(facts["\(unit)|2023|0|three_public_total|final"] == "4.11")
        #expect(facts["\(unit)|2024|0|project_expenditure|final"] == "902.92")
        #expect(facts["\(unit)|2024|0|government_procurement|final"] == "362.21")
        #expect(facts["\(unit)|2023|0|government_procurement|final"] == nil)       // ——
        #expect(facts["\(unit)|2024|0|total_funds|initial"] == "2026.91")         // header cell "年度预算申请" + "（万元）"
        #expect(facts["\(unit)|2024|0|budget_execution_rate|reported"] == "94.26")
        #expect(facts["\(unit)|2024|0|self_score|final"] == "97")
        let locations = try database.queue.read { db in
            try String.fetchAll(db, sql: "SELECT location FROM observation_details WHERE metric = 'project_expenditure' ORDER BY id")
        }
        #expect(Set(locations) == ["table 1 row 11 cell 2", "table 1 row 11 cell 3", "table 1 row 11 cell 4", "table 2 row 5 cell 3"])
        let narrative = try database.queue.read { db in
            try String.fetchOne(db, sql: "SELECT location FROM observation_details WHERE part = 'narrative' LIMIT 1")
        }
        #expect(narrative == "paragraph 6")     // 附件一, 附件二, the form's title, 附件四, the report's title, the sentence
    }

    @Test("an Excel package (openpyxl): the extra blank column, a percent format, a binary double")
    func excel() throws {
        let database = try scratch.database()
        let summary = try Importer(database: database).importFile(path: Fixtures.path("baicang-2023.xlsx"), unit: "邵阳县白仓镇人民政府")
        #expect(summary.format == "xlsx")
        #expect(summary.figures == 20)
        let facts = try database.factValues()
        let unit = "邵阳县白仓镇人民政府"
        #expect(facts["\(unit)|2023|0|staff_control_rate|reported"] == "97.62")   // 0.9762 shown as 97.62%
        #expect(facts["\(unit)|2023|0|utilities|final"] == "24.1")                 // stored 24.099999999999998
        #expect(facts["\(unit)|2022|0|three_public_total|final"] == "5.06")
        #expect(facts["\(unit)|2023|0|official_reception|final"] == "3.29")
        #expect(facts["\(unit)|2022|0|government_procurement|final"] == "0")      // —— was the blank column
        #expect(facts["\(unit)|2023|0|government_procurement|final"] == "15")
        #expect(facts["\(unit)|2023|0|budget_adjustment|budget"] == nil)           // an empty cell
        let location = try database.queue.read { db in
            try String.fetchOne(db, sql: "SELECT location FROM observation_details WHERE metric = 'budget_adjustment' AND year = 2023")
        }
        #expect(location == "基础数据表!E10")
    }

    @Test("hostile and broken files are refused with a clear error, the database unchanged",
          arguments: [
            ("zip-bomb.docx", "a zip bomb?"), ("xxe.docx", "declares a DTD or entities"),
            ("traversal.docx", "points outside the archive"), ("corrupt.docx", "a damaged ZIP/Office file"),
            ("encrypted.docx", "password-protected Office file"),
          ])
    func refused(file: String, message: String) throws {
        let database = try scratch.database()
        _ = try Importer(database: database).importFile(path: Fixtures.path("baicang-utf8-bom.csv"))
        let before = try database.snapshot()
        do {
            _ = try Importer(database: database).importFile(path: Fixtures.path(file), unit: "x", year: 2024)
            Issue.record("\(file) was imported")
        } catch let error as FiscalError {
            #expect(error.description.contains(message), "\(error)")
            #expect(error.description.hasPrefix(Fixtures.path(file)))
        }
        #expect(try database.snapshot() == before)
    }
}
