import Foundation
import GRDB
import Testing
@testable import FiscalKit
@testable import FiscalPublish

/// The PostgreSQL server of the publish tests: FISCAL_TEST_PG_URL (and
/// PGPASSWORD) when set — `.ci/run` starts one —, else a throw-away cluster
/// started here with scripts/pg-cluster.sh and stopped when the tests end.
/// nil only when no server can be started; the tests then skip and say why.
enum TestServer {
    struct Server: Sendable {
        var url: String
        var password: String?
        var port: Int
    }

    static let shared: Server? = start()

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func start() -> Server? {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment["FISCAL_TEST_PG_URL"], !url.isEmpty {
            return Server(url: url, password: environment["PGPASSWORD"], port: URLComponents(string: url)?.port ?? 5432)
        }
        let folder = NSTemporaryDirectory() + "fiscal-test-pg-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // system(), not Process: Foundation's Process waited forever here,
        // inside the tests' first look at `shared`. Output to files, not pipes:
        // the server keeps inherited pipes open.
        let script = shellQuoted(repository + "/scripts/pg-cluster.sh")
        let status = system("PG_CLUSTER_DIR=\(shellQuoted(folder)) bash \(script) start </dev/null "
                            + ">\(shellQuoted(folder + "/start.out")) 2>\(shellQuoted(folder + "/start.err"))")
        let stdout = (try? String(contentsOfFile: folder + "/start.out", encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: folder + "/start.err", encoding: .utf8)) ?? ""
        var exports: [String: String] = [:]
        for line in stdout.split(separator: "\n") where line.hasPrefix("export ") {
            let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { exports[String(pair[0])] = String(pair[1]) }
        }
        guard status == 0, let url = exports["FISCAL_TEST_PG_URL"] else {
            print("PublishTests: skipped, no PostgreSQL server: set FISCAL_TEST_PG_URL, or install PostgreSQL's server "
                  + "(apt-get install postgresql) so scripts/pg-cluster.sh can start one. It said: \(stderr)")
            return nil
        }
        // Stopped when this process ends, by a watcher in the background
        // (exit handlers do not run when the test runner exits).
        _ = system("(while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; PG_CLUSTER_DIR=\(shellQuoted(folder)) "
                   + "bash \(script) stop; rm -rf \(shellQuoted(folder))) </dev/null >/dev/null 2>&1 &")
        return Server(url: url, password: exports["PGPASSWORD"], port: URLComponents(string: url)?.port ?? 5432)
    }

    static var available: Bool { shared != nil }

    static func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    static func target() throws -> PostgresTarget {
        try PostgresTarget(url: shared!.url, environment: ["PGPASSWORD": shared!.password ?? "", "HOME": "/nonexistent"])
    }

    /// A schema of its own per test, so tests run side by side.
    static func schema() -> String { "test_" + UUID().uuidString.prefix(8).lowercased() }
}

/// A county store made from `fiscal sample`'s files (and more), in a scratch folder.
struct SampleStore {
    let scratch = Scratch()
    let database: FiscalDatabase

    init(name: String = "fiscal.sqlite", county: String = SampleCounty.county, seed: UInt64 = 2024,
         skip: (String) -> Bool = { _ in false }) throws {
        database = try FiscalDatabase.open(path: scratch.path(name))
        let files = try SampleCounty(seed: seed, countyName: county).write(to: scratch.path("sample"))
        for file in files where file.hasSuffix(".csv") && !skip(file) { try load(file) }
    }

    func load(_ path: String) throws { _ = try Importer(database: database).importFile(path: path) }

    /// One text column of a query on the store.
    func strings(_ sql: String) throws -> [String] { try database.queue.read { try String.fetchAll($0, sql: sql) } }

    func publish(schema: String, label: String = "county") async throws -> Publisher.Summary {
        try await Publisher(store: database, target: TestServer.target(), schema: schema, label: label).publish()
    }

    /// The sample county published into a new schema of its own.
    static func published() async throws -> (store: SampleStore, schema: String, summary: Publisher.Summary) {
        let store = try SampleStore()
        let schema = TestServer.schema()
        return (store, schema, try await store.publish(schema: schema))
    }
}

