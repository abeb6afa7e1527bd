import Foundation

/// Project forms of a package (项目支出绩效自评表): each project's funds,
/// execution rate and score, into `projects`.
enum ProjectForms {
    /// 项目支出名称 and the 年度资金总额 row of a project form.
    static func read(_ rows: [[TextCell]], into reading: inout DocumentReading) {
        var project: ProjectForm?
        var header: [String] = []
        for row in rows {
            let keys = row.map { TextNormalization.key($0.text) }
            if let index = keys.firstIndex(where: { $0.contains("项目支出名称") || $0 == "项目名称" }), index + 1 < row.count {
                if let done = project { reading.projects.append(done) }
                let name = TextNormalization.trim(row[index + 1].text)
                project = name.isEmpty ? nil : ProjectForm(name: name, location: row[index + 1].cell ?? "line \(row[index + 1].line)")
                continue
            }
            if keys.contains("年初预算数") && keys.contains("全年执行数") { header = keys; continue }
            guard project != nil else { continue }
            if let label = keys.firstIndex(of: "年度资金总额"), !header.isEmpty {
                for (index, cell) in row.enumerated() where index > label && index < header.count {
                    let value = CellText.exact(cell.text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "％", with: ""))
                    switch header[index] {
                    case "年初预算数": project!.initial = value
                    case "全年预算数": project!.budget = value
                    case "全年执行数": project!.final = value
                    case "执行率": project!.executionRate = value
                    default: break
                    }
                }
            }
            if keys.first == "总分" {
                project!.selfScore = row.dropFirst().compactMap { CellText.exact($0.text) }.last
            }
        }
        if let done = project { reading.projects.append(done) }
    }
}
