import Foundation

/// The phrase classes of prose, each a named rule with the words it knows.
/// ``NarrativeReader`` applies them; `NarrativeRuleTests` has one test per rule,
/// named as here, with figures computed by hand.
enum PhraseRules {
    // MARK: - Words between a name and its number

    /// **Connectors**: "“三公”经费支出共计9.07万元", "一般公共预算收入实现111.11万元",
    /// "编制人数为65人", "收入总额达到120万元". Longest first.
    static let connectors = ["累计完成", "达到", "合计", "共计", "总计", "总额", "累计", "实现", "完成", "其中", "为", "是", "共",
                             "达", "计", "由", ":"].sorted { $0.count > $1.count }

    /// **Spending words**: 支出 right after a name is part of the phrase
    /// ("公务接待费支出3.92万元"); 共支出 / 支出共计 / 全年支出 with no name before
    /// them are the unit's total spending ("2024年共支出1211.89万元").
    static let spendingTotals = ["全年总支出", "全年实际支出", "全年支出", "共支出", "支出共计", "支出合计", "总计支出"]
    /// Income metrics: 支出 after one of them names the spending, another quantity
    /// ("一般公共预算财政拨款全年预算数2509.89万元，决算支出2520.6万元").
    static let incomeMetrics: Set<String> = ["general_budget_funds", "government_fund_funds", "other_funds", "total_funds",
                                             "fiscal_revenue", "tax_revenue", "nontax_revenue", "current_income",
                                             "total_income", "transfer_income"]

    /// **Scope words**: 财政拨款 after a "三公" name is its usual scope
    /// ("“三公”经费财政拨款支出决算14.27万元"); after any other name it makes
    /// another quantity (财政拨款基本支出 is not 基本支出).
    static let scopeWords = ["一般公共预算财政拨款", "财政拨款"]
    static let threePublicCodes: Set<String> = ["three_public_total", "overseas_travel", "vehicle_total", "vehicle_purchase",
                                                "vehicle_operation", "official_reception"]

    /// **Rates named by the figure before them**: 执行率, 完成率, 控制率 … say what they
    /// measure only through the figure stated before them in the sentence
    /// ("全年执行数2,298.64万元，预算执行率99.28%" is the unit's budget execution rate;
    /// "基本支出决算支出1617.68万元，预算执行率99.84%" is no indicator of the catalogue).
    static let bareRates: [String: [String: String]] = [
        "预算执行率": ["total_funds": "budget_execution_rate", "total_expenditure": "budget_execution_rate"],
        "执行率": ["total_funds": "budget_execution_rate", "total_expenditure": "budget_execution_rate",
                 "government_procurement": "procurement_execution_rate"],
        "收入完成率": ["fiscal_revenue": "revenue_completion_rate"],
        "完成率": ["fiscal_revenue": "revenue_completion_rate", "tax_revenue": "tax_completion_rate"],
        "控制率": ["three_public_total": "three_public_control_rate", "public_funds": "public_funds_control_rate"],
        "应保尽保率": ["three_guarantees": "three_guarantees_coverage", "benefit_covered": "benefit_coverage"],
        "覆盖率": ["social_insured": "social_insurance_coverage", "medical_insured": "medical_insurance_coverage"],
    ]

    /// **Shares of a whole**: "“三保”支出占一般公共预算支出的62.81%" (or "的比重为62.40%")
    /// is the share indicator of its part, stated in its clause or the one before.
    static let shares: [(part: String, whole: String, wholeName: String, indicator: String)] = [
        ("three_guarantees", "general_budget_expenditure", "一般公共预算支出", "three_guarantees_share"),
    ]

