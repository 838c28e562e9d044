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
}

/// Bytes inside one payload: `start` from the payload's first byte.
struct ByteSpan: Equatable {
    var start: UInt32
    var count: UInt32
    /// An absent optional.
    static let none = ByteSpan(start: 0, count: .max)
    var isNone: Bool { count == .max }
}

/// One payload of a bulk type, read in place. Which fields mean what depends on `kind`:
///
/// | kind | code | number | day | a | b | c | d | e | list |
/// |---|---|---|---|---|---|---|---|---|---|
/// | inspection | – | checklist version | date | shop | inspector | | | | outcomes |
/// | filed | integrity | amount (if `hasNumber`) | date | receipt | shop? | category | text | name? (`f` phone?) | wants |
/// | step | action (0…7) | resolve's amount (if `hasNumber`) | date | receipt | reason, department, satisfaction or outcome | note? | | | |
/// | contribution | kind | points | date | shop | evidence | | | | |
/// | approval | | target | | | | | | | |
struct RawEvent {
    enum Kind: UInt8 {
        /// Not read in place: decoded by the general decoder.
        case general, inspection, filed, step, contribution, approval
    }

    var kind = Kind.general
    var code: UInt8 = 0
    var flag = false
    var hasNumber = false
    var day: Int32 = 0
    var number: Int64 = 0
    var actor = ByteSpan.none
    var key = ByteSpan.none
    var a = ByteSpan.none, b = ByteSpan.none, c = ByteSpan.none, d = ByteSpan.none, e = ByteSpan.none, f = ByteSpan.none
    /// Outcomes (inspection) or wants (filed): a range of the reading worker's side arrays.
    var listStart: UInt32 = 0
    var listCount: UInt32 = 0
}

/// An inspection's outcome, read in place.
struct RawOutcome {
    var item: ByteSpan
    var note: ByteSpan
    var result: UInt8
    /// 0 for none, else the severity's code + 1.
    var severity: UInt8
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
    static func read(_ base: UnsafePointer<UInt8>, count: Int, outcomes: inout [RawOutcome], spans: inout [ByteSpan]) -> RawEvent? {
        // `…,"type":"<type>","v":1}`: the type is found from the end (members are in sorted
        // order, so it follows the data), then everything is read from the start.
        let suffix: StaticString = "\",\"v\":1}"
        let typeIntro: StaticString = ",\"type\":\""
        guard count > 40, matches(base + (count - suffix.utf8CodeUnitCount), suffix) else { return nil }
        let typeEnd = count - suffix.utf8CodeUnitCount
        var q = typeEnd - 1
        while q > 0, base[q] != quote { q -= 1 }
        let introStart = q + 1 - typeIntro.utf8CodeUnitCount
        guard introStart > 0, matches(base + introStart, typeIntro) else { return nil }
        let type = UnsafeBufferPointer(start: base + q + 1, count: typeEnd - q - 1)
        let kind: RawEvent.Kind
        if equal(type, "complaint.step") { kind = .step }
        else if equal(type, "inspection.recorded") { kind = .inspection }
        else if equal(type, "contribution.recorded") { kind = .contribution }
        else if equal(type, "contribution.approved") { kind = .approval }
        else if equal(type, "complaint.filed") { kind = .filed }
        else { return nil }

        var reader = CanonicalPayloadReader(base, count: introStart)
        var event = RawEvent()
        event.kind = kind
        guard reader.literal("{\"actor\":"), let actor = reader.string(), reader.literal(",\"at\":"), reader.string() != nil,
              reader.literal(",\"data\":") else { return nil }
        event.actor = actor
        let body: Bool
        switch kind {
        case .step: body = reader.step(&event)
        case .inspection: body = reader.inspection(&event, &outcomes)
        case .contribution: body = reader.contribution(&event)
        case .approval: body = reader.approval(&event)
        case .filed: body = reader.filed(&event, &spans)
        case .general: body = false
        }
        guard body else { return nil }
        if reader.literal(",\"key\":") {
            guard let key = reader.string() else { return nil }
            event.key = key
        }
        // The data and the key end exactly where the type begins.
        guard reader.i == reader.count else { return nil }
        return event
    }

    // MARK: The bodies, members in sorted order

