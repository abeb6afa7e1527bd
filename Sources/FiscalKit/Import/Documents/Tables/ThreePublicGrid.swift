/// The "三公" table of the 部门决算 template laid out across (公开07表): one
/// row of values under a header that names the expenses as columns, often
/// with the column numbers 1 … 12 (栏次) between.
///
/// ```
///        预算数                                   决算数
/// 合计 | 因公出国（境）费 | 公务用车购置及运行费 | 公务接待费 | 合计 | …
///                         小计 | 购置费 | 运行费
/// 1 … 12
/// 3.50 | 0.00 | 2.00 | 0.00 | 2.00 | 1.50 | 2.36 | 0.00 | 1.48 | 0.00 | 1.48 | 0.88
/// ```
///
/// The values are placed by the header's order of the expenses (合计, 因公出国,
/// 公务用车 with its 小计/购置/运行, 公务接待) in each block (预算数, 决算数), and
/// stored only when every block adds up: 合计 = 出国 + 用车 + 接待 and 用车 = 购置 +
/// 运行. A table whose cells vanished (8 values under 12 columns) or do not
/// add up is listed as not understood.
enum ThreePublicGrid {
    enum Leaf: String {
        case total = "three_public_total", overseas = "overseas_travel", vehicle = "vehicle_total"
        case purchase = "vehicle_purchase", operation = "vehicle_operation", reception = "official_reception"
    }

    /// The top-level expense a header cell names.
    static func expense(_ text: String) -> Leaf? {
        let key = TextNormalization.key(text)
        if key == "合计" || key == "合计数" { return .total }
        if key.contains("出国") { return .overseas }
        if key.contains("公务接待") || key.contains("接待费") { return .reception }
        if key.contains("公务用车") && (key.contains("及") || key.contains("和")) || key == "公务用车费" { return .vehicle }
        return nil
    }

    /// A grid in a run of one-cell rows, starting at `start` with its 预算数 or
    /// 决算数 heading, under a title that names 三公: the cells it took.
    static func find(in cells: [TextCell], from start: Int, year: Int?, part: String,
                     into reading: inout DocumentReading) -> Range<Int>? {
        let key = TextNormalization.key(cells[start].text)
        guard key.hasSuffix("预算数") || key.hasSuffix("决算数") else { return nil }
        let above = cells[max(0, start - 8)..<start].map(\.text)
        guard above.joined().contains("三公") else { return nil }
        let texts = cells[start...].map { TextNormalization.trim($0.text) }
        guard let valuesStart = texts.indices.first(where: { CellText.isValueCell(texts[$0]) && !isColumnNumber(texts, at: $0) })
        else { return nil }
        let values = Array(cells[(start + valuesStart)...].prefix { CellText.isValueCell($0.text) })
        guard read(header: Array(texts[..<valuesStart]), values: values, scale: LabelledTable.moneyUnit(above), year: year,
                   part: part, into: &reading) else { return nil }
        return start..<(start + valuesStart + values.count)
    }

    /// A grid in rows of several cells (Word, `|` or tab rows): the header rows,
    /// then one row of values. Whether the block was one.
    static func read(block rows: [[TextCell]], above: [TextCell], year: Int?, part: String,
                     into reading: inout DocumentReading) -> Bool {
        let all = above.map(\.text) + rows.joined().map(\.text)
        guard all.joined().contains("三公") else { return false }
        guard let dataIndex = rows.firstIndex(where: { row in row.filter { CellText.isValueCell($0.text) }.count >= 6 })
        else { return false }
        var values = rows[dataIndex]
        // A label before the values (合计, 金额, 本年) is no value.
        if let first = values.first, !CellText.isValueCell(first.text) { values.removeFirst() }
        while let last = values.last, TextNormalization.trim(last.text).isEmpty { values.removeLast() }
        let header = rows[..<dataIndex].joined().map { TextNormalization.trim($0.text) }.filter { !$0.isEmpty }
        return read(header: header, values: values, scale: LabelledTable.moneyUnit(all), year: year, part: part, into: &reading)
    }

    /// The values under a header of expense names and blocks; whether the header was a 三公 grid.
    static func read(header: [String], values: [TextCell], scale: String, year: Int?, part: String,
                     into reading: inout DocumentReading) -> Bool {
        var order: [Leaf] = []
        var blocks: [Basis] = []
        for text in header {
            let key = TextNormalization.key(text)
            if key.hasSuffix("预算数") { blocks.append(.budget) }
            else if key.hasSuffix("决算数") { blocks.append(.final) }
            else if let leaf = expense(text), !order.contains(leaf) { order.append(leaf) }
        }
        guard let year, Set(order) == [.total, .overseas, .vehicle, .reception], !blocks.isEmpty, Set(blocks).count == blocks.count,
              let first = values.first else { return false }
        var leaves: [Leaf] = []
        for leaf in order { leaves += leaf == .vehicle ? [.vehicle, .purchase, .operation] : [leaf] }
        let texts = values.map { TextNormalization.trim($0.text) }
        guard texts.count == leaves.count * blocks.count else {
            reading.unread.append(UnreadLine(line: first.line, text: texts.joined(separator: " | "),
                                             reason: "a “三公” table with \(texts.count) values for \(leaves.count * blocks.count) columns: cells vanished",
                                             cell: first.cell))
            return true
        }
        var figures: [DocumentFigure] = []
        for (blockIndex, basis) in blocks.enumerated() {
            var amounts: [Leaf: Int64] = [:]
            for (leafIndex, leaf) in leaves.enumerated() {
                let index = blockIndex * leaves.count + leafIndex
                guard case let .value(value) = FigureText.read(LabelledTable.scaled(texts[index], scale: scale, unit: "万元"), unit: "万元")
                else { continue }         // —— or empty: no figure
                amounts[leaf] = value.e6
                figures.append(DocumentFigure(metric: leaf.rawValue, year: year, basis: basis, value: value, part: part,
                                              line: values[index].line,
                                              text: "“三公”经费表 \(basis.nameZh) \(order.count > 0 ? leaf.rawValue : "")：\(texts[index])",
                                              cell: values[index].cell))
            }
            let sum = [Leaf.overseas, .vehicle, .reception].map { amounts[$0] ?? 0 }.reduce(0, +)
            let vehicle = (amounts[.purchase] ?? 0) + (amounts[.operation] ?? 0)
            guard amounts[.total] == sum, (amounts[.vehicle] ?? 0) == vehicle else {
                reading.unread.append(UnreadLine(line: first.line, text: texts.joined(separator: " | "),
                                                 reason: "a “三公” table whose \(basis.nameZh) columns do not add up: the columns cannot be told",
                                                 cell: first.cell))
                return true
            }
        }
        reading.figures += figures
        return true
    }

    /// 1, 2, 3 … before the values: column numbers.
    static func isColumnNumber(_ texts: [String], at index: Int) -> Bool {
        guard let number = Int(TextNormalization.key(texts[index])) else { return false }
        if number == 1 { return index + 1 < texts.count && Int(TextNormalization.key(texts[index + 1])) == 2 }
        var previous = index - 1
        while previous >= 0, texts[previous].isEmpty { previous -= 1 }
        return previous >= 0 && Int(TextNormalization.key(texts[previous])) == number - 1
            && (number > 2 || isColumnNumber(texts, at: previous))
    }
}