/// Rows of the server, every column as text.
func serverRows(_ sql: String, _ binds: [String] = []) async throws -> [[String?]] {
    let session = try await PostgresSession.connect(to: TestServer.target())
    do {
        let rows = try await session.rows(sql, binds, step: "test query")
        await session.close()
        return rows
    } catch {
        await session.close()
        throw error
    }
}

/// Resolved facts on the server, keyed like FiscalDatabase.factValues().
func serverFacts(_ schema: String) async throws -> [String: String] {
    var facts: [String: String] = [:]
    for row in try await serverRows("""
        SELECT unit, year::text, quarter::text, metric, basis, value_e6::text FROM "\(schema)".facts
        """) {
        facts["\(row[0]!)|\(row[1]!)|\(row[2]!)|\(row[3]!)|\(row[4]!)"] = ExactValue(e6: Int64(row[5]!)!).description
    }
    return facts
}

func serverCounts(_ schema: String) async throws -> [String] {
    try await serverRows("""
        SELECT (SELECT count(*) FROM "\(schema)".imports)::text, (SELECT count(*) FROM "\(schema)".observations)::text,
               (SELECT count(*) FILTER (WHERE superseded) FROM "\(schema)".observations)::text,
               (SELECT count(*) FROM "\(schema)".units)::text, (SELECT count(*) FROM "\(schema)".period_inputs)::text,
               (SELECT string_agg(sha256 || published_at::text, ',' ORDER BY sha256) FROM "\(schema)".imports)
        """)[0].map { $0 ?? "" }
}

func dropSchema(_ schema: String) async throws {
    _ = try await serverRows("DROP SCHEMA \"\(schema)\" CASCADE")
}

@Suite("Publish to PostgreSQL", .enabled("needs a PostgreSQL server: FISCAL_TEST_PG_URL, or PostgreSQL's server binaries for scripts/pg-cluster.sh") {
    TestServer.available
})
struct PublishServerTests {
    @Test("every indicator's trend from the server's views equals the store's")
    func trendsAgree() async throws {
        let (county, schema, summary) = try await SampleStore.published()
        #expect(summary.published == 10 && summary.retracted == 0 && summary.refreshed)
        #expect(summary.observations == (try county.database.count("observations")))

        let codes = try county.strings("SELECT code FROM metrics WHERE kind = 'indicator' ORDER BY code")
        #expect(Set(Report.headline).isSubset(of: Set(codes)))
        var compared = 0
        for code in codes {
            var local: [String: [Double?]] = [:]
            for row in try Trends(database: county.database).rows(indicator: code, filter: .init()) {
                local["\(row.unit)|\(row.year)"] = [row.value, row.previous, row.change, row.changeRate]
            }
            var server: [String: [Double?]] = [:]
            for row in try await serverRows("""
                SELECT unit, year::text, value::text, previous::text, change::text, change_rate::text
                FROM "\(schema)".indicator_trend WHERE indicator = $1 AND quarter = 0
                """, [code]) {
                server["\(row[0]!)|\(row[1]!)"] = row[2...].map { $0.flatMap(Double.init) }
            }
            #expect(server == local, "indicator \(code)")
            compared += local.values.filter { $0[0] != nil }.count
        }
        #expect(compared > 1000)
        #expect(try await serverFacts(schema) == county.database.factValues())
        try await dropSchema(schema)
    }

    @Test("publishing twice changes nothing")
    func idempotent() async throws {
        let (county, schema, _) = try await SampleStore.published()
        let before = try await serverCounts(schema)
        let again = try await county.publish(schema: schema)
        #expect(again.isNothing && again.alreadyThere == 10)
        #expect(try await serverCounts(schema) == before)
        try await dropSchema(schema)
    }

