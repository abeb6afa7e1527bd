import Foundation
import GRDB
@testable import FiscalKit

/// A fresh folder per test, removed when the test's value goes away.
final class Scratch {
    let folder: String

    init() {
        folder = NSTemporaryDirectory() + "fiscal-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let path = path(name)
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) -> String {
        let path = path(name)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    func database() throws -> FiscalDatabase { try FiscalDatabase.open(path: path("fiscal.sqlite")) }
}

enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
}

extension FiscalDatabase {
    /// Resolved facts as (unit, year, quarter, metric, basis) → exact value text.
    func factValues() throws -> [String: String] {
        try queue.read { db in
            var result: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT unit, year, quarter, metric, basis, value_e6 FROM facts") {
                let key = "\(row["unit"] as String)|\(row["year"] as Int)|\(row["quarter"] as Int)|\(row["metric"] as String)|\(row["basis"] as String)"
                result[key] = ExactValue(e6: row["value_e6"]).description
            }
            return result
        }
    }

    func count(_ table: String) throws -> Int {
        try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }

    /// Every row of every table, for "the database is exactly as it was".
    func snapshot() throws -> String {
        try queue.read { db in
            var text = ""
            for table in ["units", "unit_aliases", "metrics", "metric_names", "imports", "observations"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1") { text += "\(table) \(row)\n" }
            }
            return text
        }
    }
}

/// The built `fiscal` binary, next to the test bundle (`swift test` builds it).
enum Binary {
    static let path: String = {
        if let explicit = ProcessInfo.processInfo.environment["FISCAL_BIN"] { return explicit }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("fiscal").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return ".build/debug/fiscal"
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], in folder: String, environment: [String: String] = [:],
                    executable: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "FISCAL_DB")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}
