/// A raw figure the documents state, from the catalogue of domain.md: a stable
/// `code`, its 中文 name and synonyms, and the unit values are stored in.
///
/// The catalogue is data (`metrics.csv`, embedded and seeded into every
/// database; `fiscal metrics load FILE` adds metrics and synonyms without a
/// rebuild).
public struct Metric: Hashable, Sendable {
    public var code: String
    public var nameZh: String
    public var nameEn: String
    public var unit: String
    public var synonyms: [String]
    /// A derived indicator (indicators.csv): only its reported values are stored.
    public var isIndicator = false
    public var formula: String?
    /// "lower" or "higher": which direction is better, for indicators.
    public var better: String?

    public init(code: String, nameZh: String, nameEn: String, unit: String, synonyms: [String],
                isIndicator: Bool = false, formula: String? = nil, better: String? = nil) {
        self.code = code
        self.nameZh = nameZh
        self.nameEn = nameEn
        self.unit = unit
        self.synonyms = synonyms
        self.isIndicator = isIndicator
        self.formula = formula
        self.better = better
    }

    /// Every name the metric answers to: code, 中文 name, synonyms.
    public var allNames: [String] { [code, nameZh] + synonyms }
}

/// The metric catalogue: lookup by any name, and suggestions for unknown ones.
///
/// ```swift
/// let catalog = try MetricCatalog(csv: MetricCatalog.embeddedCSV, source: "metrics.csv")
/// catalog.metric(named: "公务接待")?.code       // "official_reception"
/// catalog.closestNames(to: "公务招待费")         // ["公务接待费", …]
/// ```
public struct MetricCatalog: Sendable {
    public private(set) var metrics: [Metric]
    private var byKey: [String: Int]

    /// The catalogue shipped in the binary (a copy of the repository's metrics.csv).
    public static var embeddedCSV: String { String(decoding: PackageResources.metrics_csv, as: UTF8.self) }

    /// The indicators shipped in the binary (a copy of indicators.csv).
    public static var embeddedIndicatorsCSV: String { String(decoding: PackageResources.indicators_csv, as: UTF8.self) }

    /// Metrics and indicators as shipped. The embedded files are tested; a
    /// failure here is a build defect.
    public static func embedded() -> MetricCatalog {
        var catalog = try! MetricCatalog(csv: embeddedCSV, source: "metrics.csv (embedded)")
        for indicator in try! parse(csv: embeddedIndicatorsCSV, source: "indicators.csv (embedded)") {
            try! catalog.add(indicator, source: "indicators.csv (embedded)")
        }
        return catalog
    }

    /// The raw metrics, without the indicators.
    public var rawMetrics: [Metric] { metrics.filter { !$0.isIndicator } }

    public init(metrics: [Metric]) throws {
        self.metrics = []
        self.byKey = [:]
        for metric in metrics { try add(metric, source: "catalogue") }
    }

    /// Reads the catalogue format: `code,unit,name_zh,name_en,synonyms` with
    /// synonyms separated by `|`.
    public init(csv: String, source: String) throws {
        self.metrics = []
        self.byKey = [:]
        for metric in try Self.parse(csv: csv, source: source) { try add(metric, source: source) }
    }

    static func parse(csv: String, source: String) throws -> [Metric] {
        let records = try CSVText.records(csv)
        guard let header = records.first?.fields.map({ TextNormalization.key($0) }) else {
            throw FiscalError.file(source, "empty metric catalogue")
        }
        let required = ["code", "unit", "name_zh"]
        for column in required where !header.contains(column) {
            throw FiscalError.file(source, "line 1: the header lacks the column \(column) (code,unit,name_zh,name_en,synonyms)")
        }
        func column(_ name: String, _ fields: [String]) -> String {
            guard let index = header.firstIndex(of: name), index < fields.count else { return "" }
            return TextNormalization.trim(fields[index])
        }
        var result: [Metric] = []
        for record in records.dropFirst() where !record.fields.allSatisfy({ $0.isEmpty }) {
            let code = column("code", record.fields)
            let unit = column("unit", record.fields)
            let nameZh = column("name_zh", record.fields)
            guard code.range(of: #"^[a-z][a-z0-9_]*$"#, options: .regularExpression) != nil else {
                throw FiscalError.file(source, "line \(record.line): metric code '\(code)' must be lowercase letters, digits and _")
            }
            guard !unit.isEmpty, !nameZh.isEmpty else {
                throw FiscalError.file(source, "line \(record.line): metric \(code) needs a unit and a name_zh")
            }
            let synonyms = column("synonyms", record.fields).split(separator: "|")
                .map { TextNormalization.trim($0) }.filter { !$0.isEmpty }
            let nameEn = column("name_en", record.fields)
            let formula = column("formula", record.fields)
            let better = column("better", record.fields)
            guard better.isEmpty || better == "lower" || better == "higher" else {
                throw FiscalError.file(source, "line \(record.line): better must be lower or higher, not '\(better)'")
            }
            result.append(Metric(code: code, nameZh: nameZh, nameEn: nameEn.isEmpty ? code : nameEn,
                                 unit: unit, synonyms: synonyms, isIndicator: !formula.isEmpty,
                                 formula: formula.isEmpty ? nil : formula, better: better.isEmpty ? nil : better))
        }
        return result
    }

