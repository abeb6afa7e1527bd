import GRDB
import Testing
@testable import FiscalKit

@Suite("Unit names, resolution and aliases")
struct UnitTests {
    let scratch = Scratch()

    @Test("a name splits into region prefix and core")
    func nameParts() {
        let full = UnitName("邵阳县白仓镇人民政府")
        #expect(full.prefix == "邵阳县" && full.core == "白仓镇")
        #expect(UnitName("白仓镇人民政府").core == "白仓镇")
        #expect(UnitName(" 白仓镇 ").core == "白仓镇")
        #expect(UnitName("白仓镇").prefix == "")
        let bureau = UnitName("衡山县财政局")
        #expect(bureau.prefix == "衡山县" && bureau.core == "财政局")
        #expect(UnitName("湖南省邵阳市双清区财政局").prefix == "湖南省邵阳市双清区")
        #expect(UnitName("经济开发区管委会").prefix == "")      // a development zone is a unit
        #expect(UnitName("县委办公室").prefix == "")
        #expect(UnitName("ＸＸ县财政局").key == "xx县财政局")  // width folded
    }

    @Test("the split by scalar agrees with the split by character")
    func splitPaths() {
        // Every division level, exclusions, government suffixes, short names,
        // ASCII and full-width text: the fast path must cut where the
        // Character path cuts (hand-checked cuts for the first names).
        let names = ["邵阳县白仓镇人民政府", "湖南省邵阳市双清区财政局", "衡山县财政局", "经济开发区管委会", "县委办公室",
                     "xx县财政局", "白仓镇", "白仓镇人民政府", "城关街道办事处", "内蒙古自治区阿拉善盟额济纳旗财政局",
                     "湘西州泸溪县教育局", "广西壮族自治区南宁市青秀区政府", "某某高新区管委会", "长沙市雨花区人民政府",
                     "县政府", "镇政府办", "abc县def局", "示例县（区）财政局", "邵阳县", "市县区", "长沙地区财政局",
                     "某某市工业园区管委会", "某某县景区管理处", "一二三四五六七县八九", "人民政府", "某县某镇办事处"]
        for name in names {
            let scalars = Array(TextNormalization.key(name).unicodeScalars)
            #expect(scalars.allSatisfy(UnitName.isCharacterByItself), "\(name)")
            let byScalar = UnitName.splitByScalar(scalars)
            let byCharacter = UnitName.splitByCharacter(TextNormalization.key(name))
            #expect(byScalar == byCharacter, "\(name)")
        }
        #expect(UnitName.splitByScalar(Array("内蒙古自治区阿拉善盟额济纳旗财政局".unicodeScalars)) == ("内蒙古自治区阿拉善盟额济纳旗", "财政局"))
        #expect(UnitName.splitByScalar(Array("某某高新区管委会".unicodeScalars)) == ("", "某某高新区管委会"))
        #expect(UnitName.splitByScalar(Array("某县某镇办事处".unicodeScalars)) == ("某县", "某镇"))
        // A combining mark joins its neighbour: such names go by Character.
        #expect(!"e\u{301}县财政局".unicodeScalars.allSatisfy(UnitName.isCharacterByItself))
        #expect(UnitName("e\u{301}县财政局").core == "财政局")
    }

    @Test("units in name order: SQLite's byte order where it agrees with Swift's, Swift's where it does not")
    func nameOrder() throws {
        let database = try scratch.database()
        // Stored decomposed, "é" (e + U+0301) sorts before "f" by bytes but after it
        // as a character (U+00E9 > U+0066): the order falls back to Swift's.
        let names: [Int64: String] = [1: "e\u{301}局", 2: "f局", 3: "乙镇", 4: "甲镇"]
        try database.queue.write { db in
            for (id, name) in names {
                try db.execute(sql: "INSERT INTO units(id, name, name_key, core_key, kind) VALUES (?, ?, ?, ?, 'other')",
                               arguments: [id, name, "k\(id)", "k\(id)"])
            }
        }
        let ranks = try database.queue.read { try Trends.nameRanks(names, $0) }
        #expect(ranks == [2: 0, 1: 1, 3: 2, 4: 3])       // f局, é局, 乙镇 (U+4E59), 甲镇 (U+7532)
        let chinese = try database.queue.read { try Trends.nameRanks([3: "乙镇", 4: "甲镇"], $0) }
        #expect(chinese == [3: 0, 4: 1])
    }

