import ArgumentParser
import FiscalKit

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one trend CSV per indicator up to a quarter, and manifest.json.",
        discussion: """
            UTF-8 with a byte-order mark (Excel shows the Chinese), each file \
            written to a temporary name and renamed; the same data and --as-of \
            give byte-identical files. scripts/export-quarterly.sh runs this from cron.

              fiscal export --out exports/2024Q3 --as-of 2024Q3
              fiscal export --out exports/2024Q3 --as-of 2024Q3 --lang zh
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The folder to write (created if needed).")
    var out: String

    @Option(name: .customLong("as-of"), help: "The last quarter, e.g. 2024Q3 (default: the quarter just ended).")
    var asOf: String?

    @Option(help: "en (default): the documented English columns and codes, for scripts; zh: Chinese headers, indicator names and kinds, for Excel/WPS.")
    var lang: Language = .en

    func validate() throws {
        if let asOf, TrendExport.AsOf(asOf) == nil { throw ValidationError("--as-of is a quarter such as 2024Q3") }
    }

    func run() throws {
        do {
            let store = try database.open(readOnly: true)
            let quarter = asOf.flatMap(TrendExport.AsOf.init) ?? .justEnded()
            let files = try TrendExport(database: store).write(to: out, asOf: quarter, language: lang)
            print("\(out): \(files.count) files as of \(quarter), \(files.map(\.rows).reduce(0, +)) rows, manifest.json")
        } catch { fail(error) }
    }
}
