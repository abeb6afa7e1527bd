import Foundation

/// The 100-point scoring sheet of a package (部门（单位）整体支出绩效自评表):
/// every indicator row with its 分值, 评分标准 and 自评分, into `scoring_items`.
enum ScoringSheet {
    /// "投入（14分）" → "投入".
    static func levelName(_ text: String) -> String? {
        let name = TextNormalization.trim(text.replacingOccurrences(of: #"[（(]\s*[0-9.]+\s*分\s*[）)]"#, with: "", options: .regularExpression))
        return name.isEmpty ? nil : name
    }

    /// Rows under the 一级指标 … 分值 … 自评分 header, read by column.
    static func read(_ rows: [[TextCell]], into reading: inout DocumentReading) {
        var columns: [String: Int]?
        var width = 0
        var level1: String?
        var level2: String?
        for row in rows {
            let keys = row.map { TextNormalization.key($0.text) }
            if keys.contains("分值") && keys.contains("三级指标") && (keys.contains("自评分") || keys.contains("自评得分")) {
                var found: [String: Int] = [:]
                for (index, key) in keys.enumerated() {
                    if key.hasPrefix("一级") { found["level1"] = index }
                    if key.hasPrefix("二级") { found["level2"] = index }
                    if key == "三级指标" { found["indicator"] = index }
                    if key == "分值" { found["points"] = index }
                    if key.hasPrefix("评分标准") { found["rule"] = index }
                    if key == "自评分" || key == "自评得分" { found["self"] = index }
                }
                columns = found
                width = row.count
                continue
            }
            guard let columns, let indicatorAt = columns["indicator"], let pointsAt = columns["points"],
                  let selfAt = columns["self"], row.count > indicatorAt else { continue }
            let first = TextNormalization.key(row[0].text)
            if first == "合计" || first == "总分" { continue }
            let indicator = TextNormalization.trim(row[indicatorAt].text)
            guard !indicator.isEmpty else { continue }
            let points = row.count > pointsAt ? CellText.exact(row[pointsAt].text) : nil
            let selfText = row.count > selfAt ? TextNormalization.trim(row[selfAt].text) : ""
            let selfPoints = CellText.exact(selfText)
            guard row.count == width, points != nil, selfText.isEmpty || selfPoints != nil else {
                reading.unread.append(UnreadLine(line: row[0].line, text: CellText.rowText(row),
                                                 reason: "a scoring-sheet row whose cells do not line up with the header",
                                                 cell: row[0].cell))
                continue
            }
            if let at = columns["level1"], let name = levelName(row[at].text) { level1 = name; level2 = nil }
            if let at = columns["level2"], let name = levelName(row[at].text) { level2 = name }
            reading.scoringItems.append(ScoringItem(
                level1: level1, level2: level2, indicator: indicator, maxPoints: points, selfPoints: selfPoints,
                rule: columns["rule"].map { TextNormalization.trim(row[$0].text) } ?? "",
                location: row[indicatorAt].cell ?? "line \(row[indicatorAt].line)"))
        }
    }
}
