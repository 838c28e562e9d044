import Core
import Foundation

/// The payload of `snapshot.bin` (docs/log-format.md, "Snapshots"), format 7: the folded state,
/// binary, little-endian. The small parts (roster, rules, users, appeals, …) are one JSON object;
/// the compact history (CompactHistory.swift) follows as its arrays, field by field, so that
/// reading it is copying numbers rather than decoding a value per event, then the members' points
/// ledger's entries (SnapshotLedger.swift). Shared by the CLI's store and the benchmark so that
/// both open a data directory the same way. A snapshot is a cache: one that is damaged, of another
/// format, or not matching the log is ignored and the state is rebuilt from the log (format 1,
/// JSON, format 2, whose complaint steps had no finding, format 3, without the pledges' dates,
/// format 4, without the members, format 5, without the plates changed, and format 6, with the
/// ledger's entries in its JSON part, are such snapshots now).
public enum MarketSnapshot {
    static let magic: [UInt8] = Array("CXSNAP".utf8)
    /// The state's format: bumped whenever the shape of the state changes, so that older snapshots are rebuilt.
    public static let formatVersion = 7

    /// What the state holds besides the compact history: small, kept as JSON.
    fileprivate struct SmallParts: Codable {
        var committee: Committee?
        var branches: [Branch]
        var merchants: [Merchant]
        var rules: RatingRules?
        var ruleVersions: [Sequenced<RatingRules>]
        var users: [String: User]
        var vetoes: [String: [Sequenced<VetoConfirmed>]]
        var ratingsPublished: [Int: Sequenced<RatingsPublished>]
        var appeals: [String: [Appeal]]
        var replies: [String: [Int: Sequenced<ReplyPublished>]]
        var conduct: Sequenced<CodeOfConduct>?
        var complaintDeductions: [String: Sequenced<ComplaintDeductionConfirmed>]
        var checklist: ChecklistPublished?
        var calendar: WorkingCalendar
        var eventCount: Int
        var merchantRecords: [UInt64: String]
        var amendments: [UInt64: MarketState.Amendment]
        var confirmers: [UInt64: String]
        var vetoSeconds: [UInt64: String]
        var withdrawalsProposed: [UInt64: MarketState.ProposedWithdrawal]
        /// Absent in snapshots written before sign-in failures were recorded.
        var signInFailures: [String: [Int64]]?
        /// Absent in snapshots written before the training mark existed (their logs have none).
        var training: Sequenced<TrainingMarked>?
        /// Absent in snapshots written before corrections existed (their logs have none).
        var correctedDeductions: [String: [Sequenced<ComplaintDeductionConfirmed>]]?
        /// Absent in snapshots written before users and complaint steps could be withdrawn.
        var userRecords: [UInt64: String]?
        var withdrawnSteps: [String: [UInt64]]?
        var linkRecords: [UInt64: String]?
        /// Absent when no shop has a pledge record (format 4 on).
        var pledgeRecords: [String: ShopPledges]?
        /// Absent when no member is recorded (format 5 on).
        var members: [String: Member]?
        var memberRecords: [UInt64: String]?
        /// Absent when no correction changed a plate (format 6 on).
        var plateChanges: [PlateChange]?
        /// Absent when no panel or members' points entry is recorded.
        var memberPoints: MemberPointsBook?
    }

