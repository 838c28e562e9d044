import ArgumentParser
import Codec
import Core
import Foundation
import Log
import Storage
import Terminal
#if canImport(Glibc)
import Glibc
#endif

/// Who is acting on a write: `--as USER`, with the PIN from `$CHENGXIN_PIN` or asked on the terminal.
struct ActorOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: localized("办理此事的用户（PIN 从 $CHENGXIN_PIN 读取，否则询问）。", "The user doing this (the PIN is read from $CHENGXIN_PIN, else asked)."))
    var user: String?

    @Option(name: .customLong("request-id"), help: localized("请求编号（幂等键），与用户和内容绑定：用同一编号重试不会重复记录，回答与第一次相同；同一编号用于不同内容则被拒绝。", "Idempotency key, bound to the user and the content: a retry with the same id records nothing twice and answers as the first time; the same id with other content is refused."))
    var requestID: String?

    /// The idempotency key of a request of `kind` (one of `Writer.requestKinds`).
    func key(_ kind: String) -> String {
        "\(kind):\(requestID ?? UUID().uuidString)"
    }

    /// The user, after checking the PIN (SignIn.swift: throttled across processes, a wrong PIN
    /// recorded as `auth.failed`; the same work for a right PIN, a wrong one and an unknown name).
    func authenticate(_ store: Store, _ common: CommonOptions) throws(CLIProblem) -> User {
        guard let name = user else {
            throw CLIProblem(text: common.t("写入操作需要用 --as 指明操作人", "a write needs --as USER"))
        }
        return try SignIn.prompted(store, name: name, common: common, via: .cli, consequence: ("未做任何改动", "nothing was changed"))
    }
}

/// Reading a PIN: `$CHENGXIN_PIN`, else from the terminal without echo.
enum PINInput {
    /// The prompt (which may name a user) goes through the screen's sanitising: a display name
    /// cannot send escape sequences to the terminal. Full-width digits (１２３４) count as digits.
    static func read(prompt: String, common: CommonOptions, variable: String = "CHENGXIN_PIN") throws(CLIProblem) -> String {
        if let pin = ProcessInfo.processInfo.environment[variable] { return TypedCode.normalise(pin) }
        let tty = open("/dev/tty", O_RDWR)
        guard tty >= 0 else {
            throw CLIProblem(text: common.t("没有终端可以输入 PIN；请设置环境变量 \(variable)", "no terminal to ask for the PIN; set \(variable)"))
        }
        defer { close(tty) }
        // Echo goes off before the prompt shows: a PIN typed as soon as the prompt appears is
        // never echoed, however late this process gets the processor.
        var saved = termios()
        tcgetattr(tty, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(tty, TCSAFLUSH, &quiet)
        defer {
            // Keys typed after Enter are kept for the screen that follows.
            tcsetattr(tty, TCSANOW, &saved)
            _ = write(tty, "\n", 1)
        }
        _ = SafeText.sanitize(prompt).withCString { write(tty, $0, strlen($0)) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while Glibc.read(tty, &byte, 1) == 1, byte != 10, byte != 13, bytes.count < 64 { bytes.append(byte) }
        return TypedCode.normalise(String(decoding: bytes, as: UTF8.self))
    }
}

extension Writer {
    /// Opens the data directory for a write command (`Writer.open`), says so when an unfinished
    /// last record was cut, and refuses a fixed clock ($CHENGXIN_TODAY) on data that is not
    /// training data.
    static func open(_ common: CommonOptions) throws -> Store {
        let store = try Writer.open(common.storage)
        if let cut = store.log.lastTailCut { Console.error(cut.text(common.lang)) }
        try MarketClock.admit(store.market)
        return store
    }

    /// Records as `record` does and prints the command's answer, made by `answer` from the record
    /// alone (nil: the answer's generic form). A retry of the same request (`AlreadyRecorded`)
    /// prints the same answer, made from the original record, and then says on stderr that it was
    /// a retry and nothing was recorded twice (exit status 0). This is how every write command
    /// with `--request-id` answers.
    static func record(_ store: Store, key: String, _ common: CommonOptions, _ build: (MarketState) throws -> Event,
                       answer: (Recorded) -> String?) throws {
        let recorded: Recorded
        var retry = false
        do {
            recorded = try record(store, key: key, build)
        } catch let already as AlreadyRecorded {
            (recorded, retry) = (already.original, true)
        }
        Console.out(answer(recorded) ?? common.t("已记录 #\(recorded.sequence)", "recorded #\(recorded.sequence)"))
        if retry {
            Console.error(common.t("重试：这项请求（同一 --request-id）已记录为 #\(recorded.sequence)，以上是当时的回答，未重复记录",
                                   "a retry: this request (same --request-id) is record #\(recorded.sequence) already; the answer above is the original one, and nothing was recorded twice"))
        }
    }
}

extension CommonOptions {
    /// The error a write command ends with, printed to stderr with exit status 1 (a retry is no
    /// error: `Writer.record(_:key:_:_:answer:)` answers it).
    func failure(_ error: any Error) -> ExitCode {
        if let conflict = error as? RequestConflict {
            let record = conflict.sequence.map { "#\($0)" }
            return Console.fail(t("这个 --request-id 已用于另一项请求\(record.map { "（记录 \($0)）" } ?? "")，内容或操作人不同，本次未做任何记录；请换一个编号",
                                  "this --request-id was used for another request\(record.map { " (record \($0))" } ?? ""), by another user or with other content; nothing was recorded — use a new id"))
        }
        return Console.fail(describe(error))
    }
}

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: localized("用户与角色。", "Users and roles."), subcommands: [UserAdd.self])
}

