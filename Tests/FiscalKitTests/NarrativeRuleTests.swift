import Foundation
import Testing
@testable import FiscalKit

/// One test per phrase rule of ``PhraseRules`` (and the periods of
/// ``StatedPeriod``), each on sentences written for it, figures computed by hand.
@Suite("Prose, rule by rule")
struct NarrativeRuleTests {
    static let report = "青禾县统计局2024年度部门整体支出绩效自评报告\n"
    static let township = "关于青禾县石门镇2024年财政决算的报告\n"

    /// The figures a document's prose gives: "metric year[ Qn] basis value".
    func figures(_ body: String, title: String = Self.report) -> [String] {
        DocumentReader.read(title + body, catalog: MetricCatalog.embedded()).figures.map {
            "\($0.metric) \($0.year)\($0.quarter == 0 ? "" : " Q\($0.quarter)") \($0.basis.rawValue) \($0.value)"
        }
    }

    func unread(_ body: String, title: String = Self.report) -> [String] {
        DocumentReader.read(title + body, catalog: MetricCatalog.embedded()).unread.map(\.reason)
    }

    @Test("thousands separators: a comma inside a number is no clause break; a malformed number is not stored")
    func thousandsSeparators() {
        #expect(figures("2024年共支出1,867.48万元。\n") == ["total_expenditure 2024 final 1867.48"])
        #expect(figures("2024年共支出1，867.48万元。\n") == ["total_expenditure 2024 final 1867.48"])
        #expect(figures("2024年常住人口38,216人。\n") == ["resident_population 2024 final 38216"])
        // ",867.48" lost its leading digit: a clause of a lone number, not a figure.
        #expect(figures("2024年支出总计,867.48万元。\n").isEmpty)
        // "5,12" is not a group of three: two numbers, neither with a name right before it.
        #expect(figures("2024年税收收入5,12万元。\n").isEmpty)
    }

