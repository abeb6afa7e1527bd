import Foundation
import GRDB

/// The rules of the scoring sheet's quantitative rows, as data a bureau edits
/// when next year's sheet changes: `scoring_rules.csv`, one row per band of an
/// item. queries/scoring.sql applies them.
///
/// ```
/// item,name_zh,sheet_names,indicator,max_points,band,points,times_rate,step,deduction,zero_when,absolute
/// budget_execution_rate,预算执行率,,budget_execution_rate,2,"[95,)",2,,,,,
/// budget_execution_rate,预算执行率,,budget_execution_rate,2,"[90,95)",1,,,,,
/// ```
///
/// - `band`: an interval of the indicator's value — `[` and `]` include the
///   bound, `(` and `)` leave it out, an empty bound is open: `[95,)` is 95 and
///   above, `(,80)` below 80, `[5,10]` 5 to 10 with both.
/// - `points`: the band's points; `times_rate` = yes makes them points × value ÷ 100.
/// - `step`, `deduction`: take `deduction` off for every whole `step` beyond the
///   band's lower bound.
/// - `zero_when`: `indicator>limit` (or >=, <, <=) gives 0 points whatever the band.
/// - `absolute` = yes bands the value's size.
/// - `sheet_names`: the other names of the sheet's row, `|`-separated, for its self-score.
///
/// Points stay within 0 and `max_points`. An item's name, indicator, max points,
/// zero_when and absolute are the same on each of its rows; its bands do not overlap.
public struct ScoringRule: Sendable, Equatable {
    public var item: String
    public var nameZh: String
    public var sheetNames: [String]
    public var indicator: String
    public var maxPoints: Double
    public var band: String
    public var lower: Double?
    public var lowerClosed: Bool
    public var upper: Double?
    public var upperClosed: Bool
    public var points: Double
    public var timesRate: Bool
    public var step: Double?
    public var deduction: Double?
    public var zeroIndicator: String?
    public var zeroOperator: String?
    public var zeroValue: Double?
    public var absolute: Bool
    public var line: Int

    /// The names the sheet may give the row, as queries/scoring.sql compares them:
    /// without quotation marks and spaces, `|`-separated.
    public var namesKey: String {
        ([nameZh] + sheetNames).map(Self.sheetNameKey).joined(separator: "|")
    }

    /// A sheet row's name without “”"'「 and spaces (the same in scoring.sql).
    public static func sheetNameKey(_ name: String) -> String {
        String(name.filter { !"“”\"'「 　".contains($0) })
    }

    /// Whether two bands share a value.
    func overlaps(_ other: ScoringRule) -> Bool {
        Self.bandsOverlap((lower, lowerClosed, upper, upperClosed), (other.lower, other.lowerClosed, other.upper, other.upperClosed))
    }

    typealias Bounds = (lower: Double?, lowerClosed: Bool, upper: Double?, upperClosed: Bool)

    /// Whether two bands (nil: unbounded) share a value.
    static func bandsOverlap(_ a: Bounds, _ b: Bounds) -> Bool {
        func below(_ upper: Double?, _ upperClosed: Bool, _ lower: Double?, _ lowerClosed: Bool) -> Bool {
            guard let upper, let lower else { return false }
            return upper < lower || upper == lower && !(upperClosed && lowerClosed)
        }
        return !below(a.upper, a.upperClosed, b.lower, b.lowerClosed) && !below(b.upper, b.upperClosed, a.lower, a.lowerClosed)
    }
}

public enum ScoringRules {
    /// The embedded copy of the repository's scoring_rules.csv.
    public static var embeddedCSV: String { String(decoding: PackageResources.scoring_rules_csv, as: UTF8.self) }

    public static func embedded() -> [ScoringRule] {
        // The embedded file is tested; a broken copy is a build error, not a user's.
        try! parse(csv: embeddedCSV, source: "scoring_rules.csv")
    }