struct UserAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: localized("添加用户（第一个用户必须是市场管理方，不需要 --as）。新用户的 PIN 从 $CHENGXIN_NEW_PIN 读取，否则询问。", "Add a user (the first user must be a market manager and needs no --as). The new PIN is read from $CHENGXIN_NEW_PIN, else asked."))

    enum RoleName: String, ExpressibleByArgument, CaseIterable { case manager, secretary, kiosk }

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions

    @Argument(help: localized("用户名（字母、数字、. _ -）。", "Login name (letters, digits, . _ -)."))
    var name: String

    @Option(name: .long, help: localized("角色：manager（市场管理方）、secretary（支部书记）或 kiosk（服务台）。", "manager, secretary or kiosk."))
    var role: RoleName

    @Option(name: .long, help: localized("支部书记所在的支部。", "The branch of a secretary."))
    var branch: Int?

    @Option(name: .long, help: localized("屏幕上显示的名字（默认：用户名）。", "The name shown on screen (default: the login name)."))
    var display: String?

    @Option(name: .long, help: localized("账户所属的人，写法同名册中的经营者（支部书记默认为名册中该支部的书记）；本人经营的店铺不能由本人经手。", "The person behind the account, as the roster names shop owners (default for a secretary: the branch's secretary in the roster); their shops are off-limits to them."))
    var person: String?

    func run() throws {
        do {
            let role: Role
            switch self.role {
            case .manager: role = .manager
            case .kiosk: role = .kiosk
            case .secretary:
                guard let branch else { throw CLIProblem(text: common.t("支部书记需要 --branch 指明支部", "a secretary needs --branch")) }
                role = .secretary(branch: branch)
            }
            if let problem = User.nameProblem(name) { throw CLIProblem(text: problem.text(common.lang)) }
            if let problem = TextLimits.problem(display ?? name, .displayName) { throw CLIProblem(text: problem.text(common.lang)) }
            let pin = try PINInput.read(prompt: common.t("新用户 \(name) 的 PIN（6–8 位数字）：", "PIN for the new user \(name) (6–8 digits): "), common: common, variable: "CHENGXIN_NEW_PIN")
            if let problem = PINHash.problem(with: pin) { throw CLIProblem(text: problem.text(common.lang)) }
            let hash = try PINHash.make(pin: pin, salt: (0..<16).map { _ in UInt8.random(in: 0...255) })
            let opened = try Writer.open(common)
            let actorName: String
            if opened.market.users.isEmpty {
                guard role == .manager else {
                    throw CLIProblem(text: common.t("第一个用户必须是市场管理方（--role manager）", "the first user must be a market manager (--role manager)"))
                }
                actorName = name
            } else {
                let me = try actor.authenticate(opened, common)
                try Action.registerUser.check(me.role)
                actorName = me.name
            }
            let person = self.person?.trimmingCharacters(in: .whitespacesAndNewlines)
            if person?.isEmpty == true { throw CLIProblem(text: common.t("--person 不能为空", "--person cannot be blank")) }
            let user = User(name: name, displayName: display ?? name, role: role, pin: hash, person: person)
            let key = actor.key("user")
            try Writer.record(opened, key: key, common) { market in
                if market.users[name] != nil {
                    throw CLIProblem(text: common.t("用户 \(name) 已存在", "user \(name) already exists"))
                }
                if case .secretary(let branch) = role, market.branch(branch) == nil {
                    throw CLIProblem(text: common.t("没有第 \(branch) 支部", "there is no branch \(branch)"))
                }
                return Event(actor: actorName, at: Event.timestamp(Date()), key: key, body: .userRegistered(user))
            } answer: { recorded in
                guard case .userRegistered(let user) = recorded.event.body else { return nil }
                return common.t("已添加用户 \(user.name)（\(user.role.name(.zh))），记录 #\(recorded.sequence)",
                                "added user \(user.name) (\(user.role.name(.en))), record #\(recorded.sequence)")
            }
        } catch {
            throw common.failure(error)
        }
    }
}

