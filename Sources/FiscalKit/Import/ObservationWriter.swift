#if canImport(Glibc)
import Glibc
#endif
import GRDB
import GRDBSQLite

/// The key of an observation, as the import loop binds it. The basis is an
/// interned C string (``CStringTable``), so equal bases have equal pointers.
struct ObservationKey: Hashable {
    var unitID: Int64
    var year: Int
    var quarter: Int
    var metricID: Int64
    var basis: UnsafePointer<CChar>

    /// A well-mixed 64-bit hash (SplitMix64 finalizer over the fields).
    var mixedHash: UInt64 {
        var x = UInt64(bitPattern: unitID) &* 0x9E37_79B9_7F4A_7C15
        x ^= UInt64(year) << 3 ^ UInt64(quarter) << 1
        x ^= UInt64(bitPattern: metricID) &* 0xBF58_476D_1CE4_E5B9
        x ^= UInt64(UInt(bitPattern: basis)) &* 0x94D0_49BB_1331_11EB
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        return x ^ (x >> 31)
    }

    /// A hash of the key's period (unit, year, quarter) alone: where its
    /// Bloom filter bits lie (``BloomFilter``).
    var periodHash: UInt64 {
        var x = UInt64(bitPattern: unitID) &* 0x9E37_79B9_7F4A_7C15 ^ (UInt64(year) << 3 ^ UInt64(quarter)) &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 29
        return x &* 0x94D0_49BB_1331_11EB
    }
}

/// Writes one import's observations, counts the keys it puts in
/// disagreement that were not before it, and keeps the resolved state that
/// analytics read (schema.sql, v3-resolved):
///
/// - A key stated before (by an earlier import, or earlier in this one) is
///   *contested*: it goes to `temp.contested_keys`, and ``resolveContested(_:)``
///   ranks its observations once the import's document year is known. Every
///   other observation is its key's fact as inserted (superseded = 0).
/// - `period_inputs` gets the uncontested inputs of every unit, year and
///   quarter this import touches, buffered in memory and upserted a period at
///   a time; contested inputs are set from the resolved fact.
///
/// Rows are inserted 64 to a statement: per-statement overhead measured as the
/// largest SQLite cost after the inserts themselves (BENCHMARKS.md).
///
/// A new conflict is found by comparing each row with what is stored under its
/// key just before the row: one seek in the key index. The seek is skipped
/// when the key provably has nothing stored: the unit was created by this
/// import and a Bloom filter of the keys this import wrote (fixed size, so
/// memory does not grow with the file) says the key is new. A set-based query
/// after the import instead measured about 2 s per million rows and grew with
/// the whole database.
final class ObservationWriter {
    static let batchSize = 64
    /// 8 parameters a row when every row has the same part and no cell (tidy
    /// CSV: the measured hot path), 10 when part and cell vary (packages).
    let parametersPerRow: Int
    private let fixedPart: Bool

    private let db: Database
    private let importID: Int64
    private let single: Statement
    private let batch: Statement
    private let lookup: Statement
    private var bloom = BloomFilter(bitCountLog2: 26)   // 8 MiB
    private let contest: Statement
    private let inputs: PeriodInputs
    private var periods = PeriodBuffer()
    /// Interned basis → its place in PeriodInputs.bases and whether it is
    /// `reported`: a handful, scanned by address (cheaper than hashing, once per row).
    private var bases: [(basis: UnsafePointer<CChar>, index: Int, isReported: Bool)] = []

    private(set) var conflictsCreated = 0
    private(set) var figures = 0
    private var counted: Set<ObservationKey> = []
    /// Rows of basis `reported`, recorded on the import (imports.reported).
    private var reportedFigures = 0
    /// The units and metrics the rows name, for ``finish()``'s reference check.
    private var referencedUnits: Set<Int64> = []
    private var referencedMetrics: Set<Int64> = []
    private var lastUnit: Int64?
    private var lastMetric: Int64?
    /// Per unit and year (unit id << 16 | year), whether earlier imports
    /// stored anything for it, found with one seek the first time this import
    /// names the pair. A yearly file for units already in the store states
    /// keys none of which was stated before: the key seek per row was most of
    /// its import (the province's files 2–10; BENCHMARKS.md).
    private var storedBefore: [Int64: Bool] = [:]
    private var lastUnitYear: (key: Int64, storedBefore: Bool)?
    private let unitYearLookup: Statement

