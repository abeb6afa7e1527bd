import ArgumentParser
import FiscalKit
import Foundation

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a synthetic county's tidy CSVs (SYNTHETIC data, for demos and tests).",
        discussion: """
              fiscal sample --out sample --seed 7 && fiscal import sample/*.csv
              fiscal sample --out province --counties 186    (10,044 units: the benchmark's province)
            """
    )

    @Option(help: "The folder to write into (created if needed).")
    var out: String

    @Option(help: "The random seed; the same seed gives the same files.")
    var seed: UInt64 = 2024

    @Option(help: "Write a province of this many counties (54 units each) instead of one county.")
    var counties: Int?

    func validate() throws {
        if let counties, !(1...1600).contains(counties) { throw ValidationError("--counties must be between 1 and 1600") }
    }

    func run() throws {
        do {
            let files = try counties.map { try SampleProvince(counties: $0, seed: seed).write(to: out) }
                ?? SampleCounty(seed: seed).write(to: out)
            for file in files { print(file) }
        } catch { fail(error) }
    }
}
