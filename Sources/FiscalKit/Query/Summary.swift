import GRDB

/// The leadership summary and side-by-side comparison, built on ``Trends``.
///
/// The summary ranks, for each key indicator, on the measure leadership reads
/// it by: 三公经费 and 七项经费 by their growth (change_rate, lower first: amounts
/// differ with a unit's size), 非税收入征收成本率 by value (lower first),
/// 财政供养比 and 预算执行率 by value (higher first).
public struct Summary {
    public let trends: Trends

    public init(database: FiscalDatabase) {
        trends = Trends(database: database)
    }

    public static let keyIndicators: [(code: String, by: Trends.RankBy)] = [
        ("three_public", .changeRate), ("seven_items", .changeRate), ("nontax_cost_rate", .value),
        ("supported_ratio", .value), ("budget_execution_rate", .value),
    ]

    /// indicator,group,rank,unit,region,kind,year,value,previous,change,change_rate —
    /// group is best, worst or missing; best and worst are the first and last five ranks.
    /// With `collapseMissing` (tables people read) the units without figures are
    /// one row per kind — "32 个部门无数据" — instead of a row each; CSV and JSON
    /// keep a row per unit for scripts.
    public func summary(year: Int, filter: Trends.Filter, count: Int = 5, language: Language,
                        collapseMissing: Bool = false) throws -> ResultTable {
        var table = ResultTable(columns: language.headers(["indicator", "group", "rank", "unit", "region", "kind", "year",
                                                           "value", "previous", "change", "change_rate"]))
        let catalog = try trends.database.catalog()
        // The five indicators' reads are independent: two at a time, on two connections.
        let rankings = try trends.database.concurrentMap(Self.keyIndicators.count) { database, index in
            let (code, by) = Self.keyIndicators[index]
            let rows = try Trends(database: database).rowsOfYear(indicator: code, year: year, filter: filter)
            return Trends.ranked(rows, by: by, ascending: catalog.metric(code: code)?.better == "lower")
        }
        for ((code, _), ranked) in zip(Self.keyIndicators, rankings) {
            let withRank = ranked.filter { $0.rank != nil }
            let best = withRank.prefix(count)
            let worst = withRank.count > count ? Array(withRank.suffix(min(count, withRank.count - count))) : []
            let missing = ranked.filter { $0.rank == nil }
            let name = language == .zh ? (catalog.metric(code: code)?.nameZh ?? code) : code
            let missingLabel = language == .zh ? "缺数据" : "missing"
            for (group, rows) in [("best", Array(best)), ("worst", worst), ("missing", collapseMissing ? [] : missing)] {
                let label = language == .zh ? ["best": "最好", "worst": "最差", "missing": missingLabel][group]! : group
                for (rank, row) in rows {
                    table.append([.text(name), .text(label), rank.map { .label($0) } ?? .missing, .text(row.unit),
                                  StoreQueries.optional(row.region), .text(language.kindName(row.kind)), .label(row.year),
                                  Trends.number(row.value), Trends.number(row.previous), Trends.number(row.change),
                                  Trends.number(row.changeRate)])
                }
            }
            guard collapseMissing else { continue }
            for kind in UnitKind.allCases.map(\.rawValue) {
                let lacking = missing.filter { $0.row.kind == kind }.count
                guard lacking > 0 else { continue }
                let text = language == .zh ? "\(lacking) 个\(language.kindName(kind))无数据"
                                           : "\(lacking) \(kind == "other" ? "other units" : kind + "s") without figures"
                table.append([.text(name), .text(missingLabel), .missing, .text(text), .missing, .text(language.kindName(kind)),
                              .label(year), .missing, .missing, .missing, .missing])
            }
        }
        return table
    }

    /// Every indicator for some units in one year, side by side: the value and
    /// its change rate per unit. Long form (CSV/JSON): unit,indicator,year,value,previous,change,change_rate.
    public func compare(units: [String], year: Int?, language: Language, long: Bool) throws -> ResultTable {
        let catalog = try trends.database.catalog()
        let indicators = catalog.metrics.filter(\.isIndicator)
        var rowsByIndicator: [(Metric, [Trends.Row])] = []
        var years: Set<Int> = []
        for indicator in indicators {
            let rows = try trends.rows(indicator: indicator.code, filter: Trends.Filter(units: units))
            years.formUnion(rows.filter { $0.value != nil }.map(\.year))
            rowsByIndicator.append((indicator, rows))
        }
        guard let chosen = year ?? years.max() else {
            throw FiscalError.invalid("no indicator has a value for these units")
        }
        let unitNames = try trends.database.queue.read { db in
            try StoreQueries.unitIDs(units, db).map { id in try String.fetchOne(db, sql: "SELECT name FROM units WHERE id = ?", arguments: [id])! }
        }
        if long {
            var table = ResultTable(columns: ["unit", "indicator", "year", "value", "previous", "change", "change_rate"])
            for (indicator, rows) in rowsByIndicator {
                for unit in unitNames {
                    let row = rows.first { $0.unit == unit && $0.year == chosen }
                    table.append([.text(unit), .text(indicator.code), .label(chosen), Trends.number(row?.value),
                                  Trends.number(row?.previous), Trends.number(row?.change), Trends.number(row?.changeRate)])
                }
            }
            return table
        }
        let rate = language == .zh ? "变化率%" : "change %"
        var table = ResultTable(columns: [language == .zh ? "指标 \(chosen)" : "indicator \(chosen)"]
                                + unitNames.flatMap { [$0, rate] })
        for (indicator, rows) in rowsByIndicator {
            var cells: [ResultTable.Cell] = [.text(language == .zh ? indicator.nameZh : indicator.code)]
            for unit in unitNames {
                let row = rows.first { $0.unit == unit && $0.year == chosen }
                cells += [Trends.number(row?.value), Trends.number(row?.changeRate)]
            }
            table.append(cells)
        }
        return table
    }
}
