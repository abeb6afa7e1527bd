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
///
/// The phrase classes it knows are named rules in ``PhraseRules``: connectors,
/// spending words, scope words, head counts, thousands separators, changes,
/// distributive lists, other units, fund budgets, single months, components in
/// brackets, 其中 lists (their head in the clause or the sentence before), totals
/// with parts, combined retirees; and year-to-date periods (``StatedPeriod``).
struct NarrativeReader {
    let catalog: MetricCatalog
    let documentYear: Int?
    /// The document's period (an execution report's 上半年): its executed figures are year to date.
    let documentPeriod: StatedPeriod?
    /// The unit the document is about: a clause naming another unit is not read.
    let documentUnit: String?
    /// A township's revenue report states its totals in 亿元 ("支出累计完成1.06亿元"), a
    /// township its economy ("全镇实现地区生产总值18.62亿元"); elsewhere an amount in 亿元
    /// is the county's.
    func allowsHundredMillions(for metric: Metric?) -> Bool {
        vocabulary.kind == .revenueReport
            || vocabulary.township && ["gdp", "retail_sales", "fixed_asset_investment"].contains(metric?.code ?? "")
    }
    let vocabulary: DocumentVocabulary

    /// Indicators whose stated values are read from prose. 预算执行率 and the
    /// like are left out: reports state them for sub-categories too (基本支出,
    /// 人员经费 …), and that would be a wrong value.
    static let readableIndicators: Set<String> = [
        "supported_ratio", "three_guarantees_share", "three_guarantees_coverage", "tax_completion_rate",
        "nontax_cost_rate", "staff_control_rate", "social_insurance_coverage", "medical_insurance_coverage",
        "benefit_coverage", "three_public_control_rate", "seven_items_change_rate",
        "procurement_execution_rate", "public_funds_control_rate", "budget_adjustment_rate",
    ]

    /// Words that stand for a metric only in prose: "财政供养人员在职168人，退休69人".
    static let proseNames: [String: String] = [
        "在职": "staff_in_service",
        // 满意度 of the people a unit serves (群众, 患者, 家长 …) is the unit's; 饮水满意度 or
        // 惠农政策满意度 is one service's, and is not read.
        "群众满意度": "satisfaction", "群众满意率": "satisfaction", "服务对象满意度": "satisfaction",
        "社会公众满意度": "satisfaction", "公众满意度": "satisfaction", "居民满意度": "satisfaction",
        "辖区居民满意度": "satisfaction", "村民满意度": "satisfaction", "患者满意度": "satisfaction",
        "住院患者满意度": "satisfaction", "门诊患者满意度": "satisfaction", "家长满意度": "satisfaction",
        "学生满意度": "satisfaction", "市场主体和群众满意度": "satisfaction", "企业和群众满意度": "satisfaction",
        // "“三保”应保支出4,130万元，已保支出4,126万元": 三保 with its basis inside the name.
        "\"三保\"": "three_guarantees", "三保": "three_guarantees",
        "惠民惠农补贴应保": "benefit_eligible", "惠民惠农补助应保": "benefit_eligible", "惠民惠农应保": "benefit_eligible",
        // "全年政府采购预算42.00万元，实际采购41.37万元".
        "实际采购": "government_procurement", "实际采购金额": "government_procurement",
    ]
    /// A name that, right after another metric's figure (same clause or the
    /// one before), means that metric's companion: "财政供养人员在职168人，退休69人"
    /// counts 69 supported retirees, not the unit's own retired staff
    /// (domain.md: 55407 ÷ (168 + 69)); so does "…在职168人、退休69人" and the
    /// other order.
    static let companions: [String: [String: String]] = [
        "supported_population": ["staff_in_service": "supported_in_service", "staff_retired": "supported_retired"],
        "supported_in_service": ["staff_retired": "supported_retired"],
        "supported_retired": ["staff_in_service": "supported_in_service"],
    ]

