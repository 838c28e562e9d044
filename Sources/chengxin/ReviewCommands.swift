import ArgumentParser
import Core
import Foundation
import Storage

/// One authenticated, validated write: authenticate, build the event under the lock, check it
/// with Core's one gate (`MarketState.validate(_:by:today:)`), record, and answer with `answer`
/// (made from the record alone, so that a retry is answered the same: `Writer.record`).
enum SimpleWrite {
    static func run(_ common: CommonOptions, _ actor: ActorOptions, kind: String,
                    _ build: @escaping (MarketState, User) throws(LocalizedMessage) -> EventBody,
                    answer: (Recorded) -> String?) throws {
        try run(common, actor, kind: kind, build, answerOn: { _, recorded in answer(recorded) })
    }

    /// The same, the answer made knowing the state the command opened (the record not yet in it).
    static func run(_ common: CommonOptions, _ actor: ActorOptions, kind: String,
                    _ build: @escaping (MarketState, User) throws(LocalizedMessage) -> EventBody,
                    answerOn answer: (MarketState, Recorded) -> String?) throws {
        let opened = try Writer.open(common)
        let me = try actor.authenticate(opened, common)
        let key = actor.key(kind)
        let today = MarketClock.today()
        try Writer.record(opened, key: key, common, { market in
            do throws(LocalizedMessage) {
                let body = try build(market, me)
                try market.validate(body, by: me, today: today)
                return Event(actor: me.name, at: Event.timestamp(Date()), key: key, body: body)
            } catch {
                throw CLIProblem(text: error.text(common.lang))
            }
        }, answer: { answer(opened.market, $0) })
    }

    static func date(_ text: String?, _ common: CommonOptions, today: @autoclosure () -> SimpleDate = MarketClock.today()) throws -> SimpleDate {
        guard let text else { return today() }
        guard let date = SimpleDate(iso: text) else {
            throw CLIProblem(text: common.t("--date 的值「\(text)」不是有效日期（应为 YYYY-MM-DD 的真实日期）", "'\(text)' is not a valid value of --date (a real date, YYYY-MM-DD)"))
        }
        return date
    }
}

struct VetoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "veto", abstract: localized("一票否决：确认严重违法违规（confirm），由另一位市场管理方复核确认（second）后，该商户本年度评为一星。", "Vetoes (一票否决): confirm a serious violation, which a second market manager seconds; the shop is then rated one star for the year."),
                                                    subcommands: [VetoConfirm.self, VetoSecond.self])
}

struct VetoConfirm: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "confirm", abstract: localized("确认一项严重违法违规（一票否决），附证据；须另一位市场管理方复核确认（veto second）后生效。", "Confirm a serious violation (一票否决) with its evidence; it counts once a second market manager seconds it (veto second)."))
    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Option(name: .long, help: ShopReference.help, transform: TypedCode.normalise) var merchant: String
    @Option(name: .long, help: localized("counterfeit（售假）、tax-evasion（偷逃税）或 criminal-case（刑事案件）。", "counterfeit, tax-evasion or criminal-case.")) var kind: String
    @Option(name: .long, help: localized("事实和理由。", "The facts and reasons.")) var reason: String
    @Option(name: .long, help: localized("日期，YYYY-MM-DD（默认：今天）。", "Date, YYYY-MM-DD (default: today).")) var date: String?
    @Option(name: .long, help: localized("发现问题的检查或投诉的记录号。", "The record number of the inspection or complaint that found it.")) var evidence: UInt64?

    func run() throws {
        do {
            let day = try SimpleWrite.date(date, common)
            try SimpleWrite.run(common, actor, kind: "veto") { market, _ throws(LocalizedMessage) in
                .vetoConfirmed(VetoConfirmed(shop: try market.shop(typed: merchant).shopNumber, kind: kind, date: day, reason: reason, evidence: evidence))
            } answer: { recorded in
                guard case .vetoConfirmed(let veto) = recorded.event.body else { return nil }
                let seq = recorded.sequence
                return common.t("已记录一票否决 #\(seq)：\(veto.shop)；须由另一位市场管理方复核确认（chengxin veto second \(seq)）后生效",
                                "recorded veto #\(seq): \(veto.shop); it counts once another market manager seconds it (chengxin veto second \(seq))")
            }
        } catch {
            throw common.failure(error)
        }
    }
}

