/// A self-evaluation package (``DocumentKind/selfEvaluation``): 部门整体支出绩效
/// 自评报告 with its attachments — the basic data table (基础数据表), the form
/// (整体支出绩效自评表), the scoring sheet (部门（单位）整体支出绩效自评表 with its
/// 100 points), project forms (项目支出绩效自评表) and the report's prose.
///
/// The package is split into parts by their titles, each a line of its own;
/// each part goes to its reader: ``BasicDataTable``, ``EvaluationForm``,
/// ``ScoringSheet``, ``ProjectForms``; the report and any text before the
/// first part are read as tables and prose by ``DocumentReader``. A township's
/// 一般公共预算收入 here is the revenue it collects (``DocumentVocabulary``).
enum SelfEvaluationPackage {
    enum Part { case table, form, sheet, project, narrative }

    /// The parts in document order. Rows before the first part are the
    /// document's own text (a 部门决算 whose attachments include a 自评表 starts
    /// with its own 情况说明); a document that is no package is that one part.
    static func parts(_ rows: [[TextCell]]) -> [(Part, [[TextCell]])] {
        var parts: [(Part, [[TextCell]])] = [(.narrative, [])]
        for row in rows {
            let title = row.map(\.text).joined()
            // A part's title is a line of its own; "（部门整体支出绩效自评表…见附件）" in a sentence is not.
            let isTitle = TextNormalization.trim(title).count <= 40 && !title.contains("。") && !title.contains("，")
            if !isTitle { }
            else if title.contains("基础数据表") { parts.append((.table, [])) }
            else if title.contains("项目支出绩效自评表") { parts.append((.project, [])) }
            else if title.contains("整体支出绩效自评表") && row.count > 1 || title.hasSuffix("整体支出绩效自评表") {
                parts.append((title.contains("部门（单位）") || title.contains("部门(单位)") ? .sheet : .form, []))
            } else if title.contains("自评报告") && row.count == 1 { parts.append((.narrative, [])) }
            parts[parts.count - 1].1.append(row)
        }
        return parts
    }

    /// Reads one part with its reader; false for the report's prose and for a
    /// part titled 基础数据表 that holds some other table (read as tables and prose).
    static func read(_ part: Part, rows: [[TextCell]], year: Int?, catalog: MetricCatalog,
                     into reading: inout DocumentReading) -> Bool {
        switch part {
        case .table:
            guard BasicDataTable.hasBlocks(rows) else { return false }
            BasicDataTable.read(rows, year: year, catalog: catalog, into: &reading)
        case .form: EvaluationForm.read(rows, year: year, part: "form", catalog: catalog, into: &reading)
        case .sheet:
            ScoringSheet.read(rows, into: &reading)
            // Some units file the form under the sheet's title (部门（单位）整体支出绩效自评表
            // with 年初预算数 … 全年执行数): its money rows are the form's.
            // (Its headings may be a row, or one cell per line.)
            let keys = Set(rows.joined().map { TextNormalization.key($0.text) })
            let hasForm = keys.contains("年初预算数") && keys.contains("全年执行数")
            if hasForm {
                EvaluationForm.read(rows, year: year, part: "form", catalog: catalog, into: &reading)
            } else {
                EvaluationForm.readTotal(rows, year: year, part: "sheet", into: &reading)
            }
        case .project: ProjectForms.read(rows, into: &reading)
        case .narrative: return false
        }
        return true
    }
}
