import Foundation

/// The part of a year a heading or a sentence states (domain.md, "Periods and
/// bases"). Execution reports state year-to-date figures:
///
/// | words | period |
/// | --- | --- |
/// | 一季度, 1-3月, 截至3月底 | quarter 1 |
/// | 上半年, 1-6月, 截至6月底 | quarter 2 |
/// | 前三季度, 1-9月, 截至9月底 | quarter 3 |
/// | 全年, 1-12月, 截止12月31日, 截至年底 | the year (quarter 0) |
///
/// A span that does not end at a quarter's end (1-5月, 截至10月底) is
/// ``months(_:)``: not stored as a quarter, listed by the readers as not
/// understood.
///
/// ```swift
/// StatedPeriod.find(in: "2024年1-6月，一般公共预算收入完成560万元")?.period   // .quarter(2)
/// StatedPeriod.find(in: "截止2024年12月31日，在职人员65人")?.period         // .year
/// StatedPeriod.find(in: "1-5月完成税收收入120万元")?.period                 // .months(5)
/// ```
public enum StatedPeriod: Equatable, Sendable {
    case year
    case quarter(Int)
    /// Year to date through a month that ends no quarter.
    case months(Int)

    /// The quarter to store: 0 for the year, 1–3 for the year to date, nil when
    /// it is no quarter at all.
    public var quarter: Int? {
        switch self {
        case .year: return 0
        case let .quarter(quarter): return quarter == 4 ? 0 : quarter
        case .months: return nil
        }
    }

    public var description: String {
        switch self {
        case .year: return "the whole year"
        case let .quarter(quarter): return "year to date through quarter \(quarter)"
        case let .months(month): return "year to date through month \(month) (not a quarter)"
        }
    }

    /// Words, in the order they are tried (longer first where one contains another).
    private static let words: [(String, StatedPeriod)] = [
        ("前三季度", .quarter(3)), ("第一季度", .quarter(1)), ("一季度", .quarter(1)),
        ("上半年", .quarter(2)), ("前两季度", .quarter(2)), ("第三季度末", .quarter(3)), ("三季度末", .quarter(3)),
        ("第二季度末", .quarter(2)), ("二季度末", .quarter(2)), ("一季度末", .quarter(1)),
        ("全年", .year), ("年底", .year), ("年末", .year), ("年终", .year),
    ]

    /// The first period phrase of a text, with where it stands.
    static func find(in text: String) -> (period: StatedPeriod, range: Range<String.Index>)? {
        let folded = TextNormalization.foldWidth(text)
        var best: (period: StatedPeriod, range: Range<String.Index>)?
        func consider(_ period: StatedPeriod, _ range: Range<String.Index>) {
            if best == nil || range.lowerBound < best!.range.lowerBound { best = (period, range) }
        }
        // 1-6月, 1—6月, 1至6月, 1～6月: a span from January.
        if let match = folded.range(of: #"(?<![0-9])1\s*[-—–~～至到]\s*([0-9]{1,2})\s*月"#, options: .regularExpression) {
            let month = Int(folded[match].split(whereSeparator: { !$0.isNumber }).last.map(String.init) ?? "") ?? 0
            if (2...12).contains(month) { consider(period(throughMonth: month), match) }
        }
        // 截至3月底, 截止6月30日, 截至2024年9月末, 截止2024年12月31日.
        if let match = folded.range(of: #"截[至止]\s*(([0-9]{4})\s*年)?\s*([0-9]{1,2})\s*月\s*(底|末|[0-9]{1,2}\s*日)?"#,
                                    options: .regularExpression) {
            var digits = folded[match].split(whereSeparator: { !$0.isNumber }).map(String.init)
            if digits.first?.count == 4 { digits.removeFirst() }
            if let month = digits.first.flatMap(Int.init), (1...12).contains(month) {
                // "截止6月15日" is mid-month: year to date through no quarter.
                let day = digits.count > 1 ? Int(digits[1]) : nil
                let monthEnd = day.map { $0 >= 28 } ?? true
                consider(monthEnd ? period(throughMonth: month) : .months(month), match)
            }
        }
        // 截至2024年底 / 截至年末.
        if let match = folded.range(of: #"截[至止]\s*([0-9]{4}\s*年)?\s*(底|末)"#, options: .regularExpression) {
            consider(.year, match)
        }
        for (word, period) in words {
            for range in folded.ranges(of: word) {
                // 全年预算 / 全年计划 name a basis (the year's budget), not the period of the sentence.
                if word == "全年", folded[range.upperBound...].hasPrefix("预算") || folded[range.upperBound...].hasPrefix("计划")
                    || folded[range.upperBound...].hasPrefix("任务") || folded[range.upperBound...].hasPrefix("目标") { continue }
                consider(period, range)
                break
            }
        }
        guard let best else { return nil }
        // Ranges were found in the folded text; folding keeps character counts.
        let lower = text.index(text.startIndex, offsetBy: folded.distance(from: folded.startIndex, to: best.range.lowerBound))
        let upper = text.index(lower, offsetBy: folded.distance(from: best.range.lowerBound, to: best.range.upperBound))
        return (best.period, lower..<upper)
    }

    static func period(throughMonth month: Int) -> StatedPeriod {
        switch month {
        case 3: return .quarter(1)
        case 6: return .quarter(2)
        case 9: return .quarter(3)
        case 12: return .year
        default: return .months(month)
        }
    }

    /// Month words that are not a period phrase: a date ("2024年3月召开") or a
    /// month alone. A sentence with one is about a moment, not the year.
    static func mentionsMonth(_ text: String) -> Bool {
        let folded = TextNormalization.foldWidth(text)
        return folded.range(of: #"[0-9一二三四五六七八九十]\s*月|季度"#, options: .regularExpression) != nil
    }
}