    // The batch not yet inserted.
    private var pendingKeys: [ObservationKey] = []
    private var pendingValues: [Int64] = []
    private var pendingLines: [Int64] = []
    private var pendingParts: [UnsafePointer<CChar>] = []
    private var pendingCells: [String?] = []
    private var pendingText: [UInt8] = []
    private var pendingTextEnds: [Int] = []

    /// `part`: the part of every row (a literal in the statement), or nil when
    /// each row names its own.
    init(db: Database, importID: Int64, part: String? = nil) throws {
        self.db = db
        self.importID = importID
        fixedPart = part != nil
        parametersPerRow = part != nil ? 8 : 10
        let columns = "unit_id, year, quarter, metric_id, basis, value_e6, import_id, part, line, raw_text, cell"
        // The import id and a fixed part are ours, never user text.
        let row = part.map { "(?, ?, ?, ?, ?, ?, \(importID), '\($0)', ?, ?, NULL)" } ?? "(?, ?, ?, ?, ?, ?, \(importID), ?, ?, ?, ?)"
        single = try db.makeStatement(sql: "INSERT INTO observations(\(columns)) VALUES \(row)")
        // OR FAIL: a failing row ends the statement without undoing its
        // earlier rows, so SQLite keeps no statement journal (plain INSERT of
        // 64 rows copied every page it touched to a temporary file: 1 GB for
        // 1 M rows). Any failure rolls the whole file's transaction back.
        batch = try db.makeStatement(sql: "INSERT OR FAIL INTO observations(\(columns)) VALUES "
            + Array(repeating: row, count: Self.batchSize).joined(separator: ", "))
        lookup = try db.makeStatement(sql: """
            SELECT value_e6, import_id FROM observations
            WHERE unit_id = ? AND year = ? AND quarter = ? AND metric_id = ? AND basis = ?
            """)
        unitYearLookup = try db.makeStatement(sql: "SELECT 1 FROM observations WHERE unit_id = ? AND year = ? LIMIT 1")
        pendingKeys.reserveCapacity(Self.batchSize)
        try db.execute(sql: Self.contestedKeysTable + "DELETE FROM temp.contested_keys;")
        contest = try db.makeStatement(sql: "INSERT OR IGNORE INTO temp.contested_keys VALUES (?, ?, ?, ?, ?)")
        inputs = try PeriodInputs(db)
    }

    /// Queues one observation; `unitIsNew` says the unit was created by this
    /// import; `part` is an interned C string (csv, table, form …).
    func add(_ key: ObservationKey, value: Int64, part: UnsafePointer<CChar>, line: Int,
             rawText: UnsafeBufferPointer<UInt8>, unitIsNew: Bool, cell: String? = nil) throws {
        let basis = basisEntry(key.basis)
        if basis.isReported { reportedFigures += 1 }
        if key.unitID != lastUnit { referencedUnits.insert(key.unitID); lastUnit = key.unitID }
        if key.metricID != lastMetric { referencedMetrics.insert(key.metricID); lastMetric = key.metricID }
        let hash = key.mixedHash, period = key.periodHash
        let contested = try countConflict(key, hash: hash, period: period, value: value, unitIsNew: unitIsNew)
        bloom.insert(hash, period: period)
        let slot = inputs.slot(metricID: key.metricID, basisIndex: basis.index)
        periods.add(PeriodKey(unitID: key.unitID, year: key.year, quarter: key.quarter),
                    slot: contested ? nil : slot, value: value, width: inputs.columns.count)
        if periods.count >= PeriodBuffer.limit { try inputs.upsert(periods.drain(), in: db) }
        pendingKeys.append(key)
        pendingValues.append(value)
        pendingLines.append(Int64(line))
        if !fixedPart {
            pendingParts.append(part)
            pendingCells.append(cell)
        }
        pendingText.append(contentsOf: rawText)
        pendingTextEnds.append(pendingText.count)
        if pendingKeys.count == Self.batchSize { try flush() }
    }

