import Foundation
import Testing
@testable import FiscalKit

/// The built `fiscal` binary driven as a user drives it.
@Suite("fiscal binary, end to end")
struct EndToEndTests {
    let scratch = Scratch()

    func fiscal(_ arguments: String..., environment: [String: String] = [:]) throws -> Binary.Result {
        try Binary.run(arguments, in: scratch.folder, environment: environment)
    }

    @Test("import, then facts as CSV with exactly the documented columns")
    func importAndFacts() throws {
        scratch.write("a.csv", """
            单位名称,年度,指标,口径,数值
            邵阳县白仓镇人民政府,2023,公务接待费,,3.29万元
            邵阳县白仓镇人民政府,2023,三公经费,预算数,3
            邵阳县白仓镇人民政府,2022,三公经费,,50600元
            """)
        let imported = try fiscal("import", "a.csv")
        #expect(imported.status == 0)
        #expect(imported.stdout == "a.csv: import #1, 3 rows, 3 figures stored, 0 missing skipped, 0 new conflicts\n")
        #expect(FileManager.default.fileExists(atPath: scratch.path("fiscal.sqlite")))   // the default path

        let facts = try fiscal("facts", "--unit", "白仓镇", "--format", "csv")
        #expect(facts.status == 0)
        #expect(facts.stdout == """
            unit,region,kind,year,quarter,metric,basis,value,source,location
            邵阳县白仓镇人民政府,邵阳县,township,2022,0,three_public_total,final,5.06,a.csv,line 4
            邵阳县白仓镇人民政府,邵阳县,township,2023,0,official_reception,final,3.29,a.csv,line 2
            邵阳县白仓镇人民政府,邵阳县,township,2023,0,three_public_total,budget,3,a.csv,line 3

            """)
        let filtered = try fiscal("facts", "--year", "2023", "--metric", "公务接待", "--format", "json")
        #expect(filtered.stdout.contains("\"value\": 3.29"))
        #expect(!filtered.stdout.contains("three_public_total"))

        let again = try fiscal("import", "a.csv")
        #expect(again.status == 0)
        #expect(again.stdout == "a.csv: already imported as import #1; nothing changed\n")
    }

    @Test("--db and FISCAL_DB choose the database")
    func databasePath() throws {
        scratch.write("a.csv", "unit,year,metric,value\n白仓镇,2023,tax_revenue,823.23\n")
        #expect(try fiscal("import", "--db", "x.sqlite", "a.csv").status == 0)
        #expect(FileManager.default.fileExists(atPath: scratch.path("x.sqlite")))
        #expect(try fiscal("import", "a.csv", environment: ["FISCAL_DB": scratch.path("y.sqlite")]).status == 0)
        #expect(FileManager.default.fileExists(atPath: scratch.path("y.sqlite")))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("fiscal.sqlite")))
        let facts = try fiscal("facts", "--format", "csv", environment: ["FISCAL_DB": scratch.path("y.sqlite")])
        #expect(facts.stdout.contains("白仓镇,,township,2023,0,tax_revenue,final,823.23,a.csv,line 2"))
    }

    @Test("a bad file: file:line errors, exit 1, database unchanged, other files still import")
    func badFile() throws {
        scratch.write("good.csv", "unit,year,metric,value\n白仓镇,2023,tax_revenue,823.23\n")
        scratch.write("bad.csv", "unit,year,metric,value\n白仓镇,2023,tax_revenue,800\n白仓镇,2023,税收,8x\n白仓镇,2023,tax_revenue,5%\n")
        let result = try fiscal("import", "bad.csv", "good.csv")
        #expect(result.status == 1)
        #expect(result.stderr.contains("bad.csv:3: unknown metric '税收'; closest known:"))
        #expect(result.stderr.contains("bad.csv:4: tax_revenue: '5%': % does not fit a figure in 万元"))
        #expect(result.stderr.contains("bad.csv: 2 bad rows; nothing from this file was stored"))
        #expect(result.stdout.contains("good.csv: import #"))
        let facts = try fiscal("facts", "--format", "csv")
        #expect(facts.stdout.split(separator: "\n").count == 2)    // header + the good figure
        let missing = try fiscal("import", "nowhere.csv")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nowhere.csv: No such file or directory"))
    }

    @Test("units with kinds, years and counts; aliases; metrics; usage errors")
    func unitsAndMetrics() throws {
        scratch.write("a.csv", """
            unit,year,metric,value
            邵阳县白仓镇人民政府,2022,tax_revenue,704.1
            邵阳县白仓镇人民政府,2023,tax_revenue,823.23
            衡山县财政局,2024,project_expenditure,902.92
            """)
        #expect(try fiscal("import", "a.csv").status == 0)
        let townships = try fiscal("units", "--kind", "乡镇", "--format", "csv")
        #expect(townships.stdout == "unit,region,kind,years,figures,aliases\n邵阳县白仓镇人民政府,邵阳县,township,2022–2023,2,\n")
        let alias = try fiscal("units", "alias", "白仓镇政府", "白仓镇")
        #expect(alias.status == 0)
        #expect(alias.stdout == "白仓镇政府 → 邵阳县白仓镇人民政府\n")
        let byRegion = try fiscal("units", "--region", "衡山县", "--format", "json")
        #expect(byRegion.stdout.contains("\"unit\": \"衡山县财政局\", \"region\": \"衡山县\", \"kind\": \"department\", \"years\": \"2024\", \"figures\": 1"))
        let metrics = try fiscal("metrics", "--format", "csv")
        #expect(metrics.stdout.contains("\nnontax_collection_cost,非税收入征收成本,非税执收成本,万元,Non-tax collection cost,0\n"))
        let badKind = try fiscal("units", "--kind", "nonsense")
        #expect(badKind.status != 0)
        let unknownUnit = try fiscal("facts", "--unit", "不存在的单位")
        #expect(unknownUnit.status == 1)
        #expect(unknownUnit.stderr.contains("no unit named '不存在的单位'"))
    }

    @Test("the sample county: deterministic, labelled synthetic, imports cleanly with its planted anomalies")
    func sampleCounty() throws {
        let first = try fiscal("sample", "--out", "s1", "--seed", "7")
        #expect(first.status == 0)
        #expect(try fiscal("sample", "--out", "s2", "--seed", "7").status == 0)
        let files = (2016...2025).map { "county-\($0).csv" }
        for file in files {
            let a = FileManager.default.contents(atPath: scratch.path("s1/\(file)"))
            #expect(a != nil && a == FileManager.default.contents(atPath: scratch.path("s2/\(file)")), "\(file)")
        }
        let readme = try String(contentsOfFile: scratch.path("s1/README.txt"), encoding: .utf8)
        #expect(readme.hasPrefix("SYNTHETIC DATA"))
        let imported = try fiscal(["import"] + files.map { "s1/\($0)" })
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("county-2022.csv: import #7") && imported.stdout.contains("1 new conflicts"))

        let database = try FiscalDatabase.open(path: scratch.path("fiscal.sqlite"), readOnly: true)
        let units = try StoreQueries(database: database).units()
        let kinds = units.rows.map { $0[2] }
        #expect(kinds.filter { $0 == .text("township") }.count >= 20)
        #expect(kinds.filter { $0 == .text("department") }.count >= 30)
        let shiqiao = units.rows.first { $0[0] == .text("示例县石桥镇") }
        #expect(shiqiao?[3] == .text("2016–2018, 2020–2025"))      // the missing year
        #expect(try database.count("conflicts") == 4)              // two restated figures, two observations each
        // Every catalogue metric for a township, and year-to-date quarters of revenue.
        let metrics = try database.queue.read {
            try String.fetchAll($0, sql: "SELECT DISTINCT metric FROM facts WHERE unit = '示例县青山镇'")
        }
        #expect(Set(metrics).count == 47)          // all 48 but overseas_travel, which townships file as ——
        let quarters = try database.queue.read {
            try Int.fetchAll($0, sql: "SELECT quarter FROM facts WHERE unit = '示例县青山镇' AND year = 2020 AND metric = 'tax_revenue' AND basis = 'final' ORDER BY quarter")
        }
        #expect(quarters == [0, 1, 2, 3, 4])

        // The restated figure: the 2021 file's own value is resolved, both are listed.
        let conflicts = try fiscal(["conflicts", "--unit", "青山镇", "--format", "csv"])
        let lines = conflicts.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[1].contains(",2021,0,fiscal_revenue,final,") && lines[1].contains(",yes,s1/county-2021.csv,"))
        #expect(lines[2].contains(",2021,0,fiscal_revenue,final,") && lines[2].contains(",,s1/county-2022.csv,"))
    }

    @Test("the real packages through the binary: import, then fiscal facts", .enabled(if: Samples.folder != nil))
    func samplePackages() throws {
        let hengshan = Samples.path("hengshan-finance-bureau-2024.txt")
        let baicang = Samples.path("baicang-town-2023.txt")
        // Both name their unit: in a label (预算部门、单位名称) and in the text (邵阳县白仓镇人民政府, twice).
        #expect(try fiscal(["import", hengshan]).status == 0)
        let imported = try fiscal(["import", baicang])
        #expect(imported.status == 0 && imported.stdout.contains("邵阳县白仓镇人民政府 2023"), "\(imported.stderr)")
        let facts = try fiscal(["facts", "--format", "csv"]).stdout
        for line in [
            "衡山县财政局,衡山县,department,2024,0,staff_control_rate,reported,53,\(hengshan),line 13",
            "衡山县财政局,衡山县,department,2024,0,project_expenditure,final,902.92,\(hengshan),line 61",
            "衡山县财政局,衡山县,department,2024,0,total_funds,initial,2026.91,\(hengshan),line 176",
            "衡山县财政局,衡山县,department,2024,0,budget_execution_rate,reported,94.26,\(hengshan),line 180",
            "邵阳县白仓镇人民政府,邵阳县,township,2022,0,three_public_total,final,5.06,\(baicang),line 552",
            "邵阳县白仓镇人民政府,邵阳县,township,2023,0,three_public_total,final,3.29,\(baicang),line 554",
            "邵阳县白仓镇人民政府,邵阳县,township,2023,0,nontax_collection_cost,final,122.8,\(baicang),line 69",
            "邵阳县白仓镇人民政府,邵阳县,township,2022,0,nontax_revenue,final,205.64,\(baicang),line 69",
            "邵阳县白仓镇人民政府,邵阳县,township,2023,0,seven_items_total,final,136.46,\(baicang),line 68",
            "邵阳县白仓镇人民政府,邵阳县,township,2023,0,supported_ratio,reported,230,\(baicang),line 73",
        ] {
            #expect(facts.contains("\n" + line + "\n"), "\(line)")
        }
    }

    func fiscal(_ arguments: [String]) throws -> Binary.Result {
        try Binary.run(arguments, in: scratch.folder)
    }
}
