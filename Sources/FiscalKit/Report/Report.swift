import Foundation
import GRDB

/// `fiscal report`: the leadership's ranked summary as one self-contained HTML
/// page — a cover, a page per headline indicator (trend line, ranked bars,
/// best and worst five, the units without figures in one line), data quality
/// and method. The numbers come from ``Trends`` (the same ranking as `fiscal
/// rank`); the page from a Mustache template (``ReportTemplate``).
public struct Report: Sendable {
    public let database: FiscalDatabase

    public init(database: FiscalDatabase) {
        self.database = database
    }

    public struct Options: Sendable {
        public var year: Int
        public var region: String?
        public var kind: UnitKind?
        /// Indicator codes or names; empty: the headline four, then every other with figures.
        public var indicators: [String] = []
        public var language: Language = .zh
        /// "generated at" on the cover; pinned for byte-identical reports.
        public var generatedAt: Date = Date()
        public init(year: Int, region: String? = nil, kind: UnitKind? = nil, indicators: [String] = [],
                    language: Language = .zh, generatedAt: Date = Date()) {
            self.year = year
            self.region = region
            self.kind = kind
            self.indicators = indicators
            self.language = language
            self.generatedAt = generatedAt
        }
    }

    /// 三公经费, 七项经费, 非税收入征收成本率, 财政供养比: the issue's headline order.
    public static let headline = ["three_public", "seven_items", "nontax_cost_rate", "supported_ratio"]

    /// How many units the best and worst tables show.
    public static let tableSize = 5