struct VetoSecond: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "second", abstract: localized("由另一位市场管理方复核确认一票否决：确认后才生效。", "Second a veto as a second market manager: only then does it count."))
    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Argument(help: localized("一票否决的记录号。", "The veto's record number.")) var veto: UInt64

    func run() throws {
        do {
            try SimpleWrite.run(common, actor, kind: "veto-second") { _, _ throws(LocalizedMessage) in
                .vetoSeconded(VetoSeconded(target: veto))
            } answer: { recorded in
                guard case .vetoSeconded(let second) = recorded.event.body else { return nil }
                return common.t("已复核确认一票否决 #\(second.target)，即日生效", "seconded veto #\(second.target); it now counts")
            }
        } catch {
            throw common.failure(error)
        }
    }
}

struct RatingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ratings", abstract: localized("公示某一年度的星级；此后可以申请复核。", "Publish a year's ratings (公示); appeals may follow."), subcommands: [RatingsPublish.self])
}

struct RatingsPublish: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "publish", abstract: localized("公示某一年度的星级：以公示时的记录为准，此后只能经复核更改。", "Publish a year's ratings: they stand as the record is on that day and change only through an appeal."))
    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Option(name: .long, help: localized("公示的年度。", "The year whose ratings are published.")) var year: Int
    @Option(name: .long, help: localized("公示日期，YYYY-MM-DD（默认：今天）。", "The day of publication, YYYY-MM-DD (default: today).")) var date: String?

    func run() throws {
        do {
            let day = try SimpleWrite.date(date, common)
            try SimpleWrite.run(common, actor, kind: "ratings") { _, _ throws(LocalizedMessage) in
                .ratingsPublished(RatingsPublished(year: year, date: day))
            } answer: { recorded in
                guard case .ratingsPublished(let published) = recorded.event.body else { return nil }
                let seq = recorded.sequence
                return common.t("已公示 \(published.year) 年度星级 #\(seq)，日期 \(published.date)",
                                "published the \(published.year) ratings #\(seq) on \(published.date)")
            }
        } catch {
            throw common.failure(error)
        }
    }
}

struct AppealCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "appeal", abstract: localized("星级的复核申请。", "Appeals (复核) of a rating."), subcommands: [AppealFile.self, AppealDecide.self])
}

struct AppealFile: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "file", abstract: localized("为商户提出复核申请（由市场管理方或该商户的支部书记提出）。", "File an appeal for a shop (by a manager or the shop's secretary)."))
    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Option(name: .long, help: ShopReference.help, transform: TypedCode.normalise) var merchant: String
    @Option(name: .long, help: localized("申请复核的星级年度。", "The year of the rating appealed.")) var year: Int
    @Option(name: .long, help: localized("申请复核的理由。", "Why the rating is appealed.")) var reason: String
    @Option(name: .long, help: localized("复核申请日期，YYYY-MM-DD（默认：今天）。", "The appeal's date, YYYY-MM-DD (default: today).")) var date: String?
    @Option(name: .customLong("late-reason"), help: localized("按时以书面收到的复核申请为什么在期限过后才录入（仅限市场管理方）。", "Why an appeal received on paper in time is recorded after its window closed (market managers only)."))
    var lateReason: String?

    func run() throws {
        do {
            let day = try SimpleWrite.date(date, common)
            try SimpleWrite.run(common, actor, kind: "appeal") { market, _ throws(LocalizedMessage) in
                .appealFiled(AppealFiled(shop: try market.shop(typed: merchant).shopNumber, year: year, reason: reason, date: day, lateReason: lateReason))
            } answer: { recorded in
                common.t("已登记复核申请 #\(recorded.sequence)", "filed appeal #\(recorded.sequence)")
            }
        } catch {
            throw common.failure(error)
        }
    }
}

