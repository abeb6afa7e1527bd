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
        var rest = Substring(key)
        var prefix = ""
        // Province, then prefecture, then county level; each at most once.
        for suffixes in [["省", "自治区"], ["市", "州", "盟", "地区"], ["县", "区", "旗", "市"]] {
            if let (part, remainder) = Self.leadingDivision(rest, endingIn: suffixes) {
                prefix += part
                rest = remainder
            }
        }
        for suffix in ["人民政府", "政府", "办事处"] where rest.hasSuffix(suffix) && rest.count > suffix.count + 1 {
            rest = rest.dropLast(suffix.count)
            break
        }
        self.prefix = prefix
        self.core = String(rest)
    }

    /// A place name of 2–6 characters ending in one of `suffixes`, leaving at
    /// least two characters of name after it.
    private static func leadingDivision(_ text: Substring, endingIn suffixes: [String]) -> (String, Substring)? {
        let characters = Array(text)
        guard characters.count >= 4 else { return nil }
        for length in 2...min(7, characters.count - 2) {
            let candidate = String(characters[0..<length])
            for suffix in suffixes where candidate.hasSuffix(suffix) && candidate.count > suffix.count {
                // "开发区", "工业园区" and the like are units, not divisions.
                if ["开发区", "园区", "新区", "高新区", "示范区", "景区", "社区", "片区"].contains(where: candidate.hasSuffix) { continue }
                return (candidate, text.dropFirst(length))
            }
        }
        return nil
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
