import FiscalKit
import Foundation
import GRDB

/// `fiscal publish`: copies a county's SQLite store into a shared PostgreSQL
/// schema that many counties publish into (queries/postgres/), incrementally.
///
/// ```swift
/// let store = try FiscalDatabase.open(path: "fiscal.sqlite", readOnly: true)
/// let target = try PostgresTarget(url: "postgresql://fiscal@db:5432/province")
/// let summary = try await Publisher(store: store, target: target, label: "邵阳县").publish { event in print(event) }
/// ```
///
/// The protocol (scripts/pg-load-sqlite.py is the same in Python), every
/// transaction under the schema's publish lock:
/// 1. **Setup**, one transaction: the schema (created when missing),
///    schema.sql, views.sql when the server's differ from the binary's (their
///    SHA-256 is kept in `publish_state`), the catalogue — units by their
///    normalized name (a missing region or code filled in), aliases and
///    metrics by their keys, the first publisher's kept — through temp tables.
/// 2. **Retract**, one transaction each: an import this publisher (``label``)
///    sent before that the store no longer holds (a county that rebuilt its
///    store without a file) is deleted and its keys ranked again.
/// 3. **Publish**, one transaction per import the server does not have (by
///    content hash, whoever sent it), in local order: its `imports` row, then
///    its observations, scoring items and projects by COPY (position = the
///    row's order in the import), then resolve.sql's `resolve`, which marks
///    the losers of every key it states superseded over all imports — a
///    corrected file imported later wins on the server as it does locally.
///    An interrupted publish leaves the import being sent as it was; the
///    next publish sends it.
/// 4. **Refresh** `period_inputs` (CONCURRENTLY: readers keep the old rows
///    meanwhile) when an import was published or retracted since the last
///    refresh — by this run or by one that was interrupted.
public struct Publisher: Sendable {
    public enum Event: Sendable {
        case published(path: String, observations: Int)
        case retracted(path: String)
        case refreshed(seconds: Double)
    }

    public struct Summary: Sendable, Equatable {
        /// Imports in the local store.
        public var local = 0
        public var published = 0
        public var observations = 0
        /// Local imports the server had already (from this or another publisher).
        public var alreadyThere = 0
        public var retracted = 0
        public var refreshed = false
        public var seconds = 0.0
        public var isNothing: Bool { published == 0 && retracted == 0 && !refreshed }
    }

    public let store: FiscalDatabase
    public let target: PostgresTarget
    public let schema: String
    /// Who publishes: stored with every import sent, and the imports this
    /// label sent that the store no longer holds are retracted.
    public let label: String

    public init(store: FiscalDatabase, target: PostgresTarget, schema: String = "fiscal", label: String? = nil) {
        self.store = store
        self.target = target
        self.schema = schema
        self.label = label ?? Self.defaultLabel(store: store.path)
    }