    /// Inserts what is still queued and checks that every unit and metric the
    /// rows name exists. The caller then sets the import's document year and
    /// calls ``resolveContested(_:)``.
    func finish() throws {
        try flush()
        try inputs.upsert(periods.drain(), in: db)
        sqlite3_clear_bindings(single.sqliteStatement)
        sqlite3_clear_bindings(batch.sqliteStatement)
        sqlite3_clear_bindings(lookup.sqliteStatement)
        try checkReferences()
        try db.execute(sql: "UPDATE imports SET reported = ? WHERE id = ?", arguments: [reportedFigures, importID])
    }

    /// The foreign keys of the rows written, checked once per distinct id: a
    /// tidy CSV is written with SQLite's row-by-row check off (three parent
    /// seeks a row, 15 % of a 1,000,000-row import; BENCHMARKS.md), and this
    /// check stands in for it, so a broken reference still rolls the file back.
    private func checkReferences() throws {
        for (table, ids) in [("units", referencedUnits), ("metrics", referencedMetrics), ("imports", [importID])] {
            guard !ids.isEmpty else { continue }
            let found = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE id IN (SELECT value FROM json_each(?))",
                                         arguments: ["[" + ids.map(String.init).joined(separator: ",") + "]"]) ?? 0
            guard found == ids.count else {
                throw DatabaseError(resultCode: .SQLITE_CONSTRAINT_FOREIGNKEY,
                                    message: "FOREIGN KEY constraint failed: an observation names a row of \(table) that does not exist")
            }
        }
    }

    /// Ranks the observations of every contested key (observation_precedence)
    /// and sets the inputs of their periods from the winners.
    static func resolveContested(_ db: Database) throws {
        // Each key's winner found once (MATERIALIZED), then its observations
        // marked: a winner sought again for every observation of the key made
        // a key stated 1,000 times in one file take 30 s.
        try db.execute(sql: """
            WITH winners AS MATERIALIZED (
                SELECT k.unit_id, k.year, k.quarter, k.metric_id, k.basis,
                       (SELECT r.id FROM observation_precedence r
                        WHERE r.unit_id = k.unit_id AND r.year = k.year AND r.quarter = k.quarter
                          AND r.metric_id = k.metric_id AND r.basis = k.basis
                        ORDER BY r.precedence, r.id LIMIT 1) AS id
                FROM temp.contested_keys k)
            UPDATE observations SET superseded = (observations.id <> w.id)
            FROM winners w
            WHERE observations.unit_id = w.unit_id AND observations.year = w.year AND observations.quarter = w.quarter
              AND observations.metric_id = w.metric_id AND observations.basis = w.basis
            """)
        try PeriodInputs(db).refresh(contestedIn: db)
        try db.execute(sql: "DELETE FROM temp.contested_keys")
    }

    /// The keys an import stated that were stated before it.
    static let contestedKeysTable = """
        CREATE TEMP TABLE IF NOT EXISTS contested_keys (
            unit_id INTEGER NOT NULL, year INTEGER NOT NULL, quarter INTEGER NOT NULL,
            metric_id INTEGER NOT NULL, basis TEXT NOT NULL,
            PRIMARY KEY (unit_id, year, quarter, metric_id, basis)) WITHOUT ROWID;

        """

    /// Ranks every key stated more than once and rebuilds period_inputs: the
    /// resolved state from the observations alone (a repair, and for tests
    /// that insert observations directly).
    static func resolveAll(_ db: Database) throws {
        try db.execute(sql: Self.contestedKeysTable + """
            INSERT OR IGNORE INTO temp.contested_keys
            SELECT unit_id, year, quarter, metric_id, basis FROM observations
            GROUP BY unit_id, year, quarter, metric_id, basis HAVING count(*) > 1;
            """)
        try resolveContested(db)
        try PeriodInputs.rebuild(db)
    }

    private func basisEntry(_ basis: UnsafePointer<CChar>) -> (index: Int, isReported: Bool) {
        for entry in bases where entry.basis == basis { return (entry.index, entry.isReported) }
        let name = String(cString: basis)
        let entry = (basis: basis, index: PeriodInputs.bases.firstIndex(of: name) ?? -1, isReported: name == Basis.reported.rawValue)
        bases.append(entry)
        return (entry.index, entry.isReported)
    }

    /// Counts a new disagreement; returns whether the key was stated before
    /// (and records it as contested).
    private func countConflict(_ key: ObservationKey, hash: UInt64, period: UInt64, value: Int64, unitIsNew: Bool) throws -> Bool {
        // The filter holds every key this import queued or wrote: a "no" means
        // nothing of this import is under the key, and for a new unit nothing at all.
        let seen = bloom.mightContain(hash, period: period)
        var disagrees = false
        var statedBefore = false
        if seen {
            for (index, pending) in pendingKeys.enumerated() where pending == key {
                statedBefore = true
                if pendingValues[index] != value { disagrees = true }
            }
        }
        var priorDisagree = false
        if try seen || (!unitIsNew && unitYearStoredBefore(key)) {
            let handle = lookup.sqliteStatement
            Self.bind(key, to: handle)
            var firstPrior: Int64?
            while true {
                let step = sqlite3_step(handle)
                if step == SQLITE_DONE { break }
                guard step == SQLITE_ROW else { throw error(step) }
                statedBefore = true
                let stored = sqlite3_column_int64(handle, 0)
                if stored != value { disagrees = true }
                if sqlite3_column_int64(handle, 1) != importID {
                    if let first = firstPrior, first != stored { priorDisagree = true }
                    if firstPrior == nil { firstPrior = stored }
                }
            }
        }
        if disagrees && !priorDisagree && !counted.contains(key) {
            counted.insert(key)
            conflictsCreated += 1
        }
        if statedBefore {
            let handle = contest.sqliteStatement
            Self.bind(key, to: handle)
            let step = sqlite3_step(handle)
            guard step == SQLITE_DONE else { throw error(step) }
        }
        return statedBefore
    }

    /// Whether imports before this one stored anything for the key's unit and
    /// year. Asked when this import first names the pair, before any of its
    /// rows for it is written; its own rows are the Bloom filter's business.
    private func unitYearStoredBefore(_ key: ObservationKey) throws -> Bool {
        let pair = key.unitID << 16 | Int64(key.year & 0xFFFF)
        if let last = lastUnitYear, last.key == pair { return last.storedBefore }
        let stored: Bool
        if let known = storedBefore[pair] {
            stored = known
        } else {
            let handle = unitYearLookup.sqliteStatement
            sqlite3_reset(handle)
            sqlite3_bind_int64(handle, 1, key.unitID)
            sqlite3_bind_int64(handle, 2, Int64(key.year))
            let step = sqlite3_step(handle)
            guard step == SQLITE_ROW || step == SQLITE_DONE else { throw error(step) }
            stored = step == SQLITE_ROW
            sqlite3_reset(handle)
            storedBefore[pair] = stored
        }
        lastUnitYear = (pair, stored)
        return stored
    }

    /// Resets a statement and binds a key to its first five parameters.
    private static func bind(_ key: ObservationKey, to handle: OpaquePointer) {
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, key.unitID)
        sqlite3_bind_int64(handle, 2, Int64(key.year))
        sqlite3_bind_int64(handle, 3, Int64(key.quarter))
        sqlite3_bind_int64(handle, 4, key.metricID)
        sqlite3_bind_text(handle, 5, key.basis, -1, nil)
    }

    private func flush() throws {
        let count = pendingKeys.count
        guard count > 0 else { return }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        try pendingText.withUnsafeBufferPointer { text in
            for start in stride(from: 0, to: count, by: count == Self.batchSize ? count : 1) {
                let (statement, rows) = count == Self.batchSize ? (batch, 0..<count) : (single, start..<(start + 1))
                let handle = statement.sqliteStatement
                sqlite3_reset(handle)
                for (slot, row) in rows.enumerated() {
                    let base = Int32(slot * parametersPerRow)
                    let key = pendingKeys[row]
                    sqlite3_bind_int64(handle, base + 1, key.unitID)
                    sqlite3_bind_int64(handle, base + 2, Int64(key.year))
                    sqlite3_bind_int64(handle, base + 3, Int64(key.quarter))
                    sqlite3_bind_int64(handle, base + 4, key.metricID)
                    sqlite3_bind_text(handle, base + 5, key.basis, -1, nil)
                    sqlite3_bind_int64(handle, base + 6, pendingValues[row])
                    // Fixed part: line, raw_text at 7, 8. Varying: part, line, raw_text, cell at 7…10.
                    let shift: Int32 = fixedPart ? 0 : 1
                    if !fixedPart { sqlite3_bind_text(handle, base + 7, pendingParts[row], -1, nil) }
                    if pendingLines[row] > 0 {
                        sqlite3_bind_int64(handle, base + 7 + shift, pendingLines[row])
                    } else {
                        sqlite3_bind_null(handle, base + 7 + shift)
                    }
                    let start = row == 0 ? 0 : pendingTextEnds[row - 1]
                    let length = pendingTextEnds[row] - start
                    let pointer = UnsafeRawPointer(text.baseAddress.map { $0 + start } ?? UnsafePointer(bitPattern: 1)!)
                    sqlite3_bind_text(handle, base + 8 + shift, pointer.assumingMemoryBound(to: CChar.self), Int32(length), transient)
                    if !fixedPart {
                        if let cell = pendingCells[row] {
                            sqlite3_bind_text(handle, base + 10, cell, -1, transient)
                        } else {
                            sqlite3_bind_null(handle, base + 10)
                        }
                    }
                }
                let step = sqlite3_step(handle)
                guard step == SQLITE_DONE else { throw error(step) }
                figures += rows.count
            }
        }
        pendingKeys.removeAll(keepingCapacity: true)
        pendingValues.removeAll(keepingCapacity: true)
        pendingLines.removeAll(keepingCapacity: true)
        pendingParts.removeAll(keepingCapacity: true)
        pendingCells.removeAll(keepingCapacity: true)
        pendingText.removeAll(keepingCapacity: true)
        pendingTextEnds.removeAll(keepingCapacity: true)
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }
}

