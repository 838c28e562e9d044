import Core
import Foundation

// A full replay (no usable snapshot: the first open after an upgrade, or a damaged snapshot) reads
// every record of the log. Most of a busy log is five types — inspections, complaint filings and
// steps, contribution points and their approvals — whose payloads every writer of this format
// writes in one canonical shape: `JSONEncoder` with sorted keys, no spaces, absent optionals left
// out (docs/log-format.md). For those the replay reads the bytes in that shape directly, on every
// core, into spans of the payload (`RawEvent`), and folds the spans into the compact history
// without making a Swift value or string per field: identifiers are interned by their bytes,
// texts copied into the arena as they are.
//
// Anything else — another type, a member out of order or unexpected, an escape sequence in a
// string, a number or a date not as the encoder writes it, invalid UTF-8 — is not guessed at:
// that record goes through the general decoder (`EventCodec.decode`) and `MarketState.apply`,
// exactly as before. So the fast path decides nothing the general one would decide differently;
// ReplayTests folds awkward logs both ways and compares the states.

/// Where one record's payload lies in a buffer that holds many (the log file as read).
public struct PayloadPlace: Sendable, Equatable {
    public var offset: Int
    public var length: Int
    public var sequence: UInt64

    public init(offset: Int, length: Int, sequence: UInt64) {
        self.offset = offset
        self.length = length
        self.sequence = sequence
    }

    /// The place of each of `records` (a million log records: filled on every core). Inlinable, so
    /// that it is specialised where it is called: each record is read where it lies, not copied.
    @inlinable
    public static func of<Records: RandomAccessCollection & Sendable>(
        _ records: Records, _ place: @escaping @Sendable (Records.Element) -> PayloadPlace
    ) -> [PayloadPlace] where Records.Index == Int {
        let count = records.count, first = records.startIndex
        let parts = count < 65_536 ? 1 : 2 * ProcessInfo.processInfo.activeProcessorCount
        return [PayloadPlace](unsafeUninitializedCapacity: count) { buffer, initialized in
            let out = PlaceBuffer(buffer: buffer), per = (count + parts - 1) / parts
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                guard let base = out.buffer.baseAddress else { return }
                for i in (part * per)..<min(count, part * per + per) { (base + i).initialize(to: place(records[first + i])) }
            }
            initialized = count
        }
    }

    /// Each index is written by one part only.
    @usableFromInline
    struct PlaceBuffer: @unchecked Sendable {
        @usableFromInline let buffer: UnsafeMutableBufferPointer<PayloadPlace>

        @usableFromInline
        init(buffer: UnsafeMutableBufferPointer<PayloadPlace>) {
            self.buffer = buffer
        }
    }
}

/// Bytes inside one payload: `start` from the payload's first byte.
struct ByteSpan: Equatable {
    var start: UInt32
    var count: UInt32
    /// For a name (looked up by its bytes when folded), its `ByteKeyTable.hash`, worked out by the
    /// reading task; 0 for other text.
    var hash: UInt32 = 0
    /// An absent optional.
    static let none = ByteSpan(start: 0, count: .max)
    var isNone: Bool { count == .max }
}

/// One payload of a bulk type, read in place. Which fields mean what depends on `kind`:
///
/// | kind | code | number | day | a | b | c | d | e | list |
/// |---|---|---|---|---|---|---|---|---|---|
/// | inspection | – | checklist version | date | shop | inspector | the outcomes' bytes if `flag` (all plain passes) | | | outcomes |
/// | filed | integrity | amount (if `hasNumber`) | date | receipt | shop? | category | text | name? (`f` phone?) | wants |
/// | step | – (`step`: the action's kind); `flag`: a resolution upheld | resolve's amount (if `hasNumber`) | date | receipt | reason, department, satisfaction or outcome | note? | | | |
/// | contribution | kind | points | date | shop | evidence | | | | |
/// | approval | | target | | | | | | | |
struct RawEvent {
    enum Kind: UInt8 {
        /// Not read in place: decoded by the general decoder.
        case general, inspection, filed, step, contribution, approval
    }