    public static func encode(_ market: MarketState) throws -> [UInt8] {
        var out = BinaryWriter()
        let h = market.history
        out.buffer.reserveCapacity(h.text.bytes.count + h.inspections.count * 40 + h.exceptions.count * 14 + h.cases.count * 88
                                   + h.steps.count * 52 + h.contributions.count * 49 + market.idempotencyKeys.count * 16 + (1 << 22))
        out.bytes(magic)
        out.u16(UInt16(formatVersion))
        let small = SmallParts(committee: market.committee, branches: market.branches, merchants: market.merchants, rules: market.rules,
                               ruleVersions: market.ruleVersions, users: market.users, vetoes: market.vetoes, ratingsPublished: market.ratingsPublished,
                               appeals: market.appeals, replies: market.replies, conduct: market.conduct, complaintDeductions: market.complaintDeductions,
                               checklist: market.checklist, calendar: market.calendar, eventCount: market.eventCount,
                               merchantRecords: market.merchantRecords, amendments: market.amendments, confirmers: market.confirmers, vetoSeconds: market.vetoSeconds, withdrawalsProposed: market.withdrawalsProposed,
                               signInFailures: market.signInFailures, training: market.training,
                               correctedDeductions: market.correctedDeductions.isEmpty ? nil : market.correctedDeductions,
                               userRecords: market.userRecords, withdrawnSteps: market.withdrawnSteps.isEmpty ? nil : market.withdrawnSteps,
                               linkRecords: market.linkRecords.isEmpty ? nil : market.linkRecords,
                               pledgeRecords: market.pledgeRecords.isEmpty ? nil : market.pledgeRecords,
                               members: market.members.isEmpty ? nil : market.members,
                               memberRecords: market.memberRecords.isEmpty ? nil : market.memberRecords,
                               plateChanges: market.plateChanges.isEmpty ? nil : market.plateChanges,
                               memberPoints: market.memberPoints.isEmpty ? nil : market.memberPoints.withoutEntries)
        // JSONEncoder's bytes, written by the fast writer (JSONEncoder itself if it declines).
        let json: [UInt8]
        do {
            json = try FastJSONWriter.encode(small)
        } catch is FastJSONWriter.Unsupported {
            json = Array(try JSONEncoder().encode(small))
        }
        out.u64(UInt64(json.count))
        out.bytes(json)
        write(market.history, to: &out)
        writeLedger(market.memberPoints.entries, to: &out)
        let keys = market.idempotencyKeys.allSorted
        out.u64(UInt64(keys.count))
        for key in keys { out.u128(key) }
        return out.buffer
    }

    /// The state, or nil when the payload is damaged or of another format (the caller replays).
    public static func decode(_ payload: [UInt8]) -> MarketState? {
        decode(payload[...])
    }

    public static func decode(_ payload: ArraySlice<UInt8>) -> MarketState? {
        payload.withUnsafeBytes { decode(raw: $0) }
    }

    /// The same from a `Data` (a mapped snapshot file).
    public static func decode(_ payload: Data) -> MarketState? {
        payload.withUnsafeBytes { decode(raw: $0) }
    }

    static func decode(raw: UnsafeRawBufferPointer) -> MarketState? {
        do {
            var input = BinaryReader(raw)
            guard input.bytes(magic.count).elementsEqual(magic), input.u16() == UInt16(formatVersion) else { return nil }
            let jsonCount = Int(clamping: input.u64())
            let json = input.bytes(jsonCount)
            guard !input.failed else { return nil }
            // The two halves are independent: read them on two cores.
            let halves = DecodedHalves(json: Array(json), reader: input)
            DispatchQueue.concurrentPerform(iterations: 2) { half in
                if half == 0 {
                    halves.small = try? FastJSON.decode(SmallParts.self, from: halves.json)
                } else if var reader = halves.reader {
                    halves.history = readHistory(&reader)
                    halves.ledger = readLedger(&reader)
                    halves.rest = reader
                }
            }
            guard let small = halves.small, let history = halves.history, let ledger = halves.ledger, var input = halves.rest else { return nil }
            var market = MarketState()
            market.committee = small.committee
            market.branches = small.branches
            market.merchants = small.merchants
            market.rules = small.rules
            market.ruleVersions = small.ruleVersions
            market.users = small.users
            market.vetoes = small.vetoes
            market.ratingsPublished = small.ratingsPublished
            market.appeals = small.appeals
            market.replies = small.replies
            market.conduct = small.conduct
            market.complaintDeductions = small.complaintDeductions
            market.checklist = small.checklist
            market.calendar = small.calendar
            market.eventCount = small.eventCount
            market.merchantRecords = small.merchantRecords
            market.amendments = small.amendments
            market.confirmers = small.confirmers
            market.vetoSeconds = small.vetoSeconds
            market.withdrawalsProposed = small.withdrawalsProposed
            market.signInFailures = small.signInFailures ?? [:]
            market.training = small.training
            market.correctedDeductions = small.correctedDeductions ?? [:]
            market.userRecords = small.userRecords ?? [:]
            market.withdrawnSteps = small.withdrawnSteps ?? [:]
            market.pledgeRecords = small.pledgeRecords ?? [:]
            market.members = small.members ?? [:]
            market.memberRecords = small.memberRecords ?? [:]
            market.plateChanges = small.plateChanges ?? []
            market.memberPoints = small.memberPoints ?? MemberPointsBook()
            market.memberPoints.entries = ledger
            market.linkRecords = small.linkRecords ?? [:]
            market.history = history
            market.rebuildDerivedLookups()
            let keyCount = Int(clamping: input.u64())
            guard input.remaining == keyCount * 16 else { return nil }
            var ascending = true
            // (Never capacity 0: see PayloadPlace.of.)
            let keys = keyCount == 0 ? [] : [UInt128](unsafeUninitializedCapacity: keyCount) { buffer, initialized in
                for i in 0..<keyCount {
                    buffer[i] = input.u128()
                    if i > 0 && buffer[i - 1] >= buffer[i] { ascending = false }
                }
                initialized = keyCount
            }
            guard ascending, !input.failed, input.remaining == 0 else { return nil }
            market.idempotencyKeys = KeySet(sorted: keys)
            return market
        }
    }

