import Foundation

/// Charts for the report, drawn as inline SVG: no script, no fonts to fetch,
/// printable. Labels are measured in display columns (a CJK character is two),
/// so Chinese unit names get the room they need.
public enum SVGChart {
    /// One bar of a ranked bar chart.
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Double
        public var valueText: String
        /// better, worse or same: the bar's colour (CSS classes in the template).
        public var tone: String
        public init(label: String, value: Double, valueText: String, tone: String) {
            self.label = label
            self.value = value
            self.valueText = valueText
            self.tone = tone
        }
    }

    /// Ticks at "nice" steps (1, 2 or 5 × 10ⁿ) covering low…high, about `count` of them.
    public static func niceTicks(low: Double, high: Double, count: Int = 5) -> [Double] {
        var low = low, high = high
        if low == high {
            if low == 0 { high = 1 } else { low = min(0, low); high = max(0, high) }
            if low == high { high = low + 1 }
        }
        // Heckbert's nice numbers: the rough step rounded to 1, 2, 5 or 10 × 10ⁿ.
        let rough = (high - low) / Double(max(count - 1, 1))
        let magnitude = pow(10, floor(log10(rough)))
        let fraction = rough / magnitude
        let step = (fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) * magnitude
        let first = floor(low / step) * step
        var ticks: [Double] = []
        var tick = first
        while tick <= high + step * 1e-9 || ticks.count < 2 {
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
            tick += step
            if ticks.count > 50 { break }
        }
        if let last = ticks.last, last < high - step * 1e-9 { ticks.append(last + step) }
        return ticks
    }

    /// A tick's label: no more decimals than its step needs, thousands grouped.
    public static func tickLabel(_ value: Double, step: Double) -> String {
        let decimals = step >= 1 ? 0 : min(6, Int(ceil(-log10(step))))
        return ReportNumber.grouped(value, decimals: decimals)
    }

    /// Display columns of a label: 2 for CJK and full-width characters (``DisplayWidth``).
    public static func columns(_ text: String) -> Int { DisplayWidth.of(text) }

    /// Text for an SVG/XML text node or attribute.
    public static func escape(_ text: String) -> String {
        // Most labels need nothing: a chart of a province's units has thousands.
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
                                          || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) else { return text }
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// `String(format: "%.1f", value)`, without Foundation's formatter when the
    /// value is not within a millionth of a tie (x.x5): a province's report
    /// writes 10,044 bars a chart, and formatting was a fifth of it (perf).
    /// Near a tie printf's exact decimal rounding decides, so Foundation does.
    static func f(_ value: Double) -> String {
        let scaled = value * 10
        // Below 1e9 tenths the product's rounding error is far under the guard.
        guard value.isFinite, abs(scaled) < 1e9,
              abs(scaled - scaled.rounded(.down) - 0.5) > 1e-6 else { return String(format: "%.1f", value) }
        let tenths = Int64(scaled.rounded())
        let magnitude = tenths.magnitude
        let sign = value.sign == .minus ? "-" : ""
        return sign + String(magnitude / 10) + "." + String(magnitude % 10)
    }

    /// A horizontal bar per ranked unit, in rank order, its value at the bar's
    /// end; the axis at zero when values have both signs.
    public static func bars(_ bars: [Bar], title: String, fontSize: Double = 12) -> String {
        let charWidth = fontSize * 0.55
        let labelWidth = Double(bars.map { columns($0.label) }.max() ?? 4) * charWidth + 8
        let valueWidth = Double(bars.map { columns($0.valueText) }.max() ?? 4) * charWidth + 8
        let plotWidth = 420.0
        let rowHeight = fontSize + 8
        let top = 8.0, axisHeight = fontSize + 10
        let width = labelWidth + plotWidth + valueWidth + 8
        let height = top + Double(bars.count) * rowHeight + axisHeight + 4
        let low = min(0, bars.map(\.value).min() ?? 0), high = max(0, bars.map(\.value).max() ?? 0)
        let ticks = niceTicks(low: low, high: high)
        let minTick = ticks.first!, maxTick = ticks.last!
        func x(_ value: Double) -> Double { labelWidth + (value - minTick) / (maxTick - minTick) * plotWidth }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart bars" role="img" width="\(f(width))" height="\(f(height))" \
            viewBox="0 0 \(f(width)) \(f(height))" font-size="\(f(fontSize))"><title>\(escape(title))</title>
            """
        svg.reserveCapacity(bars.count * 420 + 2048)   // a bar's four elements, ~350 bytes: no regrowth
        let plotBottom = top + Double(bars.count) * rowHeight
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        for tick in ticks {
            svg += "<line class=\"grid\" x1=\"\(f(x(tick)))\" y1=\"\(f(top))\" x2=\"\(f(x(tick)))\" y2=\"\(f(plotBottom))\"/>"
            svg += "<text class=\"tick\" x=\"\(f(x(tick)))\" y=\"\(f(plotBottom + fontSize + 4))\" text-anchor=\"middle\">\(escape(tickLabel(tick, step: step)))</text>"
        }
        for (index, bar) in bars.enumerated() {
            let y = top + Double(index) * rowHeight
            let start = x(min(0, bar.value)), end = x(max(0, bar.value))
            svg += "<g class=\"bar \(bar.tone)\" data-unit=\"\(escape(bar.label))\" data-value=\"\(bar.value)\">"
            svg += "<text class=\"label\" x=\"\(f(labelWidth - 6))\" y=\"\(f(y + rowHeight - 6))\" text-anchor=\"end\">\(escape(bar.label))</text>"
            svg += "<rect x=\"\(f(start))\" y=\"\(f(y + 3))\" width=\"\(f(max(end - start, 0.5)))\" height=\"\(f(rowHeight - 6))\"/>"
            svg += "<text class=\"value\" x=\"\(f(x(maxTick) + 6))\" y=\"\(f(y + rowHeight - 6))\">\(escape(bar.valueText))</text></g>"
        }
        svg += "<line class=\"axis\" x1=\"\(f(x(0)))\" y1=\"\(f(top))\" x2=\"\(f(x(0)))\" y2=\"\(f(plotBottom))\"/></svg>"
        return svg
    }

    /// A line over the years; a missing year leaves a gap, never a 0.
    public static func line(_ points: [(label: String, value: Double?)], title: String, fontSize: Double = 12) -> String {
        let values = points.compactMap(\.value)
        let ticks = niceTicks(low: min(values.min() ?? 0, 0), high: values.max() ?? 1)
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        let charWidth = fontSize * 0.55
        let left = Double(ticks.map { columns(tickLabel($0, step: step)) }.max() ?? 3) * charWidth + 12
        let width = 640.0, height = 220.0, top = 12.0, bottom = fontSize + 14, right = 16.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let minTick = ticks.first!, maxTick = ticks.last!
        func x(_ index: Int) -> Double {
            points.count < 2 ? left + plotWidth / 2 : left + Double(index) / Double(points.count - 1) * plotWidth
        }
        func y(_ value: Double) -> Double { top + (maxTick - value) / (maxTick - minTick) * plotHeight }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart line" role="img" width="\(f(width))" height="\(f(height))" \
            viewBox="0 0 \(f(width)) \(f(height))" font-size="\(f(fontSize))"><title>\(escape(title))</title>
            """
        for tick in ticks {
            svg += "<line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(y(tick)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y(tick)))\"/>"
            svg += "<text class=\"tick\" x=\"\(f(left - 6))\" y=\"\(f(y(tick) + fontSize / 3))\" text-anchor=\"end\">\(escape(tickLabel(tick, step: step)))</text>"
        }
        for (index, point) in points.enumerated() {
            svg += "<text class=\"tick\" x=\"\(f(x(index)))\" y=\"\(f(height - 4))\" text-anchor=\"middle\">\(escape(point.label))</text>"
        }
        // Runs of consecutive years with values, each one polyline.
        var run: [String] = []
        func flush() {
            if run.count > 1 { svg += "<polyline class=\"series\" points=\"\(run.joined(separator: " "))\"/>" }
            run = []
        }
        for (index, point) in points.enumerated() {
            guard let value = point.value else { flush(); continue }
            run.append("\(f(x(index))),\(f(y(value)))")
        }
        flush()
        for (index, point) in points.enumerated() {
            guard let value = point.value else { continue }
            svg += "<circle class=\"point\" cx=\"\(f(x(index)))\" cy=\"\(f(y(value)))\" r=\"3\" data-year=\"\(escape(point.label))\" data-value=\"\(value)\"/>"
        }
        svg += "</svg>"
        return svg
    }
}

