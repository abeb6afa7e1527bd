import Foundation
import GRDB
import GRDBSQLite

/// The columns of a tidy CSV: one figure per row.
///
/// English or Chinese headers: `unit`/单位/单位名称, `year`/年度/年份,
/// `metric`/指标/科目, `value`/数值/金额, and optional `quarter`/季度,
/// `basis`/口径, `region`/地区, `kind`/类型, `unit_code`/单位编码.
struct TidyCSVHeader {
    enum Column: String, CaseIterable {
        case unit, year, metric, value, quarter, basis, region, kind, unitCode = "unit_code"

        var words: [String] {
            switch self {
            case .unit: return ["unit", "单位", "单位名称", "预算单位", "部门", "部门名称", "部门(单位)名称"]
            case .year: return ["year", "年度", "年份", "年"]
            case .metric: return ["metric", "指标", "科目", "指标名称", "科目名称"]
            case .value: return ["value", "数值", "金额", "值", "数额"]
            case .quarter: return ["quarter", "季度", "期间"]
            case .basis: return ["basis", "口径"]
            case .region: return ["region", "地区", "区域", "所属地区"]
            case .kind: return ["kind", "类型", "单位类型"]
            case .unitCode: return ["unit_code", "单位编码", "单位代码"]
            }
        }
    }

    var index: [Column: Int] = [:]
    var ignored: [String] = []
    var count = 0

    /// nil when the fields are not a tidy header at all (so the file is not a
    /// tidy CSV); an error when it is one with a defect.
    init?(fields: [String], path: String) throws {
        count = fields.count
        for (position, field) in fields.enumerated() {
            let key = TextNormalization.key(field)
            guard let column = Column.allCases.first(where: { $0.words.contains(key) }) else {
                if !key.isEmpty { ignored.append(field) }
                continue
            }
            if index[column] != nil {
                throw FiscalError.file(path, "line 1: the column \(column.rawValue) appears twice ('\(field)')")
            }
            index[column] = position
        }
        let required: [Column] = [.unit, .year, .metric, .value]
        let present = required.filter { index[$0] != nil }
        if present.count < 2 { return nil }
        if present.count < required.count {
            let lacking = required.filter { index[$0] == nil }.map(\.rawValue).joined(separator: ", ")
            throw FiscalError.file(path, "line 1: the header lacks \(lacking) (a tidy CSV needs unit, year, metric, value)")
        }
    }
}

/// What importing one file did.
public struct ImportSummary: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case imported(importID: Int64)
        /// The same content was imported before (as `path`); nothing changed.
        case unchanged(importID: Int64, path: String)
    }

    public var path: String
    public var outcome: Outcome
    public var format: String
    public var encoding: String
    public var rows: Int
    public var figures: Int
    public var missing: Int
    public var conflicts: Int
    public var ignoredColumns: [String] = []
    /// The year the file reports on: a package's own year; for a tidy CSV the
    /// latest year among its rows (earlier years in it are restatements).
    public var documentYear: Int?
    /// For a package: the unit its figures were stored under, and how many
    /// figure-like lines were not understood (`fiscal inspect` lists them).
    public var unitName: String?
    public var unread = 0
    /// For a wide table: its earliest year (``documentYear`` is its latest).
    public var earliestYear: Int?
    /// For a tidy CSV just imported: the units its rows name (the summary
    /// of `fiscal import` shows the one, or how many).
    public var unitIDs: Set<Int64> = []
}

/// Progress of a long import: bytes read of the total, rows so far.
public typealias ImportProgress = (_ bytesRead: Int, _ totalBytes: Int, _ rows: Int) -> Void

/// Imports a tidy CSV into the store in one transaction.
///
/// Every row is checked; the first bad row stops storing but not checking, so
/// the error lists every bad row as `file:line: what is wrong`, and the
/// transaction is rolled back: the database is left exactly as it was.
/// Inserts bind values straight on the prepared statement (measured at 3× the
/// speed of GRDB's per-row `execute(arguments:)`, see BENCHMARKS.md).
///
/// Two threads: ``TidyCSVRows`` reads and checks the rows after the header;
/// this one, which owns the connection, resolves units and writes. Problems of
/// both are reported in line order.
struct TidyCSVImporter {
    static let maxReportedProblems = 100

