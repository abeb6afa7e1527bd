/// What `fiscal inspect` prints: the figures a package would store, by part,
/// with their locations, and the figure-like lines that were not understood.
public struct DocumentInspection {
    public var heading: String
    public var figures: ResultTable
    public var scoringItems: ResultTable
    public var projects: ResultTable
    public var unread: ResultTable

    public static func inspect(path: String, catalog: MetricCatalog) throws -> DocumentInspection {
        let fingerprint = try FileFingerprint.of(path: path)
        try Importer.refuseUnsupportedFormats(path: path, head: fingerprint.head)
        let reading = try Importer.readDocument(path: path, fingerprint: fingerprint, catalog: catalog)
        let heading = "\(path): unit \(reading.unitName ?? "not stated (give --unit when importing)"), "
            + "year \(reading.year.map(String.init) ?? "not stated (give --year when importing)"), "
            + "\(reading.figures.count) figures, \(reading.scoringItems.count) scoring-sheet rows, "
            + "\(reading.projects.count) project forms, \(reading.unread.count) lines not understood"
        var figures = ResultTable(columns: ["part", "metric", "year", "basis", "value", "location", "text"])
        let order = ["table": 0, "form": 1, "sheet": 2, "project": 3, "narrative": 4]
        let sorted = reading.figures.enumerated().sorted {
            (order[$0.element.part] ?? 9, $0.element.line, $0.offset) < (order[$1.element.part] ?? 9, $1.element.line, $1.offset)
        }.map(\.element)
        for figure in sorted {
            figures.append([.text(figure.part), .text(figure.metric), .label(figure.year), .text(figure.basis.rawValue),
                            .number(figure.value), .text(figure.location), .text(figure.text)])
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
