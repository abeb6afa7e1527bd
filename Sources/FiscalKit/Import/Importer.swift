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

    public func importFile(path: String, progress: ImportProgress? = nil) throws -> ImportSummary {
        let fingerprint = try FileFingerprint.of(path: path)
        if let previous = try database.queue.read({ db in
            try Row.fetchOne(db, sql: "SELECT id, path, format, encoding, rows, figures, missing, conflicts FROM imports WHERE sha256 = ?",
                             arguments: [fingerprint.sha256])
        }) {
            return ImportSummary(path: path, outcome: .unchanged(importID: previous["id"], path: previous["path"]),
                                 format: previous["format"], encoding: previous["encoding"], rows: previous["rows"],
                                 figures: previous["figures"], missing: previous["missing"], conflicts: previous["conflicts"])
        }
        try Self.refuseUnsupportedFormats(path: path, head: fingerprint.head)

        var summary: ImportSummary?
        try database.queue.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try db.execute(sql: """
                    INSERT INTO imports(path, sha256, format, encoding, document_year, imported_at, rows, figures, missing, conflicts)
                    VALUES (?, ?, 'csv', ?, NULL, ?, 0, 0, 0, 0)
                    """, arguments: [path, fingerprint.sha256, fingerprint.encoding.rawValue, Self.timestamp()])
                let importID = db.lastInsertedRowID
                let result = try TidyCSVImporter(path: path, fingerprint: fingerprint, progress: progress)
                    .run(in: db, importID: importID)
                try db.execute(sql: """
                    UPDATE imports SET rows = ?, figures = ?, missing = ?, conflicts = ?, document_year = ? WHERE id = ?
                    """, arguments: [result.rows, result.figures, result.missing, result.conflicts, result.documentYear, importID])
                summary = result
                return .commit
            }
        }
        return summary!
    }

    /// Binary formats this version cannot read get an error that says what to do.
    static func refuseUnsupportedFormats(path: String, head: [UInt8]) throws {
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw FiscalError.file(path, "an old binary Word/Excel file (.doc/.xls); save it as .docx/.xlsx, or export the figures as CSV")
        }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw FiscalError.file(path, "a Word/Excel (.docx/.xlsx) file; this version imports tidy CSV only — export the figures as CSV")
        }
        if head.starts(with: Array("%PDF".utf8)) {
            throw FiscalError.file(path, "a PDF; export the figures as CSV")
        }
        if head.prefix(512).contains(0) {
            throw FiscalError.file(path, "a binary file, not CSV text")
        }
    }

    static func timestamp() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
