import Foundation
import PostgresNIO

/// Where `fiscal publish` sends the store: a PostgreSQL server, database and
/// user from a `postgresql://USER@HOST:PORT/DB` URL, and the password from
/// `PGPASSWORD` or the password file (`~/.pgpass`), as every PostgreSQL tool
/// takes it — never from the URL, so it stays out of shell histories and
/// process lists.
///
/// ```swift
/// let target = try PostgresTarget(url: "postgresql://fiscal@db.example:5432/province")
/// let publisher = Publisher(store: store, target: target, schema: "fiscal", label: "邵阳县")
/// ```
///
/// What the URL leaves out comes from libpq's variables (`PGUSER`, `PGHOST`,
/// `PGPORT`, `PGDATABASE`), then libpq's defaults (localhost, 5432, the
/// database named as the user). `?sslmode=` takes libpq's modes: `disable`,
/// `allow` and `prefer` (the default: TLS when the server offers it),
/// `require` (TLS, the certificate not checked), `verify-ca` and `verify-full`.
///
/// ## Topics
/// - ``init(url:environment:)``
/// - ``description``: the target without its password, for messages
public struct PostgresTarget: Sendable, CustomStringConvertible {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require, verifyCA = "verify-ca", verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var sslMode: SSLMode
    /// From `PGPASSWORD` or the password file; nil when neither has one.
    public var password: String?
    /// Why the password file was not read (group or world may read it), for a warning.
    public var passwordFileWarning: String?

    public init(url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let components = URLComponents(string: url),
              let scheme = components.scheme, scheme == "postgresql" || scheme == "postgres" else {
            throw PublishError.usage("--to takes a URL like postgresql://USER@HOST:PORT/DATABASE")
        }
        let items = components.queryItems ?? []
        if components.password != nil || items.contains(where: { $0.name == "password" }) {
            throw PublishError.usage("the URL holds a password: give it in PGPASSWORD or ~/.pgpass instead, never on the command line")
        }
        var mode = SSLMode.prefer
        for item in items {
            switch item.name {
            case "sslmode":
                guard let value = item.value.flatMap(SSLMode.init(rawValue:)) else {
                    throw PublishError.usage("sslmode takes \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                mode = value
            default:
                throw PublishError.usage("the URL's parameter '\(item.name)' is not supported (only sslmode)")
            }
        }
        func nonEmpty(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }
        host = nonEmpty(components.host) ?? nonEmpty(environment["PGHOST"]) ?? "localhost"
        if host.hasPrefix("/") { throw PublishError.usage("Unix sockets are not supported: give a host name or address") }
        port = components.port ?? nonEmpty(environment["PGPORT"]).flatMap { Int($0) } ?? 5432
        user = nonEmpty(components.user) ?? nonEmpty(environment["PGUSER"]) ?? nonEmpty(environment["USER"]) ?? "postgres"
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = nonEmpty(path.removingPercentEncoding) ?? nonEmpty(environment["PGDATABASE"]) ?? user
        sslMode = mode
        if let password = nonEmpty(environment["PGPASSWORD"]) {
            self.password = password
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            let file = nonEmpty(environment["PGPASSFILE"]) ?? (home as NSString).appendingPathComponent(".pgpass")
            switch PasswordFile.read(path: file) {
            case .entries(let entries):
                self.password = PasswordFile.password(in: entries, host: host, port: port, database: database, user: user)
            case .tooOpen:
                passwordFileWarning = "password file \(file) has group or world access; permissions should be u=rw (0600) or less: not read"
            case .missing:
                break
            }
        }
    }

    /// `user@host:port/database`: no password, ever.
    public var description: String { "\(user)@\(host):\(port)/\(database)" }

    /// postgres-nio's configuration: libpq's sslmode mapped onto its TLS modes.
    func configuration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch sslMode {
        case .disable:
            tls = .disable
        case .allow, .prefer, .require:
            // libpq checks no certificate in these modes.
            var config = TLSConfiguration.makeClientConfiguration()
            config.certificateVerification = .none
            let context = try NIOSSLContext(configuration: config)
            tls = sslMode == .require ? .require(context) : .prefer(context)
        case .verifyCA, .verifyFull:
            var config = TLSConfiguration.makeClientConfiguration()
            config.certificateVerification = sslMode == .verifyCA ? .noHostnameVerification : .fullVerification
            tls = .require(try NIOSSLContext(configuration: config))
        }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password,
                                                             database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }
}