struct AppealDecide: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decide", abstract: localized("决定复核申请（由未参与评定的市场管理方决定）。", "Decide an appeal (a manager not involved in the rating)."))
    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Argument(help: localized("复核申请的记录号。", "The appeal's record number.")) var appeal: UInt64
    @Option(name: .long, help: localized("upheld（维持原评定）或 revised（更正评定）。", "upheld or revised.")) var outcome: String
    @Option(name: .long, help: localized("决定的理由。", "The reasons for the decision.")) var reason: String
    @Option(name: .long, help: localized("决定日期，YYYY-MM-DD（默认：今天）。", "The decision's date, YYYY-MM-DD (default: today).")) var date: String?
    @Option(name: .customLong("withdraw-veto"), help: localized("与 --outcome revised 同用：这项决定撤销的一票否决（属于申请复核的年度）的记录号。", "With --outcome revised: the record number of the appealed year's veto this decision withdraws."))
    var withdrawVeto: UInt64?
    @Option(name: .customLong("apply"), help: localized("与 --outcome revised 同用：一项已复核确认的撤回或更正（其记录号），针对申请复核的年度的记录，在已公示的年度生效。多项可重复给出。", "With --outcome revised: a seconded withdrawal or correction (its record number) of the appealed year's records that takes effect in the published year. Repeat for several."))
    var applies: [UInt64] = []

    func run() throws {
        do {
            let day = try SimpleWrite.date(date, common)
            guard let result = AppealDecided.Outcome(rawValue: outcome) ?? AppealDecided.Outcome.matching(outcome) else {
                throw CLIProblem(text: common.t("--outcome 应为 upheld 或 revised", "--outcome must be upheld or revised"))
            }
            try SimpleWrite.run(common, actor, kind: "decision") { _, _ throws(LocalizedMessage) in
                .appealDecided(AppealDecided(target: appeal, outcome: result, reason: reason, date: day, withdrawsVeto: withdrawVeto, applies: applies.isEmpty ? nil : applies))
            } answer: { recorded in
                guard case .appealDecided(let decision) = recorded.event.body else { return nil }
                return common.t("已对复核 #\(decision.target) 作出决定：\(decision.outcome.chineseName)",
                                "decided appeal #\(decision.target): \(decision.outcome.rawValue)")
            }
        } catch {
            throw common.failure(error)
        }
    }
}

struct ReplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reply", abstract: localized("记录商户对其星级的回应（在诚信公示中显示在星级旁边）。", "Record a shop's reply to its rating (shown beside it on the public board)."))
    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Option(name: .long, help: ShopReference.help, transform: TypedCode.normalise) var merchant: String
    @Option(name: .long, help: localized("所回应星级的年度（须已公示）。", "The year of the rating replied to (published already).")) var year: Int
    @Option(name: .long, help: localized("回应内容。", "The reply's text.")) var text: String

    func run() throws {
        do {
            try SimpleWrite.run(common, actor, kind: "reply") { market, _ throws(LocalizedMessage) in
                .replyPublished(ReplyPublished(shop: try market.shop(typed: merchant).shopNumber, year: year, text: text.trimmingCharacters(in: .whitespacesAndNewlines)))
            } answer: { recorded in
                common.t("已记录商户回应 #\(recorded.sequence)", "recorded the reply #\(recorded.sequence)")
            }
        } catch {
            throw common.failure(error)
        }
    }
}

struct ComplaintLink: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "link", abstract: localized("把一件投诉标为另一件的重复投诉。", "Mark a complaint as a duplicate of another."))
    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Argument(help: localized("重复的那件投诉的受理编号。", "The duplicate complaint's receipt code.")) var receipt: String
    @Option(name: .customLong("duplicate-of"), help: localized("它所重复的原投诉的受理编号。", "The receipt code of the complaint it repeats.")) var original: String

    func run() throws {
        do {
            let link = ComplaintLinked(receipt: ReceiptCode.normalise(receipt), duplicateOf: ReceiptCode.normalise(original))
            try SimpleWrite.run(common, actor, kind: "link") { _, _ throws(LocalizedMessage) in
                .complaintLinked(link)
            } answer: { recorded in
                guard case .complaintLinked(let link) = recorded.event.body else { return nil }
                return common.t("已将 \(link.receipt) 标为 \(link.duplicateOf) 的重复投诉", "marked \(link.receipt) as a duplicate of \(link.duplicateOf)")
            }
        } catch {
            throw common.failure(error)
        }
    }
}

/// `chengxin record withdraw SEQ --reason R` / `chengxin record second SEQ`: a record that counts in a
/// rating withdrawn — never erased — once a second person confirms it (docs/domain-model.md).
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "record", abstract: localized("撤回或更正检查、贡献分登记、投诉扣分或一票否决（由另一人复核确认）；撤回投诉的最近一步，或停用用户账户。", "Withdraw or correct an inspection, contribution entry, complaint deduction or veto (a second person confirms it); withdraw a complaint's latest step or close a user's account."),
                                                    subcommands: [RecordWithdraw.self, RecordCorrect.self, RecordSecond.self])
}

