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

    init(nextBlock: @escaping () throws -> [UInt8]) {
        self.nextBlock = nextBlock
    }

    var fieldCount: Int { fieldEnds.count }

    /// Reads the next record; false at the end of the input.
    func next() throws -> Bool {
        bytes.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        line = nextLine
        var inQuotes = false
        var quoteJustClosed = false
        var fieldHasContent = false
        var sawAnything = false

        while true {
            if position >= block.count {
                if finished { break }
                block = try nextBlock()
                position = 0
                if block.isEmpty { finished = true; break }
            }
            let done: Bool = block.withUnsafeBufferPointer { buffer in
                while position < buffer.count {
                    let byte = buffer[position]
                    position += 1
                    if inQuotes {
                        if byte == 0x22 {                       // "
                            inQuotes = false
                            quoteJustClosed = true
                        } else {
                            if byte == 0x0A { nextLine += 1 }
                            bytes.append(byte)
                        }
                        continue
                    }
                    switch byte {
                    case 0x22:
                        sawAnything = true
                        if quoteJustClosed {                    // "" inside quotes
                            bytes.append(0x22)
                            inQuotes = true
                            quoteJustClosed = false
                        } else if !fieldHasContent {
                            inQuotes = true
                            fieldHasContent = true
                        } else {
                            bytes.append(byte)                  // stray quote in a bare field: keep it
                        }
                    case 0x2C:                                   // ,
                        sawAnything = true
                        fieldEnds.append(bytes.count)
                        fieldHasContent = false
                        quoteJustClosed = false
                    case 0x0A:
                        nextLine += 1
                        if sawAnything || !fieldEnds.isEmpty || !bytes.isEmpty {
                            fieldEnds.append(bytes.count)
                            return true
                        }
                        line = nextLine                          // skip an empty line
                    case 0x0D:
                        continue                                 // CRLF: the LF ends the record
                    default:
                        sawAnything = true
                        quoteJustClosed = false
                        fieldHasContent = true
                        bytes.append(byte)
                    }
                }
                return false
            }
            if done { return true }
        }
        if inQuotes { unterminatedQuote = true }
        if sawAnything || !fieldEnds.isEmpty || !bytes.isEmpty {
            fieldEnds.append(bytes.count)
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
    func withBytes<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard index < fieldEnds.count else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        let range = range(at: index)
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
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
