import ArgumentParser
import FiscalKit
import Foundation

@main
struct Fiscal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fiscal",
        abstract: "Departmental expenditure performance data (部门整体支出绩效) in SQLite.",
        discussion: """
            Import yearly figures of budget units into one SQLite file and ask \
            questions across units and years.

              fiscal sample --out sample && fiscal import sample/*.csv
              fiscal units --kind township
              fiscal facts --unit 白仓镇 --year 2023 --format csv
            """,
        subcommands: [Import.self, Inspect.self, Units.self, Facts.self, Conflicts.self, Metrics.self, Indicators.self, Trend.self, Rank.self, Compare.self, SummaryCommand.self, Export.self, Score.self, ReportCommand.self, Backup.self, Check.self, Publish.self, Sample.self, DatasetteMetadata.self]
    )
}

/// Options every command that touches the database takes.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The database file (created on first use).", valueName: "path"))
    var db: String = FiscalDatabase.defaultPath

    func open(readOnly: Bool) throws -> FiscalDatabase {
        openedDatabasePath = db
        return try FiscalDatabase.open(path: db, readOnly: readOnly)
    }
}

/// --unit, --year and --metric of the commands that list figures.
struct FactFilterOptions: ParsableArguments {
    @Option(help: "Only this unit (repeatable).")
    var unit: [String] = []

    @Option(help: "Only this year (repeatable).")
    var year: [Int] = []

    @Option(help: "Only this metric: code or 中文 name (repeatable).")
    var metric: [String] = []

    var filter: StoreQueries.FactFilter { .init(units: unit, years: year, metrics: metric) }
}

/// --kind and --region of the commands that look across units.
struct UnitScopeOptions: ParsableArguments {
    @Option(help: "department, township or other (部门, 乡镇, 其他).")
    var kind: UnitKind?

    @Option(help: "Only units of this region.")
    var region: String?
}

/// --lang of every command that prints a table.
struct LanguageOptions: ParsableArguments {
    @Option(help: "zh or en: headers and names of tables and Markdown (CSV and JSON keep the English column names).")
    var lang: Language = .zh
}

/// The output format option of commands that print tables.
struct FormatOptions: ParsableArguments {
    @Option(name: .long, help: "table, csv, json or markdown.")
    var format: OutputFormat = .table
}

extension OutputFormat: ExpressibleByArgument {}
extension UnitKind: ExpressibleByArgument {
    public init?(argument: String) { self.init(word: argument) }
}

/// Prints an error the way users read them and exits non-zero.
/// The database the command opened, so that SQLite's errors raised later
/// (busy, damaged, disk full) name it. One command per process.
nonisolated(unsafe) var openedDatabasePath: String?

func fail(_ error: Error) -> Never {
    let message = openedDatabasePath.flatMap { DatabaseFault.message(for: error, database: $0) } ?? "\(error)"
    FileHandle.standardError.write(Data("fiscal: \(message)\n".utf8))
    Foundation.exit(1)
}

/// The text of a file the user names (a catalogue or rules CSV), or an error naming it.
func readText(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else { throw FiscalError.file(path, "cannot read the file") }
    return String(decoding: data, as: UTF8.self)
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
