import Foundation
import Testing
@testable import FiscalKit

/// Unit, year and period found as a person finds them (issue 9, part 1). Every
/// document here is invented.
@Suite("Unit, year and period of a document")
struct DocumentIdentityTests {
    func identity(_ text: String, known: [String: String] = [:]) -> DocumentIdentity {
        DocumentIdentity.find(TextRows.rows(text), knownUnit: { known[$0] })
    }

    @Test("a label and its value: after a colon, in the next cell, on the next non-empty line", arguments: [
        ("填报单位：青禾县统计局    填报日期：2025年3月2日\n2024年度部门整体支出绩效自评表\n", "青禾县统计局"),
        ("2024年度部门整体支出绩效自评表\n\t预算部门、单位名称\n\t青禾县统计局\n", "青禾县统计局"),
        ("2024年度部门整体支出绩效自评表\n\n预算部门、单位名称\n\n\n青禾县统计局\n\n年度预算申请（万元）\n", "青禾县统计局"),
        ("收入支出决算总表\n部门：青禾县档案馆\n金额单位：万元\n", "青禾县档案馆"),
        ("单位名称（盖章）：青禾县石门镇人民政府\n", "青禾县石门镇人民政府"),
        ("部门（单位）名称：青禾县柳溪乡人民政府\n", "青禾县柳溪乡人民政府"),
        ("编制单位：青禾县第一中学　　单位：万元\n", "青禾县第一中学"),
    ])
    func labels(text: String, unit: String) {
        let found = identity(text)
        #expect(found.unit == unit)
        #expect(found.unitEvidence.first?.source == .label)
    }

    @Test("a label among other column headings is a header, not a field; 单位：万元 is no unit")
    func notLabels() {
        // A list of the department's units: 单位名称 heads a column.
        let table = "部门决算单位构成\n\t序号\n\t单位名称\n\t单位性质\n\n\t1\n\t青禾县第一中学\n\t事业单位\n"
        #expect(identity(table).unit == nil)
        #expect(identity("单位：万元\n单位：元\n").unit == nil)
        #expect(identity("主管部门：青禾县教育局\n").unit == nil)      // the parent, not this unit
    }

    @Test("the title names the unit", arguments: [
        ("青禾县石门镇人民政府2024年度部门整体支出绩效自评报告\n", "青禾县石门镇人民政府", 2024),
        ("石门镇人民政府2024年度部门整体支出绩效自评报告\n", "石门镇人民政府", 2024),
        ("青禾县农业农村局2019年部门决算\n", "青禾县农业农村局", 2019),
        ("2021年青禾县水利局“三公”经费决算情况说明\n", "青禾县水利局", 2021),
        ("2023年度青禾县图书馆部门决算\n", "青禾县图书馆", 2023),
        ("青禾县石门镇中心学校\n2021年度部门决算\n\n第一部分 概况\n", "青禾县石门镇中心学校", 2021),
        ("标题：青禾县云台镇2024年前三季度财政收支执行情况\n", "青禾县云台镇", 2024),
        ("青禾县中医医院2020年度单位决算公开.pdf\n", "青禾县中医医院", 2020),
    ])
    func titles(text: String, unit: String, year: Int) {
        let found = identity(text)
        #expect(found.unit == unit)
        #expect(found.year == year)
        #expect(found.unitEvidence.first?.source == .title)
    }

    @Test("else the full name stated most often, when it clearly leads")
    func frequency() {
        let text = """
            部门整体支出绩效自评报告
            一、基本情况
            根据有关规定，青禾县柳溪乡人民政府依法履行职能职责，共有内设机构8个。
            2024年，青禾县柳溪乡人民政府严格执行预算。根据《青禾县财政局关于开展绩效自评的通知》，我乡开展了自评。
            """
        let found = identity(text)
        #expect(found.unit == "青禾县柳溪乡人民政府")
        #expect(found.unitEvidence.first?.source == .frequency)
        // Stated once each: nothing clearly leads.
        let tied = "根据规定，青禾县柳溪乡人民政府履职。\n青禾县财政局下达了预算。\n"
        #expect(identity(tied).unit == nil)
    }

