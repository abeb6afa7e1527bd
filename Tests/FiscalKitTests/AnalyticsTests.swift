import Foundation
import Testing
@testable import FiscalKit

@Suite("Indicators and year-over-year trends")
struct AnalyticsTests {
    let scratch = Scratch()

    func fiscal(_ arguments: [String]) throws -> Binary.Result {
        try Binary.run(arguments, in: scratch.folder)
    }

    /// "unit year value previous change change_rate" lines of a trend CSV.
    func trend(_ indicator: String, _ extra: [String] = []) throws -> [String] {
        let result = try fiscal(["trend", indicator, "--format", "csv"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return [fields[0], fields[4], fields[6], fields[7], fields[8], fields[9]].joined(separator: " ")
        }
    }

    @Test("domain.md's worked examples, on the imported samples", .enabled(if: Samples.folder != nil))
    func workedExamples() throws {
        #expect(try fiscal(["import", Samples.path("hengshan-finance-bureau-2024.txt")]).status == 0)
        #expect(try fiscal(["import", "--unit", "邵阳县白仓镇人民政府", Samples.path("baicang-town-2023.txt")]).status == 0)
        let town = "--unit", baicang = "白仓镇", bureau = "衡山县财政局"
        #expect(try trend("seven_items", [town, baicang]) == [
            "邵阳县白仓镇人民政府 2022 146.08   ", "邵阳县白仓镇人民政府 2023 136.46 146.08 -9.62 -6.59"])
        // The report states it as “七项”经费控制率-6.59% (kept as reported); recomputed here:
        #expect(try trend("seven_items_change_rate", [town, baicang]).last == "邵阳县白仓镇人民政府 2023 -6.59   ")
        #expect(try trend("nontax_cost_rate", [town, baicang]) == [
            "邵阳县白仓镇人民政府 2022 60.55   ", "邵阳县白仓镇人民政府 2023 40.78 60.55 -19.77 -32.65"])
        // (301.15 − 205.64) ÷ 205.64 = 46.4452…%: 46.45 rounded (domain.md says 46.44, truncated).
        #expect(try trend("nontax_revenue", [town, baicang]).last == "邵阳县白仓镇人民政府 2023 301.15 205.64 95.51 46.45")
        #expect(try trend("three_public", [town, baicang]).last == "邵阳县白仓镇人民政府 2023 3.29 5.06 -1.77 -34.98")
        #expect(try trend("three_public_control_rate", [town, baicang]).last == "邵阳县白仓镇人民政府 2023 109.67   ")
        #expect(try trend("staff_control_rate", [town, baicang]).last == "邵阳县白仓镇人民政府 2023 97.62   ")
        #expect(try trend("three_guarantees_share", [town, baicang]).last == "邵阳县白仓镇人民政府 2023 74.53   ")
        #expect(try trend("three_guarantees_coverage", [town, baicang]).last == "邵阳县白仓镇人民政府 2023 99.84   ")
        #expect(try trend("tax_completion_rate", [town, baicang]).last == "邵阳县白仓镇人民政府 2023 102.90   ")
        #expect(try trend("staff_control_rate", [town, bureau]).last == "衡山县财政局 2024 50.00   ")
        #expect(try trend("three_public", [town, bureau]).last == "衡山县财政局 2024 27.26 4.11 23.15 563.26")
        #expect(try trend("three_public_control_rate", [town, bureau]).last == "衡山县财政局 2024 80.04   ")
        #expect(try trend("budget_execution_rate", [town, bureau]).last == "衡山县财政局 2024 100.00   ")
        // 财政供养比: the report's "财政供养人员在职168人，退休69人" are supported
        // persons, not the table's own staff (在职 164): 55407 ÷ (168 + 69) = 233.78.
        #expect(try trend("supported_ratio", [town, baicang]).last == "邵阳县白仓镇人民政府 2023 233.78   ")
        // A missing input has no value and a reason.
        // What the documents state beside what the inputs give: "report it" (domain.md).
        let reported = try fiscal(["conflicts", "--reported", "--format", "csv"]).stdout
            .split(separator: "\n").dropFirst().map { line -> String in
                let f = line.split(separator: ",", omittingEmptySubsequences: false)
                return "\(f[0]) \(f[3]) \(f[5]) \(f[6]) \(f[7]) \(f[8]) \(f[9])"
            }
        #expect(reported == [
            "衡山县财政局 2024 budget_execution_rate 94.26 100.00 -5.74 differs",       // the form's 94.26 %
            "衡山县财政局 2024 staff_control_rate 53 50.00 3.00 differs",               // the table's 53 %: 106 ÷ 212
            // Rates named by the figure before them ("已保46394人，应保尽保率82%"; "覆盖率32.58%").
            "邵阳县白仓镇人民政府 2022 benefit_coverage 82 82.00 0.00 matches",          // 46394 ÷ 56578 = 81.999…
            "邵阳县白仓镇人民政府 2022 medical_insurance_coverage 114.51   cannot recompute: needs resident_population",
            "邵阳县白仓镇人民政府 2022 social_insurance_coverage 31.9   cannot recompute: needs resident_population",
            "邵阳县白仓镇人民政府 2023 medical_insurance_coverage 116.93 116.93 0.00 matches",   // 64786 ÷ 55407
            "邵阳县白仓镇人民政府 2023 revenue_completion_rate 100 100.00 0.00 matches",
            "邵阳县白仓镇人民政府 2023 seven_items_change_rate -6.59 -6.59 0.00 matches",
            "邵阳县白仓镇人民政府 2023 social_insurance_coverage 32.58 32.58 0.00 matches",      // 18050 ÷ 55407
            "邵阳县白仓镇人民政府 2023 staff_control_rate 97.62 97.62 0.00 matches",     // 164 ÷ 168 = 97.619…
            "邵阳县白仓镇人民政府 2023 supported_ratio 230 233.78 -3.78 differs",        // the report's 230
            "邵阳县白仓镇人民政府 2023 tax_completion_rate 102.9 102.90 0.00 matches",
            "邵阳县白仓镇人民政府 2023 three_guarantees_coverage 99.84 99.84 0.00 matches",     // 2850.51 ÷ 2855.08
            "邵阳县白仓镇人民政府 2023 three_guarantees_share 74.53 74.53 0.00 matches",
        ])
        let chinese = try fiscal(["conflicts", "--reported", town, bureau]).stdout
        #expect(chinese.hasPrefix("单位") && chinese.contains("报告值") && chinese.contains("不一致"))
        let staffTrend = try fiscal(["trend", "staff_control_rate", town, bureau]).stdout
        #expect(staffTrend.contains("衡山县财政局 2024: the documents state 53, recomputed 50.00 ("))
        let explained = try fiscal(["trend", "seven_items", "--unit", bureau, "--explain"])
        #expect(explained.stdout.contains("衡山县财政局 2024: travel is stated only together with utilities"))
    }

    @Test("ranking: ties share a rank, the direction comes from the indicator, units without a value come last")
    func ranking() throws {
        scratch.write("r.csv", """
            unit,year,metric,basis,value,kind,region
            甲镇,2023,三公经费,,10,township,东区
            甲镇,2024,三公经费,,8,township,东区
            乙镇,2023,三公经费,,10,township,东区
            乙镇,2024,三公经费,,12,township,东区
            丙镇,2023,三公经费,,5,township,西区
            丙镇,2024,三公经费,,4,township,西区
            丁镇,2023,三公经费,,7,township,西区
            戊局,2024,三公经费,,3,department,东区
            """)
        #expect(try fiscal(["import", "r.csv"]).status == 0)
        func ranks(_ extra: [String]) throws -> [String] {
            let out = try fiscal(["rank", "three_public", "--year", "2024", "--format", "csv"] + extra).stdout
            return out.split(separator: "\n").dropFirst().map { line in
                let f = line.split(separator: ",", omittingEmptySubsequences: false)
                return "\(f[0]) \(f[1]) \(f[9])"
            }
        }
        // Growth of 三公经费: lower is better, so lowest first. 甲 −20 %, 丙 −20 % tie at 1;
        // 乙 +20 % is 3rd; 丁 filed nothing for 2024 and 戊 has no 2023: listed, unranked.
        #expect(try ranks(["--by", "change_rate", "--kind", "township"]) == [
            "1 丙镇 -20.00", "1 甲镇 -20.00", "3 乙镇 20.00", " 丁镇 "])
        #expect(try ranks(["--by", "change_rate", "--desc", "--region", "东区"]) == [
            "1 乙镇 20.00", "2 甲镇 -20.00", " 戊局 "])
        #expect(try ranks(["--top", "2"]) == ["1 戊局 ", "2 丙镇 -20.00"])     // by value, lowest first
        let table = try fiscal(["rank", "three_public", "--year", "2024", "--by", "change_rate"]).stdout
        #expect(table.hasPrefix("three_public 2024 — 按变化率 从低到高"))
    }

    @Test("summary: best and worst five per key indicator and who lacks data; compare side by side")
    func summaryAndCompare() throws {
        // Seven townships' 三公经费 2023 → 2024: growth −50, −40, −30, −20, −10, +10, +20 %;
        // 庚镇 has 2024 only (no growth), 辛镇 nothing for 2024.
        var text = "unit,year,metric,value,kind\n"
        let growth = [("甲镇", 50), ("乙镇", 60), ("丙镇", 70), ("丁镇", 80), ("戊镇", 90), ("己镇", 110), ("壬镇", 120)]
        for (name, value) in growth { text += "\(name),2023,三公经费,100,township\n\(name),2024,三公经费,\(value),township\n" }
        text += "庚镇,2024,三公经费,30,township\n辛镇,2023,三公经费,40,township\n"
        scratch.write("s.csv", text)
        #expect(try fiscal(["import", "s.csv"]).status == 0)
        let csv = try fiscal(["summary", "--year", "2024", "--format", "csv"]).stdout
        let three = csv.split(separator: "\n").filter { $0.hasPrefix("three_public,") }.map { line -> String in
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            return "\(f[1]) \(f[2]) \(f[3]) \(f[10])"
        }
        #expect(three == [
            "best 1 甲镇 -50.00", "best 2 乙镇 -40.00", "best 3 丙镇 -30.00", "best 4 丁镇 -20.00", "best 5 戊镇 -10.00",
            "worst 6 己镇 10.00", "worst 7 壬镇 20.00",
            "missing  庚镇 ", "missing  辛镇 ",
        ])
        #expect(csv.hasPrefix("indicator,group,rank,unit,region,kind,year,value,previous,change,change_rate\n"))
        let compare = try fiscal(["compare", "甲镇", "壬镇", "--format", "csv"]).stdout
        #expect(compare.contains("\n甲镇,three_public,2024,50.00,100.00,-50.00,-50.00\n"))
        #expect(compare.contains("\n壬镇,three_public,2024,120.00,100.00,20.00,20.00\n"))
        let table = try fiscal(["compare", "甲镇", "壬镇"]).stdout
        #expect(table.hasPrefix("指标 2024"))
    }

    @Test("export: one BOM-prefixed CSV per indicator up to the as-of quarter, a manifest, byte-identical again")
    func export() throws {
        scratch.write("q.csv", """
            unit,year,quarter,metric,value
            青山镇,2023,,nontax_revenue,200
            青山镇,2023,,nontax_collection_cost,50
            青山镇,2023,Q3,nontax_revenue,150
            青山镇,2023,Q3,nontax_collection_cost,30
            青山镇,2024,Q3,nontax_revenue,160
            青山镇,2024,Q3,nontax_collection_cost,40
            青山镇,2024,Q4,nontax_revenue,220
            青山镇,2024,Q4,nontax_collection_cost,44
            """)
        #expect(try fiscal(["import", "q.csv"]).status == 0)
        #expect(try fiscal(["export", "--out", "a", "--as-of", "2024Q3"]).status == 0)
        #expect(try fiscal(["export", "--out", "b", "--as-of", "2024Q3"]).status == 0)
        let a = try Data(contentsOf: URL(fileURLWithPath: scratch.path("a/nontax_cost_rate.csv")))
        let b = try Data(contentsOf: URL(fileURLWithPath: scratch.path("b/nontax_cost_rate.csv")))
        #expect(a == b)
        #expect(Array(a.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: a.dropFirst(3), as: UTF8.self)
        // 2024 Q3 (40 ÷ 160 = 25 %) against 2023 Q3 (30 ÷ 150 = 20 %); 2024 Q4 and 2024's year are after 2024Q3.
        #expect(text == """
            unit,region,kind,indicator,year,quarter,value,previous,change,change_rate
            青山镇,,township,nontax_cost_rate,2023,0,25.00,,,
            青山镇,,township,nontax_cost_rate,2023,3,20.00,,,
            青山镇,,township,nontax_cost_rate,2024,3,25.00,20.00,5.00,25.00

            """)
        let manifest = try String(contentsOfFile: scratch.path("a/manifest.json"), encoding: .utf8)
        #expect(manifest.contains("\"as_of\": \"2024Q3\""))
        #expect(manifest.contains("{\"file\": \"nontax_cost_rate.csv\", \"rows\": 3, \"sha256\": \"\(TrendExport.sha256(a))\"}"))
        #expect(TrendExport.AsOf.justEnded(before: Date(timeIntervalSince1970: 1_728_000_000)).description == "2024Q3")  // 2024-10-04
        #expect(!FileManager.default.fileExists(atPath: scratch.path("a/.nontax_cost_rate.csv.tmp")))
    }

    @Test("an export file whose rows fail half way leaves neither the file nor its temporary")
    func exportFailureLeavesNothing() throws {
        struct ReadFailed: Error {}
        let target = scratch.path("three_public.csv")
        #expect(throws: ReadFailed.self) {
            try TrendExport.replace(target) { sink in
                _ = Array("unit,year\n".utf8).withUnsafeBytes(sink)
                throw ReadFailed()
            }
        }
        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.folder).filter { $0.hasSuffix(".tmp") }.isEmpty)
    }

    @Test("one hand-computed trend in every output format and both languages")
    func everyFormat() throws {
        // 甲镇 1,200 → 1,500 → 1,350: +300 (+25 %), then −150 (−10 %).
        // 乙镇 80 in 2022 and 100 in 2024: 2023 is a gap, so 2024 has no previous.
        // Units sort by name in code-point order (乙 U+4E59 before 甲 U+7532).
        scratch.write("f.csv", """
            unit,year,metric,value,kind,region
            甲镇,2022,三公经费,1200,township,东区
            甲镇,2023,三公经费,1500,township,东区
            甲镇,2024,三公经费,1350,township,东区
            乙镇,2022,三公经费,80,township,西区
            乙镇,2024,三公经费,100,township,西区
            """)
        #expect(try fiscal(["import", "f.csv"]).status == 0)
        func output(_ extra: [String]) throws -> String {
            try fiscal(["trend", "three_public"] + extra).stdout
        }
        #expect(try output([]) == """
            单位      2022      2023      2024  最新变化率%  走势
            ────  ────────  ────────  ────────  ───────────  ────
            乙镇     80.00         —    100.00            —  ▁ █
            甲镇  1,200.00  1,500.00  1,350.00       -10.00  ▁█▅

            """)
        #expect(try output(["--lang", "en"]).hasPrefix("unit      2022      2023      2024  latest change %  trend\n"))
        #expect(try output(["--format", "csv"]) == """
            unit,region,kind,indicator,year,quarter,value,previous,change,change_rate
            乙镇,西区,township,three_public,2022,0,80.00,,,
            乙镇,西区,township,three_public,2024,0,100.00,,,
            甲镇,东区,township,three_public,2022,0,1200.00,,,
            甲镇,东区,township,three_public,2023,0,1500.00,1200.00,300.00,25.00
            甲镇,东区,township,three_public,2024,0,1350.00,1500.00,-150.00,-10.00

            """)
        // The language never changes CSV or JSON column names.
        #expect(try output(["--format", "csv", "--lang", "zh"]) == output(["--format", "csv", "--lang", "en"]))
        let json = try output(["--format", "json", "--unit", "甲镇", "--from", "2024"])
        #expect(json == """
            [
              {"unit": "甲镇", "region": "东区", "kind": "township", "indicator": "three_public", "year": 2024, "quarter": 0, "value": 1350.00, "previous": 1500.00, "change": -150.00, "change_rate": -10.00}
            ]

            """)
        #expect(try output(["--format", "markdown", "--region", "西区"]) == """
            | 单位 | 2022 | 2024 | 最新变化率% | 走势 |
            | --- | ---: | ---: | --- | --- |
            | 乙镇 | 80.00 | 100.00 | — | ▁█ |

            """)
        // The other commands' tables follow --lang too; kinds are named in Chinese.
        let units = try fiscal(["units"]).stdout
        #expect(units.hasPrefix("单位") && units.contains("乡镇"))
        #expect(try fiscal(["units", "--lang", "en"]).stdout.hasPrefix("unit"))
        #expect(try fiscal(["facts", "--unit", "乙镇", "--lang", "en", "--format", "markdown"]).stdout
            .hasPrefix("| unit | region | kind | year | quarter | metric | basis | value | source | location |"))
        #expect(try fiscal(["facts", "--unit", "乙镇", "--format", "markdown"]).stdout
            .hasPrefix("| 单位 | 地区 | 类型 | 年度 | 季度 | 指标 | 口径 | 数值 | 来源文件 | 位置 |"))
    }

    @Test("a stated value matches when the recomputed one rounds to it at the places the document wrote")
    func reportedRounding() {
        func finding(_ stated: Int64, _ computed: Double?) -> ReportedValue.Finding {
            ReportedValue(unit: "甲镇", region: nil, kind: "township", year: 2024, quarter: 0, indicator: "x",
                          reported: ExactValue(e6: stated), computed: computed, source: "f", location: "line 1").finding
        }
        #expect(finding(64_090_000, 100.0 * 128_170_000 / 200_000_000) == .matches)   // 64.085 exactly, 64.08499999… as a double
        #expect(finding(97_620_000, 100.0 * 164 / 168) == .matches)                  // 97.619…
        #expect(finding(53_000_000, 50) == .differs)                                 // 衡山县财政局: 53 % stated, 106 ÷ 212
        #expect(finding(230_000_000, 55407.0 / 237) == .differs)                     // 233.78
        #expect(finding(234_000_000, 55407.0 / 237) == .matches)                     // written without decimals
        #expect(finding(-6_590_000, 100.0 * (136.46 - 146.08) / 146.08) == .matches) // −6.585… rounds away from zero
        #expect(finding(1_000_000, nil) == .cannotRecompute("no inputs"))
    }

    @Test("a zero previous and a gap give no change rate; quarters compare like with like")
    func yearOverYear() throws {
        scratch.write("t.csv", """
            unit,year,quarter,metric,value
            青山镇,2020,,nontax_revenue,0
            青山镇,2021,,nontax_revenue,50
            青山镇,2023,,nontax_revenue,80
            青山镇,2022,2,nontax_revenue,30
            青山镇,2023,2,nontax_revenue,45
            青山镇,2023,3,nontax_revenue,60
            """)
        #expect(try fiscal(["import", "t.csv"]).status == 0)
        #expect(try trend("nontax_revenue") == [
            "青山镇 2020 0.00   ",
            "青山镇 2021 50.00 0.00 50.00 ",      // previous 0: no change rate, never ∞
            "青山镇 2023 80.00   ",                // 2022 missing: no previous, never 0
        ])
        #expect(try trend("nontax_revenue", ["--quarter", "2"]) == [
            "青山镇 2022 30.00   ", "青山镇 2023 45.00 30.00 15.00 50.00"])
        #expect(try trend("nontax_revenue", ["--quarter", "3"]) == ["青山镇 2023 60.00   "])   // no 2022 Q3
        let json = try fiscal(["trend", "nontax_revenue", "--format", "json", "--from", "2021", "--to", "2021"]).stdout
        #expect(json.contains("\"previous\": 0.00, \"change\": 50.00, \"change_rate\": null"))
        #expect(Trends.sparkline([1, nil, 3, 2]) == "▁ █▅")
    }
}
