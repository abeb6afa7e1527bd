import Foundation
import GRDB

/// Imports files into a ``FiscalDatabase``: each file in one transaction,
/// identified by the SHA-256 of its content so importing it again changes
/// nothing.
///
/// ```swift
/// let importer = Importer(database: database)
/// let summary = try importer.importFile(path: "county-2024.csv")
/// print(summary.figures, summary.conflicts)
/// ```
///
/// A file with any bad row throws ``FiscalError/badRows(path:problems:total:)``
/// and leaves the database as it was.
public struct Importer {
    public let database: FiscalDatabase

    public init(database: FiscalDatabase) {
        self.database = database
    }

    /// Imports one file: a tidy CSV, a package or a published document (text,
    /// Word or Excel), or a wide table (``WideTable``: one row per unit, CSV or
    /// Excel). `unit` and `year` override what a document states (and are
    /// required when it states neither: the import throws
    /// ``FiscalError/needsOption(path:option:message:)``); for a wide table
    /// `year` is the year of figures whose year nothing in the file states.
    public func importFile(path: String, unit: String? = nil, year: Int? = nil,
                           progress: ImportProgress? = nil) throws -> ImportSummary {
        // A header that is no tidy one may be a wide table's (the catalogue is read only then).
        let isWide = { (fields: [String]) in (try? database.catalog()).map { WideTable.isWideHeader(fields, catalog: $0) } ?? false }
        // A tidy CSV whose first block is UTF-8 is read and written while its
        // SHA-256 is taken on another thread, checking as it reads that the
        // rest is UTF-8 too. When the file turns out unchanged, or not UTF-8,
        // or the import fails, nothing of it is kept and the file is taken the
        // usual way below.
        var taken: FileFingerprint?
        if let opening = try FileFingerprint.opening(path: path), !opening.head.starts(with: [0x50, 0x4B, 0x03, 0x04]),
           (try? Self.refuseUnsupportedFormats(path: path, head: opening.head)) != nil,
           Self.looksLikeTidyCSV(opening, isWide: isWide) {
            let sha256 = PendingSHA256(path: path)
            do {
                return try importTidyCSV(path: path, fingerprint: opening, pendingSHA256: sha256, progress: progress)
            } catch {
                // The digest taken meanwhile (the thread is done with the file then).
                if let digest = try? sha256.wait(), let unchanged = try? previousImport(of: path, sha256: digest) {
                    return unchanged
                }
                // Bad rows are reported only once the whole file is read, which
                // checked it is UTF-8: the usual way would say the same.
                if case FiscalError.badRows = error { throw error }
                // Anything else may have stopped the reading early: the whole file
                // decides. A failure reading it leaves the first error standing.
                guard let fingerprint = try? FileFingerprint.of(path: path) else { throw error }
                if fingerprint.encoding == .utf8, !(error is UTF8BlockStream.NotUTF8), !(error is ImportedBefore) { throw error }
                taken = fingerprint
            }
        }
        let fingerprint = try taken ?? FileFingerprint.of(path: path)
        if let unchanged = try previousImport(of: path, sha256: fingerprint.sha256) { return unchanged }
        try Self.refuseUnsupportedFormats(path: path, head: fingerprint.head)
        if fingerprint.head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || !Self.looksLikeTidyCSV(fingerprint, isWide: isWide) {
            return try importDocument(path: path, fingerprint: fingerprint, unit: unit, year: year)
        }
        return try importTidyCSV(path: path, fingerprint: fingerprint, pendingSHA256: nil, progress: progress)
    }

    /// The summary of an earlier import of the same bytes, if any.
    func previousImport(of path: String, sha256: String) throws -> ImportSummary? {
        try database.queue.read { try Self.previousImport(of: path, sha256: sha256, $0) }
    }

    static func previousImport(of path: String, sha256: String, _ db: Database) throws -> ImportSummary? {
        guard let previous = try Row.fetchOne(db, sql: "SELECT id, path, format, encoding, rows, figures, missing, conflicts FROM imports WHERE sha256 = ?",
                                              arguments: [sha256])
        else { return nil }
        return ImportSummary(path: path, outcome: .unchanged(importID: previous["id"], path: previous["path"]),
                             format: previous["format"], encoding: previous["encoding"], rows: previous["rows"],
                             figures: previous["figures"], missing: previous["missing"], conflicts: previous["conflicts"])
    }

    /// The file's bytes were imported before: found while reading it.
    struct ImportedBefore: Error {}

