/// The self-evaluation form of a package (部门整体支出绩效自评表): 年度资金总额
/// by 年初预算数 / 全年预算数 / 全年执行数, its 执行率 (reported), the income and
/// spending split written as "label：value" cells, and 总分.
enum EvaluationForm {
    /// 年度资金总额 by the 年初预算数 / 全年预算数 / 全年执行数 header, the
    /// "label：value" cells of the income and spending split, and 总分.
    static func read(_ rows: [[TextCell]], year: Int?, part: String, catalog: MetricCatalog,
                         into reading: inout DocumentReading) {
        guard let year else { return }
        let rows = rows.allSatisfy({ $0.count == 1 }) ? regroupSingleCells(rows) : rows
        var header: [TextCell]?
        var indicatorColumns: (name: Int, actual: Int, width: Int)?
        for row in rows {
            let keys = row.map { TextNormalization.key($0.text) }
            if keys.contains("年初预算数") && keys.contains("全年执行数") {
                header = row
                indicatorColumns = nil
                continue
            }
            if keys.contains(where: { $0.contains("绩效指标") || $0.contains("一级指标") || $0.contains("年度总体目标") }) {
                header = nil          // the indicator rows have columns of their own
                if let name = keys.firstIndex(of: "三级指标"),
                   let actual = keys.firstIndex(where: { ["实际完成值", "实际完成", "完成值", "实际值", "全年实际值"].contains($0) }) {
                    indicatorColumns = (name, actual, row.count)
                    continue
                }
            }
            if let columns = indicatorColumns {
                readIndicatorRow(row, columns: columns, year: year, part: part, catalog: catalog, into: &reading)
                continue
            }
            if let current = header, CellText.trimmedCount(row) != CellText.trimmedCount(current),
               let labelIndex = keys.firstIndex(where: { !$0.isEmpty }),
               catalog.metric(named: CellText.metricLabel(row[labelIndex].text)) != nil,
               row.dropFirst(labelIndex + 1).contains(where: { CellText.isValueCell($0.text) }) {
                reading.unread.append(UnreadLine(line: row[0].line, text: CellText.rowText(row),
                                                 reason: "a form row whose cells do not line up with its header", cell: row[0].cell))
                continue
            }
            if let header, let labelIndex = keys.firstIndex(where: { !$0.isEmpty }),
               let metric = catalog.metric(named: CellText.metricLabel(row[labelIndex].text)), metric.unit == "万元" {
                let before = reading.figures.count
                for (index, cell) in row.enumerated() where index > labelIndex && index < header.count {
                    let heading = TextNormalization.key(header[index].text)
                    // 执行率 of 年度资金总额 is the budget execution rate the unit states.
                    if heading == "执行率", metric.code == "total_funds",
                       case let .value(value) = FigureText.read(cell.text, unit: "%") {
                        reading.figures.append(DocumentFigure(metric: "budget_execution_rate", year: year, basis: .reported,
                                                              value: value, part: part, line: cell.line,
                                                              text: "\(row[labelIndex].text) \(header[index].text)：\(cell.text)",
                                                              cell: cell.cell))
                        continue
                    }
                    guard ["年初预算数", "全年预算数", "全年执行数"].contains(heading), let basis = Basis(word: heading) else { continue }
                    if case let .value(value) = FigureText.read(cell.text, unit: metric.unit) {
                        reading.figures.append(DocumentFigure(metric: metric.code, year: year, basis: basis, value: value,
                                                              part: part, line: cell.line,
                                                              text: "\(row[labelIndex].text) \(header[index].text)：\(cell.text)",
                                                              cell: cell.cell))
                    }
                }
                // A row only labelled like a metric ("政府性基金拨款：") still has its "label：value" cells.
                if reading.figures.count > before { continue }
            }
            for cell in row { readLabelledValue(cell, year: year, part: part, catalog: catalog, into: &reading) }
        }
        readTotal(rows, year: year, part: part, into: &reading)
    }

    /// **Indicator rows** (一级/二级/三级指标 … 实际完成值): a 三级指标 that names a
    /// catalogue amount ("“三公”经费支出 | ≤18.50万元 | 16.72万元") gives its 实际完成值
    /// as the year's final figure, with its unit written in the cell. Targets,
    /// rates and scores are not read; a row whose cells do not line up with the
    /// header (merged cells left out) is listed when it names a metric.
    static func readIndicatorRow(_ row: [TextCell], columns: (name: Int, actual: Int, width: Int), year: Int, part: String,
                                 catalog: MetricCatalog, into reading: inout DocumentReading) {
        guard columns.name < row.count else { return }
        // "“三公”经费支出", "公用经费支出": the amount spent of the named metric.
        let label = CellText.metricLabel(row[columns.name].text)
        let named = catalog.metric(named: label)
            ?? (label.hasSuffix("支出") ? catalog.metric(named: String(label.dropLast(2))) : nil)
        guard let metric = named, !metric.isIndicator, metric.unit == "万元" || metric.unit == "人" else { return }
        guard row.count == columns.width || row.count > columns.actual && row.count >= columns.width - 1 else {
            reading.unread.append(UnreadLine(line: row[0].line, text: CellText.rowText(row),
                                             reason: "an indicator row whose cells do not line up with its header", cell: row[0].cell))
            return
        }
        let cell = row[columns.actual]
        let text = TextNormalization.foldWidth(TextNormalization.trim(cell.text))
        // The amount alone with its unit ("16.72万元"); anything more ("97.80%（预算…）") is not read.
        guard text.range(of: #"^-?[0-9][0-9,]*(\.[0-9]+)?(万元|元|亿元|人|名)$"#, options: .regularExpression) != nil else {
            if CellText.looksLikeFigure(text) {
                reading.unread.append(UnreadLine(line: cell.line, text: "\(row[columns.name].text)：\(cell.text)",
                                                 reason: "an indicator's actual value that is not an amount with its unit", cell: cell.cell))
            }
            return
        }
        if case let .value(value) = FigureText.read(text, unit: metric.unit) {
            reading.figures.append(DocumentFigure(metric: metric.code, year: year, basis: .final, value: value, part: part,
                                                  line: cell.line, text: "\(row[columns.name].text) 实际完成值：\(cell.text)",
                                                  cell: cell.cell))
        }
    }