    /// Adds a metric, or merges new synonyms into the one with the same code.
    /// A name already taken by another metric is an error.
    public mutating func add(_ metric: Metric, source: String) throws {
        for name in metric.allNames {
            if let index = byKey[TextNormalization.key(name)], metrics[index].code != metric.code {
                throw FiscalError.file(source, "the name '\(name)' of \(metric.code) already belongs to \(metrics[index].code)")
            }
        }
        let index: Int
        if let existing = metrics.firstIndex(where: { $0.code == metric.code }) {
            index = existing
            for synonym in metric.allNames where !metrics[index].allNames.contains(synonym) {
                metrics[index].synonyms.append(synonym)
            }
        } else {
            index = metrics.count
            metrics.append(metric)
        }
        for name in metrics[index].allNames { byKey[TextNormalization.key(name)] = index }
    }

    public func metric(code: String) -> Metric? { metrics.first { $0.code == code } }

    /// The catalogue with `name` meaning `code`, whichever metric it named before:
    /// the words of one kind of document (``DocumentVocabulary``).
    func reassigning(_ name: String, to code: String) -> MetricCatalog {
        var copy = self
        let key = TextNormalization.key(name)
        for index in copy.metrics.indices where copy.metrics[index].code != code {
            copy.metrics[index].synonyms.removeAll { TextNormalization.key($0) == key }
        }
        guard let target = copy.metrics.firstIndex(where: { $0.code == code }) else { return self }
        if !copy.metrics[target].allNames.contains(where: { TextNormalization.key($0) == key }) {
            copy.metrics[target].synonyms.append(name)
        }
        copy.byKey[key] = target
        return copy
    }

    /// The metric a user's word names: code, 中文 name or synonym, compared by
    /// key (width, spaces and quotes folded); a trailing unit in brackets such
    /// as （万元） is ignored.
    public func metric(named name: String) -> Metric? {
        let key = TextNormalization.key(name)
        if let index = byKey[key] { return metrics[index] }
        let unbracketed = key.replacingOccurrences(of: #"\((万元|元|人|%|亿元|分)\)$"#, with: "", options: .regularExpression)
        if let index = byKey[unbracketed] { return metrics[index] }
        return nil
    }

    /// Up to `limit` known names nearest to an unknown one (edit distance over
    /// characters), for "did you mean" messages.
    public func closestNames(to name: String, limit: Int = 3) -> [String] {
        let targetKey = TextNormalization.key(name)
        let target = Array(targetKey)
        // Names that contain what was typed (or are contained in it) come
        // first, then by edit distance.
        var scored: [(containment: Int, distance: Int, name: String)] = []
        for metric in metrics {
            let candidates = metric.allNames.map { candidate -> (Int, Int, String) in
                let key = TextNormalization.key(candidate)
                let contains = !targetKey.isEmpty && (key.contains(targetKey) || targetKey.contains(key))
                return (contains ? 0 : 1, Self.editDistance(target, Array(key)), candidate)
            }
            let best = candidates.min { ($0.0, $0.1) < ($1.0, $1.1) }!
            let label = best.2 == metric.code ? metric.code : "\(best.2) (\(metric.code))"
            scored.append((best.0, best.1, label))
        }
        return scored.sorted { ($0.containment, $0.distance, $0.name) < ($1.containment, $1.distance, $1.name) }
            .prefix(limit).map(\.name)
    }

    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

/// The 口径 of a figure (domain.md, "Periods and bases").
public enum Basis: String, CaseIterable, Sendable {
    case final, budget, initial, plan, reported

    /// Codes and the Chinese headings that mean each basis. Empty means final.
    public init?(word: String) {
        let key = TextNormalization.key(word)
        if key.isEmpty { self = .final; return }
        if let basis = Basis(rawValue: key) { self = basis; return }
        switch key {
        case "决算", "决算数", "执行数", "全年执行数", "实际", "实际完成", "实际数", "已保", "完成数": self = .final
        case "预算", "预算数", "全年预算数", "预算安排", "调整预算数": self = .budget
        case "年初预算数", "年初预算", "年初数": self = .initial
        case "计划", "计划数", "任务", "任务数", "目标", "目标值", "下达目标", "应保": self = .plan
        case "报告", "报告值", "填报", "自报", "填报值": self = .reported
        default: return nil
        }
    }

    public var nameZh: String {
        switch self {
        case .final: return "决算"
        case .budget: return "预算"
        case .initial: return "年初预算"
        case .plan: return "计划"
        case .reported: return "报告值"
        }
    }
}

/// The period within a year: 0 is the whole year, 1–4 year to date through
/// that quarter.
public enum QuarterWord {
    /// "", "0", "全年" → 0; "1"…"4", "Q1"…"Q4", "1季度", "第一季度", "一季度" → 1…4.
    public static func parse(_ word: String) -> Int? {
        var key = TextNormalization.key(word)
        if key.isEmpty || key == "0" || key == "全年" || key == "年度" { return 0 }
        if key.hasPrefix("q") { key.removeFirst() }
        if key.hasPrefix("第") { key.removeFirst() }
        if key.hasSuffix("季度") { key.removeLast(2) }
        switch key {
        case "1", "一": return 1
        case "2", "二": return 2
        case "3", "三": return 3
        case "4", "四": return 4
        default: return nil
        }
    }
}