/// Numbers as leaders read them: 万元 with two decimals and thousands
/// separators, rates with two decimals and %, signed changes, — for missing.
public enum ReportNumber {
    public static let missing = "—"

    /// 1234567.891 → "1,234,567.89" (half away from zero).
    public static func grouped(_ value: Double, decimals: Int = 2) -> String {
        let scale = pow(10.0, Double(decimals))
        let units = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        // The rounded value as whole hundredths (for 2 decimals), in integers:
        // what printf prints for units ÷ scale whenever units < 2^50 (that
        // double is then within far less than half a hundredth of it).
        // Foundation's String(format:) was a tenth of the report's bar charts.
        guard (0...9).contains(decimals), units < 1e15 else { return groupedByFormat(value, decimals: decimals) }
        let whole = UInt64(units), power = UInt64(scale)
        var text = ExactValue.groupThousands(String(whole / power))
        if decimals > 0 {
            let fraction = String(whole % power)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return value < 0 && whole != 0 ? "-" + text : text
    }

    /// ``grouped(_:decimals:)`` by printf: beyond its fast path, and its reference in the tests.
    static func groupedByFormat(_ value: Double, decimals: Int = 2) -> String {
        let scale = pow(10.0, Double(decimals))
        let rounded = (abs(value) * scale).rounded(.toNearestOrAwayFromZero) / scale
        let text = String(format: "%.\(decimals)f", rounded)
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        var integer = String(parts[0])
        var groups: [String] = []
        while integer.count > 3 {
            groups.insert(String(integer.suffix(3)), at: 0)
            integer.removeLast(3)
        }
        groups.insert(integer, at: 0)
        let sign = value < 0 && rounded != 0 ? "-" : ""
        return sign + groups.joined(separator: ",") + (parts.count > 1 ? "." + parts[1] : "")
    }

    /// A value in its unit: "1,234.56" for 万元 and counts, "12.34%" for rates.
    public static func value(_ value: Double?, unit: String) -> String {
        guard let value else { return missing }
        return grouped(value) + (unit == "%" ? "%" : "")
    }

    /// A change with its sign: "+1.20", "-3.40"; rates' changes in percentage points.
    public static func signed(_ value: Double?, unit: String = "") -> String {
        guard let value else { return missing }
        let text = grouped(value)
        let suffix = unit == "%" ? "%" : ""
        return (text.hasPrefix("-") || text == grouped(0) ? text : "+" + text) + suffix
    }
}
