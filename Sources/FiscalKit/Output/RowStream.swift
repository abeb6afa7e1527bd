import Foundation
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
    let descriptor: Int32
    var buffer: [UInt8] = []
    var rows = 0

    /// Only .csv and .json stream.
    public static func streams(_ format: OutputFormat) -> Bool { format == .csv || format == .json }

    public init(format: OutputFormat, columns: [String], descriptor: Int32 = 1) {
        precondition(Self.streams(format), "only CSV and JSON stream")
        self.format = format
        self.columns = columns
        self.descriptor = descriptor
        buffer.reserveCapacity(1 << 16)
        if format == .csv {
            append(columns.map { CSVWriter.escape(CSVWriter.neutralized($0)) }.joined(separator: ",") + "\n")
        }
    }

    public func write(_ row: [ResultTable.Cell]) {
        precondition(row.count == columns.count, "a row must have one cell per column")
        switch format {
        case .csv:
            append(row.map { cell in
                guard case let .text(text) = cell else { return CSVWriter.escape(cell.plainText) }
                return CSVWriter.escape(CSVWriter.neutralized(text))
            }.joined(separator: ",") + "\n")
        default:
            append((rows == 0 ? "[\n" : ",\n") + "  {"
                   + zip(columns, row).map { "\(JSONWriter.quote($0)): \(JSONWriter.value($1))" }.joined(separator: ", ") + "}")
        }
        rows += 1
        if buffer.count >= 1 << 16 { flush() }
    }

    /// Ends the output (JSON's closing bracket) and writes what is buffered.
    public func finish() {
        if format == .json { append(rows == 0 ? "[]\n" : "\n]\n") }
        flush()
    }

    func append(_ text: String) { buffer.append(contentsOf: text.utf8) }

    func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { if errno == EINTR { continue }; return }   // a closed pipe (| head): stop writing
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