    /// A tidy CSV in one transaction. With `pendingSHA256`, the file's SHA-256
    /// is still being taken and its encoding is a guess: the imports row holds
    /// a placeholder until the digest is ready, which is checked after each
    /// chunk of rows and at the end, in the same write transaction (no other
    /// import can store the same bytes meanwhile), and the reading checks
    /// that the file is UTF-8 throughout.
    func importTidyCSV(path: String, fingerprint: FileFingerprint, pendingSHA256: PendingSHA256?,
                       progress: ImportProgress?) throws -> ImportSummary {
        var summary: ImportSummary?
        try database.queue.writeWithoutTransaction { db in
            // SQLite's row-by-row foreign key check is off for a tidy CSV's
            // rows (a pragma that only takes effect outside a transaction):
            // ObservationWriter checks each unit and metric the rows name once.
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            defer {
                // On again before the connection does anything else; if a
                // transaction were left open the pragma would be ignored, so ask.
                try? db.execute(sql: "PRAGMA foreign_keys = ON")
                if (try? Bool.fetchOne(db, sql: "PRAGMA foreign_keys")) != true {
                    try? db.execute(sql: "ROLLBACK")
                    try? db.execute(sql: "PRAGMA foreign_keys = ON")
                }
            }
            try db.inTransaction(.immediate) {
                // The placeholder is no SHA-256 (the column is UNIQUE) and is never committed.
                try db.execute(sql: """
                    INSERT INTO imports(path, sha256, format, encoding, document_year, imported_at, rows, figures, missing, conflicts)
                    VALUES (?, ?, 'csv', ?, NULL, ?, 0, 0, 0, 0)
                    """, arguments: [path, pendingSHA256 == nil ? fingerprint.sha256 : "pending", fingerprint.encoding.rawValue,
                                     Self.timestamp()])
                let importID = db.lastInsertedRowID
                var confirmed = pendingSHA256 == nil
                func confirm(waiting: Bool) throws {
                    guard !confirmed, let pendingSHA256,
                          let digest = waiting ? try pendingSHA256.wait() : try pendingSHA256.ifTaken() else { return }
                    confirmed = true
                    guard try Self.previousImport(of: path, sha256: digest, db) == nil else { throw ImportedBefore() }
                    try db.execute(sql: "UPDATE imports SET sha256 = ? WHERE id = ?", arguments: [digest, importID])
                }
                var importer = TidyCSVImporter(path: path, fingerprint: fingerprint, progress: progress)
                importer.validatesUTF8 = pendingSHA256 != nil
                importer.afterChunk = { try confirm(waiting: false) }
                let result = try importer.run(in: db, importID: importID)
                try confirm(waiting: true)
                try db.execute(sql: """
                    UPDATE imports SET rows = ?, figures = ?, missing = ?, conflicts = ?, document_year = ? WHERE id = ?
                    """, arguments: [result.rows, result.figures, result.missing, result.conflicts, result.documentYear, importID])
                try ObservationWriter.resolveContested(db)
                summary = result
                return .commit
            }
        }
        return summary!
    }

    /// A tidy CSV's first line names at least two of its columns (a header
    /// with a defect is still a CSV: its import reports the defect), unless
    /// `isWide` says it is a wide table's header. An empty file goes the CSV
    /// way too, to be reported as empty.
    static func looksLikeTidyCSV(_ fingerprint: FileFingerprint, isWide: ([String]) -> Bool = { _ in false }) -> Bool {
        var head = fingerprint.head
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { head.removeFirst(3) }
        if head.allSatisfy({ $0 == 0x0A || $0 == 0x0D || $0 == 0x20 }) { return true }
        if fingerprint.encoding == .gb18030 {
            guard let converter = try? GB18030Converter(path: ""),
                  let bytes = try? converter.convert(head, final: false) else { return false }
            head = bytes
        }
        // The first record as the CSV reader sees it (quoted headers included).
        var pending: [UInt8]? = head
        let reader = CSVRecordReader {
            defer { pending = nil }
            return pending ?? []
        }
        guard (try? reader.next()) == true else { return true }
        let fields = (0..<reader.fieldCount).map { reader.string(at: $0) ?? "" }
        do {
            return try TidyCSVHeader(fields: fields, path: "") != nil
        } catch {
            return !isWide(fields)
        }
    }

