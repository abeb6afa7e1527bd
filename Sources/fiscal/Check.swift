import ArgumentParser
import FiscalKit

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the database file for damage (SQLite's PRAGMA quick_check); exit 1 when damaged.",
        discussion: "  fiscal check --db /data/fiscal.sqlite     (before a backup, or after a crash)"
    )

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        do {
            let store = try database.open(readOnly: true)
            let problems = try store.quickCheck()
            guard problems.isEmpty else {
                printError("fiscal: \(database.db) is damaged (PRAGMA quick_check: \(problems.prefix(3).joined(separator: "; "))). "
                           + "Restore it from a backup (README: \"Backing up\"), or try `sqlite3 \(database.db) .recover | sqlite3 repaired.sqlite`.")
                throw ExitCode(1)
            }
            print("\(database.db): ok (quick_check)")
        } catch let exit as ExitCode {
            throw exit
        } catch { fail(error) }
    }
}
