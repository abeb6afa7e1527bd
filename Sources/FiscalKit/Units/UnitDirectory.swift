import GRDB

/// A stored budget unit.
public struct Unit: Equatable, Sendable {
    public var id: Int64
    public var name: String
    public var region: String?
    public var kind: UnitKind
    public var code: String?
}

/// Resolves the names units are written under to stored units, and creates
/// units on first sight. Loaded once per import, so resolving a name costs a
/// dictionary lookup.
///
/// A name resolves, in order, by its exact normalized key, by an alias, then by
/// its core (``UnitName``) when exactly one unit with a compatible region
/// prefix has that core. Two or more candidates is an error that lists them:
/// two distinct units are never merged silently.
///
/// ```swift
/// var units = try UnitDirectory(db)
/// let id = try units.resolveOrCreate(name: "白仓镇", region: nil, kind: nil, code: nil, in: db)
/// ```
public struct UnitDirectory {
    private var units: [Int64: Unit] = [:]
    private var byKey: [String: Int64] = [:]
    private var byCore: [String: [Int64]] = [:]
    /// Each unit's region prefix as resolving compares it: its name's prefix,
    /// else its region's key. Kept, not parsed per candidate: a province has
    /// ~186 units of each core (青山镇 in every county), and parsing every
    /// candidate's name made creating 10,000 units take 18 s (BENCHMARKS.md).
    private var prefixes: [Int64: String] = [:]
    /// Units this directory created (in this import).
    public private(set) var createdIDs: Set<Int64> = []

    public init(_ db: Database) throws {
        for row in try Row.fetchAll(db, sql: "SELECT id, name, region, kind, code FROM units") {
            let unit = Unit(id: row["id"], name: row["name"], region: row["region"],
                            kind: UnitKind(rawValue: row["kind"]) ?? .other, code: row["code"])
            remember(unit)
        }
        for row in try Row.fetchAll(db, sql: "SELECT alias_key, unit_id FROM unit_aliases") {
            byKey[row["alias_key"]] = row["unit_id"]
        }
    }

    private mutating func remember(_ unit: Unit) {
        let name = UnitName(unit.name)
        units[unit.id] = unit
        byKey[name.key] = unit.id
        byCore[name.core, default: []].append(unit.id)
        prefixes[unit.id] = Self.prefix(of: unit, name: name)
    }

    private static func prefix(of unit: Unit, name: UnitName) -> String {
        name.prefix.isEmpty ? TextNormalization.key(unit.region ?? "") : name.prefix
    }

    public func unit(id: Int64) -> Unit? { units[id] }

    /// The stored unit a name means, nil if none; an error if it is ambiguous.
    public func resolve(name: String, region: String? = nil) throws -> Unit? {
        let parsed = UnitName(name)
        if let id = byKey[parsed.key] { return units[id] }
        let wantedPrefix = parsed.prefix.isEmpty ? TextNormalization.key(region ?? "") : parsed.prefix
        let candidates = (byCore[parsed.core] ?? []).filter { id in
            UnitName.prefixesCompatible(wantedPrefix, prefixes[id]!)
        }.compactMap { units[$0] }
        if candidates.count > 1 {
            let names = candidates.map(\.name).sorted().joined(separator: ", ")
            throw FiscalError.invalid("the unit name '\(name)' could be any of: \(names); write the full name or add an alias (fiscal units alias ALIAS UNIT)")
        }
        return candidates.first
    }