    @Test("a short form never by itself; one that resolves to one known unit is that unit")
    func shortForms() {
        let text = "白仓镇2024年度部门整体支出绩效自评报告\n我镇2024年…\n"
        #expect(identity(text).unit == nil)
        #expect(identity(text).unitEvidence.first?.note == "a short form that names no known unit")
        #expect(identity(text, known: ["白仓镇": "邵阳县白仓镇人民政府"]).unit == "邵阳县白仓镇人民政府")
        // Pronouns and generic words are never names, known or not.
        #expect(identity("单位名称：本单位\n部门：我局\n").unitEvidence.isEmpty)
        #expect(identity("财政局2024年度部门整体支出绩效自评报告\n").unit == nil)
    }

    @Test("the publisher names the unit only when nothing else does, or spells out the title's short form")
    func publisher() {
        // A 部门决算 published by the finance bureau: the title's unit is the unit.
        let byFinanceBureau = "发布机构：青禾县财政局    发布日期：2024-09-06\n\n青禾县农业农村局2023年度部门决算\n"
        let found = identity(byFinanceBureau)
        #expect(found.unit == "青禾县农业农村局")
        #expect(found.unitConflict.isEmpty)
        #expect(found.unitEvidence.contains { $0.value == "青禾县财政局" && $0.note == "the publisher, not needed" })
        // "关于桐坪乡…" by 青禾县桐坪乡人民政府: the publisher spells out 桐坪乡.
        let township = "关于桐坪乡2021年财政预算执行情况的报告\n\n信息来源：青禾县桐坪乡人民政府　发布日期：2022-01-20\n"
        #expect(identity(township).unit == "青禾县桐坪乡人民政府")
        // "[ 发布机构 ] X" as portals print it.
        #expect(identity("[ 发布机构 ] 青禾县石门镇人民政府\n关于石门镇2022年财政决算的报告\n").unit == "青禾县石门镇人民政府")
    }

    @Test("a report's signature names its unit; a portal's field row does not end the title")
    func signatureAndMetadataRows() {
        let report = "河口镇2024年上半年财政预算执行情况的报告\n\n各位代表：\n现将情况报告如下。\n\n云岭县河口镇人民政府\n2024年7月25日\n"
        #expect(identity(report).unit == "云岭县河口镇人民政府")
        #expect(identity(report).unitEvidence.first?.source == .signature)
        let portal = "[ 索引号 ] FX-0417/2024-00052 | [ 发布机构 ] 丰溪县财政局 |\n\n丰溪县市场监督管理局\n2023年度“三公”经费支出决算情况说明\n"
        #expect(identity(portal).unit == "丰溪县市场监督管理局")
    }

    @Test("the kind is the title's, not a line of the 目录")
    func kindFromTitle() {
        let text = "2023年度\n云岭县石坪乡人民政府部门决算\n\n目  录\n四、部门绩效自评情况\n"
        #expect(DocumentReader.read(text, catalog: .embedded()).kind == .finalAccounts)
        #expect(DocumentReader.read("关于石门镇2022年财政决算的报告\n", catalog: .embedded()).kind == .revenueReport)
    }

    @Test("two sources naming different units: no unit, both listed")
    func conflict() {
        let text = "青禾县水利局2023年度部门整体支出绩效自评报告\n\t预算部门、单位名称\n\t青禾县林业局\n"
        let found = identity(text)
        #expect(found.unit == nil)
        #expect(found.unitConflict.map(\.value) == ["青禾县林业局", "青禾县水利局"])
        // The same unit spelled two ways is no conflict: the fuller spelling is used.
        let same = "石门镇人民政府2023年度部门整体支出绩效自评报告\n单位名称：青禾县石门镇人民政府\n"
        #expect(identity(same).unit == "青禾县石门镇人民政府")
    }

    @Test("the year: the title's; 截止2024年12月31日 is the year's end")
    func years() {
        #expect(identity("部门整体支出绩效自评报告\n截止2024年12月31日，本单位在职人员65人。\n").year == 2024)
        // A publication date is not the year.
        #expect(identity("发布日期：2025年4月21日\n青禾县统计局2024年度部门决算\n").year == 2024)
    }

    @Test("the period of a heading: year-to-date words", arguments: [
        ("青禾县云台镇2024年前三季度财政收支执行情况", StatedPeriod.quarter(3)),
        ("柳溪乡2023年上半年财政预算执行情况的报告", .quarter(2)),
        ("2024年1-3月财政收支情况", .quarter(1)),
        ("2024年1—6月财政收支情况", .quarter(2)),
        ("截至2024年9月底财政收支情况", .quarter(3)),
        ("2024年1-5月财政收支情况", .months(5)),
    ])
    func periods(title: String, period: StatedPeriod) {
        #expect(identity(title + "\n").period == period)
    }

