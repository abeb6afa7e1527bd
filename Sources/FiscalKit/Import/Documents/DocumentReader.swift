import Foundation

/// Reads a document — a self-evaluation package copied out as text, or the
/// rows of cells of a Word or Excel file — into the figures it states.
///
/// The document's kind (``DocumentKind``, one file each in `Kinds/`) decides
/// what its words mean. A package is split into its parts
/// (``SelfEvaluationPackage``); everything else — and a package's report — is
/// read as tables and prose (``LabelledTable``, ``SingleCellTable``,
/// ``ThreePublicGrid``, ``NarrativeReader``).
public enum DocumentReader {
    /// `knownUnit` resolves a short form (白仓镇) to a stored unit's name.
    public static func read(_ text: String, catalog: MetricCatalog,
                            knownUnit: DocumentIdentity.KnownUnit? = nil) -> DocumentReading {
        read(rows: TextRows.rows(text), catalog: catalog, knownUnit: knownUnit)
    }

    /// Reads rows of cells, whatever file they came from (text, Word, Excel).
    static func read(rows: [[TextCell]], catalog: MetricCatalog, knownUnit: DocumentIdentity.KnownUnit? = nil) -> DocumentReading {
        var reading = DocumentReading()
        reading.identity = DocumentIdentity.find(rows, knownUnit: knownUnit)
        reading.year = reading.identity.year
        reading.unitName = reading.identity.unit

        // The kind is the title's; the headings of parts (a 目录's "部门绩效自评情况") only when the title says none.
        reading.kind = DocumentKind.of(titles: DocumentIdentity.leadingTitleRows(rows).map(\.text))
        if reading.kind == .other { reading.kind = DocumentKind.of(titles: DocumentIdentity.titleRows(rows).map(\.text)) }
        let township = reading.unitName.map { UnitName($0).inferredKind == .township } ?? false
        let context = LabelledTable.Context(vocabulary: DocumentVocabulary(catalog: catalog, kind: reading.kind, township: township),
                                            year: reading.year, period: reading.identity.period)

        // A document that is no package (部门决算, a "三公" note, a revenue
        // report, or a report alone) is one part: its tables and its prose.
        for (part, rows) in SelfEvaluationPackage.parts(rows) {
            if SelfEvaluationPackage.read(part, rows: rows, year: reading.year, catalog: catalog, into: &reading) { continue }
            readTablesAndProse(rows, context: context, unit: reading.unitName, into: &reading)
        }
        // In a revenue report, 一般公共预算收入 is revenue only as 税收 + 非税; a
        // package's 财政收入 is what its unit calls so (白仓镇's counts transfers in).
        if reading.kind == .revenueReport { RevenueReport.dropRevenueThatIsNotTaxPlusNontax(from: &reading) }
        dropPartsThatContradictTheirTotal(from: &reading)
        dropRoundedRestatements(from: &reading)
        return reading
    }

    /// **Parts that contradict their total**: one paragraph stating a total and
    /// all its parts (``MetricComposition``) that do not add up ("公务用车购置及运行
    /// 维护费支出4.86万元。其中：公务用车购置支出0万元…公务用车运行维护支出0万元")
    /// is wrong somewhere, and which figure cannot be told: none of them is stored
    /// from that paragraph.
    static func dropPartsThatContradictTheirTotal(from reading: inout DocumentReading) {
        var drop: Set<Int> = []
        let paragraphs = Dictionary(grouping: reading.figures.indices.filter { reading.figures[$0].part == "narrative" }) {
            reading.figures[$0].location
        }
        for (_, indices) in paragraphs {
            for composition in MetricComposition.all {
                let byKey = Dictionary(grouping: indices) { index -> String in
                    let figure = reading.figures[index]
                    return "\(figure.year)|\(figure.quarter)|\(figure.basis.rawValue)"
                }
                for (_, group) in byKey {
                    let totals = group.filter { reading.figures[$0].metric == composition.total }
                    let parts = composition.parts.map { part in group.filter { reading.figures[$0].metric == part } }
                    guard !totals.isEmpty, parts.allSatisfy({ $0.count == 1 }) else { continue }
                    let sum = parts.map { reading.figures[$0[0]].value.e6 }.reduce(0, +)
                    let wrong = totals.filter { reading.figures[$0].value.e6 != sum }
                    guard !wrong.isEmpty else { continue }
                    drop.formUnion(wrong)
                    drop.formUnion(parts.flatMap { $0 })
                }
            }
        }
        for index in drop.sorted() {
            let figure = reading.figures[index]
            reading.unread.append(UnreadLine(line: figure.line, text: figure.text,
                                             reason: "\(figure.metric) \(figure.value): the paragraph's total and its parts do not add up; which is wrong cannot be told",
                                             cell: figure.cell))
        }
        reading.figures = reading.figures.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
    }

