/// A value with the sequence number of the event that recorded it, so that every figure can be
/// traced back to its event.
public struct Sequenced<Value: Sendable & Codable & Equatable>: Sendable, Codable, Equatable {
    public var sequence: UInt64
    public var value: Value

    public init(sequence: UInt64, value: Value) {
        self.sequence = sequence
        self.value = value
    }
}

/// The read model folded from events: the screens and the CLI ask it their questions.
public struct MarketState: Sendable, Equatable {
    public package(set) var committee: Committee?
    public package(set) var branches: [Branch] = []
    public package(set) var merchants: [Merchant] = []
    public package(set) var rules: RatingRules?
    /// Every version of the rules, with the sequence number that published it, in log order.
    public package(set) var ruleVersions: [Sequenced<RatingRules>] = []
    public package(set) var users: [String: User] = [:]
    /// Inspections, complaint cases and contribution points, compactly (CompactHistory.swift).
    package var history = CompactHistory()
    /// Inspections per shop, in log order.
    public var inspections: InspectionsView { InspectionsView(history: history) }
    public package(set) var vetoes: [String: [Sequenced<VetoConfirmed>]] = [:]
    /// Contribution entries per shop, approved or not.
    public var contributions: ContributionsView { ContributionsView(history: history) }
    /// Complaint cases by receipt code.
    public var complaints: ComplaintsView { ComplaintsView(history: history) }
    public package(set) var ratingsPublished: [Int: Sequenced<RatingsPublished>] = [:]
    public package(set) var appeals: [String: [Appeal]] = [:]
    /// The latest reply per shop and year.
    public package(set) var replies: [String: [Int: Sequenced<ReplyPublished>]] = [:]
    public package(set) var conduct: Sequenced<CodeOfConduct>?
    /// Party members by number (Members.swift).
    public package(set) var members: [String: Member] = [:]
    /// Which member each registration or correction (by sequence number) is about.
    package var memberRecords: [UInt64: String] = [:]
    /// The members owning each shop, and the member behind each user account (derived from `members`).
    var memberOwnersByShop: [String: [String]] = [:]
    var memberByUser: [String: String] = [:]
    /// The members' points ledger: panels and entries (MemberPoints.swift).
    public package(set) var memberPoints = MemberPointsBook()
    /// Pledges made and withdrawn since the roster, and the roster record's date, per shop (Pledges.swift).
    public package(set) var pledgeRecords: [String: ShopPledges] = [:]
    /// Plates changed by merchant corrections, in log order (比发展's 示范岗 earned: Competition.swift).
    public package(set) var plateChanges: [PlateChange] = []
    /// Confirmed complaint deductions by receipt.
    public package(set) var complaintDeductions: [String: Sequenced<ComplaintDeductionConfirmed>] = [:]
    /// Who recorded each veto and each complaint deduction's confirmation, by that record's
    /// sequence number (an appeal may not be decided by them).
    public package(set) var confirmers: [UInt64: String] = [:]
    /// Who seconded each veto (by the veto's record number): a veto counts only once seconded.
    public package(set) var vetoSeconds: [UInt64: String] = [:]
    /// The receipts of each shop's confirmed deductions (derived; rebuilt when a snapshot is read).
    var deductionsByShop: [String: [String]] = [:]
    /// Deductions recorded by corrections (`record.corrected`), per shop, in log order.
    public package(set) var correctedDeductions: [String: [Sequenced<ComplaintDeductionConfirmed>]] = [:]
    public package(set) var checklist: ChecklistPublished?
    public package(set) var calendar = WorkingCalendar(entries: [], years: [:])
    /// Set when the data directory is training data (`market.training`): only then may the clock be fixed.
    public package(set) var training: Sequenced<TrainingMarked>?
    public package(set) var eventCount = 0
    public package(set) var idempotencyKeys = KeySet()
    /// The newest wrong-PIN times (seconds since 1970) per user name tried, from `auth.failed`
    /// events: what throttles sign-in across processes (Privacy.swift).
    public package(set) var signInFailures: [String: [Int64]] = [:]
    var merchantPosition: [String: Int] = [:]
    /// Which shop each merchant registration or correction (by sequence number) is about.
    package var merchantRecords: [UInt64: String] = [:]
    /// Which user each registration (by sequence number) is about.
    package var userRecords: [UInt64: String] = [:]
    /// The complaint each duplicate link (by sequence number) marked as a duplicate.
    package var linkRecords: [UInt64: String] = [:]
    /// The withdrawn steps of each complaint (by receipt), in the order they were withdrawn.
    package var withdrawnSteps: [String: [UInt64]] = [:]
    /// Every withdrawal and correction so far, by the sequence number of the event it is about.
    public package(set) var amendments: [UInt64: Amendment] = [:]
    /// Withdrawals of records that count in a rating, by the withdrawal's record number, waiting for
    /// (or given) a second person's confirmation: only a seconded one becomes an amendment.
    public package(set) var withdrawalsProposed: [UInt64: ProposedWithdrawal] = [:]

