import Foundation

/// What a column heading of a wide table says: the metric (by any catalogue
/// name), the unit its values are written in (the brackets of 三公经费（元）),
/// and the year, basis and period when it states them.
///
/// ```swift
/// WideColumnHeading.parse("三公经费（元）", catalog: catalog)          // three_public_total, 元
/// WideColumnHeading.parse("2023年三公经费预算数", catalog: catalog)    // three_public_total, 2023, budget
/// WideColumnHeading.parse("三公经费（2024年决算数）", catalog: catalog) // three_public_total, 2024, final
/// WideColumnHeading.parse("1-6月税收收入", catalog: catalog)          // tax_revenue, quarter 2
/// WideColumnHeading.parse("2023年预算数", catalog: catalog)           // no metric: a period of the title's metric
/// WideColumnHeading.parse("人均三公经费", catalog: catalog)           // nil: not a catalogue figure
/// ```
///
/// Correctness over recall: a heading with any word that is neither a metric
/// name nor a period, basis or unit word is nil, so the column is listed as
/// ignored rather than read as something it is not (上年三公经费 is not this
/// year's 三公经费, 三公经费增长率 is not 三公经费).
struct WideColumnHeading: Equatable {
    var metric: Metric?
    /// The unit written in the heading's brackets, as ``FigureText`` reads it attached to a value.
    var unitSuffix: String?
    var years: [Int] = []
    var basis: Basis?
    var quarter: PeriodWords.Quarter?
    /// Two headings of one column that disagree (two years, two bases).
    var problem: String?

    /// Units a heading's brackets may give, as ``FigureText`` spells them.
    static let unitWords: [String: String] = [
        "万元": "万元", "元": "元", "亿元": "亿元", "千元": "千元", "万": "万", "人": "人", "万人": "万人",
        "名": "人", "位": "人", "个": "个", "户": "户", "%": "%", "分": "分",
    ]

    /// The meaning of one heading cell; nil when some word of it is not understood.
    static func parse(_ text: String, catalog: MetricCatalog) -> WideColumnHeading? {
        var heading = WideColumnHeading()
        var key = TextNormalization.key(text)
        // Brackets holding a unit or a period come out; others are part of a
        // name (因公出国（境）费, 三公经费（计算）).
        let brackets = try! NSRegularExpression(pattern: #"\(([^()]*)\)"#)
        for match in brackets.matches(in: key, range: NSRange(key.startIndex..., in: key)).reversed() {
            guard let whole = Range(match.range, in: key), let inner = Range(match.range(at: 1), in: key) else { continue }
            var content = String(key[inner])
            for prefix in ["计量单位:", "金额单位:", "单位:", "单位"] where content.hasPrefix(prefix) {
                content.removeFirst(prefix.count)
                break
            }
            if let unit = unitWords[content] {
                if heading.unitSuffix == nil { heading.unitSuffix = unit }
                key.removeSubrange(whole)
                continue
            }
            let (years, rest) = PeriodWords.years(in: content)
            if let period = PeriodWords.heading(rest), !years.isEmpty || period.quarter != nil || period.basis != nil {
                heading.years += years
                heading.basis = period.basis
                heading.quarter = period.quarter
                key.removeSubrange(whole)
            }
        }
        let (years, rest) = PeriodWords.years(in: key)
        heading.years += years
        var name = rest
        name = name.replacingOccurrences(of: #"^[0-9一二三四五六七八九十]+[、.]"#, with: "", options: .regularExpression)
        name = name.replacingOccurrences(of: #"^其中:?"#, with: "", options: .regularExpression)
        if name.isEmpty {
            return heading.years.isEmpty && heading.unitSuffix == nil && heading.basis == nil && heading.quarter == nil
                ? nil : heading
        }
        if let metric = catalog.metric(named: name) {
            heading.metric = metric
            return heading
        }
        if let period = PeriodWords.heading(name) {
            return heading.adding(period)
        }
        // A metric name with period words before or after it: 2023年三公经费预算数,
        // 上半年税收收入, 1-6月税收收入完成数. The longest name wins.
        let characters = Array(name)
        for length in stride(from: characters.count - 1, through: 1, by: -1) {
            for start in 0...(characters.count - length) {
                let candidate = String(characters[start..<(start + length)])
                guard let metric = catalog.metric(named: candidate) else { continue }
                let around = String(characters[..<start]) + String(characters[(start + length)...])
                guard let period = PeriodWords.heading(around) else { continue }
                heading.metric = metric
                return heading.adding(period)
            }
        }
        return nil
    }

    /// The heading of a column written over several header rows (a merged
    /// 三公经费（万元） over 2023年预算数 | 2023年决算数): the lowest row's metric,
    /// the unit of the lowest row that has one, and the years, bases and periods
    /// of all, which must agree.
    static func combine(_ levels: [WideColumnHeading]) -> WideColumnHeading {
        var result = WideColumnHeading()
        for level in levels {
            if let metric = level.metric { result.metric = metric }
            if let unit = level.unitSuffix { result.unitSuffix = unit }
            result.years += level.years
            if let basis = level.basis {
                if let stated = result.basis, stated != basis {
                    result.problem = "the heading names two bases (\(stated.nameZh), \(basis.nameZh))"
                }
                result.basis = basis
            }
            if let quarter = level.quarter {
                if let stated = result.quarter, stated != quarter { result.problem = "the heading names two periods" }
                result.quarter = quarter
            }
            if let problem = level.problem { result.problem = problem }
        }
        let years = Array(Set(result.years)).sorted()
        if years.count > 1 {
            result.problem = "the heading names two years (\(years.map(String.init).joined(separator: ", ")))"
        }
        result.years = years
        return result
    }

    private func adding(_ period: (quarter: PeriodWords.Quarter?, basis: Basis?)) -> WideColumnHeading {
        var heading = self
        if let basis = period.basis {
            if let stated = heading.basis, stated != basis { heading.problem = "the heading names two bases" }
            heading.basis = basis
        }
        if let quarter = period.quarter {
            if let stated = heading.quarter, stated != quarter { heading.problem = "the heading names two periods" }
            heading.quarter = quarter
        }
        return heading
    }
}
