/// Which unit and year a document is about.
enum DocumentIdentity {
    static func documentYear(_ rows: [[TextCell]]) -> Int? {
        for row in rows {
            for cell in row where cell.text.contains("基础数据表") || cell.text.contains("自评表") || cell.text.contains("自评报告") {
                if let year = CellText.leadingYear(cell.text) { return year }
            }
        }
        return nil
    }

    static func unitName(_ rows: [[TextCell]]) -> String? {
        for row in rows {
            for (index, cell) in row.enumerated() where index + 1 < row.count {
                let key = TextNormalization.key(cell.text)
                guard key.contains("单位名称") || key.hasSuffix("(单位)名称") else { continue }
                let name = TextNormalization.trim(row[index + 1].text)
                if !name.isEmpty && !name.contains("盖章") { return name }
            }
        }
        return nil
    }
}
