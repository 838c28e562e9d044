import Foundation

/// A fact recorded in the log. The log stores it as the JSON object
/// `{"v":1,"type":…,"actor":…,"at":…,"key":…,"data":{…}}` (see docs/log-format.md).
public struct Event: Sendable, Equatable {
    /// Who did it: a user name, or `system` for set-up done by `chengxin init`.
    public var actor: String
    /// When, as an ISO 8601 UTC timestamp (`2026-11-27T02:20:00Z`), from the clock passed in.
    public var at: String
    /// The idempotency key of the command that produced it: retrying a command never records it twice.
    public var key: String?
    public var body: EventBody

    public init(actor: String, at: String, key: String?, body: EventBody) {
        self.actor = actor
        self.at = at
        self.key = key
        self.body = body
    }

    public var type: String { body.type }

    /// Formats a point in time the way events store it.
    public static func timestamp(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = Int(floor(Double(seconds) / 86_400))
        let rest = Int(seconds - Int64(days) * 86_400)
        let (y, m, d) = civilFromDays(days)
        let p = SimpleDate.padded
        return p(y, 4) + "-" + p(m, 2) + "-" + p(d, 2) + "T" + p(rest / 3600, 2) + ":" + p(rest % 3600 / 60, 2) + ":" + p(rest % 60, 2) + "Z"
    }

    /// The market's time zone: China Standard Time (UTC+8, no daylight saving), in which the
    /// market's day begins and its records' times are shown to people.
    public static let marketOffsetSeconds = 8 * 3600

    /// A `timestamp` as the market's clock read it: `2026-11-27 10:20` (China Standard Time); nil
    /// for text that is not a timestamp.
    public static func marketTime(_ timestamp: String) -> String? {
        guard let moment = moment(timestamp) else { return nil }
        return String(Event.timestamp(moment.addingTimeInterval(TimeInterval(marketOffsetSeconds))).prefix(16)).replacingOccurrences(of: "T", with: " ")
    }

