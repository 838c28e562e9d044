/// The members' points ledger (党员积分, docs/domain-model.md "Members' points"): per member per
/// year, base points less reasoned deductions plus contribution points by kind, each entry counting
/// once a majority of the branch's 考评小组 for that year approved it. The records: `panel.named`,
/// `points.deducted`, `points.contributed`, `points.appraised`, `points.approved`. The shops'
/// `contribution.recorded` keeps its meaning for rules version 1's stars and is not in this ledger.

/// A branch's 考评小组 for a year, named by a market manager; naming it again replaces it from then on.
public struct PanelNamed: Sendable, Codable, Equatable {
    public var branch: Int
    public var year: Int
    /// Member numbers, in the order named.
    public var members: [String]

    public init(branch: Int, year: Int, members: [String]) {
        self.branch = branch
        self.year = year
        self.members = members
    }
}

/// Base points taken from a member: an item of the rules, how many times, when, why.
public struct MemberDeduction: Sendable, Codable, Equatable {
    public var member: String
    /// The rules' deduction item code (`meeting-absent`).
    public var item: String
    public var date: SimpleDate
    public var reason: String
    public var occurrences: Int

    public init(member: String, item: String, date: SimpleDate, reason: String, occurrences: Int = 1) {
        self.member = member
        self.item = item
        self.date = date
        self.reason = reason
        self.occurrences = occurrences
    }
}

/// Contribution points for a member, of a kind, with evidence.
public struct MemberContribution: Sendable, Codable, Equatable {
    public var member: String
    public var kind: ContributionKind
    public var points: Int
    public var date: SimpleDate
    public var evidence: String

    public init(member: String, kind: ContributionKind, points: Int, date: SimpleDate, evidence: String) {
        self.member = member
        self.kind = kind
        self.points = points
        self.date = date
        self.evidence = evidence
    }
}

/// The democratic appraisal's (民主评议) points for a member's year, where the rules give it a share.
public struct MemberAppraisal: Sendable, Codable, Equatable {
    public var member: String
    /// The day of the appraisal; its year is the year appraised.
    public var date: SimpleDate
    public var points: Int
    public var evidence: String

    public init(member: String, date: SimpleDate, points: Int, evidence: String) {
        self.member = member
        self.date = date
        self.points = points
        self.evidence = evidence
    }
}

/// One panel member's approval of a ledger entry, recorded by that member's own account or — the
/// panel's vote on paper — by a market manager or the branch's secretary.
public struct PointsApproved: Sendable, Codable, Equatable {
    public var target: UInt64
    /// The approving panel member's number.
    public var member: String

    public init(target: UInt64, member: String) {
        self.target = target
        self.member = member
    }
}

/// What a ledger entry records.
public enum MemberLedgerRecord: Sendable, Codable, Equatable {
    case deduction(MemberDeduction)
    case contribution(MemberContribution)
    case appraisal(MemberAppraisal)

    public var member: String {
        switch self {
        case .deduction(let value): return value.member
        case .contribution(let value): return value.member
        case .appraisal(let value): return value.member
        }
    }

    public var date: SimpleDate {
        switch self {
        case .deduction(let value): return value.date
        case .contribution(let value): return value.date
        case .appraisal(let value): return value.date
        }
    }

    /// The record as an event of its own type.
    public var body: EventBody {
        switch self {
        case .deduction(let value): return .pointsDeducted(value)
        case .contribution(let value): return .pointsContributed(value)
        case .appraisal(let value): return .pointsAppraised(value)
        }
    }

    public init?(_ body: EventBody) {
        switch body {
        case .pointsDeducted(let value): self = .deduction(value)
        case .pointsContributed(let value): self = .contribution(value)
        case .pointsAppraised(let value): self = .appraisal(value)
        default: return nil
        }
    }
}

/// A ledger entry as the state keeps it: who entered it and the approvals it has.
public struct MemberLedgerEntry: Sendable, Codable, Equatable {
    public struct Approval: Sendable, Codable, Equatable {
        public var member: String
        /// The account that recorded it (the member's own, or whoever recorded the panel's vote).
        public var by: String
        public var sequence: UInt64

        public init(member: String, by: String, sequence: UInt64) {
            self.member = member
            self.by = by
            self.sequence = sequence
        }
    }

    public var sequence: UInt64
    public var enteredBy: String
    public var record: MemberLedgerRecord
    public var approvals: [Approval] = []

    public init(sequence: UInt64, enteredBy: String, record: MemberLedgerRecord, approvals: [Approval] = []) {
        self.sequence = sequence
        self.enteredBy = enteredBy
        self.record = record
        self.approvals = approvals
    }
}

/// The ledger's records in the state.
public struct MemberPointsBook: Sendable, Codable, Equatable {
    /// Every naming of a panel, in log order.
    public var panels: [Sequenced<PanelNamed>] = []
    /// Ledger entries by their record number.
    public var entries: [UInt64: MemberLedgerEntry] = [:]
    /// The record numbers of each member's entries per year, ascending (derived from `entries`:
    /// not in the snapshot, rebuilt by `reindex` when a snapshot is read).
    private(set) var byMemberYear: [MemberYear: [UInt64]] = [:]

