/// The three kinds of contribution (比发展/比服务/比和谐).
public enum ContributionKind: String, Sendable, Codable, BilingualChoice {
    case development, service, harmony

    public var chineseName: String {
        switch self {
        case .development: return "比发展"
        case .service: return "比服务"
        case .harmony: return "比和谐"
        }
    }

    public var englishName: String { rawValue }
}

/// Contribution points entered for a shop, with evidence; they count only once a second
/// person approves them (贡献积分).
public struct ContributionRecorded: Sendable, Codable, Equatable {
    public var shop: String
    public var kind: ContributionKind
    public var points: Int
    public var date: SimpleDate
    public var evidence: String

    public init(shop: String, kind: ContributionKind, points: Int, date: SimpleDate, evidence: String) {
        self.shop = shop
        self.kind = kind
        self.points = points
        self.date = date
        self.evidence = evidence
    }
}

/// Approval of a contribution entry (by its sequence number) by someone other than who entered it.
public struct ContributionApproved: Sendable, Codable, Equatable {
    public var target: UInt64

    public init(target: UInt64) {
        self.target = target
    }
}

/// A contribution entry as the state keeps it.
public struct Contribution: Sendable, Codable, Equatable {
    public var sequence: UInt64
    public var enteredBy: String
    public var entry: ContributionRecorded
    public var approvedBy: String?
    public var approvalSequence: UInt64?
}

extension MarketState {
    /// The most points one entry dated `date` may carry: what a year's contribution may add by the
    /// rules in force on that date (40 before any rules are published).
    public func contributionEntryCap(on date: SimpleDate) -> Int {
        rules(on: date)?.value.contributionCap ?? 40
    }

    /// `replacing`: the record a correction puts this one in place of.
    public func validate(_ entry: ContributionRecorded, by user: User, today: SimpleDate, replacing: UInt64? = nil) throws(LocalizedMessage) {
        let merchant = try recordedShop(entry.shop)
        try Action.actForShop(branch: merchant.branch).check(user.role)
        try refuseOwnShop(user, shop: entry.shop, doing: "为", "enter points for")
        let cap = contributionEntryCap(on: entry.date)
        if entry.points <= 0 || entry.points > cap {
            throw LocalizedMessage(zh: "贡献分应为 1 到 \(cap) 之间的整数，现为 \(entry.points)", en: "contribution points must be 1–\(cap), got \(entry.points)")
        }
        if entry.evidence.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw LocalizedMessage(zh: "贡献分必须附上依据（证明材料）", en: "contribution points need evidence")
        }
        try checkRecordDate(entry.date, today: today, replacing: replacing, what: "贡献分日期", "date of the points")
    }

    /// Approval must come from a second person, allowed for the shop's branch, of an entry not yet approved.
    public func validateApproval(of target: UInt64, by user: User) throws(LocalizedMessage) {
        guard let contribution = contributions.entry(recordedBy: target) else {
            throw LocalizedMessage(zh: "第 \(target) 条记录不是贡献分登记", en: "record \(target) is not a contribution entry")
        }
        if contribution.enteredBy == user.name {
            throw LocalizedMessage(zh: "贡献分须由登记人以外的人审批（\(user.name) 是登记人）", en: "contribution points must be approved by someone other than who entered them (\(user.name) entered them)")
        }
        if correctionCountsFrom(target) != nil {
            throw LocalizedMessage(zh: "第 \(target) 条是更正后的贡献分，由更正的复核确认代替审批（chengxin record second \(target)）",
                                   en: "record \(target) is a corrected points entry; the correction's second approves it (chengxin record second \(target))")
        }
        if let by = contribution.approvedBy {
            throw LocalizedMessage(zh: "第 \(target) 条贡献分已由 \(by) 审批", en: "contribution \(target) was already approved by \(by)")
        }
        if let merchant = merchant(shopNumber: contribution.entry.shop) {
            try Action.actForShop(branch: merchant.branch).check(user.role)
        }
        try refuseOwnShop(user, shop: contribution.entry.shop, doing: "审批", "approve points for")
    }
}
