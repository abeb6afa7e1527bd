import ArgumentParser
import FiscalKit
import Foundation

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database, whole and consistent, while others use it (VACUUM INTO).",
        discussion: """
            Safe while imports run: the copy is one snapshot of a committed state. \
            The copy is compacted and needs no -wal file beside it.

              fiscal backup backups/fiscal-2024-12-31.sqlite
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "The copy to write (must not exist).")
    var path: String

    func run() throws {
        do {
            let store = try database.open(readOnly: true)
            try store.backup(to: path)
            print("\(path): a copy of \(database.db)")
        } catch { fail(error) }
    }
}