    private static func write(_ h: CompactHistory, to out: inout BinaryWriter) {
        out.u32(UInt32(h.symbols.names.count))
        for name in h.symbols.names {
            let utf8 = Array(name.utf8)
            out.u32(UInt32(utf8.count))
            out.bytes(utf8)
        }
        out.u64(UInt64(h.text.bytes.count))
        out.bytes(h.text.bytes)
        out.u32(UInt32(h.lists.lists.count))
        for list in h.lists.lists {
            out.u32(UInt32(list.count))
            for id in list { out.u32(id) }
        }
        out.u32(UInt32(h.inspections.count))
        for r in h.inspections {
            out.u64(r.sequence); out.i32(r.day); out.u32(r.shop); out.u32(r.inspector); out.i64(r.checklistVersion)
            out.u32(r.items); out.u32(r.firstException); out.u32(r.exceptionCount)
        }
        out.u32(UInt32(h.exceptions.count))
        for e in h.exceptions {
            out.u32(e.position); out.u8(e.result.code); out.severity(e.severity); out.text(e.note)
        }
        out.u32(UInt32(h.cases.count))
        for c in h.cases {
            out.text(c.receipt); out.u32(c.shop); out.u32(c.category); out.u8(c.integrity); out.text(c.text)
            out.i64(c.amountFen); out.u8(c.hasAmount ? 1 : 0); out.u32(c.wants); out.text(c.consumerName); out.text(c.consumerPhone)
            out.u8(c.consent ? 1 : 0); out.i32(c.day); out.u64(c.filedSequence); out.u32(c.filer); out.u8(c.state)
            out.i32(c.acceptedOn); out.u32(c.handler); out.u32(c.lastStep); out.u32(c.duplicateOf)
        }
        out.u32(UInt32(h.steps.count))
        for s in h.steps {
            out.u64(s.sequence); out.u32(s.actor); out.i32(s.day); out.u8(s.action.rawValue); out.u32(s.detail); out.text(s.outcome)
            out.i64(s.amountFen); out.u8(s.hasAmount ? 1 : 0); out.u8(s.upheld ? 1 : 0); out.u8(s.state); out.text(s.note); out.u32(s.previous)
        }
        out.u32(UInt32(h.contributions.count))
        for c in h.contributions {
            out.u64(c.sequence); out.u32(c.enteredBy); out.u32(c.shop); out.u8(c.kind); out.i64(c.points); out.i32(c.day)
            out.text(c.evidence); out.u32(c.approvedBy); out.u64(c.approvalSequence)
        }
    }

