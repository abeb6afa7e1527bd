/// What went wrong, and where: every error names the file, and the line or cell
/// when there is one, in the `file:line: what is wrong` form editors understand.
public enum FiscalError: Error, CustomStringConvertible, Equatable {
    /// A whole file could not be read or was refused.
    case file(String, String)
    /// A file had bad rows; nothing of it was stored. `problems` holds the first
    /// ones (capped), `total` how many there were.
    case badRows(path: String, problems: [LocatedProblem], total: Int)
    /// A request that cannot be carried out (unknown unit, ambiguous name …).
    case invalid(String)
    /// A package that does not say whose (or which year) it is, or names
    /// different units: nothing was stored, and `option` (`--unit`, `--year`)
    /// would let it import. `message` says what is missing, without the path.
    case needsOption(path: String, option: IdentityOption, message: String)

    /// The command-line option that supplies what a document does not state.
    public enum IdentityOption: String, Sendable, Equatable {
        case unit = "--unit"
        case year = "--year"
    }

    public var description: String {
        switch self {
        case let .file(path, message):
            return "\(path): \(message)"
        case let .badRows(path, problems, total):
            var lines = problems.map(\.description)
            if total > problems.count {
                lines.append("\(path): … and \(total - problems.count) more bad rows")
            }
            lines.append("\(path): \(total) bad row\(total == 1 ? "" : "s"); nothing from this file was stored")
            return lines.joined(separator: "\n")
        case let .invalid(message):
            return message
        case let .needsOption(path, _, message):
            return "\(path): \(message)"
        }
    }
}

/// One problem at one place of a file.
public struct LocatedProblem: Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var message: String

    public init(path: String, line: Int, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String { "\(path):\(line): \(message)" }
}
