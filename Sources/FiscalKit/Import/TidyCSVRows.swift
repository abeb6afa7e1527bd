import Foundation

/// One row of a tidy CSV as the reading thread leaves it for the writing
/// thread: every field checked and converted except the unit, which only the
/// database can resolve.
struct ParsedRow {
    enum Outcome: UInt8 {
        /// `value` holds the figure (×10⁶).
        case value
        /// The value cell is empty, "-" or the like.
        case missing
        /// A problem with a field after the unit (`ParsedChunk.problems`).
        case problem
        /// A problem found before the unit is looked at (the field count).
        case problemBeforeUnit
    }

    var line: Int
    var outcome: Outcome
    /// Index of the row's unit key in its chunk.
    var unit: Int32
    var year: Int
    var quarter: Int
    var metricID: Int64
    var basis: Int
    var value: Int64
    /// End of the value's raw text in ``ParsedChunk/text``.
    var textEnd: Int
}

/// A run of parsed rows. A unit key (the raw unit, region, kind and code
/// fields) is stored once for consecutive rows that share it.
final class ParsedChunk: @unchecked Sendable {
    var rows: [ParsedRow] = []
    var unitBytes: [UInt8] = []
    var unitEnds: [Int] = []
    var text: [UInt8] = []
    var problems: [Int: String] = [:]      // row index → message
    var bytesRead = 0
    /// The last chunk: the file is read, or `error` stopped the reading.
    var isLast = false
    var error: (any Error)?
    /// A problem of the file rather than a row (an unclosed quote).
    var fileProblem: (line: Int, message: String)?

    func unitKey(_ index: Int32) -> ArraySlice<UInt8> {
        let index = Int(index)
        return unitBytes[(index == 0 ? 0 : unitEnds[index - 1])..<unitEnds[index]]
    }

    func rawText(of row: Int) -> Range<Int> {
        (row == 0 ? 0 : rows[row - 1].textEnd)..<rows[row].textEnd
    }
}

/// A bounded hand-over from the reading thread to the writing thread.
final class ChunkQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [ParsedChunk] = []
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// false when the writer gave up: the reader should stop.
    func put(_ chunk: ParsedChunk) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        chunks.append(chunk)
        condition.broadcast()
        return true
    }

    /// The next chunk; after ``cancel()``, a last chunk without rows.
    func take() -> ParsedChunk {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty && !cancelled { condition.wait() }
        if chunks.isEmpty {
            let last = ParsedChunk()
            last.isLast = true
            return last
        }
        let chunk = chunks.removeFirst()
        condition.broadcast()
        return chunk
    }

    func cancel() {
        condition.lock()
        cancelled = true
        chunks.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}

/// Reads a tidy CSV's rows after the header on a thread of its own: splitting
/// records and converting year, metric, basis, quarter and value, while the
/// importer's thread resolves units and writes. The two halves cost about the
/// same, so the import runs on two cores (BENCHMARKS.md).
final class TidyCSVRows: @unchecked Sendable {
    static let chunkRows = 4096

    private let reader: CSVRecordReader
    private let stream: UTF8BlockStream
    private let header: TidyCSVHeader
    private let catalog: MetricCatalog
    private let metricIDs: [String: Int64]
    let queue = ChunkQueue(capacity: 4)
    private let finished = DispatchSemaphore(value: 0)

    static let invalidText = "not valid UTF-8 text (save the file as UTF-8 or GB18030)"

    /// What the loop needs of a metric.
    struct MetricSlot {
        var code: String
        var unit: String
        var id: Int64
        var isHeadCount: Bool
        var isIndicator: Bool
    }

    init(reader: CSVRecordReader, stream: UTF8BlockStream, header: TidyCSVHeader, catalog: MetricCatalog,
         metricIDs: [String: Int64]) {
        self.reader = reader
        self.stream = stream
        self.header = header
        self.catalog = catalog
        self.metricIDs = metricIDs
    }

