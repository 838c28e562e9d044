/// Pledges (亮承诺) made and withdrawn after the roster, each dated: a withdrawn pledge stays in
/// the record, marked with the date, reason and person (docs/domain-model.md, "Pledges").
public struct PledgeMade: Sendable, Codable, Equatable {
    public var shop: String
    public var date: SimpleDate
    public var integrity: Integrity
    public var text: String

    public init(shop: String, date: SimpleDate, integrity: Integrity, text: String) {
        self.shop = shop
        self.date = date
        self.integrity = integrity
        self.text = text
    }
}

/// A standing pledge of a shop withdrawn, named by its text, with a reason.
public struct PledgeWithdrawn: Sendable, Codable, Equatable {
    public var shop: String
    public var date: SimpleDate
    public var text: String
    public var reason: String

    public init(shop: String, date: SimpleDate, text: String, reason: String) {
        self.shop = shop
        self.date = date
        self.text = text
        self.reason = reason
    }
}

/// What the log says about a shop's pledges besides its roster record.
public struct ShopPledges: Sendable, Codable, Equatable {
    /// The market day of the shop's current roster record: the date of the roster's pledges.
    public var rosterDate: SimpleDate?
    public var made: [Sequenced<PledgeMade>] = []
    public var withdrawals: [Sequenced<PledgeWithdrawn>] = []
    /// Who withdrew each (by the withdrawal's record number).
    public var withdrawnBy: [UInt64: String] = [:]

    public init(rosterDate: SimpleDate? = nil) {
        self.rosterDate = rosterDate
    }
}

/// One pledge with its date, where it was recorded, and its withdrawal if any.
public struct DatedPledge: Sendable, Equatable {
    public var pledge: Pledge
    /// The day it was made (for the roster's pledges, the day of the roster record).
    public var date: SimpleDate?
    /// The `pledge.made` record; nil for a pledge of the roster.
    public var sequence: UInt64?
    public var withdrawal: Sequenced<PledgeWithdrawn>?
    public var withdrawnBy: String?

    public var stands: Bool { withdrawal == nil }

    /// `[价格诚信] 一货一签（2026-01-01 起）` (a roster pledge: `（2026-01-01 登记）`, the day of its
    /// roster record), and for a withdrawn one its withdrawal.
    public func label(_ language: Language) -> String {
        var text = "[\(pledge.integrity.name(language))] \(pledge.text)"
        // A roster pledge was made before it was recorded: its date is the record's, said so.
        if let date { text += sequence == nil ? language.pick("（\(date) 登记）", " (recorded \(date))") : language.pick("（\(date) 起）", " (since \(date))") }
        if let withdrawal {
            text += language.pick("——\(withdrawal.value.date) 撤回：\(withdrawal.value.reason)", " — withdrawn \(withdrawal.value.date): \(withdrawal.value.reason)")
        }
        return text
    }
}

extension MarketState {
    /// A shop's pledges in the order made: the roster's, then those made since; each withdrawal
    /// marks the earliest standing pledge of its text. Withdrawn pledges are kept.
    public func datedPledges(of shop: String) -> [DatedPledge] {
        guard let merchant = merchant(shopNumber: shop) else { return [] }
        let record = pledgeRecords[shop]
        var all = merchant.pledges.map { DatedPledge(pledge: $0, date: record?.rosterDate, sequence: nil, withdrawal: nil, withdrawnBy: nil) }
        all += (record?.made ?? []).map {
            DatedPledge(pledge: Pledge(integrity: $0.value.integrity, text: $0.value.text), date: $0.value.date, sequence: $0.sequence, withdrawal: nil, withdrawnBy: nil)
        }
        for withdrawal in record?.withdrawals ?? [] {
            if let i = all.firstIndex(where: { $0.stands && $0.pledge.text == withdrawal.value.text }) {
                all[i].withdrawal = withdrawal
                all[i].withdrawnBy = record?.withdrawnBy[withdrawal.sequence]
            }
        }
        return all
    }

    /// The pledges the shop stands by now (what the public board and notice show).
    public func standingPledges(of shop: String) -> [DatedPledge] {
        datedPledges(of: shop).filter(\.stands)
    }

    /// A pledge made: by a market manager or the shop's branch secretary, for a known shop, dated
    /// within the recording window, with a text not already standing.
    public func validate(_ made: PledgeMade, by user: User, today: SimpleDate) throws(LocalizedMessage) {
        try checkPledgeShop(made.shop, by: user)
        try checkRecordDate(made.date, today: today, what: "承诺日期", "date of the pledge")
        if made.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw LocalizedMessage(zh: "承诺内容不能为空", en: "a pledge needs its text")
        }
        if standingPledges(of: made.shop).contains(where: { $0.pledge.text == made.text }) {
            throw LocalizedMessage(zh: "\(made.shop) 已有这条承诺", en: "\(made.shop) already has this pledge")
        }
    }

    /// A pledge withdrawn: by a market manager or the shop's branch secretary, with a reason, of a
    /// pledge that stands, dated within the recording window and not before the pledge was made.
    public func validate(_ withdrawal: PledgeWithdrawn, by user: User, today: SimpleDate) throws(LocalizedMessage) {
        try checkPledgeShop(withdrawal.shop, by: user)
        try checkRecordDate(withdrawal.date, today: today, what: "撤回日期", "date of the withdrawal")
        if withdrawal.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw LocalizedMessage(zh: "撤回承诺必须写明原因", en: "withdrawing a pledge needs a reason")
        }
        guard let pledge = standingPledges(of: withdrawal.shop).first(where: { $0.pledge.text == withdrawal.text }) else {
            throw LocalizedMessage(zh: "\(withdrawal.shop) 没有内容为“\(withdrawal.text)”的现行承诺", en: "\(withdrawal.shop) has no standing pledge \"\(withdrawal.text)\"")
        }
        if let made = pledge.date, withdrawal.date < made {
            throw LocalizedMessage(zh: "撤回日期 \(withdrawal.date) 早于承诺日期 \(made)", en: "the withdrawal (\(withdrawal.date)) is dated before the pledge (\(made))")
        }
    }

    private func checkPledgeShop(_ shop: String, by user: User) throws(LocalizedMessage) {
        let merchant = try recordedShop(shop)
        try Action.actForShop(branch: merchant.branch).check(user.role)
    }

    /// Folds a pledge's record into the state (from `apply`).
    mutating func applyPledge(_ body: EventBody, actor: String, sequence: UInt64) {
        switch body {
        case .pledgeMade(let made):
            pledgeRecords[made.shop, default: ShopPledges()].made.append(Sequenced(sequence: sequence, value: made))
        case .pledgeWithdrawn(let withdrawal):
            pledgeRecords[withdrawal.shop, default: ShopPledges()].withdrawals.append(Sequenced(sequence: sequence, value: withdrawal))
            pledgeRecords[withdrawal.shop]?.withdrawnBy[sequence] = actor
        default:
            break
        }
    }
}
