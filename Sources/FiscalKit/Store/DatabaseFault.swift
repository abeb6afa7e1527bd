import Foundation
import GRDB

/// SQLite's own errors ("SQLite error 26: file is not a database - while
/// executing …") in the words of the user's problem: which database, what
/// happened, what to do. Nothing was changed when these are raised: every
/// write is one transaction.
public enum DatabaseFault {
    /// A message naming the database (and the file being imported, when there
    /// is one) for an error SQLite raised; nil for other errors.
    public static func message(for error: Error, database path: String, importing file: String? = nil) -> String? {
        guard let error = error as? DatabaseError else { return nil }
        let stored = file.map { " Nothing of \($0) was stored." } ?? " Nothing was changed."
        switch error.resultCode {
        case .SQLITE_FULL:
            return "the disk holding \(path) is full\(file.map { " while importing \($0)" } ?? "").\(stored) Free some space and run it again."
        case .SQLITE_NOTADB:
            return "\(path) is not a fiscal database (not a SQLite file). Give --db a fiscal database, or a new file name to create one."
        case .SQLITE_CORRUPT:
            return "\(path) is damaged (SQLite: \(error.message ?? "database disk image is malformed")).\(stored) "
                + "Restore it from a backup (README: \"Backing up\"), or try `sqlite3 \(path) .recover | sqlite3 repaired.sqlite`."
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return "\(path) is busy: another fiscal is writing to it and did not finish within \(Int(FiscalDatabase.busyTimeout)) s.\(stored) Run it again when that one is done."
        case .SQLITE_READONLY:
            return "\(path) is read-only (the file or its folder).\(stored) Reading commands still work; to write, make the file and its folder writable, or copy it (`fiscal backup COPY`) where you may write."
        case .SQLITE_CANTOPEN:
            return "cannot open \(path): check that its folder exists and that you may read it (and, to write, create files in the folder)."
        case .SQLITE_IOERR:
            return "\(path): the disk failed to read or write (SQLite: \(error.message ?? "disk I/O error")).\(stored) Check the disk, and that --db names a file, not a folder."
        case .SQLITE_PERM, .SQLITE_AUTH:
            return "\(path): permission denied.\(stored)"
        default:
            return nil
        }
    }

    /// Checks made before SQLite sees the path, whose own errors say less.
    static func checkPath(_ path: String, writing: Bool) throws {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && isDirectory.boolValue {
            throw FiscalError.file(path, "is a folder, not a database file: give --db a file such as \((path as NSString).appendingPathComponent("fiscal.sqlite"))")
        }
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: folder) {
            throw FiscalError.file(path, "the folder \(folder) does not exist")
        }
        if exists, !FileManager.default.isReadableFile(atPath: path) {
            throw FiscalError.file(path, "you may not read this file (its permissions): ask its owner, or use a copy")
        }
        if exists, let handle = FileHandle(forReadingAtPath: path) {
            let head = handle.readData(ofLength: 16)
            try? handle.close()
            if !head.isEmpty && head != Data("SQLite format 3\0".utf8) {
                throw FiscalError.file(path, "is not a fiscal database (not a SQLite file). Give --db a fiscal database, or a new file name to create one.")
            }
        }
        guard writing else { return }
        // WAL needs the folder writable too (the -wal and -shm files live beside the database).
        if exists && !FileManager.default.isWritableFile(atPath: path) || !FileManager.default.isWritableFile(atPath: folder) {
            throw FiscalError.file(path, "is read-only (\(exists && !FileManager.default.isWritableFile(atPath: path) ? "the file" : "its folder \(folder)")): "
                                   + "nothing was changed. Reading commands still work; to write, make it writable, or copy it (`fiscal backup COPY`) where you may write.")
        }
    }
}