    @Test("kind is inferred from the name when a file does not say")
    func inferredKind() {
        #expect(UnitName("邵阳县白仓镇人民政府").inferredKind == .township)
        #expect(UnitName("城关街道办事处").inferredKind == .township)
        #expect(UnitName("衡山县财政局").inferredKind == .department)
        #expect(UnitName("示例县档案馆").inferredKind == .department)
        #expect(UnitName("某某公司").inferredKind == .other)
    }

    func resolve(_ names: [String], in database: FiscalDatabase) throws -> [Int64] {
        try database.queue.write { db in
            var directory = try UnitDirectory(db)
            return try names.map { try directory.resolveOrCreate(name: $0, region: nil, kind: nil, code: nil, in: db) }
        }
    }

    @Test("full name, name without county, and short name are one unit")
    func resolvesVariants() throws {
        let database = try scratch.database()
        let ids = try resolve(["邵阳县白仓镇人民政府", "白仓镇人民政府", "白仓镇", "白仓镇 人民政府", "邵阳县白仓镇"], in: database)
        #expect(Set(ids).count == 1)
        let unit = try database.queue.read { try Row.fetchOne($0, sql: "SELECT name, region, kind FROM units") }
        #expect(unit?["name"] == "邵阳县白仓镇人民政府")
        #expect(unit?["region"] == "邵阳县")         // taken from the prefix
        #expect(unit?["kind"] == "township")
    }

    @Test("two distinct units are never merged: an ambiguous short name is an error")
    func ambiguity() throws {
        let database = try scratch.database()
        let ids = try resolve(["邵阳县白仓镇人民政府", "隆回县白仓镇人民政府", "衡山县财政局", "邵阳县财政局"], in: database)
        #expect(Set(ids).count == 4)
        #expect(throws: FiscalError.self) { try resolve(["白仓镇"], in: database) }
        do {
            _ = try resolve(["财政局"], in: database)
        } catch let error as FiscalError {
            #expect(error.description.contains("衡山县财政局") && error.description.contains("邵阳县财政局"))
        }
        // With its county the name is unambiguous.
        #expect(try resolve(["邵阳县白仓镇"], in: database) == [ids[0]])
    }

    @Test("a name without a county takes the region of the first county name matched to it")
    func prefixlessUnit() throws {
        let database = try scratch.database()
        let ids = try resolve(["财政局", "衡山县财政局", "邵阳县财政局"], in: database)
        #expect(ids[0] == ids[1])
        #expect(ids[2] != ids[0])
        let region = try database.queue.read { try String.fetchOne($0, sql: "SELECT region FROM units WHERE id = ?", arguments: [ids[0]]) }
        #expect(region == "衡山县")
        #expect(try resolve(["湖南省衡山县财政局"], in: database) == [ids[0]])
    }

    @Test("an alias resolves a name that is otherwise ambiguous or unknown")
    func aliases() throws {
        let database = try scratch.database()
        let ids = try resolve(["邵阳县白仓镇人民政府", "隆回县白仓镇人民政府"], in: database)
        let unit = try database.queue.write { try UnitDirectory.addAlias("白仓镇", for: "邵阳县白仓镇人民政府", in: $0) }
        #expect(unit.id == ids[0])
        #expect(try resolve(["白仓镇"], in: database) == [ids[0]])
        // An alias cannot take a name another unit already has.
        #expect(throws: FiscalError.self) {
            try database.queue.write { try UnitDirectory.addAlias("隆回县白仓镇人民政府", for: "邵阳县白仓镇人民政府", in: $0) }
        }
        #expect(throws: FiscalError.self) {
            try database.queue.write { try UnitDirectory.addAlias("x", for: "没有这个单位", in: $0) }
        }
        let table = try StoreQueries(database: database).units()
        #expect(table.rows.first { $0[0] == .text("邵阳县白仓镇人民政府") }?[5] == .text("白仓镇"))
    }

    @Test("a region that contradicts the stored one is an error")
    func regionContradiction() throws {
        let database = try scratch.database()
        _ = try resolve(["衡山县财政局"], in: database)
        #expect(throws: FiscalError.self) {
            try database.queue.write { db in
                var directory = try UnitDirectory(db)
                return try directory.resolveOrCreate(name: "衡山县财政局", region: "邵阳县", kind: nil, code: nil, in: db)
            }
        }
    }

    @Test("years covered read as ranges")
    func yearRanges() {
        #expect(StoreQueries.yearRanges([2016, 2017, 2018, 2020, 2021, 2025]) == "2016–2018, 2020–2021, 2025")
        #expect(StoreQueries.yearRanges([2023]) == "2023")
    }
}
