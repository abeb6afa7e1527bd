import Foundation

/// Which unit, year and period a document is about, found as a person finds
/// them, with the evidence for each (`fiscal inspect` shows it).
///
/// The unit, in this order:
/// 1. a label and its value — 单位名称, 预算部门、单位名称, 部门（单位）名称,
///    部门, 填报单位, 编制单位, 发布机构 — the value after a colon in the same
///    cell, in the next cell, or on the next non-empty line;
/// 2. the title (the first lines, and the headings of a package's parts):
///    "X人民政府2024年度…自评报告", "X2019年部门决算", "2021年X“三公”经费决算…",
///    or a line that is only a unit's name;
/// 3. else the full name (with its county: …县…镇人民政府) stated most often
///    in the text, when one clearly leads.
///
/// A short form (我镇, 本单位, 白仓镇, 财政局) is never a unit by itself; a name
/// that resolves to one known unit (``knownUnit``) is that unit. Sources that
/// name different units are a ``unitConflict``: the import stops and lists them
/// unless `--unit` is given.
///
/// The year is the title's or a part heading's; "截止2024年12月31日" is the
/// year's end. The period: 上半年, 1-6月 … in the title or a heading make the
/// document's executed figures year-to-date (``StatedPeriod``).
///
/// ```swift
/// let identity = DocumentIdentity.find(rows, knownUnit: { _ in nil })
/// identity.unit          // "青禾县石门镇人民政府"
/// identity.unitEvidence  // [label 单位名称 (line 4) …]
/// ```
public struct DocumentIdentity: Sendable {
    /// One place that names the unit or the year.
    public struct Evidence: Sendable, Equatable {
        public enum Source: String, Sendable {
            case label, title, frequency, signature, publisher
        }
        public var source: Source
        /// The unit's name as the document writes it, or the year.
        public var value: String
        public var location: String
        public var text: String
        /// Why it was set aside, when it was.
        public var note: String?
    }

    public var unit: String?
    /// Everything that names a unit: the used evidence first, then the rest.
    public var unitEvidence: [Evidence] = []
    /// Sources naming different units (the import stops and lists them).
    public var unitConflict: [Evidence] = []
    public var year: Int?
    public var yearEvidence: Evidence?
    /// The document's period, from its title or a heading; nil when none is stated.
    public var period: StatedPeriod?
    public var periodEvidence: Evidence?

    /// Resolves a name to a known unit's full name (nil when none or several).
    public typealias KnownUnit = (String) -> String?

    static let labels = ["预算部门、单位名称", "预算部门单位名称", "部门(单位)名称", "单位名称", "部门名称", "预算单位名称",
                         "评价单位", "填报单位", "编制单位", "预算单位", "部门", "单位"]
    static let publisherLabels = ["发布机构", "发布单位", "所属机构", "信息来源", "来源"]

    /// Words that end the unit's part of a title: what the document is.
    static let documentWords = [
        "部门整体支出", "整体支出", "部门决算", "单位决算", "决算公开", "财政决算", "决算报告", "决算情况", "决算说明", "决算",
        "\"三公\"经费", "三公经费", "预算执行", "财政预算", "部门预算", "单位预算", "预算公开", "绩效自评", "绩效评价",
        "自评报告", "财政收支", "收支情况", "关于", "上半年", "前三季度", "一季度",
    ]

    static func find(_ rows: [[TextCell]], knownUnit: KnownUnit?) -> DocumentIdentity {
        var identity = DocumentIdentity()
        let titles = titleRows(rows)
        identity.findYear(rows: rows, titles: titles)
        identity.findPeriod(titles: titles)
        identity.findUnit(rows: rows, titles: titles, knownUnit: knownUnit)
        return identity
    }

    // MARK: - Year and period

