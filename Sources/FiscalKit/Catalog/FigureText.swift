/// Reads a figure as units write it and converts it to its metric's unit.
///
/// Accepted: `1,234.50`, full-width digits `５６.７`, a unit attached
/// (`1300万元`, `567000元`, `0.030115亿元`, `55407人`, `53%`, `98分`).
/// Missing: empty, `—`, `——`, `-` (and other dash runs) — never 0.
///
/// ```swift
/// FigureText.read("0.030115亿元", unit: "万元")   // .value(301.15)
/// FigureText.read("——", unit: "万元")           // .missing
/// FigureText.read("55407人", unit: "万元")       // .invalid("… 人 …")
/// ```
public enum FigureText {
    public enum Reading: Equatable, Sendable {
        case value(ExactValue)
        case missing
        case invalid(String)
    }

    /// The attached units each metric unit accepts, with the power of ten that
    /// converts them.
    static let conversions: [String: [String: Int]] = [
        "万元": ["": 0, "万元": 0, "万": 0, "元": -4, "千元": -1, "亿元": 4, "亿": 4],
        "元": ["": 0, "元": 0, "万元": 4, "万": 4, "亿元": 8],
        "人": ["": 0, "人": 0, "万人": 4, "个": 0, "户": 0],
        "%": ["": 0, "%": 0],
        "分": ["": 0, "分": 0],
    ]

    public static func read(_ raw: String, unit: String) -> Reading {
        // Fast path: plain ASCII digits, as bulk CSV has them.
        if let plain = PlainDecimal(raw) {
            guard let e6 = plain.scaled(by: 0) else { return .invalid(precisionProblem(raw)) }
            return checkWhole(ExactValue(e6: e6), raw: raw, unit: unit)
        }
        // Fast path: ASCII digits and a unit the metric takes (35万元, 133人), as a
        // province's files have them; anything else takes the general path below,
        // which reads these the same way.
        if let (number, suffix) = plainNumberAndSuffix(raw), let exponent = conversions[unit]?[suffix] {
            guard let e6 = number.scaled(by: exponent) else { return .invalid(precisionProblem(raw)) }
            return checkWhole(ExactValue(e6: e6), raw: raw, unit: unit)
        }
        var text = TextNormalization.foldWidth(TextNormalization.trim(raw))
        if isMissing(text) { return .missing }
        text = text.replacingOccurrences(of: "\u{2212}", with: "-")   // − minus sign
        text = text.replacingOccurrences(of: " ", with: "")

        var numberEnd = text.endIndex
        while numberEnd > text.startIndex {
            let previous = text[text.index(before: numberEnd)]
            if previous.isASCII && (previous.isNumber || previous == ".") { break }
            numberEnd = text.index(before: numberEnd)
        }
        let numberPart = String(text[..<numberEnd])
        let suffix = String(text[numberEnd...])
        guard let number = PlainDecimal(numberPart) else {
            // Digits that overflow are a number too large, not "not a number".
            let digits = numberPart.hasPrefix("-") ? numberPart.dropFirst() : Substring(numberPart)
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), digits.filter({ $0 == "." }).count <= 1 {
                return .invalid(precisionProblem(raw))
            }
            return .invalid("'\(raw)' is not a number")
        }
        let table = conversions[unit] ?? ["": 0, unit: 0]
        guard let exponent = table[suffix] else {
            let knownUnits = Set(conversions.values.flatMap(\.keys))
            if !knownUnits.contains(suffix) { return .invalid("'\(raw)' is not a number") }
            let accepted = table.keys.filter { !$0.isEmpty }.sorted().joined(separator: ", ")
            return .invalid("'\(raw)': \(suffix) does not fit a figure in \(unit)" + (accepted.isEmpty ? "" : " (use \(accepted) or none)"))
        }
        guard let e6 = number.scaled(by: exponent) else { return .invalid(precisionProblem(raw)) }
        return checkWhole(ExactValue(e6: e6), raw: raw, unit: unit)
    }

    /// "8.5万元" → (8.5, "万元"): ASCII - digits . then a suffix with no ASCII
    /// character; nil otherwise.
    static func plainNumberAndSuffix(_ raw: String) -> (PlainDecimal, String)? {
        let bytes = raw.utf8
        guard let end = bytes.firstIndex(where: { !($0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || (0x30...0x39).contains($0)) }),
              end != bytes.startIndex, !bytes[end...].contains(where: { $0 < 0x80 }),
              let number = PlainDecimal(raw[..<end]) else { return nil }
        return (number, String(raw[end...]))
    }

    /// Empty or a run of dashes: the cell says "no figure".
    public static func isMissing(_ text: String) -> Bool {
        if text.isEmpty { return true }
        return text.unicodeScalars.allSatisfy { dashes.contains($0.value) }
    }

    private static let dashes: Set<UInt32> = [0x2D, 0x2010, 0x2012, 0x2013, 0x2014, 0x2015, 0xFF0D, 0x2E3A, 0x2E3B, 0x2212]

    private static func checkWhole(_ value: ExactValue, raw: String, unit: String) -> Reading {
        if unit == "人" && value.e6 % ExactValue.scale != 0 {
            return .invalid("'\(raw)': a head count must be a whole number")
        }
        if unit == "人" && value.e6 < 0 {
            return .invalid("'\(raw)': a head count cannot be negative")
        }
        return .value(value)
    }

    private static func precisionProblem(_ raw: String) -> String {
        "'\(raw)' is too large or has more decimals than the store keeps (0.000001 of the metric's unit)"
    }
}