    /// The point in time a `timestamp` string stands for; nil for any other text.
    public static func moment(_ timestamp: String) -> Date? {
        let parts = timestamp.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 2, let date = SimpleDate(iso: String(parts[0])), parts[1].hasSuffix("Z") else { return nil }
        let time = parts[1].dropLast().split(separator: ":", omittingEmptySubsequences: false)
        guard time.count == 3, time.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let hours = Int(time[0]), let minutes = Int(time[1]), let seconds = Int(time[2]),
              hours < 24, minutes < 60, seconds < 60 else { return nil }
        return Date(timeIntervalSince1970: Double(date.dayNumber * 86_400 + hours * 3600 + minutes * 60 + seconds))
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// What happened. Types this version does not know are kept as `.unknown` so that a log written
/// by a later version of the same format still replays.
public enum EventBody: Sendable, Equatable {
    case committeeRegistered(Committee)
    case branchRegistered(Branch)
    case merchantRegistered(Merchant)
    case rulesPublished(RatingRules)
    case checklistPublished(ChecklistPublished)
    /// The working-day calendar in force from now on (a new year is added by publishing again).
    case calendarPublished(WorkingCalendar)
    /// One year's official holidays and 调休 added to the calendar in force (`calendar add-year`).
    case calendarYearAdded(CalendarYearAdded)
    case userRegistered(User)
    case inspectionRecorded(Inspection)
    case vetoConfirmed(VetoConfirmed)
    /// A second market manager confirms a veto (docs/domain-model.md, "The rating").
    case vetoSeconded(VetoSeconded)
    /// A second person confirms the withdrawal of a record that counts in a rating: only then is
    /// it withdrawn (docs/domain-model.md, "Nothing is erased").
    case withdrawalSeconded(WithdrawalSeconded)
    case contributionRecorded(ContributionRecorded)
    case contributionApproved(ContributionApproved)
    case complaintFiled(ComplaintFiled)
    case complaintStep(ComplaintStep)
    case complaintDeductionConfirmed(ComplaintDeductionConfirmed)
    case complaintLinked(ComplaintLinked)
    case ratingsPublished(RatingsPublished)
    case appealFiled(AppealFiled)
    case appealDecided(AppealDecided)
    case replyPublished(ReplyPublished)
    case conductPublished(CodeOfConduct)
    /// A pledge (亮承诺) made after the roster, dated (Pledges.swift).
    case pledgeMade(PledgeMade)
    /// A standing pledge withdrawn, with a reason; it stays in the record, marked withdrawn.
    case pledgeWithdrawn(PledgeWithdrawn)
    /// A correction: an earlier merchant record replaced by a corrected one (the old stays in the log).
    case merchantCorrected(MerchantCorrection)
    /// A Party member recorded (Members.swift).
    case memberRegistered(Member)
    /// A member's record corrected (or their leaving recorded); the earlier stays in the log.
    case memberCorrected(MemberCorrection)
    /// A branch's 考评小组 for a year named (MemberPoints.swift).
    case panelNamed(PanelNamed)
    /// Base points taken from a member (the members' ledger, MemberPoints.swift).
    case pointsDeducted(MemberDeduction)
    /// Contribution points for a member.
    case pointsContributed(MemberContribution)
    /// The democratic appraisal's points for a member, where the rules give it a share.
    case pointsAppraised(MemberAppraisal)
    /// A panel member's approval of a ledger entry.
    case pointsApproved(PointsApproved)
    /// A withdrawal: an earlier event declared void (it stays in the log, marked withdrawn).
    case withdrawn(Withdrawal)
    /// A correction of a record that counts in a rating: the record as it should have been, in
    /// place of the one it names, from the moment a second person confirms it (`withdrawal.seconded`).
    case recordCorrected(RecordCorrection)
    /// A writer cut an unfinished, never acknowledged record off the end of the log (written by
    /// the log itself, docs/log-format.md "Appending"): the bytes are kept in `file`.
    case logTailCut(LogTailCut)
    /// A wrong PIN (or a PIN for a user that does not exist), recorded so that sign-in is throttled
    /// across processes (Privacy.swift, `SignInPolicy`). Never the PIN itself.
    case authFailed(AuthFailed)
    /// Personal data shown unmasked to someone: who (the actor), when (`at`), what (here).
    case dataDisclosed(DataDisclosed)
    /// The data directory holds training data (`init --demo` or `init --training`): only there may
    /// the clock be fixed (`$CHENGXIN_TODAY`).
    case trainingMarked(TrainingMarked)
    case unknown(type: String)

    public var type: String {
        switch self {
        case .committeeRegistered: return "committee.registered"
        case .branchRegistered: return "branch.registered"
        case .merchantRegistered: return "merchant.registered"
        case .rulesPublished: return "rules.published"
        case .checklistPublished: return "checklist.published"
        case .calendarPublished: return "calendar.published"
        case .calendarYearAdded: return "calendar.year-added"
        case .userRegistered: return "user.registered"
        case .inspectionRecorded: return "inspection.recorded"
        case .vetoConfirmed: return "veto.confirmed"
        case .vetoSeconded: return "veto.seconded"
        case .withdrawalSeconded: return "withdrawal.seconded"
        case .contributionRecorded: return "contribution.recorded"
        case .contributionApproved: return "contribution.approved"
        case .complaintFiled: return "complaint.filed"
        case .complaintStep: return "complaint.step"
        case .complaintDeductionConfirmed: return "complaint.deduction-confirmed"
        case .complaintLinked: return "complaint.linked"
        case .ratingsPublished: return "ratings.published"
        case .appealFiled: return "appeal.filed"
        case .appealDecided: return "appeal.decided"
        case .replyPublished: return "reply.published"
        case .conductPublished: return "conduct.published"
        case .pledgeMade: return "pledge.made"
        case .pledgeWithdrawn: return "pledge.withdrawn"
        case .merchantCorrected: return "merchant.corrected"
        case .memberRegistered: return "member.registered"
        case .memberCorrected: return "member.corrected"
        case .panelNamed: return "panel.named"
        case .pointsDeducted: return "points.deducted"
        case .pointsContributed: return "points.contributed"
        case .pointsAppraised: return "points.appraised"
        case .pointsApproved: return "points.approved"
        case .withdrawn: return "event.withdrawn"
        case .recordCorrected: return "record.corrected"
        case .logTailCut: return "log.tail-cut"
        case .authFailed: return "auth.failed"
        case .dataDisclosed: return "data.disclosed"
        case .trainingMarked: return "market.training"
        case .unknown(let type): return type
        }
    }
}

extension EventBody {
    /// What each type of event is called where people read the history (the audit tab): the one
    /// table of event names, by type code. Types this version does not know have no name.
    public static let names: [String: LocalizedMessage] = [
        "committee.registered": LocalizedMessage(zh: "登记市场党委", en: "committee registered"),
        "branch.registered": LocalizedMessage(zh: "登记党支部", en: "branch registered"),
        "merchant.registered": LocalizedMessage(zh: "登记商户", en: "shop registered"),
        "rules.published": LocalizedMessage(zh: "发布评分规则", en: "rating rules published"),
        "checklist.published": LocalizedMessage(zh: "发布检查清单", en: "checklist published"),
        "calendar.published": LocalizedMessage(zh: "发布工作日历", en: "working calendar published"),
        "calendar.year-added": LocalizedMessage(zh: "补充一年日历", en: "calendar year added"),
        "user.registered": LocalizedMessage(zh: "添加用户", en: "user added"),
        "inspection.recorded": LocalizedMessage(zh: "记录检查", en: "inspection"),
        "veto.confirmed": LocalizedMessage(zh: "一票否决", en: "veto"),
        "veto.seconded": LocalizedMessage(zh: "一票否决复核", en: "veto seconded"),
        "withdrawal.seconded": LocalizedMessage(zh: "撤回或更正复核", en: "withdrawal seconded"),
        "contribution.recorded": LocalizedMessage(zh: "登记贡献分", en: "points entered"),
        "contribution.approved": LocalizedMessage(zh: "审批贡献分", en: "points approved"),
        "complaint.filed": LocalizedMessage(zh: "登记投诉", en: "complaint filed"),
        "complaint.step": LocalizedMessage(zh: "办理投诉", en: "complaint step"),
        "complaint.deduction-confirmed": LocalizedMessage(zh: "确认投诉扣分", en: "deduction confirmed"),
        "complaint.linked": LocalizedMessage(zh: "标为重复投诉", en: "duplicate linked"),
        "ratings.published": LocalizedMessage(zh: "公示星级", en: "ratings published"),
        "appeal.filed": LocalizedMessage(zh: "申请复核", en: "appeal filed"),
        "appeal.decided": LocalizedMessage(zh: "复核决定", en: "appeal decided"),
        "reply.published": LocalizedMessage(zh: "商户回应", en: "shop's reply"),
        "conduct.published": LocalizedMessage(zh: "发布行为规范", en: "code of conduct published"),
        "pledge.made": LocalizedMessage(zh: "作出承诺", en: "pledge made"),
        "pledge.withdrawn": LocalizedMessage(zh: "撤回承诺", en: "pledge withdrawn"),
        "merchant.corrected": LocalizedMessage(zh: "更正商户信息", en: "shop corrected"),
        "member.registered": LocalizedMessage(zh: "登记党员", en: "member registered"),
        "member.corrected": LocalizedMessage(zh: "更正党员信息", en: "member corrected"),
        "panel.named": LocalizedMessage(zh: "组建考评小组", en: "assessment panel named"),
        "points.deducted": LocalizedMessage(zh: "党员积分扣分", en: "member's points deducted"),
        "points.contributed": LocalizedMessage(zh: "党员贡献积分", en: "member's contribution points"),
        "points.appraised": LocalizedMessage(zh: "民主评议得分", en: "appraisal points"),
        "points.approved": LocalizedMessage(zh: "考评小组审批积分", en: "panel approval of points"),
        "event.withdrawn": LocalizedMessage(zh: "撤回记录", en: "record withdrawn"),
        "record.corrected": LocalizedMessage(zh: "更正记录", en: "record corrected"),
        "log.tail-cut": LocalizedMessage(zh: "截去未写完的记录", en: "unfinished record cut"),
        "auth.failed": LocalizedMessage(zh: "PIN 错误", en: "wrong PIN"),
        "data.disclosed": LocalizedMessage(zh: "查看个人信息", en: "personal data shown"),
        "market.training": LocalizedMessage(zh: "标为培训数据", en: "marked as training data"),
    ]

    /// What happened, in people's words: the type's name, and for a complaint's step which step
    /// (办理投诉：受理). An unknown type is called by its code.
    public var name: LocalizedMessage {
        let base = Self.names[type] ?? LocalizedMessage(zh: type, en: type)
        if case .complaintStep(let step) = self {
            return LocalizedMessage(zh: base.zh + "：" + step.action.name.zh, en: base.en + ": " + step.action.name.en)
        }
        return base
    }
}

/// Points at the event a correction or withdrawal is about, by its sequence number in the log,
/// and says why. The actor is the event's own `actor`.
public struct Withdrawal: Sendable, Codable, Equatable {
    public var target: UInt64
    public var reason: String

    public init(target: UInt64, reason: String) {
        self.target = target
        self.reason = reason
    }
}

/// A correction of a record that counts in a rating (docs/log-format.md, "record.corrected"): the
/// record it replaces (`target`), why, and the record as it should have been — of the same type,
/// about the same shop (or complaint) — written as that type's `type` and `data`.
public struct RecordCorrection: Sendable, Codable, Equatable {
    public var target: UInt64
    public var reason: String
    public var record: CorrectedRecord

    public init(target: UInt64, reason: String, record: CorrectedRecord) {
        self.target = target
        self.reason = reason
        self.record = record
    }

    private enum Keys: String, CodingKey { case target, reason, type, data }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        target = try container.decode(UInt64.self, forKey: .target)
        reason = try container.decode(String.self, forKey: .reason)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "inspection.recorded": record = .inspection(try container.decode(Inspection.self, forKey: .data))
        case "contribution.recorded": record = .contribution(try container.decode(ContributionRecorded.self, forKey: .data))
        case "veto.confirmed": record = .veto(try container.decode(VetoConfirmed.self, forKey: .data))
        case "complaint.deduction-confirmed": record = .deduction(try container.decode(ComplaintDeductionConfirmed.self, forKey: .data))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "a correction cannot be of type \(type)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(target, forKey: .target)
        try container.encode(reason, forKey: .reason)
        try container.encode(record.body.type, forKey: .type)
        switch record {
        case .inspection(let value): try container.encode(value, forKey: .data)
        case .contribution(let value): try container.encode(value, forKey: .data)
        case .veto(let value): try container.encode(value, forKey: .data)
        case .deduction(let value): try container.encode(value, forKey: .data)
        }
    }
}

/// The kinds of record a correction may replace: those that count in a rating.
public enum CorrectedRecord: Sendable, Equatable {
    case inspection(Inspection)
    case contribution(ContributionRecorded)
    case veto(VetoConfirmed)
    case deduction(ComplaintDeductionConfirmed)