    /// The template's context: plain dictionaries and arrays of strings and booleans.
    public func context(_ options: Options) throws -> [String: Any] {
        let zh = options.language == .zh
        let catalog = try database.catalog()
        let filter = Trends.Filter(kind: options.kind, region: options.region)
        let scopeUnits = try units(options)
        guard !scopeUnits.isEmpty else {
            throw FiscalError.invalid("no units in this scope (--region/--kind): `fiscal units` lists them")
        }

        // The indicators: asked for, or the headline ones then the others that have figures that year.
        var codes: [String] = []
        if options.indicators.isEmpty {
            codes = Self.headline + catalog.metrics.filter { $0.isIndicator && !Self.headline.contains($0.code) }.map(\.code)
        } else {
            for name in options.indicators {
                guard let metric = catalog.metric(code: name) ?? catalog.metric(named: name), metric.isIndicator else {
                    throw FiscalError.invalid("unknown indicator '\(name)'; `fiscal indicators` lists them")
                }
                codes.append(metric.code)
            }
        }
        // The data-quality checks and each indicator's page are independent
        // reads, taken in turn by two threads on two connections (a province's
        // report spent 70 % of its time in these queries, one core idle;
        // BENCHMARKS.md). The pages keep the codes' order.
        enum Part { case quality([String: Any]), section([String: Any]?) }
        let indicatorCodes = codes
        let parts = try database.concurrentMap(codes.count + 1) { database, task -> Part in
            let report = Report(database: database)
            // The quality checks first: the longest task.
            guard task > 0 else { return .quality(try report.quality(options, scopeUnits: scopeUnits)) }
            let code = indicatorCodes[task - 1]
            let metric = catalog.metric(code: code)!
            let line = try report.lineValues(indicator: code, filter: filter)
            let thisYear = try Trends(database: database).rowsOfYear(indicator: code, year: options.year, filter: filter)
            let hasFigures = thisYear.contains { $0.value != nil }
            // Without --indicators, an indicator beyond the headline ones shows only with figures.
            if options.indicators.isEmpty && !Self.headline.contains(code) && !hasFigures { return .section(nil) }
            return .section(report.section(metric, line: line, year: thisYear, options: options))
        }
        var quality: [String: Any] = [:]
        var sectionsByIndex: [[String: Any]?] = []
        for part in parts {
            switch part {
            case let .quality(checks): quality = checks
            case let .section(section): sectionsByIndex.append(section)
            }
        }
        var sections: [[String: Any]] = []
        var method: [[String: Any]] = []
        for (index, code) in codes.enumerated() {
            guard let section = sectionsByIndex[index] else { continue }
            let metric = catalog.metric(code: code)!
            sections.append(section)
            method.append(["name": zh ? metric.nameZh : metric.nameEn, "code": code,
                           "formula": Self.formula(metric.formula ?? "", catalog: catalog, zh: zh),
                           "better": options.language.direction(metric.better)])
        }

        let kinds = Dictionary(grouping: scopeUnits, by: \.kind).mapValues(\.count)
        let imports = try database.queue.read { db in
            try Row.fetchAll(db, sql: "SELECT path, format, document_year, imported_at, figures FROM imports ORDER BY imported_at, id")
        }
        let regions = Set(scopeUnits.compactMap(\.region)).sorted()
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate, .withSpaceBetweenDateAndTime]
        return [
            "lang": zh ? "zh-CN" : "en",
            "title": zh ? "\(options.region ?? regions.joined(separator: "、"))\(options.year)年度绩效数据分析报告"
                        : "Performance data report \(options.year): \(options.region ?? regions.joined(separator: ", "))",
            "region": options.region ?? (regions.isEmpty ? ReportNumber.missing : regions.joined(separator: zh ? "、" : ", ")),
            "year": String(options.year),
            "scope": scopeText(kinds, zh: zh),
            "generated": formatter.string(from: options.generatedAt) + (zh ? "（北京时间）" : " (Beijing time)"),
            "imports": imports.map { row in
                ["path": row["path"] as String, "format": row["format"] as String? ?? "",
                 "year": (row["document_year"] as Int?).map(String.init) ?? "", "at": Self.beijingTime(row["imported_at"] as String),
                 "figures": String(row["figures"] as Int? ?? 0)]
            },
            "importCount": String(imports.count),
            "latestImport": imports.last.map { Self.beijingTime($0["imported_at"] as String) } ?? ReportNumber.missing,
            "sections": sections,
            "quality": quality,
            "method": method,
            "zh": zh,
            "labels": labels(zh: zh),
        ]
    }

    struct ScopeUnit {
        var id: Int64
        var name: String
        var region: String?
        var kind: String
    }

    func units(_ options: Options) throws -> [ScopeUnit] {
        try database.queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, name, region, kind FROM units
                WHERE (? IS NULL OR kind = ?) AND (? IS NULL OR region = ?)
                ORDER BY id
                """, arguments: [options.kind?.rawValue, options.kind?.rawValue, options.region, options.region])
                .map { ScopeUnit(id: $0["id"], name: $0["name"], region: $0["region"], kind: $0["kind"]) }
        }
    }

    func scopeText(_ kinds: [String: Int], zh: Bool) -> String {
        let order = ["township", "department", "other"]
        let names = zh ? ["township": "个乡镇", "department": "个部门", "other": "个其他单位"]
                       : ["township": " townships", "department": " departments", "other": " other units"]
        return order.compactMap { kind in kinds[kind].map { "\($0)\(names[kind]!)" } }.joined(separator: zh ? "、" : ", ")
    }

    static func kindName(_ kind: String, zh: Bool) -> String {
        zh ? (["township": "乡镇", "department": "部门", "other": "其他单位"][kind] ?? kind)
           : (["township": "Townships", "department": "Departments", "other": "Other units"][kind] ?? kind)
    }

    /// One headline indicator: the scope's line over the years, and per kind of
    /// unit the ranked bars, best and worst five, and those without figures.
    /// An indicator's values in the scope by year (queries/report.sql, report_line_values).
    func lineValues(indicator: String, filter: Trends.Filter) throws -> [Int: [Double]] {
        try database.queue.read { db in
            let library = QueryLibrary.embedded
            let query = try library.query("report_line_values")
            let arguments = try library.arguments(query, ["indicator": indicator, "quarter": filter.quarter,
                                                          "kind": filter.kind?.rawValue, "region": filter.region])
            var values: [Int: [Double]] = [:]
            let rows = try Row.fetchCursor(db.cachedStatement(sql: query.sql), arguments: arguments)  // once per connection
            while let row = try rows.next() { values[row[0], default: []].append(row[1]) }
            return values
        }
    }

    func section(_ metric: Metric, line: [Int: [Double]], year rows: [Trends.Row], options: Options) -> [String: Any] {
        let zh = options.language == .zh
        let unit = metric.unit
        let ascending = metric.better == "lower"
        // The line: the scope's total for amounts (万元), the median for rates and ratios
        // (a sum of rates means nothing; a mean is pulled by one odd unit).
        let summed = unit == "万元"
        let points: [(label: String, value: Double?)] = line.keys.sorted().map { year in
            let values = line[year]!
            return (String(year), summed ? Self.total(values) : Self.median(values))
        }
        let lineTitle = zh ? "\(metric.nameZh)：\(summed ? "合计" : "中位数")，历年" : "\(metric.nameEn): \(summed ? "total" : "median") by year"
        var groups: [[String: Any]] = []
        for kind in ["township", "department", "other"] {
            let ofKind = rows.filter { $0.kind == kind }
            guard !ofKind.isEmpty else { continue }
            let ranked = Trends.ranked(ofKind, by: .value, ascending: ascending)
            let withRank = ranked.filter { $0.rank != nil }
            let missing = ranked.count - withRank.count
            let kindName = Self.kindName(kind, zh: zh)
            var group: [String: Any] = [
                "kind": kind, "kindName": kindName, "ranked": String(withRank.count),
                "missingLine": missing == 0 ? "" : (zh ? "\(missing) 个\(kindName)无\(metric.nameZh)数据"
                                                       : "\(missing) \(kindName.lowercased()) without \(metric.nameEn) figures"),
            ]
            if !withRank.isEmpty {
                let bars = withRank.map { entry in
                    SVGChart.Bar(label: entry.row.unit, value: entry.row.value!, valueText: ReportNumber.value(entry.row.value, unit: unit),
                                 tone: Self.tone(change: entry.row.change, better: metric.better))
                }
                let chartTitle = zh ? "\(options.year)年\(kindName)\(metric.nameZh)排名" : "\(metric.nameEn) \(options.year), \(kindName.lowercased())"
                group["chart"] = SVGChart.bars(bars, title: chartTitle)
                let best = Array(withRank.prefix(Self.tableSize))
                let worst = withRank.count > Self.tableSize ? Array(withRank.suffix(min(Self.tableSize, withRank.count - Self.tableSize)).reversed()) : []
                group["best"] = best.map { tableRow($0.rank, $0.row, unit: unit, better: metric.better) }
                group["worst"] = worst.map { tableRow($0.rank, $0.row, unit: unit, better: metric.better) }
                group["hasWorst"] = !worst.isEmpty
            }
            group["hasRanked"] = !withRank.isEmpty
            group["hasMissing"] = missing > 0
            groups.append(group)
        }
        return [
            "code": metric.code, "name": zh ? metric.nameZh : metric.nameEn, "unit": unit,
            "direction": options.language.direction(metric.better),
            "lineChart": points.contains { $0.value != nil } ? SVGChart.line(points, title: lineTitle) : "",
            "hasLine": points.contains { $0.value != nil }, "hasUnit": !unit.isEmpty,
            "lineTitle": lineTitle, "groups": groups, "formula": metric.formula ?? "",
        ]
    }

    func tableRow(_ rank: Int?, _ row: Trends.Row, unit: String, better: String?) -> [String: Any] {
        [
            "rank": rank.map(String.init) ?? ReportNumber.missing, "unit": row.unit,
            "value": ReportNumber.value(row.value, unit: unit), "previous": ReportNumber.value(row.previous, unit: unit),
            "change": ReportNumber.signed(row.change), "changeRate": row.changeRate.map { ReportNumber.signed($0) + "%" } ?? ReportNumber.missing,
            "tone": Self.tone(change: row.change, better: better),
        ]
    }

    /// better (green), worse (red) or same (grey): the change against the year before, by the indicator's better direction.
    static func tone(change: Double?, better: String?) -> String {
        guard let change, change != 0, let better else { return "same" }
        return (change < 0) == (better == "lower") ? "better" : "worse"
    }

    /// An import's time (stored in UTC, ISO 8601) as "2024-03-01 09:30" Beijing time.
    static func beijingTime(_ stored: String) -> String {
        guard let date = ISO8601DateFormatter().date(from: stored) else { return stored }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// A catalogue formula for leaders: each metric code by its 中文 name under zh
    /// ("three_public final ÷ budget" → "三公经费（计算） final ÷ budget" and so on).
    static func formula(_ text: String, catalog: MetricCatalog, zh: Bool) -> String {
        guard zh else { return text }
        var text = text
        for (phrase, chinese) in [(" of the year before", "（上年）"), (" stands for ", " 即 ")] {
            text = text.replacingOccurrences(of: phrase, with: chinese)
        }
        var result = ""
        var word = ""
        func flush() {
            result += catalog.metric(code: word).map(\.nameZh) ?? (["final": "决算数", "budget": "预算数", "initial": "年初预算数", "plan": "计划数",
                                                                  "else": "否则", "or": "或"][word] ?? word)
            word = ""
        }
        for character in text {
            if character.isASCII && (character.isLetter || character.isNumber || character == "_") {
                word.append(character)
            } else {
                flush()
                result.append(character)
            }
        }
        flush()
        return result
    }

    /// The exact total of amounts (万元, stored to the millionth): added as
    /// integer millionths, so the order the values come in does not change
    /// the last digit. Beyond what an Int64 holds, a plain sum.
    static func total(_ values: [Double]) -> Double {
        var sum: Int64 = 0
        for value in values {
            let millionths = (value * 1_000_000).rounded()
            guard abs(millionths) < 9e15 else { return values.reduce(0, +) }
            let (next, overflow) = sum.addingReportingOverflow(Int64(millionths))
            guard !overflow else { return values.reduce(0, +) }
            sum = next
        }
        return Double(sum) / 1_000_000
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Conflicting figures, stated values that differ from the recomputed ones,
    /// and the most generous self-scores, for the year and scope.
    func quality(_ options: Options, scopeUnits: [ScopeUnit]) throws -> [String: Any] {
        let inScope = Set(scopeUnits.map(\.name))
        let library = QueryLibrary.embedded
        let conflicts = try database.queue.read { db in
            let query = try library.query("report_conflicts")
            return try Row.fetchAll(db, sql: query.sql, arguments: try library.arguments(query, ["year": options.year]))
                .filter { inScope.contains($0["unit"]) }
        }
        let reported = try StoreQueries(database: database).reportedValues(StoreQueries.FactFilter(years: [options.year]))
            .filter { inScope.contains($0.unit) && $0.finding == .differs }
            .sorted { abs($0.difference ?? 0) > abs($1.difference ?? 0) }
        // on one connection: this runs on one of the pages' two busy threads
        let totals = try Scores(database: database).totals(year: options.year, kind: options.kind, region: options.region, parallel: false)
            .compactMap { total in total.difference.map { (total.unit, $0, total) } }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        return [
            "conflictCount": String(conflicts.count),
            "conflicts": conflicts.prefix(10).map { row in
                ["unit": row["unit"] as String, "metric": row["metric"] as String, "basis": row["basis"] as String,
                 "values": row["vals"] as String, "spread": ReportNumber.grouped(row["spread"] as Double), "sources": String(row["sources"] as Int)]
            },
            "hasConflicts": !conflicts.isEmpty,
            "reportedCount": String(reported.count),
            "reported": reported.prefix(10).map { value in
                ["unit": value.unit, "indicator": value.indicator, "reported": value.reported.description,
                 "computed": value.computed.map { ReportNumber.grouped($0) } ?? ReportNumber.missing,
                 "difference": ReportNumber.signed(value.difference), "source": value.source, "location": value.location]
            },
            "hasReported": !reported.isEmpty,
            "scoreCount": String(totals.count),
            "scores": totals.prefix(10).map { total in
                ["unit": total.0, "points": Trends.number(total.2.points).displayText,
                 "max": Trends.number(total.2.maxPoints).displayText,
                 "self": Trends.number(total.2.selfScore).displayText, "difference": ReportNumber.signed(total.1)]
            },
            "hasScores": !totals.isEmpty,
        ]
    }

    func labels(zh: Bool) -> [String: String] {
        zh ? [
            "cover": "封面", "region": "地区", "year": "年度", "scope": "覆盖单位", "dataAsOf": "数据截至", "imports": "份导入文件",
            "generated": "生成时间", "contents": "目录", "rank": "排名", "unit": "单位", "value": "数值", "previous": "上年",
            "change": "变化", "changeRate": "变化率", "best": "前五名", "worst": "后五名", "direction": "方向", "trend": "历年走势",
            "quality": "数据质量", "conflicts": "相互矛盾的数据", "reported": "报告值与重算值不一致", "scores": "自评分高于规则得分",
            "method": "指标口径与数据来源", "formula": "计算公式", "sources": "数据来源文件", "metric": "指标", "basis": "口径",
            "values": "各文件数值", "spread": "差距", "reportedValue": "报告值", "computed": "重算值", "difference": "差额",
            "points": "规则得分", "max": "满分", "self": "自评分", "file": "文件", "importedAt": "导入时间", "figures": "数据条数",
            "none": "无", "legend": "绿色：较上年改善；红色：较上年变差；灰色：无变化或无上年数据",
            "countSuffix": "项", "ranked": "个单位有数据", "open": "（", "close": "）",
        ] : [
            "cover": "Cover", "region": "Region", "year": "Year", "scope": "Units", "dataAsOf": "Data as of", "imports": "imported files",
            "generated": "Generated", "contents": "Contents", "rank": "Rank", "unit": "Unit", "value": "Value", "previous": "Previous",
            "change": "Change", "changeRate": "Change rate", "best": "Best five", "worst": "Worst five", "direction": "Direction",
            "trend": "Over the years", "quality": "Data quality", "conflicts": "Conflicting figures",
            "reported": "Stated values that differ from the recomputed ones", "scores": "Self-scores above the rules' points",
            "method": "Method and sources", "formula": "Formula", "sources": "Source files", "metric": "Metric", "basis": "Basis",
            "values": "Values by file", "spread": "Spread", "reportedValue": "Stated", "computed": "Recomputed",
            "difference": "Difference", "points": "Points by the rules", "max": "Max", "self": "Self-score", "file": "File",
            "importedAt": "Imported", "figures": "Figures", "none": "None",
            "legend": "Green: better than the year before; red: worse; grey: no change or no previous year",
            "countSuffix": "", "ranked": "units with figures", "open": " (", "close": ")",
        ]
    }
}
