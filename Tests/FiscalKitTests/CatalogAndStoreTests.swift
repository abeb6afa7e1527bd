import Foundation
import GRDB
import Testing
@testable import FiscalKit

@Suite("Catalogue, schema and store")
struct CatalogAndStoreTests {
    let scratch = Scratch()
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    @Test("the binary carries schema.sql and metrics.csv exactly as in the repository")
    func embeddedCopies() throws {
        let schema = try String(contentsOf: Self.repository.appendingPathComponent("schema.sql"), encoding: .utf8)
        #expect(FiscalDatabase.schemaSQL == schema)
        let metrics = try String(contentsOf: Self.repository.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(MetricCatalog.embeddedCSV == metrics)
        let indicators = try String(contentsOf: Self.repository.appendingPathComponent("indicators.csv"), encoding: .utf8)
        #expect(MetricCatalog.embeddedIndicatorsCSV == indicators)
    }

    @Test("every metric code of domain.md is in the catalogue, with its unit")
    func domainCodes() {
        let catalog = MetricCatalog.embedded()
        let expected: [String: String] = [
            "staff_authorized": "人", "staff_in_service": "人", "staff_retired": "人", "staff_outside_quota": "人",
            "resident_population": "人", "supported_population": "人", "three_public_total": "万元",
            "overseas_travel": "万元", "vehicle_total": "万元", "vehicle_purchase": "万元", "vehicle_operation": "万元",
            "official_reception": "万元", "seven_items_total": "万元", "office_expense": "万元", "utilities": "万元",
            "travel": "万元", "utilities_travel": "万元", "meeting_training": "万元", "meeting": "万元",
            "training": "万元", "printing": "万元", "postal": "万元", "public_funds": "万元",
            "project_expenditure": "万元", "basic_expenditure": "万元", "personnel_expenditure": "万元",
            "total_funds": "万元", "total_expenditure": "万元", "general_budget_expenditure": "万元",
            // Not in domain.md's table: the form's income split (一般公共预算, 政府性基金, 其他资金).
            "general_budget_funds": "万元", "government_fund_funds": "万元", "other_funds": "万元",
            "government_procurement": "万元", "budget_adjustment": "万元", "fiscal_revenue": "万元",
            "tax_revenue": "万元", "nontax_revenue": "万元", "nontax_collection_cost": "万元",
            "three_guarantees": "万元", "social_insured": "人", "medical_insured": "人", "benefit_eligible": "人",
            "benefit_covered": "人", "gdp": "万元", "retail_sales": "万元", "fixed_asset_investment": "万元",
            "satisfaction": "%", "self_score": "分",
            // Not in domain.md's table: "财政供养人员在职N人，退休M人" of a report (its 233.78 example).
            "supported_in_service": "人", "supported_retired": "人",
            // Not in domain.md's table: what 部门决算 pages and township revenue reports state (issue 9).
            "current_income": "万元", "total_income": "万元", "expenditure_total": "万元", "transfer_income": "万元",
            "general_public_services": "万元", "operating_funds": "万元",
        ]
        #expect(catalog.rawMetrics.count == expected.count)
        for (code, unit) in expected { #expect(catalog.metric(code: code)?.unit == unit, "\(code)") }
        // Synonyms of domain.md, and the forms documents write them in.
        #expect(catalog.metric(named: "在职实有人数")?.code == "staff_in_service")
        #expect(catalog.metric(named: "公务用车购置和维护经费")?.code == "vehicle_total")
        #expect(catalog.metric(named: "水费、电费")?.code == "utilities")
        #expect(catalog.metric(named: "非税执收成本")?.code == "nontax_collection_cost")
        #expect(catalog.metric(named: "“三公”经费")?.code == "three_public_total")
        #expect(catalog.metric(named: "\"三公\"经费")?.code == "three_public_total")
        #expect(catalog.metric(named: "因公出国(境)费")?.code == "overseas_travel")
        #expect(catalog.metric(named: "公用经费（万元）")?.code == "public_funds")
        #expect(catalog.metric(named: "总分")?.code == "self_score")
        #expect(catalog.metric(named: "Tax_Revenue")?.code == "tax_revenue")
    }

    @Test("every indicator of domain.md, with its direction; indicators take only reported values")
    func indicators() throws {
        let catalog = MetricCatalog.embedded()
        let codes = catalog.metrics.filter(\.isIndicator).map(\.code)
        #expect(codes == ["three_public", "three_public_control_rate", "seven_items", "seven_items_change_rate",
                          "nontax_cost_rate", "supported_ratio",
                          "staff_control_rate", "budget_execution_rate", "budget_adjustment_rate", "public_funds_control_rate",
                          "procurement_execution_rate", "three_guarantees_share", "three_guarantees_coverage",
                          "tax_completion_rate", "revenue_completion_rate", "social_insurance_coverage",
                          "medical_insurance_coverage", "benefit_coverage",
                          "three_public_change_rate", "key_spending_rate", "nontax_completion_rate"])
        #expect(catalog.metric(named: "财政供养比")?.better == "higher")
        #expect(catalog.metric(code: "three_public")?.better == "lower")
        #expect(catalog.metric(named: "三公经费")?.code == "three_public_total")     // the raw metric keeps its name
        let database = try scratch.database()
        let csv = scratch.write("r.csv", "unit,year,metric,basis,value\n白仓镇,2023,财政供养比,reported,230\n白仓镇,2023,财政供养比,,230\n")
        do {
            _ = try Importer(database: database).importFile(path: csv)
            Issue.record("an indicator was stored as final")
        } catch let FiscalError.badRows(_, problems, _) {
            #expect(problems.map(\.line) == [3])
            #expect(problems[0].message == "supported_ratio is a derived indicator: only its reported values are stored (basis reported)")
        }
    }

