import Foundation
import GRDB
import Testing
@testable import FiscalKit

@Suite("Tidy CSV import")
struct TidyImportTests {
    let scratch = Scratch()

    func importFile(_ path: String, into database: FiscalDatabase) throws -> ImportSummary {
        try Importer(database: database).importFile(path: path)
    }

    /// The six figures of the encoding fixtures (白仓镇 2023, real values).
    func expectBaicangFigures(_ database: FiscalDatabase) throws {
        let facts = try database.factValues()
        let unit = "邵阳县白仓镇人民政府"
        #expect(facts["\(unit)|2023|0|nontax_revenue|final"] == "301.15")
        #expect(facts["\(unit)|2023|0|nontax_collection_cost|final"] == "122.8")
        #expect(facts["\(unit)|2022|0|nontax_revenue|final"] == "205.64")
        #expect(facts["\(unit)|2023|0|resident_population|final"] == "55407")
        #expect(facts["\(unit)|2023|0|three_guarantees|plan"] == "2855.08")
        #expect(facts["\(unit)|2023|0|official_reception|final"] == nil)   // —— is missing, not 0
        #expect(facts.count == 5)
    }

    @Test("the import's Bloom filter: no key it holds is missed, and few it does not hold are claimed")
    func bloomFilter() {
        var filter = BloomFilter(bitCountLog2: 26)
        let bases: [UnsafePointer<CChar>] = ["initial", "budget", "final"].map { (name: String) in UnsafePointer(strdup(name)!) }
        defer { bases.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
        func key(_ unit: Int64, _ year: Int, _ metric: Int64, _ basis: Int) -> ObservationKey {
            ObservationKey(unitID: unit, year: year, quarter: 0, metricID: metric, basis: bases[basis])
        }
        // 20,000 periods of 60 keys each, as a large file states them: period by period.
        for unit in Int64(1)...10_000 {
            for year in 2023...2024 {
                for metric in Int64(1)...20 {
                    for basis in 0..<3 { let k = key(unit, year, metric, basis); filter.insert(k.mixedHash, period: k.periodHash) }
                }
            }
        }
        var missed = 0, claimed = 0
        for unit in Int64(1)...10_000 {
            let held = key(unit, 2024, 1 + unit % 20, Int(unit % 3))
            if !filter.mightContain(held.mixedHash, period: held.periodHash) { missed += 1 }
            // absent: another metric of a period it holds, and a period it does not hold
            for absent in [key(unit, 2024, 21 + unit % 40, Int(unit % 3)), key(unit, 2025, 1, 0)]
                where filter.mightContain(absent.mixedHash, period: absent.periodHash) { claimed += 1 }
        }
        #expect(missed == 0)
        // of 20,000: below 0.5 % (55 when written), each costing one seek in the key index
        #expect(claimed < 100)
    }

    @Test("GB18030 with CRLF, as Excel in China writes it")
    func gb18030() throws {
        let database = try scratch.database()
        let summary = try importFile(Fixtures.path("baicang-gb18030-crlf.csv"), into: database)
        #expect(summary.encoding == "gb18030")
        #expect(summary.rows == 6 && summary.figures == 5 && summary.missing == 1)
        try expectBaicangFigures(database)
    }

    @Test("UTF-8 with a byte-order mark")
    func utf8WithBOM() throws {
        let database = try scratch.database()
        let summary = try importFile(Fixtures.path("baicang-utf8-bom.csv"), into: database)
        #expect(summary.encoding == "utf-8")
        try expectBaicangFigures(database)
    }

    @Test("RFC 4180 quoting: a unit name with a comma and quotes; optional columns")
    func quoting() throws {
        let database = try scratch.database()
        let summary = try importFile(Fixtures.path("quoted-names.csv"), into: database)
        #expect(summary.figures == 2)
        let facts = try database.factValues()
        let unit = "衡山县财政局(会计核算中心,\"国库\")"
        #expect(facts["\(unit)|2024|0|project_expenditure|final"] == "902.92")
        #expect(facts["\(unit)|2024|2|total_funds|final"] == "1258.65")
        let stored = try database.queue.read { try Row.fetchOne($0, sql: "SELECT region, kind, code FROM units") }
        #expect(stored?["region"] == "衡山县")
        #expect(stored?["kind"] == "department")
        #expect(stored?["code"] == "431423001")
    }

    @Test("a quoted field may span lines; a CR alone inside quotes is kept")
    func multilineField() throws {
        let database = try scratch.database()
        let path = scratch.write("multi.csv", "unit,year,metric,value\n\"白仓镇\n人民政府\",2023,tax_revenue,823.23\r\n白仓镇,2023,tax_revenue,800,\n")
        // The second row has a trailing empty field (Excel does that): allowed.
        let summary = try importFile(path, into: database)
        #expect(summary.figures == 2)
        #expect(summary.conflicts == 1)
        let lines = try database.queue.read { try Int.fetchAll($0, sql: "SELECT line FROM observations ORDER BY id") }
        #expect(lines == [2, 4])
        // "白仓镇\n人民政府" normalizes to 白仓镇人民政府, the same unit as 白仓镇.
        #expect(try database.count("units") == 1)
        #expect(try database.count("conflicts") == 2)
    }

    @Test("Chinese headers, bases, quarters and metric synonyms")
    func chineseHeaders() throws {
        let database = try scratch.database()
        let path = scratch.write("zh.csv", """
            单位,年份,季度,科目,口径,金额
            衡山县财政局,2024,,项目支出,决算数,902.92
            衡山县财政局,2024,,"三公"经费,预算数,34.06
            衡山县财政局,2024,Q2,总收入,,1258.65
            衡山县财政局,2024,第三季度,总收入,,1888
            衡山县财政局,2024,,在职实有人数,,106
            衡山县财政局,2024,,年度资金总额,年初预算,2517.3
            衡山县财政局,2024,,年度资金总额,计划,2600
            衡山县财政局,2024,,控制率,报告值,53
            """)
        let result = try? importFile(path, into: database)
        // 控制率 is not a metric: the file is refused and the message suggests names.
        #expect(result == nil)
        #expect(try database.count("observations") == 0)
        let fixed = scratch.write("zh2.csv", try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "衡山县财政局,2024,,控制率,报告值,53", with: ""))
        let summary = try importFile(fixed, into: database)
        #expect(summary.figures == 7)
        let facts = try database.factValues()
        #expect(facts["衡山县财政局|2024|0|project_expenditure|final"] == "902.92")
        #expect(facts["衡山县财政局|2024|0|three_public_total|budget"] == "34.06")
        #expect(facts["衡山县财政局|2024|2|total_funds|final"] == "1258.65")
        #expect(facts["衡山县财政局|2024|3|total_funds|final"] == "1888")
        #expect(facts["衡山县财政局|2024|0|staff_in_service|final"] == "106")
        #expect(facts["衡山县财政局|2024|0|total_funds|initial"] == "2517.3")
        #expect(facts["衡山县财政局|2024|0|total_funds|plan"] == "2600")
    }