    /// `{"action":{…},"date":"…"[,"note":"…"],"receipt":"…"}`
    mutating func step(_ event: inout RawEvent) -> Bool {
        guard literal("{\"action\":{") else { return false }
        if literal("\"accept\":{}") { event.code = 0 }
        else if literal("\"close\":{}") { event.code = 7 }
        else if literal("\"mediate\":{}") { event.code = 2 }
        else if literal("\"followUp\":{\"satisfaction\":") {
            guard let s = string(), code(s, Self.satisfactions) != nil, literal("}") else { return false }
            event.code = 6
            event.b = s
        } else if literal("\"forward\":{\"department\":") {
            guard let s = string(), literal("}") else { return false }
            event.code = 4
            event.b = s
        } else if literal("\"reject\":{\"reason\":") {
            guard let s = string(), literal("}") else { return false }
            event.code = 1
            event.b = s
        } else if literal("\"terminate\":{\"reason\":") {
            guard let s = string(), literal("}") else { return false }
            event.code = 5
            event.b = s
        } else if literal("\"resolve\":{") {
            if literal("\"amountFen\":") {
                guard let amount = integer(), literal(",") else { return false }
                event.number = amount
                event.hasNumber = true
            }
            guard literal("\"outcome\":"), let s = string(), literal("}") else { return false }
            event.code = 3
            event.b = s
        } else {
            return false
        }
        guard literal("},\"date\":"), let day = date() else { return false }
        event.day = day
        if literal(",\"note\":") {
            guard let note = string() else { return false }
            event.c = note
        }
        guard literal(",\"receipt\":"), let receipt = string(), literal("}") else { return false }
        event.a = receipt
        return true
    }

    /// `{"checklistVersion":n,"date":"…","inspector":"…","outcomes":[…],"shop":"…"}`
    mutating func inspection(_ event: inout RawEvent, _ outcomes: inout [RawOutcome]) -> Bool {
        guard literal("{\"checklistVersion\":"), let version = integer(), literal(",\"date\":"), let day = date(),
              literal(",\"inspector\":"), let inspector = string(), literal(",\"outcomes\":[") else { return false }
        event.number = version
        event.day = day
        event.b = inspector
        event.listStart = UInt32(outcomes.count)
        if !literal("]") {
            repeat {
                // `{"item":"…"[,"note":"…"],"result":"…"[,"severity":"…"]}`
                guard literal("{\"item\":"), let item = string() else { return false }
                var outcome = RawOutcome(item: item, note: .none, result: 0, severity: 0)
                if literal(",\"note\":") {
                    guard let note = string() else { return false }
                    outcome.note = note
                }
                guard literal(",\"result\":"), let result = string(), let resultCode = code(result, Self.results) else { return false }
                outcome.result = resultCode
                if literal(",\"severity\":") {
                    guard let severity = string(), let severityCode = code(severity, Self.severities) else { return false }
                    outcome.severity = severityCode + 1
                }
                guard literal("}") else { return false }
                outcomes.append(outcome)
            } while literal(",")
            guard literal("]") else { return false }
        }
        event.listCount = UInt32(outcomes.count) - event.listStart
        guard literal(",\"shop\":"), let shop = string(), literal("}") else { return false }
        event.a = shop
        return true
    }

    /// `{"date":"…","evidence":"…","kind":"…","points":n,"shop":"…"}`
    mutating func contribution(_ event: inout RawEvent) -> Bool {
        guard literal("{\"date\":"), let day = date(), literal(",\"evidence\":"), let evidence = string(),
              literal(",\"kind\":"), let kind = string(), let kindCode = code(kind, Self.contributionKinds),
              literal(",\"points\":"), let points = integer(), literal(",\"shop\":"), let shop = string(), literal("}") else { return false }
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
        guard literal("\"category\":"), let category = string(), literal(",\"consentToContact\":") else { return false }
        event.c = category
        if literal("true") { event.flag = true } else if !literal("false") { return false }
        if literal(",\"consumerName\":") {
            guard let name = string() else { return false }
            event.e = name
        }
        if literal(",\"consumerPhone\":") {
            guard let phone = string() else { return false }
            event.f = phone
        }
        guard literal(",\"date\":"), let day = date(), literal(",\"integrity\":"), let integrity = string(),
              let integrityCode = code(integrity, Self.integrities), literal(",\"receipt\":"), let receipt = string() else { return false }
        event.day = day
        event.code = integrityCode
        event.a = receipt
        if literal(",\"shop\":") {
            guard let shop = string() else { return false }
            event.b = shop
        }
        guard literal(",\"text\":"), let text = string(), literal(",\"wants\":[") else { return false }
        event.d = text
        event.listStart = UInt32(spans.count)
        if !literal("]") {
            repeat {
                guard let want = string() else { return false }
                spans.append(want)
            } while literal(",")
            guard literal("]") else { return false }
        }
        event.listCount = UInt32(spans.count) - event.listStart
        return literal("}")
    }

