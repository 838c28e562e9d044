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
    /// Why an appeal is recorded after its window closed (a late appeal received on paper): only a
    /// market manager may record one, and only with this.
    public var lateReason: String?

    public init(shop: String, year: Int, reason: String, date: SimpleDate, lateReason: String? = nil) {
        self.shop = shop
        self.year = year
        self.reason = reason
        self.date = date
        self.lateReason = lateReason
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
    /// A revised decision may withdraw a veto of the appealed shop and year (its record number).
    public var withdrawsVeto: UInt64?
    /// A revised decision puts seconded withdrawals and corrections (their record numbers) of the
    /// appealed shop's records of the year into effect in the published year.
    public var applies: [UInt64]?

    public init(target: UInt64, outcome: Outcome, reason: String, date: SimpleDate, withdrawsVeto: UInt64? = nil, applies: [UInt64]? = nil) {
        self.target = target
        self.outcome = outcome
        self.reason = reason
        self.date = date
        self.withdrawsVeto = withdrawsVeto
        self.applies = applies
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
    /// The record that withdrew it before a decision (the shop no longer asks for a review).
    public var withdrawnIn: UInt64?

    /// Waiting for a decision: neither decided nor withdrawn.
    public var isOpen: Bool { decision == nil && withdrawnIn == nil }
}

extension MarketState {
    /// An appeal is filed after the period's ratings were published and within the rules' window
    /// (a late one only by a market manager who records why), never dated ahead of today.
    public func validate(_ appeal: AppealFiled, by user: User, today: SimpleDate) throws(LocalizedMessage) {
        _ = try recordedShop(appeal.shop)
        guard let published = ratingsPublished[appeal.year] else {
            throw LocalizedMessage(zh: "\(appeal.year) 年度的星级尚未公示，不能申请复核", en: "the \(appeal.year) ratings have not been published; there is nothing to appeal yet")
        }
        if appeal.date > today {
            throw LocalizedMessage(zh: "复核申请日期 \(appeal.date) 晚于今天（\(today)）", en: "the appeal's date \(appeal.date) is after today (\(today))")
        }
        if appeal.date < published.value.date {
            throw LocalizedMessage(zh: "复核申请日期 \(appeal.date) 早于 \(appeal.year) 年度星级的公示日期 \(published.value.date)",
                                   en: "the appeal's date \(appeal.date) is before the \(appeal.year) ratings were published (\(published.value.date))")
        }
        let window = rules(on: published.value.date)?.value.appeal.fileWithinWorkingDays ?? 10
        let due = calendar.deadline(window, after: published.value.date)
        let lastDay = due.date
        let uncertain = due.warning.map { "（\($0.zh)）" } ?? "", uncertainEn = due.warning.map { " (\($0.en))" } ?? ""
        let late = appeal.lateReason.map { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? false
        if appeal.lateReason != nil && !late {
            throw LocalizedMessage(zh: "逾期受理的理由不能为空", en: "the reason for a late appeal cannot be blank")
        }
        if late && user.role != .manager {
            throw LocalizedMessage(zh: "逾期的复核申请只能由市场管理方登记并写明理由", en: "only a market manager may record a late appeal, with the reason")
        }
        if today > lastDay && !late {
            throw LocalizedMessage(zh: "复核申请已过期限：\(appeal.year) 年度星级于 \(published.value.date) 公示，须在 \(window) 个工作日内（截至 \(lastDay)）申请\(uncertain)；纸面上按时收到的，由市场管理方用 --late-reason 写明情况后登记",
                                   en: "the appeal is out of time: the \(appeal.year) ratings were published on \(published.value.date); appeals close after \(window) working days (\(lastDay))\(uncertainEn); one received on paper in time is recorded by a market manager with --late-reason")
        }
        if appeal.date > lastDay {
            throw LocalizedMessage(zh: "复核申请日期 \(appeal.date) 已过期限（截至 \(lastDay)）；按时收到的纸面申请请写它收到的日期",
                                   en: "the appeal's date \(appeal.date) is after the window closed (\(lastDay)); for a paper appeal received in time, give the date it was received")
        }
        if appeal.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw LocalizedMessage(zh: "复核申请需要写明理由", en: "an appeal needs a reason")
        }
        if appeals[appeal.shop]?.contains(where: { $0.filed.year == appeal.year && $0.isOpen }) == true {
            throw LocalizedMessage(zh: "\(appeal.shop) 已有一份未决的 \(appeal.year) 年度复核申请", en: "\(appeal.shop) already has an undecided appeal for \(appeal.year)")
        }
    }

    /// The decision comes from a market manager not involved in the rating (`involvement`: not its
    /// inspectors, deduction or veto confirmers, points enterers or approvers, branch secretaries or
    /// owner), not the person who filed it, dated on or after the appeal and not ahead of today.
    public func validateDecision(_ decision: AppealDecided, by user: User, today: SimpleDate) throws(LocalizedMessage) {
        guard let appeal = appeals.values.joined().first(where: { $0.sequence == decision.target }) else {
            throw LocalizedMessage(zh: "第 \(decision.target) 条记录不是复核申请", en: "record \(decision.target) is not an appeal")
        }
        if appeal.decision != nil {
            throw LocalizedMessage(zh: "该复核申请已有决定", en: "the appeal has been decided already")
        }
        if let withdrawn = appeal.withdrawnIn {
            throw LocalizedMessage(zh: "该复核申请已撤回（记录 #\(withdrawn)）", en: "the appeal was withdrawn (record #\(withdrawn))")
        }
        guard case .manager = user.role else {
            throw LocalizedMessage(zh: "复核由市场管理方作出决定", en: "appeals are decided by a market manager")
        }
        if let part = involvement(in: appeal.filed.shop, year: appeal.filed.year)[user.name] {
            throw LocalizedMessage(zh: "\(user.displayName)\(part.zh)，属于利害关系人，不能决定这份复核", en: "\(user.displayName) \(part.en) and is involved; someone else must decide")
        }
        if decision.date > today {
            throw LocalizedMessage(zh: "决定日期 \(decision.date) 晚于今天（\(today)）", en: "the decision's date \(decision.date) is after today (\(today))")
        }
        if let withdrawn = decision.withdrawsVeto {
            guard decision.outcome == .revised else {
                throw LocalizedMessage(zh: "只有“更正评定”的决定才能撤销一票否决", en: "only a revised decision can withdraw a veto")
            }
            guard let veto = vetoes[appeal.filed.shop]?.first(where: { $0.sequence == withdrawn }), veto.value.date.year == appeal.filed.year else {
                throw LocalizedMessage(zh: "记录 #\(withdrawn) 不是 \(appeal.filed.shop) 在 \(appeal.filed.year) 年度的一票否决", en: "record #\(withdrawn) is not a \(appeal.filed.year) veto of \(appeal.filed.shop)")
            }
        }
        for amendment in decision.applies ?? [] {
            guard decision.outcome == .revised else {
                throw LocalizedMessage(zh: "只有“更正评定”的决定才能让撤回或更正生效", en: "only a revised decision can apply a withdrawal or correction")
            }
            guard let proposal = withdrawalsProposed[amendment], let target = ratingRecord(proposal.target),
                  target.shop(in: self) == appeal.filed.shop, target.date.year == appeal.filed.year else {
                throw LocalizedMessage(zh: "记录 #\(amendment) 不是对 \(appeal.filed.shop) \(appeal.filed.year) 年度记录的撤回或更正",
                                       en: "record #\(amendment) is not a withdrawal or correction of a \(appeal.filed.year) record of \(appeal.filed.shop)")
            }
            if proposal.secondedIn == nil {
                throw LocalizedMessage(zh: "撤回或更正 #\(amendment) 尚未复核确认，请先确认（chengxin record second \(amendment)）",
                                       en: "withdrawal or correction #\(amendment) has not been seconded yet (chengxin record second \(amendment))")
            }
        }
        if decision.date < appeal.filed.date {
            throw LocalizedMessage(zh: "决定日期 \(decision.date) 早于复核申请日期 \(appeal.filed.date)", en: "the decision's date \(decision.date) is before the appeal was filed (\(appeal.filed.date))")
        }
        if appeal.filedBy == user.name {
            throw LocalizedMessage(zh: "提出复核的人不能自己决定", en: "the person who filed the appeal cannot decide it")
        }
        if decision.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw LocalizedMessage(zh: "复核决定需要写明理由", en: "a decision needs a reason")
        }
    }

    /// The last day an appeal should be decided on: the rules' `appeal.decideWithinWorkingDays` (15)
    /// working days after it was filed.
    public func decisionDeadline(of appeal: Appeal) -> SimpleDate {
        decisionDue(of: appeal).date
    }

    /// The same with the calendar's warning when a day it counted lies in a year the calendar does
    /// not officially cover.
    public func decisionDue(of appeal: Appeal) -> Deadline {
        let days = rules(on: appeal.filed.date)?.value.appeal.decideWithinWorkingDays ?? 15
        return calendar.deadline(days, after: appeal.filed.date)
    }

    /// Whether an appeal is overdue on `today`: undecided past its deadline, or decided after it.
    public func isOverdue(_ appeal: Appeal, on today: SimpleDate) -> Bool {
        let deadline = decisionDeadline(of: appeal)
        return appeal.decision.map { $0.value.date > deadline } ?? (today > deadline)
    }

    /// The appeals undecided past their deadline on `today`, oldest first.
    public func overdueAppeals(on today: SimpleDate) -> [Appeal] {
        appeals.values.joined().filter { $0.isOpen && isOverdue($0, on: today) }.sorted { $0.filed.date < $1.filed.date }
    }

    /// Whether the shop has an undecided appeal for the year (its rating then shows "under review").
    public func isUnderReview(_ shop: String, year: Int) -> Bool {
        appeals[shop]?.contains { $0.filed.year == year && $0.isOpen } ?? false
    }
}
