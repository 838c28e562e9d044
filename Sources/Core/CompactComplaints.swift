// Complaint cases and their steps in the compact history (CompactHistory.swift): their rows
// added and taken back, built back as values, and viewed.

extension CompactHistory {
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

    /// The cases filed, or with a step dated, from `from` through `through`, in the order filed:
    /// decided on the compact rows, so that only those cases are built (a period's figures over a
    /// decade of cases).
    public func touching(from: SimpleDate, through: SimpleDate) -> [ComplaintCase] {
        let first = Int32(from.dayNumber), last = Int32(through.dayNumber)
        var result: [ComplaintCase] = []
        for (i, row) in history.cases.enumerated() {
            var touches = row.day >= first && row.day <= last
            var s = row.lastStep
            while !touches, s != .max, Int(s) < history.steps.count {
                let step = history.steps[Int(s)]
                touches = step.day >= first && step.day <= last
                s = step.previous
            }
            if touches { result.append(history.complaint(UInt32(i))) }
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
