import ArgumentParser
import FiscalKit
import Foundation

struct DatasetteMetadata: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasette-metadata",
        abstract: "Print Datasette metadata that makes every named query of queries/ a canned query.",
        discussion: """
            Datasette names a database by its file's stem (fiscal.sqlite → fiscal); \
            the metadata is for the database --db names.

              fiscal datasette-metadata > metadata.json
              datasette fiscal.sqlite -m metadata.json
            """
    )

    @Option(name: .long, help: ArgumentHelp("The database file Datasette will open.", valueName: "path"))
    var db: String = FiscalDatabase.defaultPath

    func run() throws {
        do {
            let name = ((db as NSString).lastPathComponent as NSString).deletingPathExtension
            print(try QueryLibrary.embedded.datasetteMetadata(database: name), terminator: "")
        } catch { fail(error) }
    }
}
