import Foundation
import GRDB
import Testing
@testable import FiscalKit

/// `fiscal score`: the sheet's quantitative rows scored by the rules in
/// scoring_rules.csv, beside the unit's self-score (issue 10, part B). Every
/// expected point below is worked out by hand from the rule as the sheet words it.
@Suite("fiscal score: the 100-point sheet's rules")
struct ScoringTests {
    let scratch = Scratch()

    func fiscal(_ arguments: [String]) throws -> Binary.Result {
        try Binary.run(arguments, in: scratch.folder)
    }

    /// item → "value points max self difference note" of one unit-year, from `fiscal score --format csv`.
    func scores(_ extra: [String]) throws -> [String: String] {
        let result = try fiscal(["score", "--format", "csv"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        let records = try CSVText.records(result.stdout)
        #expect(records.first?.fields == ["unit", "region", "kind", "year", "item", "value", "points", "max_points",
                                          "self_score", "difference", "note"])
        var rows: [String: String] = [:]
        for record in records.dropFirst() {
            let f = record.fields
            rows[f[4]] = [f[5], f[6], f[7], f[8], f[9], f[10]].joined(separator: " ")
        }
        return rows
    }

    @Test("the samples: 白仓镇 2023 and 衡山县财政局 2024, by hand", .enabled(if: Samples.folder != nil))
    func samples() throws {
        #expect(try fiscal(["import", Samples.path("hengshan-finance-bureau-2024.txt")]).status == 0)
        #expect(try fiscal(["import", "--unit", "邵阳县白仓镇人民政府", Samples.path("baicang-town-2023.txt")]).status == 0)

        let town = try scores(["--unit", "白仓镇", "--year", "2023"])
        // 82 in service ÷ 84 authorized = 97.62 % ≤ 100 % → 2; the sheet's 人员控制率 row says 2.
        #expect(town["staff_control_rate"] == "97.62 2.00 2.00 2.00 0.00 ")
        // 三公 fell 34.98 %, but 3.29 spent of a 3.00 budget is 109.67 % > 100 % → 0, whatever the fall.
        #expect(town["three_public_change_rate"] == "-34.98 0.00 2.00 2.00 2.00 0 points: three_public_control_rate 109.67 > 100")
        // 公用经费 spent 263.78 % of its budget → 0; the unit gave itself 2.
        #expect(town["public_funds_control_rate"] == "263.78 0.00 2.00 2.00 2.00 ")
        // No total_funds budget in the package: no points, never 0, and the sheet's own
        // 预算执行率 row is worth 4 (parts ① and ②), so its self-score is shown but not compared.
        #expect(town["budget_execution_rate"] == "  2.00 4.00  needs total_funds (budget)")
        #expect(town["key_spending_rate"] == "  2.00 2.00  needs project_expenditure (budget)")
        #expect(town["total"] == " 2.00 6.00 6.00 4.00 3 items scored, 3 compared with the self-score")

        let bureau = try scores(["--unit", "衡山县财政局", "--year", "2024"])
        #expect(bureau["staff_control_rate"] == "50.00 2.00 2.00   ")
        #expect(bureau["three_public_change_rate"] == "563.26 0.00 2.00   ")  // rose: 0
        #expect(bureau["budget_execution_rate"] == "100.00 2.00 2.00   ")
        #expect(bureau["budget_adjustment_rate"] == "24.19 0.00 2.00   ")   // above 10 % → 0
        // 172.59 % of the project budget: 2 − 0.5 × 14 whole 5 % steps over 100 % → below 0 → 0.
        #expect(bureau["key_spending_rate"] == "172.59 0.00 2.00   ")
        #expect(bureau["total"] == " 4.00 12.00   6 items scored, 0 compared with the self-score")

        // Ranked by how generous the self-score is: only 白仓镇 has comparable rows in 2023.
        let rank = try fiscal(["rank", "score_difference", "--year", "2023", "--format", "csv"])
        #expect(rank.status == 0, "\(rank.stderr)")
        let lines = rank.stdout.split(separator: "\n").map(String.init)
        #expect(lines[1].hasPrefix("1,邵阳县白仓镇人民政府,邵阳县,township,score_difference,2023,4.00,"))

        // The report's most generous self-scores read score_values' totals:
        // the same as the score query's total rows above.
        let totals = try Scores(database: scratch.database()).totals(year: 2023, kind: nil, region: nil)
        #expect(totals == [Scores.Total(unit: "邵阳县白仓镇人民政府", points: 2, maxPoints: 6, selfScore: 6, difference: 4)])
        let bureauTotals = try Scores(database: scratch.database()).totals(year: 2024, kind: .department, region: nil)
        #expect(bureauTotals == [Scores.Total(unit: "衡山县财政局", points: 4, maxPoints: 12, selfScore: nil, difference: nil)])
        let report = try fiscal(["report", "--year", "2023", "--out", "r.html"])
        #expect(report.status == 0, "\(report.stderr)")
        let html = try String(contentsOfFile: scratch.path("r.html"), encoding: .utf8)
        #expect(html.contains("<tr><td>邵阳县白仓镇人民政府</td><td class=\"n\">2.00</td><td class=\"n\">6.00</td><td class=\"n\">6.00</td><td class=\"n\">+4.00</td></tr>"))
    }