    /// "其中：基本支出：1617.68", "按支出性质分：2520.6".
    static func readLabelledValue(_ cell: TextCell, year: Int, part: String, catalog: MetricCatalog,
                                  into reading: inout DocumentReading) {
        let folded = TextNormalization.foldWidth(cell.text).replacingOccurrences(of: "：", with: ":")
        guard let match = folded.range(of: #"^(.*?):\s*(-?[0-9][0-9,]*(\.[0-9]+)?)\s*(万元)?$"#, options: .regularExpression) else { return }
        let parts = folded[match].split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return }
        let label = parts.dropLast().joined(separator: ":")
        let number = String(parts.last!)
        // In the form's split, "一般公共预算" is the income from the general budget.
        let special: [String: String] = ["按支出性质分": "total_expenditure", "按收入性质分": "total_funds",
                                         "一般公共预算": "general_budget_funds"]
        let cleaned = CellText.metricLabel(label)
        guard let code = special[cleaned] ?? catalog.metric(named: cleaned)?.code,
              let metric = catalog.metric(code: code), metric.unit == "万元" else {
            reading.unread.append(UnreadLine(line: cell.line, text: cell.text, reason: "'\(label)' is not a catalogue metric", cell: cell.cell))
            return
        }
        if case let .value(value) = FigureText.read(number, unit: metric.unit) {
            reading.figures.append(DocumentFigure(metric: code, year: year, basis: .final, value: value, part: part,
                                                  line: cell.line, text: cell.text, cell: cell.cell))
        }
    }

    /// 总分 / 合计 rows: the self-score is the last number (the first is 分值, 100).
    static func readTotal(_ rows: [[TextCell]], year: Int?, part: String, into reading: inout DocumentReading) {
        guard let year else { return }
        for row in rows {
            let label = TextNormalization.key(row[0].text)
            guard label == "总分" || label == "合计" else { continue }
            let numbers = row.dropFirst().filter { PlainDecimal(TextNormalization.trim($0.text)) != nil }
            guard numbers.count >= 2, let last = numbers.last, let value = ExactValue(parsing: TextNormalization.trim(last.text)) else { continue }
            reading.figures.append(DocumentFigure(metric: "self_score", year: year, basis: .final, value: value,
                                                  part: part, line: last.line, text: "\(row[0].text)：\(last.text)", cell: last.cell))
        }
    }

    /// A form exported one cell per line: the 年初预算数 … 自评得分 headings, then
    /// each label with the values after it (年度资金总额, 一般公共预算拨款 …), and
    /// 总分 with its numbers, rebuilt as rows. Anything that does not line up stays a row of one cell.
    static func regroupSingleCells(_ rows: [[TextCell]]) -> [[TextCell]] {
        let cells = rows.map { $0[0] }
        var result: [[TextCell]] = []
        var headings: [TextCell] = []
        var index = 0
        func isHeading(_ key: String) -> Bool {
            ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "自评得分", "得分"].contains(key)
        }
        while index < cells.count {
            let key = TextNormalization.key(cells[index].text)
            if key == "年初预算数" {
                var end = index
                while end < cells.count, isHeading(TextNormalization.key(cells[end].text)) { end += 1 }
                headings = Array(cells[index..<end])
                result.append([TextCell(text: "", line: cells[index].line)] + headings)
                index = end
                continue
            }
            if key.contains("绩效指标") || key.contains("一级指标") || key.contains("年度总体目标") {
                headings = []         // the indicator rows have columns of their own
            }
            let values = cells[(index + 1)...].prefix { CellText.isValueCell($0.text) }
            if key == "总分" || key == "合计", values.count >= 2 {
                result.append([cells[index]] + values)
                index += 1 + values.count
                continue
            }
            // "其中：一般公共预算：" and its value on the next line: one "label：value" cell.
            if key.hasSuffix(":") || key.hasSuffix("："), let value = values.first, values.count == 1 {
                var joined = cells[index]
                joined.text = TextNormalization.trim(joined.text) + TextNormalization.trim(value.text)
                result.append([joined])
                index += 2
                continue
            }
            // Under headings, a label and the values after it are a row (年度资金总额,
            // 一般公共预算拨款, 基本支出 …); read() lists one whose values do not
            // line up with the headings.
            if !headings.isEmpty, !values.isEmpty, !isHeading(key) {
                result.append([cells[index]] + values)
                index += 1 + values.count
                continue
            }
            result.append([cells[index]])
            index += 1
        }
        return result
    }
}
