/// What `fiscal inspect` prints: the figures a package or a wide table would
/// store, by part, with their locations (and, for a wide table, their units),
/// and the figure-like lines or cells that were not understood.
public struct DocumentInspection {
    public var heading: String
    /// Where the unit, year and period were found.
    public var identity: ResultTable
    public var figures: ResultTable
    public var scoringItems: ResultTable
    public var projects: ResultTable
    public var unread: ResultTable

    /// `year`: a wide table's year for figures whose year the file does not state (`--year`).
    public static func inspect(path: String, catalog: MetricCatalog,
                               knownUnit: DocumentIdentity.KnownUnit? = nil, year: Int? = nil) throws -> DocumentInspection {
        let fingerprint = try FileFingerprint.of(path: path)
        try Importer.refuseUnsupportedFormats(path: path, head: fingerprint.head)
        let reading = try Importer.readDocument(path: path, fingerprint: fingerprint, catalog: catalog, knownUnit: knownUnit,
                                                year: year)
        let unitText = reading.unitName ?? (reading.identity.unitConflict.isEmpty ? "not stated (give --unit when importing)"
                                            : "named differently by its sources (give --unit when importing)")
        var heading = "\(path): unit \(unitText), "
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
        var identity = ResultTable(columns: ["what", "value", "evidence", "location", "text", "note"])
        let conflict = Set(reading.identity.unitConflict.map(\.location))
        for evidence in reading.identity.unitEvidence {
            let used = reading.unitName.map { UnitNameText.sameUnit($0, evidence.value) && evidence.note == nil } ?? false
            let note = conflict.contains(evidence.location) ? "disagrees with another source" : (evidence.note ?? (used ? "used" : ""))
            identity.append([.text("unit"), .text(evidence.value), .text(evidence.source.rawValue), .text(evidence.location),
                             .text(evidence.text), .text(note)])
        }
        if let evidence = reading.identity.yearEvidence {
            identity.append([.text("year"), .text(evidence.value), .text(evidence.source.rawValue), .text(evidence.location),
                             .text(evidence.text), .text(evidence.note ?? "used")])
        }
        if let evidence = reading.identity.periodEvidence {
            identity.append([.text("period"), .text(evidence.value), .text(evidence.source.rawValue), .text(evidence.location),
                             .text(evidence.text), .text(evidence.note ?? "used")])
        }
        // A wide table's figures each have their unit (and may be year to date).
        let hasQuarters = reading.figures.contains { $0.quarter != 0 }
        let hasUnits = reading.figures.contains { $0.unit != nil }
        var figures = ResultTable(columns: (hasUnits ? ["unit"] : []) + ["part", "metric", "year"] + (hasQuarters ? ["quarter"] : [])
                                  + ["basis", "value", "location", "text"])
        let order = ["table": 0, "form": 1, "sheet": 2, "project": 3, "narrative": 4]
        let sorted = reading.figures.enumerated().sorted {
            (order[$0.element.part] ?? 9, $0.element.line, $0.offset) < (order[$1.element.part] ?? 9, $1.element.line, $1.offset)
        }.map(\.element)
        for figure in sorted {
            figures.append((hasUnits ? [.text(figure.unit ?? "")] : []) + [.text(figure.part), .text(figure.metric), .label(figure.year)]
                           + (hasQuarters ? [.label(figure.quarter)] : [])
                           + [.text(figure.basis.rawValue), .number(figure.value), .text(figure.location), .text(figure.text)])
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
        return DocumentInspection(heading: heading, identity: identity, figures: figures, scoringItems: scoring, projects: projects, unread: unread)
    }
}