    mutating func findYear(rows: [[TextCell]], titles: [TextCell]) {
        for cell in titles where !cell.text.hasPrefix("附件") {
            // "（2024年度）" on its own line under a form's title is its year.
            let yearAlone = TextNormalization.foldWidth(TextNormalization.trim(cell.text))
                .range(of: #"^[(（]?\s*(19|20)[0-9]{2}\s*年度?\s*[)）]?$"#, options: .regularExpression) != nil
            if let year = CellText.leadingYear(cell.text), Self.namesDocument(cell.text) || yearAlone {
                yearEvidence = Evidence(source: .title, value: String(year), location: cell.location, text: cell.text)
                self.year = year
                return
            }
        }
        if let labelled = Self.labelledYear(rows) {
            yearEvidence = labelled
            self.year = Int(labelled.value)
            return
        }
        // "截止2024年12月31日" / "截至2024年底": the state at the year's end.
        for cell in rows.joined() {
            let folded = TextNormalization.foldWidth(cell.text)
            guard let match = folded.range(of: #"截[至止]\s*[0-9]{4}\s*年\s*(12\s*月\s*(31\s*日|底|末)|底|末)"#, options: .regularExpression),
                  let year = CellText.leadingYear(String(folded[match])) else { continue }
            yearEvidence = Evidence(source: .title, value: String(year), location: cell.location, text: cell.text,
                                    note: "the state at the year's end")
            self.year = year
            return
        }
    }

    static let yearLabels = ["所属年度", "评价年度", "填报年度", "报告年度", "预算年度", "决算年度", "年度", "年份"]

    /// "年度：2024年" in a cell, or 年度 | 2024 as a row of its own (a form's
    /// field); a row with more cells is a table's header (年度 | 2023 | 2024), no field.
    static func labelledYear(_ rows: [[TextCell]]) -> Evidence? {
        for row in rows.prefix(40) {
            let cells = row.filter { !TextNormalization.trim($0.text).isEmpty }
            for (index, cell) in cells.enumerated() {
                let folded = TextNormalization.foldWidth(TextNormalization.trim(cell.text))
                guard let (_, rest) = splitLabel(folded, labels: yearLabels) else { continue }
                var value = rest
                var at = cell
                if value.isEmpty {
                    guard cells.count == 2, index == 0 else { continue }
                    value = TextNormalization.foldWidth(TextNormalization.trim(cells[1].text)); at = cells[1]
                }
                let trimmed = TextNormalization.trim(value)
                guard trimmed.range(of: #"^(19|20)[0-9]{2}\s*(年度?)?$"#, options: .regularExpression) != nil,
                      let year = Int(trimmed.prefix(4)) else { continue }
                return Evidence(source: .label, value: String(year), location: at.location,
                                text: at.location == cell.location ? cell.text : "\(cell.text) → \(at.text)")
            }
        }
        return nil
    }

    mutating func findPeriod(titles: [TextCell]) {
        for cell in titles where Self.namesDocument(cell.text) || CellText.leadingYear(cell.text) != nil {
            guard let found = StatedPeriod.find(in: cell.text) else { continue }
            // 全年预算数 in a heading names a column, not the document's period.
            if found.period == .year { continue }
            period = found.period
            periodEvidence = Evidence(source: .title, value: found.period.description, location: cell.location, text: cell.text)
            return
        }
    }

    /// Whether a line says what the document is (a title, not a sentence).
    static func namesDocument(_ text: String) -> Bool {
        let key = TextNormalization.key(text)
        return ["报告", "决算", "自评表", "基础数据表", "说明", "情况", "预算", "汇总表", "统计表", "公开", "一览表"]
            .contains { key.contains($0) } && !key.contains("。")
    }

    /// A portal's fields in a row ("[ 索引号 ] … | [ 发布机构 ] 丰溪县财政局"): no table.
    static func isMetadata(_ cells: [TextCell]) -> Bool {
        cells.allSatisfy { cell in
            let text = TextNormalization.foldWidth(TextNormalization.trim(cell.text))
            return text.hasPrefix("[") || text.hasPrefix("【") || text.range(of: #"^[^:：]{1,8}[:：]"#, options: .regularExpression) != nil
        }
    }

    /// A line of prose, not a title: "根据《青禾县财政局关于…的通知》要求，现将…说明如下：".
    static func isSentence(_ text: String) -> Bool {
        let folded = TextNormalization.foldWidth(text)
        return folded.contains("。") || folded.hasSuffix(":") || folded.hasSuffix("：")
            || ["根据", "按照", "依据", "为了", "现将", "经"].contains { folded.hasPrefix($0) } && folded.contains("，")
    }

    /// The document's first non-empty lines, up to its table of contents (目录).
    static func leadingTitleRows(_ rows: [[TextCell]]) -> [TextCell] {
        var titles: [TextCell] = []
        for row in rows.prefix(40) {
            let cells = row.filter { !TextNormalization.trim($0.text).isEmpty }
            guard cells.count == 1, let cell = cells.first else {
                if !cells.isEmpty && !isMetadata(cells) { break }
                continue
            }
            let text = TextNormalization.trim(cell.text)
            if TextNormalization.key(text) == "目录" || text.count > 60 || isSentence(text) || titles.count >= 12 { break }
            titles.append(cell)
        }
        return titles
    }

    /// The document's first non-empty lines, and the headings of its parts.
    static func titleRows(_ rows: [[TextCell]]) -> [TextCell] {
        var titles: [TextCell] = []
        var leading = 0
        for row in rows {
            let cells = row.filter { !TextNormalization.trim($0.text).isEmpty }
            guard cells.count == 1, let cell = cells.first else {
                if !cells.isEmpty && !isMetadata(cells) { leading = 99 }     // a table: the title is above it
                continue
            }
            let text = TextNormalization.trim(cell.text)
            let short = text.count <= 60 && !isSentence(text)
            if leading < 12 && short {
                titles.append(cell)
                leading += 1
            } else if short && namesDocument(text) && (text.contains("自评") || text.contains("基础数据表") || text.contains("决算")
                                                        || text.contains("三公") || text.contains("预算执行")) {
                titles.append(cell)
            } else {
                leading = 99
            }
        }
        return titles
    }

    // MARK: - Unit

    mutating func findUnit(rows: [[TextCell]], titles: [TextCell], knownUnit: KnownUnit?) {
        var named: [Evidence] = []       // label and title evidence, in that order
        var shortForms: [Evidence] = []
        func specific(_ evidence: Evidence) -> Evidence? {
            if UnitNameText.isSpecific(evidence.value) { return evidence }
            guard let known = knownUnit?(evidence.value) else { return nil }
            var resolved = evidence
            resolved.value = known
            resolved.text = "\(evidence.text) (\(evidence.value): a known unit)"
            return resolved
        }
        func consider(_ evidence: Evidence) {
            if let resolved = specific(evidence) {
                named.append(resolved)
            } else {
                var set = evidence
                set.note = "a short form that names no known unit"
                shortForms.append(set)
            }
        }
        for evidence in Self.labelled(rows, labels: Self.labels, source: .label) { consider(evidence) }
        for cell in titles {
            if let name = Self.titleUnit(cell.text) {
                consider(Evidence(source: .title, value: name, location: cell.location, text: cell.text))
            }
        }
        // The publisher (发布机构, 来源) is often the finance bureau or the parent
        // department: it names the unit only when nothing else does, or when it
        // spells out a short form of the title ("关于石门镇…" published by 青禾县石门镇人民政府).
        let publishers = Self.labelled(rows, labels: Self.publisherLabels, source: .publisher).compactMap(specific)
        let frequent = Self.mostFrequentFullName(rows)
        // A report ends with the unit that issues it and the date ("云岭县河口镇人民政府 / 2024年7月25日").
        let signature = Self.signature(rows).flatMap(specific)
        var setAside: [Evidence] = []
        if named.isEmpty, let frequent {
            named.append(frequent)
        } else if named.isEmpty, let signature {
            named.append(signature)
        } else if named.isEmpty,
                  let publisher = publishers.first(where: { publisher in shortForms.contains { UnitNameText.sameUnit($0.value, publisher.value) } })
                    ?? publishers.first {
            named.append(publisher)
        }
        // Other sources that agree give the fullest spelling; those that disagree are set aside.
        for evidence in ([frequent, signature].compactMap { $0 } + publishers) where !named.contains(evidence) {
            if let first = named.first, UnitNameText.sameUnit(first.value, evidence.value) {
                named.append(evidence)
            } else {
                var set = evidence
                set.note = evidence.source == .publisher ? "the publisher, not needed" : "not needed: a label or the title names the unit"
                setAside.append(set)
            }
        }
        if let chosen = named.first {
            var distinct: [Evidence] = [chosen]
            for evidence in named.dropFirst() where !distinct.contains(where: { UnitNameText.sameUnit($0.value, evidence.value) }) {
                distinct.append(evidence)
            }
            if distinct.count > 1 {
                unitConflict = distinct
            } else {
                // The most specific spelling of the unit: "邵阳县白仓镇人民政府" over "白仓镇人民政府".
                unit = named.max { UnitNameText.specificity($0.value) < UnitNameText.specificity($1.value) }!.value
            }
        }
        unitEvidence = named + setAside + shortForms
    }

    /// The unit a document ends with, above its date: a line that is only a
    /// unit's name among the last lines.
    static func signature(_ rows: [[TextCell]]) -> Evidence? {
        let lines = rows.suffix(8).compactMap { row -> TextCell? in
            let cells = row.filter { !TextNormalization.trim($0.text).isEmpty }
            return cells.count == 1 ? cells[0] : nil
        }
        for cell in lines.reversed() {
            let name = UnitNameText.clean(cell.text)
            if UnitNameText.isPlausible(name) && UnitNameText.looksLikeUnit(name) && TextNormalization.key(name) == TextNormalization.key(cell.text) {
                return Evidence(source: .signature, value: name, location: cell.location, text: cell.text)
            }
        }
        return nil
    }

    /// Label cells and their values.
    static func labelled(_ rows: [[TextCell]], labels: [String], source: Evidence.Source) -> [Evidence] {
        var found: [Evidence] = []
        for (rowIndex, row) in rows.enumerated() {
            for (index, cell) in row.enumerated() {
                let folded = TextNormalization.foldWidth(TextNormalization.trim(cell.text))
                guard let (_, rest) = splitLabel(folded, labels: labels) else { continue }
                var value = UnitNameText.clean(rest)
                var at = cell
                if value.isEmpty {
                    // The next non-empty cell of the row; else, for a label alone on its
                    // line (one cell per line), the next non-empty line when it is alone too.
                    // A label among other headings is a column header, not a field.
                    let others = row.enumerated().filter { $0.offset != index && !TextNormalization.trim($0.element.text).isEmpty }
                    if let next = others.first(where: { $0.offset > index })?.element {
                        value = UnitNameText.clean(next.text); at = next
                    } else if others.isEmpty,
                              let next = rows[(rowIndex + 1)...].first(where: { $0.contains { !TextNormalization.trim($0.text).isEmpty } }),
                              next.filter({ !TextNormalization.trim($0.text).isEmpty }).count == 1,
                              let only = next.first(where: { !TextNormalization.trim($0.text).isEmpty }) {
                        value = UnitNameText.clean(only.text); at = only
                    }
                }
                guard UnitNameText.isPlausible(value), UnitNameText.looksLikeUnit(value) else { continue }
                found.append(Evidence(source: source, value: value, location: at.location,
                                      text: at.location == cell.location ? cell.text : "\(cell.text) → \(at.text)"))
            }
        }
        return found
    }

    /// "单位名称：X" → ("单位名称", "X"); "预算部门、单位名称" → (…, ""). Only a
    /// cell that starts with a label counts: "主管部门" and sentences do not.
    static func splitLabel(_ text: String, labels: [String]) -> (String, String)? {
        // "[ 发布机构 ] X", "• 发布机构", "- 发布机构: X": brackets and bullets around the label.
        var text = text.replacingOccurrences(of: #"^[\s\[【•·*\-|]+"#, with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: #"^([^\]】]{2,12})\s*[\]】]\s*"#, with: "$1：", options: .regularExpression)
        let key = TextNormalization.key(text)
        for label in labels {
            let variants = [label, label.replacingOccurrences(of: "(", with: "（").replacingOccurrences(of: ")", with: "）")]
            for variant in variants where key.hasPrefix(TextNormalization.key(variant)) {
                var rest = String(key.dropFirst(TextNormalization.key(variant).count))
                // "单位名称（盖章）：" — a stamp note before the colon.
                rest = rest.replacingOccurrences(of: #"^[(（][^)）]{0,6}[)）]"#, with: "", options: .regularExpression)
                if rest.isEmpty { return (label, "") }
                guard rest.hasPrefix(":") || rest.hasPrefix("：") else { continue }
                // The value as written (spaces kept): after the first colon of the cell.
                guard let colon = text.firstIndex(where: { $0 == ":" || $0 == "：" }) else { continue }
                return (label, String(text[text.index(after: colon)...]))
            }
        }
        return nil
    }

    /// The unit in a title line: before the year or the words that say what the
    /// document is, or after a leading year; or a line that is only a name.
    static func titleUnit(_ line: String) -> String? {
        var text = TextNormalization.foldWidth(TextNormalization.trim(line))
        text = text.replacingOccurrences(of: "“", with: "\"").replacingOccurrences(of: "”", with: "\"")
        text = text.replacingOccurrences(of: #"^(标题|题名|名称)\s*[:：]\s*"#, with: "", options: .regularExpression)
        if text.hasPrefix("关于") { text.removeFirst(2) }
        if text.hasPrefix("附件") || text.count > 60 { return nil }
        // The parts of the line between years and document words.
        var pieces: [String] = []
        var current = ""
        var index = text.startIndex
        outer: while index < text.endIndex {
            let rest = text[index...]
            if let match = rest.range(of: #"^(19|20)[0-9]{2}\s*年度?"#, options: .regularExpression) {
                pieces.append(current); current = ""
                index = match.upperBound
                continue
            }
            for word in documentWords where rest.hasPrefix(word) {
                pieces.append(current); current = ""
                break outer
            }
            current.append(text[index])
            index = text.index(after: index)
        }
        if index == text.endIndex { pieces.append(current) }
        for piece in pieces {
            let name = UnitNameText.clean(piece)
            if UnitNameText.isPlausible(name) && UnitNameText.looksLikeUnit(name) { return name }
        }
        return nil
    }

    /// The full unit name (county prefix, name, suffix) stated most often
    /// outside 《titles》, if it is stated at least twice and twice as often as any other.
    static func mostFrequentFullName(_ rows: [[TextCell]]) -> Evidence? {
        var counts: [String: (count: Int, name: String, first: TextCell)] = [:]
        for cell in rows.joined() {
            let text = cell.text.replacingOccurrences(of: #"《[^》]*》"#, with: "", options: .regularExpression)
            for (key, name) in UnitNameText.fullNames(in: text) {
                if var entry = counts[key] {
                    entry.count += 1
                    if name.count > entry.name.count { entry.name = name }
                    counts[key] = entry
                } else {
                    counts[key] = (1, name, cell)
                }
            }
        }
        // Names nested in another stated as often are one statement read two
        // ways: "邵阳县石门镇中心学校" holds "邵阳县石门镇", "年邵阳县白仓镇" holds
        // "邵阳县白仓镇". The school is meant (the longer, extended at its end);
        // a stray character in front is not part of the name (the shorter).
        let all = Array(counts.values)
        let entries = all.filter { entry in
            !all.contains { other in
                other.count == entry.count && other.name != entry.name
                    && ((other.name.hasPrefix(entry.name)) || (entry.name.hasSuffix(other.name)))
            }
        }
        let ranked = entries.sorted { ($0.count, $1.name) > ($1.count, $0.name) }
        guard let top = ranked.first, top.count >= 2, ranked.count < 2 || top.count >= 2 * ranked[1].count else { return nil }
        return Evidence(source: .frequency, value: top.name, location: top.first.location,
                        text: "stated \(top.count) times, first: \(top.first.text.prefix(40))")
    }
}

extension TextCell {
    var location: String { cell ?? "line \(line)" }
}

/// What a unit's name looks like in a document.
enum UnitNameText {
    /// Pronouns and generic words that stand for "this unit" in every document.
    static let generic: Set<String> = [
        "本单位", "我单位", "本部门", "我部门", "本镇", "我镇", "本乡", "我乡", "本局", "我局", "本院", "我院", "本中心",
        "我中心", "本委", "我委", "本办", "我办", "单位", "部门", "本级", "县直", "本街道", "我街道",
    ]

    /// The value of a label or a title piece: trimmed, a stamp note and
    /// trailing punctuation removed, cut where another field starts.
    static func clean(_ text: String) -> String {
        var value = TextNormalization.trim(text)
        // "青禾县教育局    填报日期：2024年3月" — another field after a wide gap.
        if let gap = value.range(of: #"(\s{2,}|\t|\x{3000}|\s+[^\s:：]{2,8}[:：])"#, options: .regularExpression) {
            value = String(value[..<gap.lowerBound])
        }
        value = value.replacingOccurrences(of: #"[(（]\s*(盖章|公章|签章|章)\s*[)）]"#, with: "", options: .regularExpression)
        value = value.trimmingCharacters(in: CharacterSet(charactersIn: ":：，,。；;、 "))
        return TextNormalization.trim(value)
    }

    /// A name a unit could have: 3–40 characters of Chinese, no digits,
    /// no sentence punctuation, not a generic word.
    static func isPlausible(_ name: String) -> Bool {
        let key = TextNormalization.key(name)
        guard (3...40).contains(key.count), !generic.contains(key) else { return false }
        if key.contains("盖章") || key.contains("签字") || key.contains("日期") { return false }
        if key.range(of: #"[0-9。，,；;：:！？!?%<>/|\[\]【】]"#, options: .regularExpression) != nil { return false }
        guard key.unicodeScalars.filter({ (0x4E00...0x9FFF).contains($0.value) }).count * 2 >= key.count else { return false }
        if key.hasPrefix("我") || key.hasPrefix("本") { return false }
        return true
    }

    /// Ends like a unit: a government, a township, a department, a school …
    static func looksLikeUnit(_ name: String) -> Bool {
        let parsed = UnitName(name)
        if ["人民政府", "政府", "办事处"].contains(where: parsed.key.hasSuffix) { return true }
        return parsed.inferredKind != .other && parsed.core.count >= 2
    }

    /// A name that says which unit, not only what kind: it has its county (or
    /// city) in front, or is a government's formal name (白仓镇人民政府).
    /// 白仓镇, 财政局 and 县财政局 are short forms.
    static func isSpecific(_ name: String) -> Bool {
        let parsed = UnitName(name)
        guard looksLikeUnit(name) else { return false }
        if !parsed.prefix.isEmpty && parsed.prefix.count >= 3 { return true }
        return ["人民政府", "办事处"].contains(where: parsed.key.hasSuffix) && parsed.core.count >= 2
            && parsed.inferredKind == .township
    }

    static func specificity(_ name: String) -> Int {
        let parsed = UnitName(name)
        return parsed.prefix.count * 100 + parsed.key.count
    }

    /// Whether two names are one unit: the same name, or the same core with
    /// compatible county prefixes ("白仓镇人民政府" and "邵阳县白仓镇人民政府").
    static func sameUnit(_ a: String, _ b: String) -> Bool {
        let x = UnitName(a)
        let y = UnitName(b)
        if x.key == y.key { return true }
        return x.core == y.core && UnitName.prefixesCompatible(x.prefix, y.prefix)
    }

    static let suffixes = ["人民政府", "办事处", "委员会", "办公室", "服务中心", "中心", "街道", "镇", "乡", "局", "委", "院", "所",
                           "站", "馆", "学校", "中学", "小学", "幼儿园", "医院", "卫生院", "大队", "支队", "队", "处", "厅"]
    /// Characters that cannot start a name: "年邵阳县…" is "2023年" + "邵阳县…".
    static let notAStart: Set<Character> = ["年", "度", "的", "在", "为", "是", "对", "由", "与", "及", "据", "经", "向",
                                           "将", "把", "被", "给", "从", "按", "了", "月", "日", "于"]

    /// Full names in a text: each (identity key, name as written), one per
    /// place the name is stated. A full name has a county-level prefix of at
    /// least three characters (邵阳县) and ends like a unit.
    static func fullNames(in text: String) -> [(String, String)] {
        var result: [(String, String)] = []
        let characters = Array(text)
        var start = 0
        while start < characters.count {
            guard isHan(characters[start]) else { start += 1; continue }
            var end = start
            while end < characters.count, isHan(characters[end]) { end += 1 }
            let run = Array(characters[start..<end])
            // Every reading of the run as a name: where a name ends cannot be told
            // from the characters alone, so each candidate is counted and the name
            // stated everywhere leads (see mostFrequentFullName).
            var seen: [String: Int] = [:]     // key → its place in result
            for from in run.indices where !notAStart.contains(run[from]) {
                for upTo in stride(from: from + 4, through: min(run.count, from + 16), by: 1) {
                    let candidate = String(run[from..<upTo])
                    guard suffixes.contains(where: candidate.hasSuffix) else { continue }
                    let parsed = UnitName(candidate)
                    guard parsed.prefix.count >= 3, candidate.hasPrefix(parsed.prefix), parsed.core.count >= 2,
                          looksLikeUnit(candidate) else { continue }
                    let key = parsed.prefix + "|" + parsed.core
                    if let at = seen[key] {
                        if candidate.count > result[at].1.count { result[at].1 = candidate }    // the fullest spelling
                    } else {
                        seen[key] = result.count
                        result.append((key, candidate))
                    }
                }
            }
            start = end
        }
        return result
    }

    static func isHan(_ character: Character) -> Bool {
        character.unicodeScalars.allSatisfy { (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value) }
    }
}