    var kind = Kind.general
    var code: UInt8 = 0
    /// A step's kind of action.
    var step = ComplaintStepKind.accept
    var flag = false
    var hasNumber = false
    var day: Int32 = 0
    var number: Int64 = 0
    var actor = ByteSpan.none
    var key = ByteSpan.none
    /// The idempotency key's hash (`KeySet.hash`), worked out by the reading task.
    var keyHash: UInt128 = 0
    var a = ByteSpan.none, b = ByteSpan.none, c = ByteSpan.none, d = ByteSpan.none, e = ByteSpan.none, f = ByteSpan.none
    /// An inspection whose outcomes were not read one by one: its block `c` is byte for byte one
    /// the same task read before (so the fold has seen it).
    var skipped = false
    /// Outcomes (inspection) or wants (filed): a range of the reading worker's side arrays.
    var listStart: UInt32 = 0
    var listCount: UInt32 = 0
}

/// An inspection's outcome, read in place.
struct RawOutcome {
    var item: ByteSpan
    var note: ByteSpan
    var result: ItemOutcome.Result
    var severity: Severity?
}

/// What one reading task keeps: its side arrays for the batch, and the blocks of plain outcomes
/// it read lately.
struct ReadScratch {
    var outcomes: [RawOutcome] = []
    var spans: [ByteSpan] = []
    var blocks = SeenBlocks()
}

/// The last few distinct blocks of plain-pass outcomes a task read, by where their bytes lie (in
/// the buffer being replayed, which stays in place for the whole replay).
struct SeenBlocks {
    private var entries: [(pointer: UnsafePointer<UInt8>, count: Int, hash: UInt32)] = []
    private var next = 0

    /// The block whose bytes are at `p`, if one seen lately has exactly those bytes.
    func match(_ p: UnsafePointer<UInt8>, available: Int) -> (count: Int, hash: UInt32)? {
        for entry in entries where entry.count <= available && memcmp(entry.pointer, p, entry.count) == 0 { return (entry.count, entry.hash) }
        return nil
    }

    mutating func note(_ p: UnsafePointer<UInt8>, count: Int, hash: UInt32) {
        if entries.count < 4 {
            entries.append((p, count, hash))
        } else {
            entries[next] = (p, count, hash)
            next = (next + 1) % entries.count
        }
    }
}

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

/// Byte strings mapped to numbers (symbols, complaint rows) for the length of a replay: an
/// open-addressing table over the bytes themselves, so that a name seen a hundred thousand
/// times is hashed as bytes, not made into a `String` each time.
struct ByteKeyTable {
    private struct Slot {
        var hash: UInt32 = 0
        var value: UInt32 = 0
        var offset: UInt32 = 0
        var length: UInt32 = 0
    }

    private var slots = [Slot](repeating: Slot(), count: 1024)
    private var keys: [UInt8] = []
    private var used = 0

    /// The value stored for these bytes.
    func value(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt32) -> UInt32? {
        let mask = slots.count - 1
        var k = Int(h) & mask
        return slots.withUnsafeBufferPointer { slots in
            keys.withUnsafeBufferPointer { keys in
                guard let stored = keys.baseAddress else { return nil }
                while slots[k].hash != 0 {
                    let slot = slots[k]
                    if slot.hash == h, Int(slot.length) == n, Self.same(stored + Int(slot.offset), p, n) {
                        return slot.value
                    }
                    k = (k + 1) & mask
                }
                return nil
            }
        }
    }

    /// Whether `n` bytes at `a` and at `b` are the same (eight at a time, then one at a time).
    @inline(__always)
    static func same(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n > 64 { return memcmp(a, b, n) == 0 }
        var k = 0
        while k + 8 <= n {
            guard UnsafeRawPointer(a + k).loadUnaligned(as: UInt64.self) == UnsafeRawPointer(b + k).loadUnaligned(as: UInt64.self) else { return false }
            k += 8
        }
        while k < n {
            guard a[k] == b[k] else { return false }
            k += 1
        }
        return true
    }

