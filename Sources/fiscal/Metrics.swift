import ArgumentParser
import FiscalKit
import Foundation

struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The metric catalogue: codes, 中文 names, synonyms, units.",
        discussion: """
            The catalogue is data: copy metrics.csv, add a row or a synonym \
            (separated by |), and load it — no rebuild.

              fiscal metrics
              fiscal metrics load my-metrics.csv
            """,
        subcommands: [List.self, Load.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the catalogue (the default).")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions
        @OptionGroup var language: LanguageOptions

        func run() throws {
            do {
                let store = try database.open(readOnly: true)
                print(try StoreQueries(database: store).metrics().rendered(as: output.format, language: language.lang), terminator: "")
            } catch { fail(error) }
        }
    }

    struct Load: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add metrics and synonyms from a file in the metrics.csv format.")

        @OptionGroup var database: DatabaseOptions

        @Argument(help: "code,unit,name_zh,name_en,synonyms")
        var file: String

        func run() throws {
            do {
                let store = try database.open(readOnly: false)
                let metrics = try MetricCatalog(csv: try readText(file), source: file).metrics
                let result = try store.loadCatalog(metrics, source: file)
                print("\(file): \(result.added) new metrics, \(result.names) new names")
            } catch { fail(error) }
        }
    }
}