    // MARK: Tokens

    /// Consumes `text` if the bytes at the cursor are exactly it.
    mutating func literal(_ text: StaticString) -> Bool {
        let n = text.utf8CodeUnitCount
        guard count - i >= n, Self.matches(base + i, text) else { return false }
        i += n
        return true
    }

    static func matches(_ p: UnsafePointer<UInt8>, _ text: StaticString) -> Bool {
        memcmp(p, text.utf8Start, text.utf8CodeUnitCount) == 0
    }

    static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        guard let start = bytes.baseAddress else { return text.utf8CodeUnitCount == 0 }
        return bytes.count == text.utf8CodeUnitCount && matches(start, text)
    }

    /// A string without escapes or control characters, in valid UTF-8: its bytes are then
    /// exactly the decoded string's.
    mutating func string() -> ByteSpan? {
        guard i < count, base[i] == Self.quote else { return nil }
        let start = i + 1
        var j = start
        var ascii = true
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
    func code(_ span: ByteSpan, _ values: [[UInt8]]) -> UInt8? {
        let bytes = UnsafeBufferPointer(start: base + Int(span.start), count: Int(span.count))
        for (k, value) in values.enumerated() where value.count == bytes.count && value.elementsEqual(bytes) { return UInt8(k) }
        return nil
    }

    static func rawValues<T: CaseIterable & RawRepresentable>(_: T.Type) -> [[UInt8]] where T.RawValue == String {
        T.allCases.map { Array($0.rawValue.utf8) }
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
                while slots[k].hash != 0 {
                    let slot = slots[k]
                    if slot.hash == h, Int(slot.length) == n,
                       n == 0 || keys.baseAddress.map({ memcmp($0 + Int(slot.offset), p, n) == 0 }) == true {
                        return slot.value
                    }
                    k = (k + 1) & mask
                }
                return nil
            }
        }
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
        h ^= h >> 29
        return UInt32(truncatingIfNeeded: h) | 1
    }
}

/// What a replay keeps between records: the symbols, complaint rows and item lists already
/// looked up by their bytes, and the idempotency keys' hashes (filed with the others at the end).
struct ReplayNames {
    private var symbols = ByteKeyTable()
    private var receipts = ByteKeyTable()
    private var itemLists = ByteKeyTable()
    /// Scratch for an inspection's items (its capacity reused from one inspection to the next).
    var items: [UInt32] = []
    var keys: [UInt128] = []

    /// The symbol of the name at `span`, interned into `table` if new (as `SymbolTable.id` does
    /// with the same name as a `String`).
    mutating func symbol(_ span: ByteSpan, in payload: UnsafePointer<UInt8>, _ table: inout SymbolTable) -> UInt32 {
        if span.isNone { return SymbolTable.none }
        let p = payload + Int(span.start), n = Int(span.count), h = ByteKeyTable.hash(p, n)
        if let id = symbols.value(p, n, hash: h) { return id }
        let id = table.id(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        symbols.insert(p, n, hash: h, value: id)
        return id
    }

    /// The symbol of the name at `span` if the table has it (nothing is interned).
    mutating func existing(_ span: ByteSpan, in payload: UnsafePointer<UInt8>, _ table: SymbolTable) -> UInt32? {
        let p = payload + Int(span.start), n = Int(span.count), h = ByteKeyTable.hash(p, n)
        if let id = symbols.value(p, n, hash: h) { return id }
        guard let id = table.existing(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)) else { return nil }
        symbols.insert(p, n, hash: h, value: id)
        return id
    }