    /// Invented townships, one per row of boundaries, as tidy CSV (万元; heads for staff).
    static let boundaries = """
        unit,kind,year,metric,basis,value
        甲镇,township,2024,total_funds,initial,100
        甲镇,township,2024,total_funds,budget,105
        甲镇,township,2024,total_funds,final,99.75
        甲镇,township,2024,staff_authorized,final,200
        甲镇,township,2024,staff_in_service,final,203
        甲镇,township,2024,project_expenditure,final,98
        甲镇,township,2024,project_expenditure,budget,100
        甲镇,township,2024,nontax_revenue,final,90
        甲镇,township,2024,nontax_revenue,plan,100
        甲镇,township,2023,three_public_total,final,10
        甲镇,township,2024,three_public_total,final,10
        甲镇,township,2024,three_public_total,budget,12
        乙镇,township,2024,total_funds,initial,100
        乙镇,township,2024,total_funds,budget,110
        乙镇,township,2024,total_funds,final,99
        乙镇,township,2024,staff_authorized,final,100
        乙镇,township,2024,staff_in_service,final,100
        乙镇,township,2024,project_expenditure,final,105
        乙镇,township,2024,project_expenditure,budget,100
        乙镇,township,2024,nontax_revenue,final,120
        乙镇,township,2024,nontax_revenue,budget,100
        乙镇,township,2024,nontax_revenue,plan,50
        乙镇,township,2023,three_public_total,final,10
        乙镇,township,2024,three_public_total,final,12
        丙镇,township,2024,total_funds,initial,100
        丙镇,township,2024,total_funds,budget,90
        丙镇,township,2024,total_funds,final,72
        丙镇,township,2024,staff_authorized,final,100
        丙镇,township,2024,staff_in_service,final,111
        丙镇,township,2024,project_expenditure,final,112
        丙镇,township,2024,project_expenditure,budget,100
        丙镇,township,2023,three_public_total,final,10
        丙镇,township,2024,three_public_total,final,8
        丁镇,township,2024,total_funds,initial,100
        丁镇,township,2024,total_funds,budget,100
        丁镇,township,2024,total_funds,final,79.99
        丁镇,township,2024,public_funds,final,30
        丁镇,township,2024,public_funds,budget,30
        丁镇,township,2023,three_public_total,final,10
        丁镇,township,2024,three_public_total,final,8
        丁镇,township,2024,three_public_total,budget,7
        戊镇,township,2024,total_funds,initial,100
        戊镇,township,2024,total_funds,budget,104.99
        戊镇,township,2024,total_funds,final,99.74
        戊镇,township,2024,public_funds,final,30.01
        戊镇,township,2024,public_funds,budget,30
        戊镇,township,2024,project_expenditure,final,104.99
        戊镇,township,2024,project_expenditure,budget,100
        戊镇,township,2023,three_public_total,final,10
        戊镇,township,2024,three_public_total,final,9
        戊镇,township,2024,three_public_total,budget,9
        己镇,township,2024,total_funds,initial,100
        己镇,township,2024,total_funds,budget,110.01
        己镇,township,2024,total_funds,final,98

        """

