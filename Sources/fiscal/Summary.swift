import ArgumentParser
import FiscalKit

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "For leadership: best and worst five on 三公经费, 七项经费, 非税收入征收成本率, 财政供养比, 预算执行率, and who lacks data.",
        discussion: """
            三公经费 and 七项经费 rank by growth (lower first), 非税收入征收成本率 by \
            value (lower first), 财政供养比 and 预算执行率 by value (higher first).

              fiscal summary --year 2024 --kind township
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    @Option(help: "The year.")
    var year: Int

    @OptionGroup var scope: UnitScopeOptions

    @OptionGroup var language: LanguageOptions

    func run() throws {
        do {
            let store = try database.open(readOnly: true)
            let headers: Language = output.format == .table || output.format == .markdown ? language.lang : .en
            let table = try Summary(database: store).summary(year: year, filter: .init(kind: scope.kind, region: scope.region), language: headers,
                                                             collapseMissing: output.format == .table || output.format == .markdown)
            print(table.rendered(as: output.format), terminator: "")
        } catch { fail(error) }
    }
}

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Every indicator of some units side by side, with its change.",
        discussion: "  fiscal compare 白仓镇 青山镇 --year 2023"
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions

    @Argument(help: "Two or more units.")
    var units: [String]

    @Option(help: "The year (default: the latest with a value).")
    var year: Int?

    @OptionGroup var language: LanguageOptions

    func validate() throws {
        guard !units.isEmpty else { throw ValidationError("name at least one unit") }
    }

    func run() throws {
        do {
            let store = try database.open(readOnly: true)
            let long = output.format == .csv || output.format == .json
            print(try Summary(database: store).compare(units: units, year: year, language: language.lang, long: long)
                    .rendered(as: output.format), terminator: "")
        } catch { fail(error) }
    }
}
