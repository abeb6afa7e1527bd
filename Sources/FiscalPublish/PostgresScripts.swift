import Crypto
import Foundation

/// The SQL of `queries/postgres/`, embedded in the binary, for one schema:
/// schema.sql (tables), views.sql (derived views) and resolve.sql (the
/// precedence statements), with the placeholder `fiscal.` replaced by the
/// schema's quoted name.
///
/// postgres-nio sends one statement per round trip (the extended protocol
/// takes no `;`-separated lists), so ``statements(_:)`` splits a file,
/// minding quotes, comments and dollar quoting.
///
/// ```swift
/// let scripts = PostgresScripts(schema: "hunan")
/// for statement in PostgresScripts.statements(scripts.schema) { … }
/// scripts.resolve["resolve"]   // $1 = an import's sha256
/// ```
public struct PostgresScripts: Sendable {
    /// The schema's name quoted as an identifier: `"hunan"`, `"a""b"`.
    public let quotedSchema: String
    public let schema: String
    public let views: String
    /// resolve.sql's statements by name: resolve, retract, resolve_all.
    public let resolve: [String: String]

    public init(schema name: String) {
        quotedSchema = Self.quote(name)
        schema = Self.qualify(PackageResources.schema_sql, quotedSchema)
        views = Self.qualify(PackageResources.views_sql, quotedSchema)
        resolve = Self.named(Self.qualify(PackageResources.resolve_sql, quotedSchema))
    }

    /// SHA-256 (hex) of the views as installed: stored on the server, so a
    /// publish recreates them only when the binary's differ.
    public var viewsHash: String {
        SHA256.hash(data: Data(views.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The placeholder rule of queries/postgres/: every `fiscal.` is the schema.
    static func qualify(_ bytes: [UInt8], _ quotedSchema: String) -> String {
        String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "fiscal.", with: quotedSchema + ".")
    }

    /// resolve.sql's blocks: a `-- statement: NAME` line starts each.
    static func named(_ sql: String) -> [String: String] {
        var result: [String: String] = [:]
        var name: String?
        var lines: [Substring] = []
        func close() {
            if let name { result[name] = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("-- statement: ") {
                close()
                name = line.dropFirst("-- statement: ".count).trimmingCharacters(in: .whitespaces)
                lines = []
            } else if name != nil {
                lines.append(line)
            }
        }
        close()
        return result.mapValues { $0.hasSuffix(";") ? String($0.dropLast()) : $0 }
    }

    /// The statements of a script, without their `;` and without the ones
    /// that are only comments. Quotes ('…', "…"), comments (-- and /* */) and
    /// dollar-quoted bodies ($$…$$, $tag$…$tag$) may hold a `;`.
    public static func statements(_ sql: String) -> [String] {
        let text = Array(sql.unicodeScalars)
        var result: [String] = []
        var start = 0
        var code = false            // the current statement has more than comments
        var i = 0
        func scalarString(_ range: Range<Int>) -> String {
            var s = String.UnicodeScalarView()
            s.append(contentsOf: text[range])
            return String(s)
        }
        while i < text.count {
            let c = text[i]
            let next: Unicode.Scalar? = i + 1 < text.count ? text[i + 1] : nil
            if c == "-" && next == "-" {
                while i < text.count && text[i] != "\n" { i += 1 }
                continue
            }
            if c == "/" && next == "*" {
                i += 2
                while i + 1 < text.count && !(text[i] == "*" && text[i + 1] == "/") { i += 1 }
                i += 2
                continue
            }
            if c == "'" || c == "\"" {
                code = true
                i += 1
                while i < text.count {
                    if text[i] == c {
                        if i + 1 < text.count && text[i + 1] == c { i += 2; continue }
                        break
                    }
                    i += 1
                }
                i += 1
                continue
            }
            if c == "$" {
                // $tag$ where tag is empty or an identifier not starting with a digit.
                var j = i + 1
                while j < text.count, text[j].properties.isAlphabetic || text[j] == "_" || (j > i + 1 && ("0"..."9").contains(text[j])) { j += 1 }
                if j < text.count && text[j] == "$" {
                    let tag = Array(text[i...j])
                    code = true
                    i = j + 1
                    while i < text.count && !(text[i] == "$" && i + tag.count <= text.count && Array(text[i..<(i + tag.count)]) == tag) { i += 1 }
                    i += tag.count
                    continue
                }
            }
            if c == ";" {
                if code { result.append(scalarString(start..<i).trimmingCharacters(in: .whitespacesAndNewlines)) }
                start = i + 1
                code = false
                i += 1
                continue
            }
            if !c.properties.isWhitespace { code = true }
            i += 1
        }
        if code { result.append(scalarString(start..<min(i, text.count)).trimmingCharacters(in: .whitespacesAndNewlines)) }
        return result
    }
}
