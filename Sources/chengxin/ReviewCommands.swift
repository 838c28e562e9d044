import ArgumentParser
import Core
import Foundation

/// One authenticated, validated write: authenticate, check, build the event under the lock, record.
enum SimpleWrite {
    static func run(_ common: CommonOptions, _ actor: ActorOptions, kind: String,
                    _ build: @escaping (MarketState, User) throws(LocalizedMessage) -> EventBody) throws -> UInt64 {
        let opened = try Writer.open(common)
            let me = try actor.authenticate(opened.market, common)
        let key = actor.key(kind)
        let (_, written) = try Writer.record(opened, key: key) { market in
            do throws(LocalizedMessage) {
                return Event(actor: me.name, at: Event.timestamp(Date()), key: key, body: try build(market, me))
            } catch {
                throw CLIProblem(text: error.text(common.lang))
            }
        }
        return written.sequence
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
    static let configuration = CommandConfiguration(commandName: "veto", abstract: "Confirm a serious violation (一票否决): the shop is rated one star for the year.",
                                                    subcommands: [VetoConfirm.self])
}

struct VetoConfirm: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "confirm")
    @OptionGroup var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Option(name: .long, transform: TypedCode.normalise) var merchant: String
    @Option(name: .long, help: "counterfeit, tax-evasion or criminal-case.") var kind: String
    @Option(name: .long) var reason: String
    @Option(name: .long) var date: String?

    func run() throws {
        do {
            let day = try SimpleWrite.date(date, common)
            let seq = try SimpleWrite.run(common, actor, kind: "veto") { market, me throws(LocalizedMessage) in
                try Action.confirmVeto.check(me.role)
                guard market.merchant(shopNumber: merchant) != nil else {
                    throw LocalizedMessage(zh: "没有店铺号为 \(merchant) 的商户", en: "there is no shop \(merchant)")
                }
                guard market.rules(on: day)?.value.veto.kinds.contains(kind) == true else {
                    throw LocalizedMessage(zh: "否决类型“\(kind)”不在规则中（counterfeit、tax-evasion、criminal-case）", en: "veto kind \"\(kind)\" is not in the rules")
                }
                if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw LocalizedMessage(zh: "需要写明事实和理由", en: "a reason is needed") }
                if let earlier = market.vetoes[merchant]?.first(where: { $0.value.kind == kind && $0.value.date.year == day.year }) {
                    throw LocalizedMessage(zh: "\(merchant) 本年度已有同类一票否决（记录 #\(earlier.sequence)）", en: "\(merchant) already has this veto this year (record #\(earlier.sequence))")
                }
                return .vetoConfirmed(VetoConfirmed(shop: merchant, kind: kind, date: day, reason: reason))
            }
            Console.out(common.t("已记录一票否决 #\(seq)：\(merchant)", "recorded veto #\(seq): \(merchant)"))
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
            let seq = try SimpleWrite.run(common, actor, kind: "ratings") { market, me throws(LocalizedMessage) in
                try Action.confirmVeto.check(me.role)
                if day.year < year { throw LocalizedMessage(zh: "不能在 \(year) 年之前公示该年度星级", en: "cannot publish \(year) ratings before \(year)") }
                if let published = market.ratingsPublished[year] {
                    throw LocalizedMessage(zh: "\(year) 年度星级已于 \(published.value.date) 公示（记录 #\(published.sequence)），不能重复公示", en: "the \(year) ratings were published on \(published.value.date) (record #\(published.sequence)); they cannot be published again")
                }
                return .ratingsPublished(RatingsPublished(year: year, date: day))
            }
            Console.out(common.t("已公示 \(year) 年度星级 #\(seq)，日期 \(day)", "published the \(year) ratings #\(seq) on \(day)"))
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

    func run() throws {
        do {
            let day = try SimpleWrite.date(date, common)
            let seq = try SimpleWrite.run(common, actor, kind: "appeal") { market, me throws(LocalizedMessage) in
                if let shop = market.merchant(shopNumber: merchant) { try Action.actForShop(branch: shop.branch).check(me.role) }
                let appeal = AppealFiled(shop: merchant, year: year, reason: reason, date: day)
                try market.validate(appeal)
                return .appealFiled(appeal)
            }
            Console.out(common.t("已登记复核申请 #\(seq)", "filed appeal #\(seq)"))
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

    func run() throws {
        do {
            let day = try SimpleWrite.date(date, common)
            guard let result = AppealDecided.Outcome(rawValue: outcome) ?? AppealDecided.Outcome.matching(outcome) else {
                throw CLIProblem(text: common.t("--outcome 应为 upheld 或 revised", "--outcome must be upheld or revised"))
            }
            _ = try SimpleWrite.run(common, actor, kind: "decision") { market, me throws(LocalizedMessage) in
                let decision = AppealDecided(target: appeal, outcome: result, reason: reason, date: day)
                try market.validateDecision(decision, by: me)
                return .appealDecided(decision)
            }
            Console.out(common.t("已对复核 #\(appeal) 作出决定：\(result.chineseName)", "decided appeal #\(appeal): \(result.rawValue)"))
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
            let seq = try SimpleWrite.run(common, actor, kind: "reply") { market, me throws(LocalizedMessage) in
                let reply = ReplyPublished(shop: merchant, year: year, text: text.trimmingCharacters(in: .whitespacesAndNewlines))
                try market.validate(reply, by: me)
                return .replyPublished(reply)
            }
            Console.out(common.t("已记录商户回应 #\(seq)", "recorded the reply #\(seq)"))
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
            _ = try SimpleWrite.run(common, actor, kind: "link") { market, me throws(LocalizedMessage) in
                if me.role == .kiosk { throw LocalizedMessage(zh: "服务台不能处理投诉，只能登记和查询", en: "kiosk staff file and look up complaints; they do not handle them") }
                try market.validate(link)
                return .complaintLinked(link)
            }
            Console.out(common.t("已将 \(link.receipt) 标为 \(link.duplicateOf) 的重复投诉", "marked \(link.receipt) as a duplicate of \(link.duplicateOf)"))
        } catch {
            throw common.failure(error)
        }
    }
}
