import ArgumentParser
import Core
import Foundation

/// One authenticated, validated write: authenticate, build the event under the lock, check it
/// with Core's one gate (`MarketState.validate(_:by:today:)`), record, and answer with `answer`
/// (made from the record alone, so that a retry is answered the same: `Writer.record`).
enum SimpleWrite {
    static func run(_ common: CommonOptions, _ actor: ActorOptions, kind: String,
                    _ build: @escaping (MarketState, User) throws(LocalizedMessage) -> EventBody,
                    answer: (Recorded) -> String?) throws {
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
        }, answer: answer)
    }

    static func date(_ text: String?, _ common: CommonOptions) throws -> SimpleDate {
        guard let text else { return MarketClock.today() }
        guard let date = SimpleDate(iso: text) else {
            throw CLIProblem(text: common.t("日期“\(text)”无效（应为 YYYY-MM-DD 的真实日期）", "\"\(text)\" is not a valid date (YYYY-MM-DD)"))
        }
        return date
    }
}

struct VetoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "veto", abstract: "Confirm a serious violation (一票否决), with its evidence; once a second market manager seconds it, the shop is rated one star for the year.",
                                                    subcommands: [VetoConfirm.self, VetoSecond.self])
}

struct VetoConfirm: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "confirm")
    @OptionGroup var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Option(name: .long, transform: TypedCode.normalise) var merchant: String
    @Option(name: .long, help: "counterfeit, tax-evasion or criminal-case.") var kind: String
    @Option(name: .long) var reason: String
    @Option(name: .long) var date: String?
    @Option(name: .long, help: "The record number of the inspection or complaint that found it.") var evidence: UInt64?

    func run() throws {
        do {
            let day = try SimpleWrite.date(date, common)
            try SimpleWrite.run(common, actor, kind: "veto") { _, _ throws(LocalizedMessage) in
                .vetoConfirmed(VetoConfirmed(shop: merchant, kind: kind, date: day, reason: reason, evidence: evidence))
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
    static let configuration = CommandConfiguration(commandName: "second", abstract: "Second a veto as a second market manager: only then does it count.")
    @OptionGroup var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Argument(help: "The veto's record number.") var veto: UInt64

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
    static let configuration = CommandConfiguration(commandName: "ratings", abstract: "Publish a year's ratings (公示); appeals may follow.", subcommands: [RatingsPublish.self])
}

struct RatingsPublish: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "publish")
    @OptionGroup var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Option(name: .long) var year: Int
    @Option(name: .long) var date: String?

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
    static let configuration = CommandConfiguration(commandName: "appeal", abstract: "Appeals (复核) of a rating.", subcommands: [AppealFile.self, AppealDecide.self])
}

struct AppealFile: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "file", abstract: "File an appeal for a shop (by a manager or the shop's secretary).")
    @OptionGroup var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Option(name: .long, transform: TypedCode.normalise) var merchant: String
    @Option(name: .long) var year: Int
    @Option(name: .long) var reason: String
    @Option(name: .long) var date: String?
    @Option(name: .customLong("late-reason"), help: "Why an appeal received on paper in time is recorded after its window closed (market managers only).")
    var lateReason: String?

    func run() throws {
        do {
            let day = try SimpleWrite.date(date, common)
            try SimpleWrite.run(common, actor, kind: "appeal") { _, _ throws(LocalizedMessage) in
                .appealFiled(AppealFiled(shop: merchant, year: year, reason: reason, date: day, lateReason: lateReason))
            } answer: { recorded in
                common.t("已登记复核申请 #\(recorded.sequence)", "filed appeal #\(recorded.sequence)")
            }
        } catch {
            throw common.failure(error)
        }
    }
}

