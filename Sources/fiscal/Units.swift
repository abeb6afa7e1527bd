import ArgumentParser
import FiscalKit
import Foundation

struct Units: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List budget units: region, kind, years covered, figure count.",
        discussion: """
              fiscal units --kind township
              fiscal units alias 白仓镇政府 邵阳县白仓镇人民政府
            """,
        subcommands: [List.self, Alias.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List units (the default).")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var output: FormatOptions
        @OptionGroup var language: LanguageOptions

        @Option(help: "department, township or other (部门, 乡镇, 其他).")
        var kind: UnitKind?

        @Option(help: "Only units of this region.")
        var region: String?

        func run() throws {
            do {
                let store = try database.open(readOnly: true)
                if RowStream.streams(output.format) {
                    let stream = RowStream(format: output.format, columns: StoreQueries.unitColumns)
                    try StoreQueries(database: store).units(kind: kind, region: region) { stream.write($0) }
                    stream.finish()
                } else {
                    print(try StoreQueries(database: store).units(kind: kind, region: region).rendered(as: output.format, language: language.lang), terminator: "")
                }
            } catch { fail(error) }
        }
    }

    struct Alias: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make ALIAS another name of UNIT.",
            discussion: "  fiscal units alias 白仓镇政府 邵阳县白仓镇人民政府"
        )

        @OptionGroup var database: DatabaseOptions

        @Argument(help: "The other name.")
        var alias: String

        @Argument(help: "A name the unit already resolves by.")
        var unit: String

        func run() throws {
            do {
                let store = try database.open(readOnly: false)
                let target = try store.queue.write { try UnitDirectory.addAlias(alias, for: unit, in: $0) }
                print("\(alias) → \(target.name)")
            } catch { fail(error) }
        }
    }
}