    /// The row of the complaint case whose receipt is at `span` (found as `caseByReceipt` finds it).
    mutating func caseRow(_ span: ByteSpan, in payload: UnsafePointer<UInt8>, _ caseByReceipt: [String: UInt32]) -> UInt32? {
        let p = payload + Int(span.start), n = Int(span.count), h = ByteKeyTable.hash(p, n)
        if let row = receipts.value(p, n, hash: h) { return row }
        guard let row = caseByReceipt[String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)] else { return nil }
        receipts.insert(p, n, hash: h, value: row)
        return row
    }

    /// Notes the row of a case just filed.
    mutating func filed(_ span: ByteSpan, in payload: UnsafePointer<UInt8>, row: UInt32) {
        let p = payload + Int(span.start), n = Int(span.count), h = ByteKeyTable.hash(p, n)
        if receipts.value(p, n, hash: h) == nil { receipts.insert(p, n, hash: h, value: row) }
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
/// next is read).
final class ReplayBatch: @unchecked Sendable {
    private(set) var places: ArraySlice<PayloadPlace> = []
    /// One per record of the batch.
    let events: UnsafeMutableBufferPointer<RawEvent>
    let general: UnsafeMutableBufferPointer<Event?>
    /// Each task's outcomes and spans (a task reads a contiguous part of the batch).
    let tasks: [TaskOutput]
    private(set) var perTask = 1

    final class TaskOutput: @unchecked Sendable {
        var outcomes: [RawOutcome] = []
        var spans: [ByteSpan] = []
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

    /// Reads the payloads at `places` (at most the capacity) of `bytes`, each index by one task.
    func read(_ bytes: UnsafeRawBufferPointer, _ places: ArraySlice<PayloadPlace>) {
        precondition(places.count <= events.count, "a replay batch holds at most \(events.count) records")
        self.places = places
        let count = places.count
        let taskCount = max(1, min(tasks.count, count / 256))
        perTask = (count + taskCount - 1) / taskCount
        let memory = SendableBytes(bytes: bytes), per = perTask
        DispatchQueue.concurrentPerform(iterations: taskCount) { task in
            self.read(memory.bytes, task: task, from: task * per, to: min(count, task * per + per))
        }
    }

    private func read(_ bytes: UnsafeRawBufferPointer, task: Int, from: Int, to: Int) {
        let output = tasks[task]
        output.outcomes.removeAll(keepingCapacity: true)
        output.spans.removeAll(keepingCapacity: true)
        guard from < to, let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        for k in from..<to {
            let place = places[places.startIndex + k]
            general[k] = nil
            guard place.offset >= 0, place.length >= 0, place.offset + place.length <= bytes.count else {
                events[k] = RawEvent()
                continue
            }
            let payload = base + place.offset
            if let event = CanonicalPayloadReader.read(payload, count: place.length, outcomes: &output.outcomes, spans: &output.spans) {
                events[k] = event
            } else {
                events[k] = RawEvent()
                general[k] = try? EventCodec.decode(Array(UnsafeBufferPointer(start: payload, count: place.length)))
            }
        }
    }

    private struct SendableBytes: @unchecked Sendable {
        let bytes: UnsafeRawBufferPointer
    }
}

/// Runs one read on another thread and lets the caller wait for it.
private final class BackgroundRead: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)

    init(_ batch: ReplayBatch, _ bytes: UnsafeRawBufferPointer, _ places: ArraySlice<PayloadPlace>) {
        let memory = UnsafeBytesBox(bytes: bytes)
        DispatchQueue.global().async { [done] in
            batch.read(memory.bytes, places)
            done.signal()
        }
    }

    func wait() { done.wait() }

    private struct UnsafeBytesBox: @unchecked Sendable {
        let bytes: UnsafeRawBufferPointer
    }
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
        let tasks = 2 * ProcessInfo.processInfo.activeProcessorCount
        var batches = [ReplayBatch(capacity: Self.replayBatch, tasks: tasks), ReplayBatch(capacity: Self.replayBatch, tasks: tasks)]
        var start = places.startIndex
        var end = min(places.endIndex, start + Self.replayBatch)
        if start < end { batches[0].read(bytes, places[start..<end]) }
        while start < end {
            let nextEnd = min(places.endIndex, end + Self.replayBatch)
            let next = end < nextEnd ? BackgroundRead(batches[1], bytes, places[end..<nextEnd]) : nil
            fold(batches[0], bytes, &names, &undecodable)
            next?.wait()
            batches.swapAt(0, 1)
            (start, end) = (end, nextEnd)
        }
        idempotencyKeys.insert(hashes: names.keys)
        return undecodable
    }

    private mutating func fold(_ batch: ReplayBatch, _ bytes: UnsafeRawBufferPointer, _ names: inout ReplayNames, _ undecodable: inout [UInt64]) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let places = batch.places, events = batch.events, per = batch.perTask
        for task in 0..<batch.tasks.count {
            let from = task * per, to = min(places.count, from + per)
            guard from < to else { break }
            batch.tasks[task].outcomes.withUnsafeBufferPointer { outcomes in
                batch.tasks[task].spans.withUnsafeBufferPointer { spans in
                    for k in from..<to {
                        let place = places[places.startIndex + k]
                        let raw = events[k]
                        if raw.kind != .general {
                            apply(raw, payload: base + place.offset, sequence: place.sequence, outcomes: outcomes, spans: spans, &names)
                        } else if let event = batch.general[k] {
                            apply(event, sequence: place.sequence)
                        } else {
                            undecodable.append(place.sequence)
                        }
                    }
                }
            }
        }
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
        if !raw.key.isNone { names.keys.append(KeySet.hash(utf8: bytes(raw.key))) }
        switch raw.kind {
        case .inspection:
            let first = UInt32(history.exceptions.count)
            names.items.removeAll(keepingCapacity: true)
            for position in 0..<Int(raw.listCount) {
                let outcome = outcomes[Int(raw.listStart) + position]
                names.items.append(names.symbol(outcome.item, in: p, &history.symbols))
                history.addOutcome(position: position, result: outcome.result, severity: outcome.severity, note: text(outcome.note, &history.text))
            }
            let shop = names.symbol(raw.a, in: p, &history.symbols)
            let inspector = names.symbol(raw.b, in: p, &history.symbols)
            history.finishInspection(sequence: sequence, day: raw.day, shop: shop, inspector: inspector, checklistVersion: raw.number,
                                     items: names.itemList(&history.lists), firstException: first)
        case .filed:
            guard names.caseRow(raw.a, in: p, history.caseByReceipt) == nil else { break }
            let receipt = String(decoding: bytes(raw.a), as: UTF8.self)
            let shop = names.symbol(raw.b, in: p, &history.symbols)
            let receiptText = text(raw.a, &history.text)
            let category = names.symbol(raw.c, in: p, &history.symbols)
            let body = text(raw.d, &history.text)
            var wants: [UInt32] = []
            for k in Int(raw.listStart)..<Int(raw.listStart + raw.listCount) { wants.append(names.symbol(spans[k], in: p, &history.symbols)) }
            let wantsList = history.lists.id(wants)
            let name = text(raw.e, &history.text), phone = text(raw.f, &history.text)
            history.addCase(receipt, CompactHistory.CaseRow(
                receipt: receiptText, shop: shop, category: category, integrity: raw.code, text: body, amountFen: raw.hasNumber ? raw.number : 0,
                hasAmount: raw.hasNumber, wants: wantsList, consumerName: name, consumerPhone: phone, consent: raw.flag, day: raw.day,
                filedSequence: sequence, filer: names.symbol(raw.actor, in: p, &history.symbols)))
            names.filed(raw.a, in: p, row: UInt32(history.cases.count - 1))
        case .step:
            guard let target = history.stepTarget(names.caseRow(raw.a, in: p, history.caseByReceipt), action: raw.code) else { break }
            var detail = SymbolTable.none, outcome = TextRef.none
            switch raw.code {
            case 3: outcome = text(raw.b, &history.text)
            case 1, 4, 5, 6: detail = names.symbol(raw.b, in: p, &history.symbols)
            default: break
            }
            let actor = names.symbol(raw.actor, in: p, &history.symbols)
            history.addStep(to: target, CompactHistory.StepRow(
                sequence: sequence, actor: actor, day: raw.day, action: raw.code, detail: detail, outcome: outcome,
                amountFen: raw.hasNumber ? raw.number : 0, hasAmount: raw.hasNumber, note: text(raw.c, &history.text)))
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

