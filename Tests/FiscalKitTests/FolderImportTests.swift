import Foundation
import Testing
@testable import FiscalKit

/// An analyst's folder of a year's files: tidy CSVs in subfolders (one
/// extension in capitals), the same content under two names, a bad CSV, a
/// package that names its unit, one that does not, and files that are not data.
private struct Inbox {
    let scratch: Scratch

    static let csv2023 = "unit,year,metric,value\n青禾县财政局,2023,tax_revenue,823.23\n青禾县财政局,2023,公务接待费,3.29万元\n"

    init(_ scratch: Scratch) {
        self.scratch = scratch
        write("inbox/2023/a.csv", Self.csv2023)
        write("inbox/2024/B.CSV", "单位名称,年度,指标,数值\n青禾县水利局,2024,三公经费,12.5\n青禾县水利局,2023,三公经费,11\n")
        write("inbox/a-copy.csv", Self.csv2023)
        write("inbox/bad.csv", "unit,year,metric,value\n青禾县财政局,2023,tax_revenue,8x\n")
        write("inbox/packages/统计局.txt", """
            青禾县统计局2024年度部门整体支出绩效自评报告
            2024年，“三公”经费预算数12.5万元。
            2024年税收收入823.23万元。

            """)
        write("inbox/packages/白仓镇基础数据表.txt", """
            附件一

            2025年度部门整体支出绩效评价基础数据表
            \t财政供养人员情况（人）
            \t编制数
            \t2025年实际
            在职人数
            \t控制率

            \t
            \t20
            \t19
            \t95%

            \t经费控制情况（万元）
            \t2024年决算数
            \t2025年预算数
            \t2025年决算数

            \t三公经费：
            \t１２.５
            \t10
            \t——

            """)
        write("inbox/scan.pdf", "%PDF-1.4\n")
        write("inbox/notes.md", "# 2024 files\n")
        write("inbox/.DS_Store", "x")
        write("inbox/~$报告.docx", "x")
    }

    func write(_ name: String, _ text: String) {
        let folder = (scratch.path(name) as NSString).deletingLastPathComponent
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        scratch.write(name, text)
    }

    /// The summary of a first import of the inbox, by hand: paths in byte
    /// order, `.DS_Store` first and `~$` last.
    static let summaryCSV = """
        file,unit,year,figures,status
        inbox/.DS_Store,,,,skipped: hidden file
        inbox/2023/a.csv,青禾县财政局,2023,2,imported
        inbox/2024/B.CSV,青禾县水利局,2024,2,imported
        inbox/a-copy.csv,青禾县财政局,2023,2,unchanged
        inbox/bad.csv,,,,failed: 1 bad row; line 2: tax_revenue: '8x' is not a number
        inbox/notes.md,,,,skipped: not a .csv/.txt/.docx/.xlsx
        inbox/packages/白仓镇基础数据表.txt,,,,needs --unit
        inbox/packages/统计局.txt,青禾县统计局,2024,2,imported
        inbox/scan.pdf,,,,skipped: not a .csv/.txt/.docx/.xlsx
        inbox/~$报告.docx,,,,skipped: Office lock file

        """
}

@Suite("Importing a whole folder")
struct FolderImportTests {
    let scratch = Scratch()

    func fiscal(_ arguments: String...) throws -> Binary.Result {
        try Binary.run(arguments, in: scratch.folder)
    }