    let path: String
    let fingerprint: FileFingerprint
    let progress: ImportProgress?
    /// The fingerprint's encoding is a guess from the first block: the
    /// reading checks that the file is UTF-8 throughout (``UTF8BlockStream/NotUTF8``).
    var validatesUTF8 = false
    /// Called after each chunk of rows is written (the import checks the
    /// file's SHA-256 there once it is taken).
    var afterChunk: () throws -> Void = {}

    func run(in db: Database, importID: Int64) throws -> ImportSummary {
        let stream = try UTF8BlockStream(path: path, encoding: fingerprint.encoding, validating: validatesUTF8)
        let reader = CSVRecordReader(source: path) {
            var block: [UInt8] = []
            try stream.next(into: &block)
            return block
        }
        guard try reader.next() else {
            throw FiscalError.file(path, "the file is empty")
        }
        let headerFields = (0..<reader.fieldCount).map { reader.string(at: $0) ?? "" }
        guard let header = try TidyCSVHeader(fields: headerFields, path: path) else {
            throw FiscalError.file(path, "line 1: not a tidy CSV (its header should name unit, year, metric, value) and not a document this version reads")
        }
        let metricIDs = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT code, id FROM metrics").map {
            ($0["code"] as String, $0["id"] as Int64)
        })
        let rowsReader = TidyCSVRows(reader: reader, stream: stream, header: header, catalog: try FiscalDatabase.catalog(db),
                                     metricIDs: metricIDs)
        rowsReader.start()
        defer { rowsReader.stop() }

        var units = try UnitDirectory(db)
        var unitCache = ByteKeyedCache<(id: Int64, isNew: Bool)>()
        var fileUnits: Set<Int64> = []   // once per distinct unit key, not per row
        var cStrings = CStringTable()
        let basisPointers = Basis.allCases.map { cStrings.intern($0.rawValue) }
        let csvPart = cStrings.intern("csv")
        let writer = try ObservationWriter(db: db, importID: importID, part: "csv")

        var problems: [LocatedProblem] = []
        var problemCount = 0
        var rows = 0
        var missing = 0
        var latestYear: Int?
        func problem(_ message: String, line: Int) {
            problemCount += 1
            if problems.count < Self.maxReportedProblems {
                problems.append(LocatedProblem(path: path, line: line, message: message))
            }
        }
        /// The unit of a key (unit, region, kind and code fields, each ended by
        /// 0x1F), or the problem with it.
        func resolveUnit(_ key: ArraySlice<UInt8>) throws -> Result<(id: Int64, isNew: Bool), FiscalError> {
            if let cached = key.withUnsafeBufferPointer({ unitCache.value(for: $0) }) { return .success(cached) }
            let fields = key.split(separator: 0x1F, omittingEmptySubsequences: false).prefix(4)
                .map { String(validating: $0, as: UTF8.self) }
            guard fields.count == 4, let unitText = fields[0], let region = fields[1], let kindText = fields[2],
                  let code = fields[3] else { return .failure(.invalid(TidyCSVRows.invalidText)) }
            if TextNormalization.trim(unitText).isEmpty { return .failure(.invalid("the unit is empty")) }
            var kind: UnitKind?
            if !TextNormalization.trim(kindText).isEmpty {
                kind = UnitKind(word: kindText)
                if kind == nil { return .failure(.invalid("kind '\(kindText)' is not department, township or other")) }
            }
            do {
                let id = try units.resolveOrCreate(name: unitText, region: region, kind: kind, code: code, in: db)
                fileUnits.insert(id)
                let resolved = (id: id, isNew: units.createdIDs.contains(id))
                key.withUnsafeBufferPointer { unitCache.insert(resolved, for: $0) }
                return .success(resolved)
            } catch let error as FiscalError {
                return .failure(error)
            }
        }

        var bytesRead = 0
        while true {
            let chunk = rowsReader.queue.take()
            if let error = chunk.error { throw error }
            // The chunk's units, each resolved once.
            var chunkUnits = [Result<(id: Int64, isNew: Bool), FiscalError>?](repeating: nil, count: chunk.unitEnds.count)
            try chunk.text.withUnsafeBufferPointer { text in
                for (index, row) in chunk.rows.enumerated() {
                    rows += 1
                    if let progress, rows % 100_000 == 0 { progress(chunk.bytesRead, fingerprint.byteCount, rows) }
                    if row.outcome == .problemBeforeUnit { problem(chunk.problems[index]!, line: row.line); continue }
                    let unitIndex = Int(row.unit)
                    if chunkUnits[unitIndex] == nil { chunkUnits[unitIndex] = try resolveUnit(chunk.unitKey(row.unit)) }
                    let unit: (id: Int64, isNew: Bool)
                    switch chunkUnits[unitIndex]! {
                    case let .success(resolved): unit = resolved
                    case let .failure(error):
                        problem(error.description, line: row.line)
                        continue
                    }
                    switch row.outcome {
                    case .problem, .problemBeforeUnit:
                        problem(chunk.problems[index]!, line: row.line)
                        continue
                    case .missing:
                        latestYear = max(latestYear ?? row.year, row.year)
                        missing += 1
                        continue
                    case .value:
                        latestYear = max(latestYear ?? row.year, row.year)
                    }
                    if problemCount > 0 { continue }   // the file will be rolled back; keep checking only
                    let key = ObservationKey(unitID: unit.id, year: row.year, quarter: row.quarter, metricID: row.metricID,
                                             basis: basisPointers[row.basis])
                    let range = chunk.rawText(of: index)
                    try writer.add(key, value: row.value, part: csvPart, line: row.line,
                                   rawText: UnsafeBufferPointer(rebasing: text[range]), unitIsNew: unit.isNew)
                }
            }
            if let fileProblem = chunk.fileProblem { problem(fileProblem.message, line: fileProblem.line) }
            try afterChunk()
            if chunk.isLast {
                bytesRead = chunk.bytesRead
                break
            }
        }
        try writer.finish()
        // The interned C strings are bound without a copy: keep them to here.
        withExtendedLifetime(cStrings) {}
        if problemCount > 0 {
            throw FiscalError.badRows(path: path, problems: problems, total: problemCount)
        }
        if rows == 0 {
            throw FiscalError.file(path, "a header and no rows under it: nothing to import")
        }
        progress?(bytesRead, fingerprint.byteCount, rows)
        return ImportSummary(path: path, outcome: .imported(importID: importID), format: "csv",
                             encoding: fingerprint.encoding.rawValue, rows: rows, figures: writer.figures,
                             missing: missing, conflicts: writer.conflictsCreated, ignoredColumns: header.ignored,
                             documentYear: latestYear, unitIDs: fileUnits)
    }

    /// A year as digits, optionally followed by 年, in ASCII or full width.
    static func parseYear(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var value = 0
        var digits = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x30 && byte <= 0x39 {
                value = value * 10 + Int(byte - 0x30)
                digits += 1
                index += 1
                if digits > 4 { return nil }
            } else if byte == 0xEF && index + 2 < bytes.count && bytes[index + 1] == 0xBC
                        && (0x90...0x99).contains(bytes[index + 2]) {     // full-width ０–９
                value = value * 10 + Int(bytes[index + 2] - 0x90)
                digits += 1
                index += 3
                if digits > 4 { return nil }
            } else if byte == 0x20 {
                index += 1
            } else if byte == 0xE5 && index + 2 < bytes.count && bytes[index + 1] == 0xB9
                        && bytes[index + 2] == 0xB4 && index + 3 == bytes.count {   // 年
                index += 3
            } else {
                return nil
            }
        }
        guard digits == 4, (1900...2200).contains(value) else { return nil }
        return value
    }
}