struct RecordWithdraw: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "withdraw", abstract: localized("撤回一条记录：计入星级的记录经另一人复核确认后才撤回；投诉的最近一步或用户的登记立即撤回。", "Withdraw a record: one that counts in a rating once another person seconds it; a complaint's latest step or a user's registration at once."))
    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Argument(help: localized("要撤回的记录号。", "The record number to withdraw.")) var target: UInt64
    @Option(name: .long, help: localized("撤回的原因。", "Why the record is withdrawn.")) var reason: String

    func run() throws {
        do {
            try SimpleWrite.run(common, actor, kind: "withdraw") { _, _ throws(LocalizedMessage) in
                .withdrawn(Withdrawal(target: target, reason: reason))
            } answer: { recorded in
                guard case .withdrawn(let withdrawal) = recorded.event.body else { return nil }
                let (target, seq) = (withdrawal.target, recorded.sequence)
                // A complaint step or a user is withdrawn at once; a record that counts in a rating waits for its second.
                if recorded.market.amendments[target]?.by == seq {
                    return common.t("已撤回记录 #\(target)（#\(seq)），即日生效", "withdrew record #\(target) (#\(seq)); it counts from now on")
                }
                return common.t("已提出撤回记录 #\(target)（#\(seq)）；须由另一人复核确认（chengxin record second \(seq)）后生效",
                                "proposed withdrawing record #\(target) (#\(seq)); it counts once someone else seconds it (chengxin record second \(seq))")
            }
        } catch {
            throw common.failure(error)
        }
    }
}

struct RecordSecond: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "second", abstract: localized("复核确认提出的撤回或更正（由提出人以外的市场管理方）。", "Second a proposed withdrawal or correction (a market manager other than who proposed it)."))
    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Argument(help: localized("撤回或更正的记录号。", "The withdrawal's or correction's record number.")) var withdrawal: UInt64

    func run() throws {
        do {
            try SimpleWrite.run(common, actor, kind: "withdraw-second") { _, _ throws(LocalizedMessage) in
                .withdrawalSeconded(WithdrawalSeconded(target: withdrawal))
            } answer: { recorded in
                guard case .withdrawalSeconded(let second) = recorded.event.body else { return nil }
                return common.t("已复核确认撤回或更正 #\(second.target)，即日生效", "seconded withdrawal or correction #\(second.target); it now counts")
            }
        } catch {
            throw common.failure(error)
        }
    }
}

