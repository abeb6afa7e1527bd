import ArgumentParser
import FiscalKit
import Foundation

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score the sheet's quantitative rows by their rules, beside each unit's self-score.",
        discussion: """
            Rules are data (scoring_rules.csv): `fiscal score rules` lists them, \
            `fiscal score rules load FILE` replaces them when next year's sheet changes.
            A row without points says why in its note; its points are empty, never 0.

              fiscal score --unit 白仓镇 --year 2023
              fiscal score --year 2023 --kind township --format csv
              fiscal rank score_difference --year 2023      (where self-scores are most generous)
            """,
        subcommands: [Show.self, Rules.self],
        defaultSubcommand: Show.self
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One row per unit, year and item, then the unit-year's total (the default).")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions

        @Option(help: "Only this unit (repeatable).")
        var unit: [String] = []

        @Option(help: "Only this year.")
        var year: Int?

        @OptionGroup var scope: UnitScopeOptions
        @OptionGroup var language: LanguageOptions

        func run() throws {
            do {
                let store = try database.open(readOnly: true)
                let filter = Scores.Filter(units: unit, year: year, kind: scope.kind, region: scope.region)
                let lang: Language = output.format == .table || output.format == .markdown ? language.lang : .en
                let table = try Scores(database: store).table(filter, language: lang)
                print(Scores.rendered(table, as: output.format, language: lang), terminator: "")
            } catch { fail(error) }
        }
    }

    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The scoring rules: list them (the default), or load a file that replaces them.",
            subcommands: [List.self, Load.self],
            defaultSubcommand: List.self
        )

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the rules, one row per band.")

            @OptionGroup var database: DatabaseOptions
            @OptionGroup var output: FormatOptions
            @OptionGroup var language: LanguageOptions

            func run() throws {
                do {
                    let store = try database.open(readOnly: true)
                    let lang: Language = output.format == .table || output.format == .markdown ? language.lang : .en
                    print(try Scores(database: store).rules(language: lang).rendered(as: output.format, language: lang), terminator: "")
                } catch { fail(error) }
            }
        }

        struct Load: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Replace the rules with a file in the scoring_rules.csv format (checked whole first).")

            @OptionGroup var database: DatabaseOptions

            @Argument(help: "item,name_zh,sheet_names,indicator,max_points,band,points,times_rate,step,deduction,zero_when,absolute")
            var file: String

            func run() throws {
                do {
                    let csv = try readText(file)
                    let store = try database.open(readOnly: false)
                    let count = try Scores(database: store).loadRules(csv: csv, source: file)
                    print("\(file): \(count) rules loaded (the previous rules replaced)")
                } catch { fail(error) }
            }
        }
    }
}
