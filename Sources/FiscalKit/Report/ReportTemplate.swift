import Foundation
import Mustache

/// The report's page: templates/report.mustache, embedded in the binary, or a
/// bureau's own from `--template DIR` (its report.mustache, and any other
/// .mustache files there as partials `{{> name}}`).
public enum ReportTemplate {
    public static var embedded: String { String(decoding: PackageResources.report_mustache, as: UTF8.self) }

    /// The HTML of a report context.
    /// Writes the page beside `path` and renames it over (a reader never
    /// sees half a report), from the string's own bytes: a province's page is
    /// 40 MB, and a copy of it as Data put the report over its memory budget.
    public static func write(_ html: String, to path: String) throws {
        var text = html
        do {
            try TrendExport.replace(path, hashing: false) { sink in text.withUTF8 { sink(UnsafeRawBufferPointer($0)) } }
        } catch let error as FiscalError {
            throw FiscalError.file(path, "cannot write the report: \(error)")
        }
    }

    public static func render(_ context: [String: Any], templateDirectory: String? = nil) throws -> String {
        var library = MustacheLibrary()
        var main = embedded
        if let directory = templateDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw FiscalError.file(directory, "--template needs a folder holding report.mustache")
            }
            let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".mustache") }.sorted()
            guard names.contains("report.mustache") else {
                throw FiscalError.file(directory, "no report.mustache in the template folder (`fiscal report --print-template` shows the built-in one)")
            }
            for name in names {
                let path = (directory as NSString).appendingPathComponent(name)
                guard let data = FileManager.default.contents(atPath: path) else { throw FiscalError.file(path, "cannot read the file") }
                let text = String(decoding: data, as: UTF8.self)
                if name == "report.mustache" { main = text; continue }
                do {
                    try library.register(text, named: String(name.dropLast(".mustache".count)))
                } catch {
                    throw FiscalError.file(path, "not a valid Mustache template: \(error)")
                }
            }
        }
        do {
            try library.register(main, named: "report")
        } catch {
            throw FiscalError.file(templateDirectory.map { ($0 as NSString).appendingPathComponent("report.mustache") } ?? "report.mustache",
                                   "not a valid Mustache template: \(error)")
        }
        guard let html = library.render(context, withTemplate: "report") else {
            throw FiscalError.invalid("the report template did not render")
        }
        return html
    }
}

/// Prints an HTML file to PDF with headless Chromium, when it is installed.
public enum ChromiumPrinter {
    public static let candidates = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    public static func executable() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in candidates {
            for folder in path.split(separator: ":") {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    public static let installHint = "headless Chromium is needed for --pdf: on Debian/Ubuntu `apt-get install chromium fonts-noto-cjk` (the fonts for Chinese); or open the HTML in a browser and print it"

    /// Prints `html` to `pdf` (A4, as the page's print CSS says; no header or footer).
    public static func printPDF(html: String, pdf: String) throws {
        guard let chromium = executable() else { throw FiscalError.invalid(installHint) }
        let htmlURL = URL(fileURLWithPath: html).standardizedFileURL
        let pdfPath = URL(fileURLWithPath: pdf).standardizedFileURL.path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                             "--print-to-pdf=\(pdfPath)", htmlURL.absoluteString]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // Chromium prints a harmless dbus line on stderr in containers: judge by the exit status and the file.
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: pdfPath) else {
            throw FiscalError.file(pdf, "Chromium could not print the report (exit \(process.terminationStatus)): "
                                   + String(decoding: stderr, as: UTF8.self).suffix(400))
        }
    }
}
