import Foundation

/// libpq's password file (`~/.pgpass`, or `PGPASSFILE`): one
/// `hostname:port:database:username:password` a line, `*` matching anything
/// in the first four fields, `\:` and `\\` for a colon or backslash, `#`
/// starting a comment line. The first line that matches gives the password.
/// Like libpq, a file group or world may read is not read at all.
///
/// ```swift
/// if case .entries(let entries) = PasswordFile.read(path: "/home/me/.pgpass") {
///     PasswordFile.password(in: entries, host: "db", port: 5432, database: "province", user: "fiscal")
/// }
/// ```
public enum PasswordFile {
    public struct Entry: Equatable, Sendable {
        public var host, port, database, user, password: String
    }

    public enum Contents: Equatable, Sendable {
        case missing
        /// Group or world may read it (mode & 077): libpq warns and skips it.
        case tooOpen
        case entries([Entry])
    }

    public static func read(path: String) -> Contents {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let data = FileManager.default.contents(atPath: path) else { return .missing }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 { return .tooOpen }
        return .entries(parse(String(decoding: data, as: UTF8.self)))
    }

    /// The lines of a password file; a line with fewer than five fields is skipped, as libpq does.
    public static func parse(_ text: String) -> [Entry] {
        var entries: [Entry] = []
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            if line.hasPrefix("#") { continue }
            var fields: [String] = [""]
            var escaped = false
            for character in line {
                if escaped {
                    fields[fields.count - 1].append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == ":" && fields.count < 5 {
                    fields.append("")
                } else {
                    fields[fields.count - 1].append(character)
                }
            }
            guard fields.count == 5 else { continue }
            entries.append(Entry(host: fields[0], port: fields[1], database: fields[2], user: fields[3], password: fields[4]))
        }
        return entries
    }

    public static func password(in entries: [Entry], host: String, port: Int, database: String, user: String) -> String? {
        func matches(_ field: String, _ value: String) -> Bool { field == "*" || field == value }
        return entries.first {
            matches($0.host, host) && matches($0.port, String(port)) && matches($0.database, database) && matches($0.user, user)
        }?.password
    }
}
