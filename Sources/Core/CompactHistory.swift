/// The bulk of the market's history — inspections, complaint cases with their steps, contribution
/// points — kept compactly: rows of plain numbers, identifiers interned once in a symbol table,
/// free text in one UTF-8 arena. A million events take tens of megabytes instead of hundreds, the
/// snapshot writes and reads these arrays as they are (docs/log-format.md, "Snapshots"), and the
/// ratings walk the rows without building a Swift value per event. Values (`Inspection`,
/// `ComplaintCase`, `Contribution`) are built on demand, exactly as they were recorded.

/// Identifiers (shop numbers, user names, checklist items, codes), each kept once.
public struct SymbolTable: Sendable, Equatable {
    public private(set) var names: [String] = []
    private var ids: [String: UInt32] = [:]

    /// "No symbol" (an optional left empty).
    public static let none = UInt32.max

    public init() {}

    package init(names: [String]) {
        self.names = names
        ids.reserveCapacity(names.count)
        for (i, name) in names.enumerated() where ids[name] == nil { ids[name] = UInt32(i) }
    }

    public mutating func id(_ name: String) -> UInt32 {
        if let id = ids[name] { return id }
        let id = UInt32(names.count)
        names.append(name)
        ids[name] = id
        return id
    }

    mutating func id(_ name: String?) -> UInt32 { name.map { id($0) } ?? Self.none }

    public func existing(_ name: String) -> UInt32? { ids[name] }

    public subscript(id: UInt32) -> String { id == Self.none || Int(id) >= names.count ? "" : names[Int(id)] }

    func optional(_ id: UInt32) -> String? { id == Self.none ? nil : self[id] }
}

/// Where a text lies in the arena; `length == UInt32.max` is "no text".
package struct TextRef: Sendable, Equatable {
    package var offset: UInt32
    package var length: UInt32
    package static let none = TextRef(offset: 0, length: .max)

    package init(offset: UInt32, length: UInt32) {
        self.offset = offset
        self.length = length
    }
}

