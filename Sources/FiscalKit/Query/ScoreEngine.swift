import Foundation
import GRDB
import GRDBSQLite

/// queries/scoring.sql's `score_items` and its totals, evaluated in Swift over
/// the view `score_inputs` (the values the rules name) and the units' own
/// sheets. SQLite took 0.9 s to apply the rules to a province's year through
/// window functions, where reading the values they need takes 0.05 s
/// (BENCHMARKS.md, issue 13). The SQL stays the readable definition, runnable
/// in sqlite3 and Datasette; ScoringTests hold this evaluation equal to it,
/// row for row and column for column, on invented stores that reach every
/// branch of the rules. Every formatted note is printed by SQLite's own
/// printf, so the two cannot differ in a digit.
struct ScoreEngine: Sendable {
    /// One band of an item: scoring_rules' row.
    struct Band: Sendable {
        var lower: Double?
        var lowerClosed: Bool
        var upper: Double?
        var upperClosed: Bool
        var points: Double
        var timesRate: Bool
        var step: Double?
        var deduction: Double?

        /// The SQL's band join: `(lower IS NULL OR x > lower OR (lower_closed AND x = lower)) AND …`.
        func holds(_ x: Double) -> Bool {
            (lower.map { x > $0 || lowerClosed && x == $0 } ?? true) && (upper.map { x < $0 || upperClosed && x == $0 } ?? true)
        }

        func overlaps(_ other: Band) -> Bool {
            ScoringRule.bandsOverlap((lower, lowerClosed, upper, upperClosed), (other.lower, other.lowerClosed, other.upper, other.upperClosed))
        }
    }

    /// An item: the attributes of its first row (`rule_items`, by rowid) and its bands.
    struct RuleItem: Sendable {
        var item: String
        /// '|' + names_key + '|', the haystack the sheet's row names are sought in.
        var names: [UInt8]
        var indicator: Int
        var zeroIndicator: Int?
        var zeroIndicatorCode: String?
        var zeroOperator: String?
        var zeroValue: Double?
        var maxPoints: Double
        /// CAST(round(max_points * 1000000) AS INTEGER)
        var maxPointsE6: Int64
        var absolute: Bool
        var position: Int64
        var bands: [Band]
    }

    /// A scored item: score_items' columns the score query reads.
    struct Item: Sendable {
        var item: String
        var position: Int64
        var value: Double?
        var points: Double?
        var maxPoints: Double
        var selfScore: Double?
        var difference: Double?
        var note: String?
        var hasSheetRow: Bool
    }

    /// One unit-year's items in the rules' order, and the sums of score_totals.
    struct UnitYear: Sendable {
        var unitID: Int64
        var unit: String
        var region: String?
        var kind: String
        var year: Int
        var items: [Item]
        var scored = 0
        var points: Double?
        var maxPoints: Double?
        var selfScore: Double?
        var difference: Double?
        var compared = 0
        var withValue = 0
        var sheetRows = 0

        /// The score query lists a unit-year with an item that has a value or a row of the unit's sheet.
        var listed: Bool { withValue > 0 || sheetRows > 0 }
    }

    /// An indicator's values in one unit-year: max(value) and max(reason) of
    /// its rows, as the SQL's windows take them, and round(value, 9) and
    /// round(abs(value), 9) by SQLite for the bands.
    struct Slot {
        var present = false
        var value: Double?
        var x: Double?
        var xAbsolute: Double?
        var reason: String?
    }

    /// A row of a unit's own sheet (scoring_items).
    struct SheetRow {
        var id: Int64
        var importID: Int64
        var name: String
        var key: [UInt8]
        var selfPointsE6: Int64?
        var maxPointsE6: Int64?
    }

    let items: [RuleItem]
    let indicators: [String]

