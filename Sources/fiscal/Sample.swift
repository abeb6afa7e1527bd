import ArgumentParser
import FiscalKit
import Foundation

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic county's tidy CSVs (SYNTHETIC data, for demos and tests).",
        discussion: "  fiscal sample --out sample --seed 7 && fiscal import sample/*.csv"
    )

    @Option(help: "The folder to write into (created if needed).")
    var out: String

    @Option(help: "The random seed; the same seed gives the same files.")
    var seed: UInt64 = 2024

    func run() throws {
        do {
            let files = try SampleCounty(seed: seed).write(to: out)
            for file in files { print(file) }
        } catch { fail(error) }
    }
}
