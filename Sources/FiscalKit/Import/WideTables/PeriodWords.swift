import Foundation

/// The period and basis words of a column heading, a sheet name or a title:
/// years (2023年, 2023年度), year-to-date words (一季度, 上半年, 1-6月, 前三季度,
/// 截至9月底, 全年) and the 口径 of ``Basis``.
///
/// Only year-to-date periods are figures of the store (domain.md: quarter 1–4
/// are year to date). Any other month or quarter (1-5月, 二季度, 下半年, 6月) is
/// `unsupported`, so that its figures are listed as not understood instead of
/// being stored as the whole year.
///
/// ```swift
/// PeriodWords.heading("1-6月执行数")   // quarter 2, final
/// PeriodWords.heading("2023年")         // nil: years are taken out first (``years(in:)``)
/// PeriodWords.quarters(in: "2023年上半年财政收入情况")   // [.quarter(2)]
/// ```
enum PeriodWords {
    /// A period word: a year-to-date quarter (0 the whole year), or a period
    /// the store cannot hold.
    enum Quarter: Equatable {
        case quarter(Int)
        case unsupported(String)
    }

    /// Fillers a heading may add to a period: "金额（元）", "本年决算数".
    static let fillers = ["金额", "数额", "数值", "本年", "当年", "本期", "合计", "小计"]

    /// The years a text names ("2023年", "2023年度"), in order, and the text without them.
    static func years(in key: String) -> (years: [Int], rest: String) {
        if key.range(of: #"^(19|20)\d{2}$"#, options: .regularExpression) != nil { return ([Int(key)!], "") }
        var years: [Int] = []
        var rest = key
        // 2023年末 / 2023年底: the state at the year's end, a figure of that year.
        while let range = rest.range(of: #"(19|20)\d{2}\s*年(度|末|底)?"#, options: .regularExpression) {
            years.append(Int(rest[range].prefix(4))!)
            rest.replaceSubrange(range, with: "")
        }
        // "2023预算数": a leading year without 年.
        if let range = rest.range(of: #"^(19|20)\d{2}(?![0-9])"#, options: .regularExpression) {
            years.append(Int(rest[range])!)
            rest.replaceSubrange(range, with: "")
        }
        return (years, rest)
    }

    /// A heading's period part without its year (a key): a basis word, a
    /// quarter word, both ("1-6月执行数"), a filler, or nothing (the whole year,
    /// basis not stated). nil when it is anything else.
    static func heading(_ key: String) -> (quarter: Quarter?, basis: Basis?)? {
        var word = key
        for filler in fillers where word.hasPrefix(filler) && word.count > filler.count { word.removeFirst(filler.count) }
        for filler in fillers where word.hasSuffix(filler) { word.removeLast(filler.count) }
        if word.isEmpty { return (nil, nil) }
        if let basis = basis(word) { return (nil, basis) }
        guard let (range, quarter) = firstQuarter(in: word) else { return nil }
        guard range.lowerBound == word.startIndex || range.upperBound == word.endIndex else { return nil }
        var rest = word
        rest.removeSubrange(range)
        if rest.isEmpty { return (quarter, nil) }
        guard let basis = basis(rest) else { return nil }
        return (quarter, basis)
    }

    /// A basis word, with the few headings of domain.md that ``Basis/init(word:)``
    /// does not hold as column words (调整预算, 预算执行数).
    static func basis(_ word: String) -> Basis? {
        if let basis = Basis(word: word), !word.isEmpty { return basis }
        switch word {
        case "调整预算", "调整后预算", "调整后预算数": return .budget
        case "预算执行数", "执行", "决算金额", "实际完成数", "实际执行数": return .final
        default: return nil
        }
    }

    /// Every period word of a free text (a title, a sheet name), in order.
    static func quarters(in key: String) -> [Quarter] {
        var rest = key
        var found: [Quarter] = []
        while let (range, quarter) = firstQuarter(in: rest) {
            found.append(quarter)
            rest.replaceSubrange(range, with: "|")
        }
        return found
    }

    /// The bases a free text names (a title: "2023年部门预算…" → budget), the
    /// longest word first so that 年初预算 is not also 预算. 预决算 names two.
    static func bases(in key: String) -> Set<Basis> {
        var rest = key
        var found: Set<Basis> = []
        let words: [(String, [Basis])] = [
            ("预决算", [.budget, .final]), ("年初预算", [.initial]), ("调整预算", [.budget]), ("预算执行", [.final]),
            ("执行", [.final]), ("决算", [.final]), ("实际", [.final]), ("完成", [.final]), ("已保", [.final]),
            ("预算", [.budget]), ("计划", [.plan]), ("目标", [.plan]), ("任务", [.plan]), ("应保", [.plan]),
        ]
        for (word, bases) in words where rest.contains(word) {
            found.formUnion(bases)
            rest = rest.replacingOccurrences(of: word, with: "|")
        }
        return found
    }

    /// Periods ``StatedPeriod`` does not hold as year to date: a single quarter
    /// or half (二季度, 下半年) cannot be stored; 1季度 and Q1 are the first quarter.
    private static let quarterWords: [(String, Quarter)] = [
        ("1季度", .quarter(1)), ("q1", .quarter(1)),
        ("第二季度", .unsupported("第二季度")), ("二季度", .unsupported("二季度")), ("2季度", .unsupported("2季度")),
        ("第三季度", .unsupported("第三季度")), ("三季度", .unsupported("三季度")), ("3季度", .unsupported("3季度")),
        ("第四季度", .unsupported("第四季度")), ("四季度", .unsupported("四季度")), ("4季度", .unsupported("4季度")),
        ("下半年", .unsupported("下半年")),
    ]

    /// The first period word of a key, where it is and what it means: the
    /// year-to-date words of ``StatedPeriod`` (上半年, 1-6月, 截至9月底, 全年 …),
    /// the single periods above, and a lone month (6月), which is no period the
    /// store holds.
    static func firstQuarter(in key: String) -> (Range<String.Index>, Quarter)? {
        var best: (Range<String.Index>, Quarter)?
        func consider(_ range: Range<String.Index>, _ quarter: Quarter) {
            if best == nil || range.lowerBound < best!.0.lowerBound
                || (range.lowerBound == best!.0.lowerBound && range.upperBound > best!.0.upperBound) {
                best = (range, quarter)
            }
        }
        if let found = StatedPeriod.find(in: key) {
            consider(found.range, found.period.quarter.map { .quarter($0) } ?? .unsupported(String(key[found.range])))
        }
        for (word, quarter) in quarterWords {
            if let range = key.range(of: word) { consider(range, quarter) }
        }
        if let range = key.range(of: #"(\d{1,2})月份?"#, options: .regularExpression) {
            consider(range, .unsupported(String(key[range])))
        }
        return best
    }
}
