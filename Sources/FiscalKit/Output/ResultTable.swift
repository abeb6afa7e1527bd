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

    /// Each cell's text is made and measured once, its bytes kept in one
    /// buffer, and the lines are written into another: at province scale
    /// (80,000 rows of `fiscal score`) joining padded strings per cell was a
    /// quarter of the command, and an array of a String per cell half of
    /// what remained (perf, BENCHMARKS.md). A large table is measured and
    /// written in two halves on two threads (the machines have two cores);
    /// only the columns' widths are shared between the halves.
    static func render(_ table: ResultTable, translated: ResultTable.Translation? = nil) -> String {
        let columns = translated?.headers ?? table.columns
        let columnCount = columns.count
        let halves = table.rows.count >= 20_000 && columnCount > 0 ? 2 : 1
        let bounds = (0...halves).map { table.rows.count * $0 / halves }
        // (try!: measuring and writing lines throw nothing)
        let measured = try! inParallel(halves) { half in
            Measured(table.rows[bounds[half]..<bounds[half + 1]], columnCount: columnCount, translated: translated)
        }
        var widths = columns.map { DisplayWidth.of($0) }
        for part in measured { widths = zip(widths, part.widths).map { max($0, $1) } }
        let rightAligned = (0..<columnCount).map { column in
            measured.contains { $0.anyNumber[column] } && measured.allSatisfy { $0.onlyNumbers[column] }
        }
        let layout = Layout(widths: widths, rightAligned: rightAligned)
        var output: [UInt8] = []
        for (index, header) in columns.enumerated() { layout.cell(index, ArraySlice(header.utf8), width: DisplayWidth.of(header), into: &output) }
        layout.endLine(&output)
        for (index, width) in widths.enumerated() {
            layout.cell(index, ArraySlice(String(repeating: "─", count: width).utf8), width: width, into: &output)
        }
        layout.endLine(&output, trimmed: false)
        for lines in try! inParallel(halves, { half in layout.lines(measured[half]) }) { output.append(contentsOf: lines) }
        return String(decoding: output, as: UTF8.self)
    }

    /// A run of rows' texts as bytes, their display widths, and what the run says of each column.
    struct Measured: Sendable {
        /// cell i's bytes are texts[ends[i - 1] ..< ends[i]]
        var texts: [UInt8] = []
        var ends: [Int] = []
        var textWidths: [Int] = []
        var widths: [Int]
        var anyNumber: [Bool]
        var onlyNumbers: [Bool]
        let columnCount: Int

        init(_ rows: ArraySlice<[ResultTable.Cell]>, columnCount: Int, translated: ResultTable.Translation?) {
            self.columnCount = columnCount
            widths = Array(repeating: 0, count: columnCount)
            anyNumber = Array(repeating: false, count: columnCount)
            onlyNumbers = Array(repeating: true, count: columnCount)
            let cellCount = rows.count * columnCount
            texts.reserveCapacity(cellCount * 8)
            ends.reserveCapacity(cellCount)
            textWidths.reserveCapacity(cellCount)
            // A column repeats its text row after row (a unit's name over its
            // items): the width of the text above is taken when the bytes match.
            var above = [Range<Int>](repeating: 0..<0, count: columnCount)
            var aboveWidth = [Int](repeating: 0, count: columnCount)
            for row in rows {
                for (index, cell) in row.enumerated() {
                    var text = cell.displayText
                    if let translated, case let .text(code) = cell, let name = translated.value(index, code) { text = name }
                    let start = texts.count
                    texts.append(contentsOf: text.utf8)
                    var width: Int
                    let previous = above[index]
                    if previous.count == texts.count - start && texts.withUnsafeBufferPointer({ bytes in
                        memcmp(bytes.baseAddress! + previous.lowerBound, bytes.baseAddress! + start, previous.count) == 0
                    }) {
                        width = aboveWidth[index]
                    } else {
                        width = DisplayWidth.of(text)
                        if case .text = cell, width > maxTextWidth {
                            texts.removeSubrange(start...)
                            text = cut(text, to: maxTextWidth)
                            texts.append(contentsOf: text.utf8)
                            width = DisplayWidth.of(text)
                        }
                        above[index] = start..<texts.count
                        aboveWidth[index] = width
                    }
                    switch cell {
                    case .text: onlyNumbers[index] = false
                    case .missing: break
                    default: anyNumber[index] = true
                    }
                    ends.append(texts.count)
                    textWidths.append(width)
                    widths[index] = max(widths[index], width)
                }
            }
        }
    }

    /// The columns' widths and alignment, and how a line is written with them.
    struct Layout: Sendable {
        let widths: [Int]
        let rightAligned: [Bool]
        let spaces: [UInt8]

        init(widths: [Int], rightAligned: [Bool]) {
            self.widths = widths
            self.rightAligned = rightAligned
            spaces = Array(repeating: 0x20, count: (widths.max() ?? 0) + 2)
        }

        func cell(_ index: Int, _ bytes: ArraySlice<UInt8>, width: Int, into output: inout [UInt8]) {
            if index > 0 { output.append(contentsOf: spaces[0..<2]) }
            let padding = widths[index] - width
            if rightAligned[index] {
                output.append(contentsOf: spaces[0..<padding])
                output.append(contentsOf: bytes)
            } else {
                output.append(contentsOf: bytes)
                output.append(contentsOf: spaces[0..<padding])
            }
        }

        func endLine(_ output: inout [UInt8], trimmed: Bool = true) {
            while trimmed && output.last == 0x20 { output.removeLast() }
            output.append(0x0A)
        }

        func lines(_ part: Measured) -> [UInt8] {
            var output: [UInt8] = []
            output.reserveCapacity(part.texts.count + part.ends.count / max(part.columnCount, 1) * (widths.reduce(0, +) + 2 * widths.count))
            var start = 0
            for first in stride(from: 0, to: part.ends.count, by: max(part.columnCount, 1)) {
                for index in 0..<part.columnCount {
                    let end = part.ends[first + index]
                    cell(index, part.texts[start..<end], width: part.textWidths[first + index], into: &output)
                    start = end
                }
                endLine(&output)
            }
            return output
        }
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
    static func render(_ table: ResultTable, translated: ResultTable.Translation? = nil) -> String {
        func escape(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        let numeric = table.columns.indices.map { index in table.rows.contains { $0[index].isNumeric } }
        var lines = ["| " + (translated?.headers ?? table.columns).map(escape).joined(separator: " | ") + " |"]
        lines.append("|" + numeric.map { $0 ? " ---: |" : " --- |" }.joined())
        for row in table.rows {
            lines.append("| " + row.enumerated().map { index, cell in
                if let translated, case let .text(code) = cell, let name = translated.value(index, code) { return escape(name) }
                return escape(cell.displayText)
            }.joined(separator: " | ") + " |")
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
        // Names too: a unit's kind, and the words of a few yes/no columns.
        // Given to the writer as it writes each cell, not written into a copy
        // of the rows: that copied every row (80,000 for `fiscal score`).
        let named = language == .zh ? columns.map { Self.namedColumns.contains($0) ? $0 : nil } : columns.map { _ in nil }
        let translation = Translation(headers: language.headers(columns)) { position, code in
            named[position].flatMap { Self.chineseValue(column: $0, code: code) }
        }
        return format == .table ? TerminalTable.render(self, translated: translation) : MarkdownWriter.render(self, translated: translation)
    }

    /// Headers in a language, and the name in it of a text cell's code (nil: as it is).
    struct Translation: Sendable {
        var headers: [String]
        var value: @Sendable (_ column: Int, _ code: String) -> String?
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
