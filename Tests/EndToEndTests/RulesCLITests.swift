import Core
import Foundation
import Testing
import TestSupport

/// Issue 17's found cases, tried as a new user would on `chengxin init --demo`: each is refused
/// with a clear message, and nothing is written.
@Suite("Rules nobody can bend, through the command line")
struct RulesCLITests {
    func pin(_ user: String) throws -> String {
        try #require(DemoHistory.users.first { $0.name == user }?.pin)
    }

    /// The record numbers of the events of `type` whose data has `field` equal to `value`, from `chengxin log --jsonl`.
    func records(_ cli: DomainCLI, type: String, where field: String, is value: String) throws -> [UInt64] {
        try cli.run(["log", "--jsonl"]).output.split(separator: "\n").compactMap { line -> UInt64? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let event = object["event"] as? [String: Any], event["type"] as? String == type,
                  let data = event["data"] as? [String: Any], data[field] as? String == value else { return nil }
            return (object["seq"] as? NSNumber)?.uint64Value
        }
    }

    @Test func theSecretaryWhoOwnsA105CannotInspectOrScoreItAndFutureNoticesAreRefused() throws {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        let seeds = packageRoot.appendingPathComponent("seeds").path
        #expect(try cli.run(["init", "--demo", "--seeds", seeds]).status == 0)
        let log = cli.data + "/events.log"
        let before = try Data(contentsOf: URL(fileURLWithPath: log))
        let inspect = try cli.run(["inspection", "record", "--merchant", "A105", "--pass-all", "--as", "shuji1"], pin: try pin("shuji1"))
        #expect(inspect.status == 1 && inspect.errors.contains("是 A105 的经营者，不能检查自己的店铺（利益冲突）"), "\(inspect.errors)")
        let points = try cli.run(["points", "add", "--merchant", "A105", "--kind", "service", "--points", "40", "--evidence", "义务验光", "--as", "shuji1"], pin: try pin("shuji1"))
        #expect(points.status == 1 && points.errors.contains("利益冲突"), "\(points.errors)")
        let future = try cli.run(["ratings", "publish", "--year", "2027", "--date", "2027-01-10", "--as", "zhuren"], pin: try pin("zhuren"))
        #expect(future.status == 1 && future.errors.contains("晚于今天"), "\(future.errors)")
        let past = try cli.run(["ratings", "publish", "--year", "2025", "--date", "2025-03-01", "--as", "zhuren"], pin: try pin("zhuren"))
        #expect(past.status == 1 && past.errors.contains("早于 30 天前"), "\(past.errors)")
        let reply = try cli.run(["reply", "--merchant", "A101", "--year", "2027", "--text", "接受监督", "--as", "zhuren"], pin: try pin("zhuren"))
        #expect(reply.status == 1 && reply.errors.contains("2027 年度的星级尚未公示"), "\(reply.errors)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: log)) == before, "nothing written")
        // Another shop of his branch he may inspect.
        #expect(try cli.run(["inspection", "record", "--merchant", "A101", "--pass-all", "--as", "shuji1"], pin: try pin("shuji1")).status == 0)
    }

    @Test func anInspectionIsWithdrawnWithASecondAndTheExplanationShowsIt() throws {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        #expect(try cli.run(["init", "--demo", "--seeds", packageRoot.appendingPathComponent("seeds").path]).status == 0)
        let inspections = try records(cli, type: "inspection.recorded", where: "shop", is: "A101")
        let inspection = try #require(inspections.first)
        let proposed = try cli.run(["record", "withdraw", String(inspection), "--reason", "录错了店铺", "--as", "zhuren"], pin: try pin("zhuren"))
        #expect(proposed.status == 0 && proposed.output.contains("须由另一人复核确认"), "\(proposed.errors)")
        let withdrawal = try #require(proposed.output.split(separator: "（#").last?.prefix { $0.isNumber }.description)
        let own = try cli.run(["record", "second", withdrawal, "--as", "zhuren"], pin: try pin("zhuren"))
        #expect(own.status == 1 && own.errors.contains("须由另一人复核确认"))
        #expect(try cli.run(["record", "second", withdrawal, "--as", "fuzhuren"], pin: try pin("fuzhuren")).status == 0)
        let explained = try cli.run(["merchant", "show", "A101", "--explain"]).output
        #expect(explained.contains("记录 #\(inspection) 已撤回（zhuren 提出、fuzhuren 复核确认：录错了店铺）"), "\(explained)")
        // The record itself is still in the log.
        #expect(try cli.run(["log", "--since", String(inspection)]).output.split(separator: "\n").first?.contains("inspection.recorded") == true)
    }