    @Test("one bad row rejects the whole file, lists every bad row, and changes nothing")
    func rollback() throws {
        let database = try scratch.database()
        _ = try importFile(Fixtures.path("baicang-utf8-bom.csv"), into: database)
        let before = try database.snapshot()
        let path = scratch.write("bad.csv", """
            unit,year,metric,value,basis,quarter
            新田镇,2023,tax_revenue,800,,
            新田镇,2023,tax_revenue,12abc,,
            新田镇,20x3,tax_revenue,1,,
            新田镇,2023,公务招待费,1,,
            新田镇,2023,tax_revenue,1,maybe,
            新田镇,2023,tax_revenue,1,,Q5
            新田镇,2023,tax_revenue,1
            ,2023,tax_revenue,1,,
            新田镇,2023,staff_in_service,3.5,,
            """)
        do {
            _ = try importFile(path, into: database)
            Issue.record("a file with bad rows was imported")
        } catch let FiscalError.badRows(errorPath, problems, total) {
            #expect(errorPath == path)
            #expect(total == 8)
            #expect(problems.map(\.line) == [3, 4, 5, 6, 7, 8, 9, 10])
            #expect(problems[0].description.hasPrefix("\(path):3: tax_revenue: '12abc' is not a number"))
            #expect(problems[2].message.contains("unknown metric '公务招待费'; closest known: 公务接待费 (official_reception)"))
            #expect(problems[4].message.contains("quarter 'Q5'"))
            #expect(problems[5].message.contains("4 fields where the header has 6"))
            #expect(problems[7].message.contains("whole number"))
        }
        #expect(try database.snapshot() == before)
        #expect(try database.count("units") == 1)    // 新田镇 was created inside the rolled-back transaction
    }