    private static func readHistory(_ input: inout BinaryReader) -> CompactHistory? {
        var h = CompactHistory()
        let symbolCount = input.count(minimumSize: 4)
        var names: [String] = []
        names.reserveCapacity(symbolCount)
        for _ in 0..<symbolCount {
            let n = Int(input.u32())
            names.append(String(decoding: input.bytes(n), as: UTF8.self))
        }
        h.symbols = SymbolTable(names: names)
        let textCount = Int(clamping: input.u64())
        let text = input.bytes(textCount)
        h.text.bytes.reserveCapacity(CompactHistory.withRoom(text.count))
        h.text.bytes.append(contentsOf: text)
        let listCount = input.count(minimumSize: 4)
        var lists: [[UInt32]] = []
        lists.reserveCapacity(listCount)
        for _ in 0..<listCount {
            let n = input.count(minimumSize: 4)
            lists.append((0..<n).map { _ in input.u32() })
        }
        h.lists = SymbolLists(lists: lists)
        h.inspections = input.rows(minimumSize: 40) { r in
            CompactHistory.InspectionRow(sequence: r.u64(), day: r.i32(), shop: r.u32(), inspector: r.u32(), checklistVersion: r.i64(),
                                         items: r.u32(), firstException: r.u32(), exceptionCount: r.u32())
        }
        h.exceptions = input.rows(minimumSize: 14) { r in
            CompactHistory.OutcomeException(position: r.u32(), result: r.code(ItemOutcome.Result.decode, placeholder: .pass), severity: r.severity(),
                                            note: r.text())
        }
        h.cases = input.rows(minimumSize: 80) { r in
            CompactHistory.CaseRow(receipt: r.text(), shop: r.u32(), category: r.u32(), integrity: r.u8(), text: r.text(), amountFen: r.i64(),
                                   hasAmount: r.u8() != 0, wants: r.u32(), consumerName: r.text(), consumerPhone: r.text(), consent: r.u8() != 0,
                                   day: r.i32(), filedSequence: r.u64(), filer: r.u32(), state: r.u8(), acceptedOn: r.i32(), handler: r.u32(),
                                   lastStep: r.u32(), duplicateOf: r.u32())
        }
        h.steps = input.rows(minimumSize: 51) { r in
            CompactHistory.StepRow(sequence: r.u64(), actor: r.u32(), day: r.i32(), action: r.code(ComplaintStepKind.init(rawValue:), placeholder: .accept),
                                   detail: r.u32(), outcome: r.text(),
                                   amountFen: r.i64(), hasAmount: r.u8() != 0, upheld: r.u8() != 0, state: r.u8(), note: r.text(), previous: r.u32())
        }
        h.contributions = input.rows(minimumSize: 45) { r in
            CompactHistory.ContributionRow(sequence: r.u64(), enteredBy: r.u32(), shop: r.u32(), kind: r.u8(), points: r.i64(), day: r.i32(),
                                           evidence: r.text(), approvedBy: r.u32(), approvalSequence: r.u64())
        }
        guard !input.failed, h.isConsistent else { return nil }
        h.rebuildIndexes()
        return h
    }
}

/// What the two threads of `MarketSnapshot.decode` produce (each writes its own fields, and
/// `concurrentPerform` returns only after both are done).
private final class DecodedHalves: @unchecked Sendable {
    let json: [UInt8]
    let reader: BinaryReader?
    init(json: [UInt8], reader: BinaryReader) {
        self.json = json
        self.reader = reader
    }

    var small: MarketSnapshot.SmallParts?
    var history: CompactHistory?
    var ledger: [UInt64: MemberLedgerEntry]?
    var rest: BinaryReader?
}

extension CompactHistory {
    /// The capacity to read `n` items into: with room for the records that follow the snapshot,
    /// so that the first of them does not copy a whole array to grow it (pages not yet written
    /// take no memory).
    static func withRoom(_ n: Int) -> Int { n + n / 8 + 64 }

    /// Every reference points inside its array (checked after reading a snapshot, so that a
    /// damaged one is rejected rather than read out of bounds).
    var isConsistent: Bool {
        let symbolCount = UInt32(symbols.names.count), textCount = UInt64(text.bytes.count), listCount = UInt32(lists.lists.count)
        func symbol(_ id: UInt32, optional: Bool = false) -> Bool { id < symbolCount || (optional && id == SymbolTable.none) }
        func inText(_ r: TextRef) -> Bool { r.length == .max || UInt64(r.offset) + UInt64(r.length) <= textCount }
        guard lists.lists.allSatisfy({ $0.allSatisfy { symbol($0) } }) else { return false }
        for r in inspections {
            guard symbol(r.shop), symbol(r.inspector), r.items < listCount,
                  UInt64(r.firstException) + UInt64(r.exceptionCount) <= UInt64(exceptions.count) else { return false }
        }
        guard exceptions.allSatisfy({ inText($0.note) }) else { return false }
        for c in cases {
            guard inText(c.receipt), inText(c.text), inText(c.consumerName), inText(c.consumerPhone), symbol(c.shop, optional: true),
                  symbol(c.category), c.wants < listCount, symbol(c.filer), symbol(c.handler, optional: true),
                  c.lastStep == .max || Int(c.lastStep) < steps.count, c.duplicateOf == .max || Int(c.duplicateOf) < cases.count else { return false }
        }
        for (i, s) in steps.enumerated() {
            // Steps link backwards only, so walking a case's history always ends.
            guard symbol(s.actor), symbol(s.detail, optional: true), inText(s.outcome), inText(s.note),
                  s.previous == .max || Int(s.previous) < i else { return false }
        }
        for (i, c) in contributions.enumerated() {
            // In log order (looked up by binary search).
            guard i == 0 || contributions[i - 1].sequence < c.sequence, symbol(c.enteredBy), symbol(c.shop), inText(c.evidence), symbol(c.approvedBy, optional: true) else { return false }
        }
        return true
    }
}

