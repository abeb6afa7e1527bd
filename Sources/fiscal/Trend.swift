import ArgumentParser
import FiscalKit

extension Language: ExpressibleByArgument {}

struct Indicators: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The indicators: code, 中文 name, formula, unit, which direction is better.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    @OptionGroup var language: LanguageOptions

    func run() throws {
        do {
            let store = try database.open(readOnly: true)
            print(try Trends(database: store).indicators(language: language.lang).rendered(as: output.format), terminator: "")
        } catch { fail(error) }
    }
}

struct Trend: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "An indicator over the years, unit by unit, with year-over-year change.",
        discussion: """
            Quarters compare like with like (2024 Q2 with 2023 Q2). A year without \
            an input has no value (—); --explain says why. CSV and JSON columns: \
            unit,region,kind,indicator,year,quarter,value,previous,change,change_rate.

              fiscal trend nontax_cost_rate --kind township --from 2020
              fiscal trend 三公经费 --unit 白仓镇 --format csv
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    @Argument(help: "An indicator code or 中文 name (fiscal indicators), or any metric code.")
    var indicator: String

    @Option(help: "Only this unit (repeatable).")
    var unit: [String] = []

    @OptionGroup var scope: UnitScopeOptions

    @Option(help: "The first year.")
    var from: Int?

    @Option(help: "The last year.")
    var to: Int?

    @Option(help: "0 for the year (default), 1–4 for year to date through that quarter.")
    var quarter = 0

    @OptionGroup var language: LanguageOptions

    @Flag(help: "List why each missing value is missing.")
    var explain = false

    func validate() throws {
        guard (0...4).contains(quarter) else { throw ValidationError("--quarter is 0 (the year) or 1–4") }
    }

    func run() throws {
        do {
            let store = try database.open(readOnly: true)
            let filter = Trends.Filter(units: unit, kind: scope.kind, region: scope.region, from: from, to: to, quarter: quarter)
            let rows = try Trends(database: store).rows(indicator: indicator, filter: filter)
            if RowStream.streams(output.format) {
                // CSV and JSON: each row written as it is formatted, not a second copy of them all.
                let stream = RowStream(format: output.format, columns: Trends.longColumns)
                for row in rows { stream.write(Trends.longCells(row)) }
                stream.finish()
            } else {
                print(Trends.wideTable(rows, language: language.lang).rendered(as: output.format), terminator: "")
            }
            if output.format == .table {
                // A stated value that the inputs do not bear out is said, not hidden (domain.md).
                for value in try StoreQueries(database: store).differingReported(in: rows) {
                    print(value.sentence)
                }
            }
            if explain {
                for row in rows where row.value == nil {
                    print("\(row.unit) \(row.year): \(row.reason ?? "no value")")
                }
            }
        } catch { fail(error) }
    }
}