    @Test("bad rows on both sides of the reading thread's chunks are listed in line order")
    func badRowsAcrossChunks() throws {
        let database = try scratch.database()
        // 10,000 rows: lines 2…10001, chunks of 4,096 rows (line 4098 opens the second).
        var text = "unit,year,metric,value,kind\n"
        for line in 2...10_001 {
            switch line {
            case 4098: text += "甲镇,2023,tax_revenue,1,village\n"      // the unit's kind: found by the writing thread
            case 5000: text += "乙镇,20x3,tax_revenue,1,\n"              // the year: found by the reading thread
            case 9000: text += ",2023,tax_revenue,1,\n"                  // an empty unit
            default: text += "示例县第\(line % 7)镇,\(2000 + line % 20),tax_revenue,\(line),township\n"
            }
        }
        let path = scratch.write("bad-big.csv", text)
        do {
            _ = try importFile(path, into: database)
            Issue.record("a file with bad rows was imported")
        } catch let FiscalError.badRows(_, problems, total) {
            #expect(total == 3)
            #expect(problems.map(\.line) == [4098, 5000, 9000])
            #expect(problems[0].message.contains("kind 'village'"))
            #expect(problems[1].message.contains("year '20x3'"))
            #expect(problems[2].message == "the unit is empty")
        }
        #expect(try database.count("observations") == 0 && database.count("units") == 0)
    }

    @Test("a row SQLite refuses in the middle of a 64-row INSERT leaves nothing of the file (INSERT OR FAIL keeps no statement journal)")
    func failingInsertRollsTheFileBack() throws {
        let database = try scratch.database()
        _ = try importFile(scratch.write("first.csv", "unit,year,metric,value\n白仓镇,2023,tax_revenue,1\n"), into: database)
        // A trigger planted to fail on line 100: rows 2–99 of the same statement are already written.
        try database.queue.write { db in
            try db.execute(sql: """
                CREATE TRIGGER planted BEFORE INSERT ON observations WHEN NEW.line = 100
                BEGIN SELECT RAISE(FAIL, 'planted failure'); END
                """)
        }
        let before = try database.snapshot()
        var text = "unit,year,metric,value\n"
        for line in 2...300 { text += "青山镇,\(1900 + line),tax_revenue,\(line)\n" }
        #expect(throws: (any Error).self) { try importFile(scratch.write("second.csv", text), into: database) }
        #expect(try database.snapshot() == before)
        #expect(try database.count("imports") == 1 && database.count("observations") == 1 && database.count("units") == 1)
    }

    @Test("importing the same content again changes nothing and says so")
    func idempotent() throws {
        let database = try scratch.database()
        let first = try importFile(Fixtures.path("baicang-utf8-bom.csv"), into: database)
        let before = try database.snapshot()
        let copy = scratch.path("copy.csv")
        try FileManager.default.copyItem(atPath: Fixtures.path("baicang-utf8-bom.csv"), toPath: copy)
        let again = try importFile(copy, into: database)
        guard case let .imported(firstID) = first.outcome else { Issue.record("not imported"); return }
        #expect(again.outcome == .unchanged(importID: firstID, path: Fixtures.path("baicang-utf8-bom.csv")))
        #expect(ImportReport.line(again).contains("nothing changed"))
        #expect(try database.snapshot() == before)
    }