/// Little-endian bytes out.
struct BinaryWriter {
    var buffer: [UInt8] = []

    mutating func bytes<C: Collection>(_ b: C) where C.Element == UInt8 { buffer.append(contentsOf: b) }
    mutating func u8(_ v: UInt8) { buffer.append(v) }
    mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { buffer.append(contentsOf: $0) } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { buffer.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { buffer.append(contentsOf: $0) } }
    mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    mutating func u128(_ v: UInt128) { u64(UInt64(truncatingIfNeeded: v)); u64(UInt64(truncatingIfNeeded: v >> 64)) }
    mutating func text(_ r: TextRef) { u32(r.offset); u32(r.length) }
    /// An outcome's severity: 0 for none, else the severity's code + 1.
    mutating func severity(_ s: Severity?) { u8(s.map { $0.code + 1 } ?? 0) }
}

/// Little-endian bytes in, bounds-checked: reading past the end sets `failed` and gives zeros.
struct BinaryReader {
    let raw: UnsafeRawBufferPointer
    var position = 0
    var failed = false

    init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

    var remaining: Int { raw.count - position }

    private mutating func take(_ n: Int) -> Int? {
        guard !failed, n >= 0, n <= raw.count - position else { failed = true; return nil }
        defer { position += n }
        return position
    }

    mutating func bytes(_ n: Int) -> UnsafeRawBufferPointer {
        guard let at = take(n) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(rebasing: raw[at..<(at + n)])
    }

    mutating func u8() -> UInt8 { take(1).map { raw[$0] } ?? 0 }
    mutating func u16() -> UInt16 { take(2).map { UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: $0, as: UInt16.self)) } ?? 0 }
    mutating func u32() -> UInt32 { take(4).map { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0, as: UInt32.self)) } ?? 0 }
    mutating func u64() -> UInt64 { take(8).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0, as: UInt64.self)) } ?? 0 }
    mutating func i32() -> Int32 { Int32(bitPattern: u32()) }
    mutating func i64() -> Int64 { Int64(bitPattern: u64()) }
    mutating func u128() -> UInt128 { let low = u64(), high = u64(); return UInt128(high) << 64 | UInt128(low) }
    mutating func text() -> TextRef { TextRef(offset: u32(), length: u32()) }

    /// A byte that `decode` makes a value of; any other byte marks the snapshot damaged, as reading
    /// past the end does (`placeholder` is given then, and never used).
    mutating func code<T>(_ decode: (UInt8) -> T?, placeholder: T) -> T {
        let byte = u8()
        guard let value = decode(byte) else {
            failed = true
            return placeholder
        }
        return value
    }

    /// An outcome's severity, as `BinaryWriter.severity` writes it.
    mutating func severity() -> Severity? {
        code({ $0 == 0 ? .some(nil) : Severity.decode($0 - 1).map { .some($0) } }, placeholder: nil)
    }

    /// A count of items of at least `minimumSize` bytes each, checked against what remains.
    mutating func count(minimumSize: Int) -> Int {
        let n = Int(u32())
        guard n <= remaining / max(1, minimumSize) else { failed = true; return 0 }
        return n
    }

    mutating func rows<Row>(minimumSize: Int, _ read: (inout BinaryReader) -> Row) -> [Row] {
        let n = count(minimumSize: minimumSize)
        var result: [Row] = []
        result.reserveCapacity(CompactHistory.withRoom(n))
        for _ in 0..<n where !failed { result.append(read(&self)) }
        return result
    }
}