    /// The same record as an event of its own type.
    public var body: EventBody {
        switch self {
        case .inspection(let value): return .inspectionRecorded(value)
        case .contribution(let value): return .contributionRecorded(value)
        case .veto(let value): return .vetoConfirmed(value)
        case .deduction(let value): return .complaintDeductionConfirmed(value)
        }
    }

    /// The record's own date.
    public var date: SimpleDate {
        switch self {
        case .inspection(let value): return value.date
        case .contribution(let value): return value.date
        case .veto(let value): return value.date
        case .deduction(let value): return value.date
        }
    }
}

/// The mark of a training data directory, recorded by `chengxin init --demo` or `--training` when
/// the log holds nothing but the roster; a production directory never gets it later.
public struct TrainingMarked: Sendable, Codable, Equatable {
    /// `demo` (with the generated history) or `training` (the roster alone).
    public var purpose: String

    public init(purpose: String) {
        self.purpose = purpose
    }
}

/// The second person's confirmation of a withdrawal (`event.withdrawn`) of a record that counts in
/// a rating: an inspection, a contribution entry, a complaint deduction or a veto.
public struct WithdrawalSeconded: Sendable, Codable, Equatable {
    /// The withdrawal's record number.
    public var target: UInt64

    public init(target: UInt64) {
        self.target = target
    }
}

/// Where an unfinished record was cut off the end of the log, and where its bytes are kept.
public struct LogTailCut: Sendable, Codable, Equatable {
    /// The kept bytes' file, relative to the data directory (`cut/<offset>-<time>.bin`).
    public var file: String
    public var length: Int
    public var offset: Int
    /// Lower-case hex SHA-256 of the bytes cut.
    public var sha256: String

