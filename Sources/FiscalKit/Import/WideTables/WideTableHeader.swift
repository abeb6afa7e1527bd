import Foundation

/// Something a sheet may or may not decide: a year, a basis, a period.
enum WideDecision<Value: Equatable>: Equatable {
    case none
    case value(Value)
    /// Stated in two ways that disagree, or in a way the store cannot hold.
    case undecided(String)

    /// Two sources of one sheet (the title and the sheet name): agreeing or one silent.
    func merged(with other: WideDecision, describe: (Value) -> String) -> WideDecision {
        switch (self, other) {
        case (.undecided, _): return self
        case (_, .undecided): return other
        case (.none, _): return other
        case (_, .none): return self
        case let (.value(a), .value(b)):
            return a == b ? self : .undecided("the title and the sheet name disagree (\(describe(a)), \(describe(b)))")
        }
    }
}

/// The header of a wide table and what the sheet around it says: which column
/// holds the unit, the year (年度) and the quarter (季度), what every other
/// column holds, and the year, basis, period and money unit of the title rows
/// and the sheet name.
///
/// The header row is the first (of the first 30) with a unit heading (单位,
/// 单位名称, 乡镇, 部门, 单位名称（盖章）…) and another heading. Rows under it
/// with no unit and no figures — only headings — are more header rows (a
/// 三公经费（万元） merged over 2022年决算数 | 2023年预算数 …, up to three rows in
/// all). A merged heading's text is in its first cell only: an Excel sheet's
/// `<mergeCells>` say how far it reaches; without them (CSV, a sheet written
/// without merging) a heading reaches right over the empty cells that have
/// headings under them.
struct WideTableHeader {
    enum Role: Equatable {
        case year, quarter
        /// A figure column: what its heading says.
        case figure(WideColumnHeading)
        /// A heading that names no catalogue metric (listed once, skipped).
        case ignored
    }

    struct Column {
        var index: Int
        /// The heading as written, header rows joined by a space.
        var text: String
        /// Its first heading cell, for locations.
        var cell: TextCell
        var role: Role
    }

    /// Index in the sheet's rows of the first header row, and of the first row after the header.
    var firstRow: Int
    var dataStart: Int
    var unitColumn: Int
    var columns: [Column]
    /// The title rows' and the sheet name's year, basis and period.
    var year: WideDecision<Int> = .none
    var basis: WideDecision<Basis> = .none
    var quarter: WideDecision<Int> = .none
    /// 单位：元 above the table: the unit of money columns whose heading has none.
    var moneyUnit: String?
    /// The metric the title names, when every column names only a period
    /// ("各乡镇2023年三公经费情况表" over 2023年预算数 | 2023年决算数).
    var titleMetric: (name: String, metric: Metric)?
    /// Why the title's metric could not be used, when the columns needed it.
    var titleMetricProblem: String?

    var yearColumn: Int? { columns.first { $0.role == .year }?.index }
    var quarterColumn: Int? { columns.first { $0.role == .quarter }?.index }
    var figureColumns: [Column] { columns.filter { if case .figure = $0.role { return true } else { return false } } }

    static let unitHeadings: Set<String> = Set(TidyCSVHeader.Column.unit.words + [
        "预算单位名称", "单位全称", "部门(单位)", "单位(部门)", "部门(单位)名称", "单位(部门)名称", "部门单位",
        "乡镇", "乡镇名称", "乡镇(街道)", "乡镇(街道)名称", "乡镇街道", "乡(镇)", "镇(乡)", "乡镇(场)", "街道",
    ])
    static let skippedHeadings: Set<String> = ["序号", "编号", "行次", "no", "no."]
    static let packageTitles = ["基础数据表", "自评表", "自评报告"]

    /// 单位名称（盖章） → 单位名称; then whether it is a unit heading.
    static func isUnitHeading(_ text: String) -> Bool {
        var key = TextNormalization.key(text)
        for suffix in ["(盖章)", "(全称)", ":"] where key.hasSuffix(suffix) { key.removeLast(suffix.count) }
        return unitHeadings.contains(key)
    }

