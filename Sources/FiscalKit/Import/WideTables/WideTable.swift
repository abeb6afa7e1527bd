import Foundation

/// Reads the analyst's own spreadsheets: wide tables, one row per unit and one
/// column per metric, often one sheet per year — as CSV (UTF-8 or GB18030) or
/// Excel (.xlsx, every sheet).
///
/// ```
/// 各乡镇2023年三公经费情况汇总表
/// 单位：万元
/// 乡镇,      三公经费,            ,            ,常住人口（人）
///     ,      2022年决算数,2023年预算数,2023年决算数,
/// 示例县石门镇,5.06,       3,          3.29,       55407
/// 合计,      …
/// 说明：…
/// ```
///
/// gives, for 示例县石门镇, three_public_total 2022 final 5.06, 2023 budget 3,
/// 2023 final 3.29, and resident_population 2023 55407 (the title's year);
/// `fiscal import` stores them, `fiscal inspect` shows them.
///
/// What is read:
/// - **The unit** from the column headed 单位, 单位名称, 乡镇, 部门, 单位名称（盖章）…
/// - **Metrics** from the other headings, by any catalogue name
///   (``MetricCatalog/metric(named:)``), with an optional unit in brackets
///   (三公经费（元）, 常住人口（人）): values are converted to the metric's unit
///   exactly (32900 元 → 3.29 万元). A 单位：元 line above the table is the unit of
///   money columns without brackets. An indicator column (在职人员控制率,
///   财政供养比) is stored with basis `reported`, never as an input.
/// - **Year, basis and period** from the heading when it says so (2023年预算数,
///   2023年三公经费预算数, 三公经费（2024年决算数）, 1-6月税收收入), else a 年度/年份
///   column (季度 for the period), else the title and the sheet name (2023,
///   2023年, 2023年度), else the file name (a year 19xx/20xx in it), else `--year`.
///   Basis: final unless a heading, the title or the sheet name names another.
///   Periods: 一季度/1-3月 → quarter 1, 上半年/1-6月 → 2, 前三季度/1-9月 → 3; any
///   other month or quarter is not stored.
/// - **Headers** over two or three rows, merged cells (in CSV the text stands
///   once, the cells after it empty); title rows above; when no column names a
///   metric, the one metric the title names ("各乡镇2023年三公经费情况表" over
///   2023年预算数 | 2023年决算数).
///
/// What is not stored, and how it is reported:
/// - 合计/总计/小计/全县 rows and blank rows: skipped, never a unit; notes under
///   the table (说明：, 注：, 填表人 …) end it.
/// - Empty cells and dashes (—, ——, -): missing, never 0.
/// - A heading the catalogue does not know: listed once in
///   ``DocumentReading/ignoredColumns``. A file with no metric column is an error.
/// - A number with a typo (1O5.38): the file is refused whole, each such cell
///   reported with its line (as a tidy CSV's bad rows); a word in a value cell
///   (待核实, 无) is a note: listed as not understood, not stored.
/// - A figure whose year or period cannot be decided, a heading whose unit does
///   not fit its metric: listed in ``DocumentReading/unread`` with its cell; the
///   other cells are stored.
/// - A workbook with a package's parts (基础数据表, 自评表, 自评报告) is a package,
///   read by ``DocumentReader``.
///
/// Each figure carries its unit (``DocumentFigure/unit``), part `table`, its
/// cell (`2023!C5` in a workbook, `line 5 column C` in a CSV) and the text
/// `示例县石门镇 三公经费（万元） 2023年决算数：3.29`.
enum WideTable {
    /// The records of a CSV text as one sheet (at most `limit` records).
    static func csvSheet(_ bytes: [UInt8], limit: Int? = nil) -> CellSheet {
        var pending: [UInt8]? = bytes
        let reader = CSVRecordReader {
            defer { pending = nil }
            return pending ?? []
        }
        var sheet = CellSheet(name: nil, rows: [], rowNumbers: [])
        while (try? reader.next()) == true {
            let line = reader.line
            sheet.rows.append((0..<reader.fieldCount).map {
                TextCell(text: TextNormalization.trim(reader.string(at: $0) ?? ""), line: line)
            })
            sheet.rowNumbers.append(line)
            if let limit, sheet.rows.count >= limit { break }
        }
        return sheet
    }

