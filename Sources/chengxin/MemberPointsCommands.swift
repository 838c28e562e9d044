import ArgumentParser
import Core
import Foundation
import Storage

/// The members' points ledger (党员积分) on the command line: `panel name|show`, `points deduct|
/// contribute|appraise|ledger`, and `points approve` of a ledger entry (docs/cli.md).
/// The members' points commands record through `SimpleWrite` (Core's gate under the log's lock),
/// answering with the state they opened.
enum LedgerWrite {
    static func record(_ common: CommonOptions, _ actor: ActorOptions, kind: String,
                       _ make: @escaping (MarketState, User) throws(LocalizedMessage) -> EventBody,
                       answer: (MarketState?, Recorded) -> String?) throws {
        do {
            try SimpleWrite.run(common, actor, kind: kind, make, answerOn: { market, recorded in answer(market, recorded) })
        } catch {
            throw common.failure(error)
        }
    }
}

struct PanelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "panel", abstract: localized("支部某一年度的考评小组：以过半数审批党员积分。", "A branch's assessment panel (考评小组) for a year: it approves the members' points entries by majority."),
        subcommands: [PanelName.self, PanelShow.self])
}

struct PanelName: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "name", abstract: localized("组建（或自即日起改组）支部某一年度的考评小组（市场管理方）。", "Name (or rename, from now on) a branch's panel for a year (market managers)."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions

    @Option(name: .long, help: localized("支部编号。", "Branch number.")) var branch: Int
    @Option(name: .long, help: localized("考评小组考评的年度（默认：今年）。", "The year the panel assesses (default: this year).")) var year: Int?
    @Option(name: .long, help: localized("党员编号，以逗号分隔（人数不少于规则规定的最少人数，默认 3 人）。", "Member numbers, separated by commas (at least the rules' minimum, 3 by default).")) var members: String

    func run() throws {
        let ids = members.split(separator: ",").map { TypedCode.normalise(String($0)) }.filter { !$0.isEmpty }
        let year = self.year ?? MarketClock.today().year
        try LedgerWrite.record(common, actor, kind: "panel") { _, _ in
            .panelNamed(PanelNamed(branch: branch, year: year, members: ids))
        } answer: { _, recorded in
            guard case .panelNamed(let panel) = recorded.event.body else { return nil }
            return common.t("已组建第 \(panel.branch) 支部 \(panel.year) 年度考评小组 #\(recorded.sequence)：\(panel.members.joined(separator: "、"))（过半数 \(panel.members.count / 2 + 1) 人同意的积分计入）",
                            "named branch \(panel.branch)'s \(panel.year) panel #\(recorded.sequence): \(panel.members.joined(separator: ", ")) (an entry counts once \(panel.members.count / 2 + 1) approve it)")
        }
    }
}

struct PanelShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: localized("支部某一年度的考评小组，以及此前历次组建。", "A branch's panel for a year, and every earlier naming."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    @Option(name: .long, help: localized("支部编号。", "Branch number.")) var branch: Int
    @Option(name: .long, help: localized("年度（默认：今年）。", "The year (default: this year).")) var year: Int?

    func run() throws {
        let market = try common.openForReading().market
        let year = self.year ?? MarketClock.today().year
        let namings = market.memberPoints.panels.filter { $0.value.branch == branch && $0.value.year == year }
        guard let current = namings.last else {
            throw Console.fail(common.t("第 \(branch) 支部尚未组建 \(year) 年度考评小组", "branch \(branch) has no panel for \(year)"))
        }
        var lines = [common.t("第 \(branch) 支部 \(year) 年度考评小组（#\(current.sequence)）：", "branch \(branch)'s \(year) panel (#\(current.sequence)):")]
        lines += current.value.members.map { id in "  " + (market.members[id].map { "\(id) \($0.name) \($0.role.name(common.lang))" } ?? id) }
        for earlier in namings.dropLast() {
            lines.append(common.t("此前（#\(earlier.sequence)）：", "earlier (#\(earlier.sequence)): ") + earlier.value.members.joined(separator: ", "))
        }
        Console.out(lines.joined(separator: "\n"))
    }
}

struct PointsDeduct: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deduct", abstract: localized("扣减党员的基础分：规则中的扣分项、次数、原因（考评小组审批）。", "Take base points from a member: an item of the rules, how often, why (the panel approves)."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions

    @Option(name: .long, help: localized("党员编号。", "Member number."), transform: TypedCode.normalise) var member: String
    @Option(name: .long, help: localized("规则中的扣分项：meeting-absent（三会一课无故缺席）、theme-day-absent（主题党日无故缺席）、dues-late（党费未按期缴纳）、study-incomplete（学习未完成）；以规则中的代码为准。", "The rules' deduction item: meeting-absent, theme-day-absent, dues-late, study-incomplete (as the rules name them).")) var item: String
    @Option(name: .long, help: localized("次数（默认 1）。", "How many times (default 1).")) var occurrences = 1
    @Option(name: .long, help: localized("原因。", "Why.")) var reason: String
    @Option(name: .long, help: localized("日期，YYYY-MM-DD（默认：今天）。", "Date, YYYY-MM-DD (default: today).")) var date: String?

    func run() throws {
        let day = try SimpleWrite.date(date, common)
        try LedgerWrite.record(common, actor, kind: "points") { _, _ in
            .pointsDeducted(MemberDeduction(member: member, item: item, date: day, reason: reason, occurrences: occurrences))
        } answer: { _, recorded in
            guard case .pointsDeducted(let d) = recorded.event.body else { return nil }
            return common.t("已登记扣分 #\(recorded.sequence)：\(d.member) \(d.item) ×\(d.occurrences)，待考评小组过半数审批（chengxin points approve \(recorded.sequence) --member 编号）",
                            "entered deduction #\(recorded.sequence): \(d.member) \(d.item) ×\(d.occurrences); counts once a majority of the panel approves (chengxin points approve \(recorded.sequence) --member ID)")
        }
    }
}