    @Test("each import counts its stated values; a trend seeks them only when some import stored any")
    func reportedCounts() throws {
        let database = try scratch.database()
        func trendRows() throws -> [Trends.Row] { try Trends(database: database).rows(indicator: "supported_ratio", filter: .init()) }
        // 12,684 residents ÷ (50 + 4) supported = 234.89 (by hand); the file states 230.
        let inputs = scratch.write("inputs.csv", """
            unit,year,metric,basis,value
            白仓镇,2023,resident_population,,12684
            白仓镇,2023,supported_in_service,,50
            白仓镇,2023,supported_retired,,4
            """)
        _ = try Importer(database: database).importFile(path: inputs)
        #expect(try database.queue.read { try Int.fetchAll($0, sql: "SELECT reported FROM imports ORDER BY id") } == [0])
        #expect(try StoreQueries(database: database).differingReported(in: trendRows()).isEmpty)
        let stated = scratch.write("stated.csv", "unit,year,metric,basis,value\n白仓镇,2023,财政供养比,reported,230\n")
        _ = try Importer(database: database).importFile(path: stated)
        #expect(try database.queue.read { try Int.fetchAll($0, sql: "SELECT reported FROM imports ORDER BY id") } == [0, 1])
        let differing = try StoreQueries(database: database).differingReported(in: trendRows())
        #expect(differing.map(\.reported.description) == ["230"])
        #expect(differing.first.flatMap(\.computed).map { ($0 * 100).rounded() / 100 } == 234.89)
        // An import of before the count (NULL) may hold stated values: they are sought.
        try database.queue.write { try $0.execute(sql: "UPDATE imports SET reported = NULL WHERE reported = 1") }
        #expect(try StoreQueries(database: database).differingReported(in: trendRows()).count == 1)
        try database.queue.write { try $0.execute(sql: "UPDATE imports SET reported = 0") }
        #expect(try StoreQueries(database: database).differingReported(in: trendRows()).isEmpty)
    }

    @Test("reads on two connections: results in order, each on a working connection, the first error thrown")
    func concurrentReads() throws {
        let database = try scratch.database()
        let counts = try database.concurrentMap(7) { connection, index in
            (index, try connection.queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM metrics") ?? 0 })
        }
        #expect(counts.map(\.0) == Array(0..<7))
        #expect(Set(counts.map(\.1)) == [56 + 21])
        #expect(try database.concurrentMap(0) { _, index in index }.isEmpty)
        #expect(throws: FiscalError.self) {
            _ = try database.concurrentMap(6) { _, index in
                if index == 3 { throw FiscalError.invalid("the fourth") }
                return index
            }
        }
    }