    /// Stores a value for bytes not stored yet.
    mutating func insert(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt32, value: UInt32) {
        if (used + 1) * 2 > slots.count { grow() }
        let offset = UInt32(keys.count)
        keys.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        place(Slot(hash: h, value: value, offset: offset, length: UInt32(n)))
        used += 1
    }

    private mutating func place(_ slot: Slot) {
        let mask = slots.count - 1
        var k = Int(slot.hash) & mask
        while slots[k].hash != 0 { k = (k + 1) & mask }
        slots[k] = slot
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        for slot in old where slot.hash != 0 { place(slot) }
    }

    /// A hash of the bytes, never 0 (0 marks an empty slot).
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt32 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var k = 0
        let raw = UnsafeRawPointer(p)
        while k + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            k += 8
        }
        var tail: UInt64 = 0, shift: UInt64 = 0
        while k < n {
            tail |= UInt64(p[k]) << shift
            shift += 8
            k += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        // The high half: every byte has reached it through the multiplications.
        let high = UInt32(truncatingIfNeeded: h >> 32)
        return high == 0 ? 1 : high
    }
}

/// What a replay keeps between records: the symbols, complaint rows and item lists already
/// looked up by their bytes, and the idempotency keys' hashes (filed with the others at the end).
struct ReplayNames {
    private var symbols = ByteKeyTable()
    private var receipts = ByteKeyTable()
    private var itemLists = ByteKeyTable()
    private var outcomeBlocks = ByteKeyTable()
    /// Scratch for a list of symbols — an inspection's items, a complaint's wishes — its capacity
    /// reused from one list to the next.
    var items: [UInt32] = []
    var keys: [UInt128] = []

    /// The symbol of the name at `span`, interned into `table` if new (as `SymbolTable.id` does
    /// with the same name as a `String`).
    mutating func symbol(_ span: ByteSpan, in payload: UnsafePointer<UInt8>, _ table: inout SymbolTable) -> UInt32 {
        if span.isNone { return SymbolTable.none }
        let p = payload + Int(span.start), n = Int(span.count), h = span.hash != 0 ? span.hash : ByteKeyTable.hash(p, n)
        if let id = symbols.value(p, n, hash: h) { return id }
        let id = table.id(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        symbols.insert(p, n, hash: h, value: id)
        return id
    }

    /// The symbol of the name at `span` if the table has it (nothing is interned).
    mutating func existing(_ span: ByteSpan, in payload: UnsafePointer<UInt8>, _ table: SymbolTable) -> UInt32? {
        let p = payload + Int(span.start), n = Int(span.count), h = span.hash != 0 ? span.hash : ByteKeyTable.hash(p, n)
        if let id = symbols.value(p, n, hash: h) { return id }
        guard let id = table.existing(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)) else { return nil }
        symbols.insert(p, n, hash: h, value: id)
        return id
    }

