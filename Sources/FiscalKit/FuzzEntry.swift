import Foundation

/// The readers on raw bytes, without a database, for the fuzz targets
/// (Sources/FiscalFuzz, scripts/fuzz.sh). A reader may refuse any input with an
/// error; it must never crash, hang or run out of memory.
public enum FuzzEntry {
    public static let targets = ["csv", "text", "narrative", "office"]

    static let catalog = MetricCatalog.embedded()

    public static func run(_ target: String, _ bytes: [UInt8]) {
        switch target {
        case "csv": csv(bytes)
        case "text": _ = DocumentReader.read(String(decoding: bytes, as: UTF8.self), catalog: catalog)
        case "narrative":
            // Prose under a package report's title and a heading, where the narrative rules read it.
            let text = "2023年度示例县白仓镇部门整体支出绩效自评报告\n一、部门基本情况\n" + String(decoding: bytes, as: UTF8.self)
            _ = DocumentReader.read(text, catalog: catalog)
        case "office": office(bytes)
        default: preconditionFailure("unknown fuzz target \(target): \(targets.joined(separator: ", "))")
        }
    }

    /// The record reader, the tidy header and every field read as a figure.
    static func csv(_ bytes: [UInt8]) {
        var pending: [UInt8]? = bytes
        let reader = CSVRecordReader { defer { pending = nil }; return pending ?? [] }
        var first = true
        while (try? reader.next()) == true {
            let fields = (0..<reader.fieldCount).map { reader.string(at: $0) ?? "" }
            if first { _ = try? TidyCSVHeader(fields: fields, path: "fuzz.csv"); first = false }
            for field in fields {
                _ = FigureText.read(field, unit: "万元")
                _ = FigureText.read(field, unit: "人")
            }
        }
    }

    /// A .docx or .xlsx: the archive's checks, then its rows of cells and the document reader.
    static func office(_ bytes: [UInt8]) {
        let path = NSTemporaryDirectory() + "fiscal-fuzz-\(getpid()).zip"
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
        defer { try? FileManager.default.removeItem(atPath: path) }
        switch try? OfficeDocument.kind(path: path) {
        case .docx?:
            if let rows = try? OfficeDocument.docxRows(path: path) { _ = DocumentReader.read(rows: rows, catalog: catalog) }
        case .xlsx?:
            if let sheets = try? OfficeDocument.xlsxSheets(path: path) {
                _ = DocumentReader.read(rows: OfficeDocument.packageRows(sheets), catalog: catalog)
            }
        case nil:
            break
        }
    }
}