    /// **Rounded restatements**: a table in 元 gives 8,642,305.16 (864.230516 万元)
    /// and the prose 864.23万元 — one figure, rounded for reading. The rounded one
    /// is not kept beside it as a second value (that would be a false conflict).
    static func dropRoundedRestatements(from reading: inout DocumentReading) {
        func places(_ value: ExactValue) -> Int {
            let text = value.description
            guard let dot = text.firstIndex(of: ".") else { return 0 }
            return text.distance(from: dot, to: text.endIndex) - 1
        }
        let groups = Dictionary(grouping: reading.figures.indices) { index -> String in
            let figure = reading.figures[index]
            return "\(figure.metric)|\(figure.year)|\(figure.quarter)|\(figure.basis.rawValue)"
        }
        var drop: Set<Int> = []
        for (_, group) in groups where group.count > 1 {
            for index in group {
                let value = reading.figures[index].value
                let shown = places(value)
                guard shown >= 1, shown <= 2 else { continue }
                let step = Int64(pow(10, Double(6 - shown)))
                let restates = group.contains { other in
                    let exact = reading.figures[other].value
                    guard places(exact) >= 3 else { return false }
                    let half = exact.e6 >= 0 ? step / 2 : -step / 2
                    return (exact.e6 + half) / step * step == value.e6
                }
                if restates { drop.insert(index) }
            }
        }
        reading.figures = reading.figures.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
    }

    /// Rows of several cells are tables; runs of one-cell rows hold tables
    /// copied one cell per line, and prose.
    static func readTablesAndProse(_ rows: [[TextCell]], context: LabelledTable.Context, unit: String?,
                                   into reading: inout DocumentReading) {
        var prose: [TextCell] = []
        var single: [TextCell] = []
        func flushSingle() {
            var index = 0
            while index < single.count {
                if let grid = ThreePublicGrid.find(in: single, from: index, year: context.year, part: context.part, into: &reading) {
                    index = grid.upperBound
                    continue
                }
                if let table = SingleCellTable.table(at: index, in: single, context: context) {
                    let above = Array(single[max(0, index - 4)..<index])
                    LabelledTable.read(title: above, rows: table.rows, context: context, into: &reading)
                    index = table.range.upperBound
                    continue
                }
                prose.append(single[index])
                index += 1
            }
            single = []
        }
        var index = 0
        while index < rows.count {
            guard rows[index].count > 1 else {
                single.append(rows[index][0])
                index += 1
                continue
            }
            var end = index
            while end < rows.count, rows[end].count > 1 { end += 1 }
            let above = Array(single.suffix(4))
            flushSingle()
            let block = Array(rows[index..<end])
            if !ThreePublicGrid.read(block: block, above: above, year: context.year, part: context.part, into: &reading) {
                LabelledTable.read(title: above, rows: block, context: context, into: &reading)
            }
            index = end
        }
        flushSingle()
        NarrativeReader(vocabulary: context.vocabulary, documentYear: context.year, documentPeriod: context.period,
                        documentUnit: unit).read(prose, into: &reading)
    }
}