    /// The row of the complaint case whose receipt is at `span` (found as `caseByReceipt` finds it).
    mutating func caseRow(_ span: ByteSpan, in payload: UnsafePointer<UInt8>, _ caseByReceipt: [String: UInt32]) -> UInt32? {
        let p = payload + Int(span.start), n = Int(span.count), h = span.hash != 0 ? span.hash : ByteKeyTable.hash(p, n)
        if let row = receipts.value(p, n, hash: h) { return row }
        guard let row = caseByReceipt[String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)] else { return nil }
        receipts.insert(p, n, hash: h, value: row)
        return row
    }

    /// Notes the row of a case just filed (whose receipt was not known).
    mutating func filed(_ span: ByteSpan, in payload: UnsafePointer<UInt8>, row: UInt32) {
        let p = payload + Int(span.start), n = Int(span.count), h = span.hash != 0 ? span.hash : ByteKeyTable.hash(p, n)
        receipts.insert(p, n, hash: h, value: row)
    }

    /// Whether every case filed so far was filed through `filed` (none by the general decoder's
    /// route): then a receipt the table does not hold is no case's.
    var receiptsComplete = true

    /// Whether a case with the receipt at `span` was filed already (as `caseByReceipt` tells).
    mutating func isFiled(_ span: ByteSpan, in payload: UnsafePointer<UInt8>, _ caseByReceipt: [String: UInt32]) -> Bool {
        if receiptsComplete {
            let p = payload + Int(span.start), n = Int(span.count), h = span.hash != 0 ? span.hash : ByteKeyTable.hash(p, n)
            return receipts.value(p, n, hash: h) != nil
        }
        return caseRow(span, in: payload, caseByReceipt) != nil
    }

    /// The item list of an inspection whose outcomes (all plain passes) are the bytes at `block`,
    /// if an earlier inspection had the very same bytes: then every item was interned then, in the
    /// same order, and folding them one by one again would change nothing but give this list.
    func itemList(ofBlock block: ByteSpan, in payload: UnsafePointer<UInt8>) -> UInt32? {
        outcomeBlocks.value(payload + Int(block.start), Int(block.count), hash: block.hash)
    }

    mutating func noteItemList(_ list: UInt32, ofBlock block: ByteSpan, in payload: UnsafePointer<UInt8>) {
        outcomeBlocks.insert(payload + Int(block.start), Int(block.count), hash: block.hash, value: list)
    }

    /// The list id of `items` (as `SymbolLists.id` gives it).
    mutating func itemList(_ lists: inout SymbolLists) -> UInt32 {
        items.withUnsafeBytes { raw in
            guard let p = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return lists.id(items) }
            let h = ByteKeyTable.hash(p, raw.count)
            if let id = itemLists.value(p, raw.count, hash: h) { return id }
            let id = lists.id(items)
            itemLists.insert(p, raw.count, hash: h, value: id)
            return id
        }
    }
}

/// One batch of payloads read on every core: a `RawEvent` per record, the side arrays of the
/// task that read it, and the general decoder's event where the canonical reader declined. Its
/// storage is kept from one batch to the next (two of them alternate: one is folded while the
/// next is read). The batch is read in parts ("tasks"), each taken by whichever thread is free:
/// a helper thread, and the folding thread once it has folded the batch before.
final class ReplayBatch: @unchecked Sendable {
    private(set) var places: ArraySlice<PayloadPlace> = []
    /// One per record of the batch.
    let events: UnsafeMutableBufferPointer<RawEvent>
    let general: UnsafeMutableBufferPointer<Event?>
    /// Each task's outcomes and spans (a task reads a contiguous part of the batch).
    let tasks: [TaskOutput]
    private(set) var perTask = 1

    final class TaskOutput: @unchecked Sendable {
        var scratch = ReadScratch()
    }

    init(capacity: Int, tasks: Int) {
        events = .allocate(capacity: capacity)
        events.initialize(repeating: RawEvent())
        general = .allocate(capacity: capacity)
        general.initialize(repeating: nil)
        self.tasks = (0..<max(1, tasks)).map { _ in TaskOutput() }
    }

    deinit {
        events.deallocate()
        general.deinitialize()
        general.deallocate()
    }

    /// The general decoder's event for record `k`, moved out (no copy of its strings), its slot
    /// left empty.
    func takeGeneral(_ k: Int) -> Event? {
        guard let slot = general.baseAddress.map({ $0 + k }) else { return nil }
        let event = slot.move()
        slot.initialize(to: nil)
        return event
    }

    private let progress = NSCondition()
    private var nextTask = 0, tasksDone = 0, taskCount = 0
    private var bytes = UnsafeRawBufferPointer(start: nil, count: 0)

    /// Sets the batch to the payloads at `places` (at most the capacity) of `bytes`, to be read by
    /// `readTasks` (on as many threads as call it) and then `waitForTasks`.
    func prepare(_ bytes: UnsafeRawBufferPointer, _ places: ArraySlice<PayloadPlace>) {
        precondition(places.count <= events.count, "a replay batch holds at most \(events.count) records")
        self.places = places
        self.bytes = bytes
        taskCount = max(1, min(tasks.count, places.count / 256))
        perTask = (places.count + taskCount - 1) / taskCount
        nextTask = 0
        tasksDone = 0
    }

