import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GRDB
import GRDBSQLite
import Testing
@testable import FiscalKit

/// Issue 12: CSV that spreadsheets cannot turn into formulas, and every
/// database fault said in the user's words — exit status 1, nothing changed.
@Suite("Hardening: CSV injection and database faults")
struct HardeningTests {
    let scratch = Scratch()

    func fiscal(_ arguments: [String], environment: [String: String] = [:]) throws -> Binary.Result {
        try Binary.run(arguments, in: scratch.folder, environment: environment)
    }

    @Test("a text cell a spreadsheet would run gets a leading '; numbers stay numbers")
    func csvCells() {
        var table = ResultTable(columns: ["unit", "value", "change", "note"])
        table.append([.text("=HYPERLINK(\"http://x\",\"y\")"), .real(-6.59, decimals: 2), .signed(-9.62, decimals: 2), .text("+cmd")])
        table.append([.text("@SUM(A1)"), .integer(-3), .missing, .text("-1+2")])
        table.append([.text("\tx"), .number(ExactValue(e6: -1_000_000)), .missing, .text("白仓镇 = 村")])
        #expect(table.rendered(as: .csv) == """
            unit,value,change,note
            "'=HYPERLINK(""http://x"",""y"")",-6.59,-9.62,'+cmd
            '@SUM(A1),-3,,'-1+2
            '\tx,-1,,白仓镇 = 村

            """)
    }

    @Test("import refuses a unit name a spreadsheet would run, or with control characters, with file:line")
    func unitNames() throws {
        let cases = [("=HYPERLINK(\"\"http://x\"\",\"\"y\"\")", "starts with ="), ("+cmd", "starts with +"), ("@SUM(A1)", "starts with @"),
                     ("青山\u{7}镇", "control characters"), (String(repeating: "镇", count: 101), "101 characters long")]
        for (index, (name, message)) in cases.enumerated() {
            let file = scratch.write("u\(index).csv", "unit,year,metric,value\n白仓镇,2023,tax_revenue,1\n\"\(name)\",2023,tax_revenue,2\n")
            let result = try fiscal(["import", file])
            #expect(result.status == 1)
            #expect(result.stderr.contains("u\(index).csv:3: the unit name") && result.stderr.contains(message), "\(result.stderr)")
        }
        #expect(try scratch.database().count("observations") == 0)
        // A name that only contains such signs, or starts with "-", is a name; its CSV cell is neutralized.
        #expect(try fiscal(["import", scratch.write("ok.csv", "unit,year,metric,value\n-东区-镇,2023,tax_revenue,-5\n")]).status == 0)
        let units = try fiscal(["facts", "--format", "csv"]).stdout
        #expect(units.contains("\n'-东区-镇,") && units.contains(",tax_revenue,final,-5,"))
    }

    func sampleDatabase(_ name: String) throws -> String {
        let file = scratch.write("\(name).csv", "unit,year,metric,value\n白仓镇,2023,tax_revenue,823.23\n青山镇,2023,tax_revenue,100\n")
        #expect(try fiscal(["import", "--db", name, file]).status == 0)
        return scratch.path(name)
    }

    func snapshot(_ path: String) throws -> String {
        try DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }()).read { db in
            try String(describing: Row.fetchAll(db, sql: "SELECT * FROM observations ORDER BY id"))
                + String(describing: Row.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY 1"))
        }
    }

    @Test("not a database, a folder, a missing folder: the path and what to do")
    func notADatabase() throws {
        scratch.write("notes.txt", "hello\n")
        for arguments in [["units", "--db", "notes.txt"], ["import", "--db", "notes.txt", scratch.write("a.csv", "unit,year,metric,value\n白仓镇,2023,tax_revenue,1\n")]] {
            let result = try fiscal(arguments)
            #expect(result.status == 1 && result.stderr.contains("notes.txt: is not a fiscal database (not a SQLite file)"), "\(result.stderr)")
        }
        #expect(try String(contentsOfFile: scratch.path("notes.txt"), encoding: .utf8) == "hello\n")
        try FileManager.default.createDirectory(atPath: scratch.path("store"), withIntermediateDirectories: true)
        #expect(try fiscal(["units", "--db", "store"]).stderr.contains("store: is a folder, not a database file: give --db a file such as store/fiscal.sqlite"))
        #expect(try fiscal(["units", "--db", "gone/x.sqlite"]).stderr.contains("gone/x.sqlite: the folder gone does not exist"))
    }

    @Test("a database of a newer fiscal: writing refused with the migration it needs, reading works")
    func newerFiscal() throws {
        let path = try sampleDatabase("newer.sqlite")
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v9-future')") }
        let before = try snapshot(path)
        let refused = try fiscal(["import", "--db", "newer.sqlite", scratch.write("b.csv", "unit,year,metric,value\n白仓镇,2024,tax_revenue,1\n")])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("newer.sqlite: was written by a newer fiscal") && refused.stderr.contains("v9-future"))
        #expect(try snapshot(path) == before)
        let read = try fiscal(["facts", "--db", "newer.sqlite", "--format", "csv"])
        #expect(read.status == 0 && read.stdout.contains(",823.23,"))
    }

    @Test("a damaged database: said so, with the backup advice")
    func damaged() throws {
        let path = try sampleDatabase("damaged.sqlite")
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var offset = 16384 * 2
        while offset < size {   // every other page after the schema's, overwritten
            try handle.seek(toOffset: UInt64(offset + 100))
            handle.write(Data(repeating: 0xA5, count: 4000))
            offset += 16384 * 2
        }
        try handle.close()
        let result = try fiscal(["facts", "--db", "damaged.sqlite", "--format", "csv"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("damaged.sqlite is damaged") && result.stderr.contains("Backing up"), "\(result.stderr)")
        let check = try fiscal(["check", "--db", "damaged.sqlite"])
        #expect(check.status == 1 && check.stderr.contains("damaged.sqlite is damaged") && check.stderr.contains("Backing up"), "\(check.stderr)")
        _ = try sampleDatabase("whole.sqlite")
        let whole = try fiscal(["check", "--db", "whole.sqlite"])
        #expect(whole.status == 0 && whole.stdout == "whole.sqlite: ok (quick_check)\n")
    }

    @Test("locked by another writer beyond the busy timeout: said so, nothing changed")
    func busy() throws {
        let path = try sampleDatabase("busy.sqlite")
        let before = try snapshot(path)
        // Another writer holds the write lock (a raw connection: GRDB closes every transaction it opens).
        var holder: OpaquePointer?
        #expect(sqlite3_open(path, &holder) == SQLITE_OK)
        #expect(sqlite3_exec(holder, "BEGIN IMMEDIATE", nil, nil, nil) == SQLITE_OK)
        let result = try fiscal(["import", "--db", "busy.sqlite", scratch.write("c.csv", "unit,year,metric,value\n白仓镇,2024,tax_revenue,1\n")],
                                environment: ["FISCAL_BUSY_TIMEOUT": "0.5"])
        sqlite3_exec(holder, "ROLLBACK", nil, nil, nil)
        sqlite3_close(holder)
        #expect(result.status == 1)
        #expect(result.stderr.contains("busy.sqlite is busy: another fiscal is writing to it"), "\(result.stderr)")
        #expect(try snapshot(path) == before)
    }

    @Test("the disk full during an import: the file named, nothing of it stored")
    func diskFull() throws {
        #expect(try fiscal(["sample", "--out", "s"]).status == 0)
        let result = try fiscal(["import", "--db", "full.sqlite", "s/county-2016.csv", "s/county-2017.csv"],
                                environment: ["FISCAL_TEST_MAX_PAGE_COUNT": "60"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("s/county-2017.csv: the disk holding full.sqlite is full while importing s/county-2017.csv. Nothing of s/county-2017.csv was stored."),
                "\(result.stderr)")
        let database = try FiscalDatabase.open(path: scratch.path("full.sqlite"), readOnly: true)
        #expect(try database.queue.read { try String.fetchAll($0, sql: "SELECT path FROM imports") } == ["s/county-2016.csv"])
    }

    @Test("a read-only database: writing refused, reading works (run as another user when root)",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func readOnly() throws {
        let path = try sampleDatabase("ro.sqlite")
        let before = try snapshot(path)
        // Root writes anything: the commands run as nobody, the database stays root's (0644, folder 0755).
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: scratch.folder)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        func asNobody(_ arguments: [String]) throws -> Binary.Result {
            getuid() == 0
                ? try Binary.run(["--reuid=65534", "--regid=65534", "--clear-groups", Binary.path] + arguments, in: scratch.folder,
                                 executable: "/usr/bin/setpriv")
                : try fiscal(arguments)
        }
        if getuid() != 0 { try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path) }
        let write = try asNobody(["import", "--db", "ro.sqlite", scratch.write("d.csv", "unit,year,metric,value\n白仓镇,2024,tax_revenue,1\n")])
        #expect(write.status == 1 && write.stderr.contains("ro.sqlite: is read-only"), "\(write.stderr)")
        let read = try asNobody(["facts", "--db", "ro.sqlite", "--format", "csv"])
        #expect(read.status == 0 && read.stdout.contains(",823.23,"), "\(read.stderr)")
        #expect(try snapshot(path) == before)
    }

    @Test("backup: a consistent copy, online; an existing target refused")
    func backup() throws {
        let path = try sampleDatabase("live.sqlite")
        #expect(try fiscal(["backup", "--db", "live.sqlite", "copy.sqlite"]).status == 0)
        let copy = try DatabaseQueue(path: scratch.path("copy.sqlite"))
        #expect(try copy.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        #expect(try snapshot(scratch.path("copy.sqlite")) == (try snapshot(path)))
        #expect(try fiscal(["backup", "--db", "live.sqlite", "copy.sqlite"]).stderr.contains("copy.sqlite: exists already"))
    }
}

/// A ZIP entry is inflated from its own compressed bytes only: a stream that
/// does not end inside them is an error, never a loop (the fuzzer's hang).
@Suite("ZIP entries, bounded")
struct ZipEntryTests {
    /// Raw deflate of `<a>白仓镇 823.23</a>` three times, and its CRC-32, both
    /// computed with Python's zlib.
    static let deflated: [UInt8] = Array(hex: "b349b47b3e73ef93dd935f4e6d57b03032d63332b6d14fb4b321491800")
    static let crc: UInt32 = 0x2B8C_C39F
    static let text = String(repeating: "<a>白仓镇 823.23</a>", count: 3)

    /// A one-entry ZIP archive: local header, data, central directory, end record.
    static func archive(name: String, method: UInt16, crc: UInt32, data: [UInt8], declaredSize: Int? = nil) -> Data {
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16 & 0xFFFF) }
        let nameBytes = Array(name.utf8)
        let size = declaredSize ?? data.count
        let common = le16(20) + le16(0) + le16(Int(method)) + le16(0) + le16(0) + le32(Int(crc))
            + le32(size) + le32(text.utf8.count) + le16(nameBytes.count) + le16(0)
        let local = le32(0x0403_4B50) + common + nameBytes + data
        let central = le32(0x0201_4B50) + le16(20) + common + le16(0) + le16(0) + le16(0) + le32(0) + le32(0) + nameBytes
        let end = le32(0x0605_4B50) + le16(0) + le16(0) + le16(1) + le16(1) + le32(central.count) + le32(local.count) + le16(0)
        return Data(local + central + end)
    }

    func read(_ zip: Data, _ name: String = "xl/workbook.xml") throws -> String? {
        var out = Data()
        guard try ZipEntryBytes.read(name, in: zip, consume: { out.append($0) }) else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    @Test("deflated and stored entries read back; a missing name is nil")
    func reads() throws {
        #expect(try read(Self.archive(name: "xl/workbook.xml", method: 8, crc: Self.crc, data: Self.deflated)) == Self.text)
        #expect(try read(Self.archive(name: "xl/workbook.xml", method: 0, crc: Self.crc, data: Array(Self.text.utf8))) == Self.text)
        #expect(try read(Self.archive(name: "xl/workbook.xml", method: 8, crc: Self.crc, data: Self.deflated), "word/document.xml") == nil)
    }

    @Test("a truncated stream, a wrong checksum and a size past the file are errors")
    func damaged() throws {
        let truncated = Self.archive(name: "xl/workbook.xml", method: 8, crc: Self.crc, data: Array(Self.deflated.prefix(12)))
        #expect(throws: ZipEntryBytes.Damaged.self) { try read(truncated) }
        let wrongSum = Self.archive(name: "xl/workbook.xml", method: 8, crc: Self.crc ^ 1, data: Self.deflated)
        #expect { try read(wrongSum) } throws: { "\($0)".contains("fails its CRC-32 check") }
        let tooLong = Self.archive(name: "xl/workbook.xml", method: 8, crc: Self.crc, data: Self.deflated, declaredSize: 4096)
        #expect { try read(tooLong) } throws: { "\($0)".contains("runs past the end of the file") }
        // zlib is told a chunk holds as many bytes as were asked for: a short last
        // chunk comes padded with zeros to that size, never shorter; past the end, an error.
        let data = Data([1, 2, 3, 4, 5])
        #expect(try ZipEntryBytes.chunk(of: data, at: 0, size: 8, name: "x") == Data([1, 2, 3, 4, 5, 0, 0, 0]))
        #expect(try ZipEntryBytes.chunk(of: data, at: 3, size: 2, name: "x") == Data([4, 5]))
        #expect(try ZipEntryBytes.chunk(of: data.dropFirst(2), at: 1, size: 4, name: "x") == Data([4, 5, 0, 0]))
        #expect { try ZipEntryBytes.chunk(of: data, at: 5, size: 8, name: "x") } throws: { "\($0)".contains("ends before its stream does") }
    }
}

/// Foundation's XMLParser traps on an element name of invalid UTF-8 (found by
/// fuzzing): such XML is refused before it is parsed.
@Test("XML that is not UTF-8 is refused before the parser sees it")
func invalidUTF8XML() throws {
    final class Nothing: NSObject, XMLParserDelegate {}
    let xml = Data([UInt8]("<a><w".utf8) + [0xE5, 0x85] + [UInt8]("/></a>".utf8))
    #expect { try OfficeDocument.parse(xml, name: "word/document.xml", path: "x.docx", with: Nothing()) }
        throws: { "\($0)".contains("'word/document.xml' is not valid UTF-8 XML") }
    try OfficeDocument.parse(Data("<a><w/></a>".utf8), name: "word/document.xml", path: "x.docx", with: Nothing())
}

extension Array where Element == UInt8 {
    init(hex: String) {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        self = bytes
    }
}
