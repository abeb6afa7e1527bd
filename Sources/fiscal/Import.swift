import ArgumentParser
import FiscalKit
import Foundation

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import files and folders: tidy CSV, wide tables (one row per unit), packages and published documents (text, Word, Excel).",
        discussion: """
            Each file is imported in one transaction: a file with any bad row is \
            rejected whole, every bad row reported as file:line, and the database \
            is left as it was; the other files still import. Importing the same \
            content again changes nothing. Folders are walked recursively: their \
            .csv .txt .docx .xlsx files are imported, in path order, other files \
            listed as skipped. With more than one file or any folder, a summary \
            table follows (file, unit, year, figures, status); --format csv|json|markdown \
            prints only that table. Exit status 1 if any file failed or needs --unit/--year.

              fiscal import county-2023.csv county-2024.csv
              fiscal import inbox/ --units units.csv --format csv
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions
    @OptionGroup var language: LanguageOptions

    @Argument(help: ArgumentHelp("Files and folders to import.", valueName: "path"))
    var files: [String]

    @Option(help: "The unit of every package (overrides the documents and --units).")
    var unit: String?

    @Option(help: "The year of every document (overrides the documents and --units); for a wide table, the year of figures whose year the file does not state.")
    var year: Int?

    @Option(name: .customLong("units"),
            help: ArgumentHelp("A CSV file,unit,year (file: a name or glob) giving unit and year to the packages that do not state them.",
                               valueName: "csv"))
    var unitsFile: String?

    @Flag(name: .long, help: "No per-file lines and no summary table, only errors (--format csv|json|markdown still prints the summary).")
    var quiet = false

    func run() throws {
        let store: FiscalDatabase
        let units: UnitsFile?
        do {
            store = try database.open(readOnly: false)
            units = try unitsFile.map { try UnitsFile(path: $0) }
        } catch { fail(error) }
        let batch = FolderImport(paths: files, importer: Importer(database: store),
                                 options: .init(unit: unit, year: year, units: units))
        for row in batch.unusedUnitsRows {
            printError("\(unitsFile ?? ""):\(row.line): warning: '\(row.pattern)' matches no file")
        }

        // stdout: for the table format, a line per file as it is imported, then
        // the summary when there is more than one file or a folder; for the
        // other formats only the summary. stderr: errors, and progress on a terminal.
        let lines = output.format == .table && !quiet
        let summary = output.format != .table ? true : !quiet && (batch.entries.count > 1 || batch.foldersGiven)
        let terminal = isatty(2) != 0
        let counting = terminal && batch.fileCount > 1
        let width = Self.terminalWidth()
        var current = (index: 0, total: 0, path: "")
        var progressShown = false
        var printedLines = false
        func clearProgress() {
            if progressShown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            progressShown = false
        }
        let outcomes = batch.run(starting: { index, total, path in
            current = (index, total, path)
            if counting {
                let line = FolderImport.progressLine(index: index, total: total, path: path, width: width)
                FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
                progressShown = true
            }
        }, progress: { bytes, total, rows in
            guard terminal, total > 8 << 20 else { return }
            let percent = total > 0 ? bytes * 100 / total : 100
            let text = counting
                ? "\r\u{1B}[K" + FolderImport.progressLine(index: current.index, total: current.total, path: current.path,
                                                             detail: "\(percent)% (\(rows) rows)", width: width)
                : "\r\(current.path): \(percent)% (\(rows) rows)"
            FileHandle.standardError.write(Data(text.utf8))
            progressShown = true
        }, finished: { outcome in
            if let error = outcome.error {
                clearProgress()
                printError(error)
            } else if lines, let result = outcome.summary {
                clearProgress()
                print(ImportReport.line(result))
                printedLines = true
            }
        })
        clearProgress()

        if summary {
            do {
                let table = try FolderImport.table(outcomes, database: store)
                if printedLines { print("") }
                print(table.rendered(as: output.format, language: language.lang), terminator: "")
            } catch { fail(error) }
        }
        let notImported = outcomes.filter(\.status.isFailure).count
        if notImported > 0 {
            let count = batch.fileCount
            printError("fiscal: \(notImported) of \(count) file\(count == 1 ? "" : "s") not imported")
            throw ExitCode(1)
        }
    }

    /// The terminal's columns (stderr's), 80 when it does not say.
    static func terminalWidth() -> Int {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
