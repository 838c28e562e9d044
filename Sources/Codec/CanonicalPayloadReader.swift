import Core
import Foundation

/// Reads one payload in the canonical shape; every method returns nil (or false) at the first
/// byte that is not exactly what the encoder writes, and the record then takes the general decoder.
struct CanonicalPayloadReader {
    let base: UnsafePointer<UInt8>
    let count: Int
    var i = 0

    init(_ base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    /// Reads the payload: nil for a type read by the general decoder, or any deviation.
    static func read(_ base: UnsafePointer<UInt8>, count: Int, _ scratch: inout ReadScratch) -> RawEvent? {
        var event = RawEvent()
        return read(base, count: count, &scratch, into: &event) ? event : nil
    }

    /// The same into `event` where it lies (a batch's slot: no copy of the event per record);
    /// false, with `event` a general one, when the general decoder is to read the payload.
    static func read(_ base: UnsafePointer<UInt8>, count: Int, _ scratch: inout ReadScratch, into event: inout RawEvent) -> Bool {
        event = RawEvent()
        // `…,"type":"<type>","v":1}`: the type is found from the end (members are in sorted
        // order, so it follows the data), then everything is read from the start.
        let suffix: StaticString = "\",\"v\":1}"
        let typeIntro: StaticString = ",\"type\":\""
        guard count > 40, matches(base + (count - suffix.utf8CodeUnitCount), suffix) else { return false }
        let typeEnd = count - suffix.utf8CodeUnitCount
        var q = typeEnd - 1
        while q > 0, base[q] != quote { q -= 1 }
        let introStart = q + 1 - typeIntro.utf8CodeUnitCount
        guard introStart > 0, matches(base + introStart, typeIntro) else { return false }
        let type = UnsafeBufferPointer(start: base + q + 1, count: typeEnd - q - 1)
        let kind: RawEvent.Kind
        if equal(type, "complaint.step") { kind = .step }
        else if equal(type, "inspection.recorded") { kind = .inspection }
        else if equal(type, "contribution.recorded") { kind = .contribution }
        else if equal(type, "contribution.approved") { kind = .approval }
        else if equal(type, "complaint.filed") { kind = .filed }
        else { return false }

        var reader = CanonicalPayloadReader(base, count: introStart)
        guard reader.literal("{\"actor\":"), let actor = reader.name(), reader.literal(",\"at\":"), reader.string() != nil,
              reader.literal(",\"data\":") else { return false }
        event.actor = actor
        let body: Bool
        switch kind {
        case .step: body = reader.step(&event)
        case .inspection: body = reader.inspection(&event, &scratch)
        case .contribution: body = reader.contribution(&event)
        case .approval: body = reader.approval(&event)
        case .filed: body = reader.filed(&event, &scratch.spans)
        case .general: body = false
        }
        guard body else { return false }
        if reader.literal(",\"key\":") {
            guard let key = reader.string() else { return false }
            event.key = key
            event.keyHash = KeySet.hash(utf8: UnsafeRawBufferPointer(start: base + Int(key.start), count: Int(key.count)))
        }
        // The data and the key end exactly where the type begins.
        guard reader.i == reader.count else { return false }
        // Only now: a payload declined part way is a general one, whatever was filled in.
        event.kind = kind
        return true
    }

    // MARK: The bodies, members in sorted order

    /// `{"action":{…},"date":"…"[,"note":"…"],"receipt":"…"}`
    mutating func step(_ event: inout RawEvent) -> Bool {
        guard literal("{\"action\":{") else { return false }
        if literal("\"accept\":{}") { event.step = .accept }
        else if literal("\"close\":{}") { event.step = .close }
        else if literal("\"mediate\":{}") { event.step = .mediate }
        else if literal("\"followUp\":{\"satisfaction\":") {
            guard let s = name(), code(s, Self.satisfactions) != nil, literal("}") else { return false }
            event.step = .followUp
            event.b = s
        } else if let kind = oneNameAction() {
            guard let s = name(), literal("}") else { return false }
            event.step = kind
            event.b = s
        } else if literal("\"resolve\":{") {
            if literal("\"amountFen\":") {
                guard let amount = integer(), literal(",") else { return false }
                event.number = amount
                event.hasNumber = true
            }
            guard literal("\"outcome\":"), let s = string() else { return false }
            // The finding (属实 or not); a resolution recorded before it existed was upheld.
            event.flag = true
            if literal(",\"upheld\":") {
                if literal("false") { event.flag = false } else if !literal("true") { return false }
            }
            guard literal("}") else { return false }
            event.step = .resolve
            event.b = s
        } else {
            return false
        }
        guard literal("},\"date\":"), let day = date() else { return false }
        event.day = day
        guard optional(",\"note\":", into: &event.c) else { return false }
        guard literal(",\"receipt\":"), let receipt = name(), literal("}") else { return false }
        event.a = receipt
        return true
    }

    /// The kind of an action whose one member names something (a department, a reason), its
    /// opening consumed up to that name.
    mutating func oneNameAction() -> ComplaintStepKind? {
        if literal("\"forward\":{\"department\":") { return .forward }
        if literal("\"reject\":{\"reason\":") { return .reject }
        if literal("\"terminate\":{\"reason\":") { return .terminate }
        return nil
    }

    /// `{"checklistVersion":n,"date":"…","inspector":"…","outcomes":[…],"shop":"…"}`
    mutating func inspection(_ event: inout RawEvent, _ scratch: inout ReadScratch) -> Bool {
        guard literal("{\"checklistVersion\":"), let version = integer(), literal(",\"date\":"), let day = date(),
              literal(",\"inspector\":"), let inspector = name(), literal(",\"outcomes\":[") else { return false }
        event.number = version
        event.day = day
        event.b = inspector
        event.listStart = UInt32(scratch.outcomes.count)
        let blockStart = i
        if let seen = scratch.blocks.match(base + i, available: count - i) {
            // The same bytes as a block of plain passes this task read before: the same items.
            i += seen.count
            event.flag = true
            event.skipped = true
            event.c = ByteSpan(start: UInt32(blockStart), count: UInt32(seen.count), hash: seen.hash)
        } else {
            guard let plain = outcomeList(&scratch.outcomes) else { return false }
            event.listCount = UInt32(scratch.outcomes.count) - event.listStart
            // Every outcome a plain pass: the outcomes' bytes (the same checklist, inspection after
            // inspection) stand for the list of items, looked up whole when folded.
            event.flag = plain
            if plain {
                event.c = ByteSpan(start: UInt32(blockStart), count: UInt32(i - blockStart), hash: ByteKeyTable.hash(base + blockStart, i - blockStart))
                scratch.blocks.note(base + blockStart, count: i - blockStart, hash: event.c.hash)
            }
        }
        guard literal(",\"shop\":"), let shop = name(), literal("}") else { return false }
        event.a = shop
        return true
    }

    /// The outcomes after `"outcomes":[`, through the closing `]`: whether all are plain passes,
    /// nil if they are not in the canonical shape.
    mutating func outcomeList(_ outcomes: inout [RawOutcome]) -> Bool? {
        var plain = true
        if literal("]") { return plain }
        repeat {
            // `{"item":"…"[,"note":"…"],"result":"…"[,"severity":"…"]}`
            guard literal("{\"item\":"), let item = name() else { return nil }
            var outcome = RawOutcome(item: item, note: .none, result: .pass, severity: nil)
            guard optional(",\"note\":", into: &outcome.note) else { return nil }
            guard literal(",\"result\":"), let resultText = string(), let result = value(resultText, Self.results) else { return nil }
            outcome.result = result
            if literal(",\"severity\":") {
                guard let severityText = string(), let severity = value(severityText, Self.severities) else { return nil }
                outcome.severity = severity
            }
            guard literal("}") else { return nil }
            outcomes.append(outcome)
            if outcome.result != .pass || outcome.severity != nil || !outcome.note.isNone { plain = false }
        } while literal(",")
        return literal("]") ? plain : nil
    }

    /// `{"date":"…","evidence":"…","kind":"…","points":n,"shop":"…"}`
    mutating func contribution(_ event: inout RawEvent) -> Bool {
        guard literal("{\"date\":"), let day = date(), literal(",\"evidence\":"), let evidence = string(),
              literal(",\"kind\":"), let kind = string(), let kindCode = code(kind, Self.contributionKinds),
              literal(",\"points\":"), let points = integer(), literal(",\"shop\":"), let shop = name(), literal("}") else { return false }
        event.day = day
        event.b = evidence
        event.code = kindCode
        event.number = points
        event.a = shop
        return true
    }

    /// `{"target":n}`
    mutating func approval(_ event: inout RawEvent) -> Bool {
        guard literal("{\"target\":"), let target = integer(), target >= 0, literal("}") else { return false }
        event.number = target
        return true
    }

    /// `{["amountFen":n,]"category":"…","consentToContact":b[,"consumerName":"…"][,"consumerPhone":"…"],"date":"…",
    /// "integrity":"…","receipt":"…"[,"shop":"…"],"text":"…","wants":[…]}`
    mutating func filed(_ event: inout RawEvent, _ spans: inout [ByteSpan]) -> Bool {
        guard literal("{") else { return false }
        if literal("\"amountFen\":") {
            guard let amount = integer(), literal(",") else { return false }
            event.number = amount
            event.hasNumber = true
        }
        guard literal("\"category\":"), let category = name(), literal(",\"consentToContact\":") else { return false }
        event.c = category
        if literal("true") { event.flag = true } else if !literal("false") { return false }
        guard optional(",\"consumerName\":", into: &event.e), optional(",\"consumerPhone\":", into: &event.f) else { return false }
        guard literal(",\"date\":"), let day = date(), literal(",\"integrity\":"), let integrity = string(),
              let integrityCode = code(integrity, Self.integrities), literal(",\"receipt\":"), let receipt = name() else { return false }
        event.day = day
        event.code = integrityCode
        event.a = receipt
        guard optional(",\"shop\":", name: true, into: &event.b) else { return false }
        guard literal(",\"text\":"), let text = string(), literal(",\"wants\":[") else { return false }
        event.d = text
        event.listStart = UInt32(spans.count)
        if !literal("]") {
            repeat {
                guard let want = name() else { return false }
                spans.append(want)
            } while literal(",")
            guard literal("]") else { return false }
        }
        event.listCount = UInt32(spans.count) - event.listStart
        return literal("}")
    }

    // MARK: Tokens

    /// An optional string member (`member` is its `,"name":`): when present, its text (or, with
    /// `name`, its text and hash) goes into `target`, which stays as it is when the member is left
    /// out. False when it is there but not a string as the encoder writes one.
    mutating func optional(_ member: StaticString, name: Bool = false, into target: inout ByteSpan) -> Bool {
        guard literal(member) else { return true }
        guard let value = name ? self.name() : string() else { return false }
        target = value
        return true
    }

    /// Consumes `text` if the bytes at the cursor are exactly it (compared eight bytes at a time).
    @inline(__always)
    mutating func literal(_ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard count - i >= n, Self.matches(base + i, text) else { return false }
        i += n
        return true
    }

    @inline(__always)
    static func matches(_ p: UnsafePointer<UInt8>, _ text: StaticString) -> Bool {
        ByteKeyTable.same(p, text.utf8Start, text.utf8CodeUnitCount)
    }

    static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        guard let start = bytes.baseAddress else { return text.utf8CodeUnitCount == 0 }
        return bytes.count == text.utf8CodeUnitCount && matches(start, text)
    }

