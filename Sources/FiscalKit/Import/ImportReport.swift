/// One line per imported file, for people and logs.
public enum ImportReport {
    public static func line(_ summary: ImportSummary) -> String {
        switch summary.outcome {
        case let .unchanged(importID, path):
            let same = path == summary.path ? "" : " (as \(path))"
            return "\(summary.path): already imported as import #\(importID)\(same); nothing changed"
        case let .imported(importID):
            var text: String
            if let unit = summary.unitName {
                var years = summary.documentYear.map(String.init) ?? ""
                if let earliest = summary.earliestYear, let latest = summary.documentYear, earliest < latest {
                    years = "\(earliest)–\(latest)"
                }
                let missing = summary.missing > 0 ? "\(summary.missing) missing skipped, " : ""
                text = "\(summary.path): import #\(importID), \(unit) \(years), "
                    + "\(summary.figures) figures stored, \(missing)\(summary.unread) lines not understood (fiscal inspect lists them), "
                    + "\(summary.conflicts) new conflicts"
            } else {
                text = "\(summary.path): import #\(importID), \(summary.rows) rows, \(summary.figures) figures stored, "
                    + "\(summary.missing) missing skipped, \(summary.conflicts) new conflicts"
            }
            // Word and Excel files are ZIP archives: no text encoding to report.
            if summary.encoding != TextEncoding.utf8.rawValue && !["docx", "xlsx"].contains(summary.format) {
                text += " [\(summary.encoding)]"
            }
            if !summary.ignoredColumns.isEmpty { text += "; ignored columns: \(summary.ignoredColumns.joined(separator: ", "))" }
            return text
        }
    }
}
