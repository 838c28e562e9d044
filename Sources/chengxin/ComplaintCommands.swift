import ArgumentParser
import Core
import Foundation
import Log
import Storage

struct ComplaintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complaint", abstract: localized("消费者投诉：登记、查询、办理。", "Consumers' complaints (投诉): file, look up, handle."),
        subcommands: [ComplaintFile.self, ComplaintStatus.self, ComplaintUpdate.self, ComplaintConfirmDeduction.self, ComplaintLink.self])
}

struct ComplaintFile: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "file", abstract: localized("登记一件投诉，并打印受理编号。", "File a complaint; prints its receipt code."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions

    @Option(name: .long, help: ShopReference.helpOrUnknown, transform: TypedCode.normalise) var merchant: String = "unknown"
    @Option(name: .long, help: localized("投诉类别：price（价格问题）、quality（质量问题）、service（服务态度）、refund（退换货）、fraud（虚假宣传）、invoice（发票问题）、optometry（验光配镜）或 other（其他）。", "price, quality, service, refund, fraud, invoice, optometry or other.")) var category: String
    @Option(name: .long, help: localized("诚信类别：consumer（消费诚信）、price（价格诚信）、tax（纳税诚信）或 quality（质量诚信）。", "consumer, price, tax or quality.")) var integrity: String
    @Option(name: .long, help: localized("事情经过。", "What happened.")) var text: String
    @Option(name: .long, help: localized("涉及金额（元）。", "Amount involved, in yuan.")) var amount: String?
    @Option(name: .long, help: localized("消费者的诉求：refund（退货退款）、exchange（换货）、repair（维修）、apology（赔礼道歉）、compensation（赔偿）；可重复给出。", "What the consumer wants: refund, exchange, repair, apology, compensation (repeatable).")) var wants: [String] = []
    @Option(name: .long, help: localized("消费者姓名（可不填）。", "Consumer's name (optional).")) var name: String?
    @Option(name: .long, help: localized("消费者电话（可不填；填写即表示同意被联系）。", "Consumer's phone (optional; implies consent to be contacted)."), transform: TypedCode.normalise) var phone: String?

    func run() throws {
        do {
            let today = MarketClock.today()
            guard let integrity = Integrity(text: integrity) else {
                throw common.notAChoice("--integrity", integrity, Integrity.allCases.map(\.rawValue))
            }
            let amountFen = try amount.map(common.amountFen)
            let opened = try Writer.open(common)
            let me = try actor.authenticate(opened, common)
            do throws(LocalizedMessage) { try Action.fileComplaint.check(me.role) } catch { throw CLIProblem(text: error.text(common.lang)) }
            let key = actor.key("complaint")
            try Writer.record(opened, key: key, common) { market in
                // The shop as the market names it (ShopSearch: number in any case, name, pinyin).
                let shop = merchant == "unknown" ? nil : try market.shop(typed: merchant).shopNumber
                var generator = SystemRandomNumberGenerator()
                var receipt: String
                repeat { receipt = ReceiptCode.make(using: &generator) } while market.complaints[receipt] != nil
                let filed = ComplaintFiled(
                    receipt: receipt, shop: shop, category: category, integrity: integrity,
                    text: SafeStorage.clean(text), amountFen: amountFen, wants: wants, consumerName: name.map(SafeStorage.clean),
                    consumerPhone: phone, consentToContact: phone != nil, date: today)
                do throws(LocalizedMessage) {
                    try market.validate(filed, today: today)
                } catch {
                    throw CLIProblem(text: error.text(common.lang))
                }
                return Event(actor: me.name, at: Event.timestamp(Date()), key: key, body: .complaintFiled(filed))
            } answer: { recorded in
                // The receipt, the record and the answer-by date counted from the filing date.
                guard case .complaintFiled(let filed) = recorded.event.body else { return nil }
                let market = recorded.market
                let answerBy = ComplaintCase.answerDue(filedOn: filed.date, in: market)
                return common.t("受理编号：\(filed.receipt)\n登记记录 #\(recorded.sequence)；\(answerBy.map { "最迟 \($0) 前答复是否受理" } ?? "")",
                                "receipt: \(filed.receipt)\nrecord #\(recorded.sequence); \(answerBy.map { "an answer on acceptance by \($0)" } ?? "")")
                    + common.calendarWarning(answerBy)
            }
        } catch {
            throw common.failure(error)
        }
    }
}

extension CommonOptions {
    /// The calendar's warning beside a deadline counted over a year it does not officially cover
    /// (docs/domain-model.md, "Working-day calendar"); empty when the deadline is certain.
    func calendarWarning(_ deadline: Deadline?) -> String {
        guard let warning = deadline?.warning else { return "" }
        return t("（注意：\(warning.zh)）", " (note: \(warning.en))")
    }
}

