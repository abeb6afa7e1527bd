import FiscalKit
import Foundation
import GRDB

/// The publisher's reading of the county's SQLite store: the catalogue and
/// each import's rows as COPY text, keyed as on the server (a unit by its
/// name_key, a metric by its code, a row by its import's hash and its order
/// in the import) — never by SQLite's ids.
struct LocalStore {
    struct Import {
        var id: Int64
        var sha256: String
        var path: String
    }

    /// Rows for one server table, in COPY's text format, with their columns:
    /// read a part at a time as COPY sends them (a province's yearly file has
    /// 532,000 observations, 80 MB of COPY text at once: issue 13's 200 MiB).
    struct Table {
        var name: String
        var columns: [String]
        var parts: [Part]
        /// For catalogue tables, loaded through a temp table.
        var onConflict: String?

        init(name: String, columns: [String], parts: [Part], onConflict: String? = nil) {
            self.name = name
            self.columns = columns
            self.parts = parts
            self.onConflict = onConflict
        }

        /// Rows already read.
        init(name: String, columns: [String], data: CopyText, onConflict: String? = nil) {
            self.init(name: name, columns: columns, parts: [{ _ in data }], onConflict: onConflict)
        }
    }

    /// One part's rows, given how many rows the parts before it had (positions go on from there).
    typealias Part = (_ rowsBefore: Int) throws -> CopyText

    /// Row ids per part of an import's rows.
    static let partSize: Int64 = 50_000

    let store: FiscalDatabase
    let label: String

    init(store: FiscalDatabase, label: String) throws {
        self.store = store
        self.label = label
    }

    func imports() throws -> [Import] {
        try store.queue.read { db in
            try Row.fetchAll(db, sql: "SELECT id, sha256, path FROM imports ORDER BY id").map {
                Import(id: $0[0], sha256: $0[1], path: $0[2])
            }
        }
    }

    /// Units (a region or code the server lacks filled in), aliases and metrics (the first kept).
    func catalogue() throws -> [Table] {
        try store.queue.read { db in [
            try table(db, "units", ["name_key", "name", "core_key", "region", "kind", "code"],
                      "SELECT name_key, name, core_key, region, kind, code FROM units ORDER BY id", [],
                      onConflict: """
                        ON CONFLICT (name_key) DO UPDATE SET region = COALESCE(units.region, EXCLUDED.region),
                            code = COALESCE(units.code, EXCLUDED.code)
                        WHERE units.region IS NULL OR units.code IS NULL
                        """),
            try table(db, "metrics", ["code", "name_zh", "name_en", "unit", "kind", "formula", "better"],
                      "SELECT code, name_zh, name_en, unit, kind, formula, better FROM metrics ORDER BY id", [],
                      onConflict: "ON CONFLICT (code) DO NOTHING"),
            try table(db, "unit_aliases", ["alias_key", "alias", "unit_key"],
                      "SELECT a.alias_key, a.alias, u.name_key FROM unit_aliases a JOIN units u ON u.id = a.unit_id ORDER BY a.rowid", [],
                      onConflict: "ON CONFLICT (alias_key) DO NOTHING"),
        ] }
    }

    /// The rows of each import's tables lie in one range of ids (an import
    /// is one transaction); SQLite has no index on import_id (it would cost
    /// every imported row), so the ranges are found in one scan per table and
    /// each import reads its range by rowid.
    typealias Ranges = [String: [Int64: (Int64, Int64)]]

    func ranges() throws -> Ranges {
        try store.queue.read { db in
            var result: Ranges = [:]
            for table in Self.rowTables {
                var ranges: [Int64: (Int64, Int64)] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT import_id, min(id), max(id) FROM \(table.name) GROUP BY import_id") {
                    ranges[row[0]] = (row[1], row[2])
                }
                result[table.name] = ranges
            }
            return result
        }
    }

    /// The import's own row, then its observations, scoring items and projects.
    func tables(of item: Import, ranges: Ranges) throws -> [Table] {
        var tables = [try store.queue.read { db in
            try table(db, "imports",
                ["sha256", "path", "format", "encoding", "document_year", "imported_at", "rows", "figures", "missing",
                 "conflicts", "publisher", "local_id"],
                "SELECT sha256, path, format, encoding, document_year, imported_at, rows, figures, missing, conflicts, ?, id FROM imports WHERE id = ?",
                [label, item.id])
        }]
        let store = self.store
        for spec in Self.rowTables {
            guard let (low, high) = ranges[spec.name]?[item.id] else {
                tables.append(Table(name: spec.name, columns: spec.columns, data: CopyText()))
                continue
            }
            let parts: [Part] = stride(from: low, through: high, by: Int(Self.partSize)).map { first in
                { rowsBefore in
                    try store.queue.read { db in
                        var data = CopyText()
                        try data.append(Row.fetchCursor(db, sql: spec.select, arguments: [
                            item.sha256, item.id, first, min(first + Self.partSize - 1, high), rowsBefore,
                        ]))
                        return data
                    }
                }
            }
            tables.append(Table(name: spec.name, columns: spec.columns, parts: parts))
        }
        return tables
    }

    private func table(_ db: Database, _ name: String, _ columns: [String], _ sql: String,
                       _ arguments: StatementArguments, onConflict: String? = nil) throws -> Table {
        var data = CopyText()
        try data.append(Row.fetchCursor(db, sql: sql, arguments: arguments))
        return Table(name: name, columns: columns, data: data, onConflict: onConflict)
    }

    /// The tables of an import's rows, by their server columns after the
    /// first three (import_sha256, position, unit_key), each read from the
    /// local column of its name (t.NAME) unless `local` says otherwise.
    static let rowTables: [(name: String, columns: [String], select: String)] = [
        rowTable("observations", ["year", "quarter", "metric", "basis", "value_e6", "part", "line", "cell", "raw_text"],
                 local: ["metric": "m.code"], join: "JOIN metrics m ON m.id = t.metric_id"),
        rowTable("scoring_items", ["year", "level1", "level2", "indicator", "max_points_e6", "self_points_e6", "rule", "location"]),
        rowTable("projects", ["year", "name", "initial_e6", "budget_e6", "final_e6", "execution_rate_e6", "self_score_e6", "location"]),
    ]

    /// The select of one import's rows: ?1 its hash, ?2 its local id, ?3…?4 a range of its row
    /// ids, ?5 how many of its rows came before the range; position is the row's order in the
    /// import, by local id.
    static func rowTable(_ name: String, _ columns: [String], local: [String: String] = [:], join: String = "")
        -> (name: String, columns: [String], select: String) {
        let expressions = columns.map { local[$0] ?? "t.\($0)" }.joined(separator: ", ")
        return (name, ["import_sha256", "position", "unit_key"] + columns, """
            SELECT ?1, ?5 + row_number() OVER (ORDER BY t.id), u.name_key, \(expressions)
            FROM \(name) t JOIN units u ON u.id = t.unit_id \(join)
            WHERE t.id BETWEEN ?3 AND ?4 AND t.import_id = ?2 ORDER BY t.id
            """)
    }
}
