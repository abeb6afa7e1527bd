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
        /// Every quarter (0–4) at once, each compared with its own quarter of the year before.
        public var allQuarters = false
        /// Leave out periods with neither a value nor a previous value, and the
        /// reasons (the export: they say nothing about a trend).
        public var onlyTrendRows = false
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
        public var unitID: Int64
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

    /// The rows of one year, with a row without values for every unit of the
    /// filter that has none (a unit that filed nothing that year is listed, unranked).
    public func rowsOfYear(indicator: String, year: Int, filter: Filter) throws -> [Row] {
        var yearFilter = filter
        yearFilter.from = year
        yearFilter.to = year
        var rows = try self.rows(indicator: indicator, filter: yearFilter)
        let present = Set(rows.map(\.unitID))  // ids, not names: hashing Chinese names showed in perf
        let code = rows.first?.indicator ?? indicator
        try database.queue.read { db in
            var conditions: [String] = []
            var arguments = StatementArguments()
            if let kind = filter.kind { conditions.append("kind = ?"); arguments += [kind.rawValue] }
            if let region = filter.region { conditions.append("region = ?"); arguments += [region] }
            if !filter.units.isEmpty {
                let ids = try StoreQueries.unitIDs(filter.units, db)
                conditions.append("id IN (\(StoreQueries.placeholders(ids.count)))")
                arguments += StatementArguments(ids)
            }
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let units = try GRDB.Row.fetchCursor(db, sql: "SELECT id, name, region, kind FROM units \(whereClause)", arguments: arguments)
            while let unit = try units.next() {
                guard !present.contains(unit[0] as Int64) else { continue }
                rows.append(Row(unitID: unit[0], unit: unit[1], region: unit[2], kind: unit[3], indicator: code, year: year,
                                quarter: filter.quarter, value: nil, previous: nil, change: nil, changeRate: nil,
                                reason: "no figures for \(year)"))
            }
        }
        return rows
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

    /// Totals of `fiscal score` that rank like indicators (queries/scoring.sql's score_values).
    public static let scoreMeasures = ["score_difference", "score_points"]

    /// One row per unit and year of an indicator (or a raw metric's code, or a
    /// score measure), in unit-name, year and quarter order. Read whole and
    /// sorted here by integers: the fastest for the commands that need every
    /// row at once (`rank`, `summary`, `compare`, the report); the listings
    /// stream with ``forEachRow(indicator:filter:_:)``.
    public func rows(indicator name: String, filter: Filter) throws -> [Row] {
        try database.queue.read { db in
            let (code, query, arguments) = try Self.valuesQuery(indicator: name, filter: filter, db)
            // Columns by position and units by id: at province scale (100,000
            // rows and more) name lookups and hashing Chinese strings per row
            // were most of the time (perf, BENCHMARKS.md). Reasons are not read
            // for the export.
            // Prepared once per connection: preparing trend_values (its views
            // unfold to some twenty SELECTs) took 9 ms, paid five times by
            // `fiscal summary` and forty by a report.
            let cursor = try GRDB.Row.fetchCursor(db.cachedStatement(sql: query), arguments: arguments)
            // A period packed in one integer (year and quarter; the unit's rank
            // goes above them once the units are sorted): at province scale the
            // export sorts 500,000 periods per indicator, and hashing and
            // comparing structs was most of its time (BENCHMARKS.md).
            struct Fetched { var unit: Int64, period: UInt64, value: Double?, reason: String? }
            var units: [Int64: UnitColumns] = [:]
            var fetched: [Fetched] = []
            while let row = try cursor.next() {
                let unitID: Int64 = row[0]
                if units[unitID] == nil { units[unitID] = UnitColumns(name: row[1], region: row[2], kind: row[3]) }
                fetched.append(Fetched(unit: unitID, period: UInt64(row[4] as Int) << 3 | UInt64(row[5] as Int), value: row[6],
                                       reason: filter.onlyTrendRows ? nil : row[7]))
            }
            // Unit name, year, quarter: sorted here by integers (an ORDER BY
            // u.name sorted every row by its Chinese name).
            let rank = try Self.nameRanks(units.mapValues(\.name), db)
            var order: [(key: UInt64, index: Int)] = []
            order.reserveCapacity(fetched.count)
            for (index, item) in fetched.enumerated() { order.append((rank[item.unit]! << 20 | item.period, index)) }
            order.sort { $0.key < $1.key }
            var rows: [Row] = []
            rows.reserveCapacity(order.count)
            var yearOverYear = YearOverYear(code: code, filter: filter)
            for entry in order {
                let item = fetched[entry.index]
                yearOverYear.add(unitID: item.unit, units[item.unit]!, year: Int(item.period >> 3), quarter: Int(item.period & 7),
                                 value: item.value, reason: item.reason) { rows.append($0) }
            }
            return rows
        }
    }

    /// The rows of ``rows(indicator:filter:)``, the same and in the same order,
    /// each handed to `body` as SQLite reads it: memory stays flat however many
    /// rows an indicator has (issue 13; `fiscal trend`, the export). SQLite
    /// sorts them by unit name (its sorter spills to disk past its cache), and
    /// each period's previous value is the row before it of the same quarter.
    /// When some name's byte order differs from Swift's (a name not in NFC,
    /// which the import never stores), the rows are read whole and sorted here.
    /// `body` runs inside the read: it must not use the database itself.
    public func forEachRow(indicator name: String, filter: Filter, _ body: (Row) throws -> Void) throws {
        let streamed = try database.queue.read { db -> Bool in
            guard try Self.namesSortAsInSwift(db) else { return false }
            let (code, query, arguments) = try Self.valuesQuery(indicator: name, filter: filter, db)
            // A second thread sorts SQLite's sorted runs as the first reads on:
            // the export's 500,000-row files in 0.42 s, not 0.53 s (BENCHMARKS.md).
            try db.execute(sql: "PRAGMA threads = 2")
            let cursor = try GRDB.Row.fetchCursor(
                db.cachedStatement(sql: "SELECT * FROM (\(query)\n) ORDER BY unit, year, quarter"), arguments: arguments)
            var yearOverYear = YearOverYear(code: code, filter: filter)
            var unit = UnitColumns(name: "", region: nil, kind: "")
            var unitID: Int64?
            while let row = try cursor.next() {
                let id: Int64 = row[0]
                if id != unitID { unitID = id; unit = UnitColumns(name: row[1], region: row[2], kind: row[3]) }
                try yearOverYear.add(unitID: id, unit, year: row[4], quarter: row[5], value: row[6],
                                     reason: filter.onlyTrendRows ? nil : row[7], body)
            }
            return true
        }
        if !streamed { try rows(indicator: name, filter: filter).forEach(body) }
    }

    /// The indicator's code, and trend.sql's trend_values (or scoring.sql's
    /// score_values) with its arguments: the year before the first shown is
    /// read too, for its previous values.
    static func valuesQuery(indicator name: String, filter: Filter, _ db: Database)
        throws -> (code: String, sql: String, arguments: StatementArguments) {
        let catalog = try FiscalDatabase.catalog(db)
        let scoring = scoreMeasures.contains(name)
        guard let code = scoring ? name : (catalog.metric(code: name) ?? catalog.metric(named: name))?.code else {
            throw FiscalError.invalid("unknown indicator '\(name)'; `fiscal indicators` lists them (any metric code works too, and score_difference, score_points); closest: \(catalog.closestNames(to: name).joined(separator: ", "))")
        }
        let library = QueryLibrary.embedded
        let query = try library.query(scoring ? "score_values" : "trend_values")
        let names = filter.units.isEmpty ? nil : try StoreQueries.unitNames(filter.units, db)
        let common: [String: (any DatabaseValueConvertible)?] = [
            "from_year": filter.from.map { $0 - 1 }, "to_year": filter.to, "kind": filter.kind?.rawValue, "region": filter.region,
            "units": names.map { StoreQueries.jsonArray($0) },
        ]
        let arguments = try library.arguments(query, common.merging(scoring ? ["measure": code] : [
            "indicator": code,
            "from_quarter": filter.allQuarters ? 0 : filter.quarter, "to_quarter": filter.allQuarters ? 4 : filter.quarter,
        ]) { first, _ in first })
        return (code, query.sql, arguments)
    }

    struct UnitColumns { var name: String, region: String?, kind: String }

    /// The previous year in one pass, as the indicator_trend view's window
    /// takes it: the rows come unit by unit, years and quarters ascending, so
    /// a period's previous value is the last row of its quarter, when that row
    /// is of the year before. Rows before the filter's first year only give
    /// previous values; with `onlyTrendRows`, periods with neither a value nor
    /// a previous value are left out.
    struct YearOverYear {
        let code: String
        let filter: Filter
        var unit: Int64?
        /// By quarter (0–4, schema.sql's CHECK): the last year seen and its value.
        var last = [(year: Int, value: Double?)](repeating: (Int.min, nil), count: 5)

        init(code: String, filter: Filter) {
            self.code = code
            self.filter = filter
        }

        mutating func add(unitID: Int64, _ unit: UnitColumns, year: Int, quarter: Int, value: Double?, reason: String?,
                          _ body: (Row) throws -> Void) rethrows {
            if unitID != self.unit {
                self.unit = unitID
                for index in last.indices { last[index] = (Int.min, nil) }
            }
            var previous: Double?
            if last.indices.contains(quarter) {                 // always, by the CHECK; else no previous
                previous = last[quarter].year == year - 1 ? last[quarter].value : nil
                last[quarter] = (year, value)
            }
            if let from = filter.from, year < from { return }
            if filter.onlyTrendRows && value == nil && previous == nil { return }
            let change = value.flatMap { v in previous.map { v - $0 } }
            let rate = change.flatMap { c in previous.flatMap { $0 != 0 ? 100 * c / $0 : nil } }
            try body(Row(unitID: unitID, unit: unit.name, region: unit.region, kind: unit.kind, indicator: code,
                         year: year, quarter: quarter, value: value, previous: previous, change: change, changeRate: rate,
                         reason: reason))
        }
    }

    /// Whether SQLite's order of all unit names (their bytes) is Swift's
    /// String order, pair by pair: it is for names in NFC.
    static func namesSortAsInSwift(_ db: Database) throws -> Bool {
        let cursor = try String.fetchCursor(db.cachedStatement(sql: "SELECT name FROM units ORDER BY name"))
        var previous: String?
        while let name = try cursor.next() {
            if let previous, !(previous < name) { return false }
            previous = name
        }
        return true
    }

    /// Each unit's place in name order (Swift's String order). SQLite lists the
    /// units in its name index's byte order, the same for names in NFC; the
    /// order is checked pair by pair and sorted here only when a pair
    /// disagrees: sorting 10,000 Chinese names in Swift was 7 % of `fiscal rank`.
    static func nameRanks(_ names: [Int64: String], _ db: Database) throws -> [Int64: UInt64] {
        var ordered: [(id: Int64, name: String)] = []
        ordered.reserveCapacity(names.count)
        let cursor = try GRDB.Row.fetchCursor(db.cachedStatement(sql: "SELECT id FROM units ORDER BY name"))
        while let row = try cursor.next() {
            let id: Int64 = row[0]
            if let name = names[id] { ordered.append((id, name)) }
        }
        if ordered.count != names.count || !zip(ordered, ordered.dropFirst()).allSatisfy({ $0.name < $1.name }) {
            ordered = names.map { (id: $0.key, name: $0.value) }.sorted { $0.name < $1.name }
        }
        return Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($0.element.id, UInt64($0.offset)) })
    }

    /// The long form for CSV and JSON:
    /// unit,region,kind,indicator,year,quarter,value,previous,change,change_rate.
    public static func longTable(_ rows: [Row], language: Language) -> ResultTable {
        var table = ResultTable(columns: language.headers(longColumns))
        for row in rows { table.append(longCells(row)) }
        return table
    }

    /// The columns of the long form (CSV, JSON, the export).
    public static let longColumns = ["unit", "region", "kind", "indicator", "year", "quarter", "value", "previous", "change", "change_rate"]

    /// One row of the long form.
    public static func longCells(_ row: Row) -> [ResultTable.Cell] {
        [.text(row.unit), StoreQueries.optional(row.region), .text(row.kind), .text(row.indicator),
         .label(row.year), .label(row.quarter), number(row.value), number(row.previous),
         number(row.change), number(row.changeRate)]
    }

    /// The terminal form: units as rows, years as columns, the latest change
    /// rate with its sign, and a sparkline.
    public static func wideTable(_ rows: [Row], language: Language) -> ResultTable {
        var builder = WideTable()
        for row in rows { builder.add(row) }
        return builder.table(language: language)
    }

    /// ``wideTable(_:language:)`` built row by row from ``forEachRow(indicator:filter:_:)``:
    /// it keeps each unit's values by year, not the rows.
    public struct WideTable {
        // Grouped by unit id (names are unique), not by name: hashing 100,000
        // Chinese names was a fifth of `fiscal trend` at province scale (perf).
        var groupOfUnit: [Int64: Int] = [:]
        var groups: [(unit: String, years: [(year: Int, value: Double?, rate: Double?)])] = []
        var years: Set<Int> = []

        public init() {}

        public mutating func add(_ row: Row) {
            let group: Int
            if let known = groupOfUnit[row.unitID] {
                group = known
            } else {
                group = groups.count
                groupOfUnit[row.unitID] = group
                groups.append((row.unit, []))
            }
            groups[group].years.append((row.year, row.value, row.changeRate))
            years.insert(row.year)
        }

        public func table(language: Language) -> ResultTable {
            let years = years.sorted()
            var groups = groups
            // The rows come in name order, so the sort only checks.
            if !zip(groups, groups.dropFirst()).allSatisfy({ $0.unit < $1.unit }) { groups.sort { $0.unit < $1.unit } }
            let latest = language == .zh ? "最新变化率%" : "latest change %"
            var table = ResultTable(columns: [language == .zh ? "单位" : "unit"] + years.map(String.init)
                                    + [latest, language == .zh ? "走势" : "trend"])
            table.rows.reserveCapacity(groups.count)
            let column = Dictionary(uniqueKeysWithValues: years.enumerated().map { ($0.element, $0.offset) })
            for (unit, ofUnit) in groups {
                var values = [Double?](repeating: nil, count: years.count)
                var rates = [Double?](repeating: nil, count: years.count)
                for entry in ofUnit {
                    values[column[entry.year]!] = entry.value
                    rates[column[entry.year]!] = entry.rate
                }
                let lastRate = rates.reversed().lazy.compactMap { $0 }.first
                var row: [ResultTable.Cell] = [.text(unit)]
                row += values.map { $0.map { .real($0, decimals: 2) } ?? .missing }
                row.append(lastRate.map { .signed($0, decimals: 2) } ?? .missing)
                row.append(.text(sparkline(values)))
                table.append(row)
            }
            return table
        }
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

    // MARK: Ranking

    public enum RankBy: String, CaseIterable, Sendable {
        case value, change, changeRate = "change_rate"
    }

    /// Which way an indicator ranks by default: lower first when lower is
    /// better (三公经费 and its growth), else higher first.
    public func defaultAscending(indicator name: String) throws -> Bool {
        let catalog = try database.catalog()
        let metric = catalog.metric(code: name) ?? catalog.metric(named: name)
        return metric?.better == "lower"
    }

    /// Competition ranking (1, 2, 2, 4) by exact value; rows without the
    /// measure come after the ranked ones, without a rank.
    public static func ranked(_ rows: [Row], by: RankBy, ascending: Bool) -> [(rank: Int?, row: Row)] {
        let measures = rows.map { row -> Double? in
            switch by {
            case .value: return row.value
            case .change: return row.change
            case .changeRate: return row.changeRate
            }
        }
        // Positions are sorted, not rows: moving the rows themselves was a
        // tenth of `fiscal summary` at province scale (perf).
        let present = rows.indices.filter { measures[$0] != nil }.sorted { a, b in
            let (x, y) = (measures[a]!, measures[b]!)
            return x != y ? (ascending ? x < y : x > y) : rows[a].unit < rows[b].unit
        }
        var result: [(rank: Int?, row: Row)] = []
        result.reserveCapacity(rows.count)
        for (index, position) in present.enumerated() {
            let tied = index > 0 && measures[present[index - 1]] == measures[position]
            result.append((tied ? result[index - 1].rank : index + 1, rows[position]))
        }
        let missing = rows.indices.filter { measures[$0] == nil }.sorted { rows[$0].unit < rows[$1].unit }
        return result + missing.map { (nil, rows[$0]) }
    }

    /// rank,unit,region,kind,indicator,year,value,previous,change,change_rate.
    public static func rankTable(_ ranked: [(rank: Int?, row: Row)], language: Language) -> ResultTable {
        var table = ResultTable(columns: language.headers(["rank", "unit", "region", "kind", "indicator", "year",
                                                           "value", "previous", "change", "change_rate"]))
        for (rank, row) in ranked {
            table.append([rank.map { .label($0) } ?? .missing, .text(row.unit), StoreQueries.optional(row.region),
                          .text(language.kindName(row.kind)), .text(row.indicator), .label(row.year), number(row.value),
                          number(row.previous), number(row.change), number(row.changeRate)])
        }
        return table
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
        "name": "名称", "formula": "公式", "better": "方向", "rank": "排名", "group": "分组",
        "metric": "指标", "basis": "口径", "source": "来源文件", "location": "位置", "resolved": "采用",
        "part": "部分", "text": "原文", "years": "覆盖年度", "figures": "数据条数", "aliases": "别名",
        "name_zh": "中文名称", "name_en": "英文名称", "synonyms": "同义词", "total": "合计", "parts": "构成",
        "parts_sum": "构成之和", "unstated": "未列明", "finding": "结论", "level_1": "一级指标", "level_2": "二级指标",
        "points": "分值", "self": "自评分", "project": "项目", "initial": "年初预算", "budget": "预算",
        "final": "决算", "execution_rate": "执行率%", "self_score": "自评分", "why": "原因",
        "reported": "报告值", "computed": "重算值", "difference": "差额", "file": "文件", "status": "状态",
    ]

    /// CSV and JSON keep the documented English column names; tables translate.
    public func headers(_ columns: [String]) -> [String] {
        self == .zh ? columns.map { Self.chinese[$0] ?? $0 } : columns
    }

    /// A unit's kind as people read it: 乡镇/部门/其他 under zh, the code under en (and in CSV/JSON).
    public func kindName(_ kind: String) -> String {
        self == .zh ? (UnitKind(rawValue: kind)?.nameZh ?? kind) : kind
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
