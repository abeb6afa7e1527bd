import GRDB
import GRDBSQLite

/// A unit's year (quarter 0) or year to date (quarters 1–4).
struct PeriodKey: Hashable, Comparable {
    var unitID: Int64
    var year: Int
    var quarter: Int

    /// period_inputs' key order, so upserts walk its B-tree forward.
    static func < (a: PeriodKey, b: PeriodKey) -> Bool {
        (a.quarter, a.year, a.unitID) < (b.quarter, b.year, b.unitID)
    }
}

/// The `period_inputs` table of schema.sql (v3-resolved): for every unit,
/// year and quarter with a figure, the resolved value of each indicator input.
/// Which column holds which metric and basis is data (`period_input_columns`),
/// read here once per import.
struct PeriodInputs {
    struct Column {
        var name: String
        var metricID: Int64?      // nil while the catalogue lacks the metric
        var basis: String
    }

    let columns: [Column]
    /// metricID × 8 + basis index → column, or -1: an array, not a dictionary,
    /// because the import asks once per row (metric ids are small).
    private let slots: [Int]

    /// The bases in ``Basis`` order: a basis's index here is its index in `Basis.allCases`.
    static let bases = Basis.allCases.map(\.rawValue)

    init(_ db: Database) throws {
        var columns: [Column] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT c.name, m.id, c.basis FROM period_input_columns c LEFT JOIN metrics m ON m.code = c.metric ORDER BY c.rowid
            """) {
            let name: String = row[0]
            // Column names are spliced into SQL: only the schema's own identifiers pass.
            guard name.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }) else {
                throw FiscalError.invalid("period_input_columns: '\(name)' is not a column name")
            }
            columns.append(Column(name: name, metricID: row[1], basis: row[2]))
        }
        self.columns = columns
        let largestID = columns.compactMap(\.metricID).max() ?? 0
        var slots = [Int](repeating: -1, count: Int(largestID + 1) * 8)
        for (index, column) in columns.enumerated() {
            if let id = column.metricID, let basis = Self.bases.firstIndex(of: column.basis) {
                slots[Int(id) * 8 + basis] = index
            }
        }
        self.slots = slots
    }

    /// The column of a metric and basis, if it is an indicator input.
    func slot(metricID: Int64, basis: String) -> Int? {
        slot(metricID: metricID, basisIndex: Self.bases.firstIndex(of: basis) ?? -1)
    }

    /// `basisIndex`: the basis's place in ``bases``.
    func slot(metricID: Int64, basisIndex: Int) -> Int? {
        let position = Int(metricID) * 8 + basisIndex
        guard basisIndex >= 0, position < slots.count, slots[position] >= 0 else { return nil }
        return slots[position]
    }

    private var columnList: String { columns.map(\.name).joined(separator: ", ") }

    /// Writes buffered periods: new rows, or new values into existing rows
    /// (a value is only buffered when its key had none).
    func upsert(_ periods: [PeriodKey: [Int64?]], in db: Database) throws {
        guard !periods.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO period_inputs(quarter, year, unit_id, \(columnList))
            VALUES (?, ?, ?, \(columns.map { _ in "?" }.joined(separator: ", ")))
            ON CONFLICT(quarter, year, unit_id) DO UPDATE SET
            \(columns.map { "\($0.name) = COALESCE(excluded.\($0.name), \($0.name))" }.joined(separator: ", "))
            """)
        let handle = statement.sqliteStatement
        for (key, values) in periods.sorted(by: { $0.key < $1.key }) {
            sqlite3_reset(handle)
            sqlite3_bind_int64(handle, 1, Int64(key.quarter))
            sqlite3_bind_int64(handle, 2, Int64(key.year))
            sqlite3_bind_int64(handle, 3, key.unitID)
            for (index, value) in values.enumerated() {
                if let value { sqlite3_bind_int64(handle, Int32(index + 4), value) } else { sqlite3_bind_null(handle, Int32(index + 4)) }
            }
            let step = sqlite3_step(handle)
            guard step == SQLITE_DONE else {
                throw DatabaseError(resultCode: ResultCode(rawValue: step), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
        }
    }

    /// Sets the inputs of contested keys (`temp.contested_keys`) from their
    /// resolved facts.
    func refresh(contestedIn db: Database) throws {
        let keys = try Row.fetchAll(db, sql: "SELECT unit_id, year, quarter, metric_id, basis FROM temp.contested_keys")
        for key in keys {
            guard let slot = slot(metricID: key[3], basis: key[4]) else { continue }
            let column = columns[slot].name
            try db.cachedStatement(sql: """
                UPDATE period_inputs SET \(column) = (
                    SELECT value_e6 FROM observations
                    WHERE unit_id = ?1 AND year = ?2 AND quarter = ?3 AND metric_id = ?4 AND basis = ?5 AND superseded = 0)
                WHERE quarter = ?3 AND year = ?2 AND unit_id = ?1
                """).execute(arguments: [key[0], key[1], key[2], key[3], key[4]])
        }
    }

    /// Rebuilds the whole table from the facts, in one pass over the key
    /// index (the v3 migration; a repair).
    static func rebuild(_ db: Database) throws {
        let inputs = try PeriodInputs(db)
        var arguments = StatementArguments()
        var pivot: [String] = []
        for column in inputs.columns {
            pivot.append("MAX(CASE WHEN metric_id = ? AND basis = ? THEN value_e6 END)")
            arguments += [column.metricID, column.basis]
        }
        try db.execute(sql: "DELETE FROM period_inputs")
        try db.execute(sql: """
            INSERT INTO period_inputs(quarter, year, unit_id, \(inputs.columnList))
            SELECT quarter, year, unit_id, \(pivot.joined(separator: ", "))
            FROM observations WHERE superseded = 0
            GROUP BY unit_id, year, quarter
            """, arguments: arguments)
    }
}

/// The periods an import touched and their new inputs, not yet written.
/// Bounded: the writer drains it at ``limit`` periods.
///
/// A file lists a unit's year together, its quarters interleaved: the
/// quarters of the unit-year being read collect in `open`, and reach the
/// dictionary once per period instead of once per row (the dictionary per row
/// was most of schema v3's import cost, BENCHMARKS.md).
struct PeriodBuffer {
    static let limit = 4096
    private var values: [PeriodKey: [Int64?]] = [:]
    private var openUnit: Int64 = -1
    private var openYear = 0
    private var open: [[Int64?]?] = Array(repeating: nil, count: 5)

