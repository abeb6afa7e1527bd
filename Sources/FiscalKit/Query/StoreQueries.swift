import Foundation
import GRDB
import GRDBSQLite

/// Read-only questions about what is stored: resolved facts, units, the
/// catalogue. Each returns a ``ResultTable`` the CLI prints in any format.
/// Filters are bound parameters, never SQL text.
public struct StoreQueries {
    public let database: FiscalDatabase

    public init(database: FiscalDatabase) {
        self.database = database
    }

    // MARK: Facts

    public struct FactFilter: Sendable {
        public var units: [String] = []
        public var years: [Int] = []
        public var metrics: [String] = []
        public init(units: [String] = [], years: [Int] = [], metrics: [String] = []) {
            self.units = units
            self.years = years
            self.metrics = metrics
        }
    }

    /// The resolved facts (one value per unit/year/quarter/metric/basis), in
    /// the metric's unit (money in 万元), with their source and location.
    /// Columns: unit,region,kind,year,quarter,metric,basis,value,source,location.
    public func facts(_ filter: FactFilter = FactFilter()) throws -> ResultTable {
        var table = ResultTable(columns: Self.factColumns)
        try facts(filter) { table.append($0) }
        return table
    }

    public static let factColumns = ["unit", "region", "kind", "year", "quarter", "metric", "basis", "value", "source", "location"]

    /// The facts row by row, as SQLite reads them (for ``RowStream``: no table in memory).
    public func facts(_ filter: FactFilter = FactFilter(), each: ([ResultTable.Cell]) throws -> Void) throws {
        try eachFact(filter) { row, _ in
            // By position: a name lookup per column costs more than the row's formatting.
            let region: String? = row[1]
            try each([.text(row[0]), region.map { .text($0) } ?? .missing, .text(row[2]),
                      .label(row[3]), .label(row[4]), .text(row[5]), .text(row[6]),
                      .number(ExactValue(e6: row[7])), .text(row[8]), .text(row[9])])
        }
    }

    /// The facts as SQLite statement rows, columns as ``factRawColumns`` says, for
    /// ``RowStream/writeCSV(_:columns:)``: the fields go from SQLite's buffers
    /// to the output's without a String each (issue 13: 5 million facts).
    public func facts(_ filter: FactFilter = FactFilter(), statementRows: (OpaquePointer) throws -> Void) throws {
        try eachFact(filter) { _, statement in try statementRows(statement) }
    }

    /// ``factColumns`` as the statement holds them (the value as value_e6).
    public static let factRawColumns: [RowStream.RawColumn] = [.text, .text, .text, .integer, .integer, .text, .text, .exactE6, .text, .text]

    func eachFact(_ filter: FactFilter, _ body: (Row, OpaquePointer) throws -> Void) throws {
        try database.queue.read { db in
            let (whereClause, arguments) = try Self.whereClause(filter, db)
            // Unit by unit, in the order of their names (unique): each unit's facts
            // come off observations_key and sort among themselves, a few hundred
            // rows. One ORDER BY unit, … over every fact sorted millions of wide
            // rows in a temporary B-tree, most of `fiscal facts` at province scale
            // (BENCHMARKS.md, issue 13). The same rows in the same order.
            let asked = filter.units.isEmpty ? nil : try Self.unitIDs(filter.units, db)
            let units = try Int64.fetchAll(db, sql: asked.map { "SELECT id FROM units WHERE id IN (\(Self.placeholders($0.count))) ORDER BY name" }
                                               ?? "SELECT id FROM units ORDER BY name", arguments: StatementArguments(asked ?? []))
            let statement = try db.cachedStatement(sql: """
                SELECT unit, region, kind, year, quarter, metric, basis, value_e6, source, location
                FROM facts \(whereClause.isEmpty ? "WHERE" : whereClause + " AND") unit_id = ?
                ORDER BY year, quarter, metric, basis
                """)
            for unit in units {
                var unitArguments = arguments
                unitArguments += [unit]
                let rows = try Row.fetchCursor(statement, arguments: unitArguments)
                while let row = try rows.next() { try body(row, statement.sqliteStatement) }
            }
        }
    }

