import GRDB

/// Totals a document states next to parts that do not add up to them.
///
/// domain.md composes 三公经费 from 因公出国（境）费 + 公务用车购置及运行维护费 +
/// 公务接待费, and the vehicle figure from 购置 + 运行维护. A unit's table may
/// state one side and its narrative the other (衡山县财政局 2024: the narrative's
/// vehicles 27.06, the table's vehicle operation 4.08 with purchase empty), so
/// these disagreements never share a key and the conflicts view cannot show them.
/// Every stated value of a total is compared with the resolved values of its
/// parts; a part nobody states is named as unstated, never taken as 0.
public enum TotalsCheck {
    public static var compositions: [MetricComposition] { MetricComposition.all }

    /// One row per stated total whose parts disagree with it: the parts' sum is
    /// different with every part stated, larger than the total, or smaller with
    /// some part unstated.
    public static func disagreements(_ db: Database, unitIDs: [Int64] = [], years: [Int] = []) throws -> ResultTable {
        var table = ResultTable(columns: ["unit", "year", "quarter", "basis", "total", "value", "source", "location", "part",
                                          "parts", "parts_sum", "unstated", "finding"])
        for composition in compositions {
            var conditions = ["metric = ?"]
            var arguments: StatementArguments = [composition.total]
            if !unitIDs.isEmpty {
                conditions.append("unit_id IN (\(unitIDs.map { _ in "?" }.joined(separator: ", ")))")
                arguments += StatementArguments(unitIDs)
            }
            if !years.isEmpty {
                conditions.append("year IN (\(years.map { _ in "?" }.joined(separator: ", ")))")
                arguments += StatementArguments(years)
            }
            // A cursor, not every total in memory (500,000 of 三公经费 at province scale).
            let totals = try Row.fetchCursor(db, sql: """
                SELECT DISTINCT unit, unit_id, year, quarter, basis, value_e6, source, location, part
                FROM observation_details WHERE \(conditions.joined(separator: " AND "))
                ORDER BY unit, year, quarter, basis, value_e6
                """, arguments: arguments)
            // The parts' facts (the facts view's rows: superseded = 0) from the
            // key index, prepared once: preparing the view's query for each of
            // 500,000 totals took a minute at province scale.
            let partsOfTotal = try db.cachedStatement(sql: """
                SELECT m.code AS metric, o.value_e6, o.part, COALESCE(o.cell, 'line ' || o.line) AS location
                FROM observations o JOIN metrics m ON m.id = o.metric_id
                WHERE o.unit_id = ? AND o.year = ? AND o.quarter = ? AND o.basis = ? AND o.superseded = 0
                  AND m.code IN (\(composition.parts.map { _ in "?" }.joined(separator: ", ")))
                """)
            while let total = try totals.next() {
                let partsRows = try Row.fetchAll(partsOfTotal, arguments: [total["unit_id"], total["year"], total["quarter"], total["basis"]]
                                                 + StatementArguments(composition.parts))
                var stated: [String: Row] = [:]
                for row in partsRows { stated[row["metric"]] = row }
                if stated.isEmpty { continue }                     // nothing to compare with
                let sum = stated.values.reduce(Int64(0)) { $0 + ($1["value_e6"] as Int64) }
                let unstated = composition.parts.filter { stated[$0] == nil }
                let value: Int64 = total["value_e6"]
                let finding: String
                if unstated.isEmpty && sum != value {
                    finding = "the parts add up to a different total"
                } else if sum > value {
                    finding = "the stated parts exceed the total"
                } else if !unstated.isEmpty && sum < value {
                    finding = "the stated parts fall short; \(ExactValue(e6: value - sum)) left for unstated parts"
                } else {
                    continue
                }
                let parts = composition.parts.compactMap { code -> String? in
                    guard let row = stated[code] else { return nil }
                    return "\(code) \(ExactValue(e6: row["value_e6"])) (\(row["part"] as String) \(row["location"] as String))"
                }.joined(separator: " + ")
                let cells: [ResultTable.Cell] = [
                    .text(total["unit"]), .label(total["year"]), .label(total["quarter"]), .text(total["basis"]),
                    .text(composition.total), .number(ExactValue(e6: value)), .text(total["source"]),
                    .text(total["location"]), .text(total["part"]), .text(parts), .number(ExactValue(e6: sum)),
                    .text(unstated.joined(separator: ", ")), .text(finding),
                ]
                table.append(cells)
            }
        }
        return table
    }
}
