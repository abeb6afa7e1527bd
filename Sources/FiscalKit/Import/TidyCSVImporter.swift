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
struct TidyCSVImporter {
    static let maxReportedProblems = 100

    let path: String
    let fingerprint: FileFingerprint
    let progress: ImportProgress?

    /// What the loop needs of a metric.
    struct MetricSlot {
        var code: String
        var unit: String
        var id: Int64
        var isHeadCount: Bool
        var isIndicator: Bool
    }

    func run(in db: Database, importID: Int64) throws -> ImportSummary {
        let stream = try UTF8BlockStream(path: path, encoding: fingerprint.encoding)
        let reader = CSVRecordReader {
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

        let catalog = try FiscalDatabase.catalog(db)
        let metricIDs = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT code, id FROM metrics").map {
            ($0["code"] as String, $0["id"] as Int64)
        })
        var units = try UnitDirectory(db)
        var unitCache = ByteKeyedCache<(id: Int64, isNew: Bool)>()
        var metricCache = ByteKeyedCache<MetricSlot>()
        var basisCache = ByteKeyedCache<Basis>()
        var quarterCache = ByteKeyedCache<Int>()
        var cStrings = CStringTable()
        let basisPointers = Dictionary(uniqueKeysWithValues: Basis.allCases.map { ($0, cStrings.intern($0.rawValue)) })
        let csvPart = cStrings.intern("csv")

        let writer = try ObservationWriter(db: db, importID: importID, part: "csv")

        var problems: [LocatedProblem] = []
        var problemCount = 0
        var rows = 0
        var missing = 0
        var latestYear: Int?
        // Column positions as plain integers (-1: absent): a dictionary keyed
        // by the enum hashed its raw string on every field of every row.
        let unitAt = header.index[.unit] ?? -1, yearAt = header.index[.year] ?? -1
        let metricAt = header.index[.metric] ?? -1, valueAt = header.index[.value] ?? -1
        let basisAt = header.index[.basis] ?? -1, quarterAt = header.index[.quarter] ?? -1
        let regionAt = header.index[.region] ?? -1, kindAt = header.index[.kind] ?? -1
        let codeAt = header.index[.unitCode] ?? -1
        let unitColumns = [unitAt, regionAt, kindAt, codeAt]
        var unitKey: [UInt8] = []

