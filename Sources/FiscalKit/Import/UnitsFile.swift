import Foundation

/// The `--units FILE` of `fiscal import`: which unit and year the files that
/// do not state them are about.
///
/// ```
/// file,unit,year
/// *白仓*.txt,邵阳县白仓镇人民政府,
/// 2023/*.docx,,2023
/// ```
///
/// A header row is required (`file,unit,year`, or 文件,单位,年度; other columns
/// are ignored). `file` is a glob (``Glob``) matched against a file's path
/// relative to the folder given on the command line and against its bare name;
/// the first row that matches a file is the one for it. A row fills in only
/// what the document does not state, or decides between the units a document
/// names differently: the document's own unit and year win. An empty cell
/// gives nothing. UTF-8 or GB18030 (as Excel saves CSV in China).
public struct UnitsFile: Sendable {
    public struct Row: Sendable, Equatable {
        public var pattern: String
        public var unit: String?
        public var year: Int?
        /// The line of the units file, for messages.
        public var line: Int
    }

    public var path: String
    public var rows: [Row]

    /// Reads and checks the file: a bad row stops everything, before any import.
    public init(path: String) throws {
        let fingerprint = try FileFingerprint.of(path: path)
        let stream = try UTF8BlockStream(path: path, encoding: fingerprint.encoding)
        let reader = CSVRecordReader {
            var block: [UInt8] = []
            try stream.next(into: &block)
            return block
        }
        var records: [(line: Int, fields: [String])] = []
        while try reader.next() {
            records.append((reader.line, (0..<reader.fieldCount).map { reader.string(at: $0) ?? "" }))
        }
        try self.init(path: path, records: records)
    }

    init(path: String, records: [(line: Int, fields: [String])]) throws {
        self.path = path
        guard let header = records.first else {
            throw FiscalError.file(path, "the file is empty; its first line should be the header file,unit,year")
        }
        func column(_ names: Set<String>) -> Int? {
            header.fields.firstIndex { names.contains(TextNormalization.trim($0).lowercased()) }
        }
        guard let fileColumn = column(["file", "文件", "文件名"]) else {
            throw FiscalError.file(path, "line \(header.line): the first line should be the header file,unit,year (or 文件,单位,年度)")
        }
        let unitColumn = column(["unit", "单位", "单位名称"])
        let yearColumn = column(["year", "年度", "年份"])
        guard unitColumn != nil || yearColumn != nil else {
            throw FiscalError.file(path, "line \(header.line): the header names neither a unit nor a year column (file,unit,year)")
        }
        var rows: [Row] = []
        for record in records.dropFirst() {
            func cell(_ index: Int?) -> String? {
                guard let index, index < record.fields.count else { return nil }
                let text = TextNormalization.trim(record.fields[index])
                return text.isEmpty ? nil : text
            }
            if record.fields.allSatisfy({ TextNormalization.trim($0).isEmpty }) { continue }
            guard var pattern = cell(fileColumn) else {
                throw FiscalError.file(path, "line \(record.line): no file (a name or a glob such as *白仓*.txt)")
            }
            while pattern.hasPrefix("./") { pattern.removeFirst(2) }
            var year: Int?
            if let text = cell(yearColumn) {
                let digits = text.hasSuffix("年") ? String(text.dropLast()) : text
                guard let value = Int(digits), (1900...2200).contains(value) else {
                    throw FiscalError.file(path, "line \(record.line): '\(text)' is not a year")
                }
                year = value
            }
            let unit = cell(unitColumn)
            guard unit != nil || year != nil else {
                throw FiscalError.file(path, "line \(record.line): \(pattern) is given neither a unit nor a year")
            }
            rows.append(Row(pattern: pattern, unit: unit, year: year, line: record.line))
        }
        self.rows = rows
    }

    /// The first row whose pattern matches the path (relative to its folder)
    /// or the bare file name.
    public func row(for relativePath: String) -> Row? {
        rows.first { Self.matches($0.pattern, relativePath) }
    }

    static func matches(_ pattern: String, _ relativePath: String) -> Bool {
        let name = (relativePath as NSString).lastPathComponent
        return Glob.matches(pattern, relativePath) || Glob.matches(pattern, name)
    }
}

/// Shell-style wildcards over characters (a Chinese character is one `?`):
/// `*` any run of characters and `?` one character, neither across `/`;
/// `[abc]`, `[a-z]`, `[!abc]` one character of (or not of) a set; `\` takes the
/// next character literally.
public enum Glob {
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        match(Array(pattern), 0, Array(text), 0)
    }

    private static func match(_ p: [Character], _ pi: Int, _ t: [Character], _ ti: Int) -> Bool {
        var pi = pi, ti = ti
        while pi < p.count {
            switch p[pi] {
            case "*":
                while pi < p.count && p[pi] == "*" { pi += 1 }
                if pi == p.count { return !t[ti...].contains("/") }
                var start = ti
                while true {
                    if match(p, pi, t, start) { return true }
                    guard start < t.count, t[start] != "/" else { return false }
                    start += 1
                }
            case "?":
                guard ti < t.count, t[ti] != "/" else { return false }
                pi += 1; ti += 1
            case "[":
                guard ti < t.count, t[ti] != "/" else { return false }
                if let (matched, next) = bracket(p, pi, t[ti]) {
                    guard matched else { return false }
                    pi = next
                } else {
                    guard t[ti] == "[" else { return false }   // an unclosed [ is itself
                    pi += 1
                }
                ti += 1
            case "\\" where pi + 1 < p.count:
                guard ti < t.count, t[ti] == p[pi + 1] else { return false }
                pi += 2; ti += 1
            default:
                guard ti < t.count, t[ti] == p[pi] else { return false }
                pi += 1; ti += 1
            }
        }
        return ti == t.count
    }

    /// Whether `c` is in the set that starts at `p[start]` (`[`), and where the
    /// pattern goes on; nil when the set is not closed.
    private static func bracket(_ p: [Character], _ start: Int, _ c: Character) -> (Bool, Int)? {
        var i = start + 1
        var negated = false
        if i < p.count, p[i] == "!" || p[i] == "^" { negated = true; i += 1 }
        var matched = false
        var first = true
        while i < p.count {
            if p[i] == "]" && !first { return (matched != negated, i + 1) }
            first = false
            var low = p[i]
            if low == "\\", i + 1 < p.count { i += 1; low = p[i] }
            if i + 2 < p.count, p[i + 1] == "-", p[i + 2] != "]" {
                let high = p[i + 2]
                if low <= c && c <= high { matched = true }
                i += 3
            } else {
                if c == low { matched = true }
                i += 1
            }
        }
        return nil
    }
}
