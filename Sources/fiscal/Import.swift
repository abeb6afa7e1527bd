import ArgumentParser
import FiscalKit
import Foundation

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import files of figures: tidy CSV (unit, year, metric, value …), a package (text, Word, Excel) or a wide table (one row per unit).",
        discussion: """
            Each file is imported in one transaction: a file with any bad row is \
            rejected whole, every bad row reported as file:line, and the database \
            is left as it was; the other files still import. Importing the same \
            content again changes nothing. Exit status 1 if any file failed.

              fiscal import county-2023.csv county-2024.csv
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Files to import.", valueName: "file"))
    var files: [String]

    @Option(help: "The unit of a package that does not name it (overrides the document).")
    var unit: String?

    @Option(help: "The year of a package that does not state it (overrides the document); for a wide table, the year of figures whose year the file does not state.")
    var year: Int?

    @Flag(name: .long, help: "No per-file summary, only errors.")
    var quiet = false

    func run() throws {
        let store: FiscalDatabase
        do { store = try database.open(readOnly: false) } catch { fail(error) }
        let importer = Importer(database: store)
        var failed = 0
        for file in files {
            let showsProgress = isatty(2) != 0
            do {
                let summary = try importer.importFile(path: file, unit: unit, year: year) { bytes, total, rows in
                    guard showsProgress, total > 8 << 20 else { return }
                    let percent = total > 0 ? bytes * 100 / total : 100
                    FileHandle.standardError.write(Data("\r\(file): \(percent)% (\(rows) rows)".utf8))
                }
                if showsProgress && summary.rows >= 100_000 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                if !quiet { print(ImportReport.line(summary)) }
            } catch {
                failed += 1
                printError("\(error)")
            }
        }
        if failed > 0 {
            printError("fiscal: \(failed) of \(files.count) file\(files.count == 1 ? "" : "s") not imported")
            throw ExitCode(1)
        }
    }
}
