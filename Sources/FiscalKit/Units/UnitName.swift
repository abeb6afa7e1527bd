/// The parts of a budget unit's name that decide which unit it is.
///
/// "邵阳县白仓镇人民政府" has the region prefix "邵阳县" and the core "白仓镇";
/// "白仓镇人民政府" and "白仓镇" have the same core and no prefix, so all three
/// name one unit — unless two existing units share that core, which is reported,
/// never merged. "衡山县财政局" and "邵阳县财政局" have different prefixes and are
/// never the same unit.
public struct UnitName: Equatable, Sendable {
    /// The normalized whole name (see ``TextNormalization/key(_:)``).
    public var key: String
    /// The administrative prefix: 省, 市/州, 县/区/旗, e.g. "邵阳县"; "" if none.
    public var prefix: String
    /// The key less prefix and the government suffix (人民政府, 政府, 办事处).
    public var core: String

    public init(_ name: String) {
        key = TextNormalization.key(name)
        let scalars = Array(key.unicodeScalars)
        // By scalar when every scalar is a character of its own (Chinese,
        // ASCII, CJK and full-width punctuation): the same split, without
        // grapheme breaking, which was a seventh of a yearly file's import at
        // province scale (20,000 names parsed a file; perf). Anything else
        // goes by Character.
        (prefix, core) = scalars.allSatisfy(Self.isCharacterByItself)
            ? Self.splitByScalar(scalars) : Self.splitByCharacter(key)
    }

    /// Province, then prefecture, then county level; each at most once.
    static let divisionSuffixes = [["省", "自治区"], ["市", "州", "盟", "地区"], ["县", "区", "旗", "市"]]
    /// "开发区", "工业园区" and the like are units, not divisions.
    static let notDivisions = ["开发区", "园区", "新区", "高新区", "示范区", "景区", "社区", "片区"]
    static let governmentSuffixes = ["人民政府", "政府", "办事处"]

    static func splitByCharacter(_ key: String) -> (prefix: String, core: String) {
        var rest = Substring(key)
        var prefix = ""
        for suffixes in divisionSuffixes {
            if let (part, remainder) = Self.leadingDivision(rest, endingIn: suffixes) {
                prefix += part
                rest = remainder
            }
        }
        for suffix in governmentSuffixes where rest.hasSuffix(suffix) && rest.count > suffix.count + 1 {
            rest = rest.dropLast(suffix.count)
            break
        }
        return (prefix, String(rest))
    }

    /// A place name of 2–6 characters ending in one of `suffixes`, leaving at
    /// least two characters of name after it.
    private static func leadingDivision(_ text: Substring, endingIn suffixes: [String]) -> (String, Substring)? {
        let characters = Array(text)
        guard characters.count >= 4 else { return nil }
        for length in 2...min(7, characters.count - 2) {
            let candidate = String(characters[0..<length])
            for suffix in suffixes where candidate.hasSuffix(suffix) && candidate.count > suffix.count {
                if notDivisions.contains(where: candidate.hasSuffix) { continue }
                return (candidate, text.dropFirst(length))
            }
        }
        return nil
    }

    /// A scalar that forms a character whatever stands beside it and has no
    /// canonical decomposition, so that scalars compare as characters do: ASCII
    /// but CR (CR LF is one character), CJK ideographs (not the compatibility
    /// ones), CJK punctuation less the combining tone marks, full-width forms.
    static func isCharacterByItself(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x0C, 0x0E...0x7F, 0x3000...0x3029, 0x3030...0x303F, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xFF01...0xFF5E: true
        default: false
        }
    }

    private static let divisionSuffixScalars = divisionSuffixes.map { $0.map { Array($0.unicodeScalars) } }
    private static let notDivisionScalars = notDivisions.map { Array($0.unicodeScalars) }
    private static let governmentSuffixScalars = governmentSuffixes.map { Array($0.unicodeScalars) }

    /// ``splitByCharacter(_:)`` for names whose every scalar is a character.
    static func splitByScalar(_ scalars: [Unicode.Scalar]) -> (prefix: String, core: String) {
        func ends(_ text: ArraySlice<Unicode.Scalar>, with suffix: [Unicode.Scalar]) -> Bool {
            text.count >= suffix.count && text.suffix(suffix.count).elementsEqual(suffix)
        }
        var start = 0
        for suffixes in divisionSuffixScalars {
            let count = scalars.count - start
            guard count >= 4 else { continue }
            search: for length in 2...min(7, count - 2) {
                let candidate = scalars[start..<start + length]
                for suffix in suffixes where length > suffix.count && ends(candidate, with: suffix) {
                    if notDivisionScalars.contains(where: { ends(candidate, with: $0) }) { continue }
                    start += length
                    break search
                }
            }
        }
        var end = scalars.count
        for suffix in governmentSuffixScalars where end - start > suffix.count + 1 && ends(scalars[start..<end], with: suffix) {
            end -= suffix.count
            break
        }
        func text(_ part: ArraySlice<Unicode.Scalar>) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: part)
            return String(view)
        }
        return (text(scalars[0..<start]), text(scalars[start..<end]))
    }

    /// The kind a name suggests when a file does not say.
    public var inferredKind: UnitKind {
        let townshipEndings = ["镇", "乡", "街道", "民族乡", "苏木"]
        if townshipEndings.contains(where: core.hasSuffix) { return .township }
        let departmentEndings = ["局", "委", "委员会", "办", "办公室", "院", "中心", "部", "厅", "所", "站",
                                 "队", "会", "馆", "处", "室", "团", "社", "校", "学", "台"]
        if departmentEndings.contains(where: core.hasSuffix) { return .department }
        return .other
    }

    /// Whether two prefixes can belong to one unit: equal, or one is missing,
    /// or one is the tail of the other ("湖南省邵阳县" and "邵阳县").
    static func prefixesCompatible(_ a: String, _ b: String) -> Bool {
        a.isEmpty || b.isEmpty || a.hasSuffix(b) || b.hasSuffix(a)
    }
}

/// department | township | other, as the units table stores it.
public enum UnitKind: String, CaseIterable, Sendable {
    case department, township, other

    /// The code or a Chinese word: 部门/单位 → department, 乡镇/镇/乡/街道 → township.
    public init?(word: String) {
        let key = TextNormalization.key(word)
        if let kind = UnitKind(rawValue: key) { self = kind; return }
        switch key {
        case "部门", "单位", "局", "机关": self = .department
        case "乡镇", "镇", "乡", "街道", "乡镇街道": self = .township
        case "其他": self = .other
        default: return nil
        }
    }

    public var nameZh: String {
        switch self {
        case .department: return "部门"
        case .township: return "乡镇"
        case .other: return "其他"
        }
    }
}