    /// Reads a package or a wide table whole: documents are small, and their
    /// tables need the header before the rows. `year` is a wide table's year
    /// for figures whose year nothing in the file states.
    public static func readDocument(path: String, fingerprint: FileFingerprint, catalog: MetricCatalog,
                                    knownUnit: DocumentIdentity.KnownUnit? = nil, year: Int? = nil) throws -> DocumentReading {
        if fingerprint.head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            switch try OfficeDocument.kind(path: path) {
            case .docx: return DocumentReader.read(rows: try OfficeDocument.docxRows(path: path), catalog: catalog, knownUnit: knownUnit)
            case .xlsx:
                let sheets = try OfficeDocument.xlsxSheets(path: path)
                if let wide = try WideTable.read(sheets: sheets, path: path, catalog: catalog, year: year) { return wide }
                return DocumentReader.read(rows: OfficeDocument.packageRows(sheets), catalog: catalog, knownUnit: knownUnit)
            }
        }
        guard fingerprint.byteCount <= 32 << 20 else {
            throw FiscalError.file(path, "a document over 32 MiB; split it or export the figures as CSV")
        }
        let stream = try UTF8BlockStream(path: path, encoding: fingerprint.encoding)
        var bytes: [UInt8] = []
        var block: [UInt8] = []
        repeat {
            try stream.next(into: &block)
            bytes += block
        } while !block.isEmpty
        if let wide = try WideTable.readCSV(bytes, path: path, catalog: catalog, year: year) { return wide }
        return DocumentReader.read(String(decoding: bytes, as: UTF8.self), catalog: catalog, knownUnit: knownUnit)
    }

    /// A short form's known unit: the one stored unit it resolves to, if exactly one.
    public static func knownUnits(in database: FiscalDatabase) throws -> DocumentIdentity.KnownUnit {
        let directory = try database.queue.read { try UnitDirectory($0) }
        return { name in (try? directory.resolve(name: name))??.name }
    }

    func importDocument(path: String, fingerprint: FileFingerprint, unit: String?, year: Int?) throws -> ImportSummary {
        let catalog = try database.catalog()
        var reading = try Self.readDocument(path: path, fingerprint: fingerprint, catalog: catalog,
                                            knownUnit: try Self.knownUnits(in: database), year: year)
        if reading.isWideTable && !reading.invalidCells.isEmpty {
            let problems = reading.invalidCells.map {
                LocatedProblem(path: path, line: $0.line, message: "\($0.cell.map { "\($0): " } ?? "")\($0.text): \($0.reason)")
            }
            throw FiscalError.badRows(path: path, problems: Array(problems.prefix(TidyCSVImporter.maxReportedProblems)),
                                      total: problems.count)
        }
        if reading.isWideTable && reading.figures.isEmpty {
            let why = reading.unread.first.map { ": \($0.location): \($0.reason)" } ?? ": it has no figures"
            throw FiscalError.file(path, "a table of units, but none of its figures can be stored\(why)")
        }
        guard !reading.figures.isEmpty || !reading.scoringItems.isEmpty || !reading.projects.isEmpty else {
            throw FiscalError.file(path, "not a tidy CSV (its header should name unit, year, metric, value), and no figures of a package were found in it")
        }
        // A figure of a wide sheet names its own unit; every other figure is the document's.
        let needsDocumentUnit = reading.figures.contains { $0.unit == nil } || !reading.scoringItems.isEmpty
            || !reading.projects.isEmpty
        let documentUnit = unit ?? reading.unitName
        if needsDocumentUnit && unit == nil && !reading.identity.unitConflict.isEmpty {
            let named = reading.identity.unitConflict.map { "\($0.value) (\($0.source.rawValue), \($0.location))" }
            throw FiscalError.needsOption(path: path, option: .unit,
                                          message: "the document names different units: \(named.joined(separator: "; ")); give the right one with --unit")
        }
        if needsDocumentUnit && documentUnit == nil {
            throw FiscalError.needsOption(path: path, option: .unit,
                                          message: "the document does not name its unit (单位名称); give it with --unit")
        }
        // A wide sheet's year is its latest, as a tidy CSV's (--year only fills in years it does not state).
        guard let documentYear = needsDocumentUnit ? year ?? reading.year : reading.figures.map(\.year).max() else {
            throw FiscalError.needsOption(path: path, option: .year,
                                          message: "the document does not state its year (e.g. 2024年度…); give it with --year")
        }
        if let year, let stated = reading.year, year != stated {
            // The user's year replaces the stated one for figures that took it from the title.
            reading.figures = reading.figures.map { figure in
                var figure = figure
                if figure.year == stated { figure.year = year }
                return figure
            }
        }
        let format = fingerprint.head.starts(with: [0x50, 0x4B, 0x03, 0x04]) ? try OfficeDocument.kind(path: path).rawValue
            : reading.isWideTable ? "csv" : "txt"
        var summary: ImportSummary?
        try database.queue.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try db.execute(sql: """
                    INSERT INTO imports(path, sha256, format, encoding, document_year, imported_at, rows, figures, missing, conflicts)
                    VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0)
                    """, arguments: [path, fingerprint.sha256, format, fingerprint.encoding.rawValue, documentYear, Self.timestamp()])
                let importID = db.lastInsertedRowID
                var units = try UnitDirectory(db)
                var unitIDs: [String: Int64] = [:]
                func unitID(_ name: String, location: String) throws -> Int64 {
                    if let id = unitIDs[name] { return id }
                    do {
                        let id = try units.resolveOrCreate(name: name, region: nil, kind: nil, code: nil, in: db)
                        unitIDs[name] = id
                        return id
                    } catch let error as FiscalError {
                        throw FiscalError.file(path, location.isEmpty ? error.description : "\(location): \(error.description)")
                    }
                }
                let documentUnitID = try documentUnit.map { try unitID($0, location: "") }
                let metricIDs = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT code, id FROM metrics").map {
                    ($0["code"] as String, $0["id"] as Int64)
                })
                var cStrings = CStringTable()
                let writer = try ObservationWriter(db: db, importID: importID)
                for figure in reading.figures {
                    let figureUnitID = try figure.unit.map { try unitID($0, location: figure.location) } ?? documentUnitID!
                    let key = ObservationKey(unitID: figureUnitID, year: figure.year, quarter: figure.quarter,
                                             metricID: metricIDs[figure.metric]!, basis: cStrings.intern(figure.basis.rawValue))
                    var text = figure.text
                    try text.withUTF8 { raw in
                        try writer.add(key, value: figure.value.e6, part: cStrings.intern(figure.part), line: figure.line,
                                       rawText: raw, unitIsNew: units.createdIDs.contains(figureUnitID), cell: figure.cell)
                    }
                }
                try writer.finish()
                withExtendedLifetime(cStrings) {}   // bound without a copy: keep them to here
                for item in reading.scoringItems {
                    let unitID = documentUnitID!
                    try db.execute(sql: """
                        INSERT INTO scoring_items(import_id, unit_id, year, level1, level2, indicator, max_points_e6,
                                                  self_points_e6, rule, location)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [importID, unitID, documentYear, item.level1, item.level2, item.indicator,
                                         item.maxPoints?.e6, item.selfPoints?.e6, item.rule, item.location])
                }
                for project in reading.projects {
                    let unitID = documentUnitID!
                    try db.execute(sql: """
                        INSERT INTO projects(import_id, unit_id, year, name, initial_e6, budget_e6, final_e6,
                                             execution_rate_e6, self_score_e6, location)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [importID, unitID, documentYear, project.name, project.initial?.e6, project.budget?.e6,
                                         project.final?.e6, project.executionRate?.e6, project.selfScore?.e6, project.location])
                }
                let result = ImportSummary(path: path, outcome: .imported(importID: importID), format: format,
                                           encoding: fingerprint.encoding.rawValue, rows: reading.figures.count + reading.unread.count,
                                           figures: writer.figures, missing: reading.missing, conflicts: writer.conflictsCreated,
                                           ignoredColumns: reading.ignoredColumns, documentYear: documentYear,
                                           unitName: documentUnitID.flatMap { units.unit(id: $0)?.name }
                                               ?? (Set(unitIDs.values).count == 1 ? unitIDs.keys.first : "\(Set(unitIDs.values).count) units"),
                                           unread: reading.unread.count,
                                           earliestYear: reading.isWideTable ? reading.figures.map(\.year).min() : nil)
                try db.execute(sql: "UPDATE imports SET rows = ?, figures = ?, missing = ?, conflicts = ? WHERE id = ?",
                               arguments: [result.rows, result.figures, result.missing, result.conflicts, importID])
                try ObservationWriter.resolveContested(db)
                summary = result
                return .commit
            }
        }
        return summary!
    }

    /// Binary formats this version cannot read get an error that says what to do.
    static func refuseUnsupportedFormats(path: String, head: [UInt8]) throws {
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw FiscalError.file(path, "an old binary Word/Excel file (.doc/.xls) or a password-protected Office file; open it and save it as .docx/.xlsx without a password")
        }
        if head.starts(with: Array("%PDF".utf8)) {
            throw FiscalError.file(path, "a PDF; export the figures as CSV")
        }
        if !head.starts(with: [0x50, 0x4B, 0x03, 0x04]) && head.prefix(512).contains(0) {
            throw FiscalError.file(path, "a binary file, not CSV text")
        }
    }

    static func timestamp() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