struct InspectionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspection", abstract: localized("检查。", "Inspections."), subcommands: [InspectionRecord.self])
}

struct InspectionRecord: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: localized("记录一次检查：加 --pass-all 时，除 --fail 列出的项外检查表各项全部合格；不加时只记录 --fail 列出的项。", "Record an inspection: --pass-all marks every checklist item passed except the --fail ones; without it only the --fail items are recorded."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions

    @Option(name: .long, help: ShopReference.help, transform: TypedCode.normalise)
    var merchant: String

    @Flag(name: .long, help: localized("--fail 没有列出的项全部合格。", "Every item not named by --fail passed."))
    var passAll = false

    @Option(name: .long, help: localized("一个不合格项：ITEM:minor|serious[:note]（minor 一般，serious 严重）。多项可重复给出。", "A failed item: ITEM:minor|serious[:note]. Repeat for several."))
    var fail: [String] = []

    @Option(name: .long, help: localized("检查日期，YYYY-MM-DD（默认：今天）。", "Date of the inspection, YYYY-MM-DD (default: today)."))
    var date: String?

    func run() throws {
        do {
            let today = MarketClock.today()
            let day = try SimpleWrite.date(date, common, today: today)
            let failures = try InspectionOutcomes.failures(fail, common)
            if failures.isEmpty && !passAll {
                throw CLIProblem(text: common.t("请用 --pass-all 或 --fail 说明检查结果", "give --pass-all or at least one --fail"))
            }
            let opened = try Writer.open(common)
            let me = try actor.authenticate(opened, common)
            let key = actor.key("inspection")
            try Writer.record(opened, key: key, common) { market in
                let shop = try market.shop(typed: merchant)
                let outcomes = InspectionOutcomes.outcomes(failures, passAll: passAll, checklist: market.checklist, merchant: shop)
                let inspection = Inspection(shop: shop.shopNumber, date: day, inspector: me.name, checklistVersion: market.checklist?.version ?? 0, outcomes: outcomes)
                do throws(LocalizedMessage) {
                    try market.validate(inspection, by: me, today: today)
                } catch {
                    throw CLIProblem(text: error.text(common.lang))
                }
                return Event(actor: me.name, at: Event.timestamp(Date()), key: key, body: .inspectionRecorded(inspection))
            } answer: { recorded in
                summary(recorded)
            }
        } catch {
            throw common.failure(error)
        }
    }

    /// The shop's open rectifications and its rating on the day of the record, in the state just
    /// after it.
    func summary(_ recorded: Recorded) -> String? {
        guard case .inspectionRecorded(let inspection) = recorded.event.body,
              let shop = recorded.market.merchant(shopNumber: inspection.shop) else { return nil }
        let market = recorded.market, day = recorded.day
        let result = RatingEngine.rate(shop, in: market, year: day.year, today: day)
        let sequence = "#\(recorded.sequence)"
        let failed = inspection.outcomes.filter { $0.result == .fail }.count
        var lines = [common.t("已记录检查 \(sequence)：\(shop.shopNumber) \(shop.name)，\(failed) 项不合格",
                              "recorded inspection \(sequence): \(shop.shopNumber) \(shop.name), \(failed) item(s) failed")]
        for rectification in result.rectifications where rectification.closedBy == nil {
            lines.append(common.t("  整改：\(rectification.item)（\(rectification.severity.chineseName)）期限 \(rectification.deadline)",
                                  "  rectify: \(rectification.item) (\(rectification.severity.rawValue)) by \(rectification.deadline)")
                         + common.calendarWarning(market.calendar.deadline(from: rectification.openedOn, to: rectification.deadline)))
        }
        lines.append(common.t("当前星级：", "rating now: ") + describe(result.status))
        return lines.joined(separator: "\n")
    }

    func describe(_ status: RatingStatus) -> String {
        switch status {
        case .awaiting: return status.label(common.lang)
        case .rated(let stars, let score, _):
            // The label carries the veto's mark itself.
            return status.label(common.lang) + common.t("（\(stars) 星，得分 \(score)）", " (\(stars) stars, score \(score))")
        }
    }
}

