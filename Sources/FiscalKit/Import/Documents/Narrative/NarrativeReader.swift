import Foundation

/// Reads the figures a narrative report states in sentences:
/// "白仓镇2023年非税收入额301.15万元，非税收入征收成本122.8万元；2022年非税收入额205.64万元…"
///
/// Correctness over recall. A number becomes a figure only when
/// - a catalogue name stands right before it, with nothing between but
///   connectors (为, 是, 达, 共 …) and basis words (预算数, 决算, 计划, 应保 …);
/// - its year is stated in the sentence ("2022年…", "较上年…") or, when the
///   sentence states none, it is the document's year;
/// - its unit fits the metric (万元 for money, 人 for people, % for rates).
/// Numbers after change words (增加, 减少, 下降, 增长 …) are changes, not levels,
/// and are skipped. Year and basis carry through a sentence (split at 。), the
/// metric only within its clause (split at ，；) — except a clause that is just a
/// basis word or a year and a number ("已保2850.51万元", "2022年42187万元"),
/// which continues the previous clause's metric. Rates are read only for the
/// indicators whose names say exactly what they measure.
struct NarrativeReader {
    let catalog: MetricCatalog
    let documentYear: Int?

    /// Indicators whose stated values are read from prose. 预算执行率 and the
    /// like are left out: reports state them for sub-categories too (基本支出,
    /// 人员经费 …), and that would be a wrong value.
    static let readableIndicators: Set<String> = [
        "supported_ratio", "three_guarantees_share", "three_guarantees_coverage", "tax_completion_rate",
        "nontax_cost_rate", "staff_control_rate", "social_insurance_coverage", "medical_insurance_coverage",
        "benefit_coverage", "three_public_control_rate", "seven_items_change_rate",
    ]

    /// Words that stand for a metric only in prose: "财政供养人员在职168人，退休69人".
    static let proseNames: [String: String] = ["在职": "staff_in_service"]
    /// A name that, right after another metric's figure (same clause or the
    /// one before), means that metric's companion: "财政供养人员在职168人，退休69人"
    /// counts 69 supported retirees, not the unit's own retired staff
    /// (domain.md: 55407 ÷ (168 + 69)); so does "…在职168人、退休69人" and the
    /// other order.
    static let companions: [String: [String: String]] = [
        "supported_in_service": ["staff_retired": "supported_retired"],
        "supported_retired": ["staff_in_service": "supported_in_service"],
    ]

    static let basisWords: [(String, Basis)] = [
        ("年初预算数", .initial), ("年初预算", .initial), ("全年预算数", .budget), ("全年执行数", .final),
        ("预算安排", .budget), ("预算数", .budget), ("决算数", .final), ("执行数", .final), ("实际完成", .final),
        ("下达目标", .plan), ("计划", .plan), ("预算", .budget), ("决算", .final),
        ("实际", .final), ("应保", .plan), ("已保", .final),
    ]
    /// Words after 预算/决算/计划 that make them a process, not a basis (预算编制, 计划审批 …).
    static let processWords = ["编制", "执行", "管理", "调整", "绩效", "公开", "收支", "单位", "部门", "一体化", "草案",
                               "审批", "信息", "法", "批复"]
    /// A sentence about the whole county states the county's figures, not the unit's.
    static let areaWords = ["全县", "全市", "全省", "全区", "全州", "我县", "本县", "县本级", "我市", "本市"]
    /// Words right before a name that make it a different quantity (人均公用经费, 村级…, 结转…).
    static let qualifiers = ["人均", "村级", "下拨", "结转", "拨付", "补助", "代管", "村", "户均"]
    /// Approval words: with 年初 or alone they leave the basis unsaid.
    static let approvalWords = ["批复", "安排"]
    /// Metrics never read from prose: 满意度 there is about one service (水质, 饮水 …).
    static let notFromProse: Set<String> = ["satisfaction"]
    static let connectors = ["其中", "合计", "共计", "累计", "为", "是", "共", "达", "计", "约", ":"]
    static let changeWords = ["增加", "减少", "降低", "下降", "增长", "提高", "上升", "节约", "超支", "多", "少", "增速", "增幅"]
    static let lastYearWords = ["较上年", "比上年", "上年", "去年", "同比"]
    static let comparisonYearPrefixes: Set<Character> = ["较", "比"]

