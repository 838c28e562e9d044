/// The bulk of the market's history — inspections, complaint cases with their steps, contribution
/// points — kept compactly: rows of plain numbers, identifiers interned once in a symbol table,
/// free text in one UTF-8 arena. A million events take tens of megabytes instead of hundreds, the
/// snapshot writes and reads these arrays as they are (docs/log-format.md, "Snapshots"), and the
/// ratings walk the rows without building a Swift value per event. Values (`Inspection`,
/// `ComplaintCase`, `Contribution`) are built on demand, exactly as they were recorded.
///
/// Each event is folded in two parts: its identifiers interned and its texts added (from Swift
/// values by the fold, from the log's bytes in `MarketState.replay` (Codec), in the same order, so
/// that both give the same table), then the rows written by the helpers both share. What the
/// history holds is here; each kind of row — how it is added, built back as a value, and viewed —
/// in its own file (CompactInspections.swift, CompactComplaints.swift, CompactContributions.swift);
/// the symbols, lists and text arena in SymbolTable.swift, the idempotency keys in KeySet.swift.

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

        @inlinable package init(sequence: UInt64, day: Int32, shop: UInt32, inspector: UInt32, checklistVersion: Int64, items: UInt32,
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

        @inlinable package init(position: UInt32, result: ItemOutcome.Result, severity: Severity?, note: TextRef) {
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

        @inlinable package init(receipt: TextRef, shop: UInt32, category: UInt32, integrity: UInt8, text: TextRef, amountFen: Int64, hasAmount: Bool,
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

        @inlinable package init(sequence: UInt64, actor: UInt32, day: Int32, action: ComplaintStepKind, detail: UInt32, outcome: TextRef, amountFen: Int64,
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

        @inlinable package init(sequence: UInt64, enteredBy: UInt32, shop: UInt32, kind: UInt8, points: Int64, day: Int32, evidence: TextRef,
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
}