    /// Item 3: a correction replaces a record once seconded; options that do not fit its kind are
    /// refused with nothing written; the explanation and the shop's history show both records.
    @Test func anInspectionIsCorrectedWithASecondAndBothRecordsAreShown() throws {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        #expect(try cli.run(["init", "--demo", "--seeds", packageRoot.appendingPathComponent("seeds").path]).status == 0)
        let inspections = try records(cli, type: "inspection.recorded", where: "shop", is: "A101")
        let inspection = try #require(inspections.last)
        let log = cli.data + "/events.log"
        let before = try Data(contentsOf: URL(fileURLWithPath: log))
        let wrongOption = try cli.run(["record", "correct", String(inspection), "--reason", "漏记一项", "--points", "5", "--as", "zhuren"], pin: try pin("zhuren"))
        #expect(wrongOption.status == 1 && wrongOption.errors.contains("--points 不适用于检查记录"), "\(wrongOption.errors)")
        let noReason = try cli.run(["record", "correct", String(inspection), "--reason", "  ", "--fail", "PRI-1:serious", "--pass-all", "--as", "zhuren"], pin: try pin("zhuren"))
        #expect(noReason.status == 1 && noReason.errors.contains("写明原因"), "\(noReason.errors)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: log)) == before, "nothing written")
        let proposed = try cli.run(["record", "correct", String(inspection), "--reason", "漏记价签问题", "--fail", "PRI-1:serious:价签缺失", "--pass-all", "--as", "zhuren"], pin: try pin("zhuren"))
        #expect(proposed.status == 0 && proposed.output.contains("已提出更正记录 #\(inspection)"), "\(proposed.errors)")
        let correction = try #require(proposed.output.split(separator: "（#").last?.prefix { $0.isNumber }.description)
        let waiting = try cli.run(["merchant", "show", "A101", "--explain"]).output
        #expect(waiting.contains("记录 #\(inspection) 的更正（记录 #\(correction)）由 zhuren 提出，等待另一人复核确认"), "\(waiting)")
        #expect(try cli.run(["record", "second", correction, "--as", "fuzhuren"], pin: try pin("fuzhuren")).status == 0)
        let explained = try cli.run(["merchant", "show", "A101", "--explain"]).output
        #expect(explained.contains("记录 #\(inspection) 已更正为记录 #\(correction)（zhuren 提出、fuzhuren 复核确认：漏记价签问题）"), "\(explained)")
        #expect(explained.contains("[#\(correction)]") && explained.contains("检查不合格（严重）"), "\(explained)")
        // Both records stay in the log: the original and the correction pointing at it.
        let corrected = try cli.run(["log", "--since", correction]).output
        #expect(corrected.split(separator: "\n").first?.contains("record.corrected") == true, "\(corrected)")
    }

    /// A user's account is closed through `record withdraw` on their registration: at once, and
    /// they no longer sign in.
    @Test func aClosedAccountNoLongerSignsIn() throws {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        #expect(try cli.run(["init", "--demo", "--seeds", packageRoot.appendingPathComponent("seeds").path]).status == 0)
        let registration = try #require(try records(cli, type: "user.registered", where: "name", is: "shuji5").first)
        let own = try cli.run(["record", "withdraw", String(registration), "--reason", "调离", "--as", "shuji5"], pin: try pin("shuji5"))
        #expect(own.status == 1 && own.errors.contains("只有市场管理方可以停用用户"), "\(own.errors)")
        let closed = try cli.run(["record", "withdraw", String(registration), "--reason", "调离", "--as", "zhuren"], pin: try pin("zhuren"))
        #expect(closed.status == 0 && closed.output.contains("已撤回记录 #\(registration)") && closed.output.contains("即日生效"), "\(closed.output) \(closed.errors)")
        let after = try cli.run(["inspection", "record", "--merchant", "E101", "--pass-all", "--as", "shuji5"], pin: try pin("shuji5"))
        #expect(after.status == 1, "\(after.output)")
    }
}