    func start() {
        let thread = Thread { [self] in
            defer { finished.signal() }
            do {
                try readAll()
            } catch {
                let chunk = ParsedChunk()
                chunk.error = error
                chunk.isLast = true
                _ = queue.put(chunk)
            }
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Stops the reading thread (if it still runs) and waits for it; again: nothing.
    func stop() {
        queue.cancel()
        if !stopped {
            finished.wait()
            stopped = true
        }
    }
    private var stopped = false

    private func readAll() throws {
        var metricCache = ByteKeyedCache<MetricSlot>()
        var basisCache = ByteKeyedCache<Int>()
        var quarterCache = ByteKeyedCache<Int>()
        let finalBasis = Basis.allCases.firstIndex(of: .final)!
        let reportedBasis = Basis.allCases.firstIndex(of: .reported)!
        // Column positions as plain integers (-1: absent): a dictionary keyed
        // by the enum hashed its raw string on every field of every row.
        let yearAt = header.index[.year] ?? -1
        let metricAt = header.index[.metric] ?? -1, valueAt = header.index[.value] ?? -1
        let basisAt = header.index[.basis] ?? -1, quarterAt = header.index[.quarter] ?? -1
        let unitColumns = [header.index[.unit] ?? -1, header.index[.region] ?? -1, header.index[.kind] ?? -1,
                           header.index[.unitCode] ?? -1]
        var unitKey: [UInt8] = []
        var chunk = ParsedChunk()
        chunk.rows.reserveCapacity(Self.chunkRows)

        func text(_ index: Int) -> String? {
            index < 0 ? "" : reader.string(at: index)
        }
        func bytes<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
            try reader.withBytes(at: index < 0 ? Int.max : index, body)
        }

        while try reader.next() {
            var row = ParsedRow(line: reader.line, outcome: .value, unit: -1, year: 0, quarter: 0, metricID: 0,
                                basis: finalBasis, value: 0, textEnd: chunk.text.count)
            // Checks the row's fields; a message when one is wrong.
            func parse() -> String? {
                if reader.fieldCount != header.count {
                    let extraAreEmpty = reader.fieldCount > header.count
                        && (header.count..<reader.fieldCount).allSatisfy { reader.withBytes(at: $0) { $0.isEmpty } }
                    if !extraAreEmpty {
                        row.outcome = .problemBeforeUnit
                        if reader.unterminatedQuote { return "a quote opened on this line is never closed" }
                        return "\(reader.fieldCount) fields where the header has \(header.count)"
                    }
                }
                // Unit: its raw fields, kept once for consecutive rows.
                unitKey.removeAll(keepingCapacity: true)
                for index in unitColumns {
                    if index >= 0 { reader.withBytes(at: index) { unitKey.append(contentsOf: $0) } }
                    unitKey.append(0x1F)
                }
                if chunk.unitEnds.isEmpty || !chunk.unitKey(Int32(chunk.unitEnds.count - 1)).elementsEqual(unitKey) {
                    chunk.unitBytes.append(contentsOf: unitKey)
                    chunk.unitEnds.append(chunk.unitBytes.count)
                }
                row.unit = Int32(chunk.unitEnds.count - 1)

                guard let year = bytes(yearAt, TidyCSVImporter.parseYear) else {
                    return "year '\(text(yearAt) ?? "")' is not a year between 1900 and 2200"
                }
                row.year = year

                var metric = bytes(metricAt) { metricCache.value(for: $0) }
                if metric == nil {
                    guard let metricText = text(metricAt) else { return Self.invalidText }
                    guard let found = catalog.metric(named: metricText) else {
                        let near = catalog.closestNames(to: metricText).joined(separator: ", ")
                        return metricText.isEmpty ? "the metric is empty" : "unknown metric '\(metricText)'; closest known: \(near)"
                    }
                    let slot = MetricSlot(code: found.code, unit: found.unit, id: metricIDs[found.code]!,
                                          isHeadCount: found.unit == "人", isIndicator: found.isIndicator)
                    bytes(metricAt) { metricCache.insert(slot, for: $0) }
                    metric = slot
                }
                let slot = metric!      // one copy per row: every `metric!` copied two Strings
                row.metricID = slot.id

                // Basis and quarter: empty means final and the whole year.
                var basis = bytes(basisAt) { $0.isEmpty ? finalBasis : basisCache.value(for: $0) }
                if basis == nil {
                    guard let basisText = text(basisAt) else { return Self.invalidText }
                    guard let parsed = Basis(word: basisText) else {
                        return "basis '\(basisText)' is not one of final, budget, initial, plan, reported (or 决算, 预算, 年初预算, 计划, 报告值)"
                    }
                    let index = Basis.allCases.firstIndex(of: parsed)!
                    bytes(basisAt) { basisCache.insert(index, for: $0) }
                    basis = index
                }
                row.basis = basis!
                if slot.isIndicator && basis != reportedBasis {
                    return "\(slot.code) is a derived indicator: only its reported values are stored (basis reported)"
                }
                var quarter = bytes(quarterAt) { field -> Int? in
                    if field.isEmpty { return 0 }
                    if field.count == 1 && field[0] >= 0x30 && field[0] <= 0x34 { return Int(field[0] - 0x30) }
                    return quarterCache.value(for: field)
                }
                if quarter == nil {
                    guard let quarterText = text(quarterAt) else { return Self.invalidText }
                    guard let parsed = QuarterWord.parse(quarterText) else {
                        return "quarter '\(quarterText)' is not empty, 0, 1–4 or Q1–Q4"
                    }
                    bytes(quarterAt) { quarterCache.insert(parsed, for: $0) }
                    quarter = parsed
                }
                row.quarter = quarter!

                // Value: plain ASCII decimals without a String, the rest by FigureText.
                let reading: FigureText.Reading = bytes(valueAt) { field in
                    if let plain = PlainDecimal(utf8: field), let e6 = plain.scaled(by: 0),
                       !slot.isHeadCount || e6 % ExactValue.scale == 0 && e6 >= 0 {
                        return .value(ExactValue(e6: e6))
                    }
                    guard let valueText = String(validating: field, as: UTF8.self) else { return .invalid(Self.invalidText) }
                    return FigureText.read(valueText, unit: slot.unit)
                }
                switch reading {
                case .missing:
                    row.outcome = .missing
                case let .invalid(message):
                    return message == Self.invalidText ? message : "\(slot.code): \(message)"
                case let .value(parsed):
                    row.value = parsed.e6
                    bytes(valueAt) { chunk.text.append(contentsOf: $0) }
                    row.textEnd = chunk.text.count
                }
                return nil
            }
            if let message = parse() {
                if row.outcome != .problemBeforeUnit { row.outcome = .problem }
                chunk.problems[chunk.rows.count] = message
            }
            chunk.rows.append(row)
            if chunk.rows.count == Self.chunkRows {
                chunk.bytesRead = stream.bytesRead
                guard queue.put(chunk) else { return }
                chunk = ParsedChunk()
                chunk.rows.reserveCapacity(Self.chunkRows)
            }
        }
        if reader.unterminatedQuote {
            chunk.fileProblem = (reader.line, "a quoted field is not closed before the end of the file")
        }
        chunk.bytesRead = stream.bytesRead
        chunk.isLast = true
        _ = queue.put(chunk)
    }
}