    /// The rows that may be a sheet's header, in order: rows among its first 30
    /// with a unit heading and another heading, each with its unit column.
    /// A tidy header (it names metric and value columns) ends the search: such
    /// a sheet is no wide table.
    static func headerRows(of sheet: CellSheet) -> [(row: Int, unitColumn: Int)] {
        var found: [(row: Int, unitColumn: Int)] = []
        for (index, row) in sheet.rows.prefix(30).enumerated() {
            guard row.filter({ !$0.text.isEmpty }).count >= 2,
                  let unitColumn = row.firstIndex(where: { isUnitHeading($0.text) }) else { continue }
            let keys = Set(row.map { TextNormalization.key($0.text) })
            if !keys.isDisjoint(with: TidyCSVHeader.Column.metric.words) && !keys.isDisjoint(with: TidyCSVHeader.Column.value.words) {
                return []
            }
            found.append((index, unitColumn))
        }
        return found
    }

    /// Reads the header of a sheet (see the type's discussion); nil without one.
    /// The first header row with a figure column wins ("单位,示例县财政局" above
    /// the table is not the header); without one, the first header row (its
    /// columns are then listed as ignored).
    static func read(_ sheet: CellSheet, catalog: MetricCatalog) -> WideTableHeader? {
        let headers = headerRows(of: sheet).map { read(sheet, row: $0.row, unitColumn: $0.unitColumn, catalog: catalog) }
        return headers.first { !$0.figureColumns.isEmpty } ?? headers.first
    }

    static func read(_ sheet: CellSheet, row firstRow: Int, unitColumn: Int, catalog: MetricCatalog) -> WideTableHeader {
        // More header rows: no unit, no figures, some headings.
        var end = firstRow + 1
        while end < sheet.rows.count, end < firstRow + 3 {
            let row = sheet.rows[end]
            let texts = row.enumerated().filter { !$0.element.text.isEmpty }
            guard sheet.cell(end, unitColumn).text.isEmpty, !texts.isEmpty,
                  texts.allSatisfy({ !CellText.isValueCell($0.element.text) || isYearText($0.element.text) }) else { break }
            end += 1
        }
        let levels = filledLevels(sheet, rows: firstRow..<end, unitColumn: unitColumn)
        var header = WideTableHeader(firstRow: firstRow, dataStart: end, unitColumn: unitColumn, columns: [])
        header.readTitle(sheet, above: firstRow, catalog: catalog)

        let width = levels.map(\.count).max() ?? 0
        for column in 0..<width where column != unitColumn {
            var cells: [TextCell] = []
            for level in levels where column < level.count && !level[column].text.isEmpty {
                if cells.last?.text != level[column].text { cells.append(level[column]) }
            }
            guard let first = cells.first else { continue }
            let text = cells.map(\.text).joined(separator: " ")
            let key = TextNormalization.key(text)
            let role: Role
            if cells.count == 1 && TidyCSVHeader.Column.year.words.contains(key) {
                role = .year
            } else if cells.count == 1 && TidyCSVHeader.Column.quarter.words.contains(key) {
                role = .quarter
            } else if cells.count == 1 && skippedHeadings.contains(key) {
                continue
            } else {
                let parsed = cells.map { WideColumnHeading.parse($0.text, catalog: catalog) }
                if parsed.contains(where: { $0 == nil }) {
                    role = .ignored
                } else {
                    role = .figure(WideColumnHeading.combine(parsed.map { $0! }))
                }
            }
            header.columns.append(Column(index: column, text: text, cell: first, role: role))
        }
        header.applyTitleMetric()
        return header
    }

