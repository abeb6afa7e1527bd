/// What `fiscal inspect` prints: the figures a package or a wide table would
/// store, by part, with their locations (and, for a wide table, their units),
/// and the figure-like lines or cells that were not understood.
public struct DocumentInspection {
    public var heading: String
    public var figures: ResultTable
    public var scoringItems: ResultTable
    public var projects: ResultTable
    public var unread: ResultTable

    /// `year`: a wide table's year for figures whose year the file does not state (`--year`).
    public static func inspect(path: String, catalog: MetricCatalog, year: Int? = nil) throws -> DocumentInspection {
        let fingerprint = try FileFingerprint.of(path: path)
        try Importer.refuseUnsupportedFormats(path: path, head: fingerprint.head)
        let reading = try Importer.readDocument(path: path, fingerprint: fingerprint, catalog: catalog, year: year)
        var heading = "\(path): unit \(reading.unitName ?? "not stated (give --unit when importing)"), "
            + "year \(reading.year.map(String.init) ?? "not stated (give --year when importing)"), "
            + "\(reading.figures.count) figures, \(reading.scoringItems.count) scoring-sheet rows, "
            + "\(reading.projects.count) project forms, \(reading.unread.count) lines not understood"
        if reading.isWideTable {
            let units = Set(reading.figures.compactMap(\.unit)).count
            let years = reading.figures.map(\.year)
            let span = years.min().map { first in first == years.max()! ? "\(first)" : "\(first)–\(years.max()!)" } ?? "—"
            heading = "\(path): a table of units: \(units) units, \(span), \(reading.figures.count) figures, "
                + "\(reading.missing) missing skipped, \(reading.unread.count) not understood"
        }
        if !reading.ignoredColumns.isEmpty { heading += "; ignored columns: \(reading.ignoredColumns.joined(separator: ", "))" }
        // A wide table's figures each have their unit (and may be year to date).
        let wide = reading.isWideTable
        var figures = ResultTable(columns: (wide ? ["part", "unit", "metric", "year", "quarter"] : ["part", "metric", "year"])
                                  + ["basis", "value", "location", "text"])
        let order = ["table": 0, "form": 1, "sheet": 2, "project": 3, "narrative": 4]
        let sorted = reading.figures.enumerated().sorted {
            (order[$0.element.part] ?? 9, $0.element.line, $0.offset) < (order[$1.element.part] ?? 9, $1.element.line, $1.offset)
        }.map(\.element)
        for figure in sorted {
            let who: [ResultTable.Cell] = wide ? [.text(figure.unit ?? ""), .text(figure.metric), .label(figure.year), .label(figure.quarter)]
                : [.text(figure.metric), .label(figure.year)]
            figures.append([.text(figure.part)] + who + [.text(figure.basis.rawValue), .number(figure.value),
                                                         .text(figure.location), .text(figure.text)])
        }
        var scoring = ResultTable(columns: ["level_1", "level_2", "indicator", "points", "self", "location"])
        for item in reading.scoringItems {
            scoring.append([StoreQueries.optional(item.level1), StoreQueries.optional(item.level2), .text(item.indicator),
                            item.maxPoints.map { .number($0) } ?? .missing, item.selfPoints.map { .number($0) } ?? .missing,
                            .text(item.location)])
        }
        var projects = ResultTable(columns: ["project", "initial", "budget", "final", "execution_rate", "self_score", "location"])
        for project in reading.projects {
            let cells: [ResultTable.Cell] = [project.initial, project.budget, project.final, project.executionRate, project.selfScore]
                .map { $0.map { .number($0) } ?? .missing }
            projects.append([.text(project.name)] + cells + [.text(project.location)])
        }
        var unread = ResultTable(columns: ["location", "text", "why"])
        for line in reading.unread {
            unread.append([.text(line.location), .text(line.text), .text(line.reason)])
        }
        return DocumentInspection(heading: heading, figures: figures, scoringItems: scoring, projects: projects, unread: unread)
    }
}
