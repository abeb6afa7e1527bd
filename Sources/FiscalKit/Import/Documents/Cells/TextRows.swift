/// Splits a text copy of a document into rows of cells.
///
/// Word tables arrive as blocks of lines separated by blank lines, one cell
/// per line, cells indented by a tab (samples/hengshan-finance-bureau-2024.txt);
/// some units' tables carry an extra blank column (samples/baicang-town-2023.txt);
/// a line without the tab inside a block continues the cell above. Any other
/// line is a row of one cell.
enum TextRows {
    /// Splits text into rows of cells (see the type's discussion).
    static func rows(_ text: String) -> [[TextCell]] {
        var rows: [[TextCell]] = []
        var current: [TextCell] = []
        var inTable = false
        func close() {
            if !current.isEmpty { rows.append(current) }
            current = []
            inTable = false
        }
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = String(rawLine)
            if line.hasSuffix("\r") { line.removeLast() }
            let number = index + 1
            if line.hasPrefix("\t") {
                current.append(TextCell(text: TextNormalization.trim(line), line: number))
                inTable = true
            } else if TextNormalization.trim(line).isEmpty {
                close()
            } else if inTable, !current.isEmpty {
                current[current.count - 1].text += TextNormalization.trim(line)   // a cell broken across lines
            } else {
                close()
                rows.append([TextCell(text: TextNormalization.trim(line), line: number)])
            }
        }
        close()
        return rows
    }
}
