import Foundation

/// A result ready to print in any ``OutputFormat``: named columns and rows of
/// cells. Commands build one; the renderers decide how each cell looks.
///
/// ```swift
/// var table = ResultTable(columns: ["unit", "value"])
/// table.append([.text("白仓镇"), .number(ExactValue(e6: 3_290_000))])
/// print(table.rendered(as: .table))
/// ```
public struct ResultTable: Sendable {
    public enum Cell: Sendable, Equatable {
        case text(String)
        case integer(Int)
        /// A year, quarter or other number that is a label: never grouped.
        case label(Int)
        /// An exact number; `decimals` fixes the places shown in the terminal
        /// (nil: as many as the value has). CSV and JSON always get every digit.
        case number(ExactValue, decimals: Int? = nil)
        /// A computed ratio or rate: shown rounded, written with `decimals` places.
        case real(Double, decimals: Int)
        /// A change shown with its sign in the terminal (+25.00, -10.00).
        case signed(Double, decimals: Int)
        case missing
    }

    public var columns: [String]
    public var rows: [[Cell]] = []

    public init(columns: [String]) {
        self.columns = columns
    }

    public mutating func append(_ row: [Cell]) {
        precondition(row.count == columns.count, "a row must have one cell per column")
        rows.append(row)
    }

    public func rendered(as format: OutputFormat) -> String {
        switch format {
        case .table: return TerminalTable.render(self)
        case .csv: return CSVWriter.render(self)
        case .json: return JSONWriter.render(self)
        case .markdown: return MarkdownWriter.render(self)
        }
    }
}

/// How a command prints its result.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, json, markdown
}

extension ResultTable.Cell {
    /// The cell for a terminal or Markdown table: thousands separators, `—` for missing.
    var displayText: String {
        switch self {
        case let .text(text): return text
        case let .integer(value): return ExactValue.groupThousands(String(value.magnitude)).withSign(value < 0)
        case let .label(value): return String(value)
        case let .number(value, decimals):
            if let decimals { return value.formatted(decimals: decimals, grouping: true) }
            let plain = value.description
            let parts = plain.split(separator: ".", maxSplits: 1)
            let whole = parts[0].hasPrefix("-") ? String(parts[0].dropFirst()) : String(parts[0])
            let grouped = ExactValue.groupThousands(whole).withSign(value.e6 < 0)
            return parts.count > 1 ? grouped + "." + parts[1] : grouped
        case let .real(value, decimals):
            guard value.isFinite else { return "—" }
            return ExactValue.format(e6: Int64((value * 1_000_000).rounded()), decimals: decimals, grouping: true)
        case let .signed(value, decimals):
            let shown = ResultTable.Cell.real(value, decimals: decimals).displayText
            // "+" only for what shows as more than zero: +0.00 would claim a difference.
            let positive = value > 0 && value.isFinite && shown.contains { ("1"..."9").contains($0) }
            return positive ? "+" + shown : shown
        case .missing: return "—"
        }
    }

    /// The cell for CSV: exact, no grouping, empty for missing.
    var plainText: String {
        switch self {
        case let .text(text): return text
        case let .integer(value), let .label(value): return String(value)
        case let .number(value, _): return value.description
        case let .real(value, decimals), let .signed(value, decimals):
            guard value.isFinite else { return "" }
            return ExactValue.format(e6: Int64((value * 1_000_000).rounded()), decimals: decimals, grouping: false)
        case .missing: return ""
        }
    }

    var isNumeric: Bool {
        switch self {
        case .integer, .label, .number, .real, .signed: return true
        case .text, .missing: return false
        }
    }
}

private extension String {
    func withSign(_ negative: Bool) -> String { negative ? "-" + self : self }
}

/// A table for the terminal: columns padded by display width (a Chinese
/// character takes two columns), numbers right-aligned.
enum TerminalTable {
    /// Text longer than this many columns is cut with "…" in the terminal (a
    /// sentence a figure was read from); CSV, JSON and Markdown keep all of it.
    static let maxTextWidth = 60