/// Free text, one UTF-8 byte array. Holds up to 4 GiB of text (some 40 million complaints).
package struct TextArena: Sendable, Equatable {
    package var bytes: [UInt8] = []

    mutating func add(_ text: String?) -> TextRef {
        guard var text else { return .none }
        return text.withUTF8 { add(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Text given as its UTF-8 bytes (a replay copies them straight from the log).
    package mutating func add(utf8: UnsafeRawBufferPointer) -> TextRef {
        let offset = bytes.count
        bytes.append(contentsOf: utf8)
        precondition(bytes.count < Int(UInt32.max), "the text arena is limited to 4 GiB")
        return TextRef(offset: UInt32(offset), length: UInt32(bytes.count - offset))
    }

    func string(_ ref: TextRef) -> String? {
        guard ref.length != .max else { return nil }
        let start = Int(ref.offset), end = start + Int(ref.length)
        guard start >= 0, end <= bytes.count else { return "" }
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self) }
    }
}

/// Lists of symbols that repeat (a checklist's items in order, a complaint's wishes), each kept once.
package struct SymbolLists: Sendable, Equatable {
    package var lists: [[UInt32]] = []
    private var ids: [[UInt32]: UInt32] = [:]

    init() {}

    package init(lists: [[UInt32]]) {
        self.lists = lists
        for (i, list) in lists.enumerated() where ids[list] == nil { ids[list] = UInt32(i) }
    }

    package mutating func id(_ list: [UInt32]) -> UInt32 {
        if let id = ids[list] { return id }
        let id = UInt32(lists.count)
        lists.append(list)
        ids[list] = id
        return id
    }

    subscript(id: UInt32) -> [UInt32] { Int(id) < lists.count ? lists[Int(id)] : [] }
}

/// Enumerations stored as their position among all cases.
extension CaseIterable where Self: Equatable {
    package var code: UInt8 { UInt8(Self.allCases.distance(from: Self.allCases.startIndex, to: Self.allCases.firstIndex(of: self) ?? Self.allCases.startIndex)) }

    package static func decode(_ code: UInt8) -> Self? {
        guard Int(code) < Self.allCases.count else { return nil }
        return Self.allCases[Self.allCases.index(Self.allCases.startIndex, offsetBy: Int(code))]
    }
}

/// The idempotency keys seen so far, as 128-bit FNV-1a hashes: those the snapshot held in one
/// ascending array (a million keys in 16 MB, read as it is written), those seen since in a set.
public struct KeySet: Sendable {
    /// Hashes from the snapshot (or the last compaction), ascending, no repeats.
    package var sorted: [UInt128] = []
    /// Hashes of keys seen since.
    package var recent: Set<UInt128> = []

    public init() {}

    package init(sorted: [UInt128]) {
        self.sorted = sorted
    }

    public var count: Int { sorted.count + recent.count }

    package static func hash(_ key: String) -> UInt128 {
        var key = key
        return key.withUTF8 { hash(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// The hash of a key given as its UTF-8 bytes.
    package static func hash(utf8 key: UnsafeRawBufferPointer) -> UInt128 {
        // FNV-1a, 128 bits (offset basis and prime from the FNV specification).
        var h: UInt128 = 0x6c62272e07bb014262b821756295c58d
        let prime: UInt128 = (1 << 88) | 0x13b
        for byte in key {
            h ^= UInt128(byte)
            h = h &* prime
        }
        return h
    }

    public func contains(_ key: String) -> Bool { contains(hash: Self.hash(key)) }

    func contains(hash h: UInt128) -> Bool {
        recent.contains(h) || inSorted(h)
    }

    public mutating func insert(_ key: String) {
        insert(hash: Self.hash(key))
    }

    mutating func insert(hash h: UInt128) {
        // One hash-table operation when the key is not among the snapshot's (always, in a replay).
        if !inSorted(h) { recent.insert(h) }
    }

    /// Two ascending arrays as one, each hash once.
    package static func merge(_ a: [UInt128], _ b: [UInt128]) -> [UInt128] {
        var merged: [UInt128] = []
        merged.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            let next: UInt128
            if j == b.count || (i < a.count && a[i] <= b[j]) {
                next = a[i]
                i += 1
            } else {
                next = b[j]
                j += 1
            }
            if merged.last != next { merged.append(next) }
        }
        return merged
    }

    private func inSorted(_ h: UInt128) -> Bool {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < h { low = mid + 1 } else { high = mid }
        }
        return low < sorted.count && sorted[low] == h
    }

    /// Every hash, ascending (what the snapshot writes).
    package var allSorted: [UInt128] {
        recent.isEmpty ? sorted : Self.merge(sorted, recent.sorted())
    }

    /// Moves the recent hashes into the ascending array (after a snapshot is written).
    mutating func compact() {
        guard !recent.isEmpty else { return }
        sorted = allSorted
        recent = []
    }
}

extension KeySet: Equatable {
    /// The same keys, however they are split between the array and the set.
    public static func == (a: KeySet, b: KeySet) -> Bool {
        a.count == b.count && a.sorted.allSatisfy(b.contains(hash:)) && a.recent.allSatisfy(b.contains(hash:))
    }
}

/// The compact history. `MarketState` owns one and folds events into it.
public struct CompactHistory: Sendable, Equatable {
    package var symbols = SymbolTable()
    package var text = TextArena()
    package var lists = SymbolLists()

    package struct InspectionRow: Sendable, Equatable {
        package var sequence: UInt64
        package var day: Int32
        package var shop: UInt32
        package var inspector: UInt32
        package var checklistVersion: Int64
        /// The items in order (a symbol list); every item passed unless an exception says otherwise.
        package var items: UInt32
        package var firstException: UInt32
        package var exceptionCount: UInt32

        package init(sequence: UInt64, day: Int32, shop: UInt32, inspector: UInt32, checklistVersion: Int64, items: UInt32,
                     firstException: UInt32, exceptionCount: UInt32) {
            self.sequence = sequence
            self.day = day
            self.shop = shop
            self.inspector = inspector
            self.checklistVersion = checklistVersion
            self.items = items
            self.firstException = firstException
            self.exceptionCount = exceptionCount
        }
    }

    /// An outcome other than a plain pass (a failure, not applicable, or a pass with a note).
    package struct OutcomeException: Sendable, Equatable {
        package var position: UInt32
        package var result: ItemOutcome.Result
        package var severity: Severity?
        package var note: TextRef

        package init(position: UInt32, result: ItemOutcome.Result, severity: Severity?, note: TextRef) {
            self.position = position
            self.result = result
            self.severity = severity
            self.note = note
        }
    }

    package var inspections: [InspectionRow] = []
    package var exceptions: [OutcomeException] = []
    /// Row numbers of each shop's inspections, in log order (rebuilt when a snapshot is read).
    var inspectionsByShop: [UInt32: [UInt32]] = [:]

    package struct CaseRow: Sendable, Equatable {
        package var receipt: TextRef
        package var shop: UInt32
        package var category: UInt32
        package var integrity: UInt8
        package var text: TextRef
        package var amountFen: Int64
        package var hasAmount: Bool
        package var wants: UInt32
        package var consumerName: TextRef
        package var consumerPhone: TextRef
        package var consent: Bool
        package var day: Int32
        package var filedSequence: UInt64
        package var filer: UInt32
        package var state: UInt8
        /// Int32.min: not accepted.
        package var acceptedOn: Int32
        package var handler: UInt32
        /// The latest step (an index into `steps`), UInt32.max before any.
        package var lastStep: UInt32
        /// The case this one duplicates (a row number), UInt32.max if none.
        package var duplicateOf: UInt32

        package init(receipt: TextRef, shop: UInt32, category: UInt32, integrity: UInt8, text: TextRef, amountFen: Int64, hasAmount: Bool,
                     wants: UInt32, consumerName: TextRef, consumerPhone: TextRef, consent: Bool, day: Int32, filedSequence: UInt64,
                     filer: UInt32, state: UInt8 = ComplaintState.filed.code, acceptedOn: Int32 = .min, handler: UInt32 = SymbolTable.none,
                     lastStep: UInt32 = .max, duplicateOf: UInt32 = .max) {
            self.receipt = receipt
            self.shop = shop
            self.category = category
            self.integrity = integrity
            self.text = text
            self.amountFen = amountFen
            self.hasAmount = hasAmount
            self.wants = wants
            self.consumerName = consumerName
            self.consumerPhone = consumerPhone
            self.consent = consent
            self.day = day
            self.filedSequence = filedSequence
            self.filer = filer
            self.state = state
            self.acceptedOn = acceptedOn
            self.handler = handler
            self.lastStep = lastStep
            self.duplicateOf = duplicateOf
        }
    }

    package struct StepRow: Sendable, Equatable {
        package var sequence: UInt64
        package var actor: UInt32
        package var day: Int32
        package var action: ComplaintStepKind
        /// The reason, department or satisfaction (a symbol).
        package var detail: UInt32
        /// A resolution's outcome.
        package var outcome: TextRef
        package var amountFen: Int64
        package var hasAmount: Bool
        /// A resolution's finding: upheld (属实) or not (不属实); false for the other steps.
        package var upheld: Bool
        package var state: UInt8
        package var note: TextRef
        /// The case's step before this one, UInt32.max if none.
        package var previous: UInt32

        package init(sequence: UInt64, actor: UInt32, day: Int32, action: ComplaintStepKind, detail: UInt32, outcome: TextRef, amountFen: Int64,
                     hasAmount: Bool, upheld: Bool, state: UInt8 = ComplaintState.filed.code, note: TextRef, previous: UInt32 = .max) {
            self.sequence = sequence
            self.actor = actor
            self.day = day
            self.action = action
            self.detail = detail
            self.outcome = outcome
            self.amountFen = amountFen
            self.hasAmount = hasAmount
            self.upheld = upheld
            self.state = state
            self.note = note
            self.previous = previous
        }
    }

    package var cases: [CaseRow] = []
    package var steps: [StepRow] = []
    /// Row number by receipt, and each shop's cases in log order (rebuilt when a snapshot is read).
    package var caseByReceipt: [String: UInt32] = [:]
    var casesByShop: [UInt32: [UInt32]] = [:]

    package struct ContributionRow: Sendable, Equatable {
        package var sequence: UInt64
        package var enteredBy: UInt32
        package var shop: UInt32
        package var kind: UInt8
        package var points: Int64
        package var day: Int32
        package var evidence: TextRef
        package var approvedBy: UInt32
        /// 0 while not approved (sequence numbers start at 1).
        package var approvalSequence: UInt64

        package init(sequence: UInt64, enteredBy: UInt32, shop: UInt32, kind: UInt8, points: Int64, day: Int32, evidence: TextRef,
                     approvedBy: UInt32 = SymbolTable.none, approvalSequence: UInt64 = 0) {
            self.sequence = sequence
            self.enteredBy = enteredBy
            self.shop = shop
            self.kind = kind
            self.points = points
            self.day = day
            self.evidence = evidence
            self.approvedBy = approvedBy
            self.approvalSequence = approvalSequence
        }
    }

    package var contributions: [ContributionRow] = []
    var contributionsByShop: [UInt32: [UInt32]] = [:]

    /// The row of the entry recorded by the event `sequence` (rows are in log order: a binary search).
    func contributionRow(sequence: UInt64) -> Int? {
        // Approvals come soon after the entries they approve: the search starts from the newest
        // rows, widening the window until it holds the sequence number, then halves it.
        var low = 0, high = contributions.count, width = 64
        while high - width > 0, contributions[high - width].sequence > sequence {
            high -= width
            width *= 2
        }
        low = max(0, high - width)
        while low < high {
            let mid = (low + high) / 2
            if contributions[mid].sequence < sequence { low = mid + 1 } else { high = mid }
        }
        return low < contributions.count && contributions[low].sequence == sequence ? low : nil
    }

    /// The row of the inspection recorded by the event `sequence` (rows are in log order).
    func inspectionRow(sequence: UInt64) -> Int? {
        var low = 0, high = inspections.count
        while low < high {
            let mid = (low + high) / 2
            if inspections[mid].sequence < sequence { low = mid + 1 } else { high = mid }
        }
        return low < inspections.count && inspections[low].sequence == sequence ? low : nil
    }

    package init() {}

    /// Rebuilds the lookup tables from the rows (after a snapshot is read).
    package mutating func rebuildIndexes() {
        inspectionsByShop = [:]
        for (i, row) in inspections.enumerated() { inspectionsByShop[row.shop, default: []].append(UInt32(i)) }
        caseByReceipt = [:]
        caseByReceipt.reserveCapacity(cases.count)
        casesByShop = [:]
        for (i, row) in cases.enumerated() {
            caseByReceipt[text.string(row.receipt) ?? ""] = UInt32(i)
            if row.shop != SymbolTable.none { casesByShop[row.shop, default: []].append(UInt32(i)) }
        }
        contributionsByShop = [:]
        for (i, row) in contributions.enumerated() {
            contributionsByShop[row.shop, default: []].append(UInt32(i))
        }
    }

    // MARK: Inspections

    // Each event is folded in two parts: its identifiers interned and its texts added (from Swift
    // values here, from the log's bytes in `MarketState.replay` (Codec), in the same order, so that both
    // give the same table), then the rows written by the helpers both share.

    mutating func addInspection(_ value: Inspection, sequence: UInt64) {
        let first = UInt32(exceptions.count)
        var items: [UInt32] = []
        items.reserveCapacity(value.outcomes.count)
        for (position, outcome) in value.outcomes.enumerated() {
            items.append(symbols.id(outcome.item))
            addOutcome(position: position, result: outcome.result, severity: outcome.severity, note: text.add(outcome.note))
        }
        let shop = symbols.id(value.shop)
        let inspector = symbols.id(value.inspector)
        finishInspection(sequence: sequence, day: Int32(value.date.dayNumber), shop: shop, inspector: inspector,
                         checklistVersion: Int64(value.checklistVersion), items: lists.id(items), firstException: first)
    }

    /// One outcome of the inspection being recorded: kept as an exception unless a plain pass.
    package mutating func addOutcome(position: Int, result: ItemOutcome.Result, severity: Severity?, note: TextRef) {
        if result != .pass || severity != nil || note != .none {
            exceptions.append(OutcomeException(position: UInt32(position), result: result, severity: severity, note: note))
        }
    }

    /// The inspection's row, after its outcomes (the exceptions from `firstException` on);
    /// `items` is the list of its items' symbols.
    package mutating func finishInspection(sequence: UInt64, day: Int32, shop: UInt32, inspector: UInt32, checklistVersion: Int64, items: UInt32,
                                   firstException: UInt32) {
        inspectionsByShop[shop, default: []].append(UInt32(inspections.count))
        inspections.append(InspectionRow(sequence: sequence, day: day, shop: shop, inspector: inspector, checklistVersion: checklistVersion,
                                         items: items, firstException: firstException,
                                         exceptionCount: UInt32(exceptions.count) - firstException))
    }

    func inspection(_ i: UInt32) -> Sequenced<Inspection> {
        let row = inspections[Int(i)]
        var outcomes = lists[row.items].map { ItemOutcome(item: symbols[$0], result: .pass) }
        for e in exceptions[Int(row.firstException)..<Int(row.firstException + row.exceptionCount)] where Int(e.position) < outcomes.count {
            outcomes[Int(e.position)].result = e.result
            outcomes[Int(e.position)].severity = e.severity
            outcomes[Int(e.position)].note = text.string(e.note)
        }
        return Sequenced(sequence: row.sequence, value: Inspection(shop: symbols[row.shop], date: SimpleDate(dayNumber: Int(row.day)),
                                                                  inspector: symbols[row.inspector], checklistVersion: Int(row.checklistVersion), outcomes: outcomes))
    }

    /// Calls `body` with each outcome of an inspection: item symbol, result, severity.
    func forEachOutcome(of i: UInt32, _ body: (UInt32, ItemOutcome.Result, Severity?) -> Void) {
        let row = inspections[Int(i)]
        let items = lists[row.items]
        let exceptions = self.exceptions[Int(row.firstException)..<Int(row.firstException + row.exceptionCount)]
        var next = exceptions.startIndex
        for (position, item) in items.enumerated() {
            if next < exceptions.endIndex, Int(exceptions[next].position) == position {
                let e = exceptions[next]
                body(item, e.result, e.severity)
                next += 1
            } else {
                body(item, .pass, nil)
            }
        }
    }

    // MARK: Complaints

    mutating func fileComplaint(_ value: ComplaintFiled, sequence: UInt64, actor: String) {
        guard caseByReceipt[value.receipt] == nil else { return }
        let shop = symbols.id(value.shop)
        let receipt = text.add(value.receipt)
        let category = symbols.id(value.category)
        let body = text.add(value.text)
        let wants = lists.id(value.wants.map { symbols.id($0) })
        let name = text.add(value.consumerName), phone = text.add(value.consumerPhone)
        addCase(value.receipt, CaseRow(receipt: receipt, shop: shop, category: category, integrity: value.integrity.code, text: body,
                                       amountFen: Int64(value.amountFen ?? 0), hasAmount: value.amountFen != nil, wants: wants,
                                       consumerName: name, consumerPhone: phone, consent: value.consentToContact,
                                       day: Int32(value.date.dayNumber), filedSequence: sequence, filer: symbols.id(actor)))
    }

    /// A new case's row (filed, nothing done yet), found by `receipt` from now on.
    package mutating func addCase(_ receipt: String, _ row: CaseRow) {
        let number = UInt32(cases.count)
        cases.append(row)
        caseByReceipt[receipt] = number
        if row.shop != SymbolTable.none { casesByShop[row.shop, default: []].append(number) }
    }

    /// Applies a step the workflow allows; others change nothing.
    mutating func applyStep(_ step: ComplaintStep, sequence: UInt64, actor: String) {
        guard let target = stepTarget(caseByReceipt[step.receipt], action: step.action.kind) else { return }
        var detail = SymbolTable.none, outcome = TextRef.none, amount: Int? = nil, upheld = false
        switch step.action {
        case .accept, .mediate, .close: break
        case .reject(let reason): detail = symbols.id(reason)
        case .resolve(let text, let fen, let found): outcome = self.text.add(text); amount = fen; upheld = found
        case .forward(let department): detail = symbols.id(department)
        case .terminate(let reason): detail = symbols.id(reason)
        case .followUp(let satisfaction): detail = symbols.id(satisfaction.rawValue)
        }
        let actorID = symbols.id(actor)
        addStep(to: target, StepRow(sequence: sequence, actor: actorID, day: Int32(step.date.dayNumber), action: step.action.kind, detail: detail,
                                    outcome: outcome, amountFen: Int64(amount ?? 0), hasAmount: amount != nil, upheld: upheld, note: text.add(step.note)))
    }

    /// The case whose latest step is the step recorded as `sequence` (only a case's latest step
    /// may be withdrawn), as (case row, step row).
    func caseWithLatestStep(sequence: UInt64) -> (row: Int, step: Int)? {
        guard let step = stepIndex(sequence: sequence), let row = cases.firstIndex(where: { $0.lastStep == UInt32(step) }) else { return nil }
        return (row, step)
    }

    /// The row of the step recorded as `sequence` (steps are kept in log order).
    func stepIndex(sequence: UInt64) -> Int? {
        var low = 0, high = steps.count
        while low < high {
            let mid = (low + high) / 2
            if steps[mid].sequence < sequence { low = mid + 1 } else { high = mid }
        }
        return low < steps.count && steps[low].sequence == sequence ? low : nil
    }

    /// The step recorded as `sequence`, as a case's history shows a step.
    func historyEntry(ofStep sequence: UInt64) -> ComplaintCase.HistoryEntry? {
        guard let index = stepIndex(sequence: sequence) else { return nil }
        return entry(steps[index])
    }

    /// A step as a case's history shows it.
    func entry(_ step: StepRow) -> ComplaintCase.HistoryEntry {
        .init(sequence: step.sequence, actor: symbols[step.actor], date: SimpleDate(dayNumber: Int(step.day)), action: action(of: step),
              state: ComplaintState.decode(step.state) ?? .filed, note: text.string(step.note))
    }

    /// Whether `sequence` records a complaint step (latest or not).
    func isStep(sequence: UInt64) -> Bool {
        stepIndex(sequence: sequence) != nil
    }

    /// Takes a case's latest step back (a withdrawal): the case is as it was before the step. The
    /// step's row stays (the history lists it as withdrawn) but no longer belongs to the case's chain.
    mutating func withdrawLatestStep(case row: Int, step: Int) {
        let previous = steps[step].previous
        cases[row].lastStep = previous
        cases[row].state = previous == .max ? ComplaintState.filed.code : steps[Int(previous)].state
        // What the chain that remains says: when it was accepted, who handled it first.
        var accepted: Int32 = .min, handler = SymbolTable.none
        var s = previous
        while s != .max, Int(s) < steps.count {
            let earlier = steps[Int(s)]
            if earlier.action == .accept { accepted = earlier.day }
            if earlier.action != .close { handler = earlier.actor }
            s = earlier.previous
        }
        cases[row].acceptedOn = accepted
        cases[row].handler = handler
    }

    /// The case a step is for and the state it leads to, when the case exists and the workflow allows the step.
    package func stepTarget(_ row: UInt32?, action: ComplaintStepKind) -> (row: Int, next: ComplaintState)? {
        guard let i = row.map(Int.init), let current = ComplaintState.decode(cases[i].state),
              let next = action.next(from: current) else { return nil }
        return (i, next)
    }

    /// Records an allowed step (its state and link to the case's previous step are filled in here).
    package mutating func addStep(to target: (row: Int, next: ComplaintState), _ step: StepRow) {
        let i = target.row
        var step = step
        step.state = target.next.code
        step.previous = cases[i].lastStep
        steps.append(step)
        cases[i].lastStep = UInt32(steps.count - 1)
        cases[i].state = target.next.code
        if step.action == .accept { cases[i].acceptedOn = step.day }
        if cases[i].handler == SymbolTable.none, step.action != .close { cases[i].handler = step.actor }
    }

    /// Marks a case as a duplicate; false when the receipts do not name two cases.
    @discardableResult
    mutating func link(_ value: ComplaintLinked) -> Bool {
        guard let i = caseByReceipt[value.receipt], let target = caseByReceipt[value.duplicateOf], i != target else { return false }
        cases[Int(i)].duplicateOf = target
        return true
    }

    /// Takes a duplicate link back (its withdrawal).
    mutating func unlink(_ receipt: String) {
        guard let i = caseByReceipt[receipt] else { return }
        cases[Int(i)].duplicateOf = .max
    }

    func action(of step: StepRow) -> ComplaintAction {
        let detail = symbols[step.detail]
        switch step.action {
        case .accept: return .accept
        case .reject: return .reject(reason: detail)
        case .mediate: return .mediate
        case .resolve: return .resolve(outcome: text.string(step.outcome) ?? "", amountFen: step.hasAmount ? Int(step.amountFen) : nil, upheld: step.upheld)
        case .forward: return .forward(department: detail)
        case .terminate: return .terminate(reason: detail)
        case .followUp: return .followUp(satisfaction: ComplaintAction.Satisfaction(rawValue: detail) ?? .partly)
        case .close: return .close
        }
    }

    func filed(_ row: CaseRow) -> ComplaintFiled {
        ComplaintFiled(receipt: text.string(row.receipt) ?? "", shop: symbols.optional(row.shop), category: symbols[row.category],
                       integrity: Integrity.decode(row.integrity) ?? .consumer, text: text.string(row.text) ?? "",
                       amountFen: row.hasAmount ? Int(row.amountFen) : nil, wants: lists[row.wants].map { symbols[$0] },
                       consumerName: text.string(row.consumerName), consumerPhone: text.string(row.consumerPhone),
                       consentToContact: row.consent, date: SimpleDate(dayNumber: Int(row.day)))
    }

    func complaint(_ i: UInt32) -> ComplaintCase {
        let row = cases[Int(i)]
        let filed = filed(row)
        var later: [ComplaintCase.HistoryEntry] = []
        var s = row.lastStep
        while s != .max, Int(s) < steps.count {
            let step = steps[Int(s)]
            later.append(entry(step))
            s = step.previous
        }
        let history = [ComplaintCase.HistoryEntry(sequence: row.filedSequence, actor: symbols[row.filer], date: filed.date, action: nil, state: .filed, note: nil)]
            + later.reversed()
        return ComplaintCase(filed: filed, filedSequence: row.filedSequence, state: ComplaintState.decode(row.state) ?? .filed,
                             acceptedOn: row.acceptedOn == .min ? nil : SimpleDate(dayNumber: Int(row.acceptedOn)), handler: symbols.optional(row.handler),
                             history: history, duplicateOf: row.duplicateOf == .max ? nil : text.string(cases[Int(row.duplicateOf)].receipt))
    }

    // MARK: Contributions

    mutating func addContribution(_ value: ContributionRecorded, sequence: UInt64, actor: String) {
        let shop = symbols.id(value.shop)
        addContribution(ContributionRow(sequence: sequence, enteredBy: symbols.id(actor), shop: shop, kind: value.kind.code, points: Int64(value.points),
                                        day: Int32(value.date.dayNumber), evidence: text.add(value.evidence)))
    }

    package mutating func addContribution(_ row: ContributionRow) {
        contributionsByShop[row.shop, default: []].append(UInt32(contributions.count))
        contributions.append(row)
    }

    /// An approval counts only from a second person, once.
    mutating func approve(_ value: ContributionApproved, sequence: UInt64, actor: String) {
        guard let i = approvable(value.target, by: symbols.existing(actor)) else { return }
        approve(i, sequence: sequence, by: symbols.id(actor))
    }

    /// The row an approval by `approver` (its symbol, nil if the name was never seen) would
    /// approve: the entry exists, is not approved yet, and was entered by someone else.
    package func approvable(_ target: UInt64, by approver: UInt32?) -> Int? {
        guard let i = contributionRow(sequence: target), contributions[i].approvedBy == SymbolTable.none,
              contributions[i].enteredBy != approver else { return nil }
        return i
    }

    package mutating func approve(_ row: Int, sequence: UInt64, by approver: UInt32) {
        contributions[row].approvedBy = approver
        contributions[row].approvalSequence = sequence
    }

    func contribution(_ i: UInt32) -> Contribution {
        let row = contributions[Int(i)]
        return Contribution(sequence: row.sequence, enteredBy: symbols[row.enteredBy],
                            entry: ContributionRecorded(shop: symbols[row.shop], kind: ContributionKind.decode(row.kind) ?? .service, points: Int(row.points),
                                                        date: SimpleDate(dayNumber: Int(row.day)), evidence: text.string(row.evidence) ?? ""),
                            approvedBy: symbols.optional(row.approvedBy), approvalSequence: row.approvalSequence == 0 ? nil : row.approvalSequence)
    }
}

// MARK: Views of the history, as values

/// Inspections, built on demand from the compact rows.
public struct InspectionsView: Sendable {
    let history: CompactHistory

    /// A shop's inspections in log order, nil if it has none.
    public subscript(shop: String) -> [Sequenced<Inspection>]? {
        guard let id = history.symbols.existing(shop), let rows = history.inspectionsByShop[id], !rows.isEmpty else { return nil }
        return rows.map { history.inspection($0) }
    }

    /// Every inspection, in log order.
    public var all: [Sequenced<Inspection>] { history.inspections.indices.map { history.inspection(UInt32($0)) } }

    public var count: Int { history.inspections.count }

    /// Each shop with its inspections in log order.
    public var byShop: [(shop: String, list: [Sequenced<Inspection>])] {
        history.inspectionsByShop.map { (history.symbols[$0.key], $0.value.map { history.inspection($0) }) }
    }

    /// The date of a shop's latest inspection.
    public func latestDate(of shop: String) -> SimpleDate? {
        guard let id = history.symbols.existing(shop), let rows = history.inspectionsByShop[id] else { return nil }
        return rows.map { history.inspections[Int($0)].day }.max().map { SimpleDate(dayNumber: Int($0)) }
    }

    /// Positions of every inspection (for `summary(at:)`), newest first (by date, then log order).
    public var newestFirst: [Int] {
        let rows = history.inspections
        return rows.indices.sorted { a, b in rows[a].day != rows[b].day ? rows[a].day > rows[b].day : rows[a].sequence > rows[b].sequence }
    }

    /// Positions of the inspections of the shops `group` places (nil: left out), newest first, all
    /// together and per group; `group` is asked once per shop.
    public func newestFirst(groupedBy group: (String) -> Int?) -> (all: [Int], groups: [Int: [Int]]) {
        var groupOf: [UInt32: Int?] = [:]
        var all: [Int] = [], groups: [Int: [Int]] = [:]
        for position in newestFirst {
            let shop = history.inspections[position].shop
            let g: Int?
            if let known = groupOf[shop] { g = known } else { g = group(history.symbols[shop]); groupOf[shop] = g }
            guard let g else { continue }
            all.append(position)
            groups[g, default: []].append(position)
        }
        return (all, groups)
    }

    /// The sequence number of the inspection at `position`.
    public func sequence(at position: Int) -> UInt64 { history.inspections[position].sequence }

    /// What a list of inspections shows, without building the inspection.
    public func summary(at position: Int) -> InspectionSummary {
        let row = history.inspections[position]
        var failures = 0
        for e in history.exceptions[Int(row.firstException)..<Int(row.firstException + row.exceptionCount)] where e.result == .fail {
            failures += 1
        }
        return InspectionSummary(sequence: row.sequence, date: SimpleDate(dayNumber: Int(row.day)), shop: history.symbols[row.shop],
                                 inspector: history.symbols[row.inspector], failures: failures)
    }


    /// Whether the shop was inspected in `year`, on or before `date`.
    public func inspected(shop: String, in year: Int, through date: SimpleDate) -> Bool {
        guard let id = history.symbols.existing(shop), let rows = history.inspectionsByShop[id],
              let start = SimpleDate(year: year, month: 1, day: 1)?.dayNumber else { return false }
        return rows.contains { let day = Int(history.inspections[Int($0)].day); return day >= start && day <= date.dayNumber }
    }

}

/// An inspection as lists show it.
public struct InspectionSummary: Sendable, Equatable {
    public var sequence: UInt64
    public var date: SimpleDate
    public var shop: String
    public var inspector: String
    public var failures: Int
}

/// Complaint cases, built on demand from the compact rows.
public struct ComplaintsView: Sendable {
    let history: CompactHistory

    public subscript(receipt: String) -> ComplaintCase? {
        history.caseByReceipt[receipt].map { history.complaint($0) }
    }

    /// Every case, in the order filed.
    public var values: [ComplaintCase] { history.cases.indices.map { history.complaint(UInt32($0)) } }

    public var count: Int { history.cases.count }

    /// A shop's cases, in the order filed.
    public func of(shop: String) -> [ComplaintCase] {
        guard let id = history.symbols.existing(shop) else { return [] }
        return (history.casesByShop[id] ?? []).map { history.complaint($0) }
    }

    /// The cases whose state and filing date pass `include` (decided on the compact rows, so that
    /// only the cases kept are built).
    public func filter(_ include: (_ state: ComplaintState, _ filedOn: SimpleDate) -> Bool) -> [ComplaintCase] {
        var result: [ComplaintCase] = []
        for (i, row) in history.cases.enumerated() {
            if include(ComplaintState.decode(row.state) ?? .filed, SimpleDate(dayNumber: Int(row.day))) { result.append(history.complaint(UInt32(i))) }
        }
        return result
    }

    /// What lists and counts need of every case, without building the cases (no text).
    public var summaries: [ComplaintSummary] {
        history.cases.enumerated().map { i, row in summary(i, row) }
    }

    private func summary(_ i: Int, _ row: CompactHistory.CaseRow) -> ComplaintSummary {
        ComplaintSummary(row: i, shop: history.symbols.optional(row.shop), integrity: Integrity.decode(row.integrity) ?? .consumer,
                         state: ComplaintState.decode(row.state) ?? .filed, filedOn: SimpleDate(dayNumber: Int(row.day)),
                         acceptedOn: row.acceptedOn == .min ? nil : SimpleDate(dayNumber: Int(row.acceptedOn)), filedSequence: row.filedSequence)
    }

    /// The cases whose receipt code contains `code` (upper case, compared with the dash left out),
    /// whose shop is one of `shops`, or whose text contains `text` (as typed, byte for byte), as
    /// summaries in the order filed: matched on the compact rows and the text's bytes, no case built.
    public func search(code: String?, shops: Set<String>, text: String?) -> [ComplaintSummary] {
        search(code: code, shops: shops, text: text, within: nil).summaries
    }

    /// The same, looking only at the case rows `within` (those a shorter query found: a longer one
    /// finds a subset of them), with the rows found, for the next, longer query.
    public func search(code: String?, shops: Set<String>, text: String?, within: [Int]?) -> (summaries: [ComplaintSummary], rows: [Int]) {
        let shopIDs = Set(shops.compactMap { history.symbols.existing($0) })
        let codeBytes = Array((code ?? "").utf8), textBytes = Array((text ?? "").utf8)
        var found: [ComplaintSummary] = []
        var rows: [Int] = []
        history.text.bytes.withUnsafeBufferPointer { bytes in
            func occurs(_ needle: [UInt8], in ref: TextRef, skipping skip: UInt8?) -> Bool {
                guard !needle.isEmpty, ref.length != .max else { return false }
                let start = Int(ref.offset), end = min(bytes.count, start + Int(ref.length))
                var i = start
                while i < end {
                    if bytes[i] != skip {
                        var j = i, k = 0
                        while j < end, k < needle.count {
                            if bytes[j] == skip { j += 1; continue }
                            if bytes[j] != needle[k] { break }
                            j += 1
                            k += 1
                        }
                        if k == needle.count { return true }
                    }
                    i += 1
                }
                return false
            }
            for i in within ?? Array(history.cases.indices) {
                let row = history.cases[i]
                if shopIDs.contains(row.shop) || occurs(codeBytes, in: row.receipt, skipping: UInt8(ascii: "-")) || occurs(textBytes, in: row.text, skipping: nil) {
                    found.append(summary(i, row))
                    rows.append(i)
                }
            }
        }
        return (found, rows)
    }

    /// The whole case behind a summary.
    public func complaint(_ summary: ComplaintSummary) -> ComplaintCase { history.complaint(UInt32(summary.row)) }

    /// The satisfaction recorded at each follow-up of the case.
    public func satisfactions(_ summary: ComplaintSummary) -> [ComplaintAction.Satisfaction] {
        var result: [ComplaintAction.Satisfaction] = []
        var s = history.cases[summary.row].lastStep
        while s != .max, Int(s) < history.steps.count {
            let step = history.steps[Int(s)]
            if step.action == .followUp, let satisfaction = ComplaintAction.Satisfaction(rawValue: history.symbols[step.detail]) { result.append(satisfaction) }
            s = step.previous
        }
        return result.reversed()
    }

    /// The shop and integrity of each open case with a shop (for counting, without building the cases).
    public var openByShop: [String: [Integrity]] {
        var result: [String: [Integrity]] = [:]
        for row in history.cases where row.shop != SymbolTable.none {
            guard let state = ComplaintState.decode(row.state), state.isOpen else { continue }
            result[history.symbols[row.shop], default: []].append(Integrity.decode(row.integrity) ?? .consumer)
        }
        return result
    }

    /// Whether the case `receipt` was resolved as upheld (属实), read from its step rows without
    /// building it (`ComplaintCase.isUpheld` of the built case).
    public func isUpheld(_ receipt: String) -> Bool {
        guard let i = history.caseByReceipt[receipt] else { return false }
        var s = history.cases[Int(i)].lastStep
        while s != .max, Int(s) < history.steps.count {
            let step = history.steps[Int(s)]
            if step.action == .resolve { return step.upheld }
            s = step.previous
        }
        return false
    }

    /// The shop and integrity of a case, without building it.
    public func shopAndIntegrity(_ receipt: String) -> (shop: String?, integrity: Integrity)? {
        guard let i = history.caseByReceipt[receipt] else { return nil }
        let row = history.cases[Int(i)]
        return (history.symbols.optional(row.shop), Integrity.decode(row.integrity) ?? .consumer)
    }
}

/// A complaint case without its text: what the queue, the counts and the charts need.
public struct ComplaintSummary: Sendable, Equatable {
    let row: Int
    public let shop: String?
    public let integrity: Integrity
    public let state: ComplaintState
    public let filedOn: SimpleDate
    public let acceptedOn: SimpleDate?
    public let filedSequence: UInt64

    public func deadline(rules: RatingRules, calendar: WorkingCalendar) -> SimpleDate? {
        ComplaintCase.deadline(state: state, filedOn: filedOn, acceptedOn: acceptedOn, rules: rules, calendar: calendar)
    }

    /// The deadline with the calendar's coverage of the days it counted (what is shown).
    public func due(rules: RatingRules, calendar: WorkingCalendar) -> Deadline? {
        ComplaintCase.due(state: state, filedOn: filedOn, acceptedOn: acceptedOn, rules: rules, calendar: calendar)
    }

    public func isOverdue(today: SimpleDate, rules: RatingRules, calendar: WorkingCalendar) -> Bool {
        deadline(rules: rules, calendar: calendar).map { today > $0 } ?? false
    }
}

/// Contribution entries, built on demand from the compact rows.
public struct ContributionsView: Sendable {
    let history: CompactHistory

    /// A shop's entries in log order, approved or not; nil if it has none.
    public subscript(shop: String) -> [Contribution]? {
        guard let id = history.symbols.existing(shop), let rows = history.contributionsByShop[id], !rows.isEmpty else { return nil }
        return rows.map { history.contribution($0) }
    }

    /// The entry recorded by the event `sequence`.
    public func entry(recordedBy sequence: UInt64) -> Contribution? {
        history.contributionRow(sequence: sequence).map { history.contribution(UInt32($0)) }
    }

    /// Every entry, in log order.
    public var all: [Contribution] { history.contributions.indices.map { history.contribution(UInt32($0)) } }

    /// Entries waiting for approval, in log order.
    public var pending: [Contribution] {
        history.contributions.indices.filter { history.contributions[$0].approvedBy == SymbolTable.none }.map { history.contribution(UInt32($0)) }
    }
}