    /// A string without escapes or control characters, in valid UTF-8: its bytes are then
    /// exactly the decoded string's. Eight bytes at a time until one of them is a quote, a
    /// backslash or a control character, then byte by byte.
    mutating func string() -> ByteSpan? {
        guard i < count, base[i] == Self.quote else { return nil }
        let start = i + 1
        var j = start
        var seen: UInt64 = 0
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        while j + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self)
            let quotes = word ^ 0x2222_2222_2222_2222, backslashes = word ^ 0x5C5C_5C5C_5C5C_5C5C
            // A zero byte in `quotes` or `backslashes`, or a byte below 0x20 in `word` (exact as to
            // whether there is one; which one is found byte by byte).
            let stop = ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes) | ((word &- 0x2020_2020_2020_2020) & ~word)
            if stop & highs != 0 { break }
            seen |= word
            j += 8
        }
        var ascii = seen & highs == 0
        while j < count {
            let byte = base[j]
            if byte == Self.quote { break }
            if byte == Self.backslash || byte < 0x20 { return nil }
            if byte >= 0x80 { ascii = false }
            j += 1
        }
        guard j < count, ascii || Self.validUTF8(base + start, count: j - start) else { return nil }
        i = j + 1
        return ByteSpan(start: UInt32(start), count: UInt32(j - start))
    }

    /// A string that names something (a shop, a person, a checklist item, a code), with its hash.
    mutating func name() -> ByteSpan? {
        guard var span = string() else { return nil }
        span.hash = ByteKeyTable.hash(base + Int(span.start), Int(span.count))
        return span
    }

    /// An integer as the encoder writes one: an optional minus, digits, no leading zero, at most
    /// 18 digits (a longer one goes to the general decoder, which knows the limits of `Int`).
    mutating func integer() -> Int64? {
        var j = i
        let negative = j < count && base[j] == UInt8(ascii: "-")
        if negative { j += 1 }
        let first = j
        var value: Int64 = 0
        while j < count, base[j] >= UInt8(ascii: "0"), base[j] <= UInt8(ascii: "9") {
            if j - first == 18 { return nil }
            value = value * 10 + Int64(base[j] - UInt8(ascii: "0"))
            j += 1
        }
        guard j > first, !(base[first] == UInt8(ascii: "0") && j - first > 1), !(negative && value == 0) else { return nil }
        i = j
        return negative ? -value : value
    }

    /// A date `"YYYY-MM-DD"` (digits only), as its day number.
    mutating func date() -> Int32? {
        guard count - i >= 12, base[i] == Self.quote, base[i + 11] == Self.quote,
              base[i + 5] == UInt8(ascii: "-"), base[i + 8] == UInt8(ascii: "-") else { return nil }
        func digits(_ from: Int, _ n: Int) -> Int? {
            var value = 0
            for k in from..<from + n {
                let byte = base[i + k]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let y = digits(1, 4), let m = digits(6, 2), let d = digits(9, 2), let date = SimpleDate(year: y, month: m, day: d) else { return nil }
        i += 12
        return Int32(date.dayNumber)
    }

    /// The position of the span's text among `values` (an enumeration's raw values, in case order).
    func code<T: Sendable>(_ span: ByteSpan, _ values: CaseTexts<T>) -> UInt8? {
        guard span.count <= 16 else { return nil }
        let text = PackedText(base + Int(span.start), count: Int(span.count))
        for (k, value) in values.texts.enumerated() where value == text { return UInt8(k) }
        return nil
    }

    /// The case whose raw value is the span's text.
    func value<T: Sendable>(_ span: ByteSpan, _ values: CaseTexts<T>) -> T? {
        code(span, values).map { values.cases[Int($0)] }
    }

    /// An enumeration's cases and their raw values, in case order.
    struct CaseTexts<T: Sendable>: Sendable {
        let cases: [T]
        let texts: [PackedText]
    }

    /// Up to 16 bytes of text in two words, compared at once.
    struct PackedText: Equatable {
        var low: UInt64 = 0, high: UInt64 = 0, count = 0

        init() {}

        init(_ p: UnsafePointer<UInt8>, count n: Int) {
            count = n
            for k in 0..<min(n, 16) {
                if k < 8 { low |= UInt64(p[k]) << (8 * UInt64(k)) } else { high |= UInt64(p[k]) << (8 * UInt64(k - 8)) }
            }
        }
    }

    static func rawValues<T: CaseIterable & RawRepresentable & Sendable>(_: T.Type) -> CaseTexts<T> where T.RawValue == String {
        let cases = Array(T.allCases)
        return CaseTexts(cases: cases, texts: cases.map { value in
            let bytes = Array(value.rawValue.utf8)
            precondition(bytes.count <= 16, "raw values read in place are at most 16 bytes")
            return bytes.withUnsafeBufferPointer { buffer in buffer.baseAddress.map { PackedText($0, count: bytes.count) } ?? PackedText() }
        })
    }

    static let results = rawValues(ItemOutcome.Result.self)
    static let severities = rawValues(Severity.self)
    static let satisfactions = rawValues(ComplaintAction.Satisfaction.self)
    static let contributionKinds = rawValues(ContributionKind.self)
    static let integrities = rawValues(Integrity.self)

    /// Whether the bytes are well-formed UTF-8 (Unicode 15, table 3-7: no overlong forms, no
    /// surrogates, nothing above U+10FFFF).
    static func validUTF8(_ p: UnsafePointer<UInt8>, count n: Int) -> Bool {
        var k = 0
        while k < n {
            let b0 = p[k]
            if b0 < 0x80 { k += 1; continue }
            func continuation(_ at: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
                at < n && p[at] >= low && p[at] <= high
            }
            switch b0 {
            case 0xC2...0xDF:
                guard continuation(k + 1) else { return false }
                k += 2
            case 0xE0:
                guard continuation(k + 1, 0xA0), continuation(k + 2) else { return false }
                k += 3
            case 0xE1...0xEC, 0xEE...0xEF:
                guard continuation(k + 1), continuation(k + 2) else { return false }
                k += 3
            case 0xED:
                guard continuation(k + 1, 0x80, 0x9F), continuation(k + 2) else { return false }
                k += 3
            case 0xF0:
                guard continuation(k + 1, 0x90), continuation(k + 2), continuation(k + 3) else { return false }
                k += 4
            case 0xF1...0xF3:
                guard continuation(k + 1), continuation(k + 2), continuation(k + 3) else { return false }
                k += 4
            case 0xF4:
                guard continuation(k + 1, 0x80, 0x8F), continuation(k + 2), continuation(k + 3) else { return false }
                k += 4
            default:
                return false
            }
        }
        return true
    }
}
