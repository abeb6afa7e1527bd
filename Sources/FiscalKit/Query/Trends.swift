import GRDB

/// Indicators over the years: the `indicator_trend` view of schema.sql
/// (domain.md's formulas and year-over-year rules) read into rows, and the
/// tables `fiscal trend` prints.
///
/// ```swift
/// let rows = try Trends(database: db).rows(indicator: "nontax_cost_rate", filter: .init())
/// ```
public struct Trends {
    public let database: FiscalDatabase

    public init(database: FiscalDatabase) {
        self.database = database
    }

    public struct Filter: Sendable {
        public var units: [String] = []
        public var kind: UnitKind?
        public var region: String?
        public var from: Int?
        public var to: Int?
        public var quarter = 0
        public init(units: [String] = [], kind: UnitKind? = nil, region: String? = nil, from: Int? = nil, to: Int? = nil,
                    quarter: Int = 0) {
            self.units = units
            self.kind = kind
            self.region = region
            self.from = from
            self.to = to
            self.quarter = quarter
        }
    }

    public struct Row: Sendable, Equatable {
        public var unit: String
        public var region: String?
        public var kind: String
        public var indicator: String
        public var year: Int
        public var quarter: Int
        public var value: Double?
        public var previous: Double?
        public var change: Double?
        public var changeRate: Double?
        public var reason: String?
    }

    /// The indicator catalogue: code, 中文 name, formula, unit, better direction.
    public func indicators(language: Language) throws -> ResultTable {
        let catalog = try database.catalog()
        var table = ResultTable(columns: language.headers(["code", "name", "formula", "unit", "better"]))
        for metric in catalog.metrics where metric.isIndicator {
            table.append([.text(metric.code), .text(language == .zh ? metric.nameZh : metric.nameEn),
                          .text(metric.formula ?? ""), .text(metric.unit),
                          .text(language.direction(metric.better))])
        }
        return table
    }

    /// One row per unit and year of an indicator (or a raw metric's code).
    public func rows(indicator name: String, filter: Filter) throws -> [Row] {
        try database.queue.read { db in
            let catalog = try FiscalDatabase.catalog(db)
            guard let metric = catalog.metric(code: name) ?? catalog.metric(named: name) else {
                throw FiscalError.invalid("unknown indicator '\(name)'; `fiscal indicators` lists them (any metric code works too); closest: \(catalog.closestNames(to: name).joined(separator: ", "))")
            }
            var conditions = ["indicator = ?", "quarter = ?"]
            var arguments: StatementArguments = [metric.code, filter.quarter]
            if !filter.units.isEmpty {
                let ids = try StoreQueries.unitIDs(filter.units, db)
                conditions.append("unit_id IN (\(StoreQueries.placeholders(ids.count)))")
                arguments += StatementArguments(ids)
            }
            if let kind = filter.kind { conditions.append("kind = ?"); arguments += [kind.rawValue] }
            if let region = filter.region { conditions.append("region = ?"); arguments += [region] }
            if let from = filter.from { conditions.append("year >= ?"); arguments += [from] }
            if let to = filter.to { conditions.append("year <= ?"); arguments += [to] }
            return try GRDB.Row.fetchAll(db, sql: """
                SELECT unit, region, kind, indicator, year, quarter, value, previous, change, change_rate, reason
                FROM indicator_trend WHERE \(conditions.joined(separator: " AND "))
                ORDER BY unit, year
                """, arguments: arguments).map { row in
                Row(unit: row["unit"], region: row["region"], kind: row["kind"], indicator: row["indicator"],
                    year: row["year"], quarter: row["quarter"], value: row["value"], previous: row["previous"],
                    change: row["change"], changeRate: row["change_rate"], reason: row["reason"])
            }
        }
    }

    /// The long form for CSV and JSON:
    /// unit,region,kind,indicator,year,quarter,value,previous,change,change_rate.
    public static func longTable(_ rows: [Row], language: Language) -> ResultTable {
        var table = ResultTable(columns: language.headers(["unit", "region", "kind", "indicator", "year", "quarter",
                                                           "value", "previous", "change", "change_rate"]))
        for row in rows {
            table.append([.text(row.unit), StoreQueries.optional(row.region), .text(row.kind), .text(row.indicator),
                          .label(row.year), .label(row.quarter), number(row.value), number(row.previous),
                          number(row.change), number(row.changeRate)])
        }
        return table
    }

    /// The terminal form: units as rows, years as columns, the latest change
    /// rate with its sign, and a sparkline.
    public static func wideTable(_ rows: [Row], language: Language) -> ResultTable {
        let years = Array(Set(rows.map(\.year))).sorted()
        var byUnit: [String: [Int: Row]] = [:]
        for row in rows { byUnit[row.unit, default: [:]][row.year] = row }
        let latest = language == .zh ? "最新变化率%" : "latest change %"
        var table = ResultTable(columns: [language == .zh ? "单位" : "unit"] + years.map(String.init)
                                + [latest, language == .zh ? "走势" : "trend"])
        for unit in byUnit.keys.sorted() {
            let cells = byUnit[unit]!
            let values = years.map { cells[$0]?.value }
            let lastRate = years.reversed().lazy.compactMap { cells[$0]?.changeRate }.first
            var row: [ResultTable.Cell] = [.text(unit)]
            row += values.map { $0.map { .real($0, decimals: 2) } ?? .missing }
            row.append(lastRate.map { .text(($0 > 0 ? "+" : "") + ExactValue.format(e6: Int64(($0 * 1_000_000).rounded()), decimals: 2, grouping: true)) } ?? .missing)
            row.append(.text(sparkline(values)))
            table.append(row)
        }
        return table
    }

    /// ▁▂▃▄▅▆▇█ between the row's lowest and highest value; a space for missing.
    public static func sparkline(_ values: [Double?]) -> String {
        let present = values.compactMap { $0 }
        guard let low = present.min(), let high = present.max() else { return "" }
        let bars = Array("▁▂▃▄▅▆▇█")
        return String(values.map { value in
            guard let value else { return " " }
            if high == low { return bars[3] }
            return bars[min(7, Int(((value - low) / (high - low) * 7).rounded()))]
        })
    }

    /// Rates and ratios rounded to two decimals; missing stays missing (null in JSON).
    static func number(_ value: Double?) -> ResultTable.Cell {
        value.map { .real($0, decimals: 2) } ?? .missing
    }
}

/// The language of headers and names: zh (default) or en.
public enum Language: String, CaseIterable, Sendable {
    case zh, en

    static let chinese: [String: String] = [
        "unit": "单位", "region": "地区", "kind": "类型", "indicator": "指标", "year": "年度", "quarter": "季度",
        "value": "数值", "previous": "上年同期", "change": "变化", "change_rate": "变化率%", "code": "代码",
        "name": "名称", "formula": "公式", "better": "方向",
    ]

    /// CSV and JSON keep the documented English column names; tables translate.
    public func headers(_ columns: [String]) -> [String] {
        self == .zh ? columns.map { Self.chinese[$0] ?? $0 } : columns
    }

    public func direction(_ better: String?) -> String {
        switch (self, better) {
        case (.zh, "lower"): return "越低越好"
        case (.zh, "higher"): return "越高越好"
        case (.en, "lower"): return "lower is better"
        case (.en, "higher"): return "higher is better"
        default: return ""
        }
    }
}