    /// Parses and checks a rules file; every error names its line.
    public static func parse(csv: String, source: String) throws -> [ScoringRule] {
        let records = try CSVText.records(csv)
        guard let header = records.first?.fields.map({ TextNormalization.key($0) }) else {
            throw FiscalError.file(source, "empty scoring rules")
        }
        let columns = ["item", "name_zh", "sheet_names", "indicator", "max_points", "band", "points", "times_rate", "step",
                       "deduction", "zero_when", "absolute"]
        for column in ["item", "name_zh", "indicator", "max_points", "band", "points"] where !header.contains(column) {
            throw FiscalError.file(source, "line 1: the header lacks the column \(column) (\(columns.joined(separator: ",")))")
        }
        var rules: [ScoringRule] = []
        for record in records.dropFirst() where !record.fields.allSatisfy({ TextNormalization.trim($0).isEmpty }) {
            func field(_ name: String) -> String {
                guard let index = header.firstIndex(of: name), index < record.fields.count else { return "" }
                return TextNormalization.trim(record.fields[index])
            }
            func fail(_ message: String) -> FiscalError { FiscalError.file(source, "line \(record.line): \(message)") }
            func number(_ name: String, required: Bool) throws -> Double? {
                let text = TextNormalization.foldWidth(field(name))
                if text.isEmpty {
                    if required { throw fail("\(name) is empty") }
                    return nil
                }
                guard let value = Double(text), value.isFinite else { throw fail("\(name) '\(text)' is not a number") }
                return value
            }
            func flag(_ name: String) throws -> Bool {
                switch TextNormalization.key(field(name)) {
                case "", "no", "否", "0": return false
                case "yes", "是", "1": return true
                case let other: throw fail("\(name) '\(other)' is neither yes nor no")
                }
            }
            let item = field("item")
            guard item.range(of: #"^[a-z][a-z0-9_]*$"#, options: .regularExpression) != nil else {
                throw fail("item '\(item)' must be lowercase letters, digits and _")
            }
            let indicator = field("indicator")
            guard !indicator.isEmpty, !field("name_zh").isEmpty else { throw fail("\(item) needs a name_zh and an indicator") }
            let band = TextNormalization.foldWidth(field("band")).replacingOccurrences(of: " ", with: "")
            guard let match = band.wholeMatch(of: /([\[(])(-?[0-9]+(?:\.[0-9]+)?)?,(-?[0-9]+(?:\.[0-9]+)?)?([\])])/) else {
                throw fail("band '\(band)' is not an interval such as [95,) or (,80) or [5,10]")
            }
            let lower = match.2.flatMap { Double($0) }
            let upper = match.3.flatMap { Double($0) }
            if lower == nil && match.1 == "[" || upper == nil && match.4 == "]" {
                throw fail("band '\(band)': an open end cannot be included")
            }
            if let lower, let upper, lower > upper || lower == upper && !(match.1 == "[" && match.4 == "]") {
                throw fail("band '\(band)' holds no value")
            }
            var rule = ScoringRule(item: item, nameZh: field("name_zh"),
                                   sheetNames: field("sheet_names").split(separator: "|").map { TextNormalization.trim($0) }.filter { !$0.isEmpty },
                                   indicator: indicator, maxPoints: try number("max_points", required: true)!, band: band,
                                   lower: lower, lowerClosed: match.1 == "[", upper: upper, upperClosed: match.4 == "]",
                                   points: try number("points", required: true)!, timesRate: try flag("times_rate"),
                                   step: try number("step", required: false), deduction: try number("deduction", required: false),
                                   zeroIndicator: nil, zeroOperator: nil, zeroValue: nil, absolute: try flag("absolute"),
                                   line: record.line)
            guard rule.maxPoints > 0, rule.points >= 0, rule.points <= rule.maxPoints else {
                throw fail("points must lie between 0 and max_points (\(rule.maxPoints))")
            }
            guard (rule.step == nil) == (rule.deduction == nil) else { throw fail("step and deduction go together") }
            if let step = rule.step {
                guard step > 0, rule.lower != nil else { throw fail("a step needs a positive size and a band with a lower bound") }
            }
            let zero = TextNormalization.foldWidth(field("zero_when")).replacingOccurrences(of: " ", with: "")
            if !zero.isEmpty {
                guard let parts = zero.wholeMatch(of: /([a-z][a-z0-9_]*)(>=|<=|>|<)(-?[0-9]+(?:\.[0-9]+)?)/) else {
                    throw fail("zero_when '\(zero)' is not indicator>limit (or >=, <, <=)")
                }
                rule.zeroIndicator = String(parts.1)
                rule.zeroOperator = String(parts.2)
                rule.zeroValue = Double(parts.3)
            }
            if let first = rules.first(where: { $0.item == item }) {
                guard first.nameZh == rule.nameZh, first.indicator == rule.indicator, first.maxPoints == rule.maxPoints,
                      first.zeroIndicator == rule.zeroIndicator, first.zeroOperator == rule.zeroOperator,
                      first.zeroValue == rule.zeroValue, first.absolute == rule.absolute, first.sheetNames == rule.sheetNames else {
                    throw fail("\(item): name_zh, sheet_names, indicator, max_points, zero_when and absolute must be those of line \(first.line)")
                }
            }
            if let other = rules.first(where: { $0.item == item && $0.overlaps(rule) }) {
                throw fail("\(item): band \(band) overlaps \(other.band) of line \(other.line)")
            }
            rules.append(rule)
        }
        guard !rules.isEmpty else { throw FiscalError.file(source, "no rules") }
        return rules
    }

    /// Replaces the database's rules, in one transaction; every indicator the
    /// rules name must be in the catalogue.
    public static func replace(with rules: [ScoringRule], source: String, in db: Database) throws {
        let catalog = try FiscalDatabase.catalog(db)
        for rule in rules {
            for code in [rule.indicator] + (rule.zeroIndicator.map { [$0] } ?? []) where catalog.metric(code: code) == nil {
                throw FiscalError.file(source, "line \(rule.line): '\(code)' is no indicator or metric code (`fiscal indicators` lists them)")
            }
        }
        try db.execute(sql: "DELETE FROM scoring_rules")
        for rule in rules {
            try db.execute(sql: """
                INSERT INTO scoring_rules(item, name_zh, names_key, indicator, max_points, band, lower, lower_closed, upper, upper_closed,
                                          points, times_rate, step, deduction, zero_indicator, zero_operator, zero_value, absolute, source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [rule.item, rule.nameZh, rule.namesKey, rule.indicator, rule.maxPoints, rule.band, rule.lower,
                                 rule.lowerClosed, rule.upper, rule.upperClosed, rule.points, rule.timesRate, rule.step,
                                 rule.deduction, rule.zeroIndicator, rule.zeroOperator, rule.zeroValue, rule.absolute, source])
        }
    }
}
