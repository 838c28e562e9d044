import Core
import Foundation
import Storage
import Testing
import TestSupport

/// Issue 20, requirement 3 through the command line: a panel named, entries made and approved by
/// majority, a member's ledger explained, the appraisal sheet written.
@Suite("Members' points through the command line")
struct MemberPointsCLITests {
    /// A training directory with a manager (li), branch 1's secretary (gu, member T1-01) and five
    /// members of branch 1 — recorded straight into the log, as the roster import will.
    func market() throws -> DomainCLI {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.appendingPathComponent("seeds").path]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager", "--display", "李主任"], newPIN: "123456").status == 0)
        #expect(try cli.run(["user", "add", "gu", "--role", "secretary", "--branch", "1", "--as", "li"], pin: "123456", newPIN: "222222").status == 0)
        let store = try Writer.open(StorageOptions(data: cli.data, key: cli.key, language: .zh))
        let joined = try #require(SimpleDate(iso: "2010-07-01"))
        let members = [
            Member(id: "T1-01", name: "顾书记", branch: 1, joined: joined, role: .secretary, shops: ["A105"], user: "gu"),
            Member(id: "T1-02", name: "张三", branch: 1, joined: joined, role: .member, shops: ["A101"]),
            Member(id: "T1-03", name: "李四", branch: 1, joined: joined, role: .committee),
            Member(id: "T1-04", name: "王五", branch: 1, joined: joined, role: .member, shops: ["A101"]),
            Member(id: "T1-05", name: "赵六", branch: 1, joined: joined, role: .member),
        ]
        _ = try store.append(members.map { Event(actor: "system", at: "2026-03-01T00:00:00Z", key: "test:member:\($0.id)", body: .memberRegistered($0)) })
        return cli
    }

    @Test func aPanelApprovesEntriesByMajorityAndTheLedgerExplainsThem() throws {
        let cli = try market()
        let byGu = try cli.run(["panel", "name", "--branch", "1", "--members", "T1-01,T1-03,T1-04", "--as", "gu"], pin: "222222")
        #expect(byGu.status == 1 && byGu.errors.contains("考评小组由市场管理方（党委）组建"), "\(byGu.errors)")
        let named = try cli.run(["panel", "name", "--branch", "1", "--members", "T1-01,T1-03,T1-04", "--as", "li", "--request-id", "panel-1"], pin: "123456")
        #expect(named.status == 0 && named.output.contains("已组建第 1 支部 2026 年度考评小组") && named.output.contains("过半数 2 人"), "\(named.errors)")
        #expect(try cli.run(["panel", "show", "--branch", "1"]).output.contains("T1-03 李四 支委委员"))

        let selfEntry = try cli.run(["points", "contribute", "--member", "T1-01", "--kind", "service", "--points", "5", "--evidence", "义务验光", "--as", "gu"], pin: "222222")
        #expect(selfEntry.status == 1 && selfEntry.errors.contains("不能为自己登记积分"), "\(selfEntry.errors)")
        let entered = try cli.run(["points", "contribute", "--member", "T1-02", "--kind", "service", "--points", "12", "--evidence", "义务验光 12 次", "--as", "gu"], pin: "222222")
        #expect(entered.status == 0 && entered.output.contains("已登记贡献分 #"), "\(entered.errors)")
        let entry = try #require(entered.output.split(separator: "#").dropFirst().first?.prefix { $0.isNumber }).description
        let deducted = try cli.run(["points", "deduct", "--member", "T1-02", "--item", "dues-late", "--reason", "二月党费逾期", "--date", "2026-03-02", "--as", "li"], pin: "123456")
        #expect(deducted.status == 0 && deducted.output.contains("已登记扣分 #"), "\(deducted.errors)")

        // 王五 co-owns A101 with 张三; 顾 entered the entry; 李四's vote is recorded by the manager; 顾 approves as himself.
        let coOwner = try cli.run(["points", "approve", entry, "--member", "T1-04", "--as", "li"], pin: "123456")
        #expect(coOwner.status == 1 && coOwner.errors.contains("王五与张三共同经营 A101"), "\(coOwner.errors)")
        let own = try cli.run(["points", "approve", entry, "--as", "gu"], pin: "222222")
        #expect(own.status == 1 && own.errors.contains("顾书记登记了第 \(entry) 条积分，不能自己审批"), "\(own.errors)")
        let first = try cli.run(["points", "approve", entry, "--member", "T1-03", "--as", "li"], pin: "123456")
        #expect(first.status == 0 && first.output.contains("尚未过半数，暂不计入"), "\(first.output)\(first.errors)")
        var ledger = try cli.run(["points", "ledger", "--member", "T1-02"]).output
        #expect(ledger.contains("2026 年度党员积分：60 分，基本合格") && ledger.contains("待审批：1/2 人同意，不计"), "\(ledger)")

        let store = try Writer.open(StorageOptions(data: cli.data, key: cli.key, language: .zh))
        #expect(store.market.ledgerEntry(UInt64(entry) ?? 0) != nil)
        // A panel member without an account: the manager records the second vote.
        _ = try cli.run(["panel", "name", "--branch", "1", "--members", "T1-01,T1-03,T1-05", "--as", "li"], pin: "123456")
        let second = try cli.run(["points", "approve", entry, "--member", "T1-05", "--as", "li", "--lang", "en"], pin: "123456")
        #expect(second.status == 0 && second.output.contains("the panel's majority has approved it; it counts"), "\(second.output)\(second.errors)")
        ledger = try cli.run(["points", "ledger", "--member", "T1-02", "--year", "2026"]).output
        #expect(ledger.contains("2026 年度党员积分：72 分，基本合格") && ledger.contains("+12") && ledger.contains("计入：考评小组"), "\(ledger)")
        #expect(ledger.contains("扣分 党费未按期缴纳 ×1 2026-03-02：二月党费逾期") && ledger.contains("待审批：0/2 人同意，不计"), "\(ledger)")

        // The appraisal sheet, both formats.
        let folder = temporaryPath("appraisal")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let md = try cli.run(["report", "appraisal", "--branch", "1", "--year", "2026", "--format", "md", "--out", folder + "/b1.md"])
        #expect(md.status == 0 && md.output.contains("已写入第 1 支部 2026 年度民主评议表"), "\(md.errors)")
        let sheet = try String(contentsOfFile: folder + "/b1.md", encoding: .utf8)
        #expect(sheet.contains("# 眼镜城第一党支部（镜架区） 2026 年度党员积分及民主评议表"), "\(sheet)")
        #expect(sheet.contains("| T1-02 | 张三 | 党员 | 60 | 0 | 0 | 12 | 0 | 72 | 基本合格 | 1 |  |"), "\(sheet)")
        #expect(sheet.contains("考评小组成员签字") && sheet.contains("日志链头"), "\(sheet)")
        #expect(try cli.run(["report", "appraisal", "--branch", "1", "--format", "html", "--out", folder + "/b1.html"]).status == 0)
        #expect(try String(contentsOfFile: folder + "/b1.html", encoding: .utf8).contains("<td class=\"num\">72</td>"))
        let noBranch = try cli.run(["report", "appraisal", "--format", "md", "--out", folder + "/x.md"])
        #expect(noBranch.status == 2 && noBranch.errors.contains("appraisal 需要 --branch N"), "\(noBranch.errors)")
    }
}
