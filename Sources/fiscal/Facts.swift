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

    @Option(help: "Only this unit (repeatable).")
    var unit: [String] = []

    @Option(help: "Only this year (repeatable).")
    var year: [Int] = []

    @Option(help: "Only this metric: code or 中文 name (repeatable).")
    var metric: [String] = []

    func run() throws {
        do {
            let store = try database.open(readOnly: true)
            let filter = StoreQueries.FactFilter(units: unit, years: year, metrics: metric)
            print(try StoreQueries(database: store).facts(filter).rendered(as: output.format), terminator: "")
        } catch { fail(error) }
    }
}
