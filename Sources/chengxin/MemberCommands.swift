import ArgumentParser
import Core
import Foundation
import Storage

/// `chengxin member list|show` (docs/cli.md): the Party members' roster.
struct MemberCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member", abstract: localized("党员：是谁、所在支部和职务、经营的店铺。", "Party members: who they are, their branch and role, the shops they own."), subcommands: [MemberList.self, MemberShow.self])
}

struct MemberList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: localized("按编号列出党员（已离开的注明）。", "List the members (former ones marked), in number order."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    @Option(name: .long, help: localized("只列第 N 支部的党员。", "Only members of branch N."))
    var branch: Int?

    func run() throws {
        let market = try common.openForReading().market
        if let branch, market.branch(branch) == nil {
            throw Console.fail(common.t("没有第 \(branch) 支部（现有 \(market.branches.map { String($0.number) }.joined(separator: "、"))）",
                                        "there is no branch \(branch) (there are \(market.branches.map { String($0.number) }.joined(separator: ", ")))"))
        }
        let members = market.membersInOrder.filter { branch == nil || $0.branch == branch }
        var lines = members.map { member in
            let shops = member.shops.isEmpty ? common.t("无店铺", "no shop") : member.shops.joined(separator: MemberTable.shopSeparator)
            let left = member.left.map { common.t("  已于 \($0) 离开", "  left \($0)") } ?? ""
            return [member.id, member.name, common.t("第 \(member.branch) 支部", "branch \(member.branch)"), member.role.name(common.lang), shops,
                    member.user.map { common.t("账户 ", "account ") + $0 } ?? ""].filter { !$0.isEmpty }.joined(separator: "  ") + left
        }
        lines.append(common.t("共 \(members.count) 名党员（在册 \(members.filter { $0.left == nil }.count) 名）", "\(members.count) members (\(members.filter { $0.left == nil }.count) current)"))
        Console.out(lines.joined(separator: "\n"))
    }
}

struct MemberShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: localized("一名党员：支部、职务、加入和离开日期、用户账户、经营的店铺。", "One member: branch, role, joined and left, user account, shops owned."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    @Argument(help: localized("党员编号，例如 D1-04。", "The member's number (党员编号), e.g. D1-04."))
    var id: String

    func run() throws {
        let market = try common.openForReading().market
        guard let member = market.member(id: id) else {
            throw Console.fail(common.t("没有党员编号为 \(id) 的党员", "there is no member \(id)"))
        }
        Console.out(market.memberLines(member, common.lang).joined(separator: "\n"))
    }
}

/// `chengxin import members FILE [--encoding utf-8|gb18030] [--dry-run] --as MANAGER`.
struct ImportMembers: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "members",
        abstract: localized("从 CSV 文件（各列同 seeds/members.csv）登记新党员、更正有变动的党员。文件里没有的党员只报告，不删除。先检查每一行；有任何问题就什么都不写。", "Register new members and correct changed ones from a CSV file (columns of seeds/members.csv). Members missing from the file are reported, not erased. Every row is checked first; any problem and nothing is written."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    /// The CSV file (columns as `chengxin export members --with-personal-data` writes them), its encoding, --dry-run.
    @OptionGroup var input: ImportInput

    var file: String { input.file }

    func run() throws {
        do {
            let decoded = try RosterFile.read(file, encoding: input.encoding, common)
            let opened = input.dryRun ? try common.openForReading() : try Writer.open(common)
            let today = MarketClock.today()
            let plan = try makePlan(decoded.text, opened.market, today)
            var report = RosterFile.opening(file, decoded.encodingName, rows: plan.rows, ignored: plan.ignoredColumns, common)
            for change in plan.changes {
                switch change.kind {
                case .register:
                    report.append(common.t("  登记 \(change.member.id) \(change.member.name)（第 \(change.line) 行）", "  register \(change.member.id) \(change.member.name) (line \(change.line))"))
                case .correct(let target, _, let fields):
                    report.append(common.t("  更正 \(change.member.id) \(change.member.name)：\(fields.joined(separator: "、"))（第 \(change.line) 行，更正第 \(target) 条记录）",
                                           "  correct \(change.member.id) \(change.member.name): \(fields.joined(separator: ", ")) (line \(change.line), correcting record \(target))"))
                }
            }
            for member in plan.notInFile {
                report.append(common.t("  文件中没有 \(member.id) \(member.name)：不删除（党员离开请在“离开日期”一栏填写日期）",
                                       "  \(member.id) \(member.name) is not in the file: kept (for a member who left, fill in 离开日期)"))
            }
            for problem in plan.mismatchesAfter { report.append("  ⚠ " + problem.text(common.lang)) }
            let summary = common.t("登记 \(plan.registrations.count) 名，更正 \(plan.corrections.count) 名，未变 \(plan.unchanged.count) 名，文件中没有 \(plan.notInFile.count) 名",
                                   "\(plan.registrations.count) registered, \(plan.corrections.count) corrected, \(plan.unchanged.count) unchanged, \(plan.notInFile.count) not in the file")
            if RosterFile.stopsBeforeWriting(dryRun: input.dryRun, nothingToDo: plan.changes.isEmpty, summary: summary, report: report, common,
                                             matches: common.t("党员名册与文件一致（\(summary)），未写入任何内容。", "the members' roster matches the file (\(summary)); nothing was written.")) {
                return
            }
            let me = try actor.authenticate(opened, common)
            let prefix = "member-import:" + (actor.requestID ?? UUID().uuidString)
            let at = Event.timestamp(Date())
            // Planned again under the lock, against the state with everything others appended,
            // and each event through the one gate.
            let written = try opened.append(events: { market in
                let events = try makePlan(decoded.text, market, today).events(actor: me.name, at: at, keyPrefix: prefix, file: decoded.name)
                for event in events {
                    do throws(LocalizedMessage) {
                        try market.validate(event.body, by: me, today: today)
                    } catch {
                        throw CLIProblem(text: error.text(common.lang))
                    }
                }
                return events
            })
            report.append(RosterFile.written(written.map(\.sequence), summary: summary, common))
            Console.out(report.joined(separator: "\n"))
        } catch {
            throw RosterFile.fail(error, common)
        }
    }

    func makePlan(_ text: String, _ market: MarketState, _ today: SimpleDate) throws(CLIProblem) -> MemberImportPlan {
        try RosterFile.plan(market, file: file, common) { () throws(SeedProblems) in try MemberImport.plan(text: text, market: market, today: today) }
    }
}
