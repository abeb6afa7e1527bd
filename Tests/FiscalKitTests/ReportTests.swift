import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import FiscalKit

/// `fiscal report` (issue 11): one offline HTML page, its bars the ranks of
/// `fiscal rank`, numbers as leaders read them; and the summary and export
/// in Chinese.
@Suite("fiscal report: the leadership's page")
struct ReportTests {
    let scratch = Scratch()

    func fiscal(_ arguments: [String]) throws -> Binary.Result {
        try Binary.run(arguments, in: scratch.folder)
    }

    func importSampleCounty() throws {
        #expect(try fiscal(["sample", "--out", "sample"]).status == 0)
        let files = (2016...2025).map { "sample/county-\($0).csv" }
        #expect(try fiscal(["import"] + files).status == 0)
    }

    @Test("numbers: 万元 grouped with two decimals, rates with %, signed changes, — for missing")
    func numbers() {
        #expect(ReportNumber.grouped(1234567.891) == "1,234,567.89")
        #expect(ReportNumber.grouped(-1234.005) == "-1,234.01")      // half away from zero
        #expect(ReportNumber.grouped(999.995) == "1,000.00")
        #expect(ReportNumber.grouped(-0.001) == "0.00")
        #expect(ReportNumber.value(46.4452, unit: "%") == "46.45%")
        #expect(ReportNumber.value(nil, unit: "万元") == "—")
        #expect(ReportNumber.signed(1.2) == "+1.20")
        #expect(ReportNumber.signed(-26.06) == "-26.06")
        #expect(ReportNumber.signed(0) == "0.00")
        #expect(ReportNumber.signed(nil) == "—")
    }

    @Test("coordinates with one decimal, as printf's %.1f writes them")
    func coordinates() {
        // By hand: ties in binary round to even (0.25 → 0.2), 1.05 is a little
        // above its tie (→ 1.1), a negative that rounds to zero keeps its sign.
        #expect(SVGChart.f(0.25) == "0.2")
        #expect(SVGChart.f(1.05) == "1.1")
        #expect(SVGChart.f(-0.04) == "-0.0")
        #expect(SVGChart.f(436.96) == "437.0")
        #expect(SVGChart.f(-12.34) == "-12.3")
        #expect(SVGChart.f(20) == "20.0")
        // And against Foundation's formatter over the values a chart computes.
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 0.05, 0.15, 2.45, 999.95, -7.75, 1e14, -1e-9, .infinity, .nan]
        for _ in 0..<20_000 { values.append(Double.random(in: -2000...2000, using: &generator)) }
        for index in 0..<2_000 { values.append(Double(index) * 0.05) }
        for value in values { #expect(SVGChart.f(value) == String(format: "%.1f", value), "\(value)") }
    }