    // MARK: Conflicts

    /// Every observation of every key whose observations disagree, with its
    /// source; `resolved` marks the one the facts view picked.
    public func conflicts(_ filter: FactFilter = FactFilter()) throws -> ResultTable {
        var table = ResultTable(columns: Self.conflictColumns)
        try conflicts(filter) { table.append($0) }
        return table
    }

    public static let conflictColumns = ["unit", "region", "kind", "year", "quarter", "metric", "basis", "value",
                                         "resolved", "source", "location", "part", "text"]

    /// The conflicting observations row by row, as SQLite reads them (for ``RowStream``).
    public func conflicts(_ filter: FactFilter = FactFilter(), each: ([ResultTable.Cell]) throws -> Void) throws {
        try database.queue.read { db in
            let (whereClause, arguments) = try Self.whereClause(filter, db, table: "c.")
            // Resolved: the observation the facts view shows (superseded = 0). A
            // join with the view instead built all 5 million facts: 6 s at province scale.
            let rows = try Row.fetchCursor(db, sql: """
                SELECT c.unit, c.region, c.kind, c.year, c.quarter, c.metric, c.basis, c.value_e6,
                       c.superseded = 0 AS resolved, c.source, c.location, c.part, c.raw_text
                FROM conflicts c
                \(whereClause)
                ORDER BY c.unit, c.year, c.quarter, c.metric, c.basis, resolved DESC, c.id
                """, arguments: arguments)
            while let row = try rows.next() {
                let resolved: Bool = row["resolved"]
                try each([
                    .text(row["unit"]), Self.optional(row["region"]), .text(row["kind"]),
                    .label(row["year"]), .label(row["quarter"]), .text(row["metric"]), .text(row["basis"]),
                    .number(ExactValue(e6: row["value_e6"])), .text(resolved ? "yes" : ""), .text(row["source"]),
                    .text(row["location"]), .text(row["part"]), .text(row["raw_text"]),
                ])
            }
        }
    }

    /// Stated totals whose parts disagree with them (see ``TotalsCheck``).
    public func totalsDisagreeing(_ filter: FactFilter = FactFilter()) throws -> ResultTable {
        try database.queue.read { db in
            let ids = filter.units.isEmpty ? [] : try Self.unitIDs(filter.units, db)
            return try TotalsCheck.disagreements(db, unitIDs: ids, years: filter.years)
        }
    }

    // MARK: Units

    /// Units with region, kind, the years they have figures for and how many.
    public func units(kind: UnitKind? = nil, region: String? = nil) throws -> ResultTable {
        var table = ResultTable(columns: Self.unitColumns)
        try units(kind: kind, region: region) { table.append($0) }
        return table
    }

    public static let unitColumns = ["unit", "region", "kind", "years", "figures", "aliases"]

    /// The units row by row, as SQLite reads them (for ``RowStream``).
    public func units(kind: UnitKind? = nil, region: String? = nil, each: ([ResultTable.Cell]) throws -> Void) throws {
        try database.queue.read { db in
            var conditions: [String] = []
            var arguments = StatementArguments()
            if let kind {
                conditions.append("u.kind = ?")
                arguments += [kind.rawValue]
            }
            if let region {
                conditions.append("u.region = ?")
                arguments += [region]
            }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let rows = try Row.fetchCursor(db, sql: """
                SELECT u.id, u.name, u.region, u.kind, u.code,
                       (SELECT group_concat(year) FROM (SELECT DISTINCT year FROM observations o WHERE o.unit_id = u.id ORDER BY year)) AS years,
                       (SELECT count(*) FROM observations o WHERE o.unit_id = u.id) AS figures,
                       (SELECT group_concat(alias, '、') FROM unit_aliases a WHERE a.unit_id = u.id) AS aliases
                FROM units u \(whereClause)
                ORDER BY u.kind, u.region, u.name
                """, arguments: arguments)
            while let row = try rows.next() {
                let years = (row["years"] as String?)?.split(separator: ",").compactMap { Int($0) } ?? []
                let covered: ResultTable.Cell = years.isEmpty ? .missing : .text(Self.yearRanges(years))
                try each([.text(row["name"]), Self.optional(row["region"]), .text(row["kind"]),
                          covered, .integer(row["figures"]), Self.optional(row["aliases"])])
            }
        }
    }