/// Text to be stored: kept as typed (valid UTF-8 already), only trimmed.
enum SafeStorage {
    static func clean(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
}

struct ComplaintStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: localized("凭受理编号查看投诉办到哪一步，不显示个人信息。", "A complaint's progress by receipt code, without personal data."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    @Argument(help: localized("受理编号。", "Receipt code.")) var receipt: String

    func run() throws {
        let store = try common.openForReading()
        let code = ReceiptCode.normalise(receipt)
        guard let complaint = store.market.complaints[code] else {
            throw Console.fail(common.t("没有受理编号为 \(code) 的投诉，请核对后重试", "there is no complaint \(code); check the code and retry"))
        }
        let today = MarketClock.today()
        var lines = [common.t("受理编号：", "receipt: ") + code,
                     common.t("登记日期：", "filed: ") + complaint.filed.date.description,
                     common.t("当前状态：", "state: ") + complaint.state.name(common.lang)]
        if let rules = store.market.rules(on: today)?.value, let deadline = complaint.due(rules: rules, calendar: store.market.calendar) {
            let overdue = today > deadline.date
            lines.append(common.t("办理期限：\(deadline)\(overdue ? "（已逾期）" : "")", "due by: \(deadline)\(overdue ? " (overdue)" : "")")
                         + common.calendarWarning(deadline))
        }
        for entry in complaint.history {
            let what = entry.action.map { common.lang.pick($0.name.zh, $0.name.en) } ?? common.t("登记", "filed")
            var detail = ""
            switch entry.action {
            case .resolve(let outcome, _, let upheld):
                let finding = ComplaintAction.finding(upheld: upheld)
                detail = common.t("（\(finding.zh)）：", " (\(finding.en)): ") + outcome
            case .forward(let department): detail = "：" + (ComplaintCodes.departments[department] ?? department)
            case .reject(let reason): detail = "：" + (ComplaintCodes.rejectReasons[reason] ?? reason)
            case .terminate(let reason): detail = "：" + (ComplaintCodes.terminateReasons[reason] ?? reason)
            case .followUp(let satisfaction): detail = "：" + satisfaction.name(common.lang)
            default: break
            }
            lines.append("  \(entry.date)  \(what)\(detail)")
        }
        Console.out(lines.joined(separator: "\n"))
    }
}

struct ComplaintUpdate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: localized("办理投诉的一步：accept（受理）、reject --reason（不予受理）、mediate（开始调解）、resolve --outcome --upheld yes|no [--amount]（调解解决）、forward --department（转交部门）、terminate --reason（终止调解）、follow-up --satisfaction（回访）、close（办结）。", "Take a complaint one step: accept, reject --reason, mediate, resolve --outcome --upheld yes|no [--amount], forward --department, terminate --reason, follow-up --satisfaction, close."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions

    @Argument(help: localized("受理编号。", "Receipt code.")) var receipt: String
    @Argument(help: localized("accept（受理）、reject（不予受理）、mediate（开始调解）、resolve（调解解决）、forward（转交部门）、terminate（终止调解）、follow-up（回访）或 close（办结）。", "accept, reject, mediate, resolve, forward, terminate, follow-up or close.")) var step: String
    @Option(name: .long, help: localized("reject 和 terminate 必填：原因代码（不给时列出可选的代码）。", "For reject and terminate (required): the reason's code (without it, the codes are listed).")) var reason: String?
    @Option(name: .long, help: localized("resolve：调解达成的结果。", "For resolve: what was agreed.")) var outcome: String?
    @Option(name: .long, help: localized("金额（元）。", "Amount in yuan.")) var amount: String?
    @Option(name: .long, help: localized("resolve 时必填：投诉属实填 yes，不属实填 no。", "For resolve (required): yes if the complaint was found true (属实), no if not (不属实).")) var upheld: String?
    @Option(name: .long, help: localized("forward 必填：转交部门的代码（不给时列出可选的代码）。", "For forward (required): the department's code (without it, the codes are listed).")) var department: String?
    @Option(name: .long, help: localized("回访结果：satisfied（满意）、partly（基本满意）或 dissatisfied（不满意）。", "satisfied, partly or dissatisfied.")) var satisfaction: String?
    @Option(name: .long, help: localized("这一步的备注。", "A note on this step.")) var note: String?

    func run() throws {
        do {
            let action: ComplaintAction
            switch step {
            case "accept": action = .accept
            case "reject":
                guard let reason else {
                    throw CLIProblem(text: common.t("不予受理需要 --reason，可选：", "reject needs --reason, one of: ") + ComplaintCodes.rejectReasons.sorted { $0.key < $1.key }.map { "\($0.key)（\($0.value)）" }.joined(separator: "、"))
                }
                action = .reject(reason: reason)
            case "mediate": action = .mediate
            case "resolve":
                // Whether the complaint was found true is said every time: it decides whether the
                // shop can lose points for it, so it has no default.
                let finding: Bool
                switch upheld.map({ TypedCode.normalise($0).trimmingCharacters(in: .whitespaces).lowercased() }) {
                case "yes"?, "属实"?: finding = true
                case "no"?, "不属实"?: finding = false
                case nil:
                    throw CLIProblem(text: common.t("调解解决需要 --upheld：yes（投诉属实）或 no（投诉不属实）",
                                                    "resolve needs --upheld: yes (the complaint was found true) or no (it was not)"))
                case _?:
                    let typed = upheld ?? ""
                    throw common.notAChoice("--upheld", typed, ["yes", "no"])
                }
                let amountFen = try amount.map(common.amountFen)
                action = .resolve(outcome: outcome ?? "", amountFen: amountFen, upheld: finding)
            case "forward":
                guard let department else {
                    throw CLIProblem(text: common.t("转交需要 --department，可选：", "forward needs --department, one of: ") + ComplaintCodes.departments.sorted { $0.key < $1.key }.map { "\($0.key)（\($0.value)）" }.joined(separator: "、"))
                }
                action = .forward(department: department)
            case "terminate":
                guard let reason else {
                    throw CLIProblem(text: common.t("终止需要 --reason，可选：", "terminate needs --reason, one of: ") + ComplaintCodes.terminateReasons.sorted { $0.key < $1.key }.map { "\($0.key)（\($0.value)）" }.joined(separator: "、"))
                }
                action = .terminate(reason: reason)
            case "follow-up":
                guard let value = satisfaction.flatMap({ ComplaintAction.Satisfaction(rawValue: $0) ?? ComplaintAction.Satisfaction.matching($0) }) else {
                    throw common.notAChoice("--satisfaction", satisfaction ?? "", ComplaintAction.Satisfaction.allCases.map(\.rawValue))
                }
                action = .followUp(satisfaction: value)
            case "close": action = .close
            default:
                throw common.notAChoice("STEP", step, ["accept", "reject", "mediate", "resolve", "forward", "terminate", "follow-up", "close"])
            }
            let opened = try Writer.open(common)
            let me = try actor.authenticate(opened, common)
            let code = ReceiptCode.normalise(receipt)
            let stepEvent = ComplaintStep(receipt: code, action: action, date: MarketClock.today(), note: note.map(SafeStorage.clean))
            let key = actor.key("complaint-step")
            try Writer.record(opened, key: key, common) { market in
                do throws(LocalizedMessage) {
                    try market.validate(.complaintStep(stepEvent), by: me, today: stepEvent.date)
                } catch {
                    throw CLIProblem(text: error.text(common.lang))
                }
                return Event(actor: me.name, at: Event.timestamp(Date()), key: key, body: .complaintStep(stepEvent))
            } answer: { recorded in
                // The state the step left the complaint in.
                guard case .complaintStep(let step) = recorded.event.body else { return nil }
                let state = recorded.market.complaints[step.receipt]?.state.name(common.lang) ?? ""
                return common.t("投诉 \(step.receipt) 现为：\(state)", "complaint \(step.receipt) is now: \(state)")
            }
        } catch {
            throw common.failure(error)
        }
    }
}

struct ComplaintConfirmDeduction: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "confirm-deduction", abstract: localized("确认属实投诉提出的扣分。", "Confirm the deduction an upheld complaint proposes."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions

    @Argument(help: localized("受理编号。", "Receipt code.")) var receipt: String
    @Option(name: .long, help: localized("minor（一般）或 serious（严重）。", "minor or serious.")) var severity: String

    func run() throws {
        do {
            guard let severity = Severity(rawValue: severity) ?? Severity.matching(severity) else {
                throw common.notAChoice("--severity", severity, Severity.allCases.map(\.rawValue))
            }
            let opened = try Writer.open(common)
            let me = try actor.authenticate(opened, common)
            let deduction = ComplaintDeductionConfirmed(receipt: ReceiptCode.normalise(receipt), severity: severity, date: MarketClock.today())
            let key = actor.key("deduction")
            try Writer.record(opened, key: key, common) { market in
                do throws(LocalizedMessage) {
                    try market.validate(.complaintDeductionConfirmed(deduction), by: me, today: deduction.date)
                } catch {
                    throw CLIProblem(text: error.text(common.lang))
                }
                return Event(actor: me.name, at: Event.timestamp(Date()), key: key, body: .complaintDeductionConfirmed(deduction))
            } answer: { recorded in
                guard case .complaintDeductionConfirmed(let deduction) = recorded.event.body else { return nil }
                return common.t("已确认投诉 \(deduction.receipt) 的扣分（\(deduction.severity.chineseName)）",
                                "confirmed the deduction for complaint \(deduction.receipt) (\(deduction.severity.rawValue))")
            }
        } catch {
            throw common.failure(error)
        }
    }
}
