import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// Word (.docx) and Excel (.xlsx) packages, read as the rows of cells the
/// text reader understands: a Word table row is a row, a paragraph a row of
/// one cell, an Excel row a row with every column in place.
///
/// Both formats are ZIP archives of XML, so what comes from a user's file is
/// treated as hostile: at most ``maxEntries`` entries, ``maxEntryBytes`` per
/// entry and ``maxTotalBytes`` in all, counted as bytes are inflated (a zip
/// bomb's header can lie); entry paths that are absolute or climb out with
/// `..` are refused; XML that declares a DTD is refused, and external entities
/// are never resolved.
enum OfficeDocument {
    static let maxEntries = 2_000
    static let maxEntryBytes = 64 << 20
    static let maxTotalBytes = 256 << 20

    enum Kind: String { case docx, xlsx }

    /// Which Office format a ZIP archive holds.
    static func kind(path: String) throws -> Kind {
        let archive = try open(path)
        if archive["word/document.xml"] != nil { return .docx }
        if archive["xl/workbook.xml"] != nil { return .xlsx }
        throw FiscalError.file(path, "a ZIP archive that is neither a Word (.docx) nor an Excel (.xlsx) file")
    }

    /// A package's directory (ZIPFoundation's, for the names and declared
    /// sizes) and its bytes (which ``ZipEntryBytes`` inflates, bounded).
    struct Package {
        let archive: Archive
        let file: Data
        subscript(name: String) -> Entry? { archive[name] }
    }

