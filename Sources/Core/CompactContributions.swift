// Contribution points and their approvals in the compact history (CompactHistory.swift): their
// rows added, built back as values, and viewed.

extension CompactHistory {
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