    var count: Int { values.count }

    /// Registers the period; `slot`: the input column the value fills, if any.
    mutating func add(_ key: PeriodKey, slot: Int?, value: Int64, width: Int) {
        guard (0...4).contains(key.quarter) else {      // not a quarter the schema accepts: left to its CHECK
            if let slot {
                values[key, default: [Int64?](repeating: nil, count: width)][slot] = value
            } else if values[key] == nil {
                values[key] = [Int64?](repeating: nil, count: width)
            }
            return
        }
        if key.unitID != openUnit || key.year != openYear {
            close()
            openUnit = key.unitID
            openYear = key.year
        }
        if open[key.quarter] == nil { open[key.quarter] = [Int64?](repeating: nil, count: width) }
        if let slot { open[key.quarter]![slot] = value }
    }

    /// Moves the open unit-year's periods into the dictionary; a value read
    /// later replaces one read earlier, as it would have in place.
    private mutating func close() {
        for quarter in 0..<5 {
            guard let periodValues = open[quarter] else { continue }
            open[quarter] = nil
            let key = PeriodKey(unitID: openUnit, year: openYear, quarter: quarter)
            if var merged = values[key] {
                for (slot, value) in periodValues.enumerated() where value != nil { merged[slot] = value }
                values[key] = merged
            } else {
                values[key] = periodValues
            }
        }
    }

    mutating func drain() -> [PeriodKey: [Int64?]] {
        close()
        defer { values.removeAll(keepingCapacity: true) }
        return values
    }
}