    public init(file: String, length: Int, offset: Int, sha256: String) {
        self.file = file
        self.length = length
        self.offset = offset
        self.sha256 = sha256
    }
}

public struct MerchantCorrection: Sendable, Codable, Equatable {
    public var target: UInt64
    public var reason: String
    /// The merchant's record as it should have been.
    public var merchant: Merchant

    public init(target: UInt64, reason: String, merchant: Merchant) {
        self.target = target
        self.reason = reason
        self.merchant = merchant
    }
}

/// A version of the inspection checklist.
public struct ChecklistPublished: Sendable, Codable, Equatable {
    public var version: Int
    public var items: [ChecklistItem]

    public init(version: Int, items: [ChecklistItem]) {
        self.version = version
        self.items = items
    }
}

extension Roster {
    /// The events that record this roster, as `chengxin init` appends them, with the first version
    /// of the rules; the members after the shops they own (no account linked: none exists at
    /// init); the later versions of the rules are `laterRuleEvents`.
    public func events(actor: String, at: String) -> [Event] {
        var events: [Event] = []
        events.append(Event(actor: actor, at: at, key: "init:committee", body: .committeeRegistered(committee)))
        if let rules = ruleVersions.first {
            events.append(Event(actor: actor, at: at, key: "init:rules:\(rules.version)", body: .rulesPublished(rules)))
        }
        events.append(Event(actor: actor, at: at, key: "init:checklist:1", body: .checklistPublished(ChecklistPublished(version: 1, items: checklist))))
        events.append(Event(actor: actor, at: at, key: "init:conduct:\(conduct.version)", body: .conductPublished(conduct)))
        events.append(Event(actor: actor, at: at, key: "init:calendar:\(calendar.years.keys.sorted().map(String.init).joined(separator: ","))", body: .calendarPublished(calendar)))
        for branch in branches {
            events.append(Event(actor: actor, at: at, key: "init:branch:\(branch.number)", body: .branchRegistered(branch)))
        }
        for merchant in merchants {
            events.append(Event(actor: actor, at: at, key: "init:merchant:\(merchant.shopNumber)", body: .merchantRegistered(merchant)))
        }
        for member in members {
            events.append(Event(actor: actor, at: at, key: "init:member:\(member.id)", body: .memberRegistered(member)))
        }
        return events
    }

    /// The versions of the rules after the first, as `chengxin init` appends them: after the roster,
    /// or with `--demo` after the demo's year — the rules announced for the years to come, so that
    /// the demo's records keep their numbers (docs/domain-model.md, "The rating").
    public func laterRuleEvents(actor: String, at: String) -> [Event] {
        ruleVersions.dropFirst().map { Event(actor: actor, at: at, key: "init:rules:\($0.version)", body: .rulesPublished($0)) }
    }
}