    @Test("grouped figures: by hand, and the integer path equal to printf's")
    func groupedFigures() {
        #expect(ReportNumber.grouped(1234567.891) == "1,234,567.89")
        #expect(ReportNumber.grouped(0.005) == "0.01")          // half away from zero
        #expect(ReportNumber.grouped(-0.004) == "0.00")         // rounds to zero: no sign
        #expect(ReportNumber.grouped(-1234.5, decimals: 0) == "-1,235")
        #expect(ReportNumber.grouped(7, decimals: 3) == "7.000")
        #expect(ReportNumber.grouped(0.07) == "0.07")
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 0.125, 2.675, 1e12, -999_999.995, 1e16, .infinity, .nan, 123_456_789.015]
        for _ in 0..<20_000 { values.append(Double.random(in: -5e6...5e6, using: &generator)) }
        for _ in 0..<2_000 { values.append(Double(Int.random(in: -100_000...100_000, using: &generator)) / 1000) }
        for value in values {
            for decimals in [0, 1, 2, 4] {
                #expect(ReportNumber.grouped(value, decimals: decimals) == ReportNumber.groupedByFormat(value, decimals: decimals),
                        "\(value) \(decimals)")
            }
        }
    }

    @Test("ticks at 1, 2 or 5 × 10ⁿ covering the values; labels as wide as CJK needs")
    func ticks() {
        #expect(SVGChart.niceTicks(low: 0, high: 27.72) == [0, 5, 10, 15, 20, 25, 30])
        #expect(SVGChart.niceTicks(low: 0, high: 763) == [0, 200, 400, 600, 800])
        #expect(SVGChart.niceTicks(low: -26.06, high: 24.19) == [-30, -20, -10, 0, 10, 20, 30])
        #expect(SVGChart.niceTicks(low: 0, high: 0.37) == [0, 0.1, 0.2, 0.30000000000000004, 0.4])
        #expect(SVGChart.tickLabel(12000, step: 2000) == "12,000")
        #expect(SVGChart.tickLabel(0.30000000000000004, step: 0.1) == "0.3")
        #expect(SVGChart.columns("示例县青山镇") == 12)
        #expect(SVGChart.columns("Bureau 1") == 8)
        #expect(SVGChart.escape("<a & \"b\">") == "&lt;a &amp; &quot;b&quot;&gt;")
    }

    @Test("colour by the better direction: lower 三公经费 is green, a higher one red, no change or no previous grey")
    func tones() {
        #expect(Report.tone(change: -1.77, better: "lower") == "better")
        #expect(Report.tone(change: 0.16, better: "lower") == "worse")
        #expect(Report.tone(change: 5.5, better: "higher") == "better")
        #expect(Report.tone(change: 0, better: "higher") == "same")
        #expect(Report.tone(change: nil, better: "lower") == "same")
    }

    @Test("the page: well-formed, a section per indicator, bars = fiscal rank, offline, deterministic")
    func page() throws {
        try importSampleCounty()
        let pinned = ["--generated-at", "2025-01-15T09:00:00+08:00"]
        let first = try fiscal(["report", "--year", "2024", "--out", "r1.html"] + pinned)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasSuffix("r1.html\n"))
        #expect(try fiscal(["report", "--year", "2024", "--out", "r2.html"] + pinned).status == 0)
        let html = try String(contentsOfFile: scratch.path("r1.html"), encoding: .utf8)
        #expect(html == (try String(contentsOfFile: scratch.path("r2.html"), encoding: .utf8)))

        let document = try XMLDocument(xmlString: html.replacingOccurrences(of: "<!DOCTYPE html>", with: ""), options: [])
        let sections = try document.nodes(forXPath: "//section[@class='indicator']").compactMap { $0 as? XMLElement }
        let codes = sections.compactMap { $0.attribute(forName: "id")?.stringValue }
        // The headline four first, then every other indicator with figures in 2024.
        #expect(Array(codes.prefix(4)) == ["three_public", "seven_items", "nontax_cost_rate", "supported_ratio"])
        #expect(codes.count == Set(codes).count && codes.count >= 10)
        #expect(try document.nodes(forXPath: "//section[@id='quality']").count == 1)
        #expect(try document.nodes(forXPath: "//section[@id='method']").count == 1)
        // No network: every href is an anchor in the page, nothing has a src.
        let hrefs = try document.nodes(forXPath: "//@href").compactMap(\.stringValue)
        #expect(!hrefs.isEmpty && hrefs.allSatisfy { $0.hasPrefix("#") })
        #expect(try document.nodes(forXPath: "//@src").isEmpty)
        #expect(html.contains("示例县2024年度绩效数据分析报告") && html.contains("2025-01-15 09:00:00"))

        // Each chart's bars, in order, are `fiscal rank`'s ranked units and values for the year.
        for code in ["three_public", "nontax_cost_rate", "budget_execution_rate"] {
            for kind in ["township", "department"] {
                let path = "//section[@id='\(code)']//div[@data-kind='\(kind)']//*[local-name()='g']"
                let units = try document.nodes(forXPath: path + "/@data-unit").map { $0.stringValue ?? "" }
                let values = try document.nodes(forXPath: path + "/@data-value").map { Double($0.stringValue ?? "") ?? .nan }
                #expect(units.count == values.count)
                let bars = zip(units, values).map { "\($0) \(String(format: "%.2f", $1))" }
                let rank = try fiscal(["rank", code, "--year", "2024", "--kind", kind, "--format", "csv"])
                let ranked = rank.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
                    .filter { !$0[0].isEmpty }.map { "\($0[1]) \($0[6])" }
                #expect(bars == ranked, "\(code) \(kind)")
                if code == "nontax_cost_rate" && kind == "department" { #expect(bars.isEmpty) }
            }
        }
        // Departments collect no 非税收入: one line, not 32 rows.
        #expect(html.contains("32 个部门无非税收入征收成本率数据"))
        // The best table of 三公经费's townships: ranks 1–5 with grouped values and signed changes.
        let best = try document.nodes(forXPath: "//section[@id='three_public']//div[@data-kind='township']//table[@class='best']/tbody/tr")
        #expect(best.count == 5)
        #expect(html.contains("<td class=\"n same\">") || html.contains("<td class=\"n better\">"))
    }

    @Test("--template replaces the page; a folder without report.mustache is refused")
    func template() throws {
        try importSampleCounty()
        try FileManager.default.createDirectory(atPath: scratch.path("style"), withIntermediateDirectories: true)
        scratch.write("style/report.mustache", "<h1>{{title}}</h1>{{#sections}}{{> item}}{{/sections}}")
        scratch.write("style/item.mustache", "<p>{{name}}</p>\n")
        let result = try fiscal(["report", "--year", "2024", "--indicators", "three_public,非税收入征收成本率", "--template", "style",
                                 "--out", "own.html"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: scratch.path("own.html"), encoding: .utf8)
                == "<h1>示例县2024年度绩效数据分析报告</h1><p>三公经费（计算）</p>\n<p>非税收入征收成本率</p>\n")
        try FileManager.default.createDirectory(atPath: scratch.path("empty"), withIntermediateDirectories: true)
        let refused = try fiscal(["report", "--year", "2024", "--template", "empty", "--out", "x.html"])
        #expect(refused.status == 1 && refused.stderr.contains("no report.mustache"))
        #expect(try fiscal(["report", "--year", "2024", "--indicators", "nonsense", "--out", "x.html"]).stderr.contains("unknown indicator"))
    }

    @Test("summary: units without figures in one line per kind, kinds in Chinese; CSV keeps a row per unit")
    func summary() throws {
        try importSampleCounty()
        let table = try fiscal(["summary", "--year", "2024"])
        #expect(table.status == 0)
        #expect(table.stdout.contains("32 个部门无数据"))
        #expect(!table.stdout.contains("department") && table.stdout.contains("乡镇"))
        let csv = try fiscal(["summary", "--year", "2024", "--format", "csv"])
        #expect(csv.stdout.split(separator: "\n").filter { $0.hasPrefix("nontax_cost_rate,missing,") }.count == 32)
    }

    @Test("export --lang zh: Chinese headers, names and kinds; the default stays English codes")
    func exportChinese() throws {
        try importSampleCounty()
        #expect(try fiscal(["export", "--out", "zh", "--as-of", "2024Q3", "--lang", "zh"]).status == 0)
        #expect(try fiscal(["export", "--out", "en", "--as-of", "2024Q3"]).status == 0)
        let zhBytes = try Data(contentsOf: URL(fileURLWithPath: scratch.path("zh/three_public.csv")))
        let enBytes = try Data(contentsOf: URL(fileURLWithPath: scratch.path("en/three_public.csv")))
        #expect(zhBytes.starts(with: [0xEF, 0xBB, 0xBF]) && enBytes.starts(with: [0xEF, 0xBB, 0xBF]))   // Excel's UTF-8 mark
        let zh = String(decoding: zhBytes.dropFirst(3), as: UTF8.self), en = String(decoding: enBytes.dropFirst(3), as: UTF8.self)
        #expect(zh.hasPrefix("单位,地区,类型,指标,年度,季度,数值,上年同期,变化,变化率%\n"))
        #expect(en.hasPrefix("unit,region,kind,indicator,year,quarter,value,previous,change,change_rate\n"))
        #expect(zh.contains(",部门,三公经费（计算）,") && !zh.contains(",department,"))
        // The same rows and numbers, only the words differ.
        #expect(zh.split(separator: "\n").count == en.split(separator: "\n").count)
    }
}