    /// "2016–2018, 2020–2025" for the years a unit has figures for.
    public static func yearRanges(_ years: [Int]) -> String {
        var parts: [String] = []
        var start: Int?
        var previous: Int?
        for year in years.sorted() + [Int.max] {
            if let p = previous, year == p + 1 { previous = year; continue }
            if let s = start, let p = previous { parts.append(s == p ? String(s) : "\(s)–\(p)") }
            start = year
            previous = year
        }
        return parts.joined(separator: ", ")
    }

    // MARK: Metrics

    /// The catalogue: code, 中文 name, synonyms, unit, and how many figures.
    public func metrics() throws -> ResultTable {
        try database.queue.read { db in
            let catalog = try FiscalDatabase.catalog(db)
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT m.code AS metric, count(*) AS n FROM observations o JOIN metrics m ON m.id = o.metric_id GROUP BY m.code") {
                counts[row["metric"]] = row["n"]
            }
            var table = ResultTable(columns: ["code", "name_zh", "synonyms", "unit", "name_en", "figures"])
            for metric in catalog.rawMetrics {
                table.append([.text(metric.code), .text(metric.nameZh), .text(metric.synonyms.joined(separator: "、")),
                              .text(metric.unit), .text(metric.nameEn), .integer(counts[metric.code] ?? 0)])
            }
            return table
        }
    }

    // MARK: Helpers

    /// The WHERE clause of a filter over a view with unit_id, year and metric
    /// columns; names become bound ids and codes, never SQL text.
    static func whereClause(_ filter: FactFilter, _ db: Database, table: String = "") throws -> (String, StatementArguments) {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if !filter.units.isEmpty {
            let ids = try unitIDs(filter.units, db)
            conditions.append("\(table)unit_id IN (\(placeholders(ids.count)))")
            arguments += StatementArguments(ids)
        }
        if !filter.years.isEmpty {
            conditions.append("\(table)year IN (\(placeholders(filter.years.count)))")
            arguments += StatementArguments(filter.years)
        }
        if !filter.metrics.isEmpty {
            let codes = try metricCodes(filter.metrics, db)
            conditions.append("\(table)metric IN (\(placeholders(codes.count)))")
            arguments += StatementArguments(codes)
        }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), arguments)
    }

    static func optional(_ text: String?) -> ResultTable.Cell {
        text.map { .text($0) } ?? .missing
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// Unit ids for names as users type them; an unknown name is an error.
    static func unitIDs(_ names: [String], _ db: Database) throws -> [Int64] {
        let directory = try UnitDirectory(db)
        return try names.map { name in
            guard let unit = try directory.resolve(name: name) else {
                throw FiscalError.invalid("no unit named '\(name)'; `fiscal units` lists them")
            }
            return unit.id
        }
    }

    /// The stored full names of units as users type them (aliases, short forms).
    static func unitNames(_ names: [String], _ db: Database) throws -> [String] {
        try unitIDs(names, db).map { id in try String.fetchOne(db, sql: "SELECT name FROM units WHERE id = ?", arguments: [id])! }
    }

    /// A JSON array of strings: a list bound as one parameter (queries/ read it with json_each).
    static func jsonArray(_ strings: [String]) -> String {
        String(decoding: try! JSONEncoder().encode(strings), as: UTF8.self)
    }

    /// Metric codes for names as users type them; an unknown one names the closest.
    static func metricCodes(_ names: [String], _ db: Database) throws -> [String] {
        let catalog = try FiscalDatabase.catalog(db)
        return try names.map { name in
            guard let metric = catalog.metric(named: name) else {
                throw FiscalError.invalid("unknown metric '\(name)'; closest known: \(catalog.closestNames(to: name).joined(separator: ", "))")
            }
            return metric.code
        }
    }
}
