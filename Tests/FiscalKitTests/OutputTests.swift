import Foundation
import GRDB
import GRDBSQLite
import Testing
@testable import FiscalKit

@Suite("Output formats")
struct OutputTests {
    func sample() -> ResultTable {
        var table = ResultTable(columns: ["unit", "year", "value"])
        table.append([.text("白仓镇"), .label(2023), .number(ExactValue(e6: 1_234_567_500_000))])
        table.append([.text("衡山县财政局, \"本级\""), .label(2024), .missing])
        return table
    }

    @Test("terminal tables align Chinese text by display width and right-align numbers")
    func terminal() {
        let lines = sample().rendered(as: .table).split(separator: "\n").map(String.init)
        #expect(lines[0] == "unit                  year        value")
        #expect(lines[2] == "白仓镇                2023  1,234,567.5")
        #expect(lines[3] == "衡山县财政局, \"本级\"  2024            —")
        #expect(ResultTable.Cell.signed(25, decimals: 2).displayText == "+25.00")     // a change keeps its sign
        #expect(ResultTable.Cell.signed(-1234.5, decimals: 2).displayText == "-1,234.50")
        #expect(ResultTable.Cell.signed(25, decimals: 2).plainText == "25.00")
        #expect(ResultTable.Cell.signed(0.001, decimals: 2).displayText == "0.00")
        #expect(DisplayWidth.of("白仓镇") == 6)
        #expect(DisplayWidth.of("ＡＢ1") == 5)
    }

    @Test("CSV quotes only what needs it and keeps exact values")
    func csv() {
        #expect(sample().rendered(as: .csv) == #"""
            unit,year,value
            白仓镇,2023,1234567.5
            "衡山县财政局, ""本级""",2024,

            """#)
    }

    @Test("JSON keeps column order, numbers as numbers and null for missing")
    func json() {
        #expect(sample().rendered(as: .json) == #"""
            [
              {"unit": "白仓镇", "year": 2023, "value": 1234567.5},
              {"unit": "衡山县财政局, \"本级\"", "year": 2024, "value": null}
            ]

            """#)
        #expect(ResultTable(columns: ["a"]).rendered(as: .json) == "[]\n")
    }

    @Test("Markdown escapes pipes and right-aligns numeric columns")
    func markdown() {
        var table = ResultTable(columns: ["unit", "value"])
        table.append([.text("a|b"), .number(ExactValue(e6: 27_260_000), decimals: 2)])
        #expect(table.rendered(as: .markdown) == "| unit | value |\n| --- | ---: |\n| a\\|b | 27.26 |\n")
    }

    @Test("a RowStream writes, row by row, the bytes the table renders, for CSV and JSON")
    func streamed() throws {
        var table = sample()
        table.append([.text("=cmd|' /C calc'!A0"), .label(2025), .signed(-6.59, decimals: 2)])
        for (format, rows) in [(OutputFormat.csv, table.rows), (.json, table.rows), (.json, []), (.csv, [])] {
            var expected = ResultTable(columns: table.columns)
            rows.forEach { expected.append($0) }
            var ends: [Int32] = [0, 0]
            #expect(pipe(&ends) == 0)
            let stream = RowStream(format: format, columns: table.columns, descriptor: ends[1])
            rows.forEach { stream.write($0) }
            stream.finish()
            close(ends[1])
            let written = FileHandle(fileDescriptor: ends[0], closeOnDealloc: true).readDataToEndOfFile()
            #expect(String(decoding: written, as: UTF8.self) == expected.rendered(as: format), "\(format) \(rows.count)")
        }
    }

    @Test("a CSV row copied from a SQLite statement is the same bytes as its cells")
    func statementRows() throws {
        let queue = try DatabaseQueue()
        let rows: [(String, String?, Int, Int64)] = [
            ("白仓镇", "邵阳县", 2023, 1_234_567_500_000), ("衡山县财政局, \"本级\"", nil, 2024, -500_000),
            ("=HYPERLINK(\"x\")", "-1", 0, 0), ("a\r\nb", "+c", 2025, -1), ("@x", "\tt", 9, 5_000_000),
        ]
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (unit TEXT, region TEXT, year INTEGER, value_e6 INTEGER)")
            for row in rows {
                try db.execute(sql: "INSERT INTO t VALUES (?, ?, ?, ?)", arguments: [row.0, row.1, row.2, row.3])
            }
        }
        func captured(_ write: (RowStream) throws -> Void) throws -> String {
            var ends: [Int32] = [0, 0]
            #expect(pipe(&ends) == 0)
            let stream = RowStream(format: .csv, columns: ["unit", "region", "year", "value"], descriptor: ends[1])
            try write(stream)
            stream.finish()
            close(ends[1])
            return String(decoding: FileHandle(fileDescriptor: ends[0], closeOnDealloc: true).readDataToEndOfFile(), as: UTF8.self)
        }
        let fromCells = try captured { stream in
            for row in rows {
                stream.write([.text(row.0), row.1.map { .text($0) } ?? .missing, .label(row.2), .number(ExactValue(e6: row.3))])
            }
        }
        let fromStatement = try captured { stream in
            try queue.read { db in
                let statement = try db.makeStatement(sql: "SELECT * FROM t ORDER BY rowid")
                let cursor = try Row.fetchCursor(statement)
                while try cursor.next() != nil {
                    stream.writeCSV(statement.sqliteStatement, columns: [.text, .text, .integer, .exactE6])
                }
            }
        }
        #expect(fromStatement == fromCells)
        #expect(fromCells == #"""
            unit,region,year,value
            白仓镇,邵阳县,2023,1234567.5
            "衡山县财政局, ""本级""",,2024,-0.5
            "'=HYPERLINK(""x"")",'-1,0,0
            "a\#r\#nb",'+c,2025,-0.000001
            '@x,'\#tt,9,5

            """#)
    }
}