    @Test("disagreeing files create conflicts; the later import is the resolved value")
    func conflicts() throws {
        let database = try scratch.database()
        let first = scratch.write("a.csv", "unit,year,metric,value\n白仓镇,2023,official_reception,3.29\n白仓镇,2023,tax_revenue,823.23\n")
        let second = scratch.write("b.csv", "unit,year,metric,value\n邵阳县白仓镇人民政府,2023,公务接待费,1.12\n白仓镇人民政府,2023,税收收入,823.23\n")
        #expect(try importFile(first, into: database).conflicts == 0)
        let summary = try importFile(second, into: database)
        #expect(summary.conflicts == 1)                         // tax revenue agrees
        #expect(try database.count("units") == 1)
        #expect(try database.count("conflicts") == 2)           // both observations of the key
        #expect(try database.factValues()["白仓镇|2023|0|official_reception|final"] == "1.12")
    }

    @Test("the conflicts view, read from the restated keys, lists what grouping every observation lists")
    func conflictsFromRestatedKeys() throws {
        let database = try scratch.database()
        // Three files over the same keys: one key agreed three times, one restated
        // once differently, one twice alike and once not, one stated only once.
        let files = [
            "unit,year,metric,value\n白仓镇,2023,tax_revenue,10\n白仓镇,2023,official_reception,3\n青山镇,2022,travel,5\n青山镇,2022,printing,1\n",
            "unit,year,metric,value\n白仓镇,2023,tax_revenue,10\n白仓镇,2023,official_reception,4\n青山镇,2022,travel,5\n",
            "unit,year,metric,value\n白仓镇,2023,tax_revenue,10\n青山镇,2022,travel,6\n白仓镇,2024,tax_revenue,7\n",
        ]
        for (index, text) in files.enumerated() { _ = try importFile(scratch.write("\(index).csv", text), into: database) }
        let everyKeyGrouped = """
            SELECT d.id FROM observation_details d
            JOIN (SELECT unit_id, year, quarter, metric_id, basis FROM observations
                  GROUP BY unit_id, year, quarter, metric_id, basis HAVING COUNT(DISTINCT value_e6) > 1) k
              ON k.unit_id = d.unit_id AND k.year = d.year AND k.quarter = d.quarter
             AND k.metric_id = d.metric_id AND k.basis = d.basis
            ORDER BY d.id
            """
        let (view, grouped, metrics) = try database.queue.read { db in
            (try Int64.fetchAll(db, sql: "SELECT id FROM conflicts ORDER BY id"), try Int64.fetchAll(db, sql: everyKeyGrouped),
             try String.fetchAll(db, sql: "SELECT DISTINCT metric FROM conflicts ORDER BY metric"))
        }
        #expect(view == grouped)
        #expect(view.count == 5)                                   // reception 3 and 4; travel 5, 5 and 6
        #expect(metrics == ["official_reception", "travel"])
    }

