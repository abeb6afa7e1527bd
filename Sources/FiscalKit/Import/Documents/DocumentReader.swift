/// Reads a document — a self-evaluation package copied out as text, or the
/// rows of cells of a Word or Excel file — into the figures it states.
///
/// The document is split into its parts by their titles (基础数据表, 自评表,
/// 项目支出绩效自评表, 自评报告), and each part goes to its reader:
/// ``BasicDataTable``, ``EvaluationForm``, ``ScoringSheet``, ``ProjectForms``
/// and ``NarrativeReader``.
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

        enum Section { case none, table, form, sheet, project, narrative }
        var section = Section.none
        var sections: [(Section, [[TextCell]])] = []
        for row in rows {
            let title = row.map(\.text).joined()
            if title.contains("基础数据表") { section = .table; sections.append((.table, [])) }
            else if title.contains("项目支出绩效自评表") { section = .project; sections.append((.project, [])) }
            else if title.contains("整体支出绩效自评表") && row.count > 1 || title.hasSuffix("整体支出绩效自评表") {
                section = title.contains("部门（单位）") || title.contains("部门(单位)") ? .sheet : .form
                sections.append((section, []))
            } else if title.contains("自评报告") && row.count == 1 { section = .narrative; sections.append((.narrative, [])) }
            if section != .none { sections[sections.count - 1].1.append(row) }
        }
        let year = reading.year
        for (kind, rows) in sections {
            switch kind {
            case .table: BasicDataTable.read(rows, year: year, catalog: catalog, into: &reading)
            case .form: EvaluationForm.read(rows, year: year, part: "form", catalog: catalog, into: &reading)
            case .sheet:
                ScoringSheet.read(rows, into: &reading)
                EvaluationForm.readTotal(rows, year: year, part: "sheet", into: &reading)
            case .narrative: NarrativeReader(catalog: catalog, documentYear: year).read(rows.flatMap { $0 }, into: &reading)
            case .project: ProjectForms.read(rows, into: &reading)
            case .none: break
            }
        }
        return reading
    }
}