    @Test("a corrected file imported later: the server's facts follow; a rebuilt store retracts the old file")
    func correctedReimport() async throws {
        let (county, schema, _) = try await SampleStore.published()

        let original = county.scratch.path("sample/county-2023.csv")
        var lines = try String(contentsOfFile: original, encoding: .utf8).components(separatedBy: "\n")
        let index = try #require(lines.firstIndex { $0.hasPrefix("示例县青山镇,") && $0.contains(",three_public_total,") })
        var fields = lines[index].components(separatedBy: ",")
        fields[fields.count - 1] = "99.99"
        lines[index] = fields.joined(separator: ",")
        let corrected = county.scratch.write("county-2023-corrected.csv", lines.joined(separator: "\n"))
        try county.load(corrected)
        let key = "示例县青山镇|2023|0|three_public_total|final"
        #expect(try county.database.factValues()[key] == "99.99")

        let summary = try await county.publish(schema: schema)
        #expect(summary.published == 1 && summary.observations > 0)
        let facts = try await serverFacts(schema)
        #expect(facts[key] == "99.99")
        #expect(facts == (try county.database.factValues()))

        // The county rebuilds its store without the first 2023 file: the server drops it too.
        let rebuilt = try SampleStore(name: "rebuilt.sqlite", skip: { $0.hasSuffix("county-2023.csv") })
        try rebuilt.load(corrected)
        let again = try await rebuilt.publish(schema: schema)
        #expect(again.retracted == 1 && again.published == 0)
        #expect(try await serverFacts(schema) == rebuilt.database.factValues())
        #expect(try await serverCounts(schema)[0] == "10")
        try await dropSchema(schema)
    }

    @Test("two counties publish into one schema: a unit named by both is one unit")
    func twoPublishers() async throws {
        let first = try SampleStore()
        let second = try SampleStore(county: "样例县", seed: 7)
        // The second county also states a figure of the first's township, spelled with a space.
        try second.load(second.scratch.write("shared.csv", """
            unit,region,kind,year,quarter,metric,basis,value
            示例县 青山镇,示例县,township,2015,,resident_population,,50000
            """))
        let schema = TestServer.schema()
        _ = try await first.publish(schema: schema, label: "示例县")
        _ = try await second.publish(schema: schema, label: "样例县")
        let keys = try Set(first.strings("SELECT name_key FROM units")).union(second.strings("SELECT name_key FROM units"))
        let counts = try await serverCounts(schema)
        #expect(counts[3] == String(keys.count))
        #expect(counts[0] == "21")
        let publishers = try await serverRows("""
            SELECT count(DISTINCT i.publisher)::text FROM "\(schema)".observations o
            JOIN "\(schema)".imports i ON i.sha256 = o.import_sha256 WHERE o.unit_key = '示例县青山镇'
            """)
        #expect(publishers[0][0] == "2")
        let facts = try await serverFacts(schema)
        #expect(facts["示例县青山镇|2015|0|resident_population|final"] == "50000")
        try await dropSchema(schema)
    }

    @Test("the sample packages: their scoring sheets and project forms travel too", .enabled(if: Samples.folder != nil))
    func packages() async throws {
        let county = try SampleStore()
        try county.load(Samples.path("baicang-town-2023.txt"))
        try county.load(Samples.path("hengshan-finance-bureau-2024.txt"))
        let schema = TestServer.schema()
        _ = try await county.publish(schema: schema)
        let local = try county.strings("SELECT (SELECT count(*) FROM scoring_items) || ',' || (SELECT count(*) FROM projects)")
        let server = try await serverRows("""
            SELECT (SELECT count(*) FROM "\(schema)".scoring_items) || ',' || (SELECT count(*) FROM "\(schema)".projects)
            """)
        #expect(local[0] != "0,0" && [local[0]] == server[0].map { $0 ?? "" })
        #expect(try await serverFacts(schema) == county.database.factValues())
        try await dropSchema(schema)
    }

    @Test("the password never appears in what fiscal prints; a URL with one is refused; ~/.pgpass works")
    func passwordStaysSecret() throws {
        let server = try #require(TestServer.shared)
        let password = try #require(server.password)
        let county = try SampleStore()
        let schema = TestServer.schema()
        let base = ["publish", "--db", county.database.path, "--schema", schema]
        func secretFree(_ result: Binary.Result) {
            #expect(!result.stdout.contains(password) && !result.stderr.contains(password))
        }

        let good = try Binary.run(base + ["--to", server.url], in: county.scratch.folder, environment: ["PGPASSWORD": password])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("county-2016.csv: ") && good.stdout.contains(" observations"))
        secretFree(good)

        let inURL = server.url.replacingOccurrences(of: "://fiscal_test@", with: "://fiscal_test:\(password)@")
        let refused = try Binary.run(base + ["--to", inURL], in: county.scratch.folder, environment: ["PGPASSWORD": ""])
        #expect(refused.status == 1 && refused.stderr.contains("PGPASSWORD"))
        secretFree(refused)

