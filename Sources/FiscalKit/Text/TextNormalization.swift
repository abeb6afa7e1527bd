/// Folding of the forms Chinese documents mix freely: full-width digits and
/// punctuation, ideographic spaces, curly and straight quotes.
///
/// Names are compared by their *key*: full width folded to ASCII, white space
/// removed, ASCII letters lowercased, so "白仓镇 人民政府", "白仓镇人民政府" and
/// "ＡＢＣ" vs "abc" compare equal.
///
/// ```swift
/// TextNormalization.foldWidth("５６.７％")   // "56.7%"
/// TextNormalization.key(" 白仓镇（人民政府）")  // "白仓镇(人民政府)"
/// ```
public enum TextNormalization {
    /// Maps full-width ASCII variants (U+FF01–U+FF5E) to ASCII and the
    /// ideographic space U+3000 to a space; everything else is kept.
    public static func foldWidth(_ text: some StringProtocol) -> String {
        var needsFolding = false
        for scalar in text.unicodeScalars where isFoldable(scalar) {
            needsFolding = true
            break
        }
        if !needsFolding { return String(text) }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            result.append(fold(scalar))
        }
        return String(result)
    }

    /// The comparison key of a name: width folded, white space removed,
    /// ASCII lowercased, quotes unified.
    public static func key(_ text: some StringProtocol) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let folded = fold(scalar)
            if isWhitespace(folded) { continue }
            switch folded.value {
            case 0x41...0x5A: result.append(Unicode.Scalar(folded.value + 0x20)!)
            case 0x201C, 0x201D, 0x300C, 0x300D: result.append("\"")  // “ ” 「 」
            case 0x2018, 0x2019: result.append("'")
            default: result.append(folded)
            }
        }
        return String(result)
    }

    /// Trims white space of every kind, including U+3000 and no-break space.
    public static func trim(_ text: some StringProtocol) -> String {
        let scalars = Array(text.unicodeScalars)
        var start = 0
        var end = scalars.count
        while start < end && isWhitespace(scalars[start]) { start += 1 }
        while end > start && isWhitespace(scalars[end - 1]) { end -= 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }

    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0xA0, 0x3000, 0xFEFF, 0x2000...0x200B: return true
        default: return false
        }
    }

    private static func isFoldable(_ scalar: Unicode.Scalar) -> Bool {
        (0xFF01...0xFF5E).contains(scalar.value) || scalar.value == 0x3000
    }

    private static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0xFF01...0xFF5E: return Unicode.Scalar(scalar.value - 0xFEE0)!
        case 0x3000: return " "
        default: return scalar
        }
    }
}

/// How many terminal columns a text takes: two for East Asian wide and
/// full-width characters (CJK, Hangul, full-width forms), zero for combining
/// marks, one otherwise. `wcwidth` is not reachable from Swift on Linux, so the
/// ranges of Unicode's East Asian Width property are kept here.
public enum DisplayWidth {
    public static func of(_ text: some StringProtocol) -> Int {
        // ASCII (figures, codes, years) is one column a byte.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.utf8.count }
        var width = 0
        for scalar in text.unicodeScalars { width += of(scalar) }
        return width
    }

    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x300 { return 1 }
        if (0x300...0x36F).contains(v) || (0x200B...0x200F).contains(v) || v == 0xFEFF
            || (0xFE00...0xFE0F).contains(v) {
            return 0
        }
        for range in wideRanges where range.contains(v) { return 2 }
        return 1
    }

    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
        0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
        0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
        0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
}
