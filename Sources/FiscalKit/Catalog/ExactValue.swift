/// An exact figure: an integer count of millionths of its metric's unit.
///
/// Money is in 万元, so one millionth is 0.01 元; the documents have at most 4
/// decimals in 万元 (whole 元), which leaves room for 元 inputs with 角 and 分.
/// Figures are never floating point until they are displayed or divided.
///
/// ```swift
/// ExactValue(parsing: "1,234.50")?.description   // "1234.5"
/// ExactValue(e6: 27_260_000).formatted(decimals: 2, grouping: true)  // "27.26"
/// ```
public struct ExactValue: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let scale: Int64 = 1_000_000
    public static let scaleDigits = 6

    public var e6: Int64

    public init(e6: Int64) { self.e6 = e6 }

    public init(integer: Int64) { self.e6 = integer * Self.scale }

    /// Parses a plain decimal ("-12.5", "1234"); nil if it is not one or has
    /// more than six decimals.
    public init?(parsing text: String) {
        guard let number = PlainDecimal(text), let e6 = number.scaled(by: 0) else { return nil }
        self.e6 = e6
    }

    public var doubleValue: Double { Double(e6) / Double(Self.scale) }

    public static func < (lhs: ExactValue, rhs: ExactValue) -> Bool { lhs.e6 < rhs.e6 }

    /// The exact value with no trailing zeros: "27.26", "55407", "-6.59".
    public var description: String {
        // Integers first, then text: `fiscal facts` writes millions of these.
        let magnitude = e6.magnitude
        var fraction = magnitude % UInt64(Self.scale)
        var places = Self.scaleDigits
        while places > 0 && fraction % 10 == 0 { fraction /= 10; places -= 1 }   // no trailing zeros
        var text = (e6 < 0 ? "-" : "") + String(magnitude / UInt64(Self.scale))
        if places > 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: places - digits.count) + digits
        }
        return text
    }

    /// Rounded half away from zero to `decimals` places, for display only.
    public func formatted(decimals: Int, grouping: Bool) -> String {
        Self.format(e6: e6, decimals: decimals, grouping: grouping)
    }

    static func format(e6: Int64, decimals: Int, grouping: Bool) -> String {
        let places = max(0, min(decimals, scaleDigits))
        let unit = UInt64(pow10(scaleDigits - places))
        var magnitude = e6.magnitude
        magnitude = (magnitude + unit / 2) / unit       // round half away from zero
        let divisor = UInt64(pow10(places))
        let whole = magnitude / divisor
        var text = grouping ? groupThousands(String(whole)) : String(whole)
        if places > 0 {
            let fraction = String(magnitude % divisor)
            text += "." + String(repeating: "0", count: places - fraction.count) + fraction
        }
        let isZero = magnitude == 0
        return (e6 < 0 && !isZero ? "-" : "") + text
    }

    static func groupThousands(_ digits: String) -> String {
        guard digits.count > 3 else { return digits }
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }

    static func pow10(_ exponent: Int) -> Int64 {
        var result: Int64 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }
}

/// A decimal number as written: sign, digits and the position of the point.
struct PlainDecimal {
    var negative: Bool
    var digits: UInt64          // all digits, point removed
    var fractionDigits: Int

    /// Accepts `-1234.5`, `+3`, `.5`, and `1,234.50` with commas in groups of
    /// three; nothing else.
    init?(_ text: some StringProtocol) {
        var text = String(text)
        let parsed: PlainDecimal? = text.withUTF8 { PlainDecimal(utf8: $0) }
        guard let parsed else { return nil }
        self = parsed
    }

    init?(utf8 all: UnsafeBufferPointer<UInt8>) {
        var bytes = all[...]
        negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        guard !bytes.isEmpty else { return nil }
        var value: UInt64 = 0
        var fraction = -1
        var digitCount = 0
        var groupLength = 0
        var sawComma = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - 48))
                if overflow1 || overflow2 { return nil }
                value = sum
                digitCount += 1
                if fraction >= 0 { fraction += 1 } else { groupLength += 1 }
            case UInt8(ascii: "."):
                if fraction >= 0 { return nil }
                if sawComma && groupLength != 3 { return nil }
                fraction = 0
            case UInt8(ascii: ","):
                if fraction >= 0 || digitCount == 0 { return nil }
                if !sawComma && value == 0 { return nil }      // "0,123" is a decimal comma, not thousands
                if sawComma ? groupLength != 3 : groupLength > 3 { return nil }
                sawComma = true
                groupLength = 0
            default:
                return nil
            }
        }
        if digitCount == 0 || fraction == 0 { return nil }
        if sawComma && fraction < 0 && groupLength != 3 { return nil }
        digits = value
        fractionDigits = max(fraction, 0)
    }

    /// The value in millionths after multiplying by 10^exponent; nil when it
    /// would need more than six decimals or overflow.
    func scaled(by exponent: Int) -> Int64? {
        let shift = ExactValue.scaleDigits - fractionDigits + exponent
        var magnitude = digits
        if shift >= 0 {
            for _ in 0..<shift {
                let (next, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                if overflow { return nil }
                magnitude = next
            }
        } else {
            for _ in 0..<(-shift) {
                if magnitude % 10 != 0 { return nil }
                magnitude /= 10
            }
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return negative ? -Int64(magnitude) : Int64(magnitude)
    }
}