    /// Resolves a name, creating the unit if no stored unit matches. A given
    /// region, kind or code fills what the unit lacks; contradicting what it
    /// has is an error.
    public mutating func resolveOrCreate(name: String, region: String?, kind: UnitKind?, code: String?,
                                         in db: Database) throws -> Int64 {
        // A name Excel wrapped in its cell ("白仓镇\n人民政府") is one name: the breaks go.
        let trimmedName = TextNormalization.trim(name).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" || $0 == "\t" })
            .map { TextNormalization.trim($0) }.joined()
        guard !trimmedName.isEmpty else { throw FiscalError.invalid("the unit name is empty") }
        try Self.checkNewName(trimmedName)
        let parsedName = UnitName(trimmedName)
        // A name's county prefix is its region: stored on a unit that lacks one,
        // so "财政局" matched by "衡山县财政局" can no longer match "邵阳县财政局".
        let region = region.map { TextNormalization.trim($0) }.flatMap { $0.isEmpty ? nil : $0 }
            ?? (parsedName.prefix.isEmpty ? nil : parsedName.prefix)
        let code = code.map { TextNormalization.trim($0) }.flatMap { $0.isEmpty ? nil : $0 }
        if var unit = try resolve(name: trimmedName, region: region) {
            var changed = false
            if let region {
                if let stored = unit.region,
                   !UnitName.prefixesCompatible(TextNormalization.key(stored), TextNormalization.key(region)) {
                    throw FiscalError.invalid("unit \(unit.name) is in region \(stored), not \(region)")
                }
                if unit.region == nil { unit.region = region; changed = true }
            }
            if let kind, kind != unit.kind {
                if unit.kind != .other && kind != .other {
                    throw FiscalError.invalid("unit \(unit.name) is a \(unit.kind.rawValue), not a \(kind.rawValue)")
                }
                if unit.kind == .other { unit.kind = kind; changed = true }
            }
            if let code {
                if let stored = unit.code, stored != code {
                    throw FiscalError.invalid("unit \(unit.name) has the code \(stored), not \(code)")
                }
                if unit.code == nil { unit.code = code; changed = true }
            }
            if changed {
                try db.execute(sql: "UPDATE units SET region = ?, kind = ?, code = ? WHERE id = ?",
                               arguments: [unit.region, unit.kind.rawValue, unit.code, unit.id])
                units[unit.id] = unit
                prefixes[unit.id] = Self.prefix(of: unit, name: UnitName(unit.name))
            }
            return unit.id
        }
        let parsed = parsedName
        let inferredRegion = region
        let finalKind = kind ?? parsed.inferredKind
        try db.cachedStatement(sql: """
            INSERT INTO units(name, name_key, core_key, region, kind, code) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [trimmedName, parsed.key, parsed.core, inferredRegion, finalKind.rawValue, code])
        let unit = Unit(id: db.lastInsertedRowID, name: trimmedName, region: inferredRegion, kind: finalKind, code: code)
        remember(unit)
        createdIDs.insert(unit.id)
        return unit.id
    }

    /// The longest unit name accepted (the longest real ones are under 40 characters).
    public static let maxNameLength = 100

    /// A unit's name as a spreadsheet or a terminal could misread it is refused:
    /// one starting with `=`, `+` or `@` (a formula in Excel/WPS), one holding
    /// control characters, one longer than ``maxNameLength``.
    static func checkNewName(_ name: String) throws {
        if let first = name.first, "=+@".contains(first) {
            throw FiscalError.invalid("the unit name '\(name.prefix(40))' starts with \(first): a spreadsheet would run it as a formula")
        }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }) {
            throw FiscalError.invalid("the unit name '\(name.prefix(40).unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(String.init).joined())' holds control characters")
        }
        if name.count > maxNameLength {
            throw FiscalError.invalid("the unit name is \(name.count) characters long (at most \(maxNameLength)): '\(name.prefix(20))…'")
        }
    }

    /// Makes `alias` another name of the unit `unitName` resolves to.
    public static func addAlias(_ alias: String, for unitName: String, in db: Database) throws -> Unit {
        let directory = try UnitDirectory(db)
        guard let unit = try directory.resolve(name: unitName) else {
            throw FiscalError.invalid("no unit named '\(unitName)'; `fiscal units` lists them")
        }
        let key = TextNormalization.key(alias)
        guard !key.isEmpty else { throw FiscalError.invalid("the alias is empty") }
        if let existing = directory.byKey[key], existing != unit.id {
            throw FiscalError.invalid("'\(alias)' already names \(directory.units[existing]!.name)")
        }
        try db.execute(sql: "INSERT OR REPLACE INTO unit_aliases(alias_key, alias, unit_id) VALUES (?, ?, ?)",
                       arguments: [key, TextNormalization.trim(alias), unit.id])
        return unit
    }
}