    @Test("bases and quarters in codes and Chinese words")
    func basesAndQuarters() {
        #expect(Basis(word: "") == .final)
        #expect(Basis(word: "全年执行数") == .final)
        #expect(Basis(word: "已保") == .final)
        #expect(Basis(word: "全年预算数") == .budget)
        #expect(Basis(word: "年初预算数") == .initial)
        #expect(Basis(word: "应保") == .plan)
        #expect(Basis(word: "下达目标") == .plan)
        #expect(Basis(word: "reported") == .reported)
        #expect(Basis(word: "maybe") == nil)
        #expect(QuarterWord.parse("") == 0)
        #expect(QuarterWord.parse("0") == 0)
        #expect(QuarterWord.parse("Q3") == 3)
        #expect(QuarterWord.parse("ｑ２") == 2)
        #expect(QuarterWord.parse("第一季度") == 1)
        #expect(QuarterWord.parse("4") == 4)
        #expect(QuarterWord.parse("5") == nil)
    }

    @Test("a new database has WAL, foreign keys, every migration, and the catalogue")
    func newDatabase() throws {
        let database = try scratch.database()
        let (journal, foreignKeys) = try database.queue.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        #expect(try database.schemaVersion() == "v9-setup-stamp")
        #expect(try database.count("metrics") == 56 + 21)    // raw metrics and indicators
        // Reopening applies nothing twice and keeps the catalogue as it is.
        let again = try FiscalDatabase.open(path: database.path)
        #expect(try again.count("metrics") == 56 + 21)
    }

    @Test("a database made by an older binary gets the new catalogue names and formulas, even when opened read-only")
    func olderCatalogue() throws {
        let database = try scratch.database()
        try database.queue.write { db in
            try db.execute(sql: "DELETE FROM metric_names WHERE metric = 'other_funds'")
            try db.execute(sql: "DELETE FROM metrics WHERE code = 'other_funds'")
            // An older binary's formula text (before supported_in_service/retired).
            try db.execute(sql: "UPDATE metrics SET formula = 'resident_population ÷ supported_population' WHERE code = 'supported_ratio'")
            // An older binary stamped its own fingerprint (or none, before v9-setup-stamp).
            try db.execute(sql: "UPDATE setup_stamp SET fingerprint = 'older'")
        }
        let reader = try FiscalDatabase.open(path: database.path, readOnly: true)
        #expect(try reader.catalog().metric(named: "其他资金")?.code == "other_funds")
        #expect(try reader.catalog().metric(code: "supported_ratio")?.formula?.contains("supported_in_service + supported_retired") == true)
        // Set up again, and stamped with this binary's fingerprint.
        #expect(try reader.queue.read { try FiscalDatabase.setupStamp($0) } == FiscalDatabase.setupFingerprint)
    }

    @Test("a writer stamps the file with what set it up; a reader of the same binary trusts the stamp, of another checks")
    func setupStamp() throws {
        let database = try scratch.database()
        #expect(try database.queue.read { try FiscalDatabase.setupStamp($0) } == FiscalDatabase.setupFingerprint)
        #expect(FiscalDatabase.setupFingerprint.count == 64)
        // A name removed behind fiscal's back (sqlite3): a reader of the binary that
        // stamped the file does not read the catalogue back, so it stays missing …
        try database.queue.write { db in try db.execute(sql: "DELETE FROM metric_names WHERE metric = 'other_funds'") }
        let names = "SELECT count(*) FROM metric_names WHERE metric = 'other_funds'"
        #expect(try FiscalDatabase.open(path: database.path, readOnly: true).queue.read { try Int.fetchOne($0, sql: names) } == 0)
        // … and a file without a stamp (made before v9-setup-stamp) is checked and set up.
        try database.queue.write { db in try db.execute(sql: "DELETE FROM setup_stamp") }
        let reader = try FiscalDatabase.open(path: database.path, readOnly: true)
        #expect(try reader.queue.read { try Int.fetchOne($0, sql: names) } ?? 0 > 0)
        #expect(try reader.queue.read { try FiscalDatabase.setupStamp($0) } == FiscalDatabase.setupFingerprint)
    }