        let wrong = try Binary.run(base + ["--to", server.url], in: county.scratch.folder,
                                   environment: ["PGPASSWORD": password + "x", "PGPASSFILE": "/nonexistent"])
        #expect(wrong.status == 1 && wrong.stderr.contains("cannot connect to PostgreSQL at 127.0.0.1:\(server.port)"))
        secretFree(wrong)

        let unreachable = try Binary.run(base + ["--to", "postgresql://fiscal_test@127.0.0.1:1/fiscal_test"],
                                         in: county.scratch.folder, environment: ["PGPASSWORD": password])
        #expect(unreachable.status == 1 && unreachable.stderr.contains("cannot connect to PostgreSQL at 127.0.0.1:1"))
        secretFree(unreachable)

        let pgpass = county.scratch.write("pgpass", "# test\n127.0.0.1:*:*:fiscal_test:\(password)\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: pgpass)
        let fromFile = try Binary.run(base + ["--to", server.url], in: county.scratch.folder,
                                      environment: ["PGPASSWORD": "", "PGPASSFILE": pgpass])
        #expect(fromFile.status == 0 && fromFile.stdout.hasPrefix("nothing to publish"), "\(fromFile.stderr)")
        secretFree(fromFile)
    }
}

@Suite("Publish: password file and URL")
struct PublishPasswordFileTests {
    @Test("lines, wildcards, escapes and the first match")
    func parse() {
        let entries = PasswordFile.parse("""
            # a comment
            db.example:5432:province:fiscal:s3cr\\:et\\\\x
            *:*:*:fiscal:fallback
            short:line
            127.0.0.1:55000:*:*:any:colon
            """)
        #expect(entries.count == 3)
        #expect(PasswordFile.password(in: entries, host: "db.example", port: 5432, database: "province", user: "fiscal") == "s3cr:et\\x")
        #expect(PasswordFile.password(in: entries, host: "other", port: 5433, database: "x", user: "fiscal") == "fallback")
        #expect(PasswordFile.password(in: entries, host: "127.0.0.1", port: 55000, database: "d", user: "u") == "any:colon")
        #expect(PasswordFile.password(in: entries, host: "127.0.0.1", port: 55001, database: "d", user: "u") == nil)
    }

    @Test("a file group or world may read is not read; the URL's password is refused")
    func permissionsAndURL() throws {
        let scratch = Scratch()
        let file = scratch.write("pgpass", "*:*:*:*:secret\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        #expect(PasswordFile.read(path: file) == .tooOpen)
        let open = try PostgresTarget(url: "postgresql://u@h/d", environment: ["PGPASSFILE": file])
        #expect(open.password == nil && open.passwordFileWarning != nil)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        let target = try PostgresTarget(url: "postgresql://u@h:6000/d?sslmode=require", environment: ["PGPASSFILE": file])
        #expect(target.password == "secret" && target.port == 6000 && target.sslMode == .require)
        #expect(target.description == "u@h:6000/d")
        #expect(try PostgresTarget(url: "postgresql://u@h/d", environment: ["PGPASSWORD": "env", "PGPASSFILE": file]).password == "env")
        #expect(throws: PublishError.self) { try PostgresTarget(url: "postgresql://u:secret@h/d", environment: [:]) }
        #expect(throws: PublishError.self) { try PostgresTarget(url: "postgresql://u@h/d?sslmode=bogus", environment: [:]) }
        #expect(throws: PublishError.self) { try PostgresTarget(url: "mysql://u@h/d", environment: [:]) }
    }

    @Test("scripts split into statements; the placeholder becomes the quoted schema")
    func scripts() {
        #expect(PostgresScripts.statements("-- c; c\nSELECT ';' ; /* ; */ SELECT $$a;b$$;\n-- end") == ["-- c; c\nSELECT ';'", "/* ; */ SELECT $$a;b$$"])
        let scripts = PostgresScripts(schema: "a\"b")
        #expect(scripts.quotedSchema == "\"a\"\"b\"")
        #expect(scripts.schema.contains("CREATE TABLE IF NOT EXISTS \"a\"\"b\".units"))
        #expect(Set(scripts.resolve.keys) == ["resolve", "retract", "resolve_all"])
        #expect(!PostgresScripts.statements(scripts.views).isEmpty)
    }
}