    enum Token {
        case metric(Metric)
        case number(String, unit: String)
        case year(Int)
        case lastYear
        case basis(Basis)
        case connector
        case change
        case filler
        /// A year after 较/比: it applies to its clause only.
        case comparisonYear(Int)
        /// 人均, 村级 … right before a name.
        case qualifier
        /// A number followed by ":" (a ratio written 1:230).
        case ratioPart
        case approval
    }

    private let names: [(key: String, metric: Metric)]

    init(catalog: MetricCatalog, documentYear: Int?) {
        self.catalog = catalog
        self.documentYear = documentYear
        var names: [(String, Metric)] = []
        for metric in catalog.metrics where (!metric.isIndicator || Self.readableIndicators.contains(metric.code))
            && !Self.notFromProse.contains(metric.code) {
            for name in metric.allNames where name != metric.code {
                names.append((TextNormalization.key(name), metric))
            }
        }
        for (word, code) in Self.proseNames { names.append((word, catalog.metric(code: code)!)) }
        self.names = names.sorted { $0.0.count > $1.0.count }      // longest match first
    }

    /// Figures and unread numbers of the narrative lines (each: text, line).
    func read(_ lines: [TextCell], into reading: inout DocumentReading) {
        for sentence in sentences(lines) {
            readSentence(sentence.text, line: sentence.line, cell: sentence.cell, into: &reading)
        }
    }

