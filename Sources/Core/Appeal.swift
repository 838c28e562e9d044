/// The announcement of a period's ratings (公示), which starts the appeal window.
public struct RatingsPublished: Sendable, Codable, Equatable {
    public var year: Int
    public var date: SimpleDate

    public init(year: Int, date: SimpleDate) {
        self.year = year
        self.date = date
    }
}

/// A merchant's request for review (复核) of its rating.
public struct AppealFiled: Sendable, Codable, Equatable {
    public var shop: String
    public var year: Int
    public var reason: String
    public var date: SimpleDate

    public init(shop: String, year: Int, reason: String, date: SimpleDate) {
        self.shop = shop
        self.year = year
        self.reason = reason
        self.date = date
    }
}

public struct AppealDecided: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable, BilingualChoice {
        /// The rating stands.
        case upheld
        /// The rating is to be recomputed after corrections (recorded as their own events).
        case revised
        public var chineseName: String { self == .upheld ? "维持原评定" : "更正评定" }
        public var englishName: String { rawValue }
    }

    public var target: UInt64
    public var outcome: Outcome
    public var reason: String
    public var date: SimpleDate

    public init(target: UInt64, outcome: Outcome, reason: String, date: SimpleDate) {
        self.target = target
        self.outcome = outcome
        self.reason = reason
        self.date = date
    }
}

/// The merchant's reply to its rating, shown beside it on the public board (right to reply).
public struct ReplyPublished: Sendable, Codable, Equatable {
    public var shop: String
    public var year: Int
    public var text: String

    public init(shop: String, year: Int, text: String) {
        self.shop = shop
        self.year = year
        self.text = text
    }
}

public struct Appeal: Sendable, Codable, Equatable {
    public var sequence: UInt64
    public var filedBy: String
    public var filed: AppealFiled
    public var decision: Sequenced<AppealDecided>?
    public var decidedBy: String?
}

extension MarketState {
    /// An appeal is filed within the rules' window after the period's ratings were published.
    public func validate(_ appeal: AppealFiled) throws(LocalizedMessage) {
        guard merchant(shopNumber: appeal.shop) != nil else {
            throw LocalizedMessage(zh: "没有店铺号为 \(appeal.shop) 的商户", en: "there is no shop \(appeal.shop)")
        }
        guard let published = ratingsPublished[appeal.year] else {
            throw LocalizedMessage(zh: "\(appeal.year) 年度的星级尚未公示，不能申请复核", en: "the \(appeal.year) ratings have not been published; there is nothing to appeal yet")
        }
        let window = rules(on: published.value.date)?.value.appeal.fileWithinWorkingDays ?? 10
        let lastDay = calendar.addingWorkingDays(window, to: published.value.date)
        if appeal.date > lastDay {
            throw LocalizedMessage(zh: "复核申请已过期限：\(appeal.year) 年度星级于 \(published.value.date) 公示，须在 \(window) 个工作日内（截至 \(lastDay)）申请",
                                   en: "the appeal is out of time: the \(appeal.year) ratings were published on \(published.value.date); appeals close after \(window) working days (\(lastDay))")
        }
        if appeal.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw LocalizedMessage(zh: "复核申请需要写明理由", en: "an appeal needs a reason")
        }
        if appeals[appeal.shop]?.contains(where: { $0.filed.year == appeal.year && $0.decision == nil }) == true {
            throw LocalizedMessage(zh: "\(appeal.shop) 已有一份未决的 \(appeal.year) 年度复核申请", en: "\(appeal.shop) already has an undecided appeal for \(appeal.year)")
        }
    }

    /// The decision comes from someone not involved: not an inspector of the shop in that year,
    /// not the shop's own branch secretary, not the person who filed it.
    public func validateDecision(_ decision: AppealDecided, by user: User) throws(LocalizedMessage) {
        guard let appeal = appeals.values.joined().first(where: { $0.sequence == decision.target }) else {
            throw LocalizedMessage(zh: "第 \(decision.target) 条记录不是复核申请", en: "record \(decision.target) is not an appeal")
        }
        if appeal.decision != nil {
            throw LocalizedMessage(zh: "该复核申请已有决定", en: "the appeal has been decided already")
        }
        guard case .manager = user.role else {
            throw LocalizedMessage(zh: "复核由市场管理方作出决定", en: "appeals are decided by a market manager")
        }
        let inspectors = Set((inspections[appeal.filed.shop] ?? []).filter { $0.value.date.year == appeal.filed.year }.map(\.value.inspector))
        if inspectors.contains(user.name) {
            throw LocalizedMessage(zh: "\(user.displayName) 检查过该商户，属于利害关系人，不能决定这份复核", en: "\(user.displayName) inspected this shop and is involved; someone else must decide")
        }
        if appeal.filedBy == user.name {
            throw LocalizedMessage(zh: "提出复核的人不能自己决定", en: "the person who filed the appeal cannot decide it")
        }
        if decision.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw LocalizedMessage(zh: "复核决定需要写明理由", en: "a decision needs a reason")
        }
    }

    /// Whether the shop has an undecided appeal for the year (its rating then shows "under review").
    public func isUnderReview(_ shop: String, year: Int) -> Bool {
        appeals[shop]?.contains { $0.filed.year == year && $0.decision == nil } ?? false
    }
}