    /// A withdrawal waiting for its second: what, by whom, when, why.
    public struct ProposedWithdrawal: Sendable, Codable, Equatable {
        public var target: UInt64
        public var actor: String
        public var at: String
        public var reason: String
        public var secondedBy: String?
        /// The record number of the second: from then on the withdrawal counts.
        public var secondedIn: UInt64?
        /// Set for a correction (`record.corrected`): its own record is the replacement, which
        /// counts from the second on, in place of the target.
        public var isCorrection: Bool?
    }

    /// Whether a record that counts in a rating has been withdrawn (seconded), and by which record.
    public func withdrawal(of sequence: UInt64) -> Amendment? {
        amendments[sequence].flatMap { $0.kind == "withdrawn" ? $0 : nil }
    }

    /// The record number from which a record stops counting — its withdrawal's or correction's
    /// second — if it was withdrawn or corrected.
    public func withdrawnIn(_ sequence: UInt64) -> UInt64? {
        guard let amendment = amendments[sequence] else { return nil }
        return withdrawalsProposed[amendment.by]?.secondedIn ?? amendment.by
    }

    /// For a record made by a correction: the record number of the correction's second, from which
    /// it counts (`.some(nil)` while it waits for its second); nil for any other record.
    public func correctionCountsFrom(_ sequence: UInt64) -> UInt64?? {
        guard let proposal = withdrawalsProposed[sequence], proposal.isCorrection == true else { return nil }
        return .some(proposal.secondedIn)
    }

    /// Why the duplicate link recorded as `sequence` cannot be withdrawn, nil if it can: the
    /// duplicate's own deduction would start counting (withdraw it first).
    func linkWithdrawalProblem(_ sequence: UInt64) -> LocalizedMessage? {
        guard let receipt = linkRecords[sequence] else { return nil }
        if let deduction = complaintDeductions[receipt], stands(deduction.sequence) {
            return LocalizedMessage(zh: "投诉 \(receipt) 有已确认的扣分（记录 #\(deduction.sequence)），取消重复标记会让它重新计分，请先撤回该扣分",
                                    en: "complaint \(receipt) has a confirmed deduction (record #\(deduction.sequence)) that would count again; withdraw it first")
        }
        return nil
    }

    /// Whether `record` is the registration of the account `name` uses now (the latest of its
    /// registrations, the account open): what closing an account withdraws.
    func isCurrentRegistration(_ record: UInt64, of name: String) -> Bool {
        users[name] != nil && userRecords.filter { $0.value == name }.keys.max() == record
    }

    /// The undecided appeal recorded as `sequence`: its shop and its place in the shop's list.
    func openAppeal(_ sequence: UInt64) -> (shop: String, index: Int)? {
        for (shop, list) in appeals {
            if let i = list.firstIndex(where: { $0.sequence == sequence }) { return list[i].isOpen ? (shop, i) : nil }
        }
        return nil
    }

    /// The reply recorded as `sequence`, if it is the one shown for its shop and year.
    func currentReply(_ sequence: UInt64) -> (shop: String, year: Int)? {
        for (shop, years) in replies {
            if let (year, _) = years.first(where: { $0.value.sequence == sequence }) { return (shop, year) }
        }
        return nil
    }

