import GRDB

/// Rows in COPY's text format (tab-separated, `\N` for NULL, backslash
/// escapes for tab, newline, carriage return and backslash): what
/// postgres-nio's `copyFrom` sends. Built straight from SQLite's cursor, so
/// a province's rows are never held as Swift values.
struct CopyText {
    private(set) var bytes: [UInt8] = []
    private(set) var rows = 0

    /// Appends every row of a cursor, its columns in order.
    mutating func append(_ cursor: RowCursor) throws {
        while let row = try cursor.next() {
            for index in 0..<row.count {
                if index > 0 { bytes.append(0x09) }
                append(row[index] as DatabaseValue)
            }
            bytes.append(0x0A)
            rows += 1
        }
    }

    private mutating func append(_ value: DatabaseValue) {
        switch value.storage {
        case .null:
            bytes.append(contentsOf: [0x5C, 0x4E])            // \N
        case .int64(let number):
            bytes.append(contentsOf: String(number).utf8)
        case .double(let number):
            bytes.append(contentsOf: "\(number)".utf8)
        case .string(let text):
            append(text)
        case .blob(let data):
            append(String(decoding: data, as: UTF8.self))
        }
    }

    private mutating func append(_ text: String) {
            for byte in text.utf8 {
                switch byte {
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
                case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
                default: bytes.append(byte)
                }
            }
    }
}