struct AppealDecide: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decide", abstract: "Decide an appeal (a manager not involved in the rating).")
    @OptionGroup var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Argument(help: "The appeal's record number.") var appeal: UInt64
    @Option(name: .long, help: "upheld or revised.") var outcome: String
    @Option(name: .long) var reason: String
    @Option(name: .long) var date: String?
    @Option(name: .customLong("withdraw-veto"), help: "With --outcome revised: the record number of the appealed year's veto this decision withdraws.")
    var withdrawVeto: UInt64?

    func run() throws {
        do {
            let day = try SimpleWrite.date(date, common)
            guard let result = AppealDecided.Outcome(rawValue: outcome) ?? AppealDecided.Outcome.matching(outcome) else {
                throw CLIProblem(text: common.t("--outcome 应为 upheld 或 revised", "--outcome must be upheld or revised"))
            }
            try SimpleWrite.run(common, actor, kind: "decision") { _, _ throws(LocalizedMessage) in
                .appealDecided(AppealDecided(target: appeal, outcome: result, reason: reason, date: day, withdrawsVeto: withdrawVeto))
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
    static let configuration = CommandConfiguration(commandName: "reply", abstract: "Record a shop's reply to its rating (shown beside it on the public board).")
    @OptionGroup var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Option(name: .long, transform: TypedCode.normalise) var merchant: String
    @Option(name: .long) var year: Int
    @Option(name: .long) var text: String

    func run() throws {
        do {
            try SimpleWrite.run(common, actor, kind: "reply") { _, _ throws(LocalizedMessage) in
                .replyPublished(ReplyPublished(shop: merchant, year: year, text: text.trimmingCharacters(in: .whitespacesAndNewlines)))
            } answer: { recorded in
                common.t("已记录商户回应 #\(recorded.sequence)", "recorded the reply #\(recorded.sequence)")
            }
        } catch {
            throw common.failure(error)
        }
    }
}

struct ComplaintLink: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "link", abstract: "Mark a complaint as a duplicate of another.")
    @OptionGroup var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Argument var receipt: String
    @Option(name: .customLong("duplicate-of")) var original: String

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
    static let configuration = CommandConfiguration(commandName: "record", abstract: "Withdraw an inspection, contribution entry, complaint deduction or veto (a second person confirms it).",
                                                    subcommands: [RecordWithdraw.self, RecordSecond.self])
}

struct RecordWithdraw: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "withdraw", abstract: "Propose withdrawing a record; it counts once another person seconds it.")
    @OptionGroup var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Argument(help: "The record number to withdraw.") var target: UInt64
    @Option(name: .long) var reason: String

    func run() throws {
        do {
            try SimpleWrite.run(common, actor, kind: "withdraw") { _, _ throws(LocalizedMessage) in
                .withdrawn(Withdrawal(target: target, reason: reason))
            } answer: { recorded in
                guard case .withdrawn(let withdrawal) = recorded.event.body else { return nil }
                let (target, seq) = (withdrawal.target, recorded.sequence)
                return common.t("已提出撤回记录 #\(target)（#\(seq)）；须由另一人复核确认（chengxin record second \(seq)）后生效",
                                "proposed withdrawing record #\(target) (#\(seq)); it counts once someone else seconds it (chengxin record second \(seq))")
            }
        } catch {
            throw common.failure(error)
        }
    }
}

struct RecordSecond: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "second", abstract: "Second a proposed withdrawal (a market manager other than who proposed it).")
    @OptionGroup var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Argument(help: "The withdrawal's record number.") var withdrawal: UInt64

    func run() throws {
        do {
            try SimpleWrite.run(common, actor, kind: "withdraw-second") { _, _ throws(LocalizedMessage) in
                .withdrawalSeconded(WithdrawalSeconded(target: withdrawal))
            } answer: { recorded in
                guard case .withdrawalSeconded(let second) = recorded.event.body else { return nil }
                return common.t("已复核确认撤回 #\(second.target)，即日生效", "seconded withdrawal #\(second.target); it now counts")
            }
        } catch {
            throw common.failure(error)
        }
    }
}