/// An inspection's results as the command line gives them: `--fail ITEM:minor|serious[:note]`,
/// and `--pass-all` for every other item of the checklist.
enum InspectionOutcomes {
    static func failures(_ fail: [String], _ common: CommonOptions) throws -> [ItemOutcome] {
        try fail.map { text in
            let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 2, let severity = Severity(rawValue: parts[1]) ?? Severity.matching(parts[1]) else {
                throw CLIProblem(text: common.t("--fail 的格式应为 项目:minor|serious[:说明]，现为“\(text)”", "--fail takes ITEM:minor|serious[:note], got \"\(text)\""))
            }
            return ItemOutcome(item: parts[0], result: .fail, severity: severity, note: parts.count > 2 ? parts[2] : nil)
        }
    }

    static func outcomes(_ failures: [ItemOutcome], passAll: Bool, checklist: ChecklistPublished?, merchant: Merchant?) -> [ItemOutcome] {
        guard passAll else { return failures }
        let failed = Set(failures.map(\.item))
        return failures + (checklist?.items ?? []).filter { !failed.contains($0.id) }.map { $0.defaultOutcome(at: merchant) }
    }
}

struct PointsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "points", abstract: localized("贡献分：商户的贡献分（add；用于第 1 版规则的星级）和党员积分台账（党员积分：deduct、contribute、appraise、ledger）；两者都用 approve 审批。", "Contribution points: a shop's (add; rules version 1's stars) and the members' points ledger (党员积分: deduct, contribute, appraise, ledger); approve either."),
        subcommands: [PointsAdd.self, PointsApprove.self, PointsDeduct.self, PointsContribute.self, PointsAppraise.self, PointsLedger.self])
}

