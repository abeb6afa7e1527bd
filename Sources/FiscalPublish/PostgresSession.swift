import Foundation
import Logging
import PostgresNIO

/// One connection to the server, with what a publish needs of it: plain
/// statements with text parameters, rows as text, COPY FROM STDIN, and
/// transactions that hold the schema's publish lock. Every failure becomes a
/// ``PublishError`` that names the step and says what PostgreSQL said.
///
/// ```swift
/// let session = try await PostgresSession.connect(to: target)
/// defer { Task { await session.close() } }
/// let rows = try await session.rows("SELECT count(*)::text FROM \"fiscal\".imports", step: "counting")
/// ```
public final class PostgresSession: Sendable {
    let connection: PostgresConnection
    let logger: Logger
    public let target: PostgresTarget

    private init(connection: PostgresConnection, logger: Logger, target: PostgresTarget) {
        self.connection = connection
        self.logger = logger
        self.target = target
    }

    public static func connect(to target: PostgresTarget) async throws -> PostgresSession {
        var logger = Logger(label: "fiscal.publish")
        logger.logLevel = .critical
        let configuration: PostgresConnection.Configuration
        do {
            configuration = try target.configuration()
        } catch {
            throw PublishError.connect(target: "\(target.host):\(target.port)", reason: "TLS: \(error)")
        }
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            return PostgresSession(connection: connection, logger: logger, target: target)
        } catch {
            throw PublishError.connect(target: "\(target.host):\(target.port) (database \(target.database), user \(target.user))",
                                       reason: PublishError.words(error))
        }
    }

    public func close() async {
        try? await connection.close()
    }

    /// Runs one statement; `binds` are text parameters ($1, $2, …).
    public func run(_ sql: String, _ binds: [String] = [], step: String) async throws {
        _ = try await rows(sql, binds, step: step)
    }

    /// The rows of one statement, every column decoded as text (cast in the SQL what is not text).
    public func rows(_ sql: String, _ binds: [String] = [], step: String) async throws -> [[String?]] {
        var bindings = PostgresBindings()
        for bind in binds { bindings.append(bind) }
        do {
            var result: [[String?]] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger) {
                result.append(try row.map { try $0.decode(String?.self) })
            }
            return result
        } catch {
            throw PublishError.server(step: step, message: PublishError.words(error))
        }
    }

    /// COPY `table`(columns) FROM STDIN of rows in COPY's text format, read
    /// part by part as they are sent; returns how many rows went.
    @discardableResult
    func copy(_ table: String, columns: [String], parts: [LocalStore.Part], step: String) async throws -> Int {
        var rows = 0
        do {
            try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                for part in parts {
                    let text = try part(rows)
                    rows += text.rows
                    let data = text.bytes
                    let chunk = 1 << 20
                    var offset = 0
                    while offset < data.count {
                        let end = min(offset + chunk, data.count)
                        try await writer.write(ByteBuffer(bytes: data[offset..<end]))
                        offset = end
                    }
                }
            }
        } catch {
            throw PublishError.server(step: step, message: PublishError.words(error))
        }
        return rows
    }

    /// One transaction under the schema's publish lock (an advisory lock
    /// every publisher of the schema takes, so two publishes never rank one
    /// key at once; scripts/pg-load-sqlite.py takes the same), with the
    /// schema first on the search path (COPY names a table by itself).
    /// The body's error rolls the transaction back and is thrown as it was.
    func transaction<Result>(schema: String, step: String, _ body: () async throws -> Result) async throws -> Result {
        let quoted = PostgresScripts.quote(schema)
        try await run("BEGIN", step: step)
        do {
            try await run("SELECT 'locked' FROM pg_advisory_xact_lock(hashtextextended($1, 0))", ["fiscal publish " + quoted], step: step)
            try await run("SET LOCAL client_min_messages = warning", step: step)
            try await run("SET LOCAL search_path = \(quoted)", step: step)
            let result = try await body()
            try await run("COMMIT", step: step)
            return result
        } catch {
            try? await run("ROLLBACK", step: step)
            throw error
        }
    }
}