    /// A CSV text (UTF-8, as ``UTF8BlockStream`` gives it) read as a wide
    /// table; nil when it is none: no header with a unit column within its
    /// first rows, or a package's titles in it.
    static func readCSV(_ bytes: [UInt8], path: String, catalog: MetricCatalog, year: Int?) throws -> DocumentReading? {
        guard !WideTableHeader.headerRows(of: csvSheet(bytes, limit: 40)).isEmpty else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        if WideTableHeader.packageTitles.contains(where: { text.contains($0) }) { return nil }
        return try read(sheets: [csvSheet(bytes)], path: path, catalog: catalog, year: year)
    }

    /// Whether the first line of a CSV is a wide header: a unit column, no
    /// tidy metric or value column, and a column that names a catalogue metric.
    /// (A tidy header with a defect is not one: the tidy import reports it.)
    static func isWideHeader(_ fields: [String], catalog: MetricCatalog) -> Bool {
        let catalog = summaryCatalog(catalog)
        let sheet = CellSheet(name: nil, rows: [fields.map { TextCell(text: TextNormalization.trim($0), line: 1) }],
                              rowNumbers: [1])
        let keys = Set(fields.map { TextNormalization.key($0) })
        guard keys.isDisjoint(with: TidyCSVHeader.Column.metric.words), keys.isDisjoint(with: TidyCSVHeader.Column.value.words),
              let header = WideTableHeader.read(sheet, catalog: catalog) else { return false }
        return !header.figureColumns.isEmpty     // each names a metric: the others are ignored
    }

    /// The sheets of a workbook (or the one sheet of a CSV) read as wide
    /// tables; nil when none has a wide header, or when the workbook is a
    /// package. Throws when no column of any sheet names a catalogue metric.
    /// An analyst's summary sheet is of townships' finances when it says 一般公共预算收入:
    /// revenue collected (a department's appropriation is written 一般公共预算财政拨款).
    static func summaryCatalog(_ catalog: MetricCatalog) -> MetricCatalog {
        catalog.reassigning("一般公共预算收入", to: "fiscal_revenue")
    }

    static func read(sheets: [CellSheet], path: String, catalog: MetricCatalog, year: Int?) throws -> DocumentReading? {
        let catalog = summaryCatalog(catalog)
        let isPackage = sheets.contains { sheet in
            WideTableHeader.packageTitles.contains { title in
                (sheet.name ?? "").contains(title) || sheet.rows.contains { $0.contains { $0.text.contains(title) } }
            }
        }
        if isPackage { return nil }
        let headers = sheets.map { WideTableHeader.read($0, catalog: catalog) }
        guard headers.contains(where: { $0 != nil }) else { return nil }

        var reading = DocumentReading()
        reading.isWideTable = true
        let fileYear = fileNameYear(path)
        for (sheet, header) in zip(sheets, headers) {
            guard let header else {
                // A sheet of notes is no table; one with figures but no header is listed.
                if sheet.rows.contains(where: { $0.contains { CellText.looksLikeFigure($0.text) } }),
                   let first = sheet.rows.lazy.flatMap({ $0 }).first(where: { !$0.text.isEmpty }) {
                    reading.unread.append(UnreadLine(line: first.line, text: sheet.name ?? first.text,
                                                     reason: "no header with a unit column (单位, 单位名称, 乡镇 …): the sheet is not read",
                                                     cell: first.cell))
                }
                continue
            }
            SheetReader(sheet: sheet, header: header, fileYear: fileYear, year: year).read(into: &reading)
        }
        if !headers.contains(where: { !($0?.figureColumns.isEmpty ?? true) }) {
            var message = "a table of units (one row per unit), but none of its columns names a catalogue metric"
            if !reading.ignoredColumns.isEmpty { message += " (\(reading.ignoredColumns.joined(separator: ", ")))" }
            // Columns of periods only, under a title that names several metrics.
            if let title = headers.compactMap({ $0?.titleMetricProblem }).first(where: { $0.contains(" metrics (") }) {
                message += "; \(title)"
            }
            throw FiscalError.file(path, message + "; `fiscal metrics` lists the names, `fiscal metrics load` adds synonyms")
        }
        return reading
    }