    /// `host:/absolute/path/of/the/store.sqlite`: one label per store, so two
    /// stores on one machine never retract each other's imports.
    public static func defaultLabel(store path: String) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return ProcessInfo.processInfo.hostName + ":" + absolute
    }

    public func publish(progress: (Event) -> Void = { _ in }) async throws -> Summary {
        guard !schema.isEmpty, schema.count <= 63 else { throw PublishError.usage("--schema must be 1 to 63 characters") }
        let started = Date()
        let scripts = PostgresScripts(schema: schema)
        let local = try LocalStore(store: store, label: label)
        let session = try await PostgresSession.connect(to: target)
        do {
            var summary = try await publish(local, scripts, session, progress)
            await session.close()
            summary.seconds = Date().timeIntervalSince(started)
            return summary
        } catch {
            await session.close()
            throw error
        }
    }

    private func publish(_ local: LocalStore, _ scripts: PostgresScripts, _ session: PostgresSession,
                         _ progress: (Event) -> Void) async throws -> Summary {
        var summary = Summary()
        let imports = try local.imports()
        summary.local = imports.count
        let onServer = try await setUp(local, scripts, session)

        let localHashes = Set(imports.map(\.sha256))
        for (sha256, path) in onServer.mine.sorted(by: { $0.key < $1.key }) where !localHashes.contains(sha256) {
            try await session.transaction(schema: schema, step: "retracting \(path)") {
                try await session.run(scripts.resolve["retract"]!, [sha256], step: "retracting \(path)")
                try await markStale(session)
            }
            summary.retracted += 1
            progress(.retracted(path: path))
        }

        let missing = imports.filter { !onServer.all.contains($0.sha256) }
        summary.alreadyThere = imports.count - missing.count
        if !missing.isEmpty {
            let ranges = try local.ranges()
            for item in missing {
                let tables = try local.tables(of: item, ranges: ranges)
                let step = "publishing \(item.path)"
                let sent = try await session.transaction(schema: schema, step: step) { () -> Int? in
                    // Sent by another publisher since setup: it is there, the same content.
                    let there = try await session.rows("SELECT sha256 FROM imports WHERE sha256 = $1", [item.sha256], step: step)
                    if !there.isEmpty { return nil }
                    var observations = 0
                    for table in tables {
                        let rows = try await session.copy(table.name, columns: table.columns, parts: table.parts, step: "\(step) (\(table.name))")
                        if table.name == "observations" { observations = rows }
                    }
                    try await session.run(scripts.resolve["resolve"]!, [item.sha256], step: "\(step) (resolve)")
                    try await markStale(session)
                    return observations
                }
                if let observations = sent {
                    summary.published += 1
                    summary.observations += observations
                    progress(.published(path: item.path, observations: observations))
                } else {
                    summary.alreadyThere += 1
                }
            }
        }

        let refreshStarted = Date()
        summary.refreshed = try await session.transaction(schema: schema, step: "refreshing period_inputs") {
            let state = try await session.rows("SELECT value FROM publish_state WHERE key = 'period_inputs'", step: "refreshing period_inputs")
            guard state.first?.first == "stale" else { return false }
            try await session.run("REFRESH MATERIALIZED VIEW CONCURRENTLY \(scripts.quotedSchema).period_inputs", step: "refreshing period_inputs")
            try await session.run("UPDATE publish_state SET value = 'fresh' WHERE key = 'period_inputs'", step: "refreshing period_inputs")
            return true
        }
        if summary.refreshed { progress(.refreshed(seconds: Date().timeIntervalSince(refreshStarted))) }
        return summary
    }

    private func markStale(_ session: PostgresSession) async throws {
        try await session.run("""
            INSERT INTO publish_state(key, value) VALUES ('period_inputs', 'stale')
            ON CONFLICT (key) DO UPDATE SET value = 'stale'
            """, step: "marking period_inputs stale")
    }

    /// Step 1; returns the server's imports: every hash, and this label's with their paths.
    private func setUp(_ local: LocalStore, _ scripts: PostgresScripts, _ session: PostgresSession) async throws
        -> (all: Set<String>, mine: [String: String]) {
        let step = "setting up schema \(scripts.quotedSchema)"
        // CREATE SCHEMA only when missing: IF NOT EXISTS still asks for the
        // right to create schemas, which a publisher into a given schema may lack.
        let exists = try await session.rows("SELECT to_regnamespace($1)::text", [scripts.quotedSchema], step: step)
        if exists.first?.first ?? nil == nil {
            try await session.run("CREATE SCHEMA IF NOT EXISTS \(scripts.quotedSchema)", step: step)
        }
        return try await session.transaction(schema: schema, step: step) {
            for statement in PostgresScripts.statements(scripts.schema) {
                try await session.run(statement, step: "\(step) (schema.sql)")
            }
            let installed = try await session.rows("""
                SELECT (SELECT value FROM publish_state WHERE key = 'views_sha256'),
                       to_regclass($1)::text
                """, [scripts.quotedSchema + ".period_inputs"], step: step)
            if installed.first?[0] != scripts.viewsHash || installed.first?[1] == nil {
                for statement in PostgresScripts.statements(scripts.views) {
                    try await session.run(statement, step: "\(step) (views.sql)")
                }
                try await session.run("""
                    INSERT INTO publish_state(key, value) VALUES ('views_sha256', $1)
                    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                    """, [scripts.viewsHash], step: step)
            }
            for table in try local.catalogue() {
                let temp = "load_" + table.name
                try await session.run("CREATE TEMP TABLE \(temp) (LIKE \(table.name)) ON COMMIT DROP", step: step)
                try await session.copy(temp, columns: table.columns, parts: table.parts, step: "\(step) (\(table.name))")
                try await session.run("INSERT INTO \(table.name) SELECT * FROM \(temp) \(table.onConflict!)", step: "\(step) (\(table.name))")
            }
            var all = Set<String>()
            var mine: [String: String] = [:]
            for row in try await session.rows("SELECT sha256, publisher, path FROM imports", step: step) {
                guard let sha256 = row[0] else { continue }
                all.insert(sha256)
                if row[1] == label { mine[sha256] = row[2] ?? sha256 }
            }
            return (all, mine)
        }
    }
}
