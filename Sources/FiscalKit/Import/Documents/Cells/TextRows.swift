/// Splits a text copy of a document into rows of cells.
///
/// Tables come out of Word, Excel and web pages in several shapes, all read here:
/// - **tab-indented blocks** (Word copies, samples/hengshan-finance-bureau-2024.txt):
///   one cell per line, each line starting with a tab, a blank line between
///   rows; a line without the tab inside a block continues the cell above;
/// - **tab-separated rows** (Excel copies): one row per line, cells split at
///   every tab, empty cells kept (`\t8\t\t八、社会保障和就业支出\t36\t…`);
/// - **`|` rows** (web pages, Markdown): `项 目 | 2022年决算数 | … |`, empty
///   cells kept, the outer pipes dropped, `|---|` lines skipped; a line that is
///   one cell and a trailing pipe (`合计 |`) is a row of one cell, and a lone
///   `|` an empty one;
/// - **one cell per line** with blank lines between (HTML copies): each line a
///   row of one cell, with the number of blank lines before it in
///   ``TextCell/gapBefore`` — an empty cell shows as two more blank lines.
///
/// Any other line is a row of one cell: a heading or a paragraph.
enum TextRows {
    static func rows(_ text: String) -> [[TextCell]] {
        var rows: [[TextCell]] = []
        var current: [TextCell] = []
        var inTable = false
        var gap = 0
        var pipeRows: [(index: Int, leading: Bool)] = []
        func close() {
            if !current.isEmpty { rows.append(current) }
            current = []
            inTable = false
        }
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = String(rawLine)
            if line.hasSuffix("\r") { line.removeLast() }
            let number = index + 1
            let trimmed = TextNormalization.trim(line)
            let wordCell = line.hasPrefix("\t") && !line.dropFirst().contains("\t")
            if trimmed.isEmpty && !wordCell {
                close()
                gap += 1
                continue
            }
            defer { gap = 0 }
            if !wordCell, let cells = separatedCells(line, number: number) {
                close()
                if !cells.isEmpty {
                    var row = cells
                    row[0].gapBefore = gap
                    rows.append(row)
                    pipeRows.append((rows.count - 1, leadingPipe(line)))
                }
            } else if wordCell {
                current.append(TextCell(text: trimmed, line: number, gapBefore: current.isEmpty ? gap : 0))
                inTable = true
            } else if inTable, !current.isEmpty {
                current[current.count - 1].text += trimmed   // a cell broken across lines
            } else {
                close()
                rows.append([TextCell(text: trimmed, line: number, gapBefore: gap)])
            }
        }
        close()
        restoreLeadingEmptyCells(&rows, pipeRows: pipeRows)
        return rows
    }

    static func leadingPipe(_ line: String) -> Bool {
        let trimmed = TextNormalization.trim(line)
        return trimmed.hasPrefix("|") || trimmed.hasPrefix("｜")
    }

    /// A leading pipe is Markdown's frame when the table's rows have it;
    /// in an export whose rows start with their label ("一、税收收入 | 401 | …"), a
    /// row that starts with a pipe (" | | 金额 | 占调整预算%") starts with an empty cell.
    static func restoreLeadingEmptyCells(_ rows: inout [[TextCell]], pipeRows: [(index: Int, leading: Bool)]) {
        var start = 0
        while start < pipeRows.count {
            var end = start + 1
            while end < pipeRows.count, pipeRows[end].index == pipeRows[end - 1].index + 1 { end += 1 }
            let group = pipeRows[start..<end]
            // Most rows without the frame: an export, whose framed rows lost their first, empty cell.
            if group.filter({ !$0.leading }).count * 2 >= group.count {
                for row in group where row.leading {
                    let first = rows[row.index][0]
                    rows[row.index].insert(TextCell(text: "", line: first.line, gapBefore: first.gapBefore), at: 0)
                }
            }
            start = end
        }
    }

    /// The cells of a tab-separated or `|` row; nil for any other line.
    static func separatedCells(_ line: String, number: Int) -> [TextCell]? {
        // A tab inside the line (not only the one that indents a Word cell).
        let afterIndent = line.hasPrefix("\t") ? line.dropFirst() : Substring(line)
        if afterIndent.contains("\t") {
            return line.split(separator: "\t", omittingEmptySubsequences: false)
                .map { TextCell(text: TextNormalization.trim($0), line: number) }
        }
        guard line.contains("|") || line.contains("｜") else { return nil }
        var parts = line.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "|" || $0 == "｜" })
            .map { TextNormalization.trim($0) }
        // Markdown's separator row.
        if parts.allSatisfy({ $0.isEmpty || $0.allSatisfy { "-:— ".contains($0) } }) && parts.contains(where: { !$0.isEmpty }) {
            return []
        }
        // A line of pipes only: a merged header's leftovers; a lone pipe is one empty cell.
        if parts.allSatisfy({ $0.isEmpty }) {
            return parts.count == 2 ? [TextCell(text: "", line: number)] : []
        }
        let trimmed = TextNormalization.trim(line)
        if trimmed.hasPrefix("|") || trimmed.hasPrefix("｜") { parts.removeFirst() }
        if trimmed.hasSuffix("|") || trimmed.hasSuffix("｜") { parts.removeLast() }
        return parts.map { TextCell(text: $0, line: number) }
    }
}