/// A fixed-size blocked Bloom filter of keys: each key sets four bits of one
/// 64-bit word, and the word lies in a block of 32 words (256 bytes) chosen
/// by the key's period. A file states a period's figures together, so they
/// meet the same few cache lines: with the word chosen from all 8 MiB by the
/// whole key, every row missed the cache (8 % of a 1 M-row import, perf,
/// BENCHMARKS.md). A period's 60 keys fill an eighth of its block's bits.
struct BloomFilter {
    private var words: [UInt64] = []
    private let blockCount: Int
    static let wordsPerBlock = 32

    init(bitCountLog2: Int) {
        blockCount = 1 << (bitCountLog2 - 6 - 5)
    }

    private func probe(_ hash: UInt64, period: UInt64) -> (word: Int, bits: UInt64) {
        let block = Int((period >> 32) & UInt64(blockCount - 1))
        let word = block * Self.wordsPerBlock + Int(hash & UInt64(Self.wordsPerBlock - 1))
        let high = hash >> 40
        let bits: UInt64 = 1 << (high & 63) | 1 << ((high >> 6) & 63) | 1 << ((high >> 12) & 63) | 1 << ((high >> 18) & 63)
        return (word, bits)
    }

    mutating func insert(_ hash: UInt64, period: UInt64) {
        if words.isEmpty { words = [UInt64](repeating: 0, count: blockCount * Self.wordsPerBlock) }
        let (word, bits) = probe(hash, period: period)
        words[word] |= bits
    }

    func mightContain(_ hash: UInt64, period: UInt64) -> Bool {
        if words.isEmpty { return false }
        let (word, bits) = probe(hash, period: period)
        return words[word] & bits == bits
    }
}

/// C strings that live as long as the table: bound to statements without a
/// copy (SQLITE_STATIC) and compared by address in keys.
struct CStringTable {
    private var strings: [String: UnsafeMutablePointer<CChar>] = [:]
    private var owner = Owner()

    private final class Owner {
        var pointers: [UnsafeMutablePointer<CChar>] = []
        deinit { pointers.forEach { free($0) } }
    }

    mutating func intern(_ text: String) -> UnsafePointer<CChar> {
        if let pointer = strings[text] { return UnsafePointer(pointer) }
        let pointer = strdup(text)!
        strings[text] = pointer
        owner.pointers.append(pointer)
        return UnsafePointer(pointer)
    }
}