struct PointsContribute: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "contribute", abstract: localized("为党员登记贡献分，附依据（考评小组审批）。", "Enter contribution points for a member, with evidence (the panel approves)."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions

    @Option(name: .long, help: localized("党员编号。", "Member number."), transform: TypedCode.normalise) var member: String
    @Option(name: .long, help: localized("development（比发展）、service（比服务）或 harmony（比和谐）。", "development, service or harmony (比发展/比服务/比和谐).")) var kind: String
    @Option(name: .long, help: localized("分数，1 到规则的上限（40）。", "Points, 1 to the rules' cap (40).")) var points: Int
    @Option(name: .long, help: localized("加分的依据。", "What the points are for: the evidence.")) var evidence: String
    @Option(name: .long, help: localized("日期，YYYY-MM-DD（默认：今天）。", "Date, YYYY-MM-DD (default: today).")) var date: String?

    func run() throws {
        let day = try SimpleWrite.date(date, common)
        guard let kind = ContributionKind(rawValue: kind) ?? ContributionKind.matching(kind) else {
            throw common.failure(common.notAChoice("--kind", kind, ContributionKind.allCases.map(\.rawValue)))
        }
        try LedgerWrite.record(common, actor, kind: "points") { _, _ in
            .pointsContributed(MemberContribution(member: member, kind: kind, points: points, date: day, evidence: evidence))
        } answer: { _, recorded in
            guard case .pointsContributed(let c) = recorded.event.body else { return nil }
            return common.t("已登记贡献分 #\(recorded.sequence)：\(c.member) \(c.kind.chineseName) \(c.points) 分，待考评小组过半数审批（chengxin points approve \(recorded.sequence) --member 编号）",
                            "entered contribution #\(recorded.sequence): \(c.member) \(c.kind.rawValue) \(c.points) points; counts once a majority of the panel approves (chengxin points approve \(recorded.sequence) --member ID)")
        }
    }
}

struct PointsAppraise: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "appraise", abstract: localized("为党员登记民主评议得分，规则给民主评议留有分值时才可登记（考评小组审批）。", "Enter the democratic appraisal's points for a member, where the rules give it a share (the panel approves)."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions

    @Option(name: .long, help: localized("党员编号。", "Member number."), transform: TypedCode.normalise) var member: String
    @Option(name: .long, help: localized("分数，0 到规则的 appraisalShare。", "Points, 0 to the rules' appraisalShare.")) var points: Int
    @Option(name: .long, help: localized("民主评议的记录。", "The appraisal's record.")) var evidence: String
    @Option(name: .long, help: localized("评议日期，YYYY-MM-DD（默认：今天）；其年份即所评议的年度。", "Date of the appraisal, YYYY-MM-DD (default: today); its year is the year appraised.")) var date: String?

    func run() throws {
        let day = try SimpleWrite.date(date, common)
        try LedgerWrite.record(common, actor, kind: "points") { _, _ in
            .pointsAppraised(MemberAppraisal(member: member, date: day, points: points, evidence: evidence))
        } answer: { _, recorded in
            common.t("已登记民主评议得分 #\(recorded.sequence)，待考评小组过半数审批", "entered appraisal points #\(recorded.sequence); counts once a majority of the panel approves")
        }
    }
}

extension LedgerWrite {
    /// What `points approve N --member ID` answers: whether the entry counts now.
    static func approvalAnswer(_ approval: PointsApproved, market: MarketState?, recorded: Recorded, _ common: CommonOptions) -> String {
        var after = market
        after?.apply(recorded.event, sequence: recorded.sequence)
        let counts = after.flatMap { state in state.ledgerEntry(approval.target).map(state.ledgerStatus) }?.counts == true
        return common.t("已记录 \(approval.member) 对积分 #\(approval.target) 的审批 #\(recorded.sequence)" + (counts ? "：已获考评小组过半数同意，计入" : "：尚未过半数，暂不计入"),
                        "recorded \(approval.member)'s approval #\(recorded.sequence) of entry #\(approval.target)" + (counts ? ": the panel's majority has approved it; it counts" : ": no majority yet; it does not count yet"))
    }
}

struct PointsLedger: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ledger", abstract: localized("党员某一年度的积分明细：每条登记及其记录、登记人和审批人、是否计分及原因。", "A member's points for a year, line by line: every entry with its record, who entered and approved it, counted or not and why."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    @Option(name: .long, help: localized("党员编号。", "Member number."), transform: TypedCode.normalise) var member: String
    @Option(name: .long, help: localized("年度（默认：今年）。", "The year (default: this year).")) var year: Int?

    func run() throws {
        let market = try common.openForReading().market
        guard let person = market.members[member] else {
            throw Console.fail(common.t("没有编号为 \(member) 的党员", "there is no member \(member)"))
        }
        let year = self.year ?? MarketClock.today().year
        let ledger = market.memberLedger(person, year: year)
        var lines = [
            "\(person.id)  \(person.name)  \(person.role.name(common.lang))",
            common.t("支部：", "branch: ") + (market.branch(person.branch)?.name ?? String(person.branch)),
            common.t("\(year) 年度党员积分：\(ledger.total) 分，\(ledger.grade?.chineseName ?? "—")", "\(year) points: \(ledger.total), \(ledger.grade?.englishName ?? "—")"),
            common.t("计分说明：", "how the points were reached:"),
        ]
        lines += ExplanationText.lines(ledger.lines, common.lang)
        Console.out(lines.joined(separator: "\n"))
    }
}