    /// Reads parts of the batch until none is left (each part by one thread only).
    func readTasks() {
        while true {
            progress.lock()
            let task = nextTask
            nextTask += 1
            progress.unlock()
            guard task < taskCount else { return }
            read(bytes, task: task, from: task * perTask, to: min(places.count, task * perTask + perTask))
            progress.lock()
            tasksDone += 1
            progress.broadcast()
            progress.unlock()
        }
    }

    func waitForTasks() {
        progress.lock()
        while tasksDone < taskCount { progress.wait() }
        progress.unlock()
    }

    /// Reads the whole batch on every core.
    func read(_ bytes: UnsafeRawBufferPointer, _ places: ArraySlice<PayloadPlace>) {
        prepare(bytes, places)
        DispatchQueue.concurrentPerform(iterations: max(1, ProcessInfo.processInfo.activeProcessorCount)) { _ in self.readTasks() }
        waitForTasks()
    }

    private func read(_ bytes: UnsafeRawBufferPointer, task: Int, from: Int, to: Int) {
        let output = tasks[task]
        // Taken out of the task's object for the loop (a class property passed `inout` would be
        // checked for exclusive access at run time on every record), and put back at the end.
        var scratch = output.scratch
        output.scratch = ReadScratch()
        defer { output.scratch = scratch }
        scratch.outcomes.removeAll(keepingCapacity: true)
        scratch.spans.removeAll(keepingCapacity: true)
        guard from < to, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        for k in from..<to {
            let place = places[places.startIndex + k]
            // `general[k]` is read only for a record the canonical reader declined, and is set then.
            guard place.offset >= 0, place.length >= 0, place.offset + place.length <= bytes.count else {
                events[k] = RawEvent()
                general[k] = nil
                continue
            }
            let payload = base + place.offset
            if !CanonicalPayloadReader.read(payload, count: place.length, &scratch, into: &events[k]) {
                general[k] = try? EventCodec.decode(Array(UnsafeBufferPointer(start: payload, count: place.length)))
            }
        }
    }

    private struct SendableBytes: @unchecked Sendable {
        let bytes: UnsafeRawBufferPointer
    }
}

/// Reads parts of a batch on another thread (the folding thread joins in when it is free).
private final class BackgroundRead: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)

    init(_ batch: ReplayBatch) {
        DispatchQueue.global().async { [done] in
            batch.readTasks()
            done.signal()
        }
    }

    func wait() { done.wait() }
}

extension MarketState {
    /// Records read together in one batch of a replay.
    static let replayBatch = 4096

    /// Folds the records whose payloads lie at `places` in `bytes`, in order, into the state —
    /// the same state `apply` gives with each payload decoded — and returns the sequence numbers
    /// of the payloads that do not decode. The payloads are read on every core a batch at a time,
    /// the next batch while this one is folded.
    public mutating func replay(_ bytes: UnsafeRawBufferPointer, _ places: ArraySlice<PayloadPlace>) -> [UInt64] {
        var names = ReplayNames()
        names.keys.reserveCapacity(places.count)
        var undecodable: [UInt64] = []
        let tasks = 8
        var batches = [ReplayBatch(capacity: Self.replayBatch, tasks: tasks), ReplayBatch(capacity: Self.replayBatch, tasks: tasks)]
        var start = places.startIndex
        var end = min(places.endIndex, start + Self.replayBatch)
        if start < end { batches[0].read(bytes, places[start..<end]) }
        while start < end {
            let nextEnd = min(places.endIndex, end + Self.replayBatch)
            var helper: BackgroundRead?
            if end < nextEnd {
                batches[1].prepare(bytes, places[end..<nextEnd])
                helper = BackgroundRead(batches[1])
            }
            reserveAhead(folded: start - places.startIndex, of: places.count)
            fold(batches[0], bytes, &names, &undecodable)
            if let helper {
                batches[1].readTasks()
                batches[1].waitForTasks()
                helper.wait()
            }
            batches.swapAt(0, 1)
            (start, end) = (end, nextEnd)
        }
        idempotencyKeys.insert(hashes: names.keys)
        return undecodable
    }

