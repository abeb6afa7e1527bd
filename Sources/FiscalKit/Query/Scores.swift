import GRDB

/// `fiscal score`: the scoring sheet's quantitative rows scored by their rules
/// (queries/scoring.sql, rules in scoring_rules) beside each unit's self-score.
public struct Scores {
    public let database: FiscalDatabase

    public init(database: FiscalDatabase) {
        self.database = database
    }

    public struct Filter: Sendable {
        public var units: [String] = []
        public var year: Int?
        public var kind: UnitKind?
        public var region: String?
        public init(units: [String] = [], year: Int? = nil, kind: UnitKind? = nil, region: String? = nil) {
            self.units = units
            self.year = year
            self.kind = kind
            self.region = region
        }
    }

    /// unit,region,kind,year,item,value,points,max_points,self_score,difference,note —
    /// each unit-year's items, then its total (item `total`). With `.zh` the
    /// items are named by their 中文 names (for tables; render with ``rendered(_:as:language:)``).
    /// The score query's rows, evaluated by ScoreEngine (the SQL when the stored rules overlap).
    public func table(_ filter: Filter, language: Language) throws -> ResultTable {
        let (itemNames, unitPasses) = try database.queue.read { db in (try Self.itemNames(language, db), try Self.unitFilter(filter, db)) }
        guard let unitYears = try ScoreEngine.unitYears(database, years: Self.years(filter.year), unitPasses: unitPasses) else {
            return try database.queue.read { db in try sqlTable(filter, language: language, db) }
        }
        var table = ResultTable(columns: Self.columns)
        table.rows.reserveCapacity(unitYears.reduce(0) { $0 + $1.items.count + 1 })
        for unitYear in unitYears {
            guard unitYear.listed else { continue }
            let unit = ResultTable.Cell.text(unitYear.unit), region = StoreQueries.optional(unitYear.region)
            let kind = ResultTable.Cell.text(unitYear.kind), year = ResultTable.Cell.label(unitYear.year)
            for item in unitYear.items {
                table.append([unit, region, kind, year, .text(itemNames[item.item] ?? item.item), Trends.number(item.value),
                              Trends.number(item.points), Trends.number(item.maxPoints), Trends.number(item.selfScore),
                              Self.signed(item.difference), StoreQueries.optional(item.note)])
            }
            table.append([unit, region, kind, year, .text(itemNames["total"]!), .missing, Trends.number(unitYear.points),
                          Trends.number(unitYear.maxPoints), Trends.number(unitYear.selfScore), Self.signed(unitYear.difference),
                          .text("\(unitYear.scored) items scored, \(unitYear.compared) compared with the self-score")])
        }
        return table
    }

    /// The score table by queries/scoring.sql's score query itself: the
    /// definition ScoreEngine is held equal to (ScoreEngineTests).
    func sqlTable(_ filter: Filter, language: Language, _ db: Database) throws -> ResultTable {
        let library = QueryLibrary.embedded
        let query = try library.query("score")
        let names = filter.units.isEmpty ? nil : try StoreQueries.unitNames(filter.units, db)
        let arguments = try library.arguments(query, [
            "year": filter.year, "kind": filter.kind?.rawValue, "region": filter.region,
            "units": names.map { StoreQueries.jsonArray($0) },
        ])
        let itemNames = try Self.itemNames(language, db)
        var table = ResultTable(columns: Self.columns)
        // Columns by position (unit, region, kind, year, item, value, points, max_points,
        // self_score, difference, note): GRDB's lookup by name lowercases it, per row and column.
        let rows = try Row.fetchCursor(db, sql: query.sql, arguments: arguments)
        while let row = try rows.next() {
            let item: String = row[4]
            table.append([.text(row[0]), StoreQueries.optional(row[1]), .text(row[2]), .label(row[3]),
                          .text(itemNames[item] ?? item), Trends.number(row[5]), Trends.number(row[6]),
                          Trends.number(row[7]), Trends.number(row[8]), Self.signed(row[9]), StoreQueries.optional(row[10])])
        }
        return table
    }

    static let columns = ["unit", "region", "kind", "year", "item", "value", "points",
                          "max_points", "self_score", "difference", "note"]

    static func signed(_ value: Double?) -> ResultTable.Cell {
        value.map { .signed($0, decimals: 2) } ?? .missing
    }

    static func itemNames(_ language: Language, _ db: Database) throws -> [String: String] {
        var itemNames: [String: String] = ["total": language == .zh ? "合计" : "total"]
        if language == .zh {
            for row in try Row.fetchAll(db, sql: "SELECT item, name_zh FROM scoring_rules") { itemNames[row[0]] = row[1] }
        }
        return itemNames
    }

    /// The score query's year range: one year, or all.
    static func years(_ year: Int?) -> ClosedRange<Int> {
        year.map { $0...$0 } ?? -9999...9999
    }

