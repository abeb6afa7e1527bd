import Foundation
import GRDB
import GRDBSQLite

/// Values the documents state for derived indicators (basis `reported`:
/// 控制率 53%, 财政供养比230) checked against the values recomputed from the
/// inputs. domain.md: "a difference to report, not to hide".
///
/// A stated value matches when the recomputed one, rounded to the places the
/// document used, is the same number: 97.62 stated for 164 ÷ 168 = 97.619…
/// matches; 53 stated for 106 ÷ 212 = 50 differs.
public struct ReportedValue: Sendable, Equatable {
    public enum Finding: Sendable, Equatable {
        case matches
        case differs
        /// No recomputed value: the reason (an input is missing).
        case cannotRecompute(String)
    }

    public var unit: String
    public var region: String?
    public var kind: String
    public var year: Int
    public var quarter: Int
    public var indicator: String
    public var reported: ExactValue
    public var computed: Double?
    public var source: String
    public var location: String
    /// Why there is no recomputed value.
    public var reason: String?

    public var finding: Finding {
        guard let computed, computed.isFinite else { return .cannotRecompute(reason ?? "no inputs") }
        // In integers: the recomputed value in millionths of the document's last
        // place (binary noise gone: 128.17 ÷ 200 is 64.08499999… as a double), then
        // rounded half away from zero to that place, as the display rounds.
        let places = reported.decimalPlaces
        let micro = Int64((computed * pow(10.0, Double(places)) * 1_000_000).rounded())
        let rounded = (micro + (micro >= 0 ? 500_000 : -500_000)) / 1_000_000
        var stated = reported.e6
        for _ in places..<6 { stated /= 10 }
        return rounded == stated ? .matches : .differs
    }

    /// reported − computed, in the indicator's unit.
    public var difference: Double? {
        computed.map { Double(reported.e6) / 1_000_000 - $0 }
    }
}

extension ReportedValue {
    /// "衡山县财政局 2024: the documents state 53, recomputed 50.00 (file, line 13)".
    public var sentence: String {
        let period = quarter == 0 ? "\(year)" : "\(year) Q\(quarter)"
        let recomputed = computed.map { ResultTable.Cell.real($0, decimals: 2).displayText } ?? "—"
        return "\(unit) \(period): the documents state \(reported), recomputed \(recomputed) (\(source), \(location))"
    }
}

extension ExactValue {
    /// The decimal places the value was written with (53 → 0, 94.26 → 2).
    var decimalPlaces: Int {
        var places = 6
        var e6 = e6.magnitude
        while places > 0 && e6 % 10 == 0 {
            e6 /= 10
            places -= 1
        }
        return places
    }
}

extension StoreQueries {
    /// Every reported value of an indicator with the recomputed one (a scan
    /// of the observations: reported values have no index of their own, see
    /// schema.sql v4-reported), each recomputed value by one seek in
    /// indicator_values (a join with the view would compute every indicator of
    /// every unit first).
    public func reportedValues(_ filter: FactFilter = FactFilter()) throws -> [ReportedValue] {
        try database.queue.read { db in
            var (whereClause, arguments) = try Self.whereClause(filter, db, table: "f.")
            if filter.units.isEmpty && !filter.years.isEmpty {
                // Unit by unit, each seeking its years in observations_key: without
                // it SQLite scans every observation (0.5 s at province scale, 0.1 s so).
                whereClause += " AND f.unit_id IN (SELECT id FROM units)"
            }
            return try Self.reportedValues(db, whereClause: whereClause, arguments: arguments)
        }
    }

    /// The reported values of a trend's indicator that differ from its
    /// recomputed values, for the periods the trend shows: one seek in the key
    /// index per period with a value (a scan of every observation would take
    /// most of a province trend's second).
    public func differingReported(in rows: [Trends.Row]) throws -> [ReportedValue] {
        guard let indicator = rows.first?.indicator else { return [] }
        return try differingReported(indicator: indicator,
                                     periods: rows.filter { $0.value != nil }.map { ReportedPeriod(unitID: $0.unitID, year: $0.year, quarter: $0.quarter) })
    }

    /// A unit's period with a value, as ``differingReported(indicator:periods:)`` seeks it.
    public struct ReportedPeriod: Sendable {
        public var unitID: Int64
        public var year: Int
        public var quarter: Int
        public init(unitID: Int64, year: Int, quarter: Int) {
            self.unitID = unitID
            self.year = year
            self.quarter = quarter
        }
    }