    static func share(in clause: String) -> (part: String, whole: String, indicator: String, value: String)? {
        let key = TextNormalization.key(clause)
        for share in shares {
            let pattern = "占" + share.wholeName + #"的?(比重|比例)?(为|是|达)?([0-9]+(\.[0-9]+)?)%"#
            guard let range = key.range(of: pattern, options: .regularExpression) else { continue }
            let matched = String(key[range])
            guard let number = matched.range(of: #"[0-9]+(\.[0-9]+)?%$"#, options: .regularExpression) else { continue }
            return (share.part, share.whole, share.indicator, String(matched[number].dropLast()))
        }
        return nil
    }

    // MARK: - Numbers and their units

    /// **Head counts** come in 人, 名 or 位 ("事业编制25名", "退休职工6名"); 个 only
    /// for 编制 ("核定编制99个"). 人次 and 批次 count visits, not people.
    static let numberUnits = ["万元", "亿元", "万人", "人次", "元", "人", "名", "位", "个", "%", "分"]
    static let headCountWords: Set<String> = ["人", "名", "位"]

    /// **Thousands separators**: a comma between digits followed by exactly three
    /// digits (1,867.48 / 1，867.48 / 38,216人) is inside the number, not a clause
    /// break; ",867.48" or "5,12" are not numbers.
    static func isThousandsSeparator(_ text: [Character], at index: Int) -> Bool {
        guard index > 0, text[index] == ",", text[index - 1].isASCII, text[index - 1].isNumber else { return false }
        var end = index + 1
        while end < text.count, text[end].isASCII, text[end].isNumber { end += 1 }
        return end - index - 1 == 3
    }

    /// Clauses of a sentence: split at ，；, but not inside a number.
    static func clauses(_ text: String) -> [(text: String, afterSemicolon: Bool)] {
        let characters = Array(text)
        var result: [(String, Bool)] = []
        var current = ""
        var afterSemicolon = false
        for (index, character) in characters.enumerated() {
            if "，,；;".contains(character) && !isThousandsSeparator(characters, at: index) {
                let semicolon = character == "；" || character == ";"
                if current.isEmpty {
                    afterSemicolon = afterSemicolon || semicolon       // "；，" still ends a list
                    continue
                }
                result.append((current, afterSemicolon))
                current = ""
                afterSemicolon = semicolon
            } else {
                current.append(character)
            }
        }
        result.append((current, afterSemicolon))
        return result.filter { !$0.0.isEmpty }
    }

    // MARK: - Changes, rates and other quantities

    /// **Changes** are never the figure itself: "减少10.93万元", "下降54.65%", "增收143.28万元".
    static let changeWords = ["增加", "减少", "降低", "下降", "增长", "提高", "上升", "节约", "超支", "增收", "减收", "增支", "减支",
                              "调增", "调减", "增减", "差值", "差额", "多", "少", "增速", "增幅", "减幅", "降幅",
                              // **Approximations** are no exact figure: "常住人口约8.6万人", "近4000亩".
                              "约", "近", "逾", "超过", "左右"]

    /// **Distributive lists**: "收、支总计各是4125.49,4143.91万元" gives one value to
    /// each of several names: which is which is not for a reader to guess.
    static let distributiveWords = ["各是", "各为", "分别为", "分别是", "分别达", "均为", "各增加", "各减少"]

    /// **Other units**: a clause that names another unit ("所属单位中，青禾县农业技术
    /// 推广中心在职人员18人") states that unit's figures, not the document's.
    /// A unit the document's unit manages for another ("受…委托代管的县党史研究室（独立核算）全年支出58.30万元") is another unit too.
    /// A breakdown by spending unit ("从支出单位看，局机关本级“三公”经费决算12.06万元，县疾病预防控制中心5.83万元")
    /// states parts, not the unit's whole.
    static let subUnitWords = ["所属单位", "下属单位", "二级单位", "所属二级", "下属二级", "代管的", "独立核算", "机关本级",
                               "从支出单位看", "按支出单位", "分单位看"]

    /// **Fund budgets**: a sentence about 政府性基金 (or 国有资本经营, 社保基金) —
    /// one that names the fund before its first number — states that budget's
    /// totals, not the general budget's: "政府性基金收入412万元，…收入总计430.30万元"
    /// is no 收入总计 of the unit; "本年收入合计2,843.12万元，其中：…政府性基金预算
    /// 财政拨款收入120万元" is.
    static let fundWords = ["政府性基金", "国有资本经营", "社会保险基金", "社保基金", "基金预算"]
    /// Metrics that a fund sentence's totals would be mistaken for.
    static let generalBudgetTotals: Set<String> = ["total_income", "expenditure_total", "current_income", "total_expenditure",
                                                   "transfer_income", "fiscal_revenue", "general_budget_expenditure",
                                                   "tax_revenue", "nontax_revenue", "total_funds"]

    /// **Single months**: "9月当月入库税收收入186.40万元" is one month's, not the year to date.
    static let singleMonthWords = ["当月", "本月", "单月"]

    /// **Parts of a look-alike**: a 部门决算 states 人员经费 and 公用经费 as the parts of
    /// 一般公共预算财政拨款基本支出 ("…基本支出2,198.60万元，其中：人员经费2,041.55万元；
    /// 公用经费157.05万元") — they are the unit's 人员经费 and 公用经费 as the
    /// template defines them, though their head is no catalogue figure.
    static let lookAlikeParts: [String: Set<String>] = [
        "一般公共预算财政拨款基本支出": ["personnel_expenditure", "public_funds"],
        "财政拨款基本支出": ["personnel_expenditure", "public_funds"],
        "一般公共预算基本支出": ["personnel_expenditure", "public_funds"],
        // "财政拨款收入1,236.40万元，其中一般公共预算财政拨款收入1,036.40万元，政府性基金…200.00万元".
        "财政拨款收入": ["general_budget_funds", "government_fund_funds"],
    ]

    /// **Combined retirees**: 离退休人员 counts 离休 too; it is the retirees only when
    /// the document states no 退休 figure of its own.
    static let combinedRetiredWords = ["离退休"]

    /// **Totals with parts**: a total whose 其中 list holds its own kind is broader
    /// than the figure ("实有人数71人，其中：在职人员52人，退休人员17人" — 71 is not the
    /// staff in service); such a total is not stored, its parts are.
    static let broaderThan: [String: Set<String>] = [
        "staff_in_service": ["staff_in_service", "staff_retired"],
        "staff_retired": ["staff_retired"],
        "staff_authorized": ["staff_authorized"],
    ]

    /// **Revenue is tax plus non-tax**: in a revenue report 一般公共预算收入 is
    /// fiscal_revenue only as 税收收入 + 非税收入. Stated beside both parts, it must
    /// equal their sum; with 上级补助 or 转移支付 in its 其中 list it is a wider total
    /// (some regions count transfers in), and is not stored.
    static let widerRevenueParts: Set<String> = ["transfer_income"]
}
