import Foundation
import GRDB
import Testing
@testable import FiscalKit

/// Issue 9's "done when": a folder of mixed files — a package, a 部门决算 page,
/// a "三公" note, a township 决算报告, a table in `|` rows, a wide workbook with a
/// sheet per year, a broken file — imports in one command, with the summary
/// table and exit status 1 for the broken file; the others are stored.
@Suite("A folder of mixed documents, end to end")
struct MixedFolderTests {
    let scratch = Scratch()

    func copy(_ fixture: String, to name: String) throws {
        let target = scratch.path("inbox/" + name)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.path(fixture), toPath: target)
    }

    @Test("one command imports every readable file; the broken one fails alone, with exit status 1")
    func mixedFolder() throws {
        try copy("hengshan-2024.docx", to: "packages/衡山县财政局2024.docx")
        try copy("documents/juesuan-bureau-2023.txt", to: "决算/农业农村局2023年度部门决算.txt")
        try copy("documents/sangong-note-2021.txt", to: "三公/水利局2021.txt")
        try copy("documents/shimen-2022-final-report.txt", to: "乡镇/石门镇2022年决算报告.txt")
        try copy("wide-sheet-per-year.xlsx", to: "汇总/各乡镇汇总.xlsx")
        try FileManager.default.createDirectory(atPath: scratch.path("inbox/表格"), withIntermediateDirectories: true)
        scratch.write("inbox/表格/档案馆.txt", """
            青禾县档案馆2024年度“三公”经费决算情况说明

            单位：万元
            | 项目 | 预算数 | 决算数 |
            |---|---|---|
            | 合计 | 6.40 | 5.12 |
            | 公务接待费 | 2.40 | 1.92 |
            | 公务用车购置及运行维护费 | 4.00 | 3.20 |

            """)
        scratch.write("inbox/broken.csv", "unit,year,metric,value\n青禾县档案馆,2024,公务接待费,1.9x\n")

        let result = try Binary.run(["import", "--db", "folder.sqlite", "inbox", "--format", "csv"], in: scratch.folder)
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "file,unit,year,figures,status")
        func status(_ file: String) -> String? {
            lines.first { $0.hasPrefix("inbox/" + file + ",") }.map { String($0.split(separator: ",").last!) }
        }
        for file in ["packages/衡山县财政局2024.docx", "决算/农业农村局2023年度部门决算.txt", "三公/水利局2021.txt",
                     "乡镇/石门镇2022年决算报告.txt", "汇总/各乡镇汇总.xlsx", "表格/档案馆.txt"] {
            #expect(status(file) == "imported", "\(file): \(lines)")
        }
        #expect(lines.contains { $0.hasPrefix("inbox/broken.csv,") && $0.contains("failed") })
        #expect(lines.contains("inbox/表格/档案馆.txt,青禾县档案馆,2024,6,imported"))
        #expect(lines.contains { $0.hasPrefix("inbox/决算/农业农村局2023年度部门决算.txt,青禾县农业农村局,2023,") })
        #expect(lines.contains { $0.hasPrefix("inbox/乡镇/石门镇2022年决算报告.txt,青禾县石门镇人民政府,2022,") })
        #expect(result.stderr.contains("broken.csv:2:"))

        // The others are stored: a figure of each, read from its document.
        let database = try FiscalDatabase.open(path: scratch.path("folder.sqlite"))
        let facts = try database.factValues()
        #expect(facts["衡山县财政局|2024|0|staff_authorized|final"] == "212")
        #expect(facts["青禾县农业农村局|2023|0|three_public_total|final"] == "14.27")
        #expect(facts["青禾县水利局|2021|0|three_public_total|budget"] == "12.6")
        #expect(facts["青禾县石门镇人民政府|2022|0|fiscal_revenue|final"] == "1520.18")
        #expect(facts["青禾县档案馆|2024|0|official_reception|final"] == "1.92")
        #expect(facts["青禾县档案馆|2024|0|official_reception|budget"] == "2.4")
        // Nothing of the broken file: its one row would have been 档案馆's 2024 接待费 with the note's value.
        let sources = try database.queue.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT source FROM observation_details WHERE unit = '青禾县档案馆'")
        }
        #expect(sources == ["inbox/表格/档案馆.txt"])
    }
}