    /// The header rows with merged headings spread over the columns they cover.
    static func filledLevels(_ sheet: CellSheet, rows: Range<Int>, unitColumn: Int) -> [[TextCell]] {
        var levels = rows.map { sheet.rows[$0] }
        let width = levels.map(\.count).max() ?? 0
        for index in levels.indices {
            while levels[index].count < width {
                levels[index].append(TextCell(text: "", line: levels[index].first?.line ?? 0, cell: nil))
            }
        }
        let numbers = rows.map { sheet.rowNumbers[$0] }
        let merges = sheet.merges.filter { numbers.contains($0.rows.lowerBound) && $0.columns.count > 1 }
        if !merges.isEmpty {
            // Excel says how far each merged heading reaches.
            for merge in merges {
                let level = numbers.firstIndex(of: merge.rows.lowerBound)!
                let first = merge.columns.lowerBound
                guard first < width, !levels[level][first].text.isEmpty else { continue }
                for column in merge.columns.dropFirst() where column < width && levels[level][column].text.isEmpty {
                    levels[level][column].text = levels[level][first].text
                }
            }
            return levels
        }
        // Without merges: a heading reaches right over empty cells with headings under them.
        for level in levels.indices.dropLast() {
            var group: String?
            for column in 0..<width {
                let below = levels[(level + 1)...].contains { !$0[column].text.isEmpty }
                if column == unitColumn {
                    group = nil
                } else if !levels[level][column].text.isEmpty {
                    group = below ? levels[level][column].text : nil
                } else if let text = group, below {
                    levels[level][column].text = text
                } else {
                    group = nil
                }
            }
        }
        return levels
    }