    @Test("head counts in 人, 名, 位; 人次 and 批次 are no head counts")
    func headCounts() {
        #expect(figures("截止2024年12月31日，核定编制25名，退休职工6名，在职人员22位。\n")
                == ["staff_authorized 2024 final 25", "staff_retired 2024 final 6", "staff_in_service 2024 final 22"])
        // 事业编制 is a part of 编制, no figure of the catalogue.
        #expect(figures("2024年事业编制25名。\n").isEmpty)
        #expect(figures("2024年公务接待41批次，326人次。\n").isEmpty)
    }

    @Test("words between a name and its number: 共计, 合计, 总计, 实现, 完成, 为, 达, 达到, 共, 支出")
    func connectors() {
        #expect(figures("2024年“三公”经费支出共计9.07万元。\n") == ["three_public_total 2024 final 9.07"])
        #expect(figures("2024年全镇一般公共预算收入实现111.11万元。\n", title: Self.township)
                == ["fiscal_revenue 2024 final 111.11"])
        #expect(figures("2024年共支出1211.89万元。\n") == ["total_expenditure 2024 final 1211.89"])
        #expect(figures("2024年政府采购金额达到36.2万元，公用经费合计120万元，编制人数为58人。\n")
                == ["government_procurement 2024 final 36.2", "public_funds 2024 final 120", "staff_authorized 2024 final 58"])
        #expect(figures("2024年公务接待费支出3.92万元，机关运行经费总计108.64万元。\n")
                == ["official_reception 2024 final 3.92", "operating_funds 2024 final 108.64"])
        // After an income, 支出 names the spending: another quantity.
        #expect(figures("一般公共预算财政拨款全年预算数2509.89万元，决算支出2520.6万元。\n")
                == ["general_budget_funds 2024 budget 2509.89"])
    }

    @Test("其中 lists whose head is in the sentence before")
    func listHeadInSentenceBefore() {
        #expect(figures("2024年共支出1211.89万元。其中，基本支出573.36万元，项目支出638.53万元。\n") == [
            "total_expenditure 2024 final 1211.89", "basic_expenditure 2024 final 573.36", "project_expenditure 2024 final 638.53",
        ])
        // The list takes the head's basis.
        #expect(figures("2024年“三公”经费预算数12万元。其中：公务接待费4万元。\n")
                == ["three_public_total 2024 budget 12", "official_reception 2024 budget 4"])
    }

    @Test("components in brackets: read as the figure's 其中 list; other asides are dropped")
    func componentsInBrackets() {
        #expect(figures("2024年公务用车购置及运行维护费21万元（公务用车购置费0万元、公务用车运行维护费21万元）。\n") == [
            "vehicle_total 2024 final 21", "vehicle_purchase 2024 final 0", "vehicle_operation 2024 final 21",
        ])
        #expect(figures("2024年非税收入征收成本122.8万元（按收入任务的30%拨付）。\n") == ["nontax_collection_cost 2024 final 122.8"])
    }

    @Test("totals with parts: the total is the figure, its parts are not; parts alone are not summed")
    func totalsWithParts() {
        #expect(figures("2024年编制人数为65人（其中行政编制30人，事业编制35人）。\n") == ["staff_authorized 2024 final 65"])
        #expect(figures("2024年行政编制20人、事业编制21人。\n").isEmpty)
        // 实有人数 that counts the retirees too is broader than the staff in service: its parts are stored.
        #expect(figures("截至2024年12月31日，实有人数71人，其中：在职人员52人，退休人员17人。\n")
                == ["staff_in_service 2024 final 52", "staff_retired 2024 final 17"])
        #expect(unread("截至2024年12月31日，实有人数71人，其中：在职人员52人，退休人员17人。\n").contains {
            $0.contains("staff_in_service 71") && $0.contains("its own kind")
        })
    }

    @Test("synonyms: 公务用车购置, 在职在编人员, 实有人数, 退休职工, 离退休人员 (not when 退休 is stated), 支出共计, 共支出")
    func synonyms() {
        #expect(figures("2024年公务用车购置0万元，在职在编人员31人，退休职工9人。\n")
                == ["vehicle_purchase 2024 final 0", "staff_in_service 2024 final 31", "staff_retired 2024 final 9"])
        #expect(figures("2024年实有人数40人，支出共计520万元。\n")
                == ["staff_in_service 2024 final 40", "total_expenditure 2024 final 520"])
        #expect(figures("2024年离退休人员12人。\n") == ["staff_retired 2024 final 12"])
        // 离退休 counts 离休 too: with 退休 stated on its own, 退休 is the figure.
        #expect(figures("2024年离退休人员12人。2024年退休人员11人。\n") == ["staff_retired 2024 final 11"])
    }

    @Test("changes and rates are never the figure itself")
    func changesAndRates() {
        #expect(figures("2024年“三公”经费决算9.07万元，较年初预算数减少10.93万元，下降54.65%，较上年增长9.0%。\n")
                == ["three_public_total 2024 final 9.07"])
        #expect(figures("2024年税收收入增收143.28万元。\n").isEmpty)
    }

    @Test("periods: year-to-date words make executed figures a quarter's; a month that ends no quarter is not stored")
    func periods() {
        let township = "青禾县石门镇2024年财政收支执行情况\n"
        #expect(figures("1-6月，全镇一般公共预算收入完成486.37万元。\n", title: township) == ["fiscal_revenue 2024 Q2 final 486.37"])
        #expect(figures("截至9月底，全镇税收收入完成1,492.17万元。\n", title: township) == ["tax_revenue 2024 Q3 final 1492.17"])
        #expect(figures("一季度，全镇非税收入完成74.29万元。\n", title: township) == ["nontax_revenue 2024 Q1 final 74.29"])
        // The year's budget in a year-to-date sentence stays the year's.
        #expect(figures("全年税收收入预算1,980万元。\n", title: township) == ["tax_revenue 2024 budget 1980"])
        #expect(figures("1-5月，全镇税收收入完成348.66万元。\n", title: township).isEmpty)
        #expect(figures("6月当月完成税收收入93.15万元。\n", title: township).isEmpty)
        // A report of the first half: its executed figures are year to date, its budgets the year's.
        let half = "柳溪乡2024年上半年财政预算执行情况的报告\n来源：青禾县柳溪乡人民政府\n\n"
        #expect(figures("全乡一般公共预算支出完成1,688.54万元，完成年初预算3,380万元的49.96%。\n", title: half)
                == ["general_budget_expenditure 2024 Q2 final 1688.54", "general_budget_expenditure 2024 initial 3380"])
    }

    @Test("budgets inside a rate belong to the line before; one reused for several lines is the whole budget")
    func budgetsInsideARate() {
        #expect(figures("2024年全镇税收收入完成412.08万元，完成年初预算数760万元的54.2%。\n", title: Self.township)
                == ["tax_revenue 2024 final 412.08", "tax_revenue 2024 initial 760"])
        let reused = """
            2024年全镇税收收入完成412.08万元，完成年初预算数1,420万元的29.0%。
            2024年全镇非税收入完成74.29万元，完成年初预算数1,420万元的5.2%。

            """
        #expect(figures(reused, title: Self.township) == ["tax_revenue 2024 final 412.08", "nontax_revenue 2024 final 74.29"])
    }

    @Test("distributive lists (各是, 分别为) are not read")
    func distributiveLists() {
        #expect(figures("2024年度收、支总计各是4125.49,4143.91万元。\n").isEmpty)
        #expect(figures("2023年、2024年税收收入分别为700万元、823万元。\n").isEmpty)
    }

    @Test("a clause about another unit is not the document's")
    func otherUnits() {
        let text = "截至2024年12月31日，本局在职人员52人。所属单位中，青禾县农业技术推广中心在职人员18人。\n"
        #expect(figures(text) == ["staff_in_service 2024 final 52"])
        #expect(figures("2024年青禾县财政局在职人员40人。\n").isEmpty)
    }

    @Test("a fund budget's totals are not the general budget's")
    func fundBudgets() {
        let text = "一、一般公共预算\n2024年全镇收入总计4,886.36万元。\n二、政府性基金预算收支\n2024年全镇政府性基金收入412万元，收入总计430.30万元。\n"
        #expect(figures(text, title: Self.township) == ["total_income 2024 final 4886.36"])
    }

    @Test("look-alikes are other quantities: 财政总收入, 一般公共预算财政拨款基本支出 …")
    func lookAlikes() {
        #expect(figures("2024年全镇财政总收入完成4,312万元。\n", title: Self.township).isEmpty)
        // …but its parts 人员经费 and 公用经费 are the unit's (the 部门决算 convention).
        let accounts = "青禾县林业局2024年度部门决算\n"
        #expect(figures("2024年一般公共预算财政拨款基本支出612.50万元，其中：人员经费566.32万元，公用经费46.18万元。\n", title: accounts)
                == ["personnel_expenditure 2024 final 566.32", "public_funds 2024 final 46.18"])
    }

    @Test("revenue is tax plus non-tax in a revenue report; with transfers counted in it is not stored")
    func revenueIsTaxPlusNontax() {
        let wider = "2024年全乡一般公共预算收入累计实现3,126万元。其中：税收收入286万元，非税收入74万元，上级补助收入2,766万元。\n"
        #expect(figures(wider, title: Self.township)
                == ["tax_revenue 2024 final 286", "nontax_revenue 2024 final 74", "transfer_income 2024 final 2766"])
        let sum = "2024年全镇一般公共预算收入完成1,520.18万元，其中：税收收入1,268.45万元，非税收入251.73万元。\n"
        #expect(figures(sum, title: Self.township)
                == ["fiscal_revenue 2024 final 1520.18", "tax_revenue 2024 final 1268.45", "nontax_revenue 2024 final 251.73"])
    }

    @Test("parts that contradict their total in one paragraph: none of them is stored")
    func partsThatContradict() {
        #expect(figures("2024年公务用车购置及运行维护费支出4.86万元。其中：公务用车购置支出0万元，公务用车运行维护支出0万元。\n").isEmpty)
    }

    @Test("a draft budget's figures are the year's initial ones; 力争 is an intent and 预计 an estimate: no figure")
    func draftsAndPlans() {
        let text = "二、2025年财政预算草案\n2025年一般公共预算支出安排3,240万元。其中：人员经费1,512万元。\n"
        #expect(figures(text, title: Self.township)
                == ["general_budget_expenditure 2025 initial 3240", "personnel_expenditure 2025 initial 1512"])
        #expect(figures("力争全年一般公共预算收入完成950万元。\n", title: Self.township).isEmpty)
        // The county's target is the plan.
        #expect(figures("县下达我镇2024年一般公共预算收入目标任务1,680.00万元。\n", title: Self.township)
                == ["fiscal_revenue 2024 plan 1680"])
        #expect(figures("预计全年税收收入完成900万元。\n", title: Self.township).isEmpty)
    }

    @Test("rates named by the figure before them: 执行率 of 年度资金总额, 覆盖率 of 参保人数 …; of anything else, nothing")
    func ratesNamedByTheFigureBefore() {
        #expect(figures("2024年年度资金总额全年执行数2,298.64万元，预算执行率为99.28%。\n")
                == ["total_funds 2024 final 2298.64", "budget_execution_rate 2024 reported 99.28"])
        #expect(figures("2024年社保参保人数5,236人，覆盖率41.28%。\n")
                == ["social_insured 2024 final 5236", "social_insurance_coverage 2024 reported 41.28"])
        #expect(figures("2024年完成政府采购138.60万元，执行率92.40%。\n")
                == ["government_procurement 2024 final 138.6", "procurement_execution_rate 2024 reported 92.4"])
        // The execution rate of 基本支出 is no indicator of the catalogue; 财政拨款's is not the unit's.
        #expect(figures("2024年基本支出决算支出1617.68万元，预算执行率99.84%。\n") == ["basic_expenditure 2024 final 1617.68"])
        #expect(figures("2024年财政拨款预算执行率96.27%。\n").isEmpty)
        // A rate is an aside: the 其中 list after it is the figure's.
        #expect(figures("2024年实际完成财政收入217.76万元，收入完成率108.88%，其中税收收入131.46万元。\n", title: Self.township)
                == ["fiscal_revenue 2024 final 217.76", "revenue_completion_rate 2024 reported 108.88", "tax_revenue 2024 final 131.46"])
    }

    @Test("shares of a whole: “三保”支出占一般公共预算支出的62.81%")
    func sharesOfAWhole() {
        #expect(figures("2024年一般公共预算支出完成3,356.72万元，其中“三保”支出2,108.45万元，占一般公共预算支出的62.81%。\n",
                        title: Self.township)
                == ["general_budget_expenditure 2024 final 3356.72", "three_guarantees 2024 final 2108.45",
                    "three_guarantees_share 2024 reported 62.81"])
        #expect(figures("2024年“三保”应保支出4,130万元，已保支出4,126万元。\n", title: Self.township)
                == ["three_guarantees 2024 plan 4130", "three_guarantees 2024 final 4126"])
    }

    @Test("satisfaction of the people a unit serves; 惠民惠农 应保 and 已保")
    func satisfactionAndBenefits() {
        #expect(figures("通过发放调查问卷420份，2024年群众满意度达到96.5%。\n") == ["satisfaction 2024 final 96.5"])
        #expect(figures("2024年农户对惠农政策满意度95.6%。\n").isEmpty)
        #expect(figures("2024年惠民惠农补贴应保3,412人，已保3,398人，应保尽保率99.59%。\n", title: Self.township)
                == ["benefit_eligible 2024 final 3412", "benefit_covered 2024 final 3398", "benefit_coverage 2024 reported 99.59"])
    }

    @Test("a township's economy in 亿元; a bureau's 亿元 is the county's; approximations are no figure")
    func hundredMillionsAndApproximations() {
        #expect(figures("2024年全镇实现地区生产总值18.62亿元。\n", title: "青禾县石门镇人民政府2024年度部门整体支出绩效自评报告\n")
                == ["gdp 2024 final 186200"])
        #expect(figures("2024年“三保”支出14.53亿元。\n").isEmpty)
        #expect(figures("2024年辖区常住人口约8.6万人。\n").isEmpty)
    }

    @Test("flows of a year are no stock; item numbers are no figures")
    func flowsAndItemNumbers() {
        let text = "2024年初在编教职工188人，当年退休3人，调出2人，年末实有在编教职工186人；退休教职工64人。\n"
        #expect(figures(text) == ["staff_in_service 2024 final 186", "staff_retired 2024 final 64"])
        #expect(figures("1．人员经费合计1,521.70万元。\n2、公用经费259.31万元。\n")
                == ["personnel_expenditure 2024 final 1521.7", "public_funds 2024 final 259.31"])
    }

    @Test("quotation marks are no part of a name: “七项经费”合计, \"三公\"经费")
    func quotedNames() {
        #expect(figures("2024年办公费5.42万元，“七项经费”合计16.21万元。\n")
                == ["office_expense 2024 final 5.42", "seven_items_total 2024 final 16.21"])
        #expect(figures("2024年\"三公\"经费支出9.07万元。\n") == ["three_public_total 2024 final 9.07"])
    }

    @Test("a budget, then its spending: 全年支出 after “三公”经费年初预算 is the 三公's; 实际采购 after 政府采购预算")
    func budgetThenSpending() {
        #expect(figures("2024年“三公”经费年初预算1.20万元，全年支出0.86万元。\n")
                == ["three_public_total 2024 initial 1.2", "three_public_total 2024 final 0.86"])
        #expect(figures("2024年政府采购预算42.00万元，实际采购41.37万元。\n")
                == ["government_procurement 2024 budget 42", "government_procurement 2024 final 41.37"])
        // After an income, 全年支出 is the unit's spending.
        #expect(figures("2024年一般公共预算拨款395.26万元，全年支出405.18万元。\n")
                == ["general_budget_funds 2024 final 395.26", "total_expenditure 2024 final 405.18"])
    }

    @Test("a name as a heading is the subject of the clauses after it on its line")
    func nameAsHeading() {
        let text = """
            2024年“三公”经费决算情况
            （一）因公出国（境）费。预算数为0万元，决算数为0万元，全年未安排因公出国（境）团组。
            1.公务用车运行维护费。预算数为16.80万元，决算数为14.92万元。
            （二）培训情况。预算数为5.00万元。
            预算数为7.80万元，决算数为6.45万元。

            """
        #expect(figures(text) == ["overseas_travel 2024 budget 0", "overseas_travel 2024 final 0",
                                  "vehicle_operation 2024 budget 16.8", "vehicle_operation 2024 final 14.92"])
    }

    @Test("a breakdown by spending unit, a unit managed for another: their figures are not the unit's")
    func otherUnitsInside() {
        #expect(figures("2024年从支出单位看，局机关本级“三公”经费决算12.06万元，县疾病预防控制中心5.83万元。\n").isEmpty)
        #expect(figures("2024年受县委组织部委托代管的县党史研究室（独立核算）全年支出58.30万元。\n").isEmpty)
        #expect(unread("2024年受县委组织部委托代管的县党史研究室（独立核算）全年支出58.30万元。\n")
                == ["total_expenditure 58.30万元: the clause is about another unit"])
    }

    @Test("the county's figures are not the unit's; a county meeting held 5 times is no figure of the county")
    func countyClauses() {
        #expect(figures("2024年会议费预算数3.00万元，决算数2.16万元，召开全县卫生健康工作会议5次，参会人员420人次。\n")
                == ["meeting 2024 budget 3", "meeting 2024 final 2.16"])
        #expect(figures("2024年常住人口12,684人。全县常住人口318,420人。\n") == ["resident_population 2024 final 12684"])
        #expect(figures("2024年自评得分92.5分。全县各乡镇平均自评得分为90.6分。\n") == ["self_score 2024 final 92.5"])
    }

    @Test("brackets: a name with (境) inside a list of components; a list of names without numbers is an aside")
    func bracketsWithNames() {
        #expect(figures("2024年“三公”经费年初预算9.50万元，实际支出8.64万元（其中：因公出国（境）费0万元；公务接待费2.35万元）。\n")
                == ["three_public_total 2024 initial 9.5", "three_public_total 2024 final 8.64",
                    "overseas_travel 2024 final 0", "official_reception 2024 final 2.35"])
        #expect(figures("2024年“七项经费”（办公费、印刷费、邮电费、差旅费、会议费、培训费、公务接待费）合计53.71万元。\n")
                == ["seven_items_total 2024 final 53.71"])
    }

    @Test("均为 with no number after it gives no value to several names; 全年实际支出 is the year's spending")
    func distributiveNeedsNumbers() {
        #expect(figures("2024年“三公”经费支出6.12万元，均为公务用车运行维护费和公务接待费。\n") == ["three_public_total 2024 final 6.12"])
        #expect(figures("2024年公用经费、差旅费均为12万元。\n").isEmpty)
        #expect(figures("2024年全年实际支出1,248.76万元。\n") == ["total_expenditure 2024 final 1248.76"])
    }

    @Test("a budget inside a rate after a 其中 list is the figure's whose ratio gives the rate; 确保 states no figure")
    func budgetInRateAfterList() {
        #expect(figures("2024年全年完成财政收入3,862.40万元，其中税收收入3,105.70万元，非税收入756.70万元，完成县下达目标任务3,800万元的101.64%。\n",
                        title: Self.township)
                == ["fiscal_revenue 2024 final 3862.4", "tax_revenue 2024 final 3105.7", "nontax_revenue 2024 final 756.7",
                    "fiscal_revenue 2024 plan 3800"])
        // A rate that neither gives: no budget is stored.
        #expect(!figures("2024年全年完成财政收入3,862.40万元，其中税收收入3,105.70万元，非税收入756.70万元，完成县下达目标任务3,800万元的99.00%。\n",
                         title: Self.township).contains { $0.contains("plan") })
        #expect(figures("下一步，确保2024年一般公共预算收入完成1,800万元以上。\n", title: Self.township).isEmpty)
    }
}

