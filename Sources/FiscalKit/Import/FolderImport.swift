import Foundation
import GRDB

/// `fiscal import` of files and folders mixed: what to import, each file's
/// outcome, and the summary table.
///
/// A folder is walked recursively; of the files in it, `.csv`, `.txt`, `.docx`
/// and `.xlsx` (any case) are imported, every other file is listed as skipped,
/// as are hidden files and folders (`.name`) and Office lock files (`~$name`).
/// A file named on the command line is always imported (read by its content,
/// whatever its name). Arguments are taken in their order, the files of a
/// folder sorted by path (byte order). A file reached twice is tried twice
/// (the second time it is `unchanged`), as before for a file named twice.
///
/// Each file is imported on its own (``Importer/importFile(path:unit:year:progress:)``,
/// one transaction): a file that fails does not stop the others.
///
/// ```swift
/// let batch = try FolderImport(paths: ["inbox"], importer: Importer(database: database))
/// let outcomes = batch.run()
/// print(try FolderImport.table(outcomes, database: database).rendered(as: .csv))
/// ```
public struct FolderImport {
    /// The extensions read inside folders (lower case).
    public static let extensions: Set<String> = ["csv", "txt", "docx", "xlsx"]
    public static let notAnImportedExtension = "not a .csv/.txt/.docx/.xlsx"