    @Test("boundaries exactly as the sheet words them")
    func boundaries() throws {
        #expect(try fiscal(["import", scratch.write("towns.csv", Self.boundaries)]).status == 0)
        func points(_ unit: String) throws -> [String: String] {
            try scores(["--unit", unit]).mapValues { String($0.split(separator: " ", omittingEmptySubsequences: false)[1]) }
        }
        let a = try points("甲镇"), b = try points("乙镇"), c = try points("丙镇")
        let d = try points("丁镇"), e = try points("戊镇"), f = try points("己镇")
        // 预算执行率: ≥ 95 → 2 (99.75 ÷ 105); 90 (95-90%（含）) → 1;
        // 80 → 0.5; 79.99 → 0; a hair below 95 (99.74 ÷ 104.99 = 94.9995 %) → 1.
        #expect([a, b, c, d, e].map { $0["budget_execution_rate"] } == ["2.00", "1.00", "0.50", "0.00", "1.00"])
        #expect(f["budget_execution_rate"] == "0.50")   // 98 ÷ 110.01 = 89.08 %
        // 预算调整率 on its size: 5 → 1, 10 → 1 (5-10% both included), −10 → 1, 0 → 2, 4.99 → 2, 10.01 → 0.
        #expect([a, b, c, d, e, f].map { $0["budget_adjustment_rate"] } == ["1.00", "1.00", "1.00", "2.00", "2.00", "0.00"])
        // 在职人员控制率: 101.5 % → 2 − 0.2 × 1 whole step = 1.8; 100 → 2; 111 → 2 − 2.2 → 0.
        #expect([a, b, c].map { $0["staff_control_rate"] } == ["1.80", "2.00", "0.00"])
        // 重点支出安排率: 98 % × 2 = 1.96; 105 → 2 − 0.5; 112 → 2 − 0.5 × 2; 104.99 → 2 (no whole 5 % over).
        #expect([a, b, c, e].map { $0["key_spending_rate"] } == ["1.96", "1.50", "1.00", "2.00"])
        // 非税收入: 90 of a plan of 100 → 0.9 × 1; 120 of a budget of 100 (the plan is not used) → capped at 1.
        #expect([a, b].map { $0["nontax_completion_rate"] } == ["0.90", "1.00"])
        // 公用经费控制率: 100 % → 2, 100.03 % → 0.
        #expect([d, e].map { $0["public_funds_control_rate"] } == ["2.00", "0.00"])
        // "三公经费"变动率: unchanged → 2; rose → 0 even without a budget; fell within budget (100 %) → 2;
        // fell but spent 114 % of the budget → 0; fell without a budget → no points, and the note says why.
        #expect([a, b, e, d].map { $0["three_public_change_rate"] } == ["2.00", "0.00", "2.00", "0.00"])
        #expect(try scores(["--unit", "丙镇"])["three_public_change_rate"] == "-20.00  2.00   needs the 三公经费 budget")
        // 甲镇's total: 2 + 1 + 1.8 + 1.96 + 0.9 + 2 = 9.66 of 11 (公用经费 has no figures).
        #expect(try scores(["--unit", "甲镇"])["total"] == " 9.66 11.00   6 items scored, 0 compared with the self-score")
        // rank by the rules' points: 甲镇 first; a row never turns missing into 0.
        let rank = try fiscal(["rank", "score_points", "--year", "2024", "--format", "csv"])
        #expect(rank.stdout.split(separator: "\n")[1].hasPrefix("1,甲镇,"))
    }

