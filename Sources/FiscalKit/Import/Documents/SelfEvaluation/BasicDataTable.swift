/// The basic data table of a self-evaluation package (部门整体支出绩效评价基础数据表):
/// the staff block (编制数, 实际在职人数, 控制率) and the money rows under the
/// 经费控制情况 header, each column a year and a basis (2023年决算数 → 2023 final).
///
/// Correctness over recall: a row whose label is not a catalogue metric, or
/// whose values do not line up with the header, is listed as unread, never
/// guessed.
enum BasicDataTable {
    /// Tables exported one cell per line with blank lines between arrive as
    /// rows of one cell, and their empty cells are gone. Rows are rebuilt as a
    /// label followed by its values; a row with fewer values than the header
    /// has columns cannot be placed and is listed as unread.
    static func regroupSingleCells(_ rows: [[TextCell]], year: Int?, into reading: inout DocumentReading) -> [[TextCell]] {
        let cells = rows.flatMap { $0 }
        var result: [[TextCell]] = []
        var index = 0
        var columns = 0
        while index < cells.count {
            let cell = cells[index]
            let key = TextNormalization.key(cell.text)
            index += 1
            if key.contains("财政供养人员") || key.contains("经费控制情况") {
                var header = [cell]
                while index < cells.count, !CellText.isValueCell(cells[index].text),
                      key.contains("财政供养人员") || CellText.moneyColumn(cells[index].text, documentYear: year) != nil {
                    header.append(cells[index]); index += 1
                }
                result.append(header)
                columns = header.count - 1
                if key.contains("财政供养人员") {
                    var values = [TextCell(text: "", line: cell.line, cell: cell.cell)]
                    while index < cells.count, CellText.isValueCell(cells[index].text), values.count <= columns {
                        values.append(cells[index]); index += 1
                    }
                    result.append(values)
                }
                continue
            }
            if CellText.isValueCell(cell.text) { continue }           // a stray value: counted below with its label
            var values: [TextCell] = []
            while index < cells.count, CellText.isValueCell(cells[index].text) { values.append(cells[index]); index += 1 }
            if values.contains(where: { FigureText.isMissing(TextNormalization.foldWidth(TextNormalization.trim($0.text))) }) {
                // A dash may stand in an extra blank column: without the empty cells, unplaceable.
                reading.unread.append(UnreadLine(line: cell.line, text: ([cell] + values).map(\.text).joined(separator: " | "),
                                                 reason: "a dash in a table without its empty cells: the values cannot be placed",
                                                 cell: cell.cell))
            } else if values.isEmpty || values.count == columns {
                result.append([cell] + values)
            } else {
                reading.unread.append(UnreadLine(line: cell.line, text: ([cell] + values).map(\.text).joined(separator: " | "),
                                                 reason: "\(values.count) values for \(columns) columns: with empty cells left out they cannot be placed",
                                                 cell: cell.cell))
            }
        }
        return result
    }

    /// Whether the part has the table's blocks (财政供养人员, 经费控制情况); a
    /// part titled 基础数据表 without them is some other table, and is not read here.
    static func hasBlocks(_ rows: [[TextCell]]) -> Bool {
        rows.joined().contains { cell in
            let key = TextNormalization.key(cell.text)
            return key.contains("财政供养人员") || key.contains("经费控制情况")
        }
    }

    static func read(_ rows: [[TextCell]], year: Int?, catalog: MetricCatalog, into reading: inout DocumentReading) {
        let multiCell = rows.filter { $0.count > 1 }.count
        if multiCell == 0 && rows.count > 4 {
            let regrouped = regroupSingleCells(rows, year: year, into: &reading)
            if regrouped.contains(where: { $0.count > 1 }) {
                read(regrouped, year: year, catalog: catalog, into: &reading)
                return
            }
        }
        var staffHeader: [TextCell]?
        var columns: [(year: Int, basis: Basis)]?
        var groups: [(columns: [(year: Int, basis: Basis)], rows: [[TextCell]])] = []
        for row in rows {
            let first = TextNormalization.key(row[0].text)
            if first.contains("财政供养人员") {
                staffHeader = Array(row.dropFirst()).filter { !$0.text.isEmpty }
                continue
            }
            if let header = staffHeader, first.isEmpty {
                var values = Array(row.dropFirst())
                while let last = values.last, last.text.isEmpty { values.removeLast() }
                if values.count == header.count + 1, let blank = values.first, blank.text.isEmpty { values.removeFirst() }
                if values.count == header.count {
                    readStaff(header: header, values: values, year: year, catalog: catalog, into: &reading)
                } else {
                    reading.unread.append(UnreadLine(line: row[0].line, text: CellText.rowText(row),
                                                     reason: "\(values.count) staff values for \(header.count) headings: they cannot be placed",
                                                     cell: row[0].cell))
                }
                staffHeader = nil
                continue
            }
            if first.contains("经费控制情况") {
                let headings = row.dropFirst().filter { !$0.text.isEmpty }
                let parsed = headings.map { CellText.moneyColumn($0.text, documentYear: year) }
                if parsed.contains(where: { $0 == nil }) || parsed.isEmpty {
                    reading.unread.append(UnreadLine(line: row[0].line, text: row.map(\.text).joined(separator: " | "),
                                                     reason: "the columns' years and bases are not recognized", cell: row[0].cell))
                    columns = nil
                } else {
                    columns = parsed.map { $0! }
                    groups.append((columns!, []))
                }
                continue
            }
            if first.contains("控制情况") || first.hasPrefix("说明") || first.contains("保障措施") {
                columns = nil      // another block of the table (楼堂馆所 …): not figures of the catalogue
                continue
            }
            if columns != nil, row.count > 1 {
                groups[groups.count - 1].rows.append(row)
            } else if columns == nil, !first.isEmpty, row.dropFirst().contains(where: { CellText.looksLikeFigure($0.text) }),
                      catalog.metric(named: CellText.metricLabel(row[0].text)) != nil {
                // A catalogue name with figures outside a block whose columns are known: said, not guessed.
                reading.unread.append(UnreadLine(line: row[0].line, text: CellText.rowText(row),
                                                 reason: "a row outside the table's 经费控制情况 block: its columns are not known",
                                                 cell: row[0].cell))
            }
        }
        for group in groups {
            readMoneyRows(group.rows, columns: group.columns, catalog: catalog, into: &reading)
        }
    }

