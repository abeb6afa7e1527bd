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
    public func table(_ filter: Filter, language: Language) throws -> ResultTable {
        try database.queue.read { db in
            let library = QueryLibrary.embedded
            let query = try library.query("score")
            let names = filter.units.isEmpty ? nil : try StoreQueries.unitNames(filter.units, db)
            let arguments = try library.arguments(query, [
                "year": filter.year, "kind": filter.kind?.rawValue, "region": filter.region,
                "units": names.map { StoreQueries.jsonArray($0) },
            ])
            var itemNames: [String: String] = ["total": language == .zh ? "合计" : "total"]
            if language == .zh {
                for row in try Row.fetchAll(db, sql: "SELECT item, name_zh FROM scoring_rules") { itemNames[row[0]] = row[1] }
            }
            var table = ResultTable(columns: ["unit", "region", "kind", "year", "item", "value", "points",
                                              "max_points", "self_score", "difference", "note"])
            // Columns by position (unit, region, kind, year, item, value, points, max_points,
            // self_score, difference, note): GRDB's lookup by name lowercases it, per row and column.
            let rows = try Row.fetchCursor(db, sql: query.sql, arguments: arguments)
            while let row = try rows.next() {
                let item: String = row[4]
                table.append([.text(row[0]), StoreQueries.optional(row[1]), .text(row[2]), .label(row[3]),
                              .text(itemNames[item] ?? item), Trends.number(row[5]), Trends.number(row[6]),
                              Trends.number(row[7]), Trends.number(row[8]),
                              (row[9] as Double?).map { .signed($0, decimals: 2) } ?? .missing,
                              StoreQueries.optional(row[10])])
            }
            return table
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

    /// The totals of the unit-years `fiscal score` lists for one year and scope
    /// (queries/scoring.sql's score_values), without scoring every item into
    /// a table: `fiscal report` shows the ten most generous self-scores.
    public func totals(year: Int, kind: UnitKind?, region: String?) throws -> [Total] {
        try database.queue.read { db in
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