struct PointsAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: localized("为商户登记贡献分。", "Enter contribution points for a shop."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions

    @Option(name: .long, help: ShopReference.help, transform: TypedCode.normalise) var merchant: String
    @Option(name: .long, help: localized("development（比发展）、service（比服务）或 harmony（比和谐）。", "development, service or harmony (比发展/比服务/比和谐).")) var kind: String
    @Option(name: .long, help: localized("分数，1 到 40。", "Points, 1 to 40.")) var points: Int
    @Option(name: .long, help: localized("加分的依据。", "What the points are for: the evidence.")) var evidence: String
    @Option(name: .long, help: localized("日期，YYYY-MM-DD（默认：今天）。", "Date, YYYY-MM-DD (default: today).")) var date: String?

    func run() throws {
        do {
            let today = MarketClock.today()
            let day = try SimpleWrite.date(date, common, today: today)
            guard let kind = ContributionKind(rawValue: kind) ?? ContributionKind.matching(kind) else {
                throw common.notAChoice("--kind", kind, ContributionKind.allCases.map(\.rawValue))
            }
            let opened = try Writer.open(common)
            let me = try actor.authenticate(opened, common)
            let key = actor.key("points")
            try Writer.record(opened, key: key, common) { market in
                let entry = ContributionRecorded(shop: try market.shop(typed: merchant).shopNumber, kind: kind, points: points, date: day, evidence: evidence)
                do throws(LocalizedMessage) {
                    try market.validate(entry, by: me, today: today)
                } catch {
                    throw CLIProblem(text: error.text(common.lang))
                }
                return Event(actor: me.name, at: Event.timestamp(Date()), key: key, body: .contributionRecorded(entry))
            } answer: { recorded in
                guard case .contributionRecorded(let entry) = recorded.event.body else { return nil }
                let sequence = recorded.sequence
                return common.t("已登记贡献分 #\(sequence)：\(entry.shop) \(entry.kind.chineseName) \(entry.points) 分，待他人审批（chengxin points approve \(sequence)）",
                                "entered contribution #\(sequence): \(entry.shop) \(entry.kind.rawValue) \(entry.points) points; awaiting approval by someone else (chengxin points approve \(sequence))")
            }
        } catch {
            throw common.failure(error)
        }
    }
}

struct PointsApprove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: localized("审批商户的贡献分登记（不能审批自己登记的），或以支部考评小组成员的身份审批党员积分。", "Approve a shop's contribution entry (not your own), or a member's points entry as a member of the branch's panel."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions

    @Argument(help: localized("要审批的登记的记录号。", "The record number of the entry.")) var entry: UInt64

    @Option(name: .long, help: localized("党员积分：审批的考评小组成员（默认：--as 用户关联的党员；市场管理方或该支部书记可代录另一成员的审批）。", "A members' points entry: the panel member who approves (default: the member linked to --as; a manager or the branch's secretary records another member's vote)."), transform: TypedCode.normalise)
    var member: String?

    func run() throws {
        try LedgerWrite.record(common, actor, kind: "approve") { market, me throws(LocalizedMessage) in
            guard member != nil || market.ledgerEntry(entry) != nil else { return .contributionApproved(ContributionApproved(target: entry)) }
            guard let id = member ?? market.member(of: me)?.id else {
                throw LocalizedMessage(zh: "请用 --member 指明同意这条积分的考评小组成员", en: "name the panel member who approves with --member")
            }
            return .pointsApproved(PointsApproved(target: entry, member: id))
        } answer: { market, recorded in
            switch recorded.event.body {
            case .contributionApproved(let approval):
                return common.t("已审批贡献分 #\(approval.target)", "approved contribution #\(approval.target)")
            case .pointsApproved(let approval):
                return LedgerWrite.approvalAnswer(approval, market: market, recorded: recorded, common)
            default:
                return nil
            }
        }
    }
}
