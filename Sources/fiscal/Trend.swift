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
            // Row by row as SQLite reads them (issue 13): CSV and JSON written as
            // each row comes, the table kept as each unit's values by year.
            let stream = RowStream.streams(output.format) ? RowStream(format: output.format, columns: Trends.longColumns) : nil
            var wide = Trends.WideTable()
            var code: String?
            var valued: [StoreQueries.ReportedPeriod] = []
            var missing: [String] = []
            try Trends(database: store).forEachRow(indicator: indicator, filter: filter) { row in
                code = row.indicator
                if let stream { stream.write(Trends.longCells(row)) } else { wide.add(row) }
                if output.format == .table && row.value != nil {
                    valued.append(.init(unitID: row.unitID, year: row.year, quarter: row.quarter))
                }
                if explain && row.value == nil { missing.append("\(row.unit) \(row.year): \(row.reason ?? "no value")") }
            }
            if let stream {
                stream.finish()
            } else {
                print(wide.table(language: language.lang).rendered(as: output.format), terminator: "")
            }
            if output.format == .table, let code {
                // A stated value that the inputs do not bear out is said, not hidden (domain.md).
                for value in try StoreQueries(database: store).differingReported(indicator: code, periods: valued) {
                    print(value.sentence)
                }
            }
            for line in missing { print(line) }
        } catch { fail(error) }
    }
}