    struct MemberYear: Hashable, Sendable {
        let member: String
        let year: Int
    }

    private enum CodingKeys: String, CodingKey { case panels, entries }

    public init() {}

    /// Files a new entry (record numbers arrive in ascending order).
    mutating func add(_ entry: MemberLedgerEntry) {
        entries[entry.sequence] = entry
        byMemberYear[MemberYear(member: entry.record.member, year: entry.record.date.year), default: []].append(entry.sequence)
    }

    /// Rebuilds the per-member index from `entries` (after a snapshot is read).
    mutating func reindex() {
        byMemberYear = [:]
        for sequence in entries.keys.sorted() {
            guard let entry = entries[sequence] else { continue }
            byMemberYear[MemberYear(member: entry.record.member, year: entry.record.date.year), default: []].append(sequence)
        }
    }

    public var isEmpty: Bool { panels.isEmpty && entries.isEmpty }

    /// The panels alone (the snapshot keeps the entries apart, in binary: Codec's SnapshotLedger).
    public var withoutEntries: MemberPointsBook {
        var copy = MemberPointsBook()
        copy.panels = panels
        return copy
    }

    /// The branch's panel for the year in force just before record `before` (the latest naming so far when nil).
    public func panel(branch: Int, year: Int, before: UInt64? = nil) -> Sequenced<PanelNamed>? {
        panels.last { panel in panel.value.branch == branch && panel.value.year == year && (before.map { panel.sequence < $0 } ?? true) }
    }

    /// A member's entries dated in a year, in log order.
    public func entries(of member: String, year: Int) -> [MemberLedgerEntry] {
        (byMemberYear[MemberYear(member: member, year: year)] ?? []).compactMap { entries[$0] }
    }
}

extension MarketState {
    package mutating func applyMemberPoints(_ body: EventBody, actor: String, sequence: UInt64) {
        switch body {
        case .panelNamed(let value):
            memberPoints.panels.append(Sequenced(sequence: sequence, value: value))
        case .pointsApproved(let value):
            guard var entry = memberPoints.entries[value.target], !entry.approvals.contains(where: { $0.member == value.member }) else { return }
            entry.approvals.append(MemberLedgerEntry.Approval(member: value.member, by: actor, sequence: sequence))
            memberPoints.entries[value.target] = entry
        default:
            guard let record = MemberLedgerRecord(body) else { return }
            memberPoints.add(MemberLedgerEntry(sequence: sequence, enteredBy: actor, record: record))
        }
    }
}

/// Whether a ledger entry counts, and why (or why not).
public enum LedgerEntryStatus: Sendable, Equatable {
    /// A majority of the panel then in force approved it, from the approval `since` on.
    case counted(since: UInt64, panel: UInt64, approvals: Int, of: Int)
    /// Waiting: `approvals` of the current panel's members approved it, `needed` make a majority
    /// (`panel` nil while the branch has no panel for the year).
    case pending(approvals: Int, needed: Int?, panel: UInt64?)
    /// Withdrawn (the withdrawal seconded).
    case withdrawn(MarketState.Amendment)

    public var counts: Bool {
        if case .counted = self { return true }
        return false
    }
}

extension MarketState {
    /// The branch whose panel approves the member's entries: the member's (as recorded now).
    func ledgerBranch(_ entry: MemberLedgerEntry) -> Int? { members[entry.record.member]?.branch }

    /// Whether the entry counts: from the first moment — an approval, or a naming of the panel
    /// after the first approval — at which the approvals given so far by members of the panel then
    /// in force make more than half of it. Naming the panel again replaces it from then on; it does
    /// not undo an entry that counts.
    public func ledgerStatus(_ entry: MemberLedgerEntry) -> LedgerEntryStatus {
        if let amendment = withdrawal(of: entry.sequence) { return .withdrawn(amendment) }
        let year = entry.record.date.year
        guard let branch = ledgerBranch(entry) else { return .pending(approvals: 0, needed: nil, panel: nil) }
        if let first = entry.approvals.first?.sequence {
            let namings = memberPoints.panels.filter { $0.value.branch == branch && $0.value.year == year && $0.sequence > first }.map(\.sequence)
            for moment in (entry.approvals.map(\.sequence) + namings).sorted() {
                guard let panel = memberPoints.panel(branch: branch, year: year, before: moment + 1) else { continue }
                let onPanel = Set(panel.value.members)
                let have = entry.approvals.filter { $0.sequence <= moment && onPanel.contains($0.member) }.count
                if have * 2 > onPanel.count { return .counted(since: moment, panel: panel.sequence, approvals: have, of: onPanel.count) }
            }
        }
        guard let panel = memberPoints.panel(branch: branch, year: year) else { return .pending(approvals: 0, needed: nil, panel: nil) }
        let onPanel = Set(panel.value.members)
        return .pending(approvals: entry.approvals.filter { onPanel.contains($0.member) }.count, needed: onPanel.count / 2 + 1, panel: panel.sequence)
    }

    /// The ledger entry a record number names, if any.
    public func ledgerEntry(_ sequence: UInt64) -> MemberLedgerEntry? { memberPoints.entries[sequence] }
}
