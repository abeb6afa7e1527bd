/// A unit's note on its "三公" spending (``DocumentKind/threePublicNote``):
/// 2021年X“三公”经费决算情况说明.
///
/// The budget (预算数, 年初预算数) and final (决算数, 支出共计) of the total and
/// of each part, from its table (``ThreePublicGrid`` when laid across,
/// ``LabelledTable`` otherwise) and from its prose (``NarrativeReader``); stated
/// changes (较年初预算数减少10.93万元，下降54.65%) are never figures. Its words are
/// a department's final accounts' (``FinalAccounts/names``).
enum ThreePublicNote {
    static let names = FinalAccounts.names
}