    /// A path found on the command line or in a folder.
    public struct Entry: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case file
            /// Listed, not imported (not an extension read, hidden, a lock file).
            case skipped(String)
            /// A folder that could not be read: a failure.
            case unreadable(String)
        }

        /// The path as shown and stored: the argument, then the path inside it.
        public var path: String
        /// The path inside the folder given on the command line (for a file
        /// given, the path as given): what the units file's globs see.
        public var relativePath: String
        public var kind: Kind
    }

    /// What applies to every file.
    public struct Options: Sendable {
        /// `--unit` and `--year`: override every document.
        public var unit: String?
        public var year: Int?
        /// `--units FILE`: unit and year of the files that do not state them.
        public var units: UnitsFile?

        public init(unit: String? = nil, year: Int? = nil, units: UnitsFile? = nil) {
            self.unit = unit
            self.year = year
            self.units = units
        }
    }

    /// What became of one file.
    public enum Status: Sendable, Equatable {
        case imported
        /// The same content was imported before; nothing changed.
        case unchanged
        /// Why, in one line, without the path.
        case failed(String)
        /// A package that does not state its unit (or year), or names
        /// different units: it imports with that option (or a units-file row).
        case needs(FiscalError.IdentityOption)
        case skipped(String)

        /// `imported`, `unchanged`, `failed: why`, `needs --unit`, `skipped: why`:
        /// the status column of CSV and JSON.
        public var code: String {
            switch self {
            case .imported: return "imported"
            case .unchanged: return "unchanged"
            case let .failed(why): return "failed: \(why)"
            case let .needs(option): return "needs \(option.rawValue)"
            case let .skipped(why): return "skipped: \(why)"
            }
        }

        /// The file was meant to be imported and was not: the exit status is 1.
        public var isFailure: Bool {
            switch self {
            case .failed, .needs: return true
            case .imported, .unchanged, .skipped: return false
            }
        }
    }

    public struct Outcome: Sendable {
        public var path: String
        public var status: Status
        /// The importer's summary, for `imported` and `unchanged`.
        public var summary: ImportSummary?
        /// The whole error (every bad row of a CSV), for stderr.
        public var error: String?
        /// The units-file row that supplied the unit or year, if one did.
        public var unitsRow: UnitsFile.Row?
    }

    public let importer: Importer
    public let options: Options
    /// Every path, in the order they are imported.
    public let entries: [Entry]
    /// Whether any argument was a folder.
    public let foldersGiven: Bool

    /// Walks the folders (nothing is imported yet).
    public init(paths: [String], importer: Importer, options: Options = Options()) {
        self.importer = importer
        self.options = options
        var walk = Walk()
        for path in paths { walk.add(argument: path) }
        entries = walk.entries
        foldersGiven = walk.foldersGiven
    }

    /// The entries that are files to import.
    public var fileCount: Int {
        entries.count { entry in
            if case .skipped = entry.kind { return false }
            return true
        }
    }

    /// Rows of the units file whose pattern matches none of the files.
    public var unusedUnitsRows: [UnitsFile.Row] {
        guard let units = options.units else { return [] }
        let files = entries.filter { $0.kind == .file }
        return units.rows.filter { row in !files.contains { UnitsFile.matches(row.pattern, $0.relativePath) } }
    }

    /// Imports every file in order. `starting` is told the file's number
    /// (from 1) of ``fileCount`` before it is read; `progress` is the
    /// importer's (large CSVs); `finished` gets every outcome as it is known,
    /// skipped ones included.
    public func run(starting: (_ index: Int, _ total: Int, _ path: String) -> Void = { _, _, _ in },
                    progress: ImportProgress? = nil,
                    finished: (Outcome) -> Void = { _ in }) -> [Outcome] {
        let total = fileCount
        var index = 0
        var outcomes: [Outcome] = []
        for entry in entries {
            let outcome: Outcome
            switch entry.kind {
            case let .skipped(why):
                outcome = Outcome(path: entry.path, status: .skipped(why))
            case let .unreadable(why):
                index += 1
                outcome = Outcome(path: entry.path, status: .failed(why), error: "\(entry.path): \(why)")
            case .file:
                index += 1
                starting(index, total, entry.path)
                outcome = importFile(entry, progress: progress)
            }
            finished(outcome)
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// One file: `--unit`/`--year` first; when the document still lacks its
    /// unit or year, what the units file's row gives, and once more.
    func importFile(_ entry: Entry, progress: ImportProgress?) -> Outcome {
        let row = options.units?.row(for: entry.relativePath)
        var unit = options.unit
        var year = options.year
        var used: UnitsFile.Row?
        while true {
            do {
                let summary = try importer.importFile(path: entry.path, unit: unit, year: year, progress: progress)
                let status: Status
                switch summary.outcome {
                case .imported: status = .imported
                case .unchanged: status = .unchanged
                }
                return Outcome(path: entry.path, status: status, summary: summary, unitsRow: used)
            } catch let FiscalError.needsOption(path, option, message) {
                if option == .unit, unit == nil, let given = row?.unit {
                    unit = given
                    used = row
                    continue
                }
                if option == .year, year == nil, let given = row?.year {
                    year = given
                    used = row
                    continue
                }
                return Outcome(path: entry.path, status: .needs(option),
                               error: FiscalError.needsOption(path: path, option: option, message: message).description)
            } catch {
                // A full disk, a busy or damaged database: say so, naming the file being imported.
                if let fault = DatabaseFault.message(for: error, database: importer.database.path, importing: entry.path) {
                    return Outcome(path: entry.path, status: .failed(fault), error: "\(entry.path): \(fault)")
                }
                return Outcome(path: entry.path, status: .failed(Self.reason(error, path: entry.path)), error: "\(error)")
            }
        }
    }

    /// The first line of an error without its path; for a CSV with bad rows,
    /// how many and the first.
    static func reason(_ error: Error, path: String) -> String {
        if case let FiscalError.badRows(_, problems, total) = error, let first = problems.first {
            return "\(total) bad row\(total == 1 ? "" : "s"); line \(first.line): \(first.message)"
        }
        let text = "\(error)"
        var line = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? text
        if line.hasPrefix(path + ":") {
            line = String(line.dropFirst(path.count + 1))
            while line.first == " " { line.removeFirst() }
        }
        return line
    }

    /// file, unit, year, figures, status: one row per path, in import order.
    /// Unit and year are what is stored for the file (also for `unchanged`,
    /// the earlier import's); a tidy CSV of several units says how many;
    /// figures are the file's figures in the database.
    public static func table(_ outcomes: [Outcome], database: FiscalDatabase) throws -> ResultTable {
        let earlier = try storedIdentity(of: outcomes.compactMap { outcome -> Int64? in
            guard case let .unchanged(id, _)? = outcome.summary?.outcome else { return nil }
            return id
        }, in: database)
        let names = try unitNames(Set(outcomes.compactMap { outcome -> Int64? in
            guard let summary = outcome.summary, summary.unitName == nil, summary.unitIDs.count == 1 else { return nil }
            return summary.unitIDs.first
        }), in: database)
        var table = ResultTable(columns: ["file", "unit", "year", "figures", "status"])
        for outcome in outcomes {
            var unit: String?
            var year: Int?
            var figures: Int?
            if let summary = outcome.summary {
                switch summary.outcome {
                case .imported:
                    year = summary.documentYear
                    unit = summary.unitName ?? (summary.unitIDs.count > 1 ? "\(summary.unitIDs.count) units"
                                                : summary.unitIDs.first.flatMap { names[$0] })
                case let .unchanged(id, _):
                    (unit, year) = earlier[id] ?? (nil, nil)
                }
                figures = summary.figures
            }
            table.append([.text(outcome.path), unit.map { .text($0) } ?? .missing, year.map { .label($0) } ?? .missing,
                          figures.map { .integer($0) } ?? .missing, .text(outcome.status.code)])
        }
        return table
    }

    /// The unit (or "N units") and year stored by earlier imports: one pass
    /// over the observations for them all (nothing indexes their import:
    /// at province scale this pass takes seconds).
    static func storedIdentity(of importIDs: [Int64], in database: FiscalDatabase) throws -> [Int64: (unit: String?, year: Int?)] {
        guard !importIDs.isEmpty else { return [:] }
        let list = Set(importIDs).sorted().map(String.init).joined(separator: ",")   // integers: nothing to escape
        let unitsByImport = try database.queue.read { db in
            var units: [Int64: [Int64]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT import_id, unit_id FROM observations WHERE import_id IN (\(list))
                UNION SELECT import_id, unit_id FROM scoring_items WHERE import_id IN (\(list))
                UNION SELECT import_id, unit_id FROM projects WHERE import_id IN (\(list))
                """) {
                units[row["import_id"], default: []].append(row["unit_id"])
            }
            return units
        }
        let names = try unitNames(Set(unitsByImport.values.compactMap { $0.count == 1 ? $0[0] : nil }), in: database)
        return try database.queue.read { db in
            var result: [Int64: (unit: String?, year: Int?)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, document_year FROM imports WHERE id IN (\(list))") {
                let id: Int64 = row["id"]
                let unitIDs = unitsByImport[id] ?? []
                result[id] = (unitIDs.count > 1 ? "\(unitIDs.count) units" : unitIDs.first.flatMap { names[$0] },
                              row["document_year"])
            }
            return result
        }
    }

    static func unitNames(_ ids: Set<Int64>, in database: FiscalDatabase) throws -> [Int64: String] {
        guard !ids.isEmpty else { return [:] }
        return try database.queue.read { db in
            var names: [Int64: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, name FROM units WHERE id IN (\(ids.sorted().map(String.init).joined(separator: ",")))") {
                names[row["id"]] = row["name"]
            }
            return names
        }
    }

    /// `[12/40] path…` for a terminal `width` columns wide (the path shortened
    /// from the left to fit on one line), then `detail` if any.
    public static func progressLine(index: Int, total: Int, path: String, detail: String? = nil, width: Int = 80) -> String {
        let prefix = "[\(index)/\(total)] "
        let suffix = "…" + (detail.map { " " + $0 } ?? "")
        let room = max(8, width - 1 - DisplayWidth.of(prefix) - DisplayWidth.of(suffix))
        var shown = Substring(path)
        if DisplayWidth.of(shown) > room {
            while DisplayWidth.of(shown) > room - 1 { shown = shown.dropFirst() }
            shown = "…" + shown
        }
        return prefix + shown + suffix
    }
}

/// The walk of the command line's paths.
private struct Walk {
    var entries: [FolderImport.Entry] = []
    var foldersGiven = false
    /// Folders entered in this argument's walk (device, inode): a link back to one is not followed.
    private var folders: Set<[UInt64]> = []

    mutating func add(argument: String) {
        guard let info = Self.status(argument), info.isDirectory else {
            // A file, or nothing: the importer says what is wrong with it.
            add(FolderImport.Entry(path: argument, relativePath: argument, kind: .file))
            return
        }
        foldersGiven = true
        var found: [FolderImport.Entry] = []
        folders = [info.identity]   // per argument: the same folder given twice is walked twice
        walk(folder: argument, relative: "", into: &found)
        found.sort { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
        for entry in found { add(entry) }
    }

    private mutating func add(_ entry: FolderImport.Entry) {
        entries.append(entry)
    }

    private mutating func walk(folder: String, relative: String, into found: inout [FolderImport.Entry]) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            let why = (error as NSError).localizedFailureReason ?? "\(error)"
            found.append(.init(path: folder, relativePath: relative.isEmpty ? "." : relative,
                               kind: .unreadable("cannot read the folder (\(why))")))
            return
        }
        for name in names {
            let path = (folder as NSString).appendingPathComponent(name)
            let inside = relative.isEmpty ? name : relative + "/" + name
            func skip(_ why: String) { found.append(.init(path: path, relativePath: inside, kind: .skipped(why))) }
            let info = Self.status(path)
            if name.hasPrefix(".") {
                skip(info?.isDirectory == true ? "hidden folder" : "hidden file")
            } else if name.hasPrefix("~$") {
                skip("Office lock file")
            } else if let info, info.isDirectory {
                if folders.insert(info.identity).inserted {
                    walk(folder: path, relative: inside, into: &found)
                } else {
                    skip("a link to a folder already walked")
                }
            } else if let info, !info.isRegular {
                skip("not a regular file")
            } else if info == nil {
                skip("a broken link")
            } else if !FolderImport.extensions.contains((name as NSString).pathExtension.lowercased()) {
                skip(FolderImport.notAnImportedExtension)
            } else {
                found.append(.init(path: path, relativePath: inside, kind: .file))
            }
        }
    }

    /// stat(2), following links.
    private static func status(_ path: String) -> (isDirectory: Bool, isRegular: Bool, identity: [UInt64])? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let type = info.st_mode & S_IFMT
        return (type == S_IFDIR, type == S_IFREG, [UInt64(info.st_dev), UInt64(info.st_ino)])
    }
}