    /// The year a file's name states: one year 19xx/20xx, not part of a longer number.
    static func fileNameYear(_ path: String) -> WideDecision<Int> {
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let pattern = try! NSRegularExpression(pattern: #"(?<![0-9])(19|20)[0-9]{2}(?![0-9])"#)
        let years = Set(pattern.matches(in: name, range: NSRange(name.startIndex..., in: name)).compactMap {
            Range($0.range, in: name).flatMap { Int(name[$0]) }
        })
        if years.count == 1 { return .value(years.first!) }
        if years.count > 1 {
            return .undecided("the file name names \(years.count) years (\(years.sorted().map(String.init).joined(separator: ", ")))")
        }
        return .none
    }

    /// 合计, 总计, 小计, 全县 …: a row of totals, not a unit.
    static func isTotalRow(_ key: String) -> Bool {
        ["合计", "总计", "小计", "汇总", "平均"].contains { key.contains($0) }
            || ["全县", "全市", "全区", "全镇", "全乡", "总数"].contains(key) || key.hasPrefix("其中")
    }

    /// 说明：, 注：, 填表人 …: notes under the table, which end it.
    static func isNoteRow(_ key: String) -> Bool {
        if key == "注" || key.hasPrefix("注:") || key.range(of: #"^注[0-9一二三、.]"#, options: .regularExpression) != nil {
            return true
        }
        return ["说明", "备注:", "填表人", "填报人", "制表人", "审核人", "负责人", "联系人", "联系电话", "填表日期", "填报日期",
                "制表日期", "数据来源", "资料来源", "单位负责人"].contains { key.hasPrefix($0) }
    }

    /// A value, or why there is none.
    enum Outcome<Value> {
        case value(Value)
        case problem(String)
    }

    /// Reads the rows of one sheet under its header.
    struct SheetReader {
        let sheet: CellSheet
        let header: WideTableHeader
        let fileYear: WideDecision<Int>
        let year: Int?

        /// Where a cell is: its Excel name, or its line and column in a CSV.
        func location(_ cell: TextCell, column: Int) -> String {
            cell.cell ?? "line \(cell.line) column \(CellSheet.columnName(column))"
        }

        /// A cell, or for a cell inside a block merged down (a unit over two
        /// rows), the text of the block's first cell.
        func text(row: Int, column: Int) -> String {
            let text = sheet.cell(row, column).text
            guard text.isEmpty, row < sheet.rowNumbers.count else { return text }
            let number = sheet.rowNumbers[row]
            guard let merge = sheet.merges.first(where: { $0.rows.contains(number) && $0.columns.contains(column) }),
                  merge.rows.lowerBound < number, merge.columns.lowerBound == column,
                  let first = sheet.rowNumbers.firstIndex(of: merge.rows.lowerBound) else { return text }
            return sheet.cell(first, column).text
        }

        /// What a figure column needs besides the row: its metric, the unit its
        /// values are written in, its basis, and its year and period when the
        /// column (not the row) decides them; or why it cannot be stored.
        struct Plan {
            var column: WideTableHeader.Column
            var metric: Metric
            var suffix: String?
            var basis: Basis
            /// nil: from the row's 年度 cell.
            var year: Int?
            /// nil: from the row's 季度 cell.
            var quarter: Int?
        }

        func plan(_ column: WideTableHeader.Column, heading: WideColumnHeading) -> Outcome<Plan> {
            guard let metric = heading.metric else { return .problem("no metric") }
            if let problem = heading.problem { return .problem(problem) }
            let suffix = heading.unitSuffix ?? (metric.unit == "万元" ? header.moneyUnit : nil)
            if let suffix, case let .invalid(reason) = FigureText.read("1" + suffix, unit: metric.unit) {
                return .problem("the heading's unit does not fit \(metric.code): \(reason.replacingOccurrences(of: "'1\(suffix)': ", with: ""))")
            }
            var basis = heading.basis ?? .final
            if heading.basis == nil {
                switch header.basis {
                case let .value(stated): basis = stated
                case let .undecided(reason) where !metric.isIndicator: return .problem(reason)
                default: break
                }
            }
            if metric.isIndicator { basis = .reported }
            var quarter: Int?
            switch heading.quarter {
            case let .quarter(value)?: quarter = value
            case let .unsupported(word)?:
                return .problem("\(word): only year-to-date periods (一季度/1-3月, 上半年/1-6月, 前三季度/1-9月, 全年) are stored")
            case nil:
                if header.quarterColumn == nil {
                    switch header.quarter {
                    case let .value(value): quarter = value
                    case let .undecided(reason): return .problem(reason)
                    case .none: quarter = 0
                    }
                }
            }
            var year: Int? = heading.years.first
            if year == nil && header.yearColumn == nil {
                switch header.year {
                case let .value(value): year = value
                case let .undecided(reason): return .problem(reason)
                case .none:
                    switch fileYear {
                    case let .value(value): year = value
                    case let .undecided(reason): return .problem(reason)
                    case .none:
                        guard let given = self.year else {
                            return .problem("no year: the heading, a 年度 column, the title, the sheet name and the file name state none; give it with --year")
                        }
                        year = given
                    }
                }
            }
            return .value(Plan(column: column, metric: metric, suffix: suffix, basis: basis, year: year, quarter: quarter))
        }

        func read(into reading: inout DocumentReading) {
            var plans: [Plan] = []
            for column in header.columns {
                let place = location(column.cell, column: column.index)
                switch column.role {
                case .year, .quarter:
                    continue
                case .ignored:
                    if !reading.ignoredColumns.contains(column.text) { reading.ignoredColumns.append(column.text) }
                case let .figure(heading):
                    switch plan(column, heading: heading) {
                    case let .value(plan): plans.append(plan)
                    case let .problem(reason):
                        reading.unread.append(UnreadLine(line: column.cell.line, text: column.text, reason: reason, cell: place))
                    }
                }
            }
            let titleName = header.titleMetric.map { $0.name + " " } ?? ""
            var row = header.dataStart
            while row < sheet.rows.count {
                defer { row += 1 }
                let cells = sheet.rows[row]
                guard let first = cells.first(where: { !$0.text.isEmpty }) else { continue }   // a blank row
                if isNoteRow(TextNormalization.key(first.text)) { break }
                let unit = text(row: row, column: header.unitColumn)
                let unitKey = TextNormalization.key(unit.isEmpty ? first.text : unit)
                if isTotalRow(unitKey) || WideTableHeader.isUnitHeading(unit) { continue }
                let rowLine = first.line
                let unitCell = sheet.cell(row, header.unitColumn)
                // A label row (一、乡镇) has no cells under the figure columns at all.
                if plans.allSatisfy({ sheet.cell(row, $0.column.index).text.isEmpty }) { continue }
                let hasFigures = plans.contains { !FigureText.isMissing(TextNormalization.foldWidth(sheet.cell(row, $0.column.index).text)) }
                guard !unit.isEmpty, unit.contains(where: { $0.isLetter }) else {
                    if hasFigures {
                        reading.unread.append(UnreadLine(line: rowLine, text: CellText.rowText(cells),
                                                         reason: unit.isEmpty ? "a row without a unit" : "'\(unit)' is not a unit name",
                                                         cell: location(unitCell, column: header.unitColumn)))
                    }
                    continue
                }
                // The row's year and period, when a column of the row holds them.
                var rowYear: Outcome<Int>?
                var yearText = ""
                if let column = header.yearColumn {
                    yearText = text(row: row, column: column)
                    if let value = WideTableHeader.yearCell(yearText) {
                        rowYear = .value(value)
                    } else {
                        rowYear = .problem(yearText.isEmpty ? "the 年度 cell is empty" : "'\(yearText)' in the 年度 column is not a year")
                    }
                }
                var rowQuarter: Outcome<Int>?
                if let column = header.quarterColumn {
                    let quarterText = text(row: row, column: column)
                    if let value = QuarterWord.parse(quarterText) {
                        rowQuarter = .value(value)
                    } else {
                        rowQuarter = .problem("'\(quarterText)' in the 季度 column is not a quarter")
                    }
                }
                var rowProblems: Set<String> = []
                for plan in plans {
                    let cell = sheet.cell(row, plan.column.index)
                    let raw = cell.text
                    let folded = TextNormalization.foldWidth(TextNormalization.trim(raw))
                    if FigureText.isMissing(folded) {
                        reading.missing += 1
                        continue
                    }
                    let place = location(cell, column: plan.column.index)
                    let year: Int
                    switch (plan.year, rowYear) {
                    case let (stated?, .value(value)?) where stated != value:
                        reading.unread.append(UnreadLine(line: cell.line, text: "\(unit) \(plan.column.text)：\(raw)",
                                                         reason: "the heading says \(stated), the 年度 cell \(value)", cell: place))
                        continue
                    case let (stated?, _): year = stated
                    case let (nil, .value(value)?): year = value
                    case let (nil, .problem(reason)?):
                        if rowProblems.insert(reason).inserted {
                            reading.unread.append(UnreadLine(line: rowLine, text: CellText.rowText(cells), reason: reason,
                                                             cell: location(sheet.cell(row, header.yearColumn!), column: header.yearColumn!)))
                        }
                        continue
                    case (nil, nil): continue     // not reached: the plan has a year when there is no 年度 column
                    }
                    var quarter = 0
                    switch (plan.quarter, rowQuarter) {
                    case let (stated?, _): quarter = stated
                    case let (nil, .value(value)?): quarter = value
                    case let (nil, .problem(reason)?):
                        if rowProblems.insert(reason).inserted {
                            reading.unread.append(UnreadLine(line: rowLine, text: CellText.rowText(cells), reason: reason,
                                                             cell: location(sheet.cell(row, header.quarterColumn!), column: header.quarterColumn!)))
                        }
                        continue
                    case (nil, nil): quarter = 0
                    }
                    let yearPrefix = plan.year == nil && header.yearColumn != nil ? "\(yearText) " : ""
                    let text = "\(unit) \(yearPrefix)\(titleName)\(plan.column.text)：\(raw)"
                    // A value with its own unit (3.29万元, 95%) is read as written.
                    let hasOwnUnit = folded.last.map { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? false
                    switch FigureText.read(hasOwnUnit ? folded : folded + (plan.suffix ?? ""), unit: plan.metric.unit) {
                    case let .value(value):
                        reading.figures.append(DocumentFigure(metric: plan.metric.code, year: year, basis: plan.basis, value: value,
                                                              part: "table", line: cell.line, text: text,
                                                              cell: place, quarter: quarter, unit: unit))
                    case .missing:
                        reading.missing += 1
                    case var .invalid(reason):
                        if case let .invalid(plain) = FigureText.read(folded, unit: plan.metric.unit) { reason = plain }
                        // A word (待核实, 无) is a note: listed, not stored. A number with a typo
                        // (1O5.38) is a broken figure of the analyst's data: it stops the whole
                        // file, as a tidy CSV's bad row does (inspect lists it).
                        let problem = UnreadLine(line: cell.line, text: text, reason: reason, cell: place)
                        reading.unread.append(problem)
                        if folded.contains(where: { $0.isASCII && $0.isNumber }) { reading.invalidCells.append(problem) }
                    }
                }
            }
        }
    }
}
