/// A table copied out of a web page one cell per line, blank lines between
/// cells, rebuilt into rows.
///
/// ```
/// 项目        ← the header: headings only (项目, 行次, 金额, 预算数 …)
/// 行次
/// 金额
/// 一、一般公共预算财政拨款收入
/// 1
/// 2,318.64
/// …
/// ```
///
/// An empty cell shows as two more blank lines than the usual gap between
/// cells (``TextCell/gapBefore``), so the cells are placed in columns as they
/// were; a layout whose gaps do not tell (no blank lines, or irregular ones)
/// is left alone. Rows are checked as they are built — a label where a label
/// goes, a whole number under 行次, a value under a figure column — and the
/// table ends at the first row that does not fit.
enum SingleCellTable {
    /// A table found in a run of one-cell rows: its lines above, its rows, and
    /// how many of the run's cells it took from `start`.
    struct Found {
        var title: [TextCell]
        var rows: [[TextCell]]
        var range: Range<Int>
    }

    static let sideWords: Set<String> = ["收入", "支出"]

    /// Tables in `cells` (each the only cell of its row), in order.
    static func find(in cells: [TextCell], context: LabelledTable.Context) -> [Found] {
        var found: [Found] = []
        var index = 0
        while index < cells.count {
            guard let table = table(at: index, in: cells, context: context) else { index += 1; continue }
            found.append(table)
            index = table.range.upperBound
        }
        return found
    }

    /// A column heading: 项目, 行次, a side (收入/支出), or a year and a basis
    /// (2023年决算数, 年初预算数, 金额, 1-9月执行数) — short, no row label (一、…收入).
    static func isHeading(_ text: String) -> Bool {
        var key = TextNormalization.key(text)
        // 栏次 starts the row of column numbers, after the header.
        guard !key.isEmpty, key.count <= 12, key != "栏次", !CellText.isValueCell(text) else { return false }
        if LabelledTable.labelWords.contains(key) || LabelledTable.ordinalWords.contains(key) || sideWords.contains(key) { return true }
        key = key.replacingOccurrences(of: #"^[0-9]{4}年度?"#, with: "", options: .regularExpression)
        key = key.replacingOccurrences(of: #"^(1-[0-9]{1,2}月|上半年|前三季度|一季度|全年|本年|上年|上年同期)"#, with: "", options: .regularExpression)
        return key.isEmpty || ["金额", "决算数", "预算数", "执行数", "年初预算数", "调整预算数", "预算调整数", "全年预算数",
                               "全年执行数", "完成数", "实际数", "本年数", "上年数", "同期", "决算", "预算"].contains(key)
    }

    /// A header of headings starting at `start`, then rows that fit it.
    static func table(at start: Int, in cells: [TextCell], context: LabelledTable.Context) -> Found? {
        guard isHeading(cells[start].text) else { return nil }
        var end = start
        while end < cells.count, isHeading(cells[end].text) { end += 1 }
        var headings = cells[start..<end].map { TextNormalization.key($0.text) }
        var sides: [String] = []
        while let first = headings.first, sideWords.contains(first), headings.count > 2 {
            sides.append(first)
            headings.removeFirst()
        }
        guard headings.count >= 2, LabelledTable.isLabelHeading(headings[0]),
              headings.contains(where: { LabelledTable.basis(of: $0) != nil }) else { return nil }
        // Two sides repeat the headings: 项目 行次 金额 项目 行次 金额.
        let width = headings.count
        if sides.count == 2 {
            guard width % 2 == 0, Array(headings.prefix(width / 2)) == Array(headings.suffix(width / 2)) else { return nil }
        }
        // The usual gap between cells, from the header and what follows it.
        let sample = cells[(start + 1)..<min(cells.count, end + 3 * width)].map(\.gapBefore)
        guard let base = mostCommon(sample), base >= 1 else { return nil }
        var header: [TextCell] = []
        for (offset, heading) in headings.enumerated() {
            header.append(TextCell(text: heading, line: cells[end - width + offset].line, cell: cells[end - width + offset].cell))
        }
        var rows: [[TextCell]] = sides.count == 2
            ? [[TextCell(text: sides[0], line: cells[start].line)] + Array(repeating: TextCell(text: "", line: cells[start].line), count: width / 2 - 1)
               + [TextCell(text: sides[1], line: cells[start].line)] + Array(repeating: TextCell(text: "", line: cells[start].line), count: width / 2 - 1),
               header]
            : [header]
        let columns = LabelledTable.columns(header: rows, width: width, context: context) ?? []
        guard columns.count == width else { return nil }
        // Cells after the header, with the empty ones the gaps show.
        var index = end
        var accepted = end
        var row: [TextCell] = []
        var dataRows = 0
        while index < cells.count {
            let cell = cells[index]
            let extra = cell.gapBefore - base
            guard extra >= 0, extra % 2 == 0 else { break }
            for _ in 0..<(extra / 2) { row.append(TextCell(text: "", line: cell.line)) }
            row.append(cell)
            index += 1
            while row.count >= width {
                let complete = Array(row.prefix(width))
                row.removeFirst(width)
                guard fits(complete, columns: columns) else {
                    return dataRows == 0 ? nil : Found(title: [], rows: rows, range: start..<accepted)
                }
                if !LabelledTable.isNumbering(complete) {
                    rows.append(complete)
                    dataRows += 1
                }
                accepted = index - row.count
            }
        }
        guard dataRows > 0 else { return nil }
        return Found(title: [], rows: rows, range: start..<accepted)
    }

    /// Whether a rebuilt row has each cell where it may stand.
    static func fits(_ row: [TextCell], columns: [LabelledTable.Column]) -> Bool {
        if LabelledTable.isNumbering(row) { return true }
        for (cell, column) in zip(row, columns) {
            let text = TextNormalization.trim(cell.text)
            if text.isEmpty { continue }
            switch column {
            case .label: if CellText.isValueCell(text) { return false }
            case .ordinal: if Int(TextNormalization.key(text)) == nil { return false }
            case .figure: if !CellText.isValueCell(text) { return false }
            case .other, .unknown: continue
            }
        }
        return true
    }

    static func mostCommon(_ values: [Int]) -> Int? {
        var counts: [Int: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        return counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key
    }
}