    /// 2023, 2023年, 2023年度.
    static func isYearText(_ text: String) -> Bool {
        TextNormalization.key(text).range(of: #"^(19|20)\d{2}(年度?)?$"#, options: .regularExpression) != nil
    }

    /// The year of a 年度 cell: 2023, 2023年, 2023年度 (or Excel's 2023.0).
    static func yearCell(_ text: String) -> Int? {
        var key = TextNormalization.key(text)
        if key.hasSuffix(".0") { key.removeLast(2) }
        guard isYearText(key) else { return nil }
        return Int(key.prefix(4))
    }

    // MARK: - Title rows and sheet name

    /// Reads what the rows above the header say: the money unit (单位：万元),
    /// the year, basis and period of the title, and the metric it names.
    mutating func readTitle(_ sheet: CellSheet, above headerRow: Int, catalog: MetricCatalog) {
        var titles: [String] = []
        for row in sheet.rows[..<headerRow] {
            for cell in row where !cell.text.isEmpty {
                var key = TextNormalization.key(cell.text)
                if let range = key.range(of: #"单位:(万元|元|亿元|千元)"#, options: .regularExpression) {
                    moneyUnit = String(key[range].drop { $0 == "单" || $0 == "位" || $0 == ":" })
                    key.removeSubrange(range)
                }
                // A filling date or signature line is not the title.
                let notTitle = ["日期", "时间", "填报人", "填表人", "制表", "联系", "电话", "审核"].contains { key.contains($0) }
                    || key.range(of: #"^(19|20)\d{2}[年.\-/]\d{1,2}[月.\-/]\d{1,2}日?$"#, options: .regularExpression) != nil
                if !notTitle && !key.isEmpty { titles.append(key) }
            }
        }
        let title = titles.joined(separator: "|")
        // The title's metric names come out first: 一般公共预算支出 names no basis.
        let named = Self.metricNames(in: title, catalog: catalog)
        var rest = title
        for (name, _) in named.sorted(by: { $0.name.count > $1.name.count }) {
            rest = rest.replacingOccurrences(of: name, with: "|")
        }
        for word in ["预算单位", "预算部门"] { rest = rest.replacingOccurrences(of: word, with: "|") }
        let fromTitle = Self.period(of: rest, source: "the title")
        var fromName = (year: WideDecision<Int>.none, basis: WideDecision<Basis>.none, quarter: WideDecision<Int>.none)
        if let name = sheet.name {
            var nameKey = TextNormalization.key(name)
            for (metricName, _) in Self.metricNames(in: nameKey, catalog: catalog) {
                nameKey = nameKey.replacingOccurrences(of: metricName, with: "|")
            }
            fromName = Self.period(of: nameKey, source: "the sheet name")
        }
        year = fromTitle.year.merged(with: fromName.year) { String($0) }
        basis = fromTitle.basis.merged(with: fromName.basis) { $0.nameZh }
        quarter = fromTitle.quarter.merged(with: fromName.quarter) { $0 == 0 ? "全年" : "quarter \($0)" }

        let metrics = Dictionary(grouping: named, by: { $0.metric.code })
        if metrics.count == 1, let first = named.first {
            titleMetric = (first.name, first.metric)
        } else if metrics.count > 1 {
            titleMetricProblem = "the title names \(metrics.count) metrics (\(named.map(\.name).joined(separator: ", ")))"
        } else {
            titleMetricProblem = "the title names no catalogue metric"
        }
    }

    /// When no column names a metric and the title names one, the columns
    /// that name only a period are that metric's.
    mutating func applyTitleMetric() {
        let named = columns.contains { if case let .figure(heading) = $0.role { return heading.metric != nil } else { return false } }
        for index in columns.indices {
            guard case var .figure(heading) = columns[index].role, heading.metric == nil else { continue }
            if !named, let (_, metric) = titleMetric {
                heading.metric = metric
                columns[index].role = .figure(heading)
            } else {
                columns[index].role = .ignored
            }
        }
        if named { titleMetric = nil }
    }

    /// The year, basis and period a free text (a title, a sheet name) states.
    static func period(of key: String, source: String)
        -> (year: WideDecision<Int>, basis: WideDecision<Basis>, quarter: WideDecision<Int>) {
        let (years, rest) = PeriodWords.years(in: key)
        var year = WideDecision<Int>.none
        let distinctYears = Array(Set(years)).sorted()
        if distinctYears.count == 1 { year = .value(distinctYears[0]) }
        if distinctYears.count > 1 {
            year = .undecided("\(source) names \(distinctYears.count) years (\(distinctYears.map(String.init).joined(separator: ", ")))")
        }
        var basis = WideDecision<Basis>.none
        let bases = PeriodWords.bases(in: rest)
        if bases.count == 1 { basis = .value(bases.first!) }
        if bases.count > 1 {
            basis = .undecided("\(source) names \(bases.map(\.nameZh).sorted().joined(separator: " and ")): which figures are which is not said")
        }
        var quarter = WideDecision<Int>.none
        let quarters = PeriodWords.quarters(in: rest)
        for found in quarters {
            if case let .unsupported(word) = found {
                quarter = .undecided("\(source) names \(word): only year-to-date periods (一季度, 上半年, 前三季度, 全年) are stored")
                break
            }
        }
        if case .none = quarter {
            let values = Set(quarters.compactMap { if case let .quarter(q) = $0 { return q } else { return nil } })
            if values.count == 1 { quarter = .value(values.first!) }
            if values.count > 1 { quarter = .undecided("\(source) names two periods") }
        }
        return (year, basis, quarter)
    }

    /// The catalogue names a free text holds (Chinese names of two or more
    /// characters), without those inside a longer name found (公务接待 in 公务接待费).
    static func metricNames(in key: String, catalog: MetricCatalog) -> [(name: String, metric: Metric)] {
        var hits: [(range: Range<String.Index>, name: String, metric: Metric)] = []
        for metric in catalog.metrics {
            for name in metric.allNames {
                let nameKey = TextNormalization.key(name)
                guard nameKey.count >= 2, !nameKey.allSatisfy(\.isASCII) else { continue }
                var start = key.startIndex
                while let range = key.range(of: nameKey, range: start..<key.endIndex) {
                    hits.append((range, nameKey, metric))
                    start = range.upperBound
                }
            }
        }
        let kept = hits.filter { hit in
            !hits.contains { other in
                other.range != hit.range && other.range.lowerBound <= hit.range.lowerBound
                    && other.range.upperBound >= hit.range.upperBound
            }
        }
        var seen: Set<String> = []
        return kept.sorted { $0.range.lowerBound < $1.range.lowerBound }.compactMap { hit in
            seen.insert(hit.name).inserted ? (hit.name, hit.metric) : nil
        }
    }
}
