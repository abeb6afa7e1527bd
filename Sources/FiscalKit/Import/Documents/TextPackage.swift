import Foundation

/// One figure read from a document, with where it came from.
public struct DocumentFigure: Equatable, Sendable {
    public var metric: String          // catalogue code
    public var year: Int
    public var basis: Basis
    public var value: ExactValue
    public var part: String            // table, form, sheet, narrative
    public var line: Int               // in a text file; 0 in Word/Excel files
    public var text: String            // the cell or sentence it was read from
    public var cell: String? = nil     // "table 1 row 3 cell 2", "基础数据表!C5"

    /// Where it was read: the cell, or the line.
    public var location: String { cell ?? "line \(line)" }
}

/// A line that looks like it holds a figure but was not stored, and why.
public struct UnreadLine: Equatable, Sendable {
    public var line: Int
    public var text: String
    public var reason: String
    public var cell: String? = nil

    public var location: String { cell ?? "line \(line)" }
}

/// One indicator row of a scoring sheet.
public struct ScoringItem: Equatable, Sendable {
    public var level1: String?
    public var level2: String?
    public var indicator: String
    public var maxPoints: ExactValue?
    public var selfPoints: ExactValue?
    public var rule: String
    public var location: String
}

/// A project form: the project and its funds.
public struct ProjectForm: Equatable, Sendable {
    public var name: String
    public var initial: ExactValue?
    public var budget: ExactValue?
    public var final: ExactValue?
    public var executionRate: ExactValue?
    public var selfScore: ExactValue?
    public var location: String
}

/// What a package says: its unit and year (when it names them), its figures,
/// its scoring-sheet rows and project forms, and the figure-like lines it
/// could not read.
public struct DocumentReading: Sendable {
    public var unitName: String?
    public var year: Int?
    public var figures: [DocumentFigure] = []
    public var scoringItems: [ScoringItem] = []
    public var projects: [ProjectForm] = []
    public var unread: [UnreadLine] = []
}

/// A cell of a package: its text and where it is (a line of a text copy, or
/// a Word table cell / Excel cell).
struct TextCell {
    var text: String
    var line: Int
    var cell: String? = nil
}

/// Reads a self-evaluation package copied out of Word as text: the basic
/// data table (基础数据表), the self-evaluation form (自评表) and the total of
/// the scoring sheet.
///
/// Word tables arrive as blocks of lines separated by blank lines, one cell
/// per line, cells indented by a tab (samples/hengshan-finance-bureau-2024.txt);
/// some units' tables carry an extra blank column (samples/baicang-town-2023.txt);
/// a line without the tab inside a block continues the cell above.
///
/// Correctness over recall: a row whose label is not a catalogue metric, or
/// whose values do not line up with the header, is listed as unread, never
/// guessed. The narrative report is read by ``NarrativeReader``.
public enum TextPackage {
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

    public static func read(_ text: String, catalog: MetricCatalog) -> DocumentReading {
        read(rows: rows(text), catalog: catalog)
    }

    /// Reads rows of cells, whatever file they came from (text, Word, Excel).
    static func read(rows: [[TextCell]], catalog: MetricCatalog) -> DocumentReading {
        var reading = DocumentReading()
        reading.year = documentYear(rows)
        reading.unitName = unitName(rows)

        enum Section { case none, table, form, sheet, project, narrative }
        var section = Section.none
        var sections: [(Section, [[TextCell]])] = []
        for row in rows {
            let title = row.map(\.text).joined()
            if title.contains("基础数据表") { section = .table; sections.append((.table, [])) }
            else if title.contains("项目支出绩效自评表") { section = .project; sections.append((.project, [])) }
            else if title.contains("整体支出绩效自评表") && row.count > 1 || title.hasSuffix("整体支出绩效自评表") {
                section = title.contains("部门（单位）") || title.contains("部门(单位)") ? .sheet : .form
                sections.append((section, []))
            } else if title.contains("自评报告") && row.count == 1 { section = .narrative; sections.append((.narrative, [])) }
            if section != .none { sections[sections.count - 1].1.append(row) }
        }
        let year = reading.year
        for (kind, rows) in sections {
            switch kind {
            case .table: readTable(rows, year: year, catalog: catalog, into: &reading)
            case .form: readForm(rows, year: year, part: "form", catalog: catalog, into: &reading)
            case .sheet:
                readScoringSheet(rows, into: &reading)
                readTotal(rows, year: year, part: "sheet", into: &reading)
            case .narrative: NarrativeReader(catalog: catalog, documentYear: year).read(rows.flatMap { $0 }, into: &reading)
            case .project: readProject(rows, into: &reading)
            case .none: break
            }
        }
        return reading
    }

