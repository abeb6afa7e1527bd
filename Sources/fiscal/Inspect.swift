import ArgumentParser
import FiscalKit

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what importing a package or a wide table would store, and what it could not read; writes nothing.",
        discussion: """
              fiscal inspect hengshan-finance-bureau-2024.txt
              fiscal inspect 乡镇汇总.xlsx
            """
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: FormatOptions
    @OptionGroup var language: LanguageOptions

    @Argument(help: "A package (text, Word, Excel) or a wide table (CSV, Excel).")
    var file: String

    @Option(help: "For a wide table: the year of figures whose year the file does not state (as import --year).")
    var year: Int?

    func run() throws {
        do {
            let store = try database.open(readOnly: true)
            let report = try DocumentInspection.inspect(path: file, catalog: try store.catalog(),
                                                        knownUnit: try Importer.knownUnits(in: store), year: year)
            print(report.heading)
            if !report.identity.rows.isEmpty {
                print(language.lang == .zh ? "\n单位与年度的依据：" : "\nUnit and year, from:")
                print(report.identity.rendered(as: output.format, language: language.lang), terminator: "")
                print("")
            }
            print(report.figures.rendered(as: output.format, language: language.lang), terminator: "")
            if !report.scoringItems.rows.isEmpty {
                let count = report.scoringItems.rows.count
                print(language.lang == .zh ? "\n评分表（\(count) 行）：" : "\nScoring sheet (\(count) rows):")
                print(report.scoringItems.rendered(as: output.format, language: language.lang), terminator: "")
            }
            if !report.projects.rows.isEmpty {
                print(language.lang == .zh ? "\n项目表：" : "\nProject forms:")
                print(report.projects.rendered(as: output.format, language: language.lang), terminator: "")
            }
            if !report.unread.rows.isEmpty {
                let count = report.unread.rows.count
                print(language.lang == .zh ? "\n未能识别（\(count) 行）：" : "\nNot understood (\(count)):")
                print(report.unread.rendered(as: output.format, language: language.lang), terminator: "")
            }
        } catch { fail(error) }
    }
}
