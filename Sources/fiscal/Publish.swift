import ArgumentParser
import FiscalKit
import FiscalPublish
import Foundation

struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the store into a shared PostgreSQL schema that many counties publish into.",
        discussion: """
            Sends only the imports the server lacks (by file hash), one transaction \
            each, by COPY; publishing again changes nothing. Imports this publisher \
            sent earlier that the store no longer holds are retracted. The server's \
            facts and indicators follow the same precedence as the store's \
            (views in the schema: facts, conflicts, indicator_values, indicator_trend).

            The password comes from PGPASSWORD or ~/.pgpass (PGPASSFILE), never \
            from the URL. TLS: ?sslmode=disable|prefer (default)|require|verify-full.

              PGPASSWORD=… fiscal publish --to postgresql://fiscal@db.example:5432/province --publisher 邵阳县
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The server: postgresql://USER@HOST:PORT/DATABASE[?sslmode=…], no password.", valueName: "url"))
    var to: String

    @Option(help: "The schema to publish into (created when missing).")
    var schema: String = "fiscal"

    @Option(help: "Who publishes, stored with every import sent (default: host name and the store's absolute path).")
    var publisher: String?

    func run() async throws {
        do {
            let target = try PostgresTarget(url: to)
            if let warning = target.passwordFileWarning { printError("fiscal: warning: \(warning)") }
            let store = try database.open(readOnly: true)
            let publisher = Publisher(store: store, target: target, schema: schema, label: publisher)
            let summary = try await publisher.publish { event in
                switch event {
                case .published(let path, let observations): print("published \(path): \(observations) observations")
                case .retracted(let path): print("retracted \(path): no longer in the store")
                case .refreshed(let seconds): print("refreshed period_inputs in \(String(format: "%.2f", seconds)) s")
                }
            }
            let place = "\(target) schema \(PostgresScripts.quote(schema))"
            if summary.isNothing {
                print("nothing to publish: all \(summary.local) imports are on \(place)")
            } else {
                print("published \(summary.published) imports (\(summary.observations) observations), retracted \(summary.retracted), "
                      + "\(summary.alreadyThere) already there, to \(place) in \(String(format: "%.2f", summary.seconds)) s")
            }
        } catch { fail(error) }
    }
}