    @Test("a database of an earlier schema is migrated on open, its data kept")
    func upgrade() throws {
        let path = scratch.path("old.sqlite")
        let queue = try DatabaseQueue(path: path)
        try FiscalDatabase.migrator.migrate(queue, upTo: "v1-core")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO units(name, name_key, core_key, kind) VALUES ('白仓镇', '白仓镇', '白仓镇', 'township')")
        }
        let reader = try FiscalDatabase.open(path: path, readOnly: true)
        #expect(try reader.schemaVersion() == "v9-setup-stamp")
        #expect(try reader.count("units") == 1)
        #expect(try reader.count("indicator_values") == 0)
    }

    @Test("a v2 database's figures are ranked and its indicator inputs built by the v3 migration")
    func upgradeFromV2() throws {
        let path = scratch.path("v2.sqlite")
        let queue = try DatabaseQueue(path: path)
        try FiscalDatabase.migrator.migrate(queue, upTo: "v2-indicators")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO units(id, name, name_key, core_key, kind) VALUES (1, '白仓镇', '白仓镇', '白仓镇', 'township');
                INSERT INTO metrics(id, code, name_zh, name_en, unit) VALUES
                    (1, 'nontax_collection_cost', '非税收入征收成本', 'Non-tax collection cost', '万元'),
                    (2, 'nontax_revenue', '非税收入', 'Non-tax revenue', '万元');
                INSERT INTO imports(id, path, sha256, format, encoding, document_year, imported_at, rows, figures, missing, conflicts)
                VALUES (1, 'baicang-2023.txt', 'h1', 'txt', 'utf-8', 2023, '2026-01-01', 3, 3, 0, 1);
                INSERT INTO observations(unit_id, year, metric_id, value_e6, import_id, part, line, raw_text) VALUES
                    (1, 2023, 1, 130000000, 1, 'narrative', 9, '征收成本130万元'),
                    (1, 2023, 1, 122800000, 1, 'table', 600, '122.8'),
                    (1, 2023, 2, 301150000, 1, 'table', 601, '301.15');
                """)
        }
        let database = try FiscalDatabase.open(path: path)
        #expect(try database.schemaVersion() == "v9-setup-stamp")
        let cost = try database.queue.read { db in
            try Int64.fetchAll(db, sql: "SELECT value_e6 FROM facts WHERE metric = 'nontax_collection_cost'")
        }
        #expect(cost == [122_800_000])       // the table beats the narrative
        let rate = try database.queue.read { db in
            try Double.fetchOne(db, sql: "SELECT value FROM indicator_values WHERE indicator = 'nontax_cost_rate' AND year = 2023")
        }
        #expect(rate.map { ($0 * 100).rounded() / 100 } == 40.78)   // 122.8 ÷ 301.15
    }

    @Test("read-only opening creates a missing database, then refuses writes")
    func readOnly() throws {
        let database = try FiscalDatabase.open(path: scratch.path("new.sqlite"), readOnly: true)
        #expect(try database.count("metrics") == 77)
        #expect(throws: (any Error).self) {
            try database.queue.write { try $0.execute(sql: "DELETE FROM metrics") }
        }
    }

    @Test("the catalogue is extended from a file, without a rebuild")
    func loadCatalog() throws {
        let database = try scratch.database()
        let file = """
            code,unit,name_zh,name_en,synonyms
            land_revenue,万元,土地出让收入,Land sale revenue,国有土地使用权出让收入
            tax_revenue,万元,税收收入,Tax revenue,税收
            """
        let metrics = try MetricCatalog(csv: file, source: "extra.csv").metrics
        let result = try database.loadCatalog(metrics, source: "extra.csv")
        #expect(result.added == 1)
        #expect(result.names == 4)        // land_revenue, 土地出让收入, 国有土地使用权出让收入, 税收
        let catalog = try database.catalog()
        #expect(catalog.metric(named: "国有土地使用权出让收入")?.code == "land_revenue")
        #expect(catalog.metric(named: "税收")?.code == "tax_revenue")
        // A name another metric owns is refused, and nothing changes.
        let clash = try MetricCatalog(csv: "code,unit,name_zh\nnew_code,万元,税收收入\n", source: "clash.csv").metrics
        #expect(throws: FiscalError.self) { try database.loadCatalog(clash, source: "clash.csv") }
        #expect(try database.count("metrics") == 78)
        // A CSV with the new metric now imports.
        let csv = scratch.write("land.csv", "unit,year,metric,value\n白仓镇,2023,土地出让收入,0.5亿元\n")
        _ = try Importer(database: database).importFile(path: csv)
        #expect(try database.factValues()["白仓镇|2023|0|land_revenue|final"] == "5000")
    }

    @Test("with SQLite's row-by-row foreign key check off, a row naming no stored unit still rolls the file back")
    func referencesCheckedOncePerID() throws {
        let database = try scratch.database()
        try database.queue.write { db in
            try db.execute(sql: "INSERT INTO units(id, name, name_key, core_key, kind) VALUES (1, '白仓镇', '白仓镇', '白仓镇', 'township')")
        }
        // One import as the tidy CSV path writes it: foreign keys off, the
        // writer's check at finish() instead. Unit 1 exists, unit 2 does not.
        func write(units: [Int64]) throws {
            try database.queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
                try db.inTransaction {
                    try db.execute(sql: """
                        INSERT INTO imports(path, sha256, format, encoding, imported_at, rows, figures, missing, conflicts)
                        VALUES ('t.csv', ?, 'csv', 'utf-8', '2026-01-01', 0, 0, 0, 0)
                        """, arguments: ["h\(units)"])
                    let writer = try ObservationWriter(db: db, importID: db.lastInsertedRowID, part: "csv")
                    var strings = CStringTable()
                    let metric = try Int64.fetchOne(db, sql: "SELECT id FROM metrics WHERE code = 'tax_revenue'")!
                    for (line, unit) in units.enumerated() {
                        let key = ObservationKey(unitID: unit, year: 2024, quarter: 0, metricID: metric, basis: strings.intern("final"))
                        try Array("7.1".utf8).withUnsafeBufferPointer {
                            try writer.add(key, value: 7_100_000, part: strings.intern("csv"), line: line + 2, rawText: $0, unitIsNew: false)
                        }
                    }
                    try writer.finish()
                    return .commit
                }
            }
        }
        #expect(throws: DatabaseError.self) { try write(units: [1, 2]) }
        #expect(try database.count("observations") == 0)
        #expect(try database.count("imports") == 0)
        try write(units: [1])
        #expect(try database.count("observations") == 1)
        #expect(try database.queue.read { try Bool.fetchOne($0, sql: "PRAGMA foreign_keys") } == true)
    }

    @Test("resolved facts follow the documented precedence")
    func precedence() throws {
        let database = try scratch.database()
        try database.queue.write { db in
            try db.execute(sql: "INSERT INTO units(id, name, name_key, core_key, kind) VALUES (1, '白仓镇', '白仓镇', '白仓镇', 'township')")
            let imports: [(Int, Int?)] = [(1, 2023), (2, 2024), (3, nil)]
            for (id, year) in imports {
                try db.execute(sql: """
                    INSERT INTO imports(id, path, sha256, format, encoding, document_year, imported_at, rows, figures, missing, conflicts)
                    VALUES (?, ?, ?, 'txt', 'utf-8', ?, '2026-01-01', 0, 0, 0, 0)
                    """, arguments: [id, "p\(id)", "h\(id)", year])
            }
            // 2023 official_reception: the 2023 package's narrative (1.12) and table (3.29),
            // and the 2024 package's table restating 2023 (3.5).
            let rows: [(Int, String, Int64)] = [(1, "narrative", 1_120_000), (1, "table", 3_290_000), (2, "table", 3_500_000)]
            for (importID, part, value) in rows {
                try db.execute(sql: """
                    INSERT INTO observations(unit_id, year, metric_id, value_e6, import_id, part, line, raw_text)
                    VALUES (1, 2023, (SELECT id FROM metrics WHERE code = 'official_reception'), ?, ?, ?, 1, '')
                    """, arguments: [value, importID, part])
            }
            // 2022 tax revenue stated only by restatements: the later package wins.
            for (importID, value) in [(1, 700_000_000), (2, 710_000_000)] as [(Int, Int64)] {
                try db.execute(sql: """
                    INSERT INTO observations(unit_id, year, metric_id, value_e6, import_id, part, line, raw_text)
                    VALUES (1, 2022, (SELECT id FROM metrics WHERE code = 'tax_revenue'), ?, ?, 'table', 1, '')
                    """, arguments: [value, importID])
            }
            // Observations inserted by hand: resolve them as an import would.
            try ObservationWriter.resolveAll(db)
        }
        let facts = try database.factValues()
        #expect(facts["白仓镇|2023|0|official_reception|final"] == "3.29")    // own package, table
        #expect(facts["白仓镇|2022|0|tax_revenue|final"] == "710")             // the latest restatement
        #expect(try database.count("conflicts") == 5)
    }
}
