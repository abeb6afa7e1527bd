import Testing
@testable import FiscalKit

@Suite("Reading figures as units write them")
struct FigureTextTests {
    func value(_ text: String, _ unit: String = "万元") -> String? {
        if case let .value(value) = FigureText.read(text, unit: unit) { return value.description }
        return nil
    }

    func isInvalid(_ text: String, _ unit: String = "万元") -> Bool {
        if case .invalid = FigureText.read(text, unit: unit) { return true }
        return false
    }

    @Test("plain, grouped and full-width numbers")
    func numbers() {
        #expect(value("27.26") == "27.26")
        #expect(value("1,234.50") == "1234.5")
        #expect(value("1,234,567") == "1234567")
        #expect(value("５６.７") == "56.7")
        #expect(value("１，２３４．５") == "1234.5")
        #expect(value(" 3.29 ") == "3.29")
        #expect(value("-6.59", "%") == "-6.59")
        #expect(value("−1.71") == "-1.71")
        #expect(value("0") == "0")
        #expect(value(".5") == "0.5")
    }

    @Test("ASCII digits with a unit read as the general path reads them")
    func digitsWithUnit() {
        #expect(value("8.5万元") == "8.5")
        #expect(value("8.5万元 ") == "8.5")                  // trailing space: the general path trims
        #expect(value("0.00000001亿元") == "0.0001")
        #expect(value("-3千元") == "-0.3")
        #expect(value("133人", "人") == "133")
        #expect(isInvalid("-5人", "人"))                     // a head count cannot be negative
        #expect(isInvalid("1.5人", "人"))
        #expect(isInvalid("1.2345678万元"))                   // more decimals than the store keeps
        #expect(isInvalid("5万元x"))
        #expect(isInvalid("5美元"))
        #expect(isInvalid("5人"))                            // 人 does not fit a figure in 万元
        #expect(FigureText.plainNumberAndSuffix("1-2人") == nil)
    }

    @Test("attached units convert to the metric's unit")
    func units() {
        #expect(value("1300万元") == "1300")
        #expect(value("567000元") == "56.7")
        #expect(value("0.030115亿元") == "301.15")
        #expect(value("2,056,400元") == "205.64")
        #expect(value("1234.56元") == "0.123456")     // 角 and 分 kept exactly
        #expect(value("55407人", "人") == "55407")
        #expect(value("5.5万人", "人") == "55000")
        #expect(value("53%", "%") == "53")
        #expect(value("５３％", "%") == "53")
        #expect(value("98分", "分") == "98")
        #expect(value("301.15 万元") == "301.15")
    }

    @Test("dashes and empty cells are missing, never 0")
    func missing() {
        for text in ["", " ", "—", "——", "-", "--", "－", "―", "– "] {
            #expect(FigureText.read(text, unit: "万元") == .missing, "\(text)")
        }
    }

    @Test("anything else is an error that says what is wrong")
    func invalid() {
        #expect(isInvalid("abc"))
        #expect(isInvalid("12,34"))            // commas not in groups of three
        #expect(isInvalid("0,123"))            // a decimal comma, not a thousands separator
        #expect(isInvalid("1.2.3"))
        #expect(isInvalid("55407人"))           // a head count is not money
        #expect(isInvalid("53%"))               // nor is a rate
        #expect(isInvalid("300万元", "人"))
        #expect(isInvalid("168.5人", "人"))      // people are whole
        #expect(isInvalid("1.2345678"))         // more than six decimals of 万元
        #expect(isInvalid("0.5元0"))
        #expect(isInvalid("99999999999999999999"))
        #expect(isInvalid("无"))
        if case let .invalid(message) = FigureText.read("55407人", unit: "万元") {
            #expect(message.contains("人") && message.contains("万元"))
        }
    }

    @Test("exact values display rounded only when asked")
    func display() {
        let value = ExactValue(e6: 122_800_000)
        #expect(value.description == "122.8")
        #expect(value.formatted(decimals: 2, grouping: true) == "122.80")
        #expect(ExactValue(e6: 1_234_567_890_000).formatted(decimals: 2, grouping: true) == "1,234,567.89")
        #expect(ExactValue(e6: -6_585_000).formatted(decimals: 2, grouping: false) == "-6.59")
        #expect(ExactValue(e6: -4_000).formatted(decimals: 2, grouping: false) == "0.00")
    }
}