/// `chengxin record correct SEQ --reason R [what changes]`: the record as it should have been, in
/// place of record SEQ once a second person confirms it. Whatever is not given stays as it was.
struct RecordCorrect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correct",
        abstract: localized("提出更正：检查（--fail/--pass-all、--date）、贡献分登记（--points、--kind、--evidence、--date）、一票否决（--kind、--facts、--evidence、--date）或投诉扣分（--severity、--date）；经另一人复核确认后生效。", "Propose a correction of an inspection (--fail/--pass-all, --date), a contribution entry (--points, --kind, --evidence, --date), a veto (--kind, --facts, --evidence, --date) or a complaint deduction (--severity, --date); it counts once another person seconds it."))
    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Argument(help: localized("要更正的记录号。", "The record number to correct.")) var target: UInt64
    @Option(name: .long, help: localized("更正的原因。", "Why the record is corrected.")) var reason: String
    @Option(name: .long, help: localized("更正后的日期，YYYY-MM-DD（须在同一年内）。", "The corrected date, YYYY-MM-DD (in the same year).")) var date: String?
    @Option(name: .long, help: localized("检查：一个不合格项，ITEM:minor|serious[:note]；可重复给出。给出的结果取代原有的全部结果。", "Inspection: a failed item, ITEM:minor|serious[:note]; repeat. The results given replace all the old ones.")) var fail: [String] = []
    @Flag(name: .long, help: localized("检查：--fail 没有列出的项全部合格。", "Inspection: every item not named by --fail passed.")) var passAll = false
    @Option(name: .long, help: localized("贡献分登记：分数，1 到 40。", "Contribution entry: the points, 1 to 40.")) var points: Int?
    @Option(name: .long, help: localized("贡献分登记：development（比发展）、service（比服务）或 harmony（比和谐）；一票否决：counterfeit（售假）、tax-evasion（偷逃税）或 criminal-case（刑事案件）。", "Contribution entry: development, service or harmony; veto: counterfeit, tax-evasion or criminal-case.")) var kind: String?
    @Option(name: .long, help: localized("贡献分登记：加分的依据；一票否决：发现问题的检查或投诉的记录号。", "Contribution entry: what the points are for; veto: the record number of the inspection or complaint that found it.")) var evidence: String?
    @Option(name: .long, help: localized("一票否决：事实和理由。", "Veto: the facts and reasons.")) var facts: String?
    @Option(name: .long, help: localized("投诉扣分：minor（一般）或 serious（严重）。", "Complaint deduction: minor or serious.")) var severity: String?

    func run() throws {
        do {
            let day = try date.map { try SimpleWrite.date($0, common) }
            let failures = try InspectionOutcomes.failures(fail, common)
            try SimpleWrite.run(common, actor, kind: "correct") { market, _ throws(LocalizedMessage) in
                guard let original = market.ratingRecord(target) else {
                    throw LocalizedMessage(zh: "第 \(target) 条记录不是计入星级的检查、贡献分、投诉扣分或一票否决，不能这样更正",
                                           en: "record \(target) is not an inspection, contribution entry, complaint deduction or veto that counts in a rating")
                }
                return .recordCorrected(RecordCorrection(target: target, reason: reason, record: try corrected(original, date: day, failures: failures, checklist: market.checklist, market: market)))
            } answer: { recorded in
                guard case .recordCorrected(let correction) = recorded.event.body else { return nil }
                let (target, seq) = (correction.target, recorded.sequence)
                return common.t("已提出更正记录 #\(target)（#\(seq)）；须由另一人复核确认（chengxin record second \(seq)）后生效",
                                "proposed correcting record #\(target) (#\(seq)); it counts once someone else seconds it (chengxin record second \(seq))")
            }
        } catch {
            throw common.failure(error)
        }
    }

    /// The original with what the options change; an option that does not fit its kind is refused.
    func corrected(_ original: CorrectedRecord, date: SimpleDate?, failures: [ItemOutcome], checklist: ChecklistPublished?, market: MarketState) throws(LocalizedMessage) -> CorrectedRecord {
        func refuse(_ options: [(String, Bool)], _ zh: String, _ en: String) throws(LocalizedMessage) {
            if let option = options.first(where: { $0.1 })?.0 {
                throw LocalizedMessage(zh: "\(option) 不适用于\(zh)", en: "\(option) does not apply to \(en)")
            }
        }
        switch original {
        case .inspection(var inspection):
            try refuse([("--points", points != nil), ("--kind", kind != nil), ("--evidence", evidence != nil), ("--facts", facts != nil), ("--severity", severity != nil)], "检查记录", "an inspection")
            if !failures.isEmpty || passAll { inspection.outcomes = InspectionOutcomes.outcomes(failures, passAll: passAll, checklist: checklist, merchant: market.merchant(shopNumber: inspection.shop)) }
            if let date { inspection.date = date }
            return .inspection(inspection)
        case .contribution(var entry):
            try refuse([("--fail", !failures.isEmpty), ("--pass-all", passAll), ("--facts", facts != nil), ("--severity", severity != nil)], "贡献分", "a contribution entry")
            if let points { entry.points = points }
            if let kind {
                guard let value = ContributionKind(rawValue: kind) ?? ContributionKind.matching(kind) else {
                    throw LocalizedMessage(zh: "--kind 应为 development、service 或 harmony（比发展/比服务/比和谐）", en: "--kind must be development, service or harmony")
                }
                entry.kind = value
            }
            if let evidence { entry.evidence = evidence }
            if let date { entry.date = date }
            return .contribution(entry)
        case .veto(var veto):
            try refuse([("--fail", !failures.isEmpty), ("--pass-all", passAll), ("--points", points != nil), ("--severity", severity != nil)], "一票否决", "a veto")
            if let kind { veto.kind = kind }
            if let facts { veto.reason = facts }
            if let evidence {
                guard let record = UInt64(evidence) else {
                    throw LocalizedMessage(zh: "一票否决的 --evidence 应为记录号，现为“\(evidence)”", en: "a veto's --evidence is a record number, got \"\(evidence)\"")
                }
                veto.evidence = record
            }
            if let date { veto.date = date }
            return .veto(veto)
        case .deduction(var deduction):
            try refuse([("--fail", !failures.isEmpty), ("--pass-all", passAll), ("--points", points != nil), ("--kind", kind != nil), ("--evidence", evidence != nil), ("--facts", facts != nil)], "投诉扣分", "a complaint deduction")
            if let severity {
                guard let value = Severity(rawValue: severity) ?? Severity.matching(severity) else {
                    throw LocalizedMessage(zh: "--severity 应为 minor 或 serious（一般/严重）", en: "--severity must be minor or serious")
                }
                deduction.severity = value
            }
            if let date { deduction.date = date }
            return .deduction(deduction)
        }
    }
}

