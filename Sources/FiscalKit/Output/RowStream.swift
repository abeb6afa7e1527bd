import Foundation
import GRDBSQLite
#if canImport(Glibc)
import Glibc
#endif

/// CSV or JSON written row by row as the query reads them, to standard output
/// (or any file descriptor), through one buffer: memory stays flat however many rows a
/// listing has. The bytes are those of ``ResultTable/rendered(as:)`` for the
/// same rows (a test holds them equal). Tables and Markdown need every row for
/// their widths and are built whole.
public final class RowStream {
    public let format: OutputFormat
    let columns: [String]
    /// Takes each full buffer; false when the bytes could not be written.
    let sink: (UnsafeRawBufferPointer) -> Bool
    var buffer: [UInt8] = []
    var rows = 0
    /// A write failed: what followed it was dropped (a closed pipe, a full disk).
    public private(set) var failed = false

    /// Only .csv and .json stream.
    public static func streams(_ format: OutputFormat) -> Bool { format == .csv || format == .json }

    /// To a file descriptor (standard output by default); a closed pipe (`| head`) stops the writing.
    public convenience init(format: OutputFormat, columns: [String], descriptor: Int32 = 1) {
        self.init(format: format, columns: columns) { Self.writeAll($0, to: descriptor) }
    }

    /// Every byte to a file descriptor, again after an interruption; false when a write fails.
    public static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written <= 0 { if errno == EINTR { continue }; return false }
            offset += written
        }
        return true
    }

    /// To any sink of bytes (the export writes a file and hashes it as it goes).
    public init(format: OutputFormat, columns: [String], sink: @escaping (UnsafeRawBufferPointer) -> Bool) {
        precondition(Self.streams(format), "only CSV and JSON stream")
        self.format = format
        self.columns = columns
        self.sink = sink
        buffer.reserveCapacity(1 << 16)
        if format == .csv {
            append(columns.map { CSVWriter.escape(CSVWriter.neutralized($0)) }.joined(separator: ",") + "\n")
        }
    }

    public func write(_ row: [ResultTable.Cell]) {
        precondition(row.count == columns.count, "a row must have one cell per column")
        switch format {
        case .csv:
            // Bytes into the buffer, no String per row: at 5 million facts the
            // joined strings were most of `fiscal facts --format csv` (issue 13).
            for (index, cell) in row.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                switch cell {
                case let .text(text): appendCSVField(text, neutralize: true)
                case let .label(value), let .integer(value): append(String(value))   // a small string: no allocation
                case let .number(value, _): append(value.description)
                case .missing: break
                default: appendCSVField(cell.plainText, neutralize: false)
                }
            }
            buffer.append(UInt8(ascii: "\n"))
        default:
            append((rows == 0 ? "[\n" : ",\n") + "  {"
                   + zip(columns, row).map { "\(JSONWriter.quote($0)): \(JSONWriter.value($1))" }.joined(separator: ", ") + "}")
        }
        rows += 1
        if buffer.count >= 1 << 16 { flush() }
    }

    /// How a statement's column is written by ``writeCSV(_:columns:)``.
    public enum RawColumn: Sendable {
        case text       // a text cell (neutralized, quoted when needed); NULL is empty
        case integer
        case exactE6    // an ExactValue's e6, written as its description
    }

    /// One CSV row from a SQLite statement's current row, the same bytes as
    /// ``write(_:)`` of the same cells, copied from SQLite's buffers.
    public func writeCSV(_ statement: OpaquePointer, columns: [RawColumn]) {
        precondition(format == .csv && columns.count == self.columns.count, "a CSV stream, one column each")
        // A local buffer: each access to a stored property is checked for
        // exclusivity at run time, a few percent of 5 million rows.
        var out: [UInt8] = []
        swap(&out, &buffer)
        for (index, column) in columns.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            let position = Int32(index)
            if sqlite3_column_type(statement, position) == SQLITE_NULL { continue }
            switch column {
            case .text:
                guard let text = sqlite3_column_text(statement, position) else { continue }
                Self.appendCSVField(UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, position))),
                                    neutralize: true, to: &out)
            case .integer: out.append(contentsOf: String(sqlite3_column_int64(statement, position)).utf8)
            case .exactE6: out.append(contentsOf: ExactValue(e6: sqlite3_column_int64(statement, position)).description.utf8)
            }
        }
        out.append(UInt8(ascii: "\n"))
        swap(&out, &buffer)
        rows += 1
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Ends the output (JSON's closing bracket) and writes what is buffered.
    public func finish() {
        if format == .json { append(rows == 0 ? "[]\n" : "\n]\n") }
        flush()
    }

    func append(_ text: String) { buffer.append(contentsOf: text.utf8) }

    /// One CSV field as ``CSVWriter`` writes it: `'` before a text that a
    /// spreadsheet would take for a formula, quotes when it holds , " CR or LF.
    func appendCSVField(_ text: String, neutralize: Bool) {
        var text = text
        text.withUTF8 { Self.appendCSVField($0, neutralize: neutralize, to: &buffer) }
    }

    static func appendCSVField(_ bytes: UnsafeBufferPointer<UInt8>, neutralize: Bool, to out: inout [UInt8]) {
        let formula = neutralize && bytes.first.map(CSVWriter.isFormulaStart) == true
        guard bytes.contains(where: CSVWriter.needsQuotes) else {
            if formula { out.append(UInt8(ascii: "'")) }
            out.append(contentsOf: bytes)
            return
        }
        out.append(UInt8(ascii: "\""))
        if formula { out.append(UInt8(ascii: "'")) }
        for byte in bytes {
            out.append(byte)
            if byte == UInt8(ascii: "\"") { out.append(byte) }
        }
        out.append(UInt8(ascii: "\""))
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        if !failed { failed = !buffer.withUnsafeBytes(sink) }
        buffer.removeAll(keepingCapacity: true)
    }
}