    static let basisWords: [(String, Basis)] = [
        ("年初预算数", .initial), ("年初预算", .initial), ("全年预算数", .budget), ("全年执行数", .final),
        ("调整预算数", .budget), ("调整后预算数", .budget), ("调整后预算", .budget), ("调整预算", .budget),
        ("预算调整数", .budget), ("调整为", .budget), ("全年执行", .final), ("实际执行", .final),
        ("预算安排", .budget), ("预算数", .budget), ("决算数", .final), ("执行数", .final), ("实际完成", .final),
        ("下达目标", .plan), ("目标任务", .plan), ("目标", .plan), ("计划", .plan), ("预算", .budget), ("决算", .final),
        ("实际", .final), ("应保", .plan), ("已保", .final),
    ]
    /// Words after 预算/决算/计划 that make them a process, not a basis (预算编制, 计划审批 …).
    static let processWords = ["编制", "执行", "管理", "调整", "绩效", "公开", "收支", "单位", "部门", "一体化", "草案",
                               "审批", "信息", "法", "批复"]
    /// A sentence about the whole county states the county's figures, not the unit's.
    static let areaWords = ["全县", "全市", "全省", "全区", "全州", "我县", "本县", "县本级", "我市", "本市"]
    /// Words right before a name that make it a different quantity (人均公用经费, 村级…, 结转…).
    static let qualifiers = ["人均", "村级", "下拨", "结转", "拨付", "补助", "代管", "村", "户均",
                             "国(境)外", "国（境）外", "境外", "国外", "外事", "国内",
                             // Flows of a year, not its stock: "当年退休3人，调出2人，新进3人".
                             "当年", "新进", "调出", "调入", "新增"]
    /// Approval and intent words: with 年初 or alone they leave the basis unsaid
    /// (安排, 批复), or state no figure yet (预计, 力争 — an intent is neither the plan
    /// a county sets nor a result).
    static let approvalWords = ["批复", "安排", "预计", "预估", "估计", "力争", "争取", "确保", "力求"]
    /// Metrics never read from prose: 满意度 there is about one service (水质, 饮水 …).
    static let notFromProse: Set<String> = ["satisfaction"]
    static let lastYearWords = ["较上年", "比上年", "上年同期", "上年", "去年", "同比"]
    static let comparisonYearPrefixes: Set<Character> = ["较", "比"]
    /// "剔除2021年一次性补缴税款86万元因素后": a year of an adjustment, not of the sentence.
    static let adjustmentWords = ["剔除", "扣除", "不含", "除去"]

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
        /// Another quantity whose name holds a catalogue name (财政总收入), by its key.
        case lookAlike(String)
        /// 支出 after a name, or a total of spending (共支出, 全年支出).
        case spending(total: Bool)
        /// 财政拨款 after a "三公" name.
        case scope
        /// 执行率, 完成率, 控制率 … named by the figure before them.
        case bareRate(String)
    }

    private let names: [(key: String, metric: Metric?)]

    init(vocabulary: DocumentVocabulary, documentYear: Int?, documentPeriod: StatedPeriod? = nil, documentUnit: String? = nil) {
        self.catalog = vocabulary.catalog
        self.vocabulary = vocabulary
        self.documentYear = documentYear
        self.documentPeriod = documentPeriod
        self.documentUnit = documentUnit
        var names = vocabulary.proseNames { metric in
            (!metric.isIndicator || Self.readableIndicators.contains(metric.code)) && !Self.notFromProse.contains(metric.code)
        }
        for (word, code) in Self.proseNames { names.append((word, vocabulary.catalog.metric(code: code)!)) }
        // **Quotation marks are no part of a name**: “七项经费”合计, "三公"经费 and 三公经费 are
        // one name. Without them two names may become one: a look-alike wins, and
        // two different metrics under one name make it no name at all.
        var unquoted: [String: Metric?] = [:]
        var ambiguous: Set<String> = []
        for (key, metric) in names {
            let bare = Self.unquoted(key)
            guard !bare.isEmpty else { continue }
            if let existing = unquoted[bare] {
                if existing == nil || metric == nil { unquoted[bare] = .some(nil) }
                else if existing?.code != metric?.code { ambiguous.insert(bare) }
            } else {
                unquoted[bare] = metric
            }
        }
        self.names = unquoted.filter { !ambiguous.contains($0.key) }.map { (key: $0.key, metric: $0.value) }
            .sorted { ($0.key.count, $0.key) > ($1.key.count, $1.key) }      // longest match first
    }

    /// What carries from one sentence to the next.
    struct Carry {
        /// The last clause that stored a figure: a sentence opening with 其中 lists its parts.
        var head: (metric: Metric, basis: Basis?, figure: Int)?
        /// Under a heading about a fund budget (政府性基金 …).
        var fundSection = false
        /// Under a heading about a draft budget (2022年财政预算草案): its budgets are the year's initial ones.
        var draftSection = false
        /// The year the last sentence stated: a sentence opening with 其中 goes on with it.
        var year: Int?
        /// A sentence that is only a name ("（一）因公出国（境）费。预算数为0万元，决算数为0万元"):
        /// the subject of the clauses that follow it on its line.
        var subject: (metric: Metric, line: Int)?
    }

    /// Figures and unread numbers of the narrative lines (each: text, line).
    /// Figures that later rules look at again, by their place in the reading.
    struct Marks {
        var combinedRetirees: Set<Int> = []
        /// Budgets stated inside a rate, each with the figure the rate is of.
        var embeddedBudgets: [Int: Int] = [:]
    }

    func read(_ lines: [TextCell], into reading: inout DocumentReading) {
        var carry = Carry()
        let first = reading.figures.count
        var marks = Marks()
        for sentence in sentences(lines) {
            readSentence(sentence.text, line: sentence.line, cell: sentence.cell, carry: &carry, marks: &marks, into: &reading)
        }
        var drop: [Int: String] = [:]
        for index in reusedBudgets(Set(marks.embeddedBudgets.keys), in: reading) {
            drop[index] = "a budget stated inside a rate for several lines is the whole budget, no line's own"
        }
        for index in combinedRetireesStatedApart(marks.combinedRetirees, from: first, in: reading) {
            drop[index] = "离退休人员 counts 离休 too; the document states 退休 on its own"
        }
        Self.drop(drop, from: &reading, marks: &marks)
    }

    /// Removes figures from the reading, each listed as not understood with its
    /// reason; the marks follow the figures that stay.
    static func drop(_ reasons: [Int: String], from reading: inout DocumentReading, marks: inout Marks) {
        guard !reasons.isEmpty else { return }
        for (index, reason) in reasons.sorted(by: { $0.key < $1.key }) {
            let figure = reading.figures[index]
            reading.unread.append(UnreadLine(line: figure.line, text: figure.text,
                                             reason: "\(figure.metric) \(figure.value): \(reason)", cell: figure.cell))
        }
        var moved: [Int: Int] = [:]
        var kept: [DocumentFigure] = []
        for (index, figure) in reading.figures.enumerated() where reasons[index] == nil {
            moved[index] = kept.count
            kept.append(figure)
        }
        reading.figures = kept
        marks.combinedRetirees = Set(marks.combinedRetirees.compactMap { moved[$0] })
        var embedded: [Int: Int] = [:]
        for (budget, head) in marks.embeddedBudgets {
            if let budget = moved[budget], let head = moved[head] { embedded[budget] = head }
        }
        marks.embeddedBudgets = embedded
    }

    /// **Budgets inside a rate** reused for several metrics ("完成年初预算计划14246万元的32.8%"
    /// after three different lines) are the whole budget, no line's own.
    private func reusedBudgets(_ embedded: Set<Int>, in reading: DocumentReading) -> Set<Int> {
        let byValue = Dictionary(grouping: embedded) { reading.figures[$0].value.e6 }
        return Set(byValue.values.filter { Set($0.map { reading.figures[$0].metric }).count > 1 }.flatMap { $0 })
    }

    /// **Combined retirees** (``PhraseRules/combinedRetiredWords``): 离退休人员 stands
    /// for the retirees only when no 退休 figure of the same year is stated.
    private func combinedRetireesStatedApart(_ combined: Set<Int>, from first: Int, in reading: DocumentReading) -> Set<Int> {
        guard !combined.isEmpty else { return [] }
        let plain = Set(reading.figures.indices.filter { $0 >= first && !combined.contains($0) && reading.figures[$0].metric == "staff_retired" }
            .map { reading.figures[$0].year })
        return combined.filter { plain.contains(reading.figures[$0].year) }
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
            if line.gapBefore > 0, let open = current {   // a blank line ends a paragraph
                result.append(contentsOf: split(open))
                current = nil
            }
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

    func readSentence(_ raw: String, line: Int, cell: String? = nil, carry: inout Carry, marks: inout Marks,
                      into reading: inout DocumentReading) {
        func unread(_ reason: String) {
            reading.unread.append(UnreadLine(line: line, text: raw, reason: reason, cell: cell))
        }
        let hasNumber = raw.range(of: #"\d"#, options: .regularExpression) != nil
        if let subject = carry.subject, subject.line != line { carry.subject = nil }
        // **A name as a heading**: "（二）公务用车购置及运行维护费。预算数为16.80万元，决算数为14.92万元".
        if let metric = Self.headingName(raw, vocabulary: vocabulary) {
            carry.subject = (metric, line)
            carry.head = nil
            return
        }
        // A heading ("二、政府性基金预算收支决算情况") sets what the sentences under it are about.
        if !hasNumber || Self.isHeading(raw) {
            if Self.isHeading(raw) {
                carry.fundSection = PhraseRules.fundWords.contains { raw.contains($0) }
                carry.draftSection = raw.contains("草案")
            }
            carry.head = nil
            if !hasNumber { return }
        }
        // "全县…" is about the county; "较全县平均增速" only compares with it, and
        // "召开全县卫生健康工作会议…5次" states no figure of the county's.
        // (Clauses split at ，；; and at a comma that is no thousands separator: 318,420人.)
        let clauses = raw.replacing(/,(?!\d)/, with: "，").split(whereSeparator: { "，；;".contains($0) })
        let aboutArea = clauses.contains { clause in
            Self.areaWords.contains { word in
                clause.ranges(of: word).contains { range in
                    guard range.lowerBound == clause.startIndex || !"较比占于".contains(clause[clause.index(before: range.lowerBound)])
                    else { return false }
                    // A number after it, unless a count of events (5次, 9期, 420人次).
                    return clause[range.upperBound...].range(of: #"[0-9]+([.,][0-9]+)*(?![0-9.,]|\s*(人次|次|场|期|批|项|届))"#,
                                                               options: .regularExpression) != nil
                }
            }
        }
        if aboutArea {
            unread("a sentence about the whole county (全县 …): not the unit's figures")
            return
        }
        // Titles in 《》 and notes in [] state no figure; asides in brackets are
        // dropped, unless they list a figure's components.
        var text = TextNormalization.foldWidth(raw)
        text = text.replacingOccurrences(of: #"《[^》]*》"#, with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: #"\[[^\]]*\]"#, with: "", options: .regularExpression)
        text = bracketsAsLists(text)
        // Year-to-date words: 1-6月, 上半年, 截至9月底 → the quarter of the executed figures.
        var statedQuarter: Int?
        var withoutPeriod = text
        if let found = StatedPeriod.find(in: text) {
            withoutPeriod.removeSubrange(found.range)
            guard let quarter = found.period.quarter else {
                unread("\(found.period.description): not a quarter, so not stored")
                return
            }
            statedQuarter = quarter
            // Digits of the phrase (1-6月, 截至9月底) are no figure; a year inside it
            // ("截止2024年12月31日") stays. Words (上半年, 年末, 全年支出) stay as they are.
            let phrase = String(text[found.range])
            if phrase.contains(where: { $0.isASCII && $0.isNumber }) {
                let year = CellText.leadingYear(phrase).map { "\($0)年" } ?? ""
                text.replaceSubrange(found.range, with: year)
            }
        }
        if StatedPeriod.mentionsMonth(withoutPeriod) || PhraseRules.singleMonthWords.contains(where: { text.contains($0) }) {
            if raw.range(of: #"[0-9.]+\s*(万元|人|%)"#, options: .regularExpression) != nil {
                unread("a month or a date (月, 季度, 当月): not the year's or a quarter's figures")
            }
            return
        }
        // (Only with a number after the word: "…均为公务用车运行维护费和公务接待费" assigns none.)
        if PhraseRules.distributiveWords.contains(where: { word in
            text.ranges(of: word).contains { text[$0.upperBound...].contains(where: { $0.isASCII && $0.isNumber }) }
        }) {
            unread("one value for each of several names (各是, 分别为 …): which is which is not read")
            return
        }
        if case .months = documentPeriod, statedQuarter == nil {
            unread("the document covers months that end no quarter: its figures are not stored")
            return
        }
        let beforeFirstNumber = text.prefix { !$0.isNumber || !$0.isASCII }
        let fundScope = carry.fundSection || PhraseRules.fundWords.contains { beforeFirstNumber.contains($0) }
        var sentenceYear: Int? = TextNormalization.key(text).hasPrefix("其中") ? carry.year : nil
        defer { carry.year = sentenceYear }
        var initialContext = false
        var approvalContext = false
        var otherUnit = false
        // A 其中 list: its clauses take the basis of the clause that opened it,
        // and count only when that clause stored a figure (the list's subject);
        // it ends at ；.
        var listOpen = false
        var listValid = false
        var listBasis: Basis?
        var listHead: (metric: Metric, figure: Int)?
        var listParts: Set<String> = []
        var previousLookAlike: String?
        var lastStored: (metric: Metric, basis: Basis?, figure: Int)?
        var storedMetricInSentence: Metric? = carry.head?.metric
        var broaderHeads: Set<Int> = []
        var previousClause: (metric: Metric, basis: Basis?, stored: Bool, openedList: Bool, figure: Int?)?
        // **其中 lists whose head is in the sentence before**: "2024年共支出1211.89万元。其中，基本支出573.36万元".
        if let head = carry.head, TextNormalization.key(text).hasPrefix("其中") {
            previousClause = (head.metric, head.basis, true, false, head.figure)
        }
        carry.head = nil
        for (clauseText, afterSemicolon) in PhraseRules.clauses(text) {
            if afterSemicolon { listOpen = false }
            let tokens = tokenize(clauseText, initialContext: &initialContext)
            let startsList = TextNormalization.key(clauseText).hasPrefix("其中")
            // **Other units**: "所属单位中，青禾县农业技术推广中心在职人员18人".
            if PhraseRules.subUnitWords.contains(where: { clauseText.contains($0) }) { otherUnit = true }
            let namesOther = UnitNameText.fullNames(in: clauseText).contains { name in
                documentUnit.map { !UnitNameText.sameUnit($0, name.1) } ?? true
            }
            var armed: Metric?
            var clean = false
            var consumed = false
            var clauseBasis: Basis?
            var clauseYear: Int?
            var lastYearSameQuarter = false
            var change = false
            var storedMetric: Metric?
            var storedFigure: Int?
            var clauseLookAlike: String?
            var embedded = false
            if tokens.contains(where: { if case .approval = $0 { return true } else { return false } }) { approvalContext = true }
            // "已保2850.51万元" after "应保2855.08万元", "2022年42187万元" after
            // "2023年固定资产投资53071.24万元", "支出决算为14.27万元" after "…预算为18.60万元":
            // the previous clause's metric goes on, when that clause stored it and was not a 其中 item.
            let meaningful = tokens.filter {
                switch $0 {
                case .filler, .connector, .spending(total: false): return false
                default: return true
                }
            }
            var continued = false
            if meaningful.count == 2, case .basis = meaningful[0], case .number = meaningful[1], previousClause == nil,
               let subject = carry.subject {
                armed = subject.metric; clean = true; continued = true
            } else if meaningful.count == 2, case .number = meaningful[1], let previous = previousClause, previous.stored,
               !previous.openedList, !startsList {
                switch meaningful[0] {
                case .basis(.final) where previous.metric.code == "benefit_eligible":
                    // "惠民惠农补贴应保3,412人，已保3,398人": 已保 of 应保 persons are the covered ones.
                    armed = catalog.metric(code: "benefit_covered"); clean = true; continued = true
                case let .basis(basis) where previous.basis != nil && previous.basis != basis:
                    armed = previous.metric; clean = true; continued = true
                case .year:
                    armed = previous.metric; clean = true; continued = true
                default: break
                }
            }
            // **Shares of a whole**: "“三保”支出占一般公共预算支出的62.81%".
            if let share = PhraseRules.share(in: clauseText), !otherUnit, !namesOther {
                // The part is named in the clause ("“三保”支出占…") or is the clause before's; the whole is no part.
                let part = tokens.lazy.compactMap { token -> Metric? in
                    if case let .metric(metric) = token, metric.code != share.whole { return metric }
                    return nil
                }.first ?? previousClause?.metric
                if part?.code == share.part, let indicator = catalog.metric(code: share.indicator),
                   let year = clauseYear ?? sentenceYear ?? documentYear,
                   case let .value(value) = FigureText.read(share.value + "%", unit: "%") {
                    var figure = DocumentFigure(metric: indicator.code, year: year, basis: .reported, value: value,
                                                part: "narrative", line: line, text: raw, cell: cell)
                    figure.quarter = statedQuarter ?? (year == documentYear ? documentPeriod?.quarter ?? 0 : 0)
                    reading.figures.append(figure)
                }
            }
            // **Budgets inside a rate**: "完成486.37万元，完成年初预算数902万元的53.9%" — the
            // metric's budget, of the clause before (a 其中 item too).
            // When a 其中 list stands between them, the rate tells whose budget it is: the
            // figure that divided by the budget gives the stated rate ("财政收入3,862.40万元，
            // 其中…非税收入756.70万元，完成县下达目标任务3,800万元的101.64%" — 财政收入's).
            if meaningful.count == 3, case let .basis(basis) = meaningful[0], case let .number(budgetText, unit) = meaningful[1],
               unit == "万元" || unit == "亿元", case let .number(rateText, rate) = meaningful[2], rate == "%",
               let previous = previousClause, previous.stored, previous.basis != basis, !startsList {
                var candidates: [(metric: Metric, figure: Int?)] = [(previous.metric, previous.figure)]
                if listOpen, let head = listHead, head.metric.code != previous.metric.code { candidates.append((head.metric, head.figure)) }
                let budget = Double(budgetText.replacingOccurrences(of: ",", with: "")).map { unit == "亿元" ? $0 * 10000 : $0 }
                let stated = Double(rateText.replacingOccurrences(of: ",", with: ""))
                let decimals = rateText.split(separator: ".").dropFirst().first?.count ?? 0
                func gives(_ figure: Int?) -> Bool {
                    guard let figure, figure < reading.figures.count, let budget, budget != 0, let stated else { return false }
                    let value = Double(reading.figures[figure].value.description) ?? .nan
                    return abs(100 * value / budget - stated) <= 0.5 * pow(10, -Double(decimals)) + 1e-9
                }
                if candidates.count == 1 || gives(candidates[0].figure) {
                    armed = previous.metric; clean = true; embedded = true
                } else if let match = candidates.dropFirst().first(where: { gives($0.figure) }) {
                    armed = match.metric; clean = true; embedded = true
                }
            }
            if startsList && !listOpen {
                listOpen = true
                listValid = previousClause?.stored == true
                listBasis = previousClause?.basis
                listHead = previousClause.flatMap { clause in clause.figure.map { (clause.metric, $0) } }
                listParts = previousClause == nil ? previousLookAlike.flatMap { PhraseRules.lookAlikeParts[$0] } ?? [] : []
            }
            var qualified = false
            var scopeBefore = false
            let figureBefore = storedMetricInSentence
            for token in tokens {
                if case .scope = token {} else if case .filler = token {} else { defer { scopeBefore = false } }
                switch token {
                case var .metric(metric):
                    // 财政拨款预算执行率 is the appropriation's, not the unit's (三公经费 are 财政拨款 anyway).
                    if scopeBefore && !PhraseRules.threePublicCodes.contains(metric.code) { qualified = true }
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
                case let .lookAlike(key):
                    armed = nil
                    clean = false
                    qualified = false
                    clauseLookAlike = key
                case let .spending(total):
                    // 公务接待费支出3.92万元; "…预算为18.60万元，支出决算为14.27万元" (the metric goes on).
                    if let metric = armed, clean, !consumed, metric.unit == "万元",
                       !PhraseRules.incomeMetrics.contains(metric.code) { continue }
                    if total {
                        // **A budget, then its spending**: "“三公”经费年初预算1.20万元，全年支出0.86万元" —
                        // the clause's 全年支出 is the budgeted metric's, not the unit's total.
                        if armed == nil, let previous = previousClause, previous.stored, !previous.openedList,
                           previous.basis == .budget || previous.basis == .initial, previous.metric.unit == "万元",
                           previous.metric.code != "total_expenditure", !PhraseRules.incomeMetrics.contains(previous.metric.code) {
                            armed = previous.metric
                        } else {
                            armed = catalog.metric(code: "total_expenditure")
                        }
                        clean = true
                        consumed = false
                    } else {
                        clean = false
                    }
                case .scope:
                    scopeBefore = true
                    if let metric = armed, PhraseRules.threePublicCodes.contains(metric.code), clean { continue }
                    clean = false
                case let .bareRate(word):
                    // **Rates named by the figure before them**: "全年执行数2,298.64万元，预算执行率99.28%".
                    if !scopeBefore, !qualified, let before = storedMetric ?? figureBefore,
                       let code = PhraseRules.bareRates[word]?[before.code], let indicator = catalog.metric(code: code) {
                        armed = indicator; clean = true; consumed = false
                    } else {
                        armed = nil; clean = false
                    }
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
                    lastYearSameQuarter = true
                    if consumed { consumed = false }
                case let .basis(basis):
                    // "由年初预算2,980万元调整为3,080万元": a second basis names a second figure.
                    if consumed, let stored = storedFigure, reading.figures[stored].basis != basis { consumed = false }
                    clauseBasis = carry.draftSection && basis == .budget ? .initial : basis
                case .connector, .approval:
                    break
                case .change:
                    change = true
                case .filler:
                    if embedded && !consumed { continue }     // "占调整预算1.42亿元的…": 占 is part of the phrase
                    if continued && clauseBasis == nil && !consumed { continue }   // "全年实际支出16.35万元"
                    clean = false
                    qualified = false
                case .ratioPart:
                    clean = false
                case let .number(number, unit):
                    defer { change = false }
                    let known = ["万元", "亿元", "元", "人", "名", "位", "万人", "%", "分"].contains(unit)
                    guard !change else { continue }
                    if unit == "亿元" && !allowsHundredMillions(for: armed) {
                        // A unit's own figures are in 万元; 亿元 in prose is a county's total.
                        unread("\(number)亿元: an amount in 亿元 is not a unit's own figure")
                        continue
                    }
                    guard let metric = armed, clean, !consumed else {
                        // A share or a rate with no name before it (占88.52%, 完成预算的96.31%) is understood: no figure.
                        if known && unit != "%" { unread("\(number)\(unit): no catalogue name right before it") }
                        continue
                    }
                    // Money and people need their unit; a ratio (财政供养比230) has none.
                    if unit.isEmpty && metric.unit != "人/人" { continue }
                    // **Head counts**: 人, 名, 位; 个 only for 编制; 人次 never.
                    if unit == "人次" || (unit == "个" && metric.code != "staff_authorized") { continue }
                    let storedUnit = PhraseRules.headCountWords.contains(unit) || unit == "个" ? "人" : unit
                    guard let year = clauseYear ?? sentenceYear ?? documentYear else { continue }
                    consumed = true
                    if otherUnit || namesOther {
                        unread("\(metric.code) \(number)\(unit): the clause is about another unit")
                        continue
                    }
                    if fundScope && PhraseRules.generalBudgetTotals.contains(metric.code) {
                        unread("\(metric.code) \(number)\(unit): a fund budget's total, not the general budget's")
                        continue
                    }
                    var basis: Basis?
                    if metric.isIndicator {
                        basis = .reported
                    } else if let explicit = clauseBasis {
                        basis = explicit
                    } else if listOpen {
                        guard listValid || listParts.contains(metric.code) else {
                            unread("\(metric.code) \(number)\(unit): a 其中 item of something that is not a catalogue figure")
                            continue
                        }
                        basis = listValid ? listBasis : .final
                    }
                    if basis == nil, carry.draftSection, approvalContext {
                        basis = .initial                  // 2022年预算草案：…支出安排3,240万元
                    }
                    if basis == nil {
                        if initialContext || approvalContext {
                            unread("\(metric.code) \(number)\(unit): 年初/批复/安排 without 预算 or 决算 leaves the basis unsaid")
                            continue
                        }
                        basis = .final
                    }
                    switch FigureText.read(number + storedUnit, unit: metric.unit) {
                    case let .value(value):
                        storedMetric = metric
                        var figure = DocumentFigure(metric: metric.code, year: year, basis: basis!, value: value,
                                                    part: "narrative", line: line, text: raw, cell: cell)
                        // Executed figures of the document's year (or of 上年同期) are year to date.
                        if basis == .final || basis == .reported {
                            let ofThePeriod = year == documentYear || lastYearSameQuarter
                            figure.quarter = statedQuarter ?? (ofThePeriod ? documentPeriod?.quarter ?? 0 : 0)
                        }
                        storedFigure = reading.figures.count
                        storedMetricInSentence = metric
                        if embedded, let head = previousClause?.figure { marks.embeddedBudgets[reading.figures.count] = head }
                        if clauseText.contains(PhraseRules.combinedRetiredWords[0]) && metric.code == "staff_retired" {
                            marks.combinedRetirees.insert(reading.figures.count)
                        }
                        reading.figures.append(figure)
                        // **Totals with parts**: a part of the head's own kind makes the head a broader total.
                        if listOpen, let head = listHead, PhraseRules.broaderThan[head.metric.code]?.contains(metric.code) == true {
                            broaderHeads.insert(head.figure)
                        }
                        if listOpen, let head = listHead, head.metric.code == "fiscal_revenue",
                           PhraseRules.widerRevenueParts.contains(metric.code) {
                            broaderHeads.insert(head.figure)
                        }
                    case let .invalid(message):
                        unread("\(metric.code): \(message)")
                    case .missing:
                        break
                    }
                }
            }
            // A budget inside a rate, or a rate, is an aside: the clause before stays the
            // one a 其中 list follows ("…收入完成率108.88%，其中税收收入131.46万元").
            if embedded || storedMetric?.isIndicator == true { continue }
            if let metric = storedMetric ?? armed {
                let stored = storedMetric != nil
                let basis = stored ? reading.figures.last?.basis : clauseBasis
                previousClause = (metric, basis, stored, listOpen, storedFigure)
                if stored, !listOpen, let figure = storedFigure { lastStored = (metric, basis, figure) }
            } else {
                previousClause = nil
            }
            previousLookAlike = storedMetric == nil && armed == nil ? clauseLookAlike : nil
        }
        // A sentence opening with 其中 lists the parts of the last figure stated before it.
        if let head = lastStored, head.figure < reading.figures.count { carry.head = head }
        var drop: [Int: String] = [:]
        for head in broaderHeads { drop[head] = "a total whose parts are of its own kind (实有人数 with 在职 and 退休 …), or count transfers in" }
        // A budget stated inside the rate of such a total is that total's, too.
        for (budget, head) in marks.embeddedBudgets where broaderHeads.contains(head) {
            drop[budget] = "the budget of a total that is not the metric's"
        }
        // One sentence giving one key two values contradicts itself: keep neither.
        for index in selfContradictions(in: reading, sentence: raw, line: line, excluding: Set(drop.keys)) {
            drop[index] = "the sentence states two values for it"
        }
        Self.drop(drop, from: &reading, marks: &marks)
    }

    /// A heading line: numbered (一、 （二） 3.) and short, without sentence punctuation.
    /// The money metric a sentence names and nothing else, after its item number
    /// ("（一）因公出国（境）费", "1.公务用车购置费"); nil for anything more.
    static func headingName(_ text: String, vocabulary: DocumentVocabulary) -> Metric? {
        var name = TextNormalization.foldWidth(TextNormalization.trim(text))
        name = name.replacingOccurrences(of: #"^([（(][一二三四五六七八九十0-9]+[）)]|[一二三四五六七八九十]+[、.]|[0-9]+[、.])\s*"#,
                                         with: "", options: .regularExpression)
        guard !name.isEmpty, name.count <= 20, let metric = vocabulary.metric(named: CellText.metricLabel(name)),
              metric.unit == "万元" else { return nil }
        return metric
    }

    static func isHeading(_ text: String) -> Bool {
        let trimmed = TextNormalization.trim(text)
        guard trimmed.count <= 40, !trimmed.contains("，"), !trimmed.contains(","), !trimmed.contains("。") else { return false }
        return trimmed.range(of: #"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十0-9]+[）)])"#,
                             options: .regularExpression) != nil
            && trimmed.range(of: #"[0-9.]+\s*(万元|元|人|%)"#, options: .regularExpression) == nil
    }

    /// **Components in brackets**: "公务用车购置及运行费1万元（其中，公务用车购置费0万元，
    /// 公务用车运行费1万元）" lists the figure's parts: read as a 其中 list. Any other
    /// aside with numbers ("（按收入任务的30%拨付）", "（其中行政编制30人…）") is dropped.
    func bracketsAsLists(_ text: String) -> String {
        // 〔〕 are brackets inside brackets; "(境)" inside a name holds no number, so a
        // bracket may contain it: "(其中:因公出国(境)费0万元;公务接待费2.35万元)".
        var result = text.replacingOccurrences(of: "〔", with: "(").replacingOccurrences(of: "〕", with: ")")
        // A list of names without numbers says what a name covers: "“七项经费”（办公费、印刷费…）合计53.71万元".
        result = result.replacingOccurrences(of: #"\([^()0-9]*、[^()0-9]*\)"#, with: "", options: .regularExpression)
        while let range = result.range(of: #"\((?:[^()]|\([^()0-9]*\))*\d(?:[^()]|\([^()0-9]*\))*\)"#, options: .regularExpression) {
            let inner = String(result[result.index(after: range.lowerBound)..<result.index(before: range.upperBound)])
            var body = inner.replacingOccurrences(of: #"^(其中|含)[:：,，]?"#, with: "", options: .regularExpression)
            body = TextNormalization.trim(body)
            let items = body.split(whereSeparator: { "、,，；;".contains($0) }).map { TextNormalization.key($0) }
            let components = !items.isEmpty && items.allSatisfy { item in
                names.contains { entry in entry.metric != nil && item.hasPrefix(entry.key) }
                    && item.range(of: #"[0-9]"#, options: .regularExpression) != nil
            }
            result.replaceSubrange(range, with: components ? "，其中" + body.replacingOccurrences(of: "、", with: "，") + "，" : "")
        }
        return result
    }

    /// Figures of this sentence that give the same metric, year and basis two values.
    private func selfContradictions(in reading: DocumentReading, sentence: String, line: Int, excluding: Set<Int>) -> Set<Int> {
        let mine = reading.figures.indices.filter { !excluding.contains($0) && reading.figures[$0].text == sentence
            && reading.figures[$0].line == line && reading.figures[$0].part == "narrative" }
        func key(_ figure: DocumentFigure) -> String { "\(figure.metric)|\(figure.year)|\(figure.quarter)|\(figure.basis.rawValue)" }
        var values: [String: Set<Int64>] = [:]
        for index in mine { values[key(reading.figures[index]), default: []].insert(reading.figures[index].value.e6) }
        return Set(mine.filter { values[key(reading.figures[$0])]!.count > 1 })
    }

    /// Names, numbers with units, years, basis words, connectors and change
    /// words; everything else is filler.
    /// A normalized text without its quotation marks (`key` folds “”「」 to " and ‘’ to ').
    static func unquoted(_ key: String) -> String { key.filter { $0 != "\"" && $0 != "'" } }

    func tokenize(_ clause: String, initialContext: inout Bool) -> [Token] {
        let text = Array(Self.unquoted(TextNormalization.key(clause)))
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
                // After 较/比 a year is a comparison; after 剔除/扣除 an adjustment: either way the clause's own.
                let comparison = index > 0 && Self.comparisonYearPrefixes.contains(text[index - 1])
                    || Self.adjustmentWords.contains { index >= $0.count && matches($0, at: index - $0.count) }
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
                // "1．人员经费…", "2、公用经费…": the number of an item, not a figure.
                if tokens.isEmpty, number.hasSuffix(".") || (end < text.count && text[end] == "、") {
                    index = end + (end < text.count && text[end] == "、" ? 1 : 0)
                    continue
                }
                var unit = ""
                for candidate in PhraseRules.numberUnits where matches(candidate, at: end) {
                    // "人员经费" after a number starts a name; its 人 is no unit.
                    if names.contains(where: { $0.key.count > candidate.count && matches($0.key, at: end) }) { break }
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
            // A name, unless a longer basis word starts here ("预算调整数" is a basis, not 预算调整).
            let longestBasis = Self.basisWords.filter { matches($0.0, at: index) }.map(\.0.count).max() ?? 0
            for (key, metric) in names where matches(key, at: index) && key.count >= longestBasis {
                tokens.append(metric.map { .metric($0) } ?? .lookAlike(key)); index += key.count; continue outer
            }
            for word in PhraseRules.spendingTotals where matches(word, at: index) {
                tokens.append(.spending(total: true)); index += word.count; continue outer
            }
            if matches("支出", at: index) { tokens.append(.spending(total: false)); index += 2; continue }
            for word in PhraseRules.scopeWords where matches(word, at: index) {
                tokens.append(.scope); index += word.count; continue outer
            }
            for word in PhraseRules.bareRates.keys.sorted(by: { $0.count > $1.count }) where matches(word, at: index) {
                tokens.append(.bareRate(word)); index += word.count; continue outer
            }
            if matches("年初", at: index) && !matches("年初预算", at: index) {
                initialContext = true; index += 2; continue
            }
            // "2024年初…188人，…年末实有…186人": the year's end, after its beginning.
            if matches("年末", at: index) || matches("年底", at: index) {
                initialContext = false; index += 2; continue
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
            for word in PhraseRules.changeWords where matches(word, at: index) {
                tokens.append(.change); index += word.count; continue outer
            }
            for word in PhraseRules.connectors where matches(word, at: index) {
                tokens.append(.connector); index += word.count; continue outer
            }
            if case .filler = tokens.last {} else { tokens.append(.filler) }
            index += 1
        }
        return tokens
    }
}