struct PledgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pledge", abstract: localized("承诺（亮承诺）：作出一项承诺（注明日期），或说明理由撤回一项（撤回的仍留在记录中）。", "Pledges (亮承诺): make one, dated, or withdraw one with a reason (it stays in the record)."),
        subcommands: [PledgeAdd.self, PledgeWithdraw.self])
}

struct PledgeAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: localized("记录商户的新承诺（市场管理方或该商户的支部书记）。", "Record a shop's new pledge (manager or the shop's branch secretary)."))
    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Option(name: .long, help: ShopReference.help, transform: TypedCode.normalise) var merchant: String
    @Option(name: .long, help: localized("诚信类别：consumer（消费诚信）、price（价格诚信）、tax（纳税诚信）或 quality（质量诚信）。", "consumer, price, tax or quality.")) var integrity: String
    @Option(name: .long, help: localized("承诺内容。", "The pledge's text.")) var text: String
    @Option(name: .long, help: localized("作出承诺的日期（YYYY-MM-DD；默认今天）。", "The day the pledge was made (YYYY-MM-DD; default today).")) var date: String?

    func run() throws {
        do {
            guard let integrity = Integrity(text: integrity) else {
                throw CLIProblem(text: common.t("--integrity 应为 consumer、price、tax 或 quality", "--integrity must be consumer, price, tax or quality"))
            }
            let day = try SimpleWrite.date(date, common)
            try SimpleWrite.run(common, actor, kind: "pledge-add") { market, _ throws(LocalizedMessage) in
                .pledgeMade(PledgeMade(shop: try market.shop(typed: merchant).shopNumber, date: day, integrity: integrity, text: text.trimmingCharacters(in: .whitespacesAndNewlines)))
            } answer: { recorded in
                common.t("已记录承诺 #\(recorded.sequence)", "recorded the pledge #\(recorded.sequence)")
            }
        } catch {
            throw common.failure(error)
        }
    }
}

struct PledgeWithdraw: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "withdraw", abstract: localized("撤回商户现有的一项承诺（以承诺内容指明），并说明理由。", "Withdraw a shop's standing pledge, named by its text, with a reason."))
    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Option(name: .long, help: ShopReference.help, transform: TypedCode.normalise) var merchant: String
    @Option(name: .long, help: localized("承诺内容，与显示的一致。", "The pledge's text, as shown.")) var text: String
    @Option(name: .long, help: localized("撤回的理由。", "Why it is withdrawn.")) var reason: String
    @Option(name: .long, help: localized("撤回日期（YYYY-MM-DD；默认今天）。", "The day it is withdrawn (YYYY-MM-DD; default today).")) var date: String?

    func run() throws {
        do {
            let day = try SimpleWrite.date(date, common)
            try SimpleWrite.run(common, actor, kind: "pledge-withdraw") { market, _ throws(LocalizedMessage) in
                .pledgeWithdrawn(PledgeWithdrawn(shop: try market.shop(typed: merchant).shopNumber, date: day, text: text.trimmingCharacters(in: .whitespacesAndNewlines), reason: reason))
            } answer: { recorded in
                common.t("已撤回承诺 #\(recorded.sequence)（原记录保留）", "withdrew the pledge #\(recorded.sequence) (the record is kept)")
            }
        } catch {
            throw common.failure(error)
        }
    }
}
