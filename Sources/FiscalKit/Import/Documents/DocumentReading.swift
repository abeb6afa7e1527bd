import Foundation

/// One figure read from a document, with where it came from.
public struct DocumentFigure: Equatable, Sendable {
    public var metric: String          // catalogue code
    public var year: Int
    public var basis: Basis
    public var value: ExactValue
    public var part: String            // table, form, sheet, narrative
    public var line: Int               // in a text file; 0 in Word/Excel files
    public var text: String            // the cell or sentence it was read from
    public var cell: String? = nil     // "table 1 row 3 cell 2", "基础数据表!C5"
    /// 0 for the whole year, 1–4 for year-to-date figures through that quarter.
    public var quarter = 0
    /// The unit, when the document covers many (a wide sheet: one row per
    /// unit); nil for a document about one unit, whose unit is the reading's.
    public var unit: String? = nil

    /// Where it was read: the cell, or the line.
    public var location: String { cell ?? "line \(line)" }
}

/// A line that looks like it holds a figure but was not stored, and why.
public struct UnreadLine: Equatable, Sendable {
    public var line: Int
    public var text: String
    public var reason: String
    public var cell: String? = nil

    public var location: String { cell ?? "line \(line)" }
}

/// One indicator row of a scoring sheet.
public struct ScoringItem: Equatable, Sendable {
    public var level1: String?
    public var level2: String?
    public var indicator: String
    public var maxPoints: ExactValue?
    public var selfPoints: ExactValue?
    public var rule: String
    public var location: String
}

/// A project form: the project and its funds.
public struct ProjectForm: Equatable, Sendable {
    public var name: String
    public var initial: ExactValue?
    public var budget: ExactValue?
    public var final: ExactValue?
    public var executionRate: ExactValue?
    public var selfScore: ExactValue?
    public var location: String
}

/// What a package says: its unit and year (when it names them), its figures,
/// its scoring-sheet rows and project forms, and the figure-like lines it
/// could not read.
public struct DocumentReading: Sendable {
    public var unitName: String?
    public var year: Int?
    /// How the unit, year and period were found (`fiscal inspect` shows it).
    public var identity = DocumentIdentity()
    /// What the document is (it decides what some words mean).
    public var kind = DocumentKind.other
    public var figures: [DocumentFigure] = []
    public var scoringItems: [ScoringItem] = []
    public var projects: [ProjectForm] = []
    public var unread: [UnreadLine] = []
    /// Columns of a wide sheet that name no catalogue metric, each listed once.
    public var ignoredColumns: [String] = []
    /// A wide table (one row per unit): every figure names its own unit.
    public var isWideTable = false
    /// Cells of a wide sheet whose value is not a number: the import refuses the file.
    public var invalidCells: [UnreadLine] = []
    /// Cells of a wide table that were empty or a dash: missing, never 0.
    public var missing = 0
}

/// A cell of a package: its text and where it is (a line of a text copy, or
/// a Word table cell / Excel cell).
struct TextCell {
    var text: String
    var line: Int
    var cell: String? = nil
    /// Blank lines before this cell's line (one cell per line layouts, where
    /// an empty cell shows as more blank lines than between two cells).
    var gapBefore = 0
}
