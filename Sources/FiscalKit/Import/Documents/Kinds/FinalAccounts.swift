/// A unit's published final accounts (``DocumentKind/finalAccounts``): X2023年度部门决算,
/// 单位决算, 决算公开说明.
///
/// Its tables — 收入支出决算总表 (two sides, 行次, 元), 收入决算表, 支出决算表, the
/// "三公" table laid across — are read by ``LabelledTable``, ``SingleCellTable`` and
/// ``ThreePublicGrid``; its 情况说明 by ``NarrativeReader`` (staff, 收入总计 /
/// 支出总计, 本年收入合计 and its parts, 基本/项目支出, "三公", 机关运行经费,
/// 政府采购). The words of this kind are ``names``: here 一般公共预算收入 is
/// ambiguous (the 决算总表 says 一般公共预算财政拨款收入 for the appropriation) and
/// 上级补助收入 is a subsidy from the parent unit, not a transfer.
enum FinalAccounts {
    /// What words mean in a department's final accounts and its 三公 note.
    static let names: [String: String?] = [
        "一般公共预算收入": nil,               // says 一般公共预算财政拨款收入 when it means the appropriation
        "上级补助收入": nil,                    // a department's subsidy from its parent unit, not a transfer
        "本年收入合计": "current_income", "本年收入": "current_income",
        "本年支出合计": "total_expenditure", "本年支出": "total_expenditure",
    ]
}