    // MARK: - Unit and year

    static func documentYear(_ rows: [[TextCell]]) -> Int? {
        for row in rows {
            for cell in row where cell.text.contains("基础数据表") || cell.text.contains("自评表") || cell.text.contains("自评报告") {
                if let year = leadingYear(cell.text) { return year }
            }
        }
        return nil
    }

    static func unitName(_ rows: [[TextCell]]) -> String? {
        for row in rows {
            for (index, cell) in row.enumerated() where index + 1 < row.count {
                let key = TextNormalization.key(cell.text)
                guard key.contains("单位名称") || key.hasSuffix("(单位)名称") else { continue }
                let name = TextNormalization.trim(row[index + 1].text)
                if !name.isEmpty && !name.contains("盖章") { return name }
            }
        }
        return nil
    }

    /// "2024年度…", "2023 年实际在职人数" → the year.
    static func leadingYear(_ text: String) -> Int? {
        let folded = TextNormalization.foldWidth(text)
        guard let match = folded.range(of: #"(19|20)\d{2}\s*年"#, options: .regularExpression) else { return nil }
        return Int(folded[match].prefix(4))
    }

    // MARK: - Basic data table

    /// A money column: "2023年决算数" → 2023 final.
    static func moneyColumn(_ heading: String, documentYear: Int?) -> (year: Int, basis: Basis)? {
        guard let year = leadingYear(heading) ?? documentYear else { return nil }
        var word = TextNormalization.key(heading)
        if let range = word.range(of: #"^\d{4}年度?"#, options: .regularExpression) { word.removeSubrange(range) }
        // A heading must name its basis: "2022年" alone (a two-level header) is not a column.
        guard !word.isEmpty, let basis = Basis(word: word) else { return nil }
        return (year, basis)
    }

    /// A row label as a catalogue name: numbering, 其中：, colons and a unit in
    /// brackets removed.
    static func metricLabel(_ text: String) -> String {
        var label = TextNormalization.key(text)
        label = label.replacingOccurrences(of: #"^[0-9一二三四五六七八九十]+[、.．]"#, with: "", options: .regularExpression)
        label = label.replacingOccurrences(of: #"^其中[:：]"#, with: "", options: .regularExpression)
        label = label.replacingOccurrences(of: #"[:：]$"#, with: "", options: .regularExpression)
        label = label.replacingOccurrences(of: #"\((万元|元|人)\)$"#, with: "", options: .regularExpression)
        label = label.replacingOccurrences(of: #"（(万元|元|人)）$"#, with: "", options: .regularExpression)
        return label
    }

    static func looksLikeFigure(_ text: String) -> Bool {
        TextNormalization.foldWidth(text).range(of: #"\d"#, options: .regularExpression) != nil
    }

    /// A cell that holds a value: a number (with a unit or %) or a dash.
    static func isValueCell(_ text: String) -> Bool {
        let folded = TextNormalization.foldWidth(TextNormalization.trim(text))
        if folded.isEmpty { return false }
        if FigureText.isMissing(folded) { return true }
        return folded.range(of: #"^-?[0-9][0-9,]*(\.[0-9]+)?\s*(万元|元|亿元|人|%)?$"#, options: .regularExpression) != nil
    }

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
                while index < cells.count, !isValueCell(cells[index].text),
                      key.contains("财政供养人员") || moneyColumn(cells[index].text, documentYear: year) != nil {
                    header.append(cells[index]); index += 1
                }
                result.append(header)
                columns = header.count - 1
                if key.contains("财政供养人员") {
                    var values = [TextCell(text: "", line: cell.line, cell: cell.cell)]
                    while index < cells.count, isValueCell(cells[index].text), values.count <= columns {
                        values.append(cells[index]); index += 1
                    }
                    result.append(values)
                }
                continue
            }
            if isValueCell(cell.text) { continue }           // a stray value: counted below with its label
            var values: [TextCell] = []
            while index < cells.count, isValueCell(cells[index].text) { values.append(cells[index]); index += 1 }
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

    static func readTable(_ rows: [[TextCell]], year: Int?, catalog: MetricCatalog, into reading: inout DocumentReading) {
        let multiCell = rows.filter { $0.count > 1 }.count
        if multiCell == 0 && rows.count > 4 {
            let regrouped = regroupSingleCells(rows, year: year, into: &reading)
            if regrouped.contains(where: { $0.count > 1 }) {
                readTable(regrouped, year: year, catalog: catalog, into: &reading)
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
                    reading.unread.append(UnreadLine(line: row[0].line, text: rowText(row),
                                                     reason: "\(values.count) staff values for \(header.count) headings: they cannot be placed",
                                                     cell: row[0].cell))
                }
                staffHeader = nil
                continue
            }
            if first.contains("经费控制情况") {
                let headings = row.dropFirst().filter { !$0.text.isEmpty }
                let parsed = headings.map { moneyColumn($0.text, documentYear: year) }
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
            if columns != nil, row.count > 1 { groups[groups.count - 1].rows.append(row) }
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
        let lastHasValue = moneyRows.contains { $0.count > lastIndex && isValueCell($0[lastIndex].text) }
        let lastEmpty = moneyRows.allSatisfy { $0.count <= lastIndex || $0[lastIndex].text.isEmpty }
        let extraColumn = firstBlank && lastHasValue
        if firstBlank && lastEmpty && moneyRows.contains(where: { $0.count > lastIndex }) {
            // A first column empty everywhere and a last one empty everywhere: the
            // values could belong to either; nothing is placed.
            for row in moneyRows where row.dropFirst().contains(where: { isValueCell($0.text) }) {
                reading.unread.append(UnreadLine(line: row[0].line, text: rowText(row),
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
            let leftover = values.dropFirst(columns.count).filter { isValueCell($0.text) }
            let label = metricLabel(row[0].text)
            let hasFigures = row.dropFirst().contains { looksLikeFigure($0.text) }
            guard leftover.isEmpty else {
                reading.unread.append(UnreadLine(line: row[0].line, text: rowText(row),
                                                 reason: "more values than the header has columns", cell: row[0].cell))
                continue
            }
            guard let metric = catalog.metric(named: label) else {
                if hasFigures {
                    reading.unread.append(UnreadLine(line: row[0].line, text: rowText(row),
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
                                                          line: cell.line, text: "\(rowLabel(row[0].text))：\(cell.text)", cell: cell.cell))
                }
            }
        }
    }

    static func readStaff(header: [TextCell], values: [TextCell], year: Int?, catalog: MetricCatalog,
                          into reading: inout DocumentReading) {
        for (index, heading) in header.enumerated() where index < values.count {
            let cell = values[index]
            let headingYear = leadingYear(heading.text) ?? year
            var label = TextNormalization.key(heading.text)
            label = label.replacingOccurrences(of: #"^\d{4}年度?"#, with: "", options: .regularExpression)
            // 控制率 in the staff block is the staff control rate the unit states.
            let named = label == "控制率" ? catalog.metric(code: "staff_control_rate") : catalog.metric(named: label)
            guard let metric = named, metric.unit == "人" || metric.isIndicator, let headingYear else {
                if looksLikeFigure(cell.text) {
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

    static func rowLabel(_ text: String) -> String {
        var label = text
        while let last = label.last, last == ":" || last == "：" { label.removeLast() }
        return label
    }

    /// Cells up to the last non-empty one.
    static func trimmedCount(_ row: [TextCell]) -> Int {
        (row.lastIndex { !$0.text.isEmpty } ?? -1) + 1
    }

    static func rowText(_ row: [TextCell]) -> String {
        row.map { $0.text.isEmpty ? "∅" : $0.text }.joined(separator: " | ")
    }

    // MARK: - Scoring sheet and project forms

    static func exact(_ text: String) -> ExactValue? {
        ExactValue(parsing: TextNormalization.foldWidth(TextNormalization.trim(text)))
    }

    /// "投入（14分）" → "投入".
    static func levelName(_ text: String) -> String? {
        let name = TextNormalization.trim(text.replacingOccurrences(of: #"[（(]\s*[0-9.]+\s*分\s*[）)]"#, with: "", options: .regularExpression))
        return name.isEmpty ? nil : name
    }

    /// Rows under the 一级指标 … 分值 … 自评分 header, read by column.
    static func readScoringSheet(_ rows: [[TextCell]], into reading: inout DocumentReading) {
        var columns: [String: Int]?
        var width = 0
        var level1: String?
        var level2: String?
        for row in rows {
            let keys = row.map { TextNormalization.key($0.text) }
            if keys.contains("分值") && keys.contains("三级指标") && (keys.contains("自评分") || keys.contains("自评得分")) {
                var found: [String: Int] = [:]
                for (index, key) in keys.enumerated() {
                    if key.hasPrefix("一级") { found["level1"] = index }
                    if key.hasPrefix("二级") { found["level2"] = index }
                    if key == "三级指标" { found["indicator"] = index }
                    if key == "分值" { found["points"] = index }
                    if key.hasPrefix("评分标准") { found["rule"] = index }
                    if key == "自评分" || key == "自评得分" { found["self"] = index }
                }
                columns = found
                width = row.count
                continue
            }
            guard let columns, let indicatorAt = columns["indicator"], let pointsAt = columns["points"],
                  let selfAt = columns["self"], row.count > indicatorAt else { continue }
            let first = TextNormalization.key(row[0].text)
            if first == "合计" || first == "总分" { continue }
            let indicator = TextNormalization.trim(row[indicatorAt].text)
            guard !indicator.isEmpty else { continue }
            let points = row.count > pointsAt ? exact(row[pointsAt].text) : nil
            let selfText = row.count > selfAt ? TextNormalization.trim(row[selfAt].text) : ""
            let selfPoints = exact(selfText)
            guard row.count == width, points != nil, selfText.isEmpty || selfPoints != nil else {
                reading.unread.append(UnreadLine(line: row[0].line, text: rowText(row),
                                                 reason: "a scoring-sheet row whose cells do not line up with the header",
                                                 cell: row[0].cell))
                continue
            }
            if let at = columns["level1"], let name = levelName(row[at].text) { level1 = name; level2 = nil }
            if let at = columns["level2"], let name = levelName(row[at].text) { level2 = name }
            reading.scoringItems.append(ScoringItem(
                level1: level1, level2: level2, indicator: indicator, maxPoints: points, selfPoints: selfPoints,
                rule: columns["rule"].map { TextNormalization.trim(row[$0].text) } ?? "",
                location: row[indicatorAt].cell ?? "line \(row[indicatorAt].line)"))
        }
    }

    /// 项目支出名称 and the 年度资金总额 row of a project form.
    static func readProject(_ rows: [[TextCell]], into reading: inout DocumentReading) {
        var project: ProjectForm?
        var header: [String] = []
        for row in rows {
            let keys = row.map { TextNormalization.key($0.text) }
            if let index = keys.firstIndex(where: { $0.contains("项目支出名称") || $0 == "项目名称" }), index + 1 < row.count {
                if let done = project { reading.projects.append(done) }
                let name = TextNormalization.trim(row[index + 1].text)
                project = name.isEmpty ? nil : ProjectForm(name: name, location: row[index + 1].cell ?? "line \(row[index + 1].line)")
                continue
            }
            if keys.contains("年初预算数") && keys.contains("全年执行数") { header = keys; continue }
            guard project != nil else { continue }
            if let label = keys.firstIndex(of: "年度资金总额"), !header.isEmpty {
                for (index, cell) in row.enumerated() where index > label && index < header.count {
                    let value = exact(cell.text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "％", with: ""))
                    switch header[index] {
                    case "年初预算数": project!.initial = value
                    case "全年预算数": project!.budget = value
                    case "全年执行数": project!.final = value
                    case "执行率": project!.executionRate = value
                    default: break
                    }
                }
            }
            if keys.first == "总分" {
                project!.selfScore = row.dropFirst().compactMap { exact($0.text) }.last
            }
        }
        if let done = project { reading.projects.append(done) }
    }

    // MARK: - Self-evaluation form

    /// 年度资金总额 by the 年初预算数 / 全年预算数 / 全年执行数 header, the
    /// "label：value" cells of the income and spending split, and 总分.
    static func readForm(_ rows: [[TextCell]], year: Int?, part: String, catalog: MetricCatalog,
                         into reading: inout DocumentReading) {
        guard let year else { return }
        var header: [TextCell]?
        for row in rows {
            let keys = row.map { TextNormalization.key($0.text) }
            if keys.contains("年初预算数") && keys.contains("全年执行数") {
                header = row
                continue
            }
            if keys.contains(where: { $0.contains("绩效指标") || $0.contains("一级指标") || $0.contains("年度总体目标") }) {
                header = nil          // the indicator rows have columns of their own
            }
            if let current = header, trimmedCount(row) != trimmedCount(current),
               let labelIndex = keys.firstIndex(where: { !$0.isEmpty }),
               catalog.metric(named: metricLabel(row[labelIndex].text)) != nil,
               row.dropFirst(labelIndex + 1).contains(where: { isValueCell($0.text) }) {
                reading.unread.append(UnreadLine(line: row[0].line, text: rowText(row),
                                                 reason: "a form row whose cells do not line up with its header", cell: row[0].cell))
                continue
            }
            if let header, let labelIndex = keys.firstIndex(where: { !$0.isEmpty }),
               let metric = catalog.metric(named: metricLabel(row[labelIndex].text)), metric.unit == "万元" {
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
        let cleaned = metricLabel(label)
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
}