    /// Room in each growing array of the history for the rest of the replay, as much as the
    /// records folded so far promise, once the array is nearly full: instead of being copied into
    /// arrays twice as large again and again (and each new one's pages faulted in), a decade of
    /// rows is copied about once. Capacity not used is never touched (no resident memory).
    private mutating func reserveAhead(folded: Int, of total: Int) {
        guard folded >= 2 * Self.replayBatch else { return }
        /// The room to reserve for what holds `count` now and `capacity` at most: nil while it has
        /// room enough, or when the rest of the replay promises no more than it has.
        func room(_ count: Int, _ capacity: Int) -> Int? {
            guard capacity - count < count / 8 + 1024 else { return nil }
            let projected = count / folded * total + count % folded * total / folded
            return projected > capacity ? projected + projected / 8 : nil
        }
        func ensure<T>(_ array: inout [T]) {
            if let room = room(array.count, array.capacity) { array.reserveCapacity(room) }
        }
        ensure(&history.inspections)
        ensure(&history.exceptions)
        ensure(&history.cases)
        ensure(&history.steps)
        ensure(&history.contributions)
        ensure(&history.text.bytes)
        if let room = room(history.caseByReceipt.count, history.caseByReceipt.capacity) { history.caseByReceipt.reserveCapacity(room) }
    }

