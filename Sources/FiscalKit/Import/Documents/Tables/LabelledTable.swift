import Foundation

/// A table of rows that each start with a label and give values in columns
/// named by one or two header rows — the tables of 部门决算 pages, "三公" notes
/// and revenue reports, from Word, Excel, tab-separated or `|` rows.
///
/// ```
/// 项 目 | 2021年决算数 | 2022年调整预算数 | 2022年决算数 | ||
/// 金额 | 占调整预算% | 比上年增长% | |||
/// 一、税收收入 | 1162.30 | 1240.00 | 1268.45 | 102.29 | 9.13 |
/// ```
/// reads tax_revenue 2021 final 1162.30, 2022 budget 1240, 2022 final 1268.45;
/// the two % columns are never figures.
///
/// - **Columns** are named by their headings: a year and a basis (2022年决算数,
///   调整预算数 → budget, 年初预算数 → initial, 执行数 → final, 上年同期 → the year
///   before), a period (1-9月执行数 → quarter 3); 行次, 栏次 and 序号 are row and
///   column numbers; rates, shares and changes (%, 增长, 占, 增减) are never figures.
/// - **Two header rows**: a merged heading over its sub-columns (the heading's
///   cell followed by empty ones), or a sub-header exported shifted to the left
///   (research: real exports start it at column 0) when its cells fill exactly the
///   columns one heading leaves — the bare year's, else the last.
/// - **Two sides** (收入支出决算总表): a second 项目 column starts a second table on
///   the same rows; 总计 is 收入总计 on the income side, 支出总计 on the other.
/// - **Units**: 单位：万元 / 金额单位：元 in a line above converts 元 to 万元.
/// - A row with fewer cells than the header (empty cells may have vanished), or
///   a heading that cannot be placed, is listed as not understood, never guessed.
enum LabelledTable {
    struct Context {
        var vocabulary: DocumentVocabulary
        var year: Int?
        var period: StatedPeriod?
        var part = "table"
    }

    enum Column: Equatable {
        case label
        /// 行次, 栏次, 序号: numbers of rows and columns.
        case ordinal
        case figure(year: Int, basis: Basis, quarter: Int)
        /// A rate, share or change: never a figure.
        case other
        /// A heading this reader cannot place (a bare year, an unknown word).
        case unknown
    }

    static let labelWords = ["项目", "科目", "项目名称", "科目名称", "预算科目", "功能分类科目", "指标", "指标名称", "名称", "收入项目",
                             "支出项目", "内容", "类别", "收入", "支出", "收入项目名称", "支出项目名称"]
    static let ordinalWords = ["行次", "栏次", "序号", "编码", "代码", "科目编码"]
    static let otherWords = ["%", "增长", "增减", "比上年", "同比", "占", "率", "幅度", "差额", "增加", "减少", "变动", "比重", "进度",
                             "增幅", "降幅", "说明", "备注", "原因"]

    /// Reads one table: `title` holds the lines above it (its name, 单位：万元).
    static func read(title: [TextCell], rows allRows: [[TextCell]], context: Context, into reading: inout DocumentReading) {
        var rows = allRows.filter { row in row.contains { !TextNormalization.trim($0.text).isEmpty } }
        var titleTexts = title.map(\.text)
        // Rows of one cell at the top are the table's name and unit lines.
        while let first = rows.first, isTitleRow(first) {
            titleTexts.append(contentsOf: first.map(\.text).filter { !$0.isEmpty })
            rows.removeFirst()
        }
        let scale = moneyUnit(titleTexts + rows.prefix(4).flatMap { $0.map(\.text) })
        var header: [[TextCell]] = []
        while let first = rows.first, header.count < 4, !hasValues(first) || isNumbering(first) {
            if !isNumbering(first) { header.append(first) }
            rows.removeFirst()
        }
        // Rows above the one that heads the label column (项目) are the table's name
        // ("表1 | 梅岭镇2023年一般公共预算收入决算表"), not headings of its columns.
        if let labelRow = header.firstIndex(where: { $0.contains { isLabelHeading($0.text) } }), labelRow > 0 {
            titleTexts += header[..<labelRow].flatMap { $0.map(\.text).filter { !$0.isEmpty } }
            header.removeFirst(labelRow)
        }
        guard !rows.isEmpty, !header.isEmpty else { return }
        let width = rows.map(\.count).max() ?? 0
        let tableName = nameLines(titleTexts).joined()
        guard let columns = columns(header: header, width: width, context: context) else {
            for row in rows where row.dropFirst().contains(where: { CellText.isValueCell($0.text) }) {
                reading.unread.append(UnreadLine(line: row[0].line, text: CellText.rowText(row),
                                                 reason: "the table's header rows cannot be lined up with its columns",
                                                 cell: row[0].cell))
            }
            return
        }
        // Each 项目 column starts a side of its own (收入 | 支出).
        let labelColumns = columns.indices.filter { columns[$0] == .label }
        let starts = labelColumns.isEmpty ? [0] : labelColumns
        for row in rows {
            if row.count < width, row.dropFirst().contains(where: { CellText.isValueCell($0.text) && !FigureText.isMissing($0.text) }) {
                reading.unread.append(UnreadLine(line: row[0].line, text: CellText.rowText(row),
                                                 reason: "\(row.count) cells for \(width) columns: empty cells may have vanished",
                                                 cell: row[0].cell))
                continue
            }
            for (side, start) in starts.enumerated() {
                let end = side + 1 < starts.count ? starts[side + 1] : width
                guard start < row.count else { continue }
                let label = row[start]
                let sideName = sideHeading(header: header, column: start)
                readRow(label: label, cells: Array(row[(start + 1)..<min(end, row.count)]),
                        columns: Array(columns[(start + 1)..<end]), tableName: tableName, side: sideName, scale: scale,
                        context: context, into: &reading)
            }
        }
    }

