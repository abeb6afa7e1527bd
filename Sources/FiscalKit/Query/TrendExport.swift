import Crypto
import Foundation

/// The scheduled export: one tidy trend CSV per indicator up to an as-of
/// quarter, and a manifest (as-of, files, rows, sha256).
///
/// Files are UTF-8 with a byte-order mark (so Excel shows the Chinese), each
/// written to a temporary name and renamed, so a reader never sees half a
/// file. Nothing in them depends on the clock: the same data and as-of give
/// byte-identical files.
///
/// Up to 2024Q3 means: every quarter (the year and each year to date) of the
/// years before 2024, and 2024's year-to-date figures through Q3 — not 2024's
/// whole year, which is not over.
///
/// A row whose period has neither a value nor a previous value (a department
/// has no 非税收入; a quarter of a metric stated only yearly) is left out.
public struct TrendExport {
    public struct AsOf: Equatable, Sendable, CustomStringConvertible {
        public var year: Int
        public var quarter: Int

        /// "2024Q3".
        public init?(_ text: String) {
            let parts = text.uppercased().split(separator: "Q")
            guard parts.count == 2, let year = Int(parts[0]), let quarter = Int(parts[1]),
                  (1900...2200).contains(year), (1...4).contains(quarter) else { return nil }
            self.year = year
            self.quarter = quarter
        }

        public init(year: Int, quarter: Int) {
            self.year = year
            self.quarter = quarter
        }

        /// The quarter that ended last before `date`.
        public static func justEnded(before date: Date = Date()) -> AsOf {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
            let parts = calendar.dateComponents([.year, .month], from: date)
            let quarter = (parts.month! - 1) / 3
            return quarter == 0 ? AsOf(year: parts.year! - 1, quarter: 4) : AsOf(year: parts.year!, quarter: quarter)
        }

        public var description: String { "\(year)Q\(quarter)" }

        func includes(year: Int, quarter: Int) -> Bool {
            if year < self.year { return true }
            if year > self.year { return false }
            return quarter >= 1 && quarter <= self.quarter || (quarter == 0 && self.quarter == 4)
        }
    }

    public let database: FiscalDatabase

    public init(database: FiscalDatabase) {
        self.database = database
    }

    public struct Written: Sendable {
        public var file: String
        public var rows: Int
        public var sha256: String
    }

    /// `language` .zh writes Chinese headers (单位, 地区, 类型, 指标, 年度, 季度, 数值,
    /// 上年同期, 变化, 变化率%), indicator names and kinds, for colleagues who open
    /// the files in Excel or WPS; .en (the default) the documented columns and codes.
    @discardableResult
    public func write(to folder: String, asOf: AsOf, language: Language = .en) throws -> [Written] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let trends = Trends(database: database)
        let catalog = try database.catalog()
        let indicators = catalog.metrics.filter(\.isIndicator).map(\.code)
        var written: [Written] = []
        for indicator in indicators {
            var filter = Trends.Filter(to: asOf.year)
            filter.allQuarters = true
            filter.onlyTrendRows = true
            let name = "\(indicator).csv"
            let indicatorName = language == .zh ? catalog.metric(code: indicator)?.nameZh ?? indicator : indicator
            // Row by row from SQLite into the file and its hash (issue 13: the
            // province's largest file has 500,000 rows, held in memory before).
            var rows = 0
            let sha256 = try Self.replace((folder as NSString).appendingPathComponent(name)) { sink in
                let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
                guard bom.withUnsafeBytes(sink) else { return false }
                let stream = RowStream(format: .csv, columns: language.headers(Trends.longColumns), sink: sink)
                try trends.forEachRow(indicator: indicator, filter: filter) { row in
                    guard asOf.includes(year: row.year, quarter: row.quarter) else { return }
                    var row = row
                    if language == .zh {
                        row.indicator = indicatorName
                        row.kind = language.kindName(row.kind)
                    }
                    stream.write(Trends.longCells(row))
                    rows += 1
                }
                stream.finish()
                return !stream.failed
            }
            written.append(Written(file: name, rows: rows, sha256: sha256))
        }
        var manifest = "{\n  \"as_of\": \"\(asOf)\",\n  \"files\": [\n"
        manifest += written.map { "    {\"file\": \"\($0.file)\", \"rows\": \($0.rows), \"sha256\": \"\($0.sha256)\"}" }
            .joined(separator: ",\n")
        manifest += "\n  ]\n}\n"
        try Self.replace((folder as NSString).appendingPathComponent("manifest.json")) { sink in Data(manifest.utf8).withUnsafeBytes(sink) }
        return written
    }

    /// Writes beside the target and renames over it: readers see the old file
    /// or the new one, never half of one. The contents go through `write`'s
    /// sink (false: a write failed, and nothing is renamed); returns their
    /// SHA-256 (empty with `hashing: false`: the report's 40 MB page needs none).
    @discardableResult
    static func replace(_ path: String, hashing: Bool = true,
                        write: (@escaping (UnsafeRawBufferPointer) -> Bool) throws -> Bool) throws -> String {
        // Beside the target (a bare name: in the current folder), named for this
        // process, so that two runs writing one file do not share a temporary.
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = (folder.isEmpty ? "." : folder) + "/." + (path as NSString).lastPathComponent + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw FiscalError.file(temporary, "cannot write (\(String(cString: strerror(errno))))") }
        defer { close(descriptor) }
        var hasher = SHA256()
        let complete: Bool
        do {
            complete = try write { bytes in
                if hashing { hasher.update(bufferPointer: bytes) }
                return RowStream.writeAll(bytes, to: descriptor)
            }
        } catch {
            // The rows are read as they are written: a failing read leaves no temporary behind.
            unlink(temporary)
            throw error
        }
        guard complete else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw FiscalError.file(temporary, "cannot write (\(reason))")
        }
        if rename(temporary, path) != 0 {
            throw FiscalError.file(path, String(cString: strerror(errno)))
        }
        return hashing ? hasher.finalize().map { String(format: "%02x", $0) }.joined() : ""
    }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