    /// The stored rules, or nil when an item's stored bands overlap (possible
    /// only by writing scoring_rules by hand: `score rules load` refuses it),
    /// where a value would meet two bands and the SQL lists the item twice.
    init?(_ db: Database) throws {
        var items: [RuleItem] = []
        var indicators: [String] = []
        func index(_ code: String) -> Int {
            if let found = indicators.firstIndex(of: code) { return found }
            indicators.append(code)
            return indicators.count - 1
        }
        let rows = try Row.fetchAll(db, sql: """
            SELECT rowid, item, names_key, indicator, max_points, lower, lower_closed, upper, upper_closed,
                   points, times_rate, step, deduction, zero_indicator, zero_operator, zero_value, absolute
            FROM scoring_rules ORDER BY rowid
            """)
        for row in rows {
            let band = Band(lower: row[5], lowerClosed: row[6], upper: row[7], upperClosed: row[8], points: row[9],
                            timesRate: row[10], step: row[11], deduction: row[12])
            let item: String = row[1]
            if let at = items.firstIndex(where: { $0.item == item }) {
                guard !items[at].bands.contains(where: { $0.overlaps(band) }) else { return nil }
                items[at].bands.append(band)
                continue
            }
            let zeroCode: String? = row[13]
            let maxPoints: Double = row[4]
            items.append(RuleItem(item: item, names: Array("|\(row[2] as String)|".utf8), indicator: index(row[3]),
                                  zeroIndicator: zeroCode.map(index), zeroIndicatorCode: zeroCode, zeroOperator: row[14],
                                  zeroValue: row[15], maxPoints: maxPoints, maxPointsE6: Self.integer(Self.round(maxPoints * 1_000_000)),
                                  absolute: row[16], position: row[0], bands: [band]))
        }
        self.items = items
        self.indicators = indicators
    }