    @Test("year-to-date words in a sentence", arguments: [
        ("一季度，全镇完成税收收入120万元", StatedPeriod.quarter(1)),
        ("1-3月，完成税收收入120万元", .quarter(1)),
        ("截至3月底，完成税收收入120万元", .quarter(1)),
        ("截止6月30日，完成税收收入120万元", .quarter(2)),
        ("1至9月，完成税收收入120万元", .quarter(3)),
        ("全年完成税收收入120万元", .year),
        ("截止2024年12月31日，在职人员65人", .year),
        ("1-5月完成税收收入120万元", .months(5)),
        ("截至6月15日，完成税收收入120万元", .months(6)),
    ])
    func sentencePeriods(sentence: String, period: StatedPeriod) {
        #expect(StatedPeriod.find(in: sentence)?.period == period)
    }

    @Test("a sentence under the title is no title: the finance bureau named in 根据《…通知》 is not the unit")
    func sentenceIsNoTitle() {
        let found = identity("""
            青禾县卫生健康局2024年度“三公”经费决算情况说明

            根据《青禾县财政局关于做好2024年度部门决算公开工作的通知》要求，现将我局2024年度“三公”经费决算情况说明如下：

            """)
        #expect(found.unit == "青禾县卫生健康局")
        #expect(found.unitConflict.isEmpty)
    }

    @Test("the year from a form's field: 年度：2024年, 年度 | 2024 alone on its row; a header 年度 | 2023 | 2024 is none")
    func yearLabels() {
        let field = identity("基础数据表\n\n年度：2024年\n单位名称：青禾县统计局\n")
        #expect(field.year == 2024)
        #expect(field.yearEvidence?.source == .label)
        #expect(field.yearEvidence?.location == "line 3")
        #expect(identity("自评表\n所属年度\t2023\n").year == 2023)
        #expect(identity("支出表\n年度\t2023\t2024\n税收收入\t1\t2\n").year == nil)
        #expect(identity("年度目标：2024年\n").year == nil)                   // 年度目标 is no 年度 field
        // The title wins over a field.
        #expect(identity("青禾县统计局2024年度部门整体支出绩效自评报告\n年度：2023\n").year == 2024)
    }
}

@Suite("Importing documents that name their unit")
struct DocumentUnitImportTests {
    let scratch = Scratch()

    @Test("sources that disagree stop the import and list both; --unit decides")
    func conflictStops() throws {
        let database = try scratch.database()
        let path = scratch.write("conflict.txt", """
            青禾县水利局2023年度部门整体支出绩效自评报告
            \t预算部门、单位名称
            \t青禾县林业局

            2023年，“三公”经费预算数12.5万元。
            """)
        do {
            _ = try Importer(database: database).importFile(path: path)
            Issue.record("imported")
        } catch let error as FiscalError {
            #expect(error.description.contains("青禾县林业局 (label, line 3)"))
            #expect(error.description.contains("青禾县水利局 (title, line 1)"))
            #expect(error.description.contains("--unit"))
        }
        #expect(try database.count("imports") == 0)
        let summary = try Importer(database: database).importFile(path: path, unit: "青禾县水利局")
        #expect(summary.unitName == "青禾县水利局")
        #expect(try database.factValues()["青禾县水利局|2023|0|three_public_total|budget"] == "12.5")
    }

    @Test("a short form in the title resolves through the units already stored")
    func knownUnit() throws {
        let database = try scratch.database()
        let csv = scratch.write("units.csv", "unit,year,metric,value\n邵阳县白仓镇人民政府,2022,税收收入,700\n")
        _ = try Importer(database: database).importFile(path: csv)
        let path = scratch.write("short.txt", "白仓镇2023年度部门整体支出绩效自评报告\n2023年税收收入823.23万元。\n")
        let summary = try Importer(database: database).importFile(path: path)
        #expect(summary.unitName == "邵阳县白仓镇人民政府")
        #expect(try database.factValues()["邵阳县白仓镇人民政府|2023|0|tax_revenue|final"] == "823.23")
    }
}
