import Foundation
import GRDB
import Testing
@testable import FiscalKit

/// `fiscal score` and the report's score totals are evaluated in Swift
/// (ScoreEngine) for speed; queries/scoring.sql's score query is the
/// definition. These stores are invented at random from a seed — figures on
/// and around the bands' bounds, missing figures, rules with every kind of
/// band, step, zero_when and absolute, on derived indicators and on raw
/// metrics, units' own sheets with quoted and spaced row names, other max
/// points and several imports — and every cell of the engine's table must
/// equal the SQL's.
@Suite("ScoreEngine: the score query evaluated in Swift, equal to the SQL")
struct ScoreEngineTests {
    /// SplitMix64: the same store for the same seed on every machine.
    struct Seeded {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
        mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }
    }

    static let header = "item,name_zh,sheet_names,indicator,max_points,band,points,times_rate,step,deduction,zero_when,absolute\n"

    /// Figures (万元, heads) whose ratios land on, just beside and far from the bounds below.
    static let amounts = ["100", "95", "90", "80", "105", "110", "99.99", "100.01", "0", "120", "60", "12.5", "-5", "1000"]
    static let heads = ["100", "95", "90", "80", "105", "110", "101", "0", "120", "60", "7", "1000"]
    static let bounds = ["-10", "0", "5", "10", "80", "90", "95", "100", "110", "150"]
    static let indicators = ["budget_execution_rate", "budget_adjustment_rate", "staff_control_rate", "key_spending_rate",
                             "public_funds_control_rate", "nontax_completion_rate", "three_public_change_rate",
                             "three_public_control_rate", "nontax_revenue", "three_public_total", "staff_in_service"]

    /// A rules file of `count` items with random bands that do not overlap.
    static func rules(_ random: inout Seeded, items count: Int) -> String {
        var text = header
        for index in 0..<count {
            let item = "item_\(index)"
            let indicator = random.pick(indicators)
            let maxPoints = random.pick(["2", "1.5", "3", "4"])
            let names = random.pick(["", "预算执行率|“三公”经费变动率", "人员控制率", "非税收入完成率|重点支出"])
            let zeroWhen = random.chance(30) ? "\(random.pick(indicators))\(random.pick([">", ">=", "<", "<="]))\(random.pick(bounds))" : ""
            let absolute = random.chance(25) ? "yes" : ""
            // cut points ascending; each band between two, open or closed
            var cuts = Array(Set((0..<random.below(4)).map { _ in random.pick(bounds) })).sorted { Double($0)! < Double($1)! }
            cuts = [""] + cuts + [""]
            var closedAtLower = random.chance(50)
            for band in 0..<(cuts.count - 1) {
                let lower = cuts[band], upper = cuts[band + 1]
                let open = lower.isEmpty ? "(" : (closedAtLower ? "[" : "(")
                let upperClosed = !upper.isEmpty && !closedAtLower
                let close = upperClosed ? "]" : ")"
                closedAtLower = !upperClosed
                if random.chance(15) && cuts.count > 2 { continue }  // a gap: no band holds the value
                let points = random.pick(["0", "0.5", "1", maxPoints])
                let timesRate = random.chance(25) ? "yes" : ""
                let stepped = !lower.isEmpty && random.chance(35)
                text += "\(item),项目\(index),\(names),\(indicator),\(maxPoints),\"\(open)\(lower),\(upper)\(close)\",\(points),\(timesRate),"
                text += stepped ? "\(random.pick(["1", "5", "0.5"])),\(random.pick(["0.2", "0.5", "1"])),\(zeroWhen),\(absolute)\n"
                    : ",,\(zeroWhen),\(absolute)\n"
            }
        }
        return text
    }

    /// Tidy CSV of the figures the indicators need, for `units` units over 2022–2024.
    static func figures(_ random: inout Seeded, units: Int) -> String {
        let metrics: [(String, [String])] = [
            ("total_funds", ["initial", "budget", "final"]), ("staff_authorized", ["final"]), ("staff_in_service", ["final"]),
            ("project_expenditure", ["budget", "final"]), ("nontax_revenue", ["budget", "plan", "final"]),
            ("three_public_total", ["budget", "final"]), ("public_funds", ["budget", "final"]),
        ]
        let names = ["甲镇", "乙镇", "丙乡", "丁街道", "县财政局", "县教育局", "县卫健局", "戊镇", "Z镇", "县“三农”办", "己镇", "庚镇"]
        var text = "unit,region,kind,year,metric,basis,value\n"
        for index in 0..<units {
            let name = names[index % names.count] + (index >= names.count ? "\(index)" : "")
            let kind = name.hasPrefix("县") ? "department" : "township"
            let region = random.pick(["东县", "西县", ""])
            for year in 2022...2024 where random.chance(85) {
                for (metric, bases) in metrics {
                    for basis in bases where random.chance(80) {
                        let value = metric.hasPrefix("staff") ? random.pick(heads) : random.pick(amounts)
                        text += "\(name),\(region),\(kind),\(year),\(metric),\(basis),\(value)\n"
                    }
                }
            }
        }
        return text
    }

    /// Rows of the units' own sheets, several imports, names as sheets write them.
    static func sheets(_ random: inout Seeded, _ db: Database) throws {
        let units = try Int64.fetchAll(db, sql: "SELECT id FROM units")
        var imports: [Int64] = []
        for index in 0..<3 {
            try db.execute(sql: """
                INSERT INTO imports(path, sha256, format, encoding, document_year, imported_at, rows, figures, missing, conflicts)
                VALUES (?, ?, 'txt', 'utf-8', 2024, '2026-12-07T00:00:00Z', 0, 0, 0, 0)
                """, arguments: ["sheet\(index).txt", "sheet-\(index)-\(random.next())"])
            imports.append(db.lastInsertedRowID)
        }
        let rowNames = ["预算执行率", " 预算执行率 ", "“三公”经费变动率", "\"三公\"经费变动率", "人员控制率", "人员 控制率",
                        "非税收入完成率", "重点支出", "「重点支出", "项目0", "其他指标", "预算执行", "'人员控制率'"]
        for unit in units {
            for year in 2022...2024 where random.chance(60) {
                for _ in 0..<random.below(6) {
                    try db.execute(sql: """
                        INSERT INTO scoring_items(import_id, unit_id, year, indicator, max_points_e6, self_points_e6, location)
                        VALUES (?, ?, ?, ?, ?, ?, 'line 1')
                        """, arguments: [random.pick(imports), unit, year, random.pick(rowNames),
                                         random.chance(10) ? nil : random.pick([2_000_000, 1_500_000, 3_000_000, 4_000_000, 1_000_000]),
                                         random.chance(15) ? nil : random.pick([0, 500_000, 1_000_000, 1_800_000, 2_000_000, 3_000_000])])
                }
            }
        }
    }

    /// The engine's table and totals against the SQL's for a store and several filters.
    func compare(_ database: FiscalDatabase, _ context: String) throws -> Int {
        let scores = Scores(database: database)
        let names = try database.queue.read { db in try String.fetchAll(db, sql: "SELECT name FROM units ORDER BY id LIMIT 2") }
        let filters: [Scores.Filter] = [
            Scores.Filter(), Scores.Filter(year: 2024), Scores.Filter(year: 2023, kind: .township),
            Scores.Filter(region: "东县"), Scores.Filter(units: names), Scores.Filter(year: 2022, kind: .department, region: "西县"),
            Scores.Filter(year: 2024, region: ""),   // empty: no filter, as NULLIF(:region, '') in the SQL
        ]
        var rows = 0
        for filter in filters {
            for language in filter.year == nil && filter.units.isEmpty && filter.region == nil ? [Language.zh, .en] : [.en] {
                let engine = try scores.table(filter, language: language)
                let sql = try database.queue.read { db in try scores.sqlTable(filter, language: language, db) }
                #expect(engine.columns == sql.columns)
                #expect(engine.rows.count == sql.rows.count, "\(context) \(filter)")
                for (index, (a, b)) in zip(engine.rows, sql.rows).enumerated() where a != b {
                    Issue.record("\(context) \(filter) row \(index): engine \(a) ≠ SQL \(b)")
                    break
                }
                // and as written: a cell of -0.0 equals 0.0 but prints "-0.00"
                #expect(engine.rendered(as: .csv, language: language) == sql.rendered(as: .csv, language: language), "\(context) \(filter)")
                rows += sql.rows.count
            }
        }
        for year in 2022...2024 {
            for kind in [nil, UnitKind.township] {
                let engine = try scores.totals(year: year, kind: kind, region: nil)
                let sql = try database.queue.read { db in try scores.sqlTotals(year: year, kind: kind, region: nil, db) }
                #expect(engine == sql.sorted { $0.unit.utf8.lexicographicallyPrecedes($1.unit.utf8) }, "\(context) totals \(year)")
                #expect(try scores.totals(year: year, kind: kind, region: nil, parallel: false) == engine)
            }
        }
        return rows
    }

    @Test("random stores: every cell of the engine's score table equals the SQL's", arguments: 1...8)
    func randomStores(seed: UInt64) throws {
        let scratch = Scratch()
        var random = Seeded(state: seed)
        let database = try scratch.database()
        _ = try Importer(database: database).importFile(path: scratch.write("figures.csv", Self.figures(&random, units: 14)))
        try database.queue.write { db in try Self.sheets(&random, db) }
        var rows = try compare(database, "seed \(seed), embedded rules")
        for round in 0..<3 {
            let text = Self.rules(&random, items: 3 + random.below(5))
            _ = try Scores(database: database).loadRules(csv: text, source: "random-\(round).csv")
            rows += try compare(database, "seed \(seed), rules \(round):\n\(text)")
        }
        #expect(rows > 500)
    }

    @Test("the branches the random stores must reach are reached")
    func coverage() throws {
        // Over the eight seeds' stores, each kind of note and score appears:
        // a test of the generator, so that the comparison above means something.
        var notes = Set<String>()
        var zeroPoints = 0, differences = 0, unscored = 0
        for seed in UInt64(1)...8 {
            let scratch = Scratch()
            var random = Seeded(state: seed)
            let database = try scratch.database()
            _ = try Importer(database: database).importFile(path: scratch.write("figures.csv", Self.figures(&random, units: 14)))
            try database.queue.write { db in try Self.sheets(&random, db) }
            for round in 0..<3 {
                _ = try Scores(database: database).loadRules(csv: Self.rules(&random, items: 3 + random.below(5)), source: "r\(round).csv")
                let table = try Scores(database: database).table(Scores.Filter(), language: .en)
                for row in table.rows {
                    if case .text(let note) = row[10] { notes.insert(String(note.prefix(8))) }
                    if row[6] == .real(0, decimals: 2) { zeroPoints += 1 }
                    if row[9] != .missing { differences += 1 }
                    if row[5] != .missing && row[6] == .missing { unscored += 1 }
                }
            }
        }
        #expect(notes.contains("0 points"))      // zero_when met
        #expect(notes.contains("no band "))      // a gap between bands
        #expect(notes.contains("the shee"))      // the sheet's row is worth other points
        #expect(notes.contains { $0.hasPrefix("needs ") })  // a missing figure
        #expect(zeroPoints > 0 && differences > 0 && unscored > 0)
    }

    @Test("overlapping stored bands (written by hand) fall back to the SQL")
    func overlapping() throws {
        let scratch = Scratch()
        let database = try scratch.database()
        _ = try Importer(database: database).importFile(path: scratch.write("towns.csv", ScoringTests.boundaries))
        try database.queue.write { db in
            try db.execute(sql: """
                INSERT INTO scoring_rules(item, name_zh, names_key, indicator, max_points, band, lower, lower_closed, upper, upper_closed,
                                          points, times_rate, step, deduction, zero_indicator, zero_operator, zero_value, absolute, source)
                VALUES ('budget_execution_rate', '预算执行率', '预算执行率', 'budget_execution_rate', 2, '[0,)', 0, 1, NULL, 0,
                        0.25, 0, NULL, NULL, NULL, NULL, NULL, 0, 'by hand')
                """)
        }
        #expect(try database.queue.read { db in try ScoreEngine(db) } == nil)
        let table = try Scores(database: database).table(Scores.Filter(units: ["甲镇"], year: 2024), language: .en)
        // 99.75 ÷ 105 = 95 % meets [95,) and the hand-written [0,): the SQL lists the item twice.
        #expect(table.rows.filter { $0[4] == .text("budget_execution_rate") }.count == 2)
    }
}
