/// One sheet of cells, as a workbook or a CSV file holds it: its name (an Excel
/// sheet's; nil for CSV), its rows with every column in place, the row number
/// of each (Excel's row, or the CSV line), and its merged cells.
///
/// A merged cell keeps its text in its first cell only; the others are empty
/// here as in the file. ``WideTable`` reads headers merged over two rows with
/// ``merges``; the package readers only need ``rows``.
struct CellSheet {
    /// A block of merged cells: rows as the sheet numbers them, columns from 0.
    struct Merge: Equatable {
        var rows: ClosedRange<Int>
        var columns: ClosedRange<Int>
    }

    var name: String?
    var rows: [[TextCell]]
    var rowNumbers: [Int]
    var merges: [Merge] = []

    /// The cell at a row index and column, or an empty one past the row's end.
    func cell(_ row: Int, _ column: Int) -> TextCell {
        guard row < rows.count, column < rows[row].count else {
            return TextCell(text: "", line: row < rows.count ? rows[row].first?.line ?? 0 : 0, cell: nil)
        }
        return rows[row][column]
    }

    /// "C5" style name of a column index: 0 → A, 26 → AA.
    static func columnName(_ index: Int) -> String {
        var index = index + 1
        var name = ""
        while index > 0 {
            let remainder = (index - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            index = (index - 1) / 26
        }
        return name
    }
}