    private mutating func fold(_ batch: ReplayBatch, _ bytes: UnsafeRawBufferPointer, _ names: inout ReplayNames, _ undecodable: inout [UInt64]) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let places = batch.places, events = batch.events, per = batch.perTask
        for task in 0..<batch.tasks.count {
            let from = task * per, to = min(places.count, from + per)
            guard from < to else { break }
            batch.tasks[task].scratch.outcomes.withUnsafeBufferPointer { outcomes in
                batch.tasks[task].scratch.spans.withUnsafeBufferPointer { spans in
                    for k in from..<to {
                        let place = places[places.startIndex + k]
                        let raw = events[k]
                        if raw.kind != .general {
                            apply(raw, payload: base + place.offset, sequence: place.sequence, outcomes: outcomes, spans: spans, &names)
                        } else if let event = batch.takeGeneral(k) {
                            if case .complaintFiled = event.body { names.receiptsComplete = false }
                            if let key = event.key { names.keys.append(KeySet.hash(key)) }
                            apply(body: event, sequence: place.sequence)
                        } else {
                            undecodable.append(place.sequence)
                        }
                    }
                }
            }
        }
    }

    /// An inspection's outcomes, one by one: their items interned, the exceptions kept; returns the item list.
    private mutating func foldOutcomes(_ list: UnsafeBufferPointer<RawOutcome>, payload p: UnsafePointer<UInt8>, _ names: inout ReplayNames) -> UInt32 {
        names.items.removeAll(keepingCapacity: true)
        for (position, outcome) in list.enumerated() {
            names.items.append(names.symbol(outcome.item, in: p, &history.symbols))
            let note = outcome.note.isNone ? TextRef.none
                : history.text.add(utf8: UnsafeRawBufferPointer(start: p + Int(outcome.note.start), count: Int(outcome.note.count)))
            history.addOutcome(position: position, result: outcome.result, severity: outcome.severity, note: note)
        }
        return names.itemList(&history.lists)
    }

    /// `apply` for a payload read in place: the same rows, symbols and texts, in the same order.
    private mutating func apply(_ raw: RawEvent, payload p: UnsafePointer<UInt8>, sequence: UInt64, outcomes: UnsafeBufferPointer<RawOutcome>,
                                spans: UnsafeBufferPointer<ByteSpan>, _ names: inout ReplayNames) {
        func bytes(_ span: ByteSpan) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: p + Int(span.start), count: Int(span.count))
        }
        func text(_ span: ByteSpan, _ arena: inout TextArena) -> TextRef {
            span.isNone ? .none : arena.add(utf8: bytes(span))
        }
        eventCount += 1
        if !raw.key.isNone { names.keys.append(raw.keyHash) }
        switch raw.kind {
        case .inspection:
            let first = UInt32(history.exceptions.count)
            let items: UInt32
            let known = raw.flag ? names.itemList(ofBlock: raw.c, in: p) : nil
            if let known {
                items = known
            } else if raw.skipped {
                // Not read one by one (a block the reading task had seen): read now. Not reached
                // while blocks are folded in the order their tasks read them.
                var reader = CanonicalPayloadReader(p, count: Int(raw.c.start + raw.c.count))
                reader.i = Int(raw.c.start)
                var list: [RawOutcome] = []
                _ = reader.outcomeList(&list)
                items = list.withUnsafeBufferPointer { foldOutcomes($0, payload: p, &names) }
            } else {
                items = foldOutcomes(UnsafeBufferPointer(rebasing: outcomes[Int(raw.listStart)..<Int(raw.listStart + raw.listCount)]), payload: p, &names)
            }
            if raw.flag, known == nil { names.noteItemList(items, ofBlock: raw.c, in: p) }
            let shop = names.symbol(raw.a, in: p, &history.symbols)
            let inspector = names.symbol(raw.b, in: p, &history.symbols)
            history.finishInspection(sequence: sequence, day: raw.day, shop: shop, inspector: inspector, checklistVersion: raw.number,
                                     items: items, firstException: first)
        case .filed:
            guard !names.isFiled(raw.a, in: p, history.caseByReceipt) else { break }
            let receipt = String(decoding: bytes(raw.a), as: UTF8.self)
            let shop = names.symbol(raw.b, in: p, &history.symbols)
            let receiptText = text(raw.a, &history.text)
            let category = names.symbol(raw.c, in: p, &history.symbols)
            let body = text(raw.d, &history.text)
            names.items.removeAll(keepingCapacity: true)
            for k in Int(raw.listStart)..<Int(raw.listStart + raw.listCount) { names.items.append(names.symbol(spans[k], in: p, &history.symbols)) }
            let wantsList = names.itemList(&history.lists)
            let name = text(raw.e, &history.text), phone = text(raw.f, &history.text)
            history.addCase(receipt, CompactHistory.CaseRow(
                receipt: receiptText, shop: shop, category: category, integrity: raw.code, text: body, amountFen: raw.hasNumber ? raw.number : 0,
                hasAmount: raw.hasNumber, wants: wantsList, consumerName: name, consumerPhone: phone, consent: raw.flag, day: raw.day,
                filedSequence: sequence, filer: names.symbol(raw.actor, in: p, &history.symbols)))
            names.filed(raw.a, in: p, row: UInt32(history.cases.count - 1))
        case .step:
            guard let target = history.stepTarget(names.caseRow(raw.a, in: p, history.caseByReceipt), action: raw.step) else { break }
            var detail = SymbolTable.none, outcome = TextRef.none
            switch raw.step {
            case .resolve: outcome = text(raw.b, &history.text)
            case .reject, .forward, .terminate, .followUp: detail = names.symbol(raw.b, in: p, &history.symbols)
            case .accept, .mediate, .close: break
            }
            let actor = names.symbol(raw.actor, in: p, &history.symbols)
            history.addStep(to: target, CompactHistory.StepRow(
                sequence: sequence, actor: actor, day: raw.day, action: raw.step, detail: detail, outcome: outcome,
                amountFen: raw.hasNumber ? raw.number : 0, hasAmount: raw.hasNumber, upheld: raw.step == .resolve && raw.flag, note: text(raw.c, &history.text)))
        case .contribution:
            let shop = names.symbol(raw.a, in: p, &history.symbols)
            history.addContribution(CompactHistory.ContributionRow(
                sequence: sequence, enteredBy: names.symbol(raw.actor, in: p, &history.symbols), shop: shop, kind: raw.code, points: raw.number,
                day: raw.day, evidence: text(raw.b, &history.text)))
        case .approval:
            guard let row = history.approvable(UInt64(raw.number), by: names.existing(raw.actor, in: p, history.symbols)) else { break }
            history.approve(row, sequence: sequence, by: names.symbol(raw.actor, in: p, &history.symbols))
        case .general:
            break
        }
    }
}