    /// The unit-years of `years` whose unit passes `unitPasses`, in the score
    /// query's order (unit name, year), each with its items and sums.
    /// `keepItems: false` keeps only the sums (the report's totals, for less memory).
    func unitYears(_ db: Database, years: ClosedRange<Int>, unitIDs: ClosedRange<Int64> = Int64.min...Int64.max, keepItems: Bool = true,
                   unitPasses: (_ id: Int64, _ region: String?, _ kind: String) -> Bool) throws -> [UnitYear] {
        // Units by position in the order of their names, as SQLite's BINARY
        // collation sorts them (the score query's order); whether each passes
        // the filter is asked once, not per value.
        var unitIndex: [Int64: Int] = [:]
        var names: [String] = [], regions: [String?] = [], kinds: [String] = [], passes: [Bool] = []
        for row in try Row.fetchAll(db, sql: "SELECT id, name, region, kind FROM units ORDER BY name") {
            let id: Int64 = row[0], region: String? = row[2], kind: String = row[3]
            unitIndex[id] = names.count
            names.append(row[1])
            regions.append(region)
            kinds.append(kind)
            passes.append(unitPasses(id, region, kind))
        }
        let indicatorBytes = indicators.map { Array($0.utf8) }
        let width = indicators.count

        // The values, a row of `width` slots per unit-year.
        var keys: [Int64: Int] = [:]
        var order: [(unit: Int, unitID: Int64, year: Int)] = []
        var slots: [Slot] = []
        // One year by `=`, so that the units' range reaches period_inputs' key (quarter, year, unit_id) too.
        let statement = try db.cachedStatement(sql: """
            SELECT unit_id, year, indicator, value, reason, round(value, 9), round(abs(value), 9)
            FROM score_inputs
            WHERE \(years.count == 1 ? "year = ?1" : "year BETWEEN ?1 AND ?2") AND quarter = 0 AND unit_id BETWEEN ?3 AND ?4
            """)
        let handle = statement.sqliteStatement
        let cursor = try Row.fetchCursor(statement, arguments: [years.lowerBound, years.upperBound, unitIDs.lowerBound, unitIDs.upperBound])
        while try cursor.next() != nil {
            let unitID = sqlite3_column_int64(handle, 0)
            guard let unit = unitIndex[unitID], passes[unit], let text = sqlite3_column_text(handle, 2) else { continue }
            let length = Int(sqlite3_column_bytes(handle, 2))
            let indicator = indicatorBytes.firstIndex { code in
                code.count == length && code.withUnsafeBufferPointer { memcmp($0.baseAddress!, text, length) == 0 }
            }
            guard let indicator else { continue }
            let year = Int(sqlite3_column_int64(handle, 1))
            let key = Self.key(unitID, year)
            let base: Int
            if let found = keys[key] {
                base = found
            } else {
                base = slots.count
                keys[key] = base
                order.append((unit, unitID, year))
                slots.append(contentsOf: repeatElement(Slot(), count: width))
            }
            slots[base + indicator].present = true
            if sqlite3_column_type(handle, 3) != SQLITE_NULL {
                let value = sqlite3_column_double(handle, 3)
                if slots[base + indicator].value.map({ value > $0 }) ?? true {
                    slots[base + indicator].value = value
                    slots[base + indicator].x = sqlite3_column_double(handle, 5)
                    slots[base + indicator].xAbsolute = sqlite3_column_double(handle, 6)
                }
            }
            if let text = sqlite3_column_text(handle, 4) {
                let reason = String(cString: text)
                if slots[base + indicator].reason.map({ Self.bytesFollow(reason, $0) }) ?? true { slots[base + indicator].reason = reason }
            }
        }

        // The units' own sheets: the row of an item is the last import's
        // (then the first) whose name, without quotes and spaces, is one of the item's names.
        var sheets: [Int64: [SheetRow]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT id, unit_id, year, indicator, import_id, self_points_e6, max_points_e6
            FROM scoring_items WHERE year BETWEEN ? AND ? AND unit_id BETWEEN ? AND ?
            """, arguments: [years.lowerBound, years.upperBound, unitIDs.lowerBound, unitIDs.upperBound]) {
            let key = Self.key(row[1], row[2])
            guard keys[key] != nil else { continue }
            let name: String = row[3]
            sheets[key, default: []].append(SheetRow(id: row[0], importID: row[4], name: name, key: Self.sheetKey(name),
                                                     selfPointsE6: row[5], maxPointsE6: row[6]))
        }

        // Sums in the order of the items' codes: the order score_items' window
        // partitions (unit_id, year, item) hand the rows to the SQL's sums.
        let summed = items.indices.sorted { Self.bytesFollow(items[$1].item, items[$0].item) }
        let printf = try Printf(db)
        var result: [UnitYear] = []
        result.reserveCapacity(order.count)
        order.sort { $0.unit != $1.unit ? $0.unit < $1.unit : $0.year < $1.year }
        var scored = [Item?](repeating: nil, count: items.count)
        for (unit, unitID, year) in order {
            let key = Self.key(unitID, year)
            let base = keys[key]!
            var unitYear = UnitYear(unitID: unitID, unit: names[unit], region: regions[unit], kind: kinds[unit], year: year, items: [])
            let sheetRows = sheets[key] ?? []
            for (index, rule) in items.enumerated() {
                let value = slots[base + rule.indicator]
                let zero = rule.zeroIndicator.map { slots[base + $0] }
                guard value.present || zero?.present == true else {
                    scored[index] = nil
                    continue
                }
                // ORDER BY import_id DESC, id LIMIT 1
                var sheet: SheetRow?
                for row in sheetRows where Self.contains(rule.names, row.key) {
                    if let best = sheet, best.importID > row.importID || best.importID == row.importID && best.id < row.id { continue }
                    sheet = row
                }
                scored[index] = try score(rule, value: value, zero: zero, sheet: sheet, printf: printf)
            }
            for index in summed {
                guard let item = scored[index] else { continue }
                if let points = item.points {
                    unitYear.scored += 1
                    unitYear.points = (unitYear.points ?? 0) + points
                    unitYear.maxPoints = (unitYear.maxPoints ?? 0) + item.maxPoints
                }
                if let difference = item.difference {
                    unitYear.compared += 1
                    unitYear.difference = (unitYear.difference ?? 0) + difference
                    if let selfScore = item.selfScore { unitYear.selfScore = (unitYear.selfScore ?? 0) + selfScore }
                }
                if item.value != nil { unitYear.withValue += 1 }
                if item.hasSheetRow { unitYear.sheetRows += 1 }
            }
            if keepItems { unitYear.items = scored.compactMap { $0 } }
            result.append(unitYear)
        }
        return result
    }

    /// ``unitYears(_:years:unitIDs:unitPasses:)`` over the units in two
    /// halves of their ids, on two threads and two connections
    /// (FiscalDatabase.concurrentMap): reading the values and applying the
    /// rules take a province's year 0.16 s on one. The same unit-years in the
    /// same order.
    /// `parallel: false` keeps to this connection: for a caller already on
    /// one of two busy threads (the report's quality checks).
    static func unitYears(_ database: FiscalDatabase, years: ClosedRange<Int>, parallel: Bool = true, keepItems: Bool = true,
                          unitPasses: @escaping @Sendable (_ id: Int64, _ region: String?, _ kind: String) -> Bool) throws -> [UnitYear]? {
        if !parallel {
            return try database.queue.read { db in
                try ScoreEngine(db)?.unitYears(db, years: years, keepItems: keepItems, unitPasses: unitPasses)
            }
        }
        let (engine, low, high) = try database.queue.read { db in
            let ids = try Row.fetchOne(db, sql: "SELECT min(id), max(id) FROM units")
            return (try ScoreEngine(db), ids?[0] as Int64?, ids?[1] as Int64?)
        }
        guard let engine else { return nil }
        guard let low, let high else { return [] }
        let middle = low + (high - low) / 2
        // Open-ended halves: a unit an import adds meanwhile falls in the second.
        // Each half reads its own snapshot (each unit's items from one), and the
        // merge sorts by name, not by the halves' own ranks, which an import
        // between the two reads could shift.
        let halves = [Int64.min...middle, (middle + 1)...Int64.max]
        let parts = try database.concurrentMap(2) { store, half in
            try store.queue.read { db in try engine.unitYears(db, years: years, unitIDs: halves[half], keepItems: keepItems, unitPasses: unitPasses) }
        }
        return (parts[0] + parts[1]).sorted { $0.unit != $1.unit ? Self.bytesFollow($1.unit, $0.unit) : $0.year < $1.year }
    }

    /// score_items' `valued`, `banded`, `judged` and `scored` steps for one unit-year and item.
    private func score(_ rule: RuleItem, value slot: Slot, zero: Slot?, sheet: SheetRow?, printf: Printf) throws -> Item {
        let value = slot.value
        let x = rule.absolute ? slot.xAbsolute : slot.x
        let band = x.flatMap { x in rule.bands.first { $0.holds(x) } }
        let zeroActual = zero?.value
        var zeroed: Bool?
        if let zeroActual, let zeroValue = rule.zeroValue {
            switch rule.zeroOperator {
            case ">": zeroed = zeroActual > zeroValue
            case ">=": zeroed = zeroActual >= zeroValue
            case "<": zeroed = zeroActual < zeroValue
            case "<=": zeroed = zeroActual <= zeroValue
            default: zeroed = nil
            }
        }
        var byBand: Double?
        if let band, let x {
            let base = band.timesRate ? band.points * x / 100.0 : band.points
            var raw: Double?
            if let step = band.step {
                // NULL when a part is missing, and SQLite's x / 0 is NULL
                if let deduction = band.deduction, let lower = band.lower, step != 0 {
                    raw = base - deduction * Double(Self.integer((x - lower) / step))
                }
            } else {
                raw = base - 0
            }
            byBand = raw.map { Self.sqlMax(0.0, Self.sqlMin(rule.maxPoints, $0)) }
        }
        // A positive score that a missing zero_when value could still make 0.
        let zeroUnknown = rule.zeroIndicator != nil && zeroed == nil && byBand.map { $0 > 0 } == true
        let points: Double?
        if value == nil || band == nil {
            points = nil
        } else if zeroed == true {
            points = 0.0
        } else if zeroUnknown {
            points = nil
        } else {
            points = byBand
        }
        let selfScore = sheet?.selfPointsE6.map { Double($0) / 1000000.0 }
        let otherMax = sheet?.maxPointsE6.map { $0 != rule.maxPointsE6 } == true
        var difference: Double?
        if let selfScore, !otherMax, value != nil, band != nil, !zeroUnknown {
            difference = zeroed == true ? selfScore - 0.0 : byBand.map { selfScore - $0 }
        }
        let note: String?
        if let value {
            if band == nil {
                note = try printf("no band of the rule holds %.2f", [value])
            } else if zeroed == true {
                note = try printf("0 points: %s %.2f %s %g", [rule.zeroIndicatorCode, zeroActual, rule.zeroOperator, rule.zeroValue])
            } else if zeroUnknown {
                note = zero?.reason ?? "needs " + (rule.zeroIndicatorCode ?? "")
            } else if let sheet, otherMax {
                note = try printf("the sheet's row %s is worth %g points, not %g: its self-score is not this item's",
                                  [sheet.name, sheet.maxPointsE6.map { Double($0) / 1000000.0 }, rule.maxPoints])
            } else {
                note = nil
            }
        } else {
            note = slot.reason
        }
        return Item(item: rule.item, position: rule.position, value: value, points: points, maxPoints: rule.maxPoints,
                    selfScore: selfScore, difference: difference, note: note, hasSheetRow: sheet != nil)
    }

    /// SQLite's printf, for the notes the SQL formats with it.
    struct Printf {
        let statement: Statement

        init(_ db: Database) throws {
            statement = try db.cachedStatement(sql: "SELECT printf(?, ?, ?, ?, ?)")
        }

        func callAsFunction(_ format: String, _ values: [(any DatabaseValueConvertible)?]) throws -> String? {
            let padded = values + Array(repeating: nil, count: 4 - values.count)
            return try String.fetchOne(statement, arguments: StatementArguments([format] + padded))
        }
    }

    // MARK: SQLite's arithmetic and text, as the SQL computes them

    static func key(_ unitID: Int64, _ year: Int) -> Int64 { unitID << 20 | Int64(year + 0x8_0000) }

    /// round(X) (no digits) as SQLite 3.40 computes it.
    static func round(_ value: Double) -> Double {
        if value >= 0 && value < 9.2e18 { return Double(Int64(value + 0.5)) }
        if value < 0 && -value < 9.2e18 { return -Double(Int64(-value + 0.5)) }
        return value
    }

    /// CAST(X AS INTEGER) of a REAL: toward zero, held within Int64.
    static func integer(_ value: Double) -> Int64 {
        if value <= -9.223372036854775808e18 { return .min }
        if value >= 9.223372036854775807e18 { return .max }
        return Int64(value)
    }

    /// SQLite's min(a, b) and max(a, b) (minmaxFunc): on a tie min takes the
    /// later argument and max the first (only a zero's sign could tell).
    static func sqlMin(_ a: Double, _ b: Double) -> Double { b <= a ? b : a }
    static func sqlMax(_ a: Double, _ b: Double) -> Double { b > a ? b : a }

    /// `b` sorts before `a` in SQLite's BINARY collation (bytes, then length).
    static func bytesFollow(_ a: String, _ b: String) -> Bool {
        b.utf8.lexicographicallyPrecedes(a.utf8)
    }

    /// '|' + the sheet's row name without “ ” " ' spaces 　 and 「 + '|', as the SQL's replace() chain makes it:
    /// scalar by scalar, as replace() works on bytes (ScoringRule.sheetNameKey, which builds the
    /// rules' names_key, filters whole characters, and would keep a quote a combining mark follows).
    static func sheetKey(_ name: String) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "|")]
        for scalar in name.unicodeScalars where !"“”\"' 　「".unicodeScalars.contains(scalar) {
            bytes.append(contentsOf: String(scalar).utf8)
        }
        bytes.append(UInt8(ascii: "|"))
        return bytes
    }

    /// instr(haystack, needle) > 0, byte for byte.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        guard !needle.isEmpty else { return true }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