    /// Each cell's text is made and measured once, and the lines are written
    /// into one byte buffer: at province scale (80,000 rows of `fiscal score`)
    /// joining padded strings per cell was a quarter of the command (perf,
    /// BENCHMARKS.md).
    static func render(_ table: ResultTable) -> String {
        let columnCount = table.columns.count
        var texts: [String] = []
        var textWidths: [Int] = []
        texts.reserveCapacity(table.rows.count * columnCount)
        textWidths.reserveCapacity(table.rows.count * columnCount)
        var widths = table.columns.map { DisplayWidth.of($0) }
        var anyNumber = [Bool](repeating: false, count: columnCount)
        var onlyNumbers = [Bool](repeating: true, count: columnCount)
        for row in table.rows {
            for (index, cell) in row.enumerated() {
                var text = cell.displayText
                var width = DisplayWidth.of(text)
                switch cell {
                case .text:
                    onlyNumbers[index] = false
                    if width > maxTextWidth { text = cut(text, to: maxTextWidth); width = DisplayWidth.of(text) }
                case .missing: break
                default: anyNumber[index] = true
                }
                texts.append(text)
                textWidths.append(width)
                widths[index] = max(widths[index], width)
            }
        }
        let rightAligned = (0..<columnCount).map { anyNumber[$0] && onlyNumbers[$0] }
        var output: [UInt8] = []
        output.reserveCapacity(texts.reduce(0) { $0 + $1.utf8.count } + table.rows.count * (widths.reduce(0, +) + 2 * columnCount))
        func line(_ cells: some Sequence<(text: String, width: Int)>, trimmed: Bool = true) {
            for (index, cell) in cells.enumerated() {
                if index > 0 { output.append(contentsOf: [0x20, 0x20]) }
                let padding = widths[index] - cell.width
                if rightAligned[index] {
                    output.append(contentsOf: repeatElement(0x20, count: padding))
                    output.append(contentsOf: cell.text.utf8)
                } else {
                    output.append(contentsOf: cell.text.utf8)
                    output.append(contentsOf: repeatElement(0x20, count: padding))
                }
            }
            while trimmed && output.last == 0x20 { output.removeLast() }
            output.append(0x0A)
        }
        line(zip(table.columns, table.columns.map { DisplayWidth.of($0) }).lazy.map { (text: $0, width: $1) })
        line(widths.lazy.map { (text: String(repeating: "─", count: $0), width: $0) }, trimmed: false)
        for start in stride(from: 0, to: texts.count, by: max(columnCount, 1)) {
            line((start..<start + columnCount).lazy.map { (text: texts[$0], width: textWidths[$0]) })
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func cut(_ text: String, to width: Int) -> String {
        guard DisplayWidth.of(text) > width else { return text }
        var result = ""
        var used = 0
        for character in text {
            let next = DisplayWidth.of(String(character))
            if used + next > width - 1 { break }
            result.append(character)
            used += next
        }
        return result + "…"
    }
}

/// RFC 4180 CSV, LF line ends; fields quoted only when they need it.
///
/// CSV files are opened in Excel and WPS, which run a cell that starts with
/// `=`, `+`, `-` or `@` as a formula (`=HYPERLINK(…)` in a unit's name). A text
/// cell starting with one of those, or with a tab or carriage return, is
/// written with a leading `'` (OWASP's rule for CSV injection); numbers are not
/// text cells, so −6.59 stays a number.
enum CSVWriter {
    static func render(_ table: ResultTable) -> String {
        var output = table.columns.map { escape(neutralized($0)) }.joined(separator: ",") + "\n"
        for row in table.rows {
            output += row.map { cell in
                guard case let .text(text) = cell else { return escape(cell.plainText) }
                return escape(neutralized(text))
            }.joined(separator: ",") + "\n"
        }
        return output
    }

    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// The text with a `'` before it when a spreadsheet would take it for a formula.
    static func neutralized(_ text: String) -> String {
        guard let first = text.unicodeScalars.first.map(Character.init), formulaStarts.contains(first) else { return text }
        return "'" + text
    }

    /// The same starts as a byte (all are ASCII), for ``RowStream``.
    static func isFormulaStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), UInt8(ascii: "\t"), UInt8(ascii: "\r"): true
        default: false
        }
    }

    /// , " LF or CR: the field is quoted. (By byte: as a Character, "\r\n" is
    /// neither "\r" nor "\n".)
    static func needsQuotes(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    static func escape(_ field: String) -> String {
        if field.utf8.contains(where: needsQuotes) {
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return field
    }
}

/// A JSON array of objects, keys in column order, `null` for missing, numbers
/// as exact JSON numbers.
enum JSONWriter {
    static func render(_ table: ResultTable) -> String {
        if table.rows.isEmpty { return "[]\n" }
        let objects = table.rows.map { row in
            "  {" + zip(table.columns, row).map { name, cell in "\(quote(name)): \(value(cell))" }
                .joined(separator: ", ") + "}"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    static func value(_ cell: ResultTable.Cell) -> String {
        switch cell {
        case let .text(text): return quote(text)
        case .missing: return "null"
        case let .real(value, _) where !value.isFinite, let .signed(value, _) where !value.isFinite: return "null"
        default: return cell.plainText
        }
    }

    static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}

/// A GitHub-flavoured Markdown table; numbers right-aligned.
enum MarkdownWriter {
    static func render(_ table: ResultTable) -> String {
        func escape(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        let numeric = table.columns.indices.map { index in table.rows.contains { $0[index].isNumeric } }
        var lines = ["| " + table.columns.map(escape).joined(separator: " | ") + " |"]
        lines.append("|" + numeric.map { $0 ? " ---: |" : " --- |" }.joined())
        for row in table.rows {
            lines.append("| " + row.map { escape($0.displayText) }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension ResultTable {
    /// For people (table, Markdown) the headers in `language`; CSV and JSON
    /// keep the documented English column names, whatever the language, so
    /// scripts do not break when someone passes --lang.
    public func rendered(as format: OutputFormat, language: Language) -> String {
        guard format == .table || format == .markdown else { return rendered(as: format) }
        var translated = self
        translated.columns = language.headers(columns)
        // Names too: a unit's kind, and the words of a few yes/no columns.
        if language == .zh {
            for (position, column) in columns.enumerated() where Self.namedColumns.contains(column) {
                for index in translated.rows.indices {
                    guard case let .text(code) = translated.rows[index][position] else { continue }
                    if let chinese = Self.chineseValue(column: column, code: code) {
                        translated.rows[index][position] = .text(chinese)
                    }
                }
            }
        }
        return translated.rendered(as: format)
    }

    /// The columns whose values have Chinese names (``chineseValue(column:code:)``).
    private static let namedColumns: Set<String> = ["kind", "resolved", "finding", "status", "unit"]

    /// The status codes of ``FolderImport/Status``; a failure's reason stays as the error says it.
    private static func importStatus(_ code: String) -> String? {
        let names = [
            "imported": "已导入", "unchanged": "已导入过，未变", "needs --unit": "缺单位：需 --unit",
            "needs --year": "缺年度：需 --year",
            "skipped: \(FolderImport.notAnImportedExtension)": "跳过：不是 .csv/.txt/.docx/.xlsx",
            "skipped: hidden file": "跳过：隐藏文件", "skipped: hidden folder": "跳过：隐藏文件夹",
            "skipped: Office lock file": "跳过：Office 锁定文件",
        ]
        if let name = names[code] { return name }
        for (prefix, chinese) in [("failed: ", "失败："), ("skipped: ", "跳过：")] where code.hasPrefix(prefix) {
            return chinese + code.dropFirst(prefix.count)
        }
        return nil
    }

    private static func chineseValue(column: String, code: String) -> String? {
        switch column {
        case "kind": return UnitKind(rawValue: code)?.nameZh
        case "resolved": return code == "yes" ? "是" : nil
        case "finding": return ["matches": "一致", "differs": "不一致"][code]
        case "status": return importStatus(code)
        case "unit":   // "54 units": a file of many units (FolderImport)
            guard code.hasSuffix(" units"), let count = Int(code.dropLast(6)) else { return nil }
            return "\(count) 个单位"
        default: return nil
        }
    }
}