        func problem(_ message: String) {
            problemCount += 1
            if problems.count < Self.maxReportedProblems {
                problems.append(LocatedProblem(path: path, line: reader.line, message: message))
            }
        }
        func text(_ index: Int) -> String? {
            index < 0 ? "" : reader.string(at: index)
        }
        func bytes<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
            try reader.withBytes(at: index < 0 ? Int.max : index, body)
        }
        let invalidText = "not valid UTF-8 text (save the file as UTF-8 or GB18030)"

        while try reader.next() {
            rows += 1
            if let progress, rows % 100_000 == 0 { progress(stream.bytesRead, fingerprint.byteCount, rows) }
            if reader.fieldCount != header.count {
                let extraAreEmpty = reader.fieldCount > header.count
                    && (header.count..<reader.fieldCount).allSatisfy { reader.withBytes(at: $0) { $0.isEmpty } }
                if !extraAreEmpty {
                    problem("\(reader.fieldCount) fields where the header has \(header.count)")
                    continue
                }
            }

            // Unit: the raw bytes of unit, region, kind and code are the cache key.
            unitKey.removeAll(keepingCapacity: true)
            for index in unitColumns {
                if index >= 0 { reader.withBytes(at: index) { unitKey.append(contentsOf: $0) } }
                unitKey.append(0x1F)
            }
            var unit = unitKey.withUnsafeBufferPointer { unitCache.value(for: $0) }
            if unit == nil {
                guard let unitText = text(unitAt), let region = text(regionAt), let kindText = text(kindAt),
                      let code = text(codeAt) else { problem(invalidText); continue }
                if TextNormalization.trim(unitText).isEmpty { problem("the unit is empty"); continue }
                var kind: UnitKind?
                if !TextNormalization.trim(kindText).isEmpty {
                    kind = UnitKind(word: kindText)
                    if kind == nil { problem("kind '\(kindText)' is not department, township or other"); continue }
                }
                do {
                    let id = try units.resolveOrCreate(name: unitText, region: region, kind: kind, code: code, in: db)
                    let resolved = (id: id, isNew: units.createdIDs.contains(id))
                    unitKey.withUnsafeBufferPointer { unitCache.insert(resolved, for: $0) }
                    unit = resolved
                } catch let error as FiscalError {
                    problem(error.description)
                    continue
                }
            }

            // Year
            guard let year = bytes(yearAt, Self.parseYear) else {
                problem("year '\(text(yearAt) ?? "")' is not a year between 1900 and 2200")
                continue
            }
            latestYear = max(latestYear ?? year, year)

            // Metric
            var metric = bytes(metricAt) { metricCache.value(for: $0) }
            if metric == nil {
                guard let metricText = text(metricAt) else { problem(invalidText); continue }
                guard let found = catalog.metric(named: metricText) else {
                    let near = catalog.closestNames(to: metricText).joined(separator: ", ")
                    problem(metricText.isEmpty ? "the metric is empty" : "unknown metric '\(metricText)'; closest known: \(near)")
                    continue
                }
                let slot = MetricSlot(code: found.code, unit: found.unit, id: metricIDs[found.code]!,
                                      isHeadCount: found.unit == "人", isIndicator: found.isIndicator)
                bytes(metricAt) { metricCache.insert(slot, for: $0) }
                metric = slot
            }

            let slot = metric!      // one copy per row: every `metric!` copied two Strings
            // Basis and quarter: empty means final and the whole year.
            var basis = bytes(basisAt) { $0.isEmpty ? Basis.final : basisCache.value(for: $0) }
            if basis == nil {
                guard let basisText = text(basisAt) else { problem(invalidText); continue }
                guard let parsed = Basis(word: basisText) else {
                    problem("basis '\(basisText)' is not one of final, budget, initial, plan, reported (or 决算, 预算, 年初预算, 计划, 报告值)")
                    continue
                }
                bytes(basisAt) { basisCache.insert(parsed, for: $0) }
                basis = parsed
            }
            if slot.isIndicator && basis != .reported {
                problem("\(slot.code) is a derived indicator: only its reported values are stored (basis reported)")
                continue
            }
            var quarter = bytes(quarterAt) { field -> Int? in
                if field.isEmpty { return 0 }
                if field.count == 1 && field[0] >= 0x30 && field[0] <= 0x34 { return Int(field[0] - 0x30) }
                return quarterCache.value(for: field)
            }
            if quarter == nil {
                guard let quarterText = text(quarterAt) else { problem(invalidText); continue }
                guard let parsed = QuarterWord.parse(quarterText) else {
                    problem("quarter '\(quarterText)' is not empty, 0, 1–4 or Q1–Q4")
                    continue
                }
                bytes(quarterAt) { quarterCache.insert(parsed, for: $0) }
                quarter = parsed
            }

            // Value: plain ASCII decimals without a String, the rest by FigureText.
            let reading: FigureText.Reading = bytes(valueAt) { field in
                if let plain = PlainDecimal(utf8: field), let e6 = plain.scaled(by: 0),
                   !slot.isHeadCount || e6 % ExactValue.scale == 0 {
                    return .value(ExactValue(e6: e6))
                }
                guard let valueText = String(validating: field, as: UTF8.self) else { return .invalid(invalidText) }
                return FigureText.read(valueText, unit: slot.unit)
            }
            let value: ExactValue
            switch reading {
            case .missing:
                missing += 1
                continue
            case let .invalid(message):
                problem(message == invalidText ? message : "\(slot.code): \(message)")
                continue
            case let .value(parsed):
                value = parsed
            }

            if problemCount > 0 { continue }   // the file will be rolled back; keep checking only
            let key = ObservationKey(unitID: unit!.id, year: year, quarter: quarter!, metricID: slot.id,
                                     basis: basisPointers[basis!]!)
            try bytes(valueAt) { raw in
                try writer.add(key, value: value.e6, part: csvPart, line: reader.line, rawText: raw, unitIsNew: unit!.isNew)
            }
        }
        try writer.finish()
        // The interned C strings are bound without a copy: keep them to here.
        withExtendedLifetime(cStrings) {}
        if reader.unterminatedQuote {
            problem("a quoted field is not closed before the end of the file")
        }
        if problemCount > 0 {
            throw FiscalError.badRows(path: path, problems: problems, total: problemCount)
        }
        progress?(stream.bytesRead, fingerprint.byteCount, rows)
        return ImportSummary(path: path, outcome: .imported(importID: importID), format: "csv",
                             encoding: fingerprint.encoding.rawValue, rows: rows, figures: writer.figures,
                             missing: missing, conflicts: writer.conflictsCreated, ignoredColumns: header.ignored,
                             documentYear: latestYear)
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
