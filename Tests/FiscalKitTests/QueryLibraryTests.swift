import Foundation
import GRDB
import Testing
@testable import FiscalKit

/// queries/: one readable definition of every view and named query, embedded,
/// installed on open, and the SQL the CLI runs (issue 10, part A).
@Suite("queries/: views and named queries")
struct QueryLibraryTests {
    let scratch = Scratch()
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The sample county's 2022–2024 figures, imported by the binary.
    func sampleDatabase() throws -> FiscalDatabase {
        #expect(try Binary.run(["sample", "--out", "sample"], in: scratch.folder).status == 0)
        let files = ["county-2022.csv", "county-2023.csv", "county-2024.csv"].map { "sample/" + $0 }
        #expect(try Binary.run(["import"] + files, in: scratch.folder).status == 0)
        return try FiscalDatabase.open(path: scratch.path("fiscal.sqlite"))
    }

    @Test("every file of queries/ is embedded; schema.sql has no view; each view is defined once")
    func embedded() throws {
        let folder = Self.repository.appendingPathComponent("queries").path
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(QueryLibrary.files.map(\.name).sorted() == onDisk)
        for (name, bytes) in QueryLibrary.files {
            let text = try String(contentsOfFile: (folder as NSString).appendingPathComponent(name), encoding: .utf8)
            #expect(String(decoding: bytes, as: UTF8.self) == text, "queries/\(name) differs from the embedded copy")
        }
        let schema = try String(contentsOf: Self.repository.appendingPathComponent("schema.sql"), encoding: .utf8)
        #expect(!schema.uppercased().contains("CREATE VIEW"))
        let library = QueryLibrary.embedded
        #expect(Set(library.views.map(\.name)).count == library.views.count)
        #expect(Set(library.queries.map(\.name)).count == library.queries.count)
        #expect(library.views.map(\.name) == [
            "observation_details", "observation_precedence", "facts", "conflicts", "indicator_parts", "derived_indicator_values", "indicator_values",
            "indicator_trend", "reported_vs_computed", "score_inputs", "score_items", "score_totals",
        ])
        for view in library.views { #expect(view.sql.contains("\nCREATE VIEW \(view.name) AS\n")) }
    }

    @Test("a query's parameters, title and description are read from its text")
    func parsing() throws {
        let library = QueryLibrary(files: [("x.sql", """
            -- header
            -- query: pick
            -- title: 挑选 · Pick
            -- Rows of one year.
            --   :year   the year (a comment's :word is no parameter)
            SELECT 'a:b' AS text, :year AS y, x::int, :year + :unit_id FROM t -- trailing :comment
            WHERE y = :year;
            """)])
        let query = library.queries[0]
        #expect(query.name == "pick")
        #expect(query.title == "挑选 · Pick")
        #expect(query.description == "Rows of one year.\n  :year   the year (a comment's :word is no parameter)")
        #expect(query.parameters == ["year", "unit_id"])
        #expect(!query.sql.hasSuffix(";"))
        #expect(throws: FiscalError.self) { try library.arguments(query, ["yaer": 2024]) }
        // The byte scan finds what the earlier Regex reading found, in every embedded query.
        func byRegex(_ sql: String) -> [String] {
            var code = ""
            for line in sql.split(separator: "\n") {
                code += (line.range(of: "--").map { String(line[..<$0.lowerBound]) } ?? String(line)) + "\n"
            }
            code = code.replacing(/'[^']*'/, with: "''")
            var found: [String] = []
            for match in code.matches(of: /(^|[^A-Za-z0-9_:]):([A-Za-z_][A-Za-z0-9_]*)/) where !found.contains(String(match.2)) {
                found.append(String(match.2))
            }
            return found
        }
        for embedded in QueryLibrary.embedded.queries {
            #expect(embedded.parameters == byRegex(embedded.sql), "\(embedded.name)")
        }
        #expect(try QueryLibrary.embedded.query("score").parameters == ["year", "kind", "region", "units"])
    }

    @Test("an older database gets the new views on open, read-only too; nothing else changes")
    func reinstalled() throws {
        let database = try sampleDatabase()
        let before = try database.snapshot()
        let rate = "SELECT value FROM indicator_values WHERE indicator = 'staff_control_rate' AND value IS NOT NULL ORDER BY unit_id, year LIMIT 1"
        let expected = try database.queue.read { try Double.fetchOne($0, sql: rate) }
        #expect(expected != nil)
        // What an older binary left: another formula, another hash, a view this one does not have.
        try database.queue.write { db in
            try db.execute(sql: """
                DROP VIEW indicator_trend;
                DROP VIEW indicator_values;
                CREATE VIEW indicator_values AS SELECT unit_id, year, quarter, 'staff_control_rate' AS indicator,
                    -1.0 AS value, NULL AS reason FROM period_inputs;
                CREATE VIEW indicator_inputs AS SELECT 1 AS one;
                UPDATE installed_queries SET sha256 = 'older';
                UPDATE setup_stamp SET fingerprint = 'older';
                """)
        }
        #expect(try database.queue.read { try Double.fetchOne($0, sql: rate) } == -1)
        let reader = try FiscalDatabase.open(path: database.path, readOnly: true)
        #expect(try reader.queue.read { try Double.fetchOne($0, sql: rate) } == expected)
        let views = try reader.queue.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name") }
        #expect(views == QueryLibrary.embedded.views.map(\.name).sorted())
        #expect(try reader.queue.read { try String.fetchOne($0, sql: "SELECT sha256 FROM installed_queries") }
                == QueryLibrary.embedded.viewsSHA256)
        #expect(try reader.snapshot() == before)
    }

    @Test("the indicator_trend view and the CLI's one-pass trend agree on every row")
    func trendViewMatchesCLI() throws {
        let database = try sampleDatabase()
        let trends = Trends(database: database)
        for indicator in ["three_public", "nontax_cost_rate", "supported_ratio", "tax_revenue", "seven_items_change_rate"] {
            var filter = Trends.Filter()
            filter.allQuarters = true
            let cli = try trends.rows(indicator: indicator, filter: filter)
            let view = try database.queue.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT unit, year, quarter, value, previous, change, change_rate FROM indicator_trend
                    WHERE indicator = ? ORDER BY unit, year, quarter
                    """, arguments: [indicator])
            }
            #expect(cli.count == view.count)
            #expect(cli.count > 100)
            for (row, sql) in zip(cli, view) {
                #expect(row.unit == sql["unit"] && row.year == sql["year"] && row.quarter == sql["quarter"])
                #expect(row.value == sql["value"])
                #expect(row.previous == sql["previous"])
                #expect(row.change == sql["change"])
                #expect(row.changeRate == sql["change_rate"])
            }
        }
    }

    @Test("a streamed trend is the trend read whole, row for row, also when names are not in NFC")
    func streamedTrendMatchesRows() throws {
        let database = try sampleDatabase()
        let trends = Trends(database: database)
        func compare() throws {
            var filters: [Trends.Filter] = [.init(), .init(from: 2023), .init(kind: .township, quarter: 2), .init(to: 2023)]
            var export = Trends.Filter(to: 2024)
            export.allQuarters = true
            export.onlyTrendRows = true
            filters.append(export)
            let someUnits = try database.queue.read { try String.fetchAll($0, sql: "SELECT name FROM units ORDER BY id LIMIT 3") }
            filters.append(.init(units: someUnits))
            for indicator in ["three_public", "nontax_cost_rate", "tax_revenue", "seven_items_change_rate", "score_difference"] {
                for filter in filters {
                    var streamed: [Trends.Row] = []
                    try trends.forEachRow(indicator: indicator, filter: filter) { streamed.append($0) }
                    let whole = try trends.rows(indicator: indicator, filter: filter)
                    #expect(streamed.count == whole.count && streamed == whole, "\(indicator) \(filter)")
                    // The score is yearly, of the units with a sheet: some filters have none.
                    #expect(!whole.isEmpty || indicator == "score_difference")
                }
            }
            #expect(try !trends.rows(indicator: "score_difference", filter: .init()).isEmpty)
        }
        try compare()
        // A decomposed é (e + U+0301) sorts before f in SQLite's bytes, after it
        // in Swift (which compares NFC): the stream falls back to reading whole.
        try database.queue.write { db in
            try db.execute(sql: "UPDATE units SET name = ? WHERE id = (SELECT min(id) FROM units)", arguments: ["e\u{301}镇"])
            try db.execute(sql: "UPDATE units SET name = ? WHERE id = (SELECT max(id) FROM units)", arguments: ["f镇"])
        }
        #expect(try database.queue.read { try Trends.namesSortAsInSwift($0) } == false)
        try compare()
        var order: [String] = []
        try trends.forEachRow(indicator: "three_public", filter: .init(from: 2024)) { order.append($0.unit) }
        #expect(order.firstIndex(of: "f镇")! < order.firstIndex(of: "e\u{301}镇")!)
    }

    @Test("the rank query and `fiscal rank` agree: ranks, ties, units without figures")
    func rankQueryMatchesCLI() throws {
        let database = try sampleDatabase()
        let trends = Trends(database: database)
        let library = QueryLibrary.embedded
        let query = try library.query("rank")
        for (indicator, by, ascending) in [("three_public", Trends.RankBy.changeRate, true), ("nontax_cost_rate", .value, false),
                                           ("supported_ratio", .change, false)] {
            let filter = Trends.Filter(kind: .township)
            let cli = Trends.ranked(try trends.rowsOfYear(indicator: indicator, year: 2024, filter: filter), by: by, ascending: ascending)
            let sql = try database.queue.read { db in
                try Row.fetchAll(db, sql: query.sql, arguments: try library.arguments(query, [
                    "indicator": indicator, "year": 2024, "quarter": 0, "by": by.rawValue, "ascending": ascending ? 1 : 0,
                    "kind": "township",
                ]))
            }
            #expect(cli.count == sql.count)
            #expect(cli.map { "\($0.rank.map(String.init) ?? "-") \($0.row.unit) \($0.row.reason ?? "")" }
                    == sql.map { "\(($0["rank"] as Int?).map(String.init) ?? "-") \($0["unit"] as String) \(($0["reason"] as String?) ?? "")" })
        }
    }

    @Test("named queries read as Datasette sends them: every parameter a string, empty for none")
    func datasetteParameters() throws {
        let database = try sampleDatabase()
        let library = QueryLibrary.embedded
        let query = try library.query("rank")
        let typed = try database.queue.read { db in
            try Row.fetchAll(db, sql: query.sql, arguments: try library.arguments(query, [
                "indicator": "three_public", "year": 2024, "quarter": 0, "by": "change_rate", "ascending": 1,
                "units": StoreQueries.jsonArray(["示例县云台乡", "示例县五峰乡"]),
            ]))
        }
        let strings = try database.queue.read { db in
            try Row.fetchAll(db, sql: query.sql, arguments: StatementArguments([
                "indicator": "three_public", "year": "2024", "quarter": "0", "by": "change_rate", "ascending": "1",
                "kind": "", "region": "", "units": "[\"示例县云台乡\", \"示例县五峰乡\"]",
            ]))
        }
        #expect(typed.count == 2)
        #expect(typed == strings)
        // One name without JSON brackets is a list of one.
        let one = try database.queue.read { db in
            try Row.fetchAll(db, sql: query.sql, arguments: StatementArguments([
                "indicator": "three_public", "year": "2024", "quarter": "", "by": "", "ascending": "",
                "kind": "", "region": "", "units": "示例县云台乡",
            ]))
        }
        #expect(one.map { $0["unit"] as String } == ["示例县云台乡"])
    }
}
