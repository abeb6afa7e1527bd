/// A township's revenue and expenditure report (``DocumentKind/revenueReport``):
/// 关于X镇2022年财政决算的报告, X镇2024年上半年财政预算执行情况, 预算调整方案.
///
/// Read by the shared readers — its tables by ``LabelledTable`` (a year over
/// 金额 / 占调整预算% / 比上年增长%: only 金额), its prose by ``NarrativeReader``
/// — with the words of this kind (``names``): 一般公共预算收入 is the revenue the
/// township collects (`fiscal_revenue`), 本年支出合计 its general budget
/// spending, 上级补助收入 a transfer. Amounts in 亿元 are the township's here
/// (``NarrativeReader/allowsHundredMillions(for:)``); year-to-date figures
/// take the title's period (上半年 → quarter 2).
enum RevenueReport {
    /// What words mean in a township's revenue and expenditure report.
    static let names: [String: String?] = [
        "一般公共预算收入": "fiscal_revenue", "公共财政预算收入": "fiscal_revenue", "一般预算收入": "fiscal_revenue",
        "地方一般公共预算收入": "fiscal_revenue", "本级一般公共预算收入": "fiscal_revenue",
        "一般公共预算本级收入": "fiscal_revenue", "本年收入合计": "fiscal_revenue",
        "一般公共预算支出": "general_budget_expenditure", "公共财政预算支出": "general_budget_expenditure",
        "一般预算支出": "general_budget_expenditure", "一般公共预算本级支出": "general_budget_expenditure",
        "本级一般公共预算支出": "general_budget_expenditure", "本年支出合计": "general_budget_expenditure",
        "上级补助收入": "transfer_income", "转移性收入": "transfer_income", "上级转移支付收入": "transfer_income",
        "转移支付收入": "transfer_income", "上级补助": "transfer_income",
        "其他收入": nil,                        // an item of 非税收入 there, not a department's other funds
        "一般公共预算收入总计": "total_income", "一般公共预算支出总计": "expenditure_total",
        "预算总收入": nil, "决算总收入": nil,     // the whole budget with transfers: not a department's 年度资金总额
    ]

    /// **Revenue is tax plus non-tax** (``PhraseRules/widerRevenueParts``): a
    /// fiscal_revenue stated beside both its parts must equal their sum; if it
    /// does not, the document counts something else in (transfers, in some
    /// regions) and it is not stored.
    static func dropRevenueThatIsNotTaxPlusNontax(from reading: inout DocumentReading) {
        func key(_ figure: DocumentFigure) -> String { "\(figure.year)|\(figure.quarter)|\(figure.basis.rawValue)" }
        var parts: [String: [String: Set<Int64>]] = [:]
        for figure in reading.figures where figure.metric == "tax_revenue" || figure.metric == "nontax_revenue" {
            parts[key(figure), default: [:]][figure.metric, default: []].insert(figure.value.e6)
        }
        var drop: Set<Int> = []
        for (index, figure) in reading.figures.enumerated() where figure.metric == "fiscal_revenue" {
            guard let both = parts[key(figure)], let tax = both["tax_revenue"], let nontax = both["nontax_revenue"],
                  tax.count == 1, nontax.count == 1 else { continue }
            let sum = tax.first! + nontax.first!
            if figure.value.e6 != sum {
                drop.insert(index)
                reading.unread.append(UnreadLine(line: figure.line, text: figure.text,
                                                 reason: "fiscal_revenue \(figure.value) is not 税收收入 + 非税收入 (\(ExactValue(e6: sum))): it counts something else in",
                                                 cell: figure.cell))
            }
        }
        reading.figures = reading.figures.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
    }
}
