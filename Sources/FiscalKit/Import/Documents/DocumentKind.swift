/// What a document is, from its title: it decides what some words mean. Each
/// kind has its file in `Kinds/` (``SelfEvaluationPackage``, ``FinalAccounts``,
/// ``ThreePublicNote``, ``RevenueReport``) with its words and its own rules.
///
/// | kind | titles | 一般公共预算收入 there is |
/// | --- | --- | --- |
/// | ``selfEvaluation`` | …部门整体支出绩效自评报告 / 自评表 / 基础数据表 | a township's revenue; nothing for a department |
/// | ``finalAccounts`` | X2023年度部门决算, 单位决算, 决算公开 | ambiguous: not read (its 决算总表 says 一般公共预算财政拨款收入) |
/// | ``threePublicNote`` | X年“三公”经费决算情况说明 | — |
/// | ``revenueReport`` | 关于X镇2022年财政决算的报告, 上半年预算执行情况 | revenue collected (`fiscal_revenue`) |
public enum DocumentKind: String, Sendable {
    case selfEvaluation = "self-evaluation package"
    case finalAccounts = "部门决算 (final accounts)"
    case threePublicNote = "“三公”经费决算说明"
    case revenueReport = "revenue and expenditure report"
    case other = "document"

    /// The kind the title lines say, first match wins.
    static func of(titles: [String]) -> DocumentKind {
        // Breadcrumbs ("首页 > … > 决算公开") and metadata fields ("[ 体裁分类 ] 财政预算、决算") name sections of a site.
        let keys = titles.map { TextNormalization.key($0).replacingOccurrences(of: "\"", with: "") }
            .filter { !$0.contains(">") && !$0.contains("[") && !$0.contains("【") && !$0.contains("|") }
            .map { $0.replacingOccurrences(of: #"^(标题|题名)[:：]"#, with: "", options: .regularExpression) }
            .filter { !$0.contains(":") }
        func any(_ words: [String]) -> Bool { keys.contains { key in words.contains { key.contains($0) } } }
        if any(["自评报告", "自评表", "基础数据表", "绩效评价报告", "绩效自评"]) { return .selfEvaluation }
        if any(["部门决算", "单位决算", "决算公开", "部门预决算"]) { return .finalAccounts }
        if any(["三公经费"]) && any(["决算", "说明", "情况"]) { return .threePublicNote }
        if any(["财政决算", "预算执行", "财政收支", "收支执行", "收支决算", "预算调整", "财政预算", "决算报告", "决算(草案)",
                "决算草案"]) {
            return .revenueReport
        }
        return .other
    }
}

/// The words of one document: the catalogue's names, and what some words mean
/// in this kind of document (``DocumentKind``) and for this kind of unit.
///
/// A name maps to a metric, or to nothing: a *look-alike* — a different
/// quantity whose name holds a catalogue name (财政总收入 holds 总收入,
/// 一般性转移支付收入 holds 转移支付收入, 一般公共预算财政拨款支出 is not
/// 一般公共预算支出). Look-alikes stop a reader from taking the shorter name
/// inside them.
struct DocumentVocabulary {
    let catalog: MetricCatalog
    let kind: DocumentKind
    let township: Bool
    /// Key → metric code, or nil for a look-alike.
    private let contextual: [String: String?]

    /// Different quantities whose names hold a catalogue name, in every document.
    static let lookAlikes = [
        "财政总收入", "一般公共预算总收入", "一般公共预算可用资金", "可用财力", "一般公共预算财力", "地方财政收入", "地方收入",
        "财政拨款收入总计", "财政拨款收入合计", "一般公共预算财政拨款支出", "一般公共预算财政拨款基本支出",
        "一般公共预算财政拨款项目支出", "财政拨款基本支出", "财政拨款项目支出", "财政拨款“三公”经费", "一般公共预算基本支出",
        "一般性转移支付收入", "上级一般性转移支付收入", "专项转移支付收入", "上级专项转移支付收入", "返还性收入",
        "税收分成收入", "上年结余", "上年结余收入", "上年结转", "年初结转和结余", "年末结转和结余", "结转下年", "上解上级支出",
        "调入资金", "公务用车保有量", "公务用车编制", "政府性基金收入", "政府性基金支出", "政府性基金预算收入",
        "政府性基金预算支出", "基金预算收入", "基金预算支出", "国有资本经营预算收入", "国有资本经营预算支出",
        "社会保险基金预算收入", "社会保险基金预算支出", "一般公共预算财政拨款收入总计", "财政拨款结转和结余",
        "财政拨款收入", "事业收入", "经营收入", "经营支出", "附属单位上缴收入", "对附属单位补助支出", "上缴上级支出", "实有人员编制",
    ]

    init(catalog: MetricCatalog, kind: DocumentKind, township: Bool) {
        self.catalog = catalog
        self.kind = kind
        self.township = township
        var names: [String: String?] = [:]
        for name in Self.lookAlikes { names[TextNormalization.key(name)] = .some(nil) }
        let specific: [String: String?]
        switch kind {
        case .revenueReport: specific = RevenueReport.names
        case .finalAccounts: specific = FinalAccounts.names
        case .threePublicNote: specific = ThreePublicNote.names
        case .selfEvaluation, .other:
            // A township's 一般公共预算收入 is what it collects; a department's is ambiguous.
            specific = township ? RevenueReport.names.filter { $0.key.contains("一般") && $0.value == "fiscal_revenue" }
                : ["一般公共预算收入": nil]
        }
        for (name, code) in specific { names[TextNormalization.key(name)] = .some(code) }
        contextual = names
    }

    /// The metric a table's row label or a prose name means here; nil for a
    /// look-alike or an unknown name.
    func metric(named label: String) -> Metric? {
        let key = TextNormalization.key(label)
        if let entry = contextual[key] { return entry.flatMap { catalog.metric(code: $0) } }
        return catalog.metric(named: label)
    }

    /// Whether a name is known here as a look-alike (another quantity).
    func isLookAlike(_ label: String) -> Bool {
        if case .some(.none) = contextual[TextNormalization.key(label)] { return true }
        return false
    }

    /// Every name prose may use, longest first: (key, metric or nil for a look-alike).
    func proseNames(including metrics: (Metric) -> Bool) -> [(key: String, metric: Metric?)] {
        var names: [String: Metric?] = [:]
        for metric in catalog.metrics where metrics(metric) {
            for name in metric.allNames where name != metric.code {
                names[TextNormalization.key(name)] = metric
            }
        }
        for (key, code) in contextual { names[key] = code.flatMap { catalog.metric(code: $0) } }
        return names.map { (key: $0.key, metric: $0.value) }.sorted { ($0.key.count, $0.key) > ($1.key.count, $1.key) }
    }
}