    @Test("a later file's restatement of a prior year does not replace the year's own figure")
    func restatement() throws {
        let database = try scratch.database()
        let own = scratch.write("2021.csv", "unit,year,metric,value\n青山镇,2021,fiscal_revenue,4989.61\n")
        let later = scratch.write("2022.csv", "unit,year,metric,value\n青山镇,2022,fiscal_revenue,5100\n青山镇,2021,fiscal_revenue,5001.95\n")
        _ = try importFile(own, into: database)
        let summary = try importFile(later, into: database)
        #expect(summary.documentYear == 2022)
        #expect(summary.conflicts == 1)
        #expect(try database.factValues()["青山镇|2021|0|fiscal_revenue|final"] == "4989.61")
        let conflicts = try StoreQueries(database: database).conflicts(.init(units: ["青山镇"]))
        #expect(conflicts.rows.map { [$0[7], $0[8], $0[9]] } == [
            [.number(ExactValue(e6: 4_989_610_000)), .text("yes"), .text(own)],
            [.number(ExactValue(e6: 5_001_950_000)), .text(""), .text(later)],
        ])
    }

    @Test("conflicts within one file: same value is no conflict, a key is counted once")
    func conflictsWithinFile() throws {
        let database = try scratch.database()
        var text = "unit,year,metric,value\n"
        // 200 rows push the duplicates across insert batches (64 rows each).
        for index in 0..<200 { text += "青山镇,\(1900 + index),tax_revenue,\(index)\n" }
        text += "青山镇,1905,tax_revenue,5\n"          // same value again: no conflict
        text += "青山镇,1906,tax_revenue,7\n"          // differs: one conflict
        text += "青山镇,1906,tax_revenue,8\n"          // the same key again: still one
        text += "青山镇,2099,tax_revenue,1\n青山镇,2099,tax_revenue,2\n"   // within one batch
        let summary = try importFile(scratch.write("dups.csv", text), into: database)
        #expect(summary.figures == 205)
        #expect(summary.conflicts == 2)
        // Importing a file that agrees with one conflicting key and differs on a
        // clean one creates exactly one new conflict.
        let second = scratch.write("more.csv", "unit,year,metric,value\n青山镇,1906,tax_revenue,6\n青山镇,1950,tax_revenue,49\n青山镇,1951,tax_revenue,51\n")
        #expect(try importFile(second, into: database).conflicts == 1)
    }

    @Test("a quoted header (R, pandas QUOTE_ALL) and an absurd year")
    func quotedHeaderAndLongYear() throws {
        let database = try scratch.database()
        let quoted = scratch.write("quoted.csv", "\"unit\",\"year\",\"metric\",\"value\"\n\"白仓镇\",\"2023\",\"tax_revenue\",\"823.23\"\n")
        #expect(try importFile(quoted, into: database).figures == 1)
        let long = scratch.write("long.csv", "unit,year,metric,value\n白仓镇,99999999999999999999,tax_revenue,1\n")
        do {
            _ = try importFile(long, into: database)
            Issue.record("an absurd year was imported")
        } catch let FiscalError.badRows(_, problems, _) {
            #expect(problems.first?.message.contains("is not a year between 1900 and 2200") == true)
        }
    }

    @Test("a header without the tidy columns, a binary file and an empty file are refused")
    func refusedFiles() throws {
        let database = try scratch.database()
        let lacking = scratch.write("lacking.csv", "unit,year,value\n白仓镇,2023,1\n")
        #expect(throws: FiscalError.file(lacking, "line 1: the header lacks metric (a tidy CSV needs unit, year, metric, value)")) {
            try importFile(lacking, into: database)
        }
        let zip = scratch.write("report.docx", bytes: [0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0])
        #expect(throws: FiscalError.self) { try importFile(zip, into: database) }
        let empty = scratch.write("empty.csv", "")
        #expect(throws: FiscalError.file(empty, "the file is empty")) { try importFile(empty, into: database) }
        #expect(throws: FiscalError.self) { try importFile(scratch.path("absent.csv"), into: database) }
        #expect(try database.count("imports") == 0)
    }

    @Test("a file larger than one read block streams through (GB18030 across block edges)")
    func largeGB18030() throws {
        // 60,000 rows ≈ 2.4 MB: several 1 MiB blocks, so multi-byte characters
        // and records are cut by block edges.
        var text = "单位,年度,指标,数值\r\n"
        for index in 0..<60_000 {
            text += "示例县第\(index % 50)镇,\(2000 + index % 100),非税收入,\(index).5\r\n"
        }
        let bytes = try gb18030Bytes(text)
        let path = scratch.write("big-gbk.csv", bytes: bytes)
        let database = try scratch.database()
        let summary = try importFile(path, into: database)
        #expect(summary.encoding == "gb18030")
        #expect(summary.rows == 60_000 && summary.figures == 60_000)
        #expect(try database.count("units") == 50)
        let sum = try database.queue.read { try Int64.fetchOne($0, sql: "SELECT sum(value_e6) FROM observations") }
        // Σ (i + 0.5) for i < 60,000 = 60,000 × 59,999 / 2 + 30,000
        let expected: Int64 = (60_000 * 59_999 / 2 + 30_000) * 1_000_000
        #expect(sum == expected)
    }

    @Test("a file whose first MiB is ASCII and whose later rows are GB18030 is read as GB18030")
    func gb18030AfterAnASCIIStart() throws {
        // 45,000 ASCII rows (past the first 1 MiB block) and then 20 rows
        // naming a unit in Chinese: the whole file decides the encoding.
        var text = "unit,year,metric,value\r\n"
        for index in 0..<45_000 { text += "U\(index % 2250),\(2000 + index / 2250),tax_revenue,\(index)\r\n" }
        #expect(text.utf8.count > 1 << 20)
        for index in 0..<20 { text += "白仓镇,\(2000 + index),非税收入,\(index).25\r\n" }
        let path = scratch.write("ascii-then-gbk.csv", bytes: try gb18030Bytes(text))
        let database = try scratch.database()
        let summary = try importFile(path, into: database)
        #expect(summary.encoding == "gb18030")
        #expect(summary.rows == 45_020 && summary.figures == 45_020)
        #expect(try database.count("imports") == 1)
        let (units, baicang) = try database.queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM units")!,
             try Int64.fetchOne(db, sql: "SELECT sum(o.value_e6) FROM observations o JOIN units u ON u.id = o.unit_id WHERE u.name = '白仓镇'"))
        }
        #expect(units == 2251)
        let expected: Int64 = 190 * 1_000_000 + 20 * 250_000       // Σ i + 0.25 for i < 20, in millionths
        #expect(baicang == expected)

        // The same with a bad row among the GB18030 ones: reported as read in GB18030.
        let bad = scratch.write("ascii-then-gbk-bad.csv", bytes: try gb18030Bytes(text + "青山镇,2030,非税收入,一二\r\n"))
        do {
            _ = try importFile(bad, into: database)
            Issue.record("a file with a bad row was imported")
        } catch let FiscalError.badRows(_, problems, total) {
            #expect(total == 1)
            #expect(problems.first?.line == 45_022)
            #expect(problems.first?.message.contains("'一二' is not a number") == true)
        }
        #expect(try database.count("imports") == 1)
    }

    @Test("a large file imported again is found unchanged, and nothing is stored twice")
    func unchangedLargeFile() throws {
        var text = "unit,year,quarter,metric,value\n"
        // 50,000 keys: 400 units × 25 years × 5 periods.
        for index in 0..<50_000 {
            text += "示例县第\(index % 400)镇,\(2000 + index / 400 % 25),\(index / 10_000),tax_revenue,\(index % 997).5\n"
        }
        let first = scratch.write("large.csv", text)
        let database = try scratch.database()
        let imported = try importFile(first, into: database)
        guard case let .imported(firstID) = imported.outcome else { Issue.record("not imported"); return }
        let before = try database.snapshot()
        let again = try importFile(scratch.write("large-copy.csv", text), into: database)
        #expect(again.outcome == .unchanged(importID: firstID, path: first))
        #expect(again.rows == imported.rows && again.conflicts == imported.conflicts)
        #expect(try database.snapshot() == before)
        #expect(try database.queue.read { try String.fetchAll($0, sql: "SELECT sha256 FROM imports") }
                == [FileFingerprint.of(path: first).sha256])
    }

    /// GB18030 bytes through iconv(1), the same converter family units' files pass through.
    func gb18030Bytes(_ text: String) throws -> [UInt8] {
        let input = scratch.write("utf8-source.txt", text)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        process.arguments = ["-f", "UTF-8", "-t", "GB18030", input]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }
}
