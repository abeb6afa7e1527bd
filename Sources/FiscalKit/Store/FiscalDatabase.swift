import Foundation
import Crypto
import GRDB

/// The fiscal SQLite database: one file, WAL mode, foreign keys on, a busy
/// timeout so a cron export and an import can run at the same time, the
/// tables of `schema.sql` applied by named migrations, and the views of
/// `queries/` (``QueryLibrary``) recreated whenever they change.
///
/// ```swift
/// let database = try FiscalDatabase.open(path: "fiscal.sqlite")       // creates it
/// let reader = try FiscalDatabase.open(path: "fiscal.sqlite", readOnly: true)
/// try reader.queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM facts") }
/// ```
///
/// ## Topics
/// - ``open(path:readOnly:)``
/// - ``migrator``, ``schemaVersion``
/// - ``loadCatalog(_:)``, ``catalog()``
public final class FiscalDatabase: Sendable {
    public let path: String
    public let queue: DatabaseQueue
    public let isReadOnly: Bool

    /// The default database path: `FISCAL_DB`, else `./fiscal.sqlite`.
    public static var defaultPath: String {
        ProcessInfo.processInfo.environment["FISCAL_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "fiscal.sqlite"
    }

    /// How long a writer waits for another process's lock before giving up.
    /// How long a command waits for another one writing (FISCAL_BUSY_TIMEOUT seconds, default 30).
    public static let busyTimeout: TimeInterval = ProcessInfo.processInfo.environment["FISCAL_BUSY_TIMEOUT"]
        .flatMap(TimeInterval.init).flatMap { $0 >= 0 ? $0 : nil } ?? 30

    private init(path: String, queue: DatabaseQueue, isReadOnly: Bool) {
        self.path = path
        self.queue = queue
        self.isReadOnly = isReadOnly
    }

    /// Opens the database, creating and migrating it on first use. A read-only
    /// database is first brought up to date by a short writable open when it is
    /// new or behind the schema, then opened read-only.
    public static func open(path: String, readOnly: Bool = false) throws -> FiscalDatabase {
        do {
            return try openChecked(path: path, readOnly: readOnly)
        } catch {
            // SQLite's words ("SQLite error 26: file is not a database") in the user's.
            if let message = DatabaseFault.message(for: error, database: path) { throw FiscalError.invalid(message) }
            throw error
        }
    }

    private static func openChecked(path: String, readOnly: Bool) throws -> FiscalDatabase {
        if readOnly {
            if FileManager.default.fileExists(atPath: path) {
                try DatabaseFault.checkPath(path, writing: false)
                let queue = try DatabaseQueue(path: readOnlyLocation(path), configuration: configuration(readOnly: true))
                // Current means every migration applied, the binary's views
                // installed and every name of its catalogue present (a newer
                // binary may ship more). A database of a newer fiscal is read
                // as it is: this binary never rewrites its views.
                let (current, superseded, migrated) = try queue.read { db in
                    if try setupStamp(db) == setupFingerprint { return (true, false, true) }
                    let migrated = try migrator.hasCompletedMigrations(db)
                    return (try migrated && isSetUpBeyondMigrations(db),
                            try migrator.hasBeenSuperseded(db), migrated)
                }
                if current || superseded { return FiscalDatabase(path: path, queue: queue, isReadOnly: true) }
                // An older database in a place we may not write: read it with what it has.
                if migrated, (try? DatabaseFault.checkPath(path, writing: true)) == nil {
                    return FiscalDatabase(path: path, queue: queue, isReadOnly: true)
                }
            }
            _ = try openChecked(path: path, readOnly: false)
            let queue = try DatabaseQueue(path: path, configuration: configuration(readOnly: true))
            return FiscalDatabase(path: path, queue: queue, isReadOnly: true)
        }
        try DatabaseFault.checkPath(path, writing: true)
        let queue = try DatabaseQueue(path: path, configuration: configuration(readOnly: false))
        let unknown = try queue.read { db in try migrator.appliedIdentifiers(db).subtracting(migrations(in: schemaSQL).map(\.name)) }
        if !unknown.isEmpty {
            let known = migrations(in: schemaSQL).last?.name ?? "?"
            throw FiscalError.file(path, "was written by a newer fiscal: it holds the schema migration\(unknown.count == 1 ? "" : "s") "
                                   + "\(unknown.sorted().joined(separator: ", ")), which this fiscal (schema up to \(known)) does not know. "
                                   + "Nothing was changed. Use a fiscal whose schema.sql has \(unknown.sorted().last!); reading commands of this one still work.")
        }
        try migrator.migrate(queue)
        // Another binary's stamp goes before this one changes anything: a setup
        // that fails half way must not leave a stamp that vouches for it.
        try queue.write { db in
            if try setupStamp(db) != setupFingerprint { try db.execute(sql: "DELETE FROM setup_stamp") }
        }
        try QueryLibrary.embedded.install(in: queue)
        let database = FiscalDatabase(path: path, queue: queue, isReadOnly: false)
        try database.seedCatalog()
        try database.seedScoringRules()
        // Stamped in one transaction with the check that the file is set up as
        // this binary has it: another binary's writer may have set it up its own way meanwhile.
        try queue.write { db in
            if try migrator.hasCompletedMigrations(db) && isSetUpBeyondMigrations(db) {
                if try setupStamp(db) != setupFingerprint {
                    try db.execute(sql: "INSERT OR REPLACE INTO setup_stamp(id, fingerprint) VALUES (1, ?)", arguments: [setupFingerprint])
                }
            } else {
                try db.execute(sql: "DELETE FROM setup_stamp")
            }
        }
        return database
    }

    /// What this binary sets a file up from — schema.sql, queries/, the
    /// metric and indicator catalogues, the scoring rules — and which binary it
    /// is (its executable's size and modification time: the code that applies
    /// them, name normalization included, may change while they do not), as
    /// one SHA-256, stored in setup_stamp once a writer has set the file up.
    static let setupFingerprint: String = {
        var hash = SHA256()
        for bytes in [PackageResources.schema_sql, PackageResources.metrics_csv, PackageResources.indicators_csv,
                      PackageResources.scoring_rules_csv] + QueryLibrary.files.map(\.bytes) {
            hash.update(data: bytes)
            hash.update(data: [0])
        }
        var executable = stat()
        if stat("/proc/self/exe", &executable) == 0 {
            let identity = "\(executable.st_size) \(executable.st_mtim.tv_sec).\(executable.st_mtim.tv_nsec)"
            hash.update(data: Array(identity.utf8))
        }
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }()

    /// This binary's views installed, every name of its catalogue and the
    /// scoring rules present: what a set-up file has besides its migrations.
    static func isSetUpBeyondMigrations(_ db: Database) throws -> Bool {
        try QueryLibrary.embedded.isInstalled(db) && catalogIsComplete(db) && hasScoringRules(db)
    }

    /// The fingerprint a writer stamped on the file; nil before v9-setup-stamp or before any stamp.
    static func setupStamp(_ db: Database) throws -> String? {
        guard try db.tableExists("setup_stamp") else { return nil }
        return try String.fetchOne(db, sql: "SELECT fingerprint FROM setup_stamp WHERE id = 1")
    }

    /// Where a read-only connection opens `path`. A WAL database needs its
    /// -shm file, which SQLite creates beside it; in a folder we may not write
    /// (a read-only share), with no -wal left (every transaction checkpointed),
    /// the file is opened immutable: nothing can be pending, and reading works.
    static func readOnlyLocation(_ path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let wal = path + "-wal"
        guard !FileManager.default.isWritableFile(atPath: folder), !FileManager.default.fileExists(atPath: path + "-shm"),
              (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0 == 0 else { return path }
        return URL(fileURLWithPath: path).standardizedFileURL.absoluteString + "?immutable=1"
    }

    /// SQLite's `PRAGMA quick_check`: empty when the file is whole, else what it found.
    public func quickCheck() throws -> [String] {
        let lines = try queue.read { try String.fetchAll($0, sql: "PRAGMA quick_check") }
        return lines == ["ok"] ? [] : lines
    }

    /// A consistent copy of the database at `path` (which must not exist),
    /// taken online: `VACUUM INTO` reads one snapshot, so imports may go on.
    public func backup(to target: String) throws {
        if FileManager.default.fileExists(atPath: target) {
            throw FiscalError.file(target, "exists already: give the copy a new name")
        }
        let folder = (target as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            throw FiscalError.file(target, "the folder \(folder) does not exist")
        }
        do {
            try queue.inDatabase { db in try db.execute(sql: "VACUUM INTO ?", arguments: [target]) }
        } catch {
            try? FileManager.default.removeItem(atPath: target)
            throw FiscalError.file(target, "cannot write the copy: \(DatabaseFault.message(for: error, database: path) ?? "\(error)")")
        }
    }

    static func configuration(readOnly: Bool) -> Configuration {
        var config = Configuration()
        config.readonly = readOnly
        config.foreignKeysEnabled = true
        config.journalMode = .wal
        config.busyMode = .timeout(busyTimeout)
        // 16 KiB pages for a new file (an existing one keeps its own): fewer,
        // fuller B-tree pages for the import's appends and the analytics' scans;
        // measured 3.59 s against 3.91 s with 4 KiB for a 1,000,000-row import
        // (BENCHMARKS.md). Set before WAL mode, while the file is still empty.
        // A cap on the file's pages, for the tests of a full disk (SQLITE_FULL without filling one).
        let maxPages = ProcessInfo.processInfo.environment["FISCAL_TEST_MAX_PAGE_COUNT"].flatMap(Int.init)
        if !readOnly {
            config.prepareDatabase { db in
                try db.execute(sql: "PRAGMA page_size = 16384")
                if let maxPages { try db.execute(sql: "PRAGMA max_page_count = \(maxPages)") }
            }
        }
        return config
    }

    // MARK: - Schema

    /// The embedded copy of the repository's schema.sql.
    public static var schemaSQL: String { String(decoding: PackageResources.schema_sql, as: UTF8.self) }

    /// One migration per `-- migration: NAME` section of schema.sql, in order.
    public static func migrations(in sql: String) -> [(name: String, sql: String)] {
        var result: [(name: String, sql: String)] = []
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-- migration:") {
                let name = line.dropFirst("-- migration:".count).trimmingCharacters(in: .whitespaces)
                result.append((name, ""))
            } else if !result.isEmpty {
                result[result.count - 1].sql += line + "\n"
            }
        }
        return result
    }

    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in migrations(in: schemaSQL) {
            let sql = migration.sql
            let name = migration.name
            migrator.registerMigration(name) { db in
                try db.execute(sql: sql)
                // period_inputs is filled from the mapping its section declares.
                if name == "v3-resolved" || name == "v6-scoring" { try PeriodInputs.rebuild(db) }
            }
        }
        return migrator
    }

    /// The name of the last applied migration, in schema.sql's order: the
    /// database's schema version.
    public func schemaVersion() throws -> String? {
        let applied = try queue.read { try Self.migrator.appliedIdentifiers($0) }
        return Self.migrations(in: Self.schemaSQL).map(\.name).last { applied.contains($0) }
    }

    // MARK: - Catalogue

    /// Adds the embedded catalogue's metrics and names that the database lacks;
    /// never changes or removes what a user loaded.
    private func seedCatalog() throws {
        if try !queue.read(Self.catalogIsComplete) {
            try loadCatalog(MetricCatalog.embedded().metrics, source: "metrics.csv (embedded)", insertOnly: true)
        }
    }

    /// The embedded scoring rules, for a database that has none (new, or older than v6).
    private func seedScoringRules() throws {
        try queue.write { db in
            guard try !Self.hasScoringRules(db) else { return }
            try ScoringRules.replace(with: ScoringRules.embedded(), source: "scoring_rules.csv (embedded)", in: db)
        }
    }

    static func hasScoringRules(_ db: Database) throws -> Bool {
        try db.tableExists("scoring_rules") && Int.fetchOne(db, sql: "SELECT count(*) FROM scoring_rules") ?? 0 > 0
    }

    static func catalogIsComplete(_ db: Database) throws -> Bool {
        let present = Set(try String.fetchAll(db, sql: "SELECT name_key FROM metric_names"))
        var formulas: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT code, formula FROM metrics WHERE kind = 'indicator'") {
            formulas[row[0]] = row[1]
        }
        return MetricCatalog.embedded().metrics.allSatisfy { metric in
            metric.allNames.allSatisfy { present.contains(TextNormalization.key($0)) }
                && (!metric.isIndicator || formulas[metric.code] == metric.formula)
        }
    }

    /// Loads metrics into the catalogue: new codes are added, existing ones get
    /// the new synonyms (and, unless `insertOnly`, the new names and unit).
    /// A name that belongs to another metric is an error; nothing is changed then.
    @discardableResult
    public func loadCatalog(_ metrics: [Metric], source: String, insertOnly: Bool = false) throws -> (added: Int, names: Int) {
        try queue.write { db in
            var catalog = try Self.catalog(db)
            var added = 0
            var names = 0
            for metric in metrics {
                try catalog.add(metric, source: source)
                if try Int.fetchOne(db, sql: "SELECT 1 FROM metrics WHERE code = ?", arguments: [metric.code]) == nil {
                    try db.execute(sql: "INSERT INTO metrics(code, name_zh, name_en, unit, kind, formula, better) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                   arguments: [metric.code, metric.nameZh, metric.nameEn, metric.unit,
                                               metric.isIndicator ? "indicator" : "raw", metric.formula, metric.better])
                    added += 1
                } else if !insertOnly {
                    let used = try Int.fetchOne(db, sql: """
                        SELECT 1 FROM observations WHERE metric_id = (SELECT id FROM metrics WHERE code = ?) LIMIT 1
                        """, arguments: [metric.code]) != nil
                    let unit = try String.fetchOne(db, sql: "SELECT unit FROM metrics WHERE code = ?", arguments: [metric.code])
                    if used && unit != metric.unit {
                        throw FiscalError.file(source, "\(metric.code) is stored in \(unit ?? "?") already; its unit cannot change to \(metric.unit)")
                    }
                    try db.execute(sql: "UPDATE metrics SET name_zh = ?, name_en = ?, unit = ? WHERE code = ?",
                                   arguments: [metric.nameZh, metric.nameEn, metric.unit, metric.code])
                }
                if metric.isIndicator {
                    // An indicator's formula is the schema's views: its text follows the binary.
                    try db.execute(sql: "UPDATE metrics SET formula = ?, better = ? WHERE code = ? AND kind = 'indicator'",
                                   arguments: [metric.formula, metric.better, metric.code])
                }
                for name in metric.allNames {
                    try db.execute(sql: "INSERT OR IGNORE INTO metric_names(name_key, name, metric) VALUES (?, ?, ?)",
                                   arguments: [TextNormalization.key(name), name, metric.code])
                    names += db.changesCount
                }
            }
            return (added, names)
        }
    }

    /// The catalogue as stored in this database.
    public func catalog() throws -> MetricCatalog {
        try queue.read { try Self.catalog($0) }
    }

    static func catalog(_ db: Database) throws -> MetricCatalog {
        var metrics: [Metric] = []
        let rows = try Row.fetchAll(db, sql: "SELECT code, name_zh, name_en, unit, kind, formula, better FROM metrics ORDER BY id")
        let names = try Row.fetchAll(db, sql: "SELECT metric, name FROM metric_names ORDER BY rowid")
        var synonyms: [String: [String]] = [:]
        for row in names { synonyms[row["metric"], default: []].append(row["name"]) }
        for row in rows {
            let code: String = row["code"]
            let nameZh: String = row["name_zh"]
            let kind: String = row["kind"]
            metrics.append(Metric(code: code, nameZh: nameZh, nameEn: row["name_en"], unit: row["unit"],
                                  synonyms: (synonyms[code] ?? []).filter { $0 != code && $0 != nameZh },
                                  isIndicator: kind == "indicator", formula: row["formula"], better: row["better"]))
        }
        return try MetricCatalog(metrics: metrics)
    }
}
