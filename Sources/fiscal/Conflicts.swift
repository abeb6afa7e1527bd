import ArgumentParser
import FiscalKit

struct Conflicts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keys whose observations disagree, each value with its source.",
        discussion: """
            Nothing is averaged or dropped: every observation stays stored, and \
            `resolved` marks the value `fiscal facts` shows (precedence rule in \
            schema.sql, view facts).

              fiscal conflicts --unit 青山镇 --year 2021
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions
    @OptionGroup var language: LanguageOptions

    @OptionGroup var only: FactFilterOptions

    @Flag(help: "Instead: stated totals (三公经费, 公务用车…) whose parts do not add up to them.")
    var totals = false

    func run() throws {
        do {
            let store = try database.open(readOnly: true)
            let filter = only.filter
            let queries = StoreQueries(database: store)
            if totals {
                print(try queries.totalsDisagreeing(filter).rendered(as: output.format, language: language.lang), terminator: "")
                return
            }
            print(try queries.conflicts(filter).rendered(as: output.format, language: language.lang), terminator: "")
            if output.format == .table {
                let disagreeing = try queries.totalsDisagreeing(filter).rows.count
                if disagreeing > 0 {
                    print("\n\(disagreeing) stated totals disagree with their parts: fiscal conflicts --totals")
                }
            }
        } catch { fail(error) }
    }
}
