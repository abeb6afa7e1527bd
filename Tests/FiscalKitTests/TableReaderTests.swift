import Foundation
import Testing
@testable import FiscalKit

/// Tables in published documents: `|` rows, tab-separated rows, one cell per
/// line; one or two header rows; 行次; two sides; 元. Every table is invented.
@Suite("Tables in text")
struct TableReaderTests {
    func figures(_ text: String) -> [String] {
        DocumentReader.read(text, catalog: MetricCatalog.embedded()).figures.filter { $0.part == "table" }.map {
            "\($0.metric) \($0.year)\($0.quarter == 0 ? "" : " Q\($0.quarter)") \($0.basis.rawValue) \($0.value)"
        }
    }

    func unread(_ text: String) -> [String] {
        DocumentReader.read(text, catalog: MetricCatalog.embedded()).unread.map(\.reason)
    }

    @Test("| rows under a two-level header shifted left: only 金额 is a figure, the % columns never")
    func shiftedTwoLevelHeader() {
        let text = """
            关于青禾县石门镇2022年财政决算的报告

            表1 | |||||
            单位：万元 | |||||
            项 目 | 2021年决算数 | 2022年调整预算数 | 2022年决算数 | ||
            金额 | 占调整预算% | 比上年增长% | |||
            一、税收收入 | 1162.30 | 1240.00 | 1268.45 | 102.29 | 9.13 |
            二、非税收入 | 214.60 | 230.00 | 251.73 | 109.45 | 17.30 |
            契税 | |||||
            本年收入合计 | 1376.90 | 1470.00 | 1520.18 | 103.41 | 10.41 |
            """
        #expect(figures(text) == [
            "tax_revenue 2021 final 1162.3", "tax_revenue 2022 budget 1240", "tax_revenue 2022 final 1268.45",
            "nontax_revenue 2021 final 214.6", "nontax_revenue 2022 budget 230", "nontax_revenue 2022 final 251.73",
            // In a township's report 本年收入合计 is the revenue collected: 1268.45 + 251.73.
            "fiscal_revenue 2021 final 1376.9", "fiscal_revenue 2022 budget 1470", "fiscal_revenue 2022 final 1520.18",
        ])
    }

    @Test("a merged heading over its sub-columns (empty cells after it), and a 上年同期 column of a Q3 report")
    func mergedHeading() {
        let text = """
            青禾县云台镇2024年前三季度财政收支执行情况

            项目\t2024年\t\t上年同期
            \t年初预算数\t1-9月执行数\t执行数
            一般公共预算收入\t2,350\t1,781.46\t1,702.30
            其中：税收收入\t1,980\t1,492.17\t1,455.06
            """
        #expect(figures(text) == [
            "fiscal_revenue 2024 initial 2350", "fiscal_revenue 2024 Q3 final 1781.46", "fiscal_revenue 2023 Q3 final 1702.3",
            "tax_revenue 2024 initial 1980", "tax_revenue 2024 Q3 final 1492.17", "tax_revenue 2023 Q3 final 1455.06",
        ])
    }

    @Test("tab rows of a 收入支出决算总表: two sides, 行次 skipped, 元 converted exactly, 总计 by side")
    func twoSidesInYuan() {
        let text = """
            青禾县柳塘乡人民政府2019年部门决算

            收入支出决算总表
            编制单位：青禾县柳塘乡人民政府\t\t\t\t\t金额单位：元
            收入\t\t\t支出
            项目\t行次\t金额\t项目\t行次\t金额
            栏次\t\t1\t栏次\t\t2
            一、一般公共预算财政拨款收入\t1\t8,642,305.16\t一、一般公共服务支出\t29\t4,718,240.33
            二、上级补助收入\t2\t\t二、外交支出\t30\t
            \t3\t\t三、教育支出\t31\t120,000.00
            本年收入合计\t25\t9,877,905.16\t本年支出合计\t53\t10,045,308.06
            总计\t28\t10,290,223.56\t总计\t56\t10,290,223.56
            """
        #expect(figures(text) == [
            "general_budget_funds 2019 final 864.230516", "general_public_services 2019 final 471.824033",
            "current_income 2019 final 987.790516", "total_expenditure 2019 final 1004.530806",
            "total_income 2019 final 1029.022356", "expenditure_total 2019 final 1029.022356",
        ])
    }

    @Test("one cell per line, blank lines between: rows rebuilt with their empty cells")
    func oneCellPerLine() {
        // An empty cell is two more blank lines than the gap between cells.
        let text = """
            青禾县石桥镇中心学校2021年度部门决算

            收入支出决算总表

            金额单位：万元

            收入

            支出

            项目

            行次

            金额

            项目

            行次

            金额

            一、一般公共预算财政拨款收入

            1

            2,318.64

            一、一般公共服务支出

            32

            0.00

            二、上级补助收入

            2



            二、教育支出

            33

            1,986.27

            总计

            31

            2,357.18

            总计

            62

            2,357.18

            二、财政拨款“三公”经费支出决算表
            """
        #expect(figures(text) == [
            "general_budget_funds 2021 final 2318.64", "general_public_services 2021 final 0",
            "total_income 2021 final 2357.18", "expenditure_total 2021 final 2357.18",
        ])
    }

    @Test("the “三公” grid: values placed by the header's order when every block adds up")
    func threePublicGrid() {
        let header = """
            青禾县石桥镇中心学校2021年度部门决算

            财政拨款“三公”经费支出决算表
            金额单位：万元
            预算数 | | | | | | 决算数 | | | | | |
            合计 | 因公出国（境）费 | 公务用车购置及运行费 | | | 公务接待费 | 合计 | 因公出国（境）费 | 公务用车购置及运行费 | | | 公务接待费 |
             | | 小计 | 公务用车购置费 | 公务用车运行费 | | | | 小计 | 公务用车购置费 | 公务用车运行费 | |

            """
        let good = header + "3.50 | 0.00 | 2.00 | 0.00 | 2.00 | 1.50 | 2.36 | 0.00 | 1.48 | 0.00 | 1.48 | 0.88 |\n"
        #expect(figures(good) == [
            "three_public_total 2021 budget 3.5", "overseas_travel 2021 budget 0", "vehicle_total 2021 budget 2",
            "vehicle_purchase 2021 budget 0", "vehicle_operation 2021 budget 2", "official_reception 2021 budget 1.5",
            "three_public_total 2021 final 2.36", "overseas_travel 2021 final 0", "vehicle_total 2021 final 1.48",
            "vehicle_purchase 2021 final 0", "vehicle_operation 2021 final 1.48", "official_reception 2021 final 0.88",
        ])
        // Empty cells vanished: 8 values for 12 columns.
        let vanished = header + "9.00 | 6.00 | 6.00 | 3.00 | 6.14 | 4.86 | 4.86 | 1.28 |\n"
        #expect(figures(vanished).isEmpty)
        #expect(unread(vanished).contains { $0.contains("8 values for 12 columns") })
        // A block that does not add up: 3.50 ≠ 0 + 2.00 + 1.00.
        let wrong = header + "3.50 | 0.00 | 2.00 | 0.00 | 2.00 | 1.00 | 2.36 | 0.00 | 1.48 | 0.00 | 1.48 | 0.88 |\n"
        #expect(figures(wrong).isEmpty)
    }

    @Test("a row with fewer cells than the header is not placed; a vertical “三公” table's 合计")
    func vanishedCellsAndVerticalTable() {
        let text = """
            2021年青禾县水利局“三公”经费决算情况说明

            一般公共预算财政拨款“三公”经费支出决算表
            单位：万元
            项 目 | 预 算 数 | 决 算 数 | 增减额 |
            合 计 | 12.60 | 8.35 | -4.25 |
            因公出国（境）费 | | | |
            公务接待费 | 2.15 | -2.45 |
            公务用车购置及运行维护费 | 8.00 | 6.20 | -1.80 |
            """
        #expect(figures(text) == [
            "three_public_total 2021 budget 12.6", "three_public_total 2021 final 8.35",
            "vehicle_total 2021 budget 8", "vehicle_total 2021 final 6.2",
        ])
        #expect(unread(text).contains { $0.contains("3 cells for 4 columns") })
    }

    @Test("a table of 财政拨款 only: its totals are the appropriation's, only rows naming that scope are read")
    func appropriationTable() {
        let text = """
            青禾县林业局2023年度部门决算

            财政拨款收入支出决算总表
            单位：万元
            项目 | 行次 | 金额 | 项目 | 行次 | 金额 |
            一、一般公共预算财政拨款 | 1 | 2,516.80 | 一、一般公共服务支出 | 32 | 120.00 |
            本年收入合计 | 3 | 2,516.80 | 本年支出合计 | 40 | 2,548.16 |
            总计 | 5 | 2,585.43 | 总计 | 45 | 2,585.43 |
            """
        #expect(figures(text) == ["general_budget_funds 2023 final 2516.8"])
    }

    @Test("an export's | rows: the name row above 项目 is no heading; a row starting with a pipe starts with an empty cell")
    func exportedPipeRows() {
        let text = """
            河口镇2024年上半年财政预算执行情况的报告

            表1 | 河口镇2024年1-6月一般公共预算收入执行情况表 | |||
            单位：万元 | ||||
            项 目 | 2024年年初预算 | 2024年1-6月 | | | 2023年1-6月 |
             | | 金额 | 占年初预算% | 比上年同期增长% | 金额 |
            一、税收收入 | 1,380.00 | 705.36 | 51.11 | 8.62 | 649.39 |
            本年收入合计 | 1,640.00 | 862.47 | 52.59 | 9.71 | 786.15 |
            """
        #expect(figures(text) == [
            "tax_revenue 2024 initial 1380", "tax_revenue 2024 Q2 final 705.36", "tax_revenue 2023 Q2 final 649.39",
            "fiscal_revenue 2024 initial 1640", "fiscal_revenue 2024 Q2 final 862.47", "fiscal_revenue 2023 Q2 final 786.15",
        ])
    }

    @Test("a part titled 基础数据表 without its staff and 经费控制情况 blocks is read as any table; 合计 is not guessed")
    func basicDataTitleOtherTable() {
        let text = """
            部门整体支出绩效自评基础数据表

            年度：2024年
            单位名称：青禾县青山镇人民政府

            项目\t年初预算数\t全年预算数\t全年执行数
            基本支出\t520.00\t540.00\t538.20
            项目支出\t300.00\t320.00\t310.50
            合计\t820.00\t860.00\t848.70
            """
        #expect(figures(text) == [
            "basic_expenditure 2024 initial 520", "basic_expenditure 2024 budget 540", "basic_expenditure 2024 final 538.2",
            "project_expenditure 2024 initial 300", "project_expenditure 2024 budget 320", "project_expenditure 2024 final 310.5",
        ])
        #expect(unread(text) == ["'合计' is not a catalogue metric"])
    }

    @Test("in a basic data table, a catalogue row outside the 经费控制情况 block is listed, not placed")
    func basicDataRowOutsideBlock() {
        let text = """
            2024年度部门整体支出绩效评价基础数据表
            财政供养人员情况（人）\t编制数\t2024年实际在职人数\t控制率
            \t20\t19\t95%
            三公经费\t12.5\t10
            经费控制情况（万元）\t2023年决算数\t2024年预算数\t2024年决算数
            三公经费\t11\t12.5\t10.2
            """
        #expect(figures(text) == [
            "staff_authorized 2024 final 20", "staff_in_service 2024 final 19", "staff_control_rate 2024 reported 95",
            "three_public_total 2023 final 11", "three_public_total 2024 budget 12.5", "three_public_total 2024 final 10.2",
        ])
        #expect(unread(text) == ["a row outside the table's 经费控制情况 block: its columns are not known"])
    }

    @Test("a table is named by the lines nearest it, not by a definition of “三公”经费 above them")
    func tableNameStopsAtProse() {
        let text = """
            青禾县水利局2023年度部门决算
            5.“三公”经费：指部门用财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。
            第四部分  2023年度部门决算表
            收入支出决算总表
            收入\t\t\t支出\t\t
            项目\t行次\t金额\t项目\t行次\t金额
            本年收入合计\t12\t4305.19\t本年支出合计\t46\t4118.06
            总计\t15\t4489.45\t总计\t49\t4489.45
            """
        #expect(figures(text) == ["current_income 2023 final 4305.19", "total_expenditure 2023 final 4118.06",
                                  "total_income 2023 final 4489.45", "expenditure_total 2023 final 4489.45"])
    }

    @Test("年初预算 and 调整预算 under a merged 2023年预算 say which budget; 决算数 under 预算 would refuse the table")
    func budgetSubHeadings() {
        let text = """
            关于青禾县龙潭镇2023年财政决算的报告
            表一  龙潭镇2023年一般公共预算收入决算表
            单位：万元
            项目\t2023年预算\t\t2023年决算\t\t
            \t年初预算\t调整预算\t金额\t占预算%\t增长%
            一、税收收入\t2,040.00\t2,150.00\t2,213.58\t102.96\t8.17
            """
        #expect(figures(text) == ["tax_revenue 2023 initial 2040", "tax_revenue 2023 budget 2150", "tax_revenue 2023 final 2213.58"])
        let contradicting = text.replacingOccurrences(of: "\t年初预算\t调整预算", with: "\t决算数\t调整预算")
        #expect(figures(contradicting).isEmpty)
    }
}

