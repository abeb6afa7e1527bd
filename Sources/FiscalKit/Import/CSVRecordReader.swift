/// A streaming RFC 4180 CSV reader over UTF-8 byte blocks.
///
/// Fields may be quoted (`"a, b"`, `"say ""hi"""`) and quoted fields may span
/// lines; LF and CRLF both end a record. Only the current record is held in
/// memory, so memory does not grow with the file. It works on bytes because a
/// general CSV package was measured at twice the time of `sqlite3 .import` on its
/// own (see BENCHMARKS.md).
///
/// ```swift
/// let reader = CSVRecordReader { try stream.nextBlock() }
/// while try reader.next() {
///     print(reader.line, reader.string(at: 0))
/// }
/// ```
final class CSVRecordReader {
    private let nextBlock: () throws -> [UInt8]
    private var block: [UInt8] = []
    private var position = 0
    private var finished = false

    /// The bytes of the current record's fields, unquoted, back to back.
    private(set) var bytes: [UInt8] = []
    /// Where each field of the current record ends in `bytes`.
    private(set) var fieldEnds: [Int] = []
    /// The line the current record starts on (1-based).
    private(set) var line = 0
    /// Set when a quoted field was still open at the end of the file.
    private(set) var unterminatedQuote = false
    private var nextLine = 1

    /// The file read, for the errors of a record past the limits ("a.csv:2: …").
    let source: String

    init(source: String = "", nextBlock: @escaping () throws -> [UInt8]) {
        self.source = source
        self.nextBlock = nextBlock
    }

    private func limitError(_ line: Int, _ message: String) -> FiscalError {
        source.isEmpty ? FiscalError.invalid("line \(line): \(message)") : FiscalError.file("\(source):\(line)", message)
    }

    var fieldCount: Int { fieldEnds.count }

    /// The largest record (one line, or a quoted field over several) and the most
    /// columns read: beyond them a file is no table, and reading on would only
    /// spend memory (a quote never closed takes the rest of the file).
    static let maxRecordBytes = 1 << 20
    static let maxFields = 2_000

    /// Reads the next record; false at the end of the input.
    func next() throws -> Bool {
        // Work on locals: class properties in the byte loop cost an exclusivity
        // check per access.
        var out: [UInt8] = []
        var ends: [Int] = []
        swap(&out, &bytes)
        swap(&ends, &fieldEnds)
        defer {
            swap(&out, &bytes)
            swap(&ends, &fieldEnds)
        }
        out.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        line = nextLine
        var lines = nextLine
        defer { nextLine = lines }
        var inQuotes = false
        var quoteJustClosed = false
        var fieldHasContent = false
        var sawAnything = false
        var recordStart = line

        while true {
            if position >= block.count {
                if finished { break }
                block = try nextBlock()
                position = 0
                if block.isEmpty { finished = true; break }
            }
            var index = position
            let done: Bool = block.withUnsafeBufferPointer { buffer in
                let count = buffer.count
                while index < count {
                    if inQuotes {
                        let start = index
                        while index < count && buffer[index] != 0x22 {
                            if buffer[index] == 0x0A { lines += 1 }
                            index += 1
                        }
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<index]))
                        if index < count {                      // the closing quote
                            inQuotes = false
                            quoteJustClosed = true
                            index += 1
                        }
                        continue
                    }
                    let start = index
                    while index < count {
                        let byte = buffer[index]
                        if byte == 0x2C || byte == 0x22 || byte == 0x0A || byte == 0x0D { break }
                        index += 1
                    }
                    if index > start {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<index]))
                        sawAnything = true
                        fieldHasContent = true
                        quoteJustClosed = false
                    }
                    if index == count { break }
                    let byte = buffer[index]
                    index += 1
                    switch byte {
                    case 0x22:                                   // "
                        sawAnything = true
                        if quoteJustClosed {                    // "" inside quotes
                            out.append(0x22)
                            inQuotes = true
                            quoteJustClosed = false
                        } else if !fieldHasContent {
                            inQuotes = true
                            fieldHasContent = true
                        } else {
                            out.append(byte)                    // stray quote in a bare field: keep it
                        }
                    case 0x2C:                                   // ,
                        sawAnything = true
                        ends.append(out.count)
                        fieldHasContent = false
                        quoteJustClosed = false
                    case 0x0A:
                        lines += 1
                        if sawAnything || !ends.isEmpty || !out.isEmpty {
                            ends.append(out.count)
                            return true
                        }
                        recordStart = lines                      // skip an empty line
                    default:
                        break                                    // CR: the LF ends the record
                    }
                }
                return false
            }
            position = index
            line = recordStart
            // Checked once per block or record, not per byte: memory stays within a limit and a block.
            if out.count > Self.maxRecordBytes {
                throw limitError(recordStart, "a record over \(Self.maxRecordBytes >> 20) MiB"
                                 + (inQuotes ? " (a quote opened here is never closed)" : "") + "; not a table this tool reads")
            }
            if ends.count > Self.maxFields {
                throw limitError(recordStart, "more than \(Self.maxFields) columns; not a table this tool reads")
            }
            if done { return true }
        }
        line = recordStart
        if inQuotes { unterminatedQuote = true }
        if sawAnything || !ends.isEmpty || !out.isEmpty {
            ends.append(out.count)
            return true
        }
        return false
    }

    private func range(at index: Int) -> Range<Int> {
        (index == 0 ? 0 : fieldEnds[index - 1])..<fieldEnds[index]
    }

    /// The field as a String, or nil when its bytes are not valid UTF-8.
    func string(at index: Int) -> String? {
        guard index < fieldEnds.count else { return "" }
        let range = range(at: index)
        return bytes.withUnsafeBufferPointer { buffer in
            let slice = UnsafeBufferPointer(rebasing: buffer[range])
            for byte in slice where byte >= 0x80 {
                return String(validating: slice, as: UTF8.self)
            }
            return String(decoding: slice, as: UTF8.self)
        }
    }

    /// Calls `body` with the field's raw bytes (no copy).
    func withBytes<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        guard index < fieldEnds.count else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        let range = range(at: index)
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }
}

/// Small CSV texts held in memory (the metric catalogue).
enum CSVText {
    struct Record {
        var line: Int
        var fields: [String]
    }

    static func records(_ text: String) throws -> [Record] {
        var data: [UInt8]? = Array(text.utf8)
        if data!.starts(with: [0xEF, 0xBB, 0xBF]) { data!.removeFirst(3) }
        let reader = CSVRecordReader {
            defer { data = nil }
            return data ?? []
        }
        var records: [Record] = []
        while try reader.next() {
            records.append(Record(line: reader.line,
                                  fields: (0..<reader.fieldCount).map { reader.string(at: $0) ?? "" }))
        }
        return records
    }
}