    static func readRow(label: TextCell, cells: [TextCell], columns: [Column], tableName: String, side: String,
                        scale: String, context: Context, into reading: inout DocumentReading) {
        let text = TextNormalization.trim(label.text)
        let figureCells = cells.enumerated().filter { index, cell in
            if case .figure = columns[index] { return CellText.isValueCell(cell.text) } else { return false }
        }
        guard !text.isEmpty, !figureCells.isEmpty else { return }
        guard let metric = rowMetric(text, tableName: tableName, side: side, vocabulary: context.vocabulary) else {
            if figureCells.contains(where: { !FigureText.isMissing(TextNormalization.trim($0.element.text)) }) {
                reading.unread.append(UnreadLine(line: label.line, text: "\(text) | " + cells.map(\.text).joined(separator: " | "),
                                                 reason: "'\(text)' is not a catalogue metric", cell: label.cell))
            }
            return
        }
        for (index, cell) in figureCells {
            guard case let .figure(year, basis, quarter) = columns[index] else { continue }
            let raw = TextNormalization.trim(cell.text)
            let valueBasis = metric.isIndicator ? Basis.reported : basis
            switch FigureText.read(scaled(raw, scale: scale, unit: metric.unit), unit: metric.unit) {
            case .missing: continue
            case let .invalid(message):
                reading.unread.append(UnreadLine(line: cell.line, text: "\(text)：\(raw)", reason: message, cell: cell.cell))
            case let .value(value):
                var figure = DocumentFigure(metric: metric.code, year: year, basis: valueBasis, value: value, part: context.part,
                                            line: cell.line, text: "\(text)：\(raw)", cell: cell.cell)
                figure.quarter = quarter
                reading.figures.append(figure)
            }
        }
    }