    /// The score query's kind, region and unit filters, as a test of a unit.
    static func unitFilter(_ filter: Filter, _ db: Database) throws -> @Sendable (Int64, String?, String) -> Bool {
        let ids = filter.units.isEmpty ? nil : Set(try StoreQueries.unitIDs(filter.units, db))
        // An empty region is no filter, as the SQL's NULLIF(:region, '') has it.
        let kind = filter.kind?.rawValue, region = filter.region.flatMap { $0.isEmpty ? nil : $0 }
        return { id, unitRegion, unitKind in
            (ids?.contains(id) ?? true) && (kind.map { $0 == unitKind } ?? true) && (region.map { $0 == unitRegion } ?? true)
        }
    }

    /// A score table in a format; Chinese tables call the rule's points 得分 (分值 is the sheet's max).
    public static func rendered(_ table: ResultTable, as format: OutputFormat, language: Language) -> String {
        guard language == .zh, format == .table || format == .markdown else { return table.rendered(as: format, language: language) }
        var translated = table
        translated.columns = translated.columns.map { ["points": "得分", "max_points": "满分", "item": "评分项", "note": "说明"][$0] ?? $0 }
        return translated.rendered(as: format, language: language)
    }

    /// A unit-year's totals, as the score query's "total" row gives them.
    public struct Total: Sendable, Equatable {
        public var unit: String
        public var points: Double?
        public var maxPoints: Double?
        public var selfScore: Double?
        public var difference: Double?
    }

    /// The totals of the unit-years `fiscal score` lists for one year and scope,
    /// in the order of the units' names, without building the items' table:
    /// `fiscal report` shows the ten most generous self-scores. ScoreEngine's
    /// sums (queries/scoring.sql's score_values when the stored rules overlap).
    /// `parallel: false` reads on this connection only (see ScoreEngine).
    public func totals(year: Int, kind: UnitKind?, region: String?, parallel: Bool = true) throws -> [Total] {
        let unitPasses = try database.queue.read { db in try Self.unitFilter(Filter(year: year, kind: kind, region: region), db) }
        guard let unitYears = try ScoreEngine.unitYears(database, years: year...year, parallel: parallel, keepItems: false,
                                                              unitPasses: unitPasses) else {
            return try database.queue.read { db in try sqlTotals(year: year, kind: kind, region: region, db) }
        }
        return unitYears.filter(\.listed).map {
            Total(unit: $0.unit, points: $0.points, maxPoints: $0.maxPoints, selfScore: $0.selfScore, difference: $0.difference)
        }
    }

    /// The totals by queries/scoring.sql's score_values.
    func sqlTotals(year: Int, kind: UnitKind?, region: String?, _ db: Database) throws -> [Total] {
        let library = QueryLibrary.embedded
        let query = try library.query("score_values")
        let arguments = try library.arguments(query, [
            "measure": "score_difference", "from_year": year, "to_year": year,
            "kind": kind?.rawValue, "region": region,
        ])
        var totals: [Total] = []
        // Columns by position: unit_id, unit, region, kind, year, quarter, value, reason,
        // points, max_points, self_score, difference, listed.
        let rows = try Row.fetchCursor(db, sql: query.sql, arguments: arguments)
        while let row = try rows.next() {
            guard row[12] as Bool else { continue }
            totals.append(Total(unit: row[1], points: row[8], maxPoints: row[9], selfScore: row[10], difference: row[11]))
        }
        return totals
    }

    /// The rules as stored: item, name, indicator, max points, band, points and the rest.
    public func rules(language: Language) throws -> ResultTable {
        try database.queue.read { db in
            var table = ResultTable(columns: ["item", "name_zh", "indicator", "max_points", "band", "points",
                                              "times_rate", "step", "deduction", "zero_when", "absolute", "source"])
            for row in try Row.fetchAll(db, sql: "SELECT * FROM scoring_rules ORDER BY rowid") {
                let zero = (row["zero_indicator"] as String?).map { "\($0)\(row["zero_operator"] as String)\(Self.plain(row["zero_value"]))" }
                table.append([.text(row["item"]), .text(row["name_zh"]), .text(row["indicator"]), .text(Self.plain(row["max_points"])),
                              .text(row["band"]), .text(Self.plain(row["points"])), .text((row["times_rate"] as Bool) ? "yes" : ""),
                              (row["step"] as Double?).map { .text(Self.plain($0)) } ?? .missing,
                              (row["deduction"] as Double?).map { .text(Self.plain($0)) } ?? .missing,
                              zero.map { .text($0) } ?? .missing, .text((row["absolute"] as Bool) ? "yes" : ""), .text(row["source"])])
            }
            return table
        }
    }

    /// 2 for 2.0, 0.5 for 0.5: a rule's numbers as written.
    static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// Replaces the rules with a file's, after checking every row.
    @discardableResult
    public func loadRules(csv: String, source: String) throws -> Int {
        let rules = try ScoringRules.parse(csv: csv, source: source)
        try database.queue.write { db in try ScoringRules.replace(with: rules, source: source, in: db) }
        return rules.count
    }
}
