import Foundation
import PostgresNIO

/// What went wrong in a publish, in words for the user: which server, which
/// import, what PostgreSQL said. Never the password (postgres-nio's errors
/// do not carry it, and neither do these).
public enum PublishError: Error, CustomStringConvertible, Equatable {
    /// A wrong `--to`, `--schema` or the like: nothing was sent.
    case usage(String)
    /// The server could not be reached or refused the login.
    case connect(target: String, reason: String)
    /// The server refused a statement; `step` says what the publish was doing.
    case server(step: String, message: String)

    public var description: String {
        switch self {
        case .usage(let text): return text
        case .connect(let target, let reason): return "cannot connect to PostgreSQL at \(target): \(reason)"
        case .server(let step, let message): return "PostgreSQL refused \(step): \(message)"
        }
    }

    /// PostgreSQL's own words for an error (message, detail, SQLSTATE), or
    /// the underlying network error's, without the query's text.
    static func words(_ error: Error) -> String {
        guard let error = error as? PSQLError else {
            if let error = error as? PostgresTransactionError {
                return words(error.closureError ?? error.commitError ?? error.beginError ?? error.rollbackError ?? error)
            }
            return "\(error)"
        }
        if let info = error.serverInfo, let message = info[.message] {
            var text = message
            if let detail = info[.detail] { text += " (\(detail))" }
            if let state = info[.sqlState] { text += " [SQLSTATE \(state)]" }
            return text
        }
        if let underlying = error.underlying { return "\(underlying)" }
        switch error.code {
        case .authMechanismRequiresPassword: return "the server asks for a password: set PGPASSWORD or add a line to ~/.pgpass"
        case .sslUnsupported: return "the server does not support TLS (sslmode=require)"
        case .serverClosedConnection: return "the server closed the connection"
        default: return "\(error.code)"
        }
    }
}