    static func readMoneyRows(_ moneyRows: [[TextCell]], columns: [(year: Int, basis: Basis)], catalog: MetricCatalog,
                              into reading: inout DocumentReading) {
        // Tables with an extra blank column (baicang): the cell after the label is
        // blank or a dash in every row, and some row has a value one cell past the
        // last column. Decided for the whole table, never per row, and never by text.
        let lastIndex = columns.count + 1
        let firstBlank = moneyRows.allSatisfy { $0.count < 2 || $0[1].text.isEmpty || FigureText.isMissing($0[1].text) }
        let lastHasValue = moneyRows.contains { $0.count > lastIndex && CellText.isValueCell($0[lastIndex].text) }
        let lastEmpty = moneyRows.allSatisfy { $0.count <= lastIndex || $0[lastIndex].text.isEmpty }
        let extraColumn = firstBlank && lastHasValue
        if firstBlank && lastEmpty && moneyRows.contains(where: { $0.count > lastIndex }) {
            // A first column empty everywhere and a last one empty everywhere: the
            // values could belong to either; nothing is placed.
            for row in moneyRows where row.dropFirst().contains(where: { CellText.isValueCell($0.text) }) {
                reading.unread.append(UnreadLine(line: row[0].line, text: CellText.rowText(row),
                                                 reason: "the first column is empty in every row and so is the last: the values cannot be placed",
                                                 cell: row[0].cell))
            }
            return
        }
        for row in moneyRows {
            var values = Array(row.dropFirst())
            if extraColumn { values = Array(values.dropFirst()) }
            let placed = values.prefix(columns.count)
            // Cells past the last column: a note ("含追加采购") is ignored, a value is not.
            let leftover = values.dropFirst(columns.count).filter { CellText.isValueCell($0.text) }
            let label = CellText.metricLabel(row[0].text)
            let hasFigures = row.dropFirst().contains { CellText.looksLikeFigure($0.text) }
            guard leftover.isEmpty else {
                reading.unread.append(UnreadLine(line: row[0].line, text: CellText.rowText(row),
                                                 reason: "more values than the header has columns", cell: row[0].cell))
                continue
            }
            guard let metric = catalog.metric(named: label) else {
                if hasFigures {
                    reading.unread.append(UnreadLine(line: row[0].line, text: CellText.rowText(row),
                                                     reason: "'\(row[0].text)' is not a catalogue metric", cell: row[0].cell))
                }
                continue
            }
            for (index, cell) in placed.enumerated() {
                switch FigureText.read(cell.text, unit: metric.unit) {
                case .missing: continue
                case let .invalid(message):
                    reading.unread.append(UnreadLine(line: cell.line, text: cell.text, reason: message, cell: cell.cell))
                case let .value(value):
                    reading.figures.append(DocumentFigure(metric: metric.code, year: columns[index].year,
                                                          basis: columns[index].basis, value: value, part: "table",
                                                          line: cell.line, text: "\(CellText.rowLabel(row[0].text))：\(cell.text)", cell: cell.cell))
                }
            }
        }
    }

    static func readStaff(header: [TextCell], values: [TextCell], year: Int?, catalog: MetricCatalog,
                          into reading: inout DocumentReading) {
        for (index, heading) in header.enumerated() where index < values.count {
            let cell = values[index]
            let headingYear = CellText.leadingYear(heading.text) ?? year
            var label = TextNormalization.key(heading.text)
            label = label.replacingOccurrences(of: #"^\d{4}年度?"#, with: "", options: .regularExpression)
            // 控制率 in the staff block is the staff control rate the unit states.
            let named = label == "控制率" ? catalog.metric(code: "staff_control_rate") : catalog.metric(named: label)
            guard let metric = named, metric.unit == "人" || metric.isIndicator, let headingYear else {
                if CellText.looksLikeFigure(cell.text) {
                    reading.unread.append(UnreadLine(line: cell.line, text: "\(heading.text)：\(cell.text)",
                                                     reason: "'\(heading.text)' is not a catalogue metric", cell: cell.cell))
                }
                continue
            }
            switch FigureText.read(cell.text, unit: metric.unit) {
            case .missing: continue
            case let .invalid(message): reading.unread.append(UnreadLine(line: cell.line, text: cell.text, reason: message, cell: cell.cell))
            case let .value(value):
                reading.figures.append(DocumentFigure(metric: metric.code, year: headingYear,
                                                      basis: metric.isIndicator ? .reported : .final, value: value,
                                                      part: "table", line: cell.line, text: "\(heading.text)：\(cell.text)", cell: cell.cell))
            }
        }
    }
}
