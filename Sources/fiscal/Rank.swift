import ArgumentParser
import FiscalKit

extension Trends.RankBy: ExpressibleByArgument {}

struct Rank: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rank units on an indicator in one year (ties share a rank: 1, 2, 2, 4).",
        discussion: """
            The default direction comes from the indicator: lower first when lower \
            is better (三公经费, its growth), else higher first. Units without a \
            value are listed after the ranked ones, without a rank.

              fiscal rank three_public --year 2024 --by change_rate --kind department
              fiscal rank nontax_cost_rate --year 2023 --top 5 --format csv
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    @Argument(help: "An indicator code or 中文 name, or any metric code.")
    var indicator: String

    @Option(help: "The year.")
    var year: Int

    @Option(help: "value, change or change_rate.")
    var by: Trends.RankBy = .value

    @Flag(help: "Lowest first.")
    var asc = false

    @Flag(help: "Highest first.")
    var desc = false

    @Option(help: "Only the first N ranks.")
    var top: Int?

    @OptionGroup var scope: UnitScopeOptions

    @Option(help: "0 for the year (default), 1–4 for year to date.")
    var quarter = 0

    @OptionGroup var language: LanguageOptions

    func validate() throws {
        if asc && desc { throw ValidationError("--asc and --desc exclude each other") }
        if let top, top < 1 { throw ValidationError("--top takes a positive number") }
    }

    func run() throws {
        do {
            let store = try database.open(readOnly: true)
            let trends = Trends(database: store)
            let lowerIsBetter = try trends.defaultAscending(indicator: indicator)
            let ascending = asc || (!desc && lowerIsBetter)
            let filter = Trends.Filter(kind: scope.kind, region: scope.region, quarter: quarter)
            var ranked = Trends.ranked(try trends.rowsOfYear(indicator: indicator, year: year, filter: filter),
                                       by: by, ascending: ascending)
            if let top { ranked = ranked.filter { ($0.rank ?? .max) <= top } }
            if output.format == .table || output.format == .markdown {
                let way = ascending ? (language.lang == .zh ? "从低到高" : "lowest first") : (language.lang == .zh ? "从高到低" : "highest first")
                let measure = language.lang == .zh ? ["value": "数值", "change": "变化", "change_rate": "变化率"][by.rawValue]! : by.rawValue
                print("\(indicator) \(year) — \(language.lang == .zh ? "按" : "by ")\(measure) \(way)")
            }
            let table = Trends.rankTable(ranked, language: output.format == .table || output.format == .markdown ? language.lang : .en)
            print(table.rendered(as: output.format), terminator: "")
        } catch { fail(error) }
    }
}