    @Test("rules files: every error names its line; `score rules load` replaces the rules")
    func rulesFiles() throws {
        let header = "item,name_zh,sheet_names,indicator,max_points,band,points,times_rate,step,deduction,zero_when,absolute\n"
        func error(_ body: String) -> String {
            do {
                _ = try ScoringRules.parse(csv: header + body, source: "r.csv")
                return "parsed"
            } catch { return "\(error)" }
        }
        #expect(error("a,甲,,budget_execution_rate,2,\"[90,)\",2,,,,,\na,甲,,budget_execution_rate,2,\"[80,95)\",1,,,,,\n")
            .contains("line 3"))
        #expect(error("a,甲,,budget_execution_rate,2,\"[90,\",2,,,,,\n").contains("line 2"))
        #expect(error("a,甲,,budget_execution_rate,2,\"[90,)\",3,,,,,\n").contains("between 0 and max_points"))
        #expect(error("a,甲,,budget_execution_rate,2,\"[90,)\",2,maybe,,,,\n").contains("neither yes nor no"))
        #expect(error("a,甲,,budget_execution_rate,2,\"[90,)\",2,,1,,,\n").contains("step and deduction go together"))
        #expect(error("a,甲,,budget_execution_rate,2,\"[90,)\",2,,,,spent=100,\n").contains("is not indicator>limit"))
        #expect(throws: FiscalError.self) { try ScoringRules.parse(csv: "item,band\n", source: "r.csv") }
        #expect(ScoringRules.embedded().map(\.item).uniqued() == [
            "staff_control_rate", "three_public_change_rate", "budget_execution_rate", "budget_adjustment_rate",
            "public_funds_control_rate", "nontax_completion_rate", "key_spending_rate"])

        #expect(try fiscal(["import", scratch.write("towns.csv", Self.boundaries)]).status == 0)
        #expect(try scores(["--unit", "乙镇"])["budget_execution_rate"] == "90.00 1.00 2.00   ")
        // Next year's sheet: 90 % and above earns the full 3 points.
        let next = scratch.write("next.csv", header + "budget_execution_rate,预算执行率,,budget_execution_rate,3,\"[90,)\",3,,,,,\n"
                                    + "budget_execution_rate,预算执行率,,budget_execution_rate,3,\"(,90)\",0,,,,,\n")
        let bad = scratch.write("bad.csv", header + "budget_execution_rate,预算执行率,,budget_execution_rate,3,\"[90,)\",4,,,,,\n")
        let refused = try fiscal(["score", "rules", "load", bad])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("bad.csv") && refused.stderr.contains("line 2"))
        let unknown = scratch.write("unknown.csv", header + "budget_execution_rate,预算执行率,,budget_exec,3,\"[90,)\",3,,,,,\n")
        #expect(try fiscal(["score", "rules", "load", unknown]).stderr.contains("'budget_exec' is no indicator"))
        #expect(try scores(["--unit", "乙镇"])["budget_execution_rate"] == "90.00 1.00 2.00   ")  // unchanged
        #expect(try fiscal(["score", "rules", "load", next]).status == 0)
        let loaded = try scores(["--unit", "乙镇"])
        #expect(loaded["budget_execution_rate"] == "90.00 3.00 3.00   ")
        #expect(loaded["staff_control_rate"] == nil)   // the file replaces every rule
        #expect(try fiscal(["score", "rules", "--format", "csv"]).stdout.contains("next.csv"))

        // A rule may name a raw metric: its final figure, and where a unit has
        // none the note says which (丙镇 states no 非税收入).
        let raw = scratch.write("raw.csv", header + "budget_execution_rate,预算执行率,,budget_execution_rate,3,\"[90,)\",3,,,,,\n"
                                   + "nontax_size,非税收入规模,,nontax_revenue,2,\"[100,)\",2,,,,,\n"
                                   + "nontax_size,非税收入规模,,nontax_revenue,2,\"(,100)\",0,,,,,\n")
        #expect(try fiscal(["score", "rules", "load", raw]).status == 0)
        #expect(try scores(["--unit", "乙镇"])["nontax_size"] == "120.00 2.00 2.00   ")
        #expect(try scores(["--unit", "甲镇"])["nontax_size"] == "90.00 0.00 2.00   ")
        let withoutFigure = try scores(["--unit", "丙镇"])
        #expect(withoutFigure["nontax_size"] == "  2.00   needs nontax_revenue")
        #expect(withoutFigure["budget_execution_rate"] == "80.00  3.00   no band of the rule holds 80.00")  // this file has no band below 90
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