    @Test("every file's outcome, the stored facts of the good ones, nothing of the others")
    func outcomes() throws {
        _ = Inbox(scratch)
        let database = try scratch.database()
        let batch = FolderImport(paths: [scratch.path("inbox")], importer: Importer(database: database))
        #expect(batch.foldersGiven)
        #expect(batch.fileCount == 6)
        let outcomes = batch.run()
        let inbox = scratch.path("inbox") + "/"
        let statuses = outcomes.map { "\($0.path.replacingOccurrences(of: inbox, with: "")) \($0.status.code)" }
        #expect(statuses == [
            ".DS_Store skipped: hidden file",
            "2023/a.csv imported",
            "2024/B.CSV imported",
            "a-copy.csv unchanged",
            "bad.csv failed: 1 bad row; line 2: tax_revenue: '8x' is not a number",
            "notes.md skipped: not a .csv/.txt/.docx/.xlsx",
            "packages/白仓镇基础数据表.txt needs --unit",
            "packages/统计局.txt imported",
            "scan.pdf skipped: not a .csv/.txt/.docx/.xlsx",
            "~$报告.docx skipped: Office lock file",
        ])
        #expect(outcomes.filter(\.status.isFailure).count == 2)
        // The whole error stays for stderr: every bad row, the path once per line.
        #expect(outcomes[4].error == "\(inbox)bad.csv:2: tax_revenue: '8x' is not a number\n\(inbox)bad.csv: 1 bad row; nothing from this file was stored")
        #expect(outcomes[6].error == "\(inbox)packages/白仓镇基础数据表.txt: the document does not name its unit (单位名称); give it with --unit")

        #expect(try database.factValues() == [
            "青禾县财政局|2023|0|tax_revenue|final": "823.23",
            "青禾县财政局|2023|0|official_reception|final": "3.29",
            "青禾县水利局|2024|0|three_public_total|final": "12.5",
            "青禾县水利局|2023|0|three_public_total|final": "11",
            "青禾县统计局|2024|0|three_public_total|budget": "12.5",
            "青禾县统计局|2024|0|tax_revenue|final": "823.23",
        ])
        #expect(try database.count("imports") == 3)

        // Again: every good file is unchanged, the failures fail again.
        let again = FolderImport(paths: [scratch.path("inbox")], importer: Importer(database: database)).run()
        #expect(again.map(\.status.code) == statuses.map { line in
            String(line.split(separator: " ", maxSplits: 1)[1]).replacingOccurrences(of: "imported", with: "unchanged")
        })
        #expect(try database.count("imports") == 3)
    }

    @Test("the failure's reason: one line, without the path")
    func reasons() {
        let path = "inbox/x.csv"
        #expect(FolderImport.reason(FiscalError.file(path, "the file is empty"), path: path) == "the file is empty")
        #expect(FolderImport.reason(FiscalError.file(path, "a PDF; export the figures as CSV"), path: path)
            == "a PDF; export the figures as CSV")
        let problems = [LocatedProblem(path: path, line: 3, message: "unknown metric '税收'"),
                        LocatedProblem(path: path, line: 9, message: "'8x' is not a number")]
        #expect(FolderImport.reason(FiscalError.badRows(path: path, problems: problems, total: 12), path: path)
            == "12 bad rows; line 3: unknown metric '税收'")
        #expect(FolderImport.reason(FiscalError.invalid("no unit named 'x'\nmore"), path: path) == "no unit named 'x'")
    }

    @Test("through the binary: exit 1, the summary in CSV exactly, errors in detail on stderr")
    func binaryCSV() throws {
        _ = Inbox(scratch)
        let result = try fiscal("import", "inbox", "--format", "csv")
        #expect(result.status == 1)
        #expect(result.stdout == Inbox.summaryCSV)
        #expect(result.stderr == """
            inbox/bad.csv:2: tax_revenue: '8x' is not a number
            inbox/bad.csv: 1 bad row; nothing from this file was stored
            inbox/packages/白仓镇基础数据表.txt: the document does not name its unit (单位名称); give it with --unit
            fiscal: 2 of 6 files not imported

            """)
        let json = try fiscal("import", "inbox", "--format", "json")
        #expect(json.stdout.hasPrefix("[\n  {\"file\": \"inbox/.DS_Store\", \"unit\": null, \"year\": null, \"figures\": null, \"status\": \"skipped: hidden file\"},\n"))
        #expect(json.stdout.contains("{\"file\": \"inbox/2023/a.csv\", \"unit\": \"青禾县财政局\", \"year\": 2023, \"figures\": 2, \"status\": \"unchanged\"}"))
        #expect(json.stdout.contains("\"status\": \"needs --unit\""))
        // CSV and JSON keep the English names under --lang zh (the default).
        #expect(try fiscal("import", "inbox", "--format", "csv", "--lang", "zh").stdout.hasPrefix("file,unit,year,figures,status\n"))
    }

    @Test("the table: per-file lines, then the summary; headers in Chinese by default, English with --lang en")
    func binaryTable() throws {
        _ = Inbox(scratch)
        let zh = try fiscal("import", "inbox")
        #expect(zh.status == 1)
        let lines = zh.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "inbox/2023/a.csv: import #1, 2 rows, 2 figures stored, 0 missing skipped, 0 new conflicts")
        #expect(lines[2] == "inbox/a-copy.csv: already imported as import #1 (as inbox/2023/a.csv); nothing changed")
        #expect(lines[4] == "")
        #expect(lines[5].split(separator: " ") == ["文件", "单位", "年度", "数据条数", "状态"])
        #expect(lines.contains { $0.hasPrefix("inbox/2023/a.csv ") && $0.hasSuffix("  已导入") })
        #expect(lines.contains { $0.hasPrefix("inbox/a-copy.csv ") && $0.hasSuffix("  已导入过，未变") })
        #expect(lines.contains { $0.hasPrefix("inbox/packages/白仓镇基础数据表.txt ") && $0.hasSuffix("  缺单位：需 --unit") })
        #expect(lines.contains { $0.hasPrefix("inbox/notes.md ") && $0.hasSuffix("  跳过：不是 .csv/.txt/.docx/.xlsx") })

        let en = try fiscal("import", "inbox", "--lang", "en")
        let table = en.stdout.split(separator: "\n").map(String.init)
        let header = try #require(table.firstIndex { $0.hasPrefix("file ") })
        #expect(table[header].split(separator: " ") == ["file", "unit", "year", "figures", "status"])
        #expect(table[header + 1].hasPrefix("────"))
        #expect(table.count == header + 2 + 10)
        #expect(table[header + 3].hasPrefix("inbox/2023/a.csv ") && table[header + 3].hasSuffix("  unchanged"))
        #expect(table[header + 3].contains("青禾县财政局  2023        2  "))

        let markdown = try fiscal("import", "inbox", "--format", "markdown", "--lang", "en")
        #expect(markdown.stdout.hasPrefix("| file | unit | year | figures | status |\n| --- | --- | ---: | ---: | --- |\n| inbox/.DS_Store | — | — | — | skipped: hidden file |\n"))

        let quiet = try fiscal("import", "inbox", "--quiet")
        #expect(quiet.stdout.isEmpty)
        #expect(quiet.stderr.contains("fiscal: 2 of 6 files not imported"))
    }

    @Test("one file keeps its one line; files named on the command line are read by content, whatever their name")
    func namedFiles() throws {
        let inbox = Inbox(scratch)
        let one = try fiscal("import", "inbox/2023/a.csv")
        #expect(one.status == 0)
        #expect(one.stdout == "inbox/2023/a.csv: import #1, 2 rows, 2 figures stored, 0 missing skipped, 0 new conflicts\n")
        #expect(one.stderr.isEmpty)
        let pdf = try fiscal("import", "inbox/scan.pdf")
        #expect(pdf.status == 1)
        #expect(pdf.stderr == "inbox/scan.pdf: a PDF; export the figures as CSV\nfiscal: 1 of 1 file not imported\n")
        #expect(pdf.stdout.isEmpty)
        inbox.write("figures.md", "unit,year,metric,value\n青禾县林业局,2024,tax_revenue,1\n")
        let two = try fiscal("import", "figures.md", "inbox/2024/B.CSV", "--format", "csv")
        #expect(two.status == 0)
        #expect(two.stdout == """
            file,unit,year,figures,status
            figures.md,青禾县林业局,2024,1,imported
            inbox/2024/B.CSV,青禾县水利局,2024,2,imported

            """)
        // A file and a folder: the argument order, the folder's files sorted.
        let mixed = try fiscal("import", "inbox/packages/统计局.txt", "inbox/2024", "--format", "csv")
        #expect(mixed.stdout == """
            file,unit,year,figures,status
            inbox/packages/统计局.txt,青禾县统计局,2024,2,imported
            inbox/2024/B.CSV,青禾县水利局,2024,2,unchanged

            """)
        #expect(mixed.status == 0)
    }

    @Test("--units: a glob gives the package its unit; a row matching no file is a warning; --unit still overrides")
    func unitsFile() throws {
        let inbox = Inbox(scratch)
        inbox.write("units.csv", """
            文件,单位,年度
            *白仓*.txt,邵阳县白仓镇人民政府,
            2023/*.docx,,2023
            packages/*.txt,青禾县其他局,

            """)
        let result = try fiscal("import", "inbox", "--units", "units.csv", "--format", "csv")
        #expect(result.status == 1)   // bad.csv still fails
        #expect(result.stdout.contains("\ninbox/packages/白仓镇基础数据表.txt,邵阳县白仓镇人民政府,2025,5,imported\n"))
        // The document's own unit wins over a row (packages/*.txt matches 统计局.txt too).
        #expect(result.stdout.contains("\ninbox/packages/统计局.txt,青禾县统计局,2024,2,imported\n"))
        #expect(result.stderr.hasPrefix("units.csv:3: warning: '2023/*.docx' matches no file\n"))
        #expect(result.stderr.contains("fiscal: 1 of 6 files not imported"))
        let database = try FiscalDatabase.open(path: scratch.path("fiscal.sqlite"), readOnly: true)
        let facts = try database.factValues()
        #expect(facts["邵阳县白仓镇人民政府|2025|0|staff_authorized|final"] == "20")
        #expect(facts["邵阳县白仓镇人民政府|2024|0|three_public_total|final"] == "12.5")
        #expect(!facts.keys.contains { $0.hasPrefix("青禾县其他局|") })

        // --unit overrides every document and the units file (a short form resolves to the stored unit).
        inbox.write("more/白仓镇二.txt", "2024年度部门整体支出绩效自评报告\n2024年税收收入700万元。\n")
        let overridden = try fiscal("import", "more", "--units", "units.csv", "--unit", "统计局", "--format", "csv")
        #expect(overridden.stdout == "file,unit,year,figures,status\nmore/白仓镇二.txt,青禾县统计局,2024,1,imported\n")
        #expect(overridden.stderr.contains("units.csv:4: warning: 'packages/*.txt' matches no file"))
    }

    @Test("--units fills in a year the document does not state; without it the file needs --year")
    func unitsFileYear() throws {
        let inbox = Inbox(scratch)
        inbox.write("forest/林业局.txt", """
            部门整体支出绩效评价基础数据表
            \t预算部门、单位名称
            \t青禾县林业局

            \t经费控制情况（万元）
            \t2024年决算数
            \t2025年预算数

            \t三公经费：
            \t12.5
            \t10

            """)
        let without = try fiscal("import", "forest", "--format", "csv")
        #expect(without.status == 1)
        #expect(without.stdout == "file,unit,year,figures,status\nforest/林业局.txt,,,,needs --year\n")
        inbox.write("years.csv", "file,year\n*林业局*,2025年\n")
        let with = try fiscal("import", "forest", "--units", "years.csv", "--format", "csv")
        #expect(with.status == 0)
        #expect(with.stdout == "file,unit,year,figures,status\nforest/林业局.txt,青禾县林业局,2025,2,imported\n")
    }

    @Test("an empty folder, a folder of good files: exit 0")
    func goodFolder() throws {
        let inbox = Inbox(scratch)
        try FileManager.default.createDirectory(atPath: scratch.path("empty"), withIntermediateDirectories: true)
        let empty = try fiscal("import", "empty", "--format", "csv")
        #expect(empty.status == 0)
        #expect(empty.stdout == "file,unit,year,figures,status\n")
        inbox.write("good/x.csv", Inbox.csv2023)
        inbox.write("good/readme.txt.bak", "x")
        inbox.write("good/two.csv", "unit,year,metric,value\n甲镇,2024,tax_revenue,1\n乙镇,2024,tax_revenue,2\n乙镇,2023,tax_revenue,3\n")
        let good = try fiscal("import", "good/")
        #expect(good.status == 0)
        #expect(good.stdout.hasPrefix("good/two.csv: import #1,"))
        #expect(good.stdout.contains("\ngood/two.csv         2 个单位      2024         3  已导入\n"))
        #expect(good.stdout.contains("\ngood/readme.txt.bak  —"))
        let again = try fiscal("import", "good", "--format", "csv")
        #expect(again.stdout == """
            file,unit,year,figures,status
            good/readme.txt.bak,,,,skipped: not a .csv/.txt/.docx/.xlsx
            good/two.csv,2 units,2024,3,unchanged
            good/x.csv,青禾县财政局,2023,2,unchanged

            """)
        // The same folder twice, and a link inside it back to itself.
        try FileManager.default.createSymbolicLink(atPath: scratch.path("good/loop"), withDestinationPath: scratch.path("good"))
        let twice = try fiscal("import", "good", "good", "--format", "csv")
        #expect(twice.status == 0)
        #expect(twice.stdout == """
            file,unit,year,figures,status
            good/loop,,,,skipped: a link to a folder already walked
            good/readme.txt.bak,,,,skipped: not a .csv/.txt/.docx/.xlsx
            good/two.csv,2 units,2024,3,unchanged
            good/x.csv,青禾县财政局,2023,2,unchanged
            good/loop,,,,skipped: a link to a folder already walked
            good/readme.txt.bak,,,,skipped: not a .csv/.txt/.docx/.xlsx
            good/two.csv,2 units,2024,3,unchanged
            good/x.csv,青禾县财政局,2023,2,unchanged

            """)
    }

    @Test("units file: headers in English or Chinese, other columns ignored, bad rows refused")
    func unitsFileFormat() throws {
        func parse(_ text: String) throws -> UnitsFile {
            try UnitsFile(path: scratch.write("u.csv", text))
        }
        let english = try parse("file,unit,year,note\n./*白仓*.txt,白仓镇,,from the email\n\n2023/*.docx,,2023年\n")
        #expect(english.rows == [
            UnitsFile.Row(pattern: "*白仓*.txt", unit: "白仓镇", year: nil, line: 2),
            UnitsFile.Row(pattern: "2023/*.docx", unit: nil, year: 2023, line: 4),
        ])
        let chinese = try parse("\u{FEFF}年度,文件,单位\n2024,衡山.xlsx,衡山县财政局\n")
        #expect(chinese.rows == [UnitsFile.Row(pattern: "衡山.xlsx", unit: "衡山县财政局", year: 2024, line: 2)])
        #expect(chinese.row(for: "2024/衡山.xlsx")?.unit == "衡山县财政局")
        #expect(english.row(for: "2023/b/x.docx") == nil)          // * does not cross /
        #expect(english.row(for: "2023/x.docx")?.year == 2023)
        #expect(english.row(for: "sub/邵阳县白仓镇.txt")?.unit == "白仓镇")   // the bare name

        for (text, message) in [
            ("*.txt,白仓镇,\n", "line 1: the first line should be the header file,unit,year (or 文件,单位,年度)"),
            ("file,unit,year\n*.txt,,\n", "line 2: *.txt is given neither a unit nor a year"),
            ("file,unit,year\n*.txt,,20x4\n", "line 2: '20x4' is not a year"),
            ("file,unit,year\n,白仓镇,\n", "line 2: no file (a name or a glob such as *白仓*.txt)"),
            ("file,note\n*.txt,x\n", "line 1: the header names neither a unit nor a year column (file,unit,year)"),
        ] {
            #expect(throws: FiscalError.file(scratch.path("u.csv"), message)) { try parse(text) }
        }
        let refused = try fiscal("import", "nowhere", "--units", "u.csv")
        #expect(refused.status == 1)
        #expect(refused.stderr == "fiscal: u.csv: line 1: the header names neither a unit nor a year column (file,unit,year)\n")
    }

    @Test("globs: * and ? one character each (Chinese too), never across /; sets; escapes")
    func globs() {
        #expect(Glob.matches("*白仓*.txt", "邵阳县白仓镇.txt"))
        #expect(!Glob.matches("*白仓*.txt", "2023/白仓镇.txt"))
        #expect(Glob.matches("2023/*.docx", "2023/衡山.docx"))
        #expect(!Glob.matches("2023/*.docx", "2023/a/衡山.docx"))
        #expect(Glob.matches("??镇.txt", "白仓镇.txt"))
        #expect(!Glob.matches("?镇.txt", "白仓镇.txt"))
        #expect(Glob.matches("county-202[3-5].csv", "county-2024.csv"))
        #expect(!Glob.matches("county-202[!3-5].csv", "county-2024.csv"))
        #expect(Glob.matches("a\\*.csv", "a*.csv"))
        #expect(!Glob.matches("a\\*.csv", "ab.csv"))
        #expect(Glob.matches("[x.csv", "[x.csv"))
        #expect(Glob.matches("*", "anything.csv"))
        #expect(!Glob.matches("*.CSV", "a.csv"))
    }

    @Test("progress: [n/total] path…, shortened from the left to fit")
    func progressLine() {
        #expect(FolderImport.progressLine(index: 3, total: 40, path: "inbox/a.csv") == "[3/40] inbox/a.csv…")
        let long = "inbox/" + String(repeating: "白仓镇", count: 30) + ".txt"
        let line = FolderImport.progressLine(index: 12, total: 40, path: long, detail: "45% (1000 rows)", width: 60)
        #expect(DisplayWidth.of(line) < 60)
        #expect(line.hasPrefix("[12/40] …"))
        #expect(line.hasSuffix("镇.txt… 45% (1000 rows)"))
    }
}