    static func open(_ path: String) throws -> Package {
        let archive: Archive
        let file: Data
        do {
            let url = URL(fileURLWithPath: path)
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
            if size > maxTotalBytes {
                throw FiscalError.file(path, "an Office file of \(size >> 20) MiB, more than the \(maxTotalBytes >> 20) MiB this tool reads; refused")
            }
            file = try Data(contentsOf: url)
            archive = try Archive(url: url, accessMode: .read)
        } catch let error as FiscalError {
            throw error
        } catch {
            throw FiscalError.file(path, "a damaged ZIP/Office file (\(error)); open and save it again as .docx/.xlsx")
        }
        var count = 0
        var declared: UInt64 = 0
        for entry in archive {
            count += 1
            if count > maxEntries { throw FiscalError.file(path, "more than \(maxEntries) entries in the archive; refused") }
            let name = entry.path
            if name.hasPrefix("/") || name.hasPrefix("\\") || name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).contains("..") {
                throw FiscalError.file(path, "the archive entry '\(name)' points outside the archive; refused")
            }
            declared += entry.uncompressedSize
            if entry.uncompressedSize > UInt64(maxEntryBytes) || declared > UInt64(maxTotalBytes) {
                throw FiscalError.file(path, "the archive inflates to more than the \(maxEntryBytes >> 20) MiB per entry / \(maxTotalBytes >> 20) MiB in all this tool reads (a zip bomb?); refused")
            }
        }
        return Package(archive: archive, file: file)
    }

    /// One entry's bytes, with the size cap enforced while inflating.
    static func data(_ name: String, in package: Package, path: String) throws -> Data? {
        guard package[name] != nil else { return nil }
        var data = Data()
        do {
            _ = try ZipEntryBytes.read(name, in: package.file) { chunk in
                data.append(chunk)
                if data.count > maxEntryBytes { throw FiscalError.file(path, "'\(name)' inflates past \(maxEntryBytes >> 20) MiB (a zip bomb?); refused") }
            }
        } catch let error as FiscalError {
            throw error
        } catch {
            throw FiscalError.file(path, "'\(name)' cannot be read (\(error)); the file is damaged — save it again")
        }
        // Anywhere in the part, not only its first 4 KiB: a DOCTYPE may follow a long
        // comment, and libxml2 would then read its declarations.
        if declaresDTD(data) {
            throw FiscalError.file(path, "'\(name)' declares a DTD or entities; refused (external entities are never resolved)")
        }
        return data
    }

    /// Whether the bytes hold `<!DOCTYPE` or `<!ENTITY`, in any letter case.
    static func declaresDTD(_ data: Data) -> Bool {
        let keywords: [[UInt8]] = [Array("DOCTYPE".utf8), Array("ENTITY".utf8)]
        return data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Bool in
            let count = bytes.count
            var index = 0
            while index + 1 < count {
                if bytes[index] == 0x3C && bytes[index + 1] == 0x21 {       // "<!"
                    for keyword in keywords where index + 2 + keyword.count <= count {
                        if keyword.indices.allSatisfy({ bytes[index + 2 + $0] & 0xDF == keyword[$0] }) { return true }
                    }
                }
                index += 1
            }
            return false
        }
    }

    /// The deepest nesting of XML elements read. Word and Excel write a few dozen
    /// levels; thousands are an attack on the parser's stack, not a document.
    static let maxDepth = 256

    static func parse(_ data: Data, name: String, path: String, with delegate: XMLParserDelegate) throws {
        // Foundation's XMLParser traps (the process dies) on an element name that
        // is not valid UTF-8, which libxml2 passes on (found by scripts/fuzz.sh;
        // Fixtures/fuzz/office). Office writes UTF-8, or UTF-16 with a mark.
        let utf16 = data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF])
        if !utf16 && String(validating: data, as: UTF8.self) == nil {
            throw FiscalError.file(path, "'\(name)' is not valid UTF-8 XML; save the file again")
        }
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        let guarded = DepthGuard(delegate)
        parser.delegate = guarded
        let parsed = parser.parse()
        if guarded.tooDeep {
            throw FiscalError.file(path, "'\(name)' nests its XML deeper than \(maxDepth) elements; not a document this tool reads")
        }
        if !parsed {
            throw FiscalError.file(path, "'\(name)' is not well-formed XML (\(parser.parserError.map { "\($0)" } ?? "unknown error")); save the file again")
        }
    }

    /// Passes the reader's events on, counting the depth; stops the parser past ``maxDepth``.
    final class DepthGuard: NSObject, XMLParserDelegate {
        let inner: XMLParserDelegate
        var depth = 0
        var tooDeep = false

        init(_ inner: XMLParserDelegate) { self.inner = inner }

        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            depth += 1
            if depth > OfficeDocument.maxDepth {
                tooDeep = true
                parser.abortParsing()
                return
            }
            inner.parser(parser, didStartElement: element, namespaceURI: namespaceURI, qualifiedName: qualifiedName, attributes: attributes)
        }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            depth -= 1
            inner.parser(parser, didEndElement: element, namespaceURI: namespaceURI, qualifiedName: qualifiedName)
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            inner.parser(parser, foundCharacters: string)
        }
    }

    // MARK: - Word

    static func docxRows(path: String) throws -> [[TextCell]] {
        let archive = try open(path)
        guard let data = try data("word/document.xml", in: archive, path: path) else {
            throw FiscalError.file(path, "no word/document.xml: not a Word document")
        }
        let reader = WordBodyReader()
        try parse(data, name: "word/document.xml", path: path, with: reader)
        return reader.rows
    }

    /// Tables (w:tbl/w:tr/w:tc, with w:gridSpan) and paragraphs (w:p/w:t) of a Word body.
    final class WordBodyReader: NSObject, XMLParserDelegate {
        var rows: [[TextCell]] = []
        private var tableDepth = 0
        private var tableIndex = 0
        private var rowIndex = 0
        private var paragraphIndex = 0
        private var row: [TextCell] = []
        private var cellText = ""
        private var paragraphText = ""
        private var inText = false
        private var span = 1

        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            switch element {
            case "w:tbl":
                tableDepth += 1
                if tableDepth == 1 { tableIndex += 1; rowIndex = 0 }
            case "w:tr" where tableDepth == 1:
                rowIndex += 1
                row = []
            case "w:tc" where tableDepth == 1:
                cellText = ""
                span = 1
            case "w:gridSpan":
                span = Int(attributes["w:val"] ?? "1") ?? 1
            case "w:p":
                paragraphText = ""
            case "w:t":
                inText = true
            case "w:tab":
                paragraphText += " "
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inText { paragraphText += string }
        }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            switch element {
            case "w:t":
                inText = false
            case "w:p":
                if tableDepth > 0 {
                    cellText += paragraphText              // a cell broken into paragraphs is one cell
                } else {
                    paragraphIndex += 1
                    let text = TextNormalization.trim(paragraphText)
                    if !text.isEmpty { rows.append([TextCell(text: text, line: 0, cell: "paragraph \(paragraphIndex)")]) }
                }
            case "w:tc" where tableDepth == 1:
                let location = "table \(tableIndex) row \(rowIndex) cell \(row.count + 1)"
                row.append(TextCell(text: TextNormalization.trim(cellText), line: 0, cell: location))
                for _ in 1..<max(span, 1) {                  // a merged cell keeps the columns after it in place
                    row.append(TextCell(text: "", line: 0, cell: "table \(tableIndex) row \(rowIndex) cell \(row.count + 1)"))
                }
            case "w:tr" where tableDepth == 1:
                if row.contains(where: { !$0.text.isEmpty }) || !row.isEmpty { rows.append(row) }
            case "w:tbl":
                tableDepth -= 1
            default:
                break
            }
        }
    }

    // MARK: - Excel

    /// The rows of every sheet as one package: a sheet whose cells name no
    /// part (基础数据表, 自评表) gets its name as a title row first.
    static func xlsxRows(path: String) throws -> [[TextCell]] {
        packageRows(try xlsxSheets(path: path))
    }

    /// ``xlsxSheets(path:)`` as one package (see ``xlsxRows(path:)``).
    static func packageRows(_ sheets: [CellSheet]) -> [[TextCell]] {
        var rows: [[TextCell]] = []
        for sheet in sheets {
            let name = sheet.name ?? ""
            // The sheet name is the title when no cell says which part this is.
            let titled = sheet.rows.contains { $0.contains { $0.text.contains("基础数据表") || $0.text.contains("自评表") } }
            if !titled { rows.append([TextCell(text: name, line: 0, cell: "\(name)!")]) }
            rows += sheet.rows
        }
        return rows
    }

    /// Every sheet of a workbook, in the workbook's order, with its name, its
    /// rows (every column in place, cells named `Sheet!C5`) and merged cells.
    static func xlsxSheets(path: String) throws -> [CellSheet] {
        let archive = try open(path)
        var shared: [String] = []
        if let data = try data("xl/sharedStrings.xml", in: archive, path: path) {
            let reader = SharedStringsReader()
            try parse(data, name: "xl/sharedStrings.xml", path: path, with: reader)
            shared = reader.strings
        }
        guard let workbook = try data("xl/workbook.xml", in: archive, path: path) else {
            throw FiscalError.file(path, "no xl/workbook.xml: not an Excel workbook")
        }
        let sheets = SheetListReader()
        try parse(workbook, name: "xl/workbook.xml", path: path, with: sheets)
        let styles = StyleReader()
        if let data = try data("xl/styles.xml", in: archive, path: path) {
            try parse(data, name: "xl/styles.xml", path: path, with: styles)
        }
        let relations = RelationshipReader()
        if let data = try data("xl/_rels/workbook.xml.rels", in: archive, path: path) {
            try parse(data, name: "xl/_rels/workbook.xml.rels", path: path, with: relations)
        }
        var result: [CellSheet] = []
        for (index, sheet) in sheets.sheets.enumerated() {
            var target = relations.targets[sheet.relation] ?? "worksheets/sheet\(index + 1).xml"
            if target.hasPrefix("/") { target.removeFirst() } else { target = "xl/" + target }
            guard let data = try data(target, in: archive, path: path) else { continue }
            let reader = SheetReader(sheetName: sheet.name, shared: shared, percentStyles: styles.percentStyles)
            try parse(data, name: target, path: path, with: reader)
            let dense = reader.denseRows()
            result.append(CellSheet(name: sheet.name, rows: dense.rows, rowNumbers: dense.numbers, merges: reader.merges))
        }
        return result
    }

    /// Which cell styles show a number as a percentage: Excel keeps 97.62% as 0.9762.
    final class StyleReader: NSObject, XMLParserDelegate {
        private var customFormats: [Int: String] = [:]
        private var formatOfStyle: [Int] = []
        private var inCellFormats = false

        var percentStyles: Set<Int> {
            Set(formatOfStyle.enumerated().filter { _, format in
                format == 9 || format == 10 || (customFormats[format]?.contains("%") ?? false)
            }.map(\.offset))
        }

        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch element {
            case "numFmt":
                if let id = attributes["numFmtId"].flatMap(Int.init) { customFormats[id] = attributes["formatCode"] ?? "" }
            case "cellXfs":
                inCellFormats = true
            case "xf" where inCellFormats:
                formatOfStyle.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            if element == "cellXfs" { inCellFormats = false }
        }
    }

    final class SharedStringsReader: NSObject, XMLParserDelegate {
        var strings: [String] = []
        private var current = ""
        private var inText = false
        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if element == "si" { current = "" }
            if element == "t" { inText = true }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }
        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            if element == "t" { inText = false }
            if element == "si" { strings.append(current) }
        }
    }

    final class SheetListReader: NSObject, XMLParserDelegate {
        var sheets: [(name: String, relation: String)] = []
        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if element == "sheet" { sheets.append((attributes["name"] ?? "Sheet\(sheets.count + 1)", attributes["r:id"] ?? "")) }
        }
    }

    final class RelationshipReader: NSObject, XMLParserDelegate {
        var targets: [String: String] = [:]
        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if element == "Relationship", let id = attributes["Id"], let target = attributes["Target"] { targets[id] = target }
        }
    }

    /// Cells of one worksheet by reference (B3), then rows with every column
    /// in place: Excel leaves empty cells out, and the table reader counts columns.
    final class SheetReader: NSObject, XMLParserDelegate {
        let sheetName: String
        let shared: [String]
        let percentStyles: Set<Int>
        private var cells: [Int: [Int: String]] = [:]
        /// `<mergeCell ref="B1:D1"/>`: the text is in the first cell only.
        private(set) var merges: [CellSheet.Merge] = []
        private var reference = ""
        private var type = ""
        private var style = 0
        private var value = ""
        private var inValue = false

        init(sheetName: String, shared: [String], percentStyles: Set<Int>) {
            self.sheetName = sheetName
            self.shared = shared
            self.percentStyles = percentStyles
        }

        func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch element {
            case "c":
                reference = attributes["r"] ?? ""
                type = attributes["t"] ?? ""
                style = attributes["s"].flatMap(Int.init) ?? 0
                value = ""
            case "v", "t":
                inValue = true
            case "mergeCell":
                let corners = (attributes["ref"] ?? "").split(separator: ":").compactMap { Self.position(String($0)) }
                if corners.count == 2 {
                    merges.append(CellSheet.Merge(rows: min(corners[0].1, corners[1].1)...max(corners[0].1, corners[1].1),
                                                  columns: min(corners[0].0, corners[1].0)...max(corners[0].0, corners[1].0)))
                }
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { if inValue { value += string } }

        func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
            switch element {
            case "v", "t":
                inValue = false
            case "c":
                guard let (column, row) = Self.position(reference) else { return }
                var text = value
                if type == "s", let index = Int(value), index < shared.count { text = shared[index] }
                if type.isEmpty || type == "n" {
                    text = Self.decimalText(value)
                    if percentStyles.contains(style), let fraction = PlainDecimal(text), let e6 = fraction.scaled(by: 2) {
                        text = ExactValue(e6: e6).description + "%"      // exact: a shift of the decimal point
                    }
                }
                cells[row, default: [:]][column] = text
            default:
                break
            }
        }

        /// "B3" → (1, 3).
        static func position(_ reference: String) -> (Int, Int)? {
            var column = 0
            var digits = ""
            for character in reference {
                if let ascii = character.asciiValue, (65...90).contains(ascii) {
                    column = column * 26 + Int(ascii - 64)
                } else {
                    digits.append(character)
                }
            }
            guard column > 0, let row = Int(digits) else { return nil }
            return (column - 1, row)
        }

        static func columnName(_ index: Int) -> String { CellSheet.columnName(index) }

        /// Excel stores numbers as binary doubles ("27.260000000000002"): the
        /// figures have at most six decimals, so round to six and drop zeros.
        static func decimalText(_ stored: String) -> String {
            guard let dot = stored.firstIndex(of: "."), stored.distance(from: dot, to: stored.endIndex) > 7,
                  !stored.contains("E"), !stored.contains("e"), let double = Double(stored) else { return stored }
            return ExactValue(e6: Int64((double * 1_000_000).rounded())).description
        }

        /// The rows that have cells, in order, each with every column up to the
        /// sheet's last, and their row numbers.
        func denseRows() -> (rows: [[TextCell]], numbers: [Int]) {
            guard let lastColumn = cells.values.flatMap(\.keys).max() else { return ([], []) }
            let numbers = cells.keys.sorted()
            let rows = numbers.map { row in
                (0...lastColumn).map { column in
                    TextCell(text: TextNormalization.trim(cells[row]?[column] ?? ""), line: 0,
                             cell: "\(sheetName)!\(Self.columnName(column))\(row)")
                }
            }
            return (rows, numbers)
        }
    }
}
