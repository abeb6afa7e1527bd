import ArgumentParser
import FiscalKit
import Foundation

/// glibc's malloc_trim(3), which Swift's Glibc module does not export
/// (malloc.h): looked up by name, a no-op where the C library has none.
private func mallocTrim() {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
    _ = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)(0)
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The leadership's ranked summary as one offline HTML page with charts (and a PDF with --pdf).",
        discussion: """
            One self-contained file — inline SVG charts and CSS, no network, no script — \
            that opens from an e-mail or a USB stick and prints one indicator per A4 page: \
            a cover, per indicator the scope's line over the years, every unit ranked \
            (townships and departments apart) with its change, the best and worst five, \
            the units without figures in one line; data quality; method and sources.

              fiscal report --year 2024 --out report.html
              fiscal report --year 2024 --kind township --pdf report.pdf --out report.html
              fiscal report --year 2024 --indicators three_public,nontax_cost_rate --out r.html
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: "The year.")
    var year: Int

    @OptionGroup var scope: UnitScopeOptions

    @Option(help: ArgumentHelp("Indicator codes or names, comma-separated (default: 三公经费, 七项经费, 非税收入征收成本率, 财政供养比, then the others with figures).", valueName: "a,b"))
    var indicators: String?

    @OptionGroup var language: LanguageOptions

    @Option(help: ArgumentHelp("The HTML file to write.", valueName: "path"))
    var out: String

    @Option(help: ArgumentHelp("Also print it to this PDF with headless Chromium.", valueName: "path"))
    var pdf: String?

    @Option(help: ArgumentHelp("A folder with a report.mustache (and partials) replacing the built-in page.", valueName: "dir"))
    var template: String?

    @Option(name: .customLong("generated-at"),
            help: ArgumentHelp("The cover's generation time (ISO 8601, e.g. 2025-01-15T09:00:00+08:00); default SOURCE_DATE_EPOCH, else now.", valueName: "time"))
    var generatedAt: String?

    func run() throws {
        do {
            let store = try database.open(readOnly: true)
            var options = Report.Options(year: year, region: scope.region, kind: scope.kind,
                                         indicators: (indicators ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
                                             .filter { !$0.isEmpty },
                                         language: language.lang)
            options.generatedAt = try generationTime()
            let context = try Report(database: store).context(options)
            // The pages' queries freed their rows in the threads' malloc arenas;
            // give those pages back before the 40 MB page is rendered, or they
            // count twice in a province's peak (BENCHMARKS.md: 200 → 170 MiB).
            mallocTrim()
            let html = try ReportTemplate.render(context, templateDirectory: template)
            try ReportTemplate.write(html, to: out)
            var written = [out]
            if let pdf {
                try ChromiumPrinter.printPDF(html: out, pdf: pdf)
                written.append(pdf)
            }
            print(written.map { URL(fileURLWithPath: $0).standardizedFileURL.path }.joined(separator: "\n"))
        } catch { fail(error) }
    }

    func generationTime() throws -> Date {
        if let generatedAt {
            guard let date = ISO8601DateFormatter().date(from: generatedAt) else {
                throw ValidationError("--generated-at '\(generatedAt)' is not an ISO 8601 time such as 2025-01-15T09:00:00+08:00")
            }
            return date
        }
        if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = TimeInterval(epoch) {
            return Date(timeIntervalSince1970: seconds)
        }
        return Date()
    }
}