    /// A complaint's withdrawn steps, each with its withdrawal, in the order they were withdrawn.
    public func withdrawnSteps(of receipt: String) -> [(step: ComplaintCase.HistoryEntry, withdrawal: Amendment)] {
        (withdrawnSteps[receipt] ?? []).compactMap { sequence in
            guard let step = history.historyEntry(ofStep: sequence), let amendment = amendments[sequence] else { return nil }
            return (step, amendment)
        }
    }

    /// The pending or seconded withdrawal or correction of a record, with its record number.
    public func amendmentProposed(for target: UInt64) -> (sequence: UInt64, proposal: ProposedWithdrawal)? {
        if let amendment = amendments[target], let proposal = withdrawalsProposed[amendment.by] { return (amendment.by, proposal) }
        return withdrawalsProposed.first { $0.value.target == target }.map { ($0.key, $0.value) }
    }
    /// The shop of each withdrawn registration, by the registration's sequence number: no longer
    /// listed; the registration itself stays in the log (a decade of them would weigh on every
    /// snapshot for no screen).
    public var withdrawnRecords: [UInt64: String] {
        var result: [UInt64: String] = [:]
        for (target, amendment) in amendments where amendment.kind == "withdrawn" { result[target] = merchantRecords[target] }
        return result
    }

    /// What happened to an earlier event: withdrawn or corrected, by whom, when, why.
    public struct Amendment: Sendable, Codable, Equatable {
        public var kind: String
        public var by: UInt64
        public var actor: String
        public var at: String
        public var reason: String
    }

    public init() {}

    /// Files the idempotency keys seen since the last snapshot with the others (done when a
    /// snapshot is written, so that the set of recent ones stays small).
    public mutating func compactKeys() {
        idempotencyKeys.compact()
    }

    /// Folds events numbered from 1, as they stand in a log.
    public init(events: [Event]) {
        for (i, event) in events.enumerated() { apply(event, sequence: UInt64(i + 1)) }
    }