    /// Lines joined into sentences: a line that does not end a sentence goes on
    /// in the next one (Word copies break lines anywhere, even inside numbers).
    func sentences(_ lines: [TextCell]) -> [TextCell] {
        var result: [TextCell] = []
        var current: TextCell?
        for line in lines {
            var text = line.text.replacingOccurrences(of: #"\[bookmark:[^\]]*\]"#, with: "", options: .regularExpression)
            text = TextNormalization.trim(text)
            if text.isEmpty { continue }
            if line.cell != nil {                        // Word paragraphs are never joined
                if let open = current { result.append(contentsOf: split(open)); current = nil }
                result.append(contentsOf: split(TextCell(text: text, line: line.line, cell: line.cell)))
                continue
            }
            if var open = current {
                open.text += text
                current = open
            } else {
                current = TextCell(text: text, line: line.line, cell: line.cell)
            }
            // A line ending in a figure with its unit ends its sentence: joining it
            // to the next line would carry its year and basis there.
            if text.range(of: #"[0-9](万元|元|人|%|％)$"#, options: .regularExpression) != nil {
                result.append(contentsOf: split(current!))
                current = nil
                continue
            }
            // A line ends its sentence at final punctuation, or when it has no
            // comma at all (a heading such as "二、一般公共预算支出情况").
            if let last = text.last, "。；！？：:".contains(last) || !text.contains("，") && !text.contains(",") {
                result.append(contentsOf: split(current!))
                current = nil
            }
        }
        if let current { result.append(contentsOf: split(current)) }
        return result
    }

    private func split(_ cell: TextCell) -> [TextCell] {
        cell.text.split(separator: "。").map { TextCell(text: String($0), line: cell.line, cell: cell.cell) }
    }

    func readSentence(_ raw: String, line: Int, cell: String? = nil, into reading: inout DocumentReading) {
        // "全县…" is about the county; "较全县平均增速" only compares with it.
        let aboutArea = Self.areaWords.contains { word in
            raw.ranges(of: word).contains { range in
                range.lowerBound == raw.startIndex || !"较比占于".contains(raw[raw.index(before: range.lowerBound)])
            }
        }
        if aboutArea {
            if raw.range(of: #"\d"#, options: .regularExpression) != nil {
                reading.unread.append(UnreadLine(line: line, text: raw, reason: "a sentence about the whole county (全县 …): not the unit's figures", cell: cell))
            }
            return
        }
        // Asides in brackets that hold numbers, and titles in 《》, state no figure of the unit.
        var text = TextNormalization.foldWidth(raw)
        text = text.replacingOccurrences(of: #"《[^》]*》"#, with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: #"\([^()]*\d[^()]*\)"#, with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: #"\[[^\]]*\]"#, with: "", options: .regularExpression)
        // Figures "截至9月底" or for a quarter are part-year, not the year's.
        if raw.range(of: #"[0-9]+\s*月|季度"#, options: .regularExpression) != nil {
            if raw.range(of: #"[0-9.]+\s*(万元|人|%)"#, options: .regularExpression) != nil {
                reading.unread.append(UnreadLine(line: line, text: raw, reason: "a part-year statement (月, 季度): not the year's figures", cell: cell))
            }
            return
        }
        var sentenceYear: Int?
        var initialContext = false
        var approvalContext = false
        // A 其中 list: its clauses take the basis of the clause that opened it,
        // and count only when that clause stored a figure (the list's subject);
        // it ends at ；.
        var listOpen = false
        var listValid = false
        var listBasis: Basis?
        var previousClause: (metric: Metric, basis: Basis?, stored: Bool, openedList: Bool)?
        for clause in text.split(whereSeparator: { "，,；;".contains($0) }) {
            let clauseText = String(clause)
            let afterSemicolon = text[..<clause.startIndex].last.map { "；;".contains($0) } ?? false
            if afterSemicolon { listOpen = false }
            let tokens = tokenize(clauseText, initialContext: &initialContext)
            let startsList = TextNormalization.key(clauseText).hasPrefix("其中")
            var armed: Metric?
            var clean = false
            var consumed = false
            var clauseBasis: Basis?
            var clauseYear: Int?
            var change = false
            var storedMetric: Metric?
            if tokens.contains(where: { if case .approval = $0 { return true } else { return false } }) { approvalContext = true }
            // "已保2850.51万元" after "应保2855.08万元", "2022年42187万元" after
            // "2023年固定资产投资53071.24万元": the previous clause's metric goes on,
            // when that clause stored it and was not a 其中 item.
            let meaningful = tokens.filter { if case .filler = $0 { return false } else { return true } }
            if meaningful.count == 2, case .number = meaningful[1], let previous = previousClause, previous.stored,
               !previous.openedList, !startsList {
                switch meaningful[0] {
                case let .basis(basis) where previous.basis != nil && previous.basis != basis:
                    armed = previous.metric; clean = true
                case .year:
                    armed = previous.metric; clean = true
                default: break
                }
            }
            if startsList && !listOpen {
                listOpen = true
                listValid = previousClause?.stored == true
                listBasis = previousClause?.basis
            }
            var qualified = false
            for token in tokens {
                switch token {
                case var .metric(metric):
                    let before = storedMetric ?? previousClause.flatMap { $0.stored ? $0.metric : nil }
                    if let before, let code = Self.companions[before.code]?[metric.code],
                       let companion = catalog.metric(code: code) {
                        metric = companion
                    }
                    armed = qualified ? nil : metric
                    clean = !qualified
                    consumed = false
                    change = false
                    qualified = false
                case .qualifier:
                    qualified = true
                case let .year(year):
                    sentenceYear = year
                    clauseYear = nil
                    if consumed { consumed = false }
                case let .comparisonYear(year):
                    clauseYear = year
                    if consumed { consumed = false }        // "…，较2022年124.51万元": the same metric, another year
                case .lastYear:
                    clauseYear = (sentenceYear ?? documentYear).map { $0 - 1 }
                    if consumed { consumed = false }
                case let .basis(basis):
                    clauseBasis = basis
                case .connector, .approval:
                    break
                case .change:
                    change = true
                case .filler:
                    clean = false
                    qualified = false
                case .ratioPart:
                    clean = false
                case let .number(number, unit):
                    defer { change = false }
                    let known = ["万元", "亿元", "元", "人", "万人", "%", "分"].contains(unit)
                    guard !change else { continue }
                    if unit == "亿元" {
                        // A unit's own figures are in 万元; 亿元 in prose is a county's total.
                        reading.unread.append(UnreadLine(line: line, text: raw, reason: "\(number)亿元: an amount in 亿元 is not a unit's own figure", cell: cell))
                        continue
                    }
                    guard let metric = armed, clean, !consumed else {
                        if known {
                            reading.unread.append(UnreadLine(line: line, text: raw,
                                                             reason: "\(number)\(unit): no catalogue name right before it", cell: cell))
                        }
                        continue
                    }
                    // Money and people need their unit; a ratio (财政供养比230) has none.
                    if unit.isEmpty && metric.unit != "人/人" { continue }
                    guard let year = clauseYear ?? sentenceYear ?? documentYear else { continue }
                    consumed = true
                    var basis: Basis?
                    if metric.isIndicator {
                        basis = .reported
                    } else if let explicit = clauseBasis {
                        basis = explicit
                    } else if listOpen {
                        guard listValid else {
                            reading.unread.append(UnreadLine(line: line, text: raw,
                                reason: "\(metric.code) \(number)\(unit): a 其中 item of something that is not a catalogue figure", cell: cell))
                            continue
                        }
                        basis = listBasis
                    }
                    if basis == nil {
                        if initialContext || approvalContext {
                            reading.unread.append(UnreadLine(line: line, text: raw,
                                reason: "\(metric.code) \(number)\(unit): 年初/批复/安排 without 预算 or 决算 leaves the basis unsaid", cell: cell))
                            continue
                        }
                        basis = .final
                    }
                    switch FigureText.read(number + unit, unit: metric.unit) {
                    case let .value(value):
                        storedMetric = metric
                        reading.figures.append(DocumentFigure(metric: metric.code, year: year, basis: basis!, value: value,
                                                              part: "narrative", line: line, text: raw, cell: cell))
                    case let .invalid(message):
                        reading.unread.append(UnreadLine(line: line, text: raw, reason: "\(metric.code): \(message)", cell: cell))
                    case .missing:
                        break
                    }
                }
            }
            if let metric = storedMetric ?? armed {
                let stored = storedMetric != nil
                let basis = stored ? reading.figures.last?.basis : clauseBasis
                previousClause = (metric, basis, stored, listOpen)
            } else {
                previousClause = nil
            }
        }
        // One sentence giving one key two values contradicts itself: keep neither.
        dropSelfContradictions(from: &reading, sentence: raw, line: line)
    }

    /// Figures of this sentence that give the same metric, year and basis two values.
    private func dropSelfContradictions(from reading: inout DocumentReading, sentence: String, line: Int) {
        let mine = reading.figures.indices.filter { reading.figures[$0].text == sentence && reading.figures[$0].line == line
            && reading.figures[$0].part == "narrative" }
        var values: [String: Set<Int64>] = [:]
        for index in mine {
            let figure = reading.figures[index]
            values["\(figure.metric)|\(figure.year)|\(figure.basis.rawValue)", default: []].insert(figure.value.e6)
        }
        let contradicted = Set(values.filter { $0.value.count > 1 }.keys)
        guard !contradicted.isEmpty else { return }
        let drop = Set(mine.filter { contradicted.contains("\(reading.figures[$0].metric)|\(reading.figures[$0].year)|\(reading.figures[$0].basis.rawValue)") })
        for key in contradicted.sorted() {
            reading.unread.append(UnreadLine(line: line, text: sentence, reason: "\(key.replacingOccurrences(of: "|", with: " ")): the sentence states two values", cell: reading.figures[drop.first!].cell))
        }
        reading.figures = reading.figures.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
    }

    /// Names, numbers with units, years, basis words, connectors and change
    /// words; everything else is filler.
    func tokenize(_ clause: String, initialContext: inout Bool) -> [Token] {
        let text = Array(TextNormalization.key(clause))
        var tokens: [Token] = []
        var index = 0
        func matches(_ word: String, at position: Int) -> Bool {
            let characters = Array(word)
            guard position + characters.count <= text.count else { return false }
            return Array(text[position..<(position + characters.count)]) == characters
        }
        outer: while index < text.count {
            // A year: 2023年, 2023年度, 2023年初; after 较/比 it is a comparison.
            if index + 4 < text.count, text[index...(index + 3)].allSatisfy(\.isASCII),
               text[index...(index + 3)].allSatisfy(\.isNumber), text[index + 4] == "年",
               let year = Int(String(text[index...(index + 3)])), (1990...2100).contains(year),
               index == 0 || !(text[index - 1].isASCII && text[index - 1].isNumber) {
                let comparison = index > 0 && Self.comparisonYearPrefixes.contains(text[index - 1])
                tokens.append(comparison ? .comparisonYear(year) : .year(year))
                index += 5
                if index < text.count, text[index] == "度" || text[index] == "末" || text[index] == "终" { index += 1 }
                if index < text.count, text[index] == "初" { initialContext = true; index += 1 }
                continue
            }
            // A number with its unit.
            if text[index].isASCII && (text[index].isNumber || (text[index] == "-" && index + 1 < text.count && text[index + 1].isNumber)) {
                var end = index + 1
                while end < text.count, text[end].isASCII, text[end].isNumber || text[end] == "." || text[end] == "," { end += 1 }
                let number = String(text[index..<end]).replacingOccurrences(of: ",", with: "")
                var unit = ""
                for candidate in ["万元", "亿元", "万人", "元", "人", "%", "分"] where matches(candidate, at: end) {
                    unit = candidate
                    break
                }
                let followedByColon = unit.isEmpty && end < text.count && (text[end] == ":" || text[end] == "：")
                tokens.append(followedByColon ? .ratioPart : .number(number, unit: unit))
                index = end + unit.count
                continue
            }
            if matches("上年结转", at: index) { tokens.append(.qualifier); index += 4; continue }
            for word in Self.qualifiers where matches(word, at: index) {
                tokens.append(.qualifier); index += word.count; continue outer
            }
            for word in Self.approvalWords where matches(word, at: index) {
                tokens.append(.approval); index += word.count; continue outer
            }
            for word in Self.lastYearWords where matches(word, at: index) {
                tokens.append(.lastYear); index += word.count; continue outer
            }
            for (key, metric) in names where matches(key, at: index) {
                tokens.append(.metric(metric)); index += key.count; continue outer
            }
            if matches("年初", at: index) && !matches("年初预算", at: index) {
                initialContext = true; index += 2; continue
            }
            for (word, basis) in Self.basisWords where matches(word, at: index) {
                let after = index + word.count
                let comparison = index > 0 && (text[index - 1] == "较" || text[index - 1] == "比")
                let process = Self.processWords.contains { matches($0, at: after) }
                    || (word == "计划" && index >= 2 && matches("工作", at: index - 2))      // 工作计划
                    || (word == "预算" && matches("范围", at: after))                          // 预算范围内
                    || (word == "应保" && matches("尽保", at: after))                          // 应保尽保
                // Only a bare 预算 after 年初 is the initial budget; 全年预算数 stays budget.
                let effective = (word == "预算" || word == "预算安排") && initialContext ? Basis.initial : basis
                tokens.append(comparison || process ? .filler : .basis(effective))
                index = after
                continue outer
            }
            for word in Self.changeWords where matches(word, at: index) {
                tokens.append(.change); index += word.count; continue outer
            }
            for word in Self.connectors where matches(word, at: index) {
                tokens.append(.connector); index += word.count; continue outer
            }
            if case .filler = tokens.last {} else { tokens.append(.filler) }
            index += 1
        }
        return tokens
    }
}