    /// The lines that name the table: those nearest it, up to the first line of
    /// prose above ("5.“三公”经费：指部门用财政拨款安排的…" names no table below it).
    static func nameLines(_ texts: [String]) -> [String] {
        var kept: [String] = []
        for text in texts.reversed() {
            let folded = TextNormalization.foldWidth(TextNormalization.trim(text))
            let numbered = folded.range(of: #"^[0-9]+[.、]"#, options: .regularExpression) != nil
            if folded.contains("。") || folded.contains("：指") || folded.contains(":指") || folded.count > 50
                || numbered && !folded.contains("表") { break }
            kept.insert(text, at: 0)
        }
        return kept
    }

    /// A row's metric: its label in this document's words; 合计/总计 by the table and the side.
    static func rowMetric(_ label: String, tableName: String, side: String, vocabulary: DocumentVocabulary) -> Metric? {
        let cleaned = CellText.metricLabel(label)
        let tableKey = TextNormalization.key(tableName).replacingOccurrences(of: "\"", with: "")
        // A table of 财政拨款 only (财政拨款收入支出决算总表, 一般公共预算财政拨款支出决算表):
        // its 本年收入合计, 总计, 基本支出 … are the appropriation's, not the unit's; only
        // rows that name their own scope (一般公共预算财政拨款收入) are read. "三公" tables
        // are 财政拨款 by definition.
        if tableKey.contains("财政拨款") && !tableKey.contains("三公经费") {
            guard cleaned.contains("财政拨款"), let metric = vocabulary.metric(named: cleaned) else { return nil }
            return metric
        }
        if cleaned == "合计" || cleaned == "总计" {
            if tableKey.contains("三公经费") { return vocabulary.catalog.metric(code: "three_public_total") }
            if cleaned == "总计" && side == "收入" { return vocabulary.catalog.metric(code: "total_income") }
            if cleaned == "总计" && side == "支出" { return vocabulary.catalog.metric(code: "expenditure_total") }
            return nil
        }
        return vocabulary.metric(named: cleaned)
    }

    /// A number in a table whose unit line says 元 (or 亿元), as its metric's unit reads it.
    static func scaled(_ raw: String, scale: String, unit: String) -> String {
        guard unit == "万元", scale != "万元", PlainDecimal(TextNormalization.foldWidth(raw).replacingOccurrences(of: " ", with: "")) != nil
        else { return raw }
        return raw + scale
    }

    /// 单位：元 / 金额单位：元 / 单位:萬元 in the lines above or the header.
    static func moneyUnit(_ texts: [String]) -> String {
        for text in texts {
            let key = TextNormalization.key(text).replacingOccurrences(of: "萬", with: "万").replacingOccurrences(of: "億", with: "亿")
            guard let range = key.range(of: #"单位[:：]?(万元|亿元|元)"#, options: .regularExpression) else { continue }
            let unit = String(key[range]).replacingOccurrences(of: #"^单位[:：]?"#, with: "", options: .regularExpression)
            return unit
        }
        return "万元"
    }

    static func hasValues(_ row: [TextCell]) -> Bool {
        row.dropFirst().contains { CellText.isValueCell($0.text) && !FigureText.isMissing(TextNormalization.trim($0.text)) }
    }

    /// 栏次 | | 1 | 栏次 | | 2, or 1 | 2 | 3 …: column numbers, not values.
    static func isNumbering(_ row: [TextCell]) -> Bool {
        let cells = row.map { TextNormalization.key($0.text) }.filter { !$0.isEmpty }
        guard !cells.isEmpty else { return false }
        if cells.contains("栏次") { return cells.allSatisfy { $0 == "栏次" || Int($0) != nil || $0.hasPrefix("栏次") } }
        let numbers = cells.compactMap { Int($0) }
        return numbers.count == cells.count && numbers.count >= 2 && numbers == Array(numbers[0]...(numbers[0] + numbers.count - 1))
    }

    /// A row that names the table or its unit: one non-empty cell, or only
    /// cells such as 公开01表, 编制单位：…, 单位：万元.
    static func isTitleRow(_ row: [TextCell]) -> Bool {
        let cells = row.map { TextNormalization.trim($0.text) }.filter { !$0.isEmpty }
        if cells.count == 1 { return !CellText.isValueCell(cells[0]) }
        return !cells.isEmpty && cells.allSatisfy { cell in
            let key = TextNormalization.key(cell)
            return key.contains("单位:") || key.contains("单位：") || key.hasPrefix("部门:") || key.hasPrefix("部门：")
                || key.range(of: #"^(公开)?[0-9]{0,2}表[0-9]*$|^表[0-9一二三四五六七八九十]+|公开[0-9]+表"#, options: .regularExpression) != nil
        }
    }

    // MARK: - Columns

    /// What each column holds, from one or two header rows; nil when the rows
    /// cannot be lined up with the `width` cells of the data rows.
    static func columns(header: [[TextCell]], width: Int, context: Context) -> [Column]? {
        let texts = header.map { row in (0..<width).map { $0 < row.count ? TextNormalization.trim(row[$0].text) : "" } }
        // Headings per column, top to bottom; a merged heading fills the empty cells after it.
        var stacks = Array(repeating: [String](), count: width)
        guard let last = texts.last else { return nil }
        var levels = texts
        // A sub-header exported to the left of where it belongs: its first cell
        // is a figure word where the row above has the label heading.
        if texts.count >= 2, let shifted = unshift(top: texts[texts.count - 2], sub: last, width: width) {
            levels[levels.count - 2] = shifted.top
            levels[levels.count - 1] = shifted.sub
        } else if texts.count >= 2, !last[0].isEmpty, !isLabelHeading(last[0]), isLabelHeading(texts[texts.count - 2][0]) {
            return nil
        }
        for (level, row) in levels.enumerated() {
            var carried = ""
            for column in 0..<width {
                let text = row[column]
                if !text.isEmpty {
                    carried = text
                    stacks[column].append(text)
                } else if level < levels.count - 1, !carried.isEmpty, !isLabelHeading(carried) {
                    stacks[column].append(carried)       // under a merged heading
                }
            }
        }
        // A sub-heading whose basis contradicts the heading above it (决算数 under 2024年年初预算)
        // is out of line with it: the rows cannot be lined up, whichever way they are read.
        // 年初预算 and 调整预算 under 预算 only say which budget.
        for headings in stacks where headings.count > 1 {
            let bases = Set(headings.compactMap { heading -> Basis? in
                let key = TextNormalization.key(heading)
                guard !otherWords.contains(where: { key.contains($0) }), let basis = basis(of: key) else { return nil }
                return basis == .initial ? .budget : basis
            })
            if bases.count > 1 { return nil }
        }
        return stacks.enumerated().map { index, headings in meaning(headings, index: index, context: context) }
    }

    /// A shifted sub-header put under the heading it belongs to: the only bare
    /// year among the headings, else the last one.
    static func unshift(top: [String], sub: [String], width: Int) -> (top: [String], sub: [String])? {
        guard let first = sub.first, !first.isEmpty, !isLabelHeading(first), isLabelHeading(top[0]) else { return nil }
        let headings = top.indices.dropFirst().filter { !top[$0].isEmpty }
        let subs = sub.filter { !$0.isEmpty }
        guard !headings.isEmpty, headings.count - 1 + subs.count == width - 1,
              headings == Array(1...headings.count) else { return nil }
        let bareYears = headings.filter { TextNormalization.key(top[$0]).range(of: #"^[0-9]{4}年度?$"#, options: .regularExpression) != nil }
        let split = bareYears.count == 1 ? bareYears[0] : headings.last!
        var newTop = [top[0]]
        var newSub = [""]
        for heading in headings {
            if heading == split {
                for sub in subs { newTop.append(top[heading]); newSub.append(sub) }
            } else {
                newTop.append(top[heading]); newSub.append("")
            }
        }
        return (newTop, newSub)
    }

    static func isLabelHeading(_ text: String) -> Bool {
        let key = TextNormalization.key(text)
        return labelWords.contains(key) || key.hasSuffix("项目") || key.hasSuffix("科目")
    }

    /// The side of a two-sided table (收入 / 支出): the heading above its 项目 column.
    static func sideHeading(header: [[TextCell]], column: Int) -> String {
        for row in header where column < row.count {
            let key = TextNormalization.key(row[column].text)
            if key == "收入" || key.hasPrefix("收入") { return "收入" }
            if key == "支出" || key.hasPrefix("支出") { return "支出" }
        }
        return ""
    }

    /// A column's meaning from its headings, top to bottom.
    static func meaning(_ headings: [String], index: Int, context: Context) -> Column {
        let text = headings.joined()
        let key = TextNormalization.key(text)
        if key.isEmpty { return index == 0 ? .label : .unknown }
        if ordinalWords.contains(where: { key.contains($0) }) { return .ordinal }
        if headings.contains(where: isLabelHeading) && CellText.leadingYear(text) == nil && basis(of: key) == nil { return .label }
        if otherWords.contains(where: { key.contains($0) }) { return .other }
        guard let basis = basis(of: key) else { return .unknown }
        let lastYear = key.contains("上年") || key.contains("去年")
        guard var year = CellText.leadingYear(text) ?? context.year else { return .unknown }
        if lastYear && CellText.leadingYear(text) == nil { year -= 1 }
        var quarter = 0
        if basis == .final {
            let stated = StatedPeriod.find(in: text)?.period
            if case .months = stated { return .other }         // 1-5月: not a quarter
            if key.contains("决算") || key.contains("全年") {
                quarter = 0
            } else if let stated {
                quarter = stated.quarter ?? 0
            } else {
                quarter = context.period?.quarter ?? 0
                if case .months = context.period { return .other }
            }
        }
        return .figure(year: year, basis: basis, quarter: quarter)
    }

    /// The basis a heading names: 年初预算 → initial, 调整预算 → budget, 决算/执行/金额 → final.
    static func basis(of key: String) -> Basis? {
        if key.contains("年初预算") || key.contains("年初数") || key.hasSuffix("年初") { return .initial }
        if key.contains("预算") { return .budget }
        if key.contains("计划") || key.contains("任务") || key.contains("目标") { return .plan }
        if ["决算", "执行", "完成", "实际", "累计", "金额", "本年数", "本期数", "实绩", "同期"].contains(where: { key.contains($0) }) {
            return .final
        }
        return nil
    }
}
