import Foundation

/// What the readers of every document type ask of a cell's text: its year,
/// the year and basis a column heading names, a row label as a catalogue
/// name, whether it holds a value.
enum CellText {
    /// "2024年度…", "2023 年实际在职人数" → the year.
    static func leadingYear(_ text: String) -> Int? {
        let folded = TextNormalization.foldWidth(text)
        guard let match = folded.range(of: #"(19|20)\d{2}\s*年"#, options: .regularExpression) else { return nil }
        return Int(folded[match].prefix(4))
    }

    /// A money column: "2023年决算数" → 2023 final.
    static func moneyColumn(_ heading: String, documentYear: Int?) -> (year: Int, basis: Basis)? {
        guard let year = leadingYear(heading) ?? documentYear else { return nil }
        var word = TextNormalization.key(heading)
        if let range = word.range(of: #"^\d{4}年度?"#, options: .regularExpression) { word.removeSubrange(range) }
        // A heading must name its basis: "2022年" alone (a two-level header) is not a column.
        guard !word.isEmpty, let basis = Basis(word: word) else { return nil }
        return (year, basis)
    }

    /// A row label as a catalogue name: numbering, 其中：, colons and a unit in
    /// brackets removed.
    static func metricLabel(_ text: String) -> String {
        var label = TextNormalization.key(text)
        let numbering = #"^([0-9一二三四五六七八九十]+[、.．]|\([0-9一二三四五六七八九十]+\)、?)"#
        label = label.replacingOccurrences(of: numbering, with: "", options: .regularExpression)
        label = label.replacingOccurrences(of: #"^其中[:：]"#, with: "", options: .regularExpression)
        label = label.replacingOccurrences(of: numbering, with: "", options: .regularExpression)
        label = label.replacingOccurrences(of: #"[:：]$"#, with: "", options: .regularExpression)
        label = label.replacingOccurrences(of: #"\((万元|元|人)\)$"#, with: "", options: .regularExpression)
        label = label.replacingOccurrences(of: #"（(万元|元|人)）$"#, with: "", options: .regularExpression)
        // Quotation marks are no part of a name: “三公”经费支出 is 三公经费支出.
        let bare = label.filter { $0 != "\"" && $0 != "'" }
        return bare.isEmpty ? label : bare
    }

    static func looksLikeFigure(_ text: String) -> Bool {
        TextNormalization.foldWidth(text).range(of: #"\d"#, options: .regularExpression) != nil
    }

    /// A cell that holds a value: a number (with a unit or %) or a dash.
    static func isValueCell(_ text: String) -> Bool {
        let folded = TextNormalization.foldWidth(TextNormalization.trim(text))
        if folded.isEmpty { return false }
        if FigureText.isMissing(folded) { return true }
        return folded.range(of: #"^-?[0-9][0-9,]*(\.[0-9]+)?\s*(万元|元|亿元|人|%)?$"#, options: .regularExpression) != nil
    }

    static func rowLabel(_ text: String) -> String {
        var label = text
        while let last = label.last, last == ":" || last == "：" { label.removeLast() }
        return label
    }

    /// Cells up to the last non-empty one.
    static func trimmedCount(_ row: [TextCell]) -> Int {
        (row.lastIndex { !$0.text.isEmpty } ?? -1) + 1
    }

    static func rowText(_ row: [TextCell]) -> String {
        row.map { $0.text.isEmpty ? "∅" : $0.text }.joined(separator: " | ")
    }

    static func exact(_ text: String) -> ExactValue? {
        ExactValue(parsing: TextNormalization.foldWidth(TextNormalization.trim(text)))
    }
}
