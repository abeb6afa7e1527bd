import ArgumentParser
import FiscalKit

struct Facts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Resolved figures: one value per unit, year, quarter, metric and basis.",
        discussion: """
            Values are in the metric's unit (money in 万元), exact. Where files \
            disagree, the value is picked by the precedence rule in schema.sql \
            (view facts); every disagreement stays stored.

              fiscal facts --unit 白仓镇 --year 2023 --format csv
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions
    @OptionGroup var language: LanguageOptions

    @OptionGroup var only: FactFilterOptions

    func run() throws {
        do {
            let store = try database.open(readOnly: true)
            let filter = only.filter
            if RowStream.streams(output.format) {
                // CSV and JSON stream: millions of facts, flat memory.
                let stream = RowStream(format: output.format, columns: StoreQueries.factColumns)
                if output.format == .csv {
                    try StoreQueries(database: store).facts(filter) { stream.writeCSV($0, columns: StoreQueries.factRawColumns) }
                } else {
                    try StoreQueries(database: store).facts(filter) { stream.write($0) }
                }
                stream.finish()
            } else {
                print(try StoreQueries(database: store).facts(filter).rendered(as: output.format, language: language.lang), terminator: "")
            }
        } catch { fail(error) }
    }
}
