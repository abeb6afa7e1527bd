import ArgumentParser
import FiscalKit

struct Conflicts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keys whose observations disagree, each value with its source.",
        discussion: """
            Nothing is averaged or dropped: every observation stays stored, and \
            `resolved` marks the value `fiscal facts` shows (precedence rule in \
            schema.sql, view facts). --totals: stated totals against their parts; \
            --reported: indicator values the documents state against the recomputed ones.

              fiscal conflicts --unit 青山镇 --year 2021
              fiscal conflicts --reported --unit 衡山县财政局
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions
    @OptionGroup var language: LanguageOptions

    @OptionGroup var only: FactFilterOptions

    @Flag(help: "Instead: stated totals (三公经费, 公务用车…) whose parts do not add up to them.")
    var totals = false

    @Flag(help: "Instead: values the documents state for indicators (控制率 53%) beside the recomputed ones.")
    var reported = false

    func run() throws {
        do {
            let store = try database.open(readOnly: true)
            let filter = only.filter
            let queries = StoreQueries(database: store)
            if reported {
                print(try queries.reportedTable(filter).rendered(as: output.format, language: language.lang), terminator: "")
                return
            }
            if totals {
                print(try queries.totalsDisagreeing(filter).rendered(as: output.format, language: language.lang), terminator: "")
                return
            }
            if RowStream.streams(output.format) {
                let stream = RowStream(format: output.format, columns: StoreQueries.conflictColumns)
                try queries.conflicts(filter) { stream.write($0) }
                stream.finish()
                return
            }
            print(try queries.conflicts(filter).rendered(as: output.format, language: language.lang), terminator: "")
            if output.format == .table {
                let disagreeing = try queries.totalsDisagreeing(filter).rows.count
                if disagreeing > 0 {
                    print("\n\(disagreeing) stated totals disagree with their parts: fiscal conflicts --totals")
                }
                let differing = try queries.reportedValues(filter).filter { $0.finding == .differs }.count
                if differing > 0 {
                    print("\(differing) values stated for indicators differ from the recomputed ones: fiscal conflicts --reported")
                }
            }
        } catch { fail(error) }
    }
}