    /// Checks a withdrawal or correction against the state before it is recorded.
    public func validateAmendment(target: UInt64, reason: String, correcting shop: String? = nil) throws(LocalizedMessage) {
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw LocalizedMessage(zh: "更正或撤回必须写明原因", en: "a correction or withdrawal needs a reason")
        }
        guard let recordShop = merchantRecords[target] else {
            throw LocalizedMessage(zh: "第 \(target) 条记录不是可以更正或撤回的商户记录", en: "record \(target) is not a merchant record that can be corrected or withdrawn")
        }
        if let amendment = amendments[target] {
            throw LocalizedMessage(zh: "第 \(target) 条记录已被第 \(amendment.by) 条\(amendment.kind == "withdrawn" ? "撤回" : "更正")",
                                   en: "record \(target) was already \(amendment.kind) by record \(amendment.by)")
        }
        if let shop, shop != recordShop {
            throw LocalizedMessage(zh: "更正不能改变店铺号（第 \(target) 条是 \(recordShop)，不是 \(shop)）",
                                   en: "a correction cannot change the shop number (record \(target) is \(recordShop), not \(shop))")
        }
    }

    public mutating func apply(_ event: Event, sequence: UInt64) {
        if let key = event.key { idempotencyKeys.insert(key) }
        apply(body: event, sequence: sequence)
    }

    /// `apply` but for the idempotency key (a replay gathers the keys and files them at the end).
    package mutating func apply(body event: Event, sequence: UInt64) {
        eventCount += 1
        switch event.body {
        case .committeeRegistered(let value):
            committee = value
        case .branchRegistered(let value):
            if let i = branches.firstIndex(where: { $0.number == value.number }) {
                branches[i] = value
            } else {
                branches.append(value)
                branches.sort { $0.number < $1.number }
            }
        case .merchantRegistered(let value):
            merchantRecords[sequence] = value.shopNumber
            upsert(value)
            datePledges(of: value.shopNumber, at: event.at)
        case .merchantCorrected(let correction):
            guard merchantRecords[correction.target] == correction.merchant.shopNumber, amendments[correction.target] == nil else { break }
            amendments[correction.target] = Amendment(kind: "corrected", by: sequence, actor: event.actor, at: event.at, reason: correction.reason)
            merchantRecords[sequence] = correction.merchant.shopNumber
            notePlateChange(correction.merchant, sequence: sequence, at: event.at)
            upsert(correction.merchant)
            datePledges(of: correction.merchant.shopNumber, at: event.at)
        case .withdrawn(let withdrawal) where merchantRecords[withdrawal.target] == nil:
            let target = withdrawal.target
            guard amendments[target] == nil else { break }
            let amendment = Amendment(kind: "withdrawn", by: sequence, actor: event.actor, at: event.at, reason: withdrawal.reason)
            // A user's account closed: no more signing in; what they recorded stays theirs.
            if let name = userRecords[target] {
                if isCurrentRegistration(target, of: name) {
                    users[name] = nil
                    amendments[target] = amendment
                }
                break
            }
            // An appeal withdrawn before its decision; a reply taken down.
            if let (shop, i) = openAppeal(target) {
                appeals[shop]?[i].withdrawnIn = sequence
                amendments[target] = amendment
                break
            }
            if let (shop, year) = currentReply(target) {
                replies[shop]?[year] = nil
                amendments[target] = amendment
                break
            }
            // A duplicate link taken back: the complaint is a matter of its own again.
            if let receipt = linkRecords[target] {
                if linkWithdrawalProblem(target) == nil {
                    history.unlink(receipt)
                    amendments[target] = amendment
                }
                break
            }
                        // A complaint's latest step taken back: the case is as it was before it.
            if history.isStep(sequence: target) {
                let (receipt, problem) = stepWithdrawalProblem(target)
                if problem == nil, let receipt, let (row, step) = history.caseWithLatestStep(sequence: target) {
                    history.withdrawLatestStep(case: row, step: step)
                    amendments[target] = amendment
                    withdrawnSteps[receipt, default: []].append(target)
                }
                break
            }
            // A record that counts in a rating or a member's points: withdrawn once a second person confirms it.
            if ratingRecord(target) != nil || memberPoints.entries[target] != nil, !withdrawalsProposed.values.contains(where: { $0.target == target }) {
                withdrawalsProposed[sequence] = ProposedWithdrawal(target: withdrawal.target, actor: event.actor, at: event.at, reason: withdrawal.reason)
            }
        case .recordCorrected(let correction):
            // The replacement is recorded now, under this record's number; it counts, in place of
            // the target, once a second person confirms the correction.
            guard amendments[correction.target] == nil, !withdrawalsProposed.values.contains(where: { $0.target == correction.target }),
                  let original = ratingRecord(correction.target), original.sameSubject(as: correction.record) else { break }
            withdrawalsProposed[sequence] = ProposedWithdrawal(target: correction.target, actor: event.actor, at: event.at, reason: correction.reason, isCorrection: true)
            switch correction.record {
            case .inspection(let value):
                history.addInspection(value, sequence: sequence)
            case .contribution(let value):
                history.addContribution(value, sequence: sequence, actor: event.actor)
            case .veto(let value):
                vetoes[value.shop, default: []].append(Sequenced(sequence: sequence, value: value))
                confirmers[sequence] = event.actor
            case .deduction(let value):
                if let shop = complaints.shopAndIntegrity(value.receipt)?.shop {
                    correctedDeductions[shop, default: []].append(Sequenced(sequence: sequence, value: value))
                    confirmers[sequence] = event.actor
                }
            }
        case .withdrawalSeconded(let second):
            if var proposed = withdrawalsProposed[second.target], proposed.secondedBy == nil, proposed.actor != event.actor,
               amendments[proposed.target] == nil {
                proposed.secondedBy = event.actor
                proposed.secondedIn = sequence
                withdrawalsProposed[second.target] = proposed
                let corrected = proposed.isCorrection == true
                amendments[proposed.target] = Amendment(kind: corrected ? "corrected" : "withdrawn", by: second.target, actor: proposed.actor, at: proposed.at, reason: proposed.reason)
                // A corrected points entry is approved by the correction's second (a second person either way).
                if corrected, let row = history.contributionRow(sequence: second.target) {
                    history.approve(row, sequence: sequence, by: history.symbols.id(event.actor))
                }
            }
        case .withdrawn(let withdrawal):
            guard let shop = merchantRecords[withdrawal.target], amendments[withdrawal.target] == nil else { break }
            amendments[withdrawal.target] = Amendment(kind: "withdrawn", by: sequence, actor: event.actor, at: event.at, reason: withdrawal.reason)
            if let i = merchantPosition[shop] {
                merchants.remove(at: i)
                merchantPosition[shop] = nil
                // Those after it move up one (a withdrawn registration is most often the last).
                for j in i..<merchants.count { merchantPosition[merchants[j].shopNumber] = j }
            }
        case .rulesPublished(let value):
            rules = value
            ruleVersions.append(Sequenced(sequence: sequence, value: value))
            ruleEffectiveDays.append(SimpleDate(iso: value.effectiveFrom)?.dayNumber)
        case .userRegistered(let value):
            users[value.name] = value
            userRecords[sequence] = value.name
        case .inspectionRecorded(let value):
            history.addInspection(value, sequence: sequence)
        case .vetoConfirmed(let value):
            vetoes[value.shop, default: []].append(Sequenced(sequence: sequence, value: value))
            confirmers[sequence] = event.actor
        case .vetoSeconded(let value):
            if vetoSeconds[value.target] == nil, confirmers[value.target] != event.actor,
               vetoes.values.contains(where: { $0.contains { $0.sequence == value.target } }) {
                vetoSeconds[value.target] = event.actor
            }
        case .complaintFiled(let value):
            history.fileComplaint(value, sequence: sequence, actor: event.actor)
        case .complaintStep(let step):
            // Steps the workflow forbids are kept in the log but change nothing.
            history.applyStep(step, sequence: sequence, actor: event.actor)
        case .complaintLinked(let value):
            if complaints[value.receipt]?.duplicateOf == nil, history.link(value) { linkRecords[sequence] = value.receipt }
        case .ratingsPublished(let value):
            ratingsPublished[value.year] = Sequenced(sequence: sequence, value: value)
        case .appealFiled(let value):
            appeals[value.shop, default: []].append(Appeal(sequence: sequence, filedBy: event.actor, filed: value))
        case .appealDecided(let value):
            for (shop, list) in appeals {
                if let i = list.firstIndex(where: { $0.sequence == value.target && $0.isOpen }), list[i].filedBy != event.actor {
                    appeals[shop]?[i].decision = Sequenced(sequence: sequence, value: value)
                    appeals[shop]?[i].decidedBy = event.actor
                }
            }
        case .replyPublished(let value):
            replies[value.shop, default: [:]][value.year] = Sequenced(sequence: sequence, value: value)
        case .conductPublished(let value):
            conduct = Sequenced(sequence: sequence, value: value)
        case .pledgeMade, .pledgeWithdrawn:
            applyPledge(event.body, actor: event.actor, sequence: sequence)
        case .memberRegistered, .memberCorrected:
            applyMember(event.body, actor: event.actor, at: event.at, sequence: sequence)
        case .panelNamed, .pointsDeducted, .pointsContributed, .pointsAppraised, .pointsApproved:
            applyMemberPoints(event.body, actor: event.actor, sequence: sequence)
        case .complaintDeductionConfirmed(let value):
            // Only a complaint resolved as upheld (属实) costs its shop anything, whatever reached the log.
            if complaintDeductions[value.receipt] == nil, let shop = complaints.shopAndIntegrity(value.receipt)?.shop, complaints.isUpheld(value.receipt) {
                complaintDeductions[value.receipt] = Sequenced(sequence: sequence, value: value)
                confirmers[sequence] = event.actor
                deductionsByShop[shop, default: []].append(value.receipt)
            }
        case .contributionRecorded(let value):
            history.addContribution(value, sequence: sequence, actor: event.actor)
        case .contributionApproved(let value):
            history.approve(value, sequence: sequence, actor: event.actor)
        case .checklistPublished(let value):
            checklist = value
        case .calendarPublished(let value):
            calendar = value
        case .calendarYearAdded(let value):
            calendar.addOfficialYear(value)
        case .authFailed(let failure):
            noteSignInFailure(of: failure.user, at: event.at)
        case .dataDisclosed:
            // Kept for the history (chengxin log, the audit screen); no figure depends on it.
            break
        case .trainingMarked(let value):
            if training == nil { training = Sequenced(sequence: sequence, value: value) }
        case .logTailCut, .unknown:
            // A fact about the log itself (kept for the history), or a type of a later version.
            break
        }
    }

    /// The roster's pledges of a shop are dated by its current roster record (the market's day).
    private mutating func datePledges(of shop: String, at: String) {
        pledgeRecords[shop, default: ShopPledges()].rosterDate = Event.marketTime(at).flatMap { SimpleDate(iso: String($0.prefix(10))) }
    }

    private mutating func upsert(_ value: Merchant) {
        if let i = merchantPosition[value.shopNumber] {
            merchants[i] = value
        } else {
            merchantPosition[value.shopNumber] = merchants.count
            merchants.append(value)
        }
    }

    /// The sequence number of each listed shop's current record (its registration, or the latest
    /// correction of it): what a further correction must point at.
    public var currentMerchantRecords: [String: UInt64] {
        var result: [String: UInt64] = [:]
        for (sequence, shop) in merchantRecords where amendments[sequence] == nil && merchantPosition[shop] != nil {
            if sequence > result[shop] ?? 0 { result[shop] = sequence }
        }
        return result
    }

    public func merchant(shopNumber: String) -> Merchant? {
        merchantPosition[shopNumber].map { merchants[$0] }
    }

    public func branch(_ number: Int) -> Branch? {
        branches.first { $0.number == number }
    }

    /// The rules in force on a date: the latest published version whose effective date is not after it.
    public func rules(on date: SimpleDate) -> Sequenced<RatingRules>? {
        // Asked for every failure of every inspection when ratings are worked out: the effective
        // dates are parsed once, when the rules are published (`ruleEffectiveDays`).
        var best: (day: Int, index: Int)?
        for (i, day) in ruleEffectiveDays.enumerated() {
            guard let day, day <= date.dayNumber else { continue }
            if best.map({ (day, ruleVersions[i].sequence) > ($0.day, ruleVersions[$0.index].sequence) }) ?? true { best = (day, i) }
        }
        return best.map { ruleVersions[$0.index] } ?? ruleVersions.first
    }

    /// The day number each version of the rules takes effect (nil if its date does not parse), in
    /// the order of `ruleVersions`.
    var ruleEffectiveDays: [Int?] = []

    /// Merchants ordered by shop number (the order of the market's floor plan).
    public var merchantsByShopNumber: [Merchant] {
        merchants.sorted { $0.shopNumber < $1.shopNumber }
    }
}

extension MarketState {
    /// Works out the lookups derived from the stored fields, as folding the events built them (for
    /// a state read back from a snapshot, which stores only the fields).
    package mutating func rebuildDerivedLookups() {
        ruleEffectiveDays = ruleVersions.map { SimpleDate(iso: $0.value.effectiveFrom)?.dayNumber }
        merchantPosition = Dictionary(merchants.enumerated().map { ($1.shopNumber, $0) }, uniquingKeysWith: { a, _ in a })
        rebuildMemberLookups()
        memberPoints.reindex()
        deductionsByShop = [:]
        for (receipt, _) in complaintDeductions.sorted(by: { $0.value.sequence < $1.value.sequence }) {
            if let shop = history.caseByReceipt[receipt].map({ history.cases[Int($0)].shop }), shop != SymbolTable.none {
                deductionsByShop[history.symbols[shop], default: []].append(receipt)
            }
        }
    }

    /// The same state showing only the given merchants (for filtered lists).
    public func restricted(to subset: [Merchant]) -> MarketState {
        var copy = self
        copy.merchants = subset
        copy.merchantPosition = Dictionary(uniqueKeysWithValues: subset.enumerated().map { ($1.shopNumber, $0) })
        return copy
    }
}
