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
}