    /// ``differingReported(in:)`` for the periods with a value of a streamed trend.
    public func differingReported(indicator: String, periods: [ReportedPeriod]) throws -> [ReportedValue] {
        guard !periods.isEmpty else { return [] }
        return try database.queue.read { db in
            guard let metricID = try Int64.fetchOne(db, sql: "SELECT id FROM metrics WHERE code = ? AND kind = 'indicator'",
                                                    arguments: [indicator]) else { return [] }
            // No import stored a stated value (imports.reported, schema v8; NULL
            // for imports before it): nothing to seek.
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM imports WHERE reported IS NULL OR reported > 0)") == true
            else { return [] }
            // 'reported' is a literal, not a parameter: see schema.sql v4-reported.
            let seek = try db.makeStatement(sql: """
                SELECT id FROM observations
                WHERE unit_id = ? AND year = ? AND quarter = ? AND metric_id = ? AND basis = 'reported' AND superseded = 0
                """)
            let handle = seek.sqliteStatement
            var ids: [Int64] = []
            for row in periods {
                sqlite3_reset(handle)
                sqlite3_bind_int64(handle, 1, row.unitID)
                sqlite3_bind_int64(handle, 2, Int64(row.year))
                sqlite3_bind_int64(handle, 3, Int64(row.quarter))
                sqlite3_bind_int64(handle, 4, metricID)
                var step = sqlite3_step(handle)
                while step == SQLITE_ROW {
                    ids.append(sqlite3_column_int64(handle, 0))
                    step = sqlite3_step(handle)
                }
                guard step == SQLITE_DONE else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: step), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
            }
            sqlite3_reset(handle)
            // A few hundred ids a query: SQLite limits the parameters of one statement.
            var differing: [ReportedValue] = []
            for start in stride(from: 0, to: ids.count, by: 500) {
                let batch = Array(ids[start..<min(start + 500, ids.count)])
                differing += try Self.reportedValues(db, whereClause: "WHERE f.id IN (\(Self.placeholders(batch.count)))",
                                                     arguments: StatementArguments(batch))
                    .filter { $0.finding == .differs }
            }
            return differing
        }
    }

    /// Reported facts matching `whereClause` ("WHERE …" on `f`, or empty),
    /// each with its recomputed value.
    private static func reportedValues(_ db: Database, whereClause: String,
                                       arguments: StatementArguments) throws -> [ReportedValue] {
        let reported = try Row.fetchAll(db, sql: """
            SELECT f.unit_id, f.unit, f.region, f.kind, f.year, f.quarter, f.metric, f.value_e6, f.source, f.location
            FROM facts f JOIN metrics m ON m.code = f.metric AND m.kind = 'indicator'
            \(whereClause.isEmpty ? "WHERE" : whereClause + " AND") f.basis = 'reported'
            ORDER BY f.unit, f.year, f.quarter, f.metric
            """, arguments: arguments)
        let library = QueryLibrary.embedded
        let query = try library.query("indicator_value")
        let computed = try db.makeStatement(sql: query.sql)
        return try reported.map { row in
            let recomputed = try Row.fetchOne(computed, arguments: try library.arguments(query, [
                "unit_id": row["unit_id"] as Int64, "year": row["year"] as Int, "quarter": row["quarter"] as Int,
                "indicator": row["metric"] as String,
            ]))
            var value = ReportedValue(unit: row["unit"], region: row["region"], kind: row["kind"], year: row["year"],
                                      quarter: row["quarter"], indicator: row["metric"], reported: ExactValue(e6: row["value_e6"]),
                                      computed: recomputed?["value"], source: row["source"], location: row["location"])
            value.reason = recomputed?["reason"]
            return value
        }
    }

    /// ``reportedValues(_:)`` as a table:
    /// unit,region,kind,year,quarter,indicator,reported,computed,difference,finding,source,location.
    public func reportedTable(_ filter: FactFilter = FactFilter()) throws -> ResultTable {
        var table = ResultTable(columns: ["unit", "region", "kind", "year", "quarter", "indicator", "reported", "computed",
                                          "difference", "finding", "source", "location"])
        for value in try reportedValues(filter) {
            let finding: String
            switch value.finding {
            case .matches: finding = "matches"
            case .differs: finding = "differs"
            case let .cannotRecompute(reason): finding = "cannot recompute: \(reason)"
            }
            table.append([
                .text(value.unit), Self.optional(value.region), .text(value.kind), .label(value.year), .label(value.quarter),
                .text(value.indicator), .number(value.reported), value.computed.map { .real($0, decimals: 2) } ?? .missing,
                value.difference.map { .signed($0, decimals: 2) } ?? .missing, .text(finding), .text(value.source),
                .text(value.location),
            ])
        }
        return table
    }
}
