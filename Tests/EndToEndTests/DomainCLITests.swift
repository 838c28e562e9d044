import Foundation
import Testing
import TestSupport

/// Runs chengxin with a fixed date and PINs in the environment, as a script or a trainer would.
struct DomainCLI {
    let binary: String
    let data = temporaryPath("domain-data")
    let key = temporaryPath("domain-key") + "/k.key"

    /// The dashboard on this data directory as a tmux pane runs it (the same fixed date as `run`),
    /// with `extra` variables before the binary.
    func dashboardCommand(_ extra: String = "") -> String {
        "env \(extra.isEmpty ? "" : extra + " ")LANG=C.UTF-8 TERM=xterm-256color CHENGXIN_TODAY=2026-03-03 CHENGXIN_DATA=\(data) CHENGXIN_KEY=\(key) \(binary)"
    }

    func run(_ arguments: [String], pin: String? = nil, newPIN: String? = nil) throws -> (status: Int32, output: String, errors: String) {
        var env = ["CHENGXIN_TODAY=2026-03-03", "CHENGXIN_DATA=\(data)", "CHENGXIN_KEY=\(key)", "LANG=C.UTF-8"]
        if let pin { env.append("CHENGXIN_PIN=\(pin)") }
        if let newPIN { env.append("CHENGXIN_NEW_PIN=\(newPIN)") }
        return try runToCompletion(["/usr/bin/env", "-i"] + env + [binary] + arguments)
    }

    /// The same on a terminal of its own (the dashboard and the kiosk need one): its exit status
    /// and what it printed, stdout and stderr together.
    func runInTerminal(_ arguments: [String], pin: String? = nil) throws -> (status: Int32?, output: String) {
        var env = ["CHENGXIN_TODAY=2026-03-03", "CHENGXIN_DATA=\(data)", "CHENGXIN_KEY=\(key)", "LANG=C.UTF-8", "TERM=xterm-256color"]
        if let pin { env.append("CHENGXIN_PIN=\(pin)") }
        let terminal = try PseudoTerminal([binary] + arguments, environment: env)
        let status = terminal.waitForExit(timeout: 30)
        return (status, terminal.text)
    }
}

@Suite("Inspections, points and ratings through the command line")
struct DomainCLITests {
    @Test func pledgesAreMadeAndWithdrawnWithTheirDatesAndTheRecordKept() throws {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.appendingPathComponent("seeds").path]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager", "--display", "李主任"], newPIN: "123456").status == 0)
        #expect(try cli.run(["user", "add", "gu", "--role", "secretary", "--branch", "1", "--as", "li"], pin: "123456", newPIN: "222222").status == 0)
        let outside = try cli.run(["pledge", "add", "--merchant", "B101", "--integrity", "consumer", "--text", "免费清洗眼镜", "--as", "gu"], pin: "222222")
        #expect(outside.status == 1 && outside.errors.contains("只能处理本支部"), "\(outside.errors)")
        let add = ["pledge", "add", "--merchant", "A101", "--integrity", "consumer", "--text", "免费清洗眼镜", "--date", "2026-03-01", "--as", "gu", "--request-id", "p-1"]
        let made = try cli.run(add, pin: "222222")
        #expect(made.status == 0 && made.output.contains("已记录承诺 #"), "\(made.errors)")
        #expect(try cli.run(add, pin: "222222").output == made.output, "a retry is answered from the first record")
        #expect(try cli.run(["merchant", "show", "A101"]).output.contains("[消费诚信] 免费清洗眼镜（2026-03-01 起）"))
        let blank = try cli.run(["pledge", "withdraw", "--merchant", "A101", "--text", "免费清洗眼镜", "--reason", " ", "--as", "li"], pin: "123456")
        #expect(blank.status == 1 && blank.errors.contains("撤回承诺必须写明原因"))
        let withdrawn = try cli.run(["pledge", "withdraw", "--merchant", "A101", "--text", "免费清洗眼镜", "--reason", "改为收费服务", "--as", "li"], pin: "123456")
        #expect(withdrawn.status == 0 && withdrawn.output.contains("原记录保留"), "\(withdrawn.errors)")
        #expect(try cli.run(["merchant", "show", "A101"]).output.contains("免费清洗眼镜（2026-03-01 起）——2026-03-03 撤回：改为收费服务"))
        let log = try cli.run(["log"]).output
        #expect(log.contains("pledge.made") && log.contains("pledge.withdrawn"))
    }

    @Test func aNewCodeOfConductIsPublishedFromAFile() throws {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.appendingPathComponent("seeds").path]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager", "--display", "李主任"], newPIN: "123456").status == 0)
        let shown = try cli.run(["conduct", "show"]).output
        #expect(shown.contains("第 1 版") && shown.contains("检查项：PRI-1、PRI-2、PRI-3"), "\(shown)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("conduct-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: file) }
        try "版本 2，2026-04-01 起施行\n第一条\n第二条\n".write(to: file, atomically: true, encoding: .utf8)
        let short = try cli.run(["conduct", "publish", file.path, "--as", "li"], pin: "123456")
        #expect(short.status == 1 && short.errors.contains("新版只有 2 条"), "\(short.errors)")
        // A file without the version line is named as given, not as the seeds' file.
        try "第一条\n".write(to: file, atomically: true, encoding: .utf8)
        let headless = try cli.run(["conduct", "publish", file.path, "--as", "li"], pin: "123456")
        #expect(headless.status == 1 && headless.errors.contains("\(file.path) 第 1 行应为“版本 N，YYYY-MM-DD 起施行”"), "\(headless.errors)")
        try ("版本 2，2026-04-01 起施行\n" + (1...9).map { "第 \($0) 条" }.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let published = try cli.run(["conduct", "publish", file.path, "--as", "li", "--request-id", "c-2"], pin: "123456")
        #expect(published.status == 0 && published.output.contains("已发布守则第 2 版（9 条，2026-04-01 起施行）"), "\(published.errors)")
        #expect(try cli.run(["conduct", "show"]).output.contains("第 2 版"))
    }

    @Test func newRulesAndChecklistVersionsArePublishedIntoARunningMarket() throws {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.appendingPathComponent("seeds").path]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager", "--display", "李主任"], newPIN: "123456").status == 0)
        #expect(try cli.run(["user", "add", "gu", "--role", "secretary", "--branch", "1", "--as", "li"], pin: "123456", newPIN: "222222").status == 0)
        let shown = try cli.run(["rules", "show"]).output
        #expect(shown.contains("第 1 版，2025-01-01 起生效") && shown.contains("（现行）") && shown.contains("第 2 版，2027-01-01 起生效"), "\(shown)")

        // Version 3 from the seeds' version 2, moved to a year not begun.
        let seeds = try String(contentsOf: packageRoot.appendingPathComponent("seeds/rules.json"), encoding: .utf8)
        let versions = try #require(try JSONSerialization.jsonObject(with: Data(seeds.utf8)) as? [[String: Any]])
        var next = try #require(versions.last)
        next["version"] = 3
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        func write(_ rules: [String: Any]) throws { try JSONSerialization.data(withJSONObject: rules).write(to: file) }
        next["effectiveFrom"] = "2026-12-08"
        try write(next)
        let midYear = try cli.run(["rules", "publish", file.path, "--as", "li"], pin: "123456")
        #expect(midYear.status == 1 && midYear.errors.contains("新规则须从某年 1 月 1 日（评级周期的第一天）起生效，现为 2026-12-08"), "\(midYear.errors)")
        next["effectiveFrom"] = "2026-01-01"
        try write(next)
        let begun = try cli.run(["rules", "publish", file.path, "--as", "li"], pin: "123456")
        #expect(begun.status == 1 && begun.errors.contains("不晚于今天（2026-03-03）：已开始的年度按原规则评级"), "\(begun.errors)")
        next["effectiveFrom"] = "2028-01-01"
        try write(next)
        let bySecretary = try cli.run(["rules", "publish", file.path, "--as", "gu"], pin: "222222")
        #expect(bySecretary.status == 1 && bySecretary.errors.contains("无权进行此操作"), "\(bySecretary.errors)")
        next["version"] = 4
        try write(next)
        let skipped = try cli.run(["rules", "publish", file.path, "--as", "li"], pin: "123456")
        #expect(skipped.status == 1 && skipped.errors.contains("新规则应为第 3 版"), "\(skipped.errors)")
        next["version"] = 3
        next["basePoints"] = 120
        try write(next)
        let invalid = try cli.run(["rules", "publish", file.path, "--as", "li"], pin: "123456")
        #expect(invalid.status == 1 && invalid.errors.contains("basePoints 应在 0 到 100 之间，现为 120"), "\(invalid.errors)")
        next["basePoints"] = 100
        try write(next)
        let published = try cli.run(["rules", "publish", file.path, "--as", "li", "--request-id", "r-3"], pin: "123456")
        #expect(published.status == 0 && published.output.contains("已发布评分规则第 3 版（2028-01-01 起生效"), "\(published.errors)")
        #expect(try cli.run(["rules", "show"]).output.contains("第 3 版，2028-01-01 起生效"))

        // A new checklist: its citations must exist in the code of conduct in force.
        let list = FileManager.default.temporaryDirectory.appendingPathComponent("checklist-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: list) }
        try "编号,类别,检查项,守则条款\nPRI-1,价格诚信,明码标价,99\n".write(to: list, atomically: true, encoding: .utf8)
        let uncited = try cli.run(["checklist", "publish", list.path, "--as", "li"], pin: "123456")
        #expect(uncited.status == 1 && uncited.errors.contains("检查项 PRI-1 引用守则第 99 条"), "\(uncited.errors)")
        try "编号,类别,检查项\nPRI-1,价格,明码标价\n".write(to: list, atomically: true, encoding: .utf8)
        let badCategory = try cli.run(["checklist", "publish", list.path, "--as", "li"], pin: "123456")
        #expect(badCategory.status == 1 && badCategory.errors.contains("\(list.path) 第 2 行：类别应为亮身份或四个诚信之一"), "\(badCategory.errors)")
        try "编号,类别,检查项,守则条款\nPRI-1,价格诚信,明码标价，一货一签,2\nQUA-1,质量诚信,进货票据齐全,\n".write(to: list, atomically: true, encoding: .utf8)
        let checklist = try cli.run(["checklist", "publish", list.path, "--as", "li", "--request-id", "c-2"], pin: "123456")
        #expect(checklist.status == 0 && checklist.output.contains("已发布检查清单新版本（2 项）"), "\(checklist.errors)")
        let current = try cli.run(["checklist", "show"]).output
        #expect(current.contains("检查清单第 2 版（2 项）") && current.contains("PRI-1  [价格诚信] 明码标价，一货一签（守则第 2 条）"), "\(current)")
    }

    @Test func inspectionChangesTheStarsAndTheExplanationNamesEveryEvent() throws {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.appendingPathComponent("seeds").path]).status == 0)
        // The first user is a market manager; then a secretary of branch 1.
        #expect(try cli.run(["user", "add", "gu", "--role", "secretary", "--branch", "1"], newPIN: "222222").errors.contains("第一个用户必须是市场管理方"))
        #expect(try cli.run(["user", "add", "li", "--role", "manager", "--display", "李主任"], newPIN: "123456").status == 0)
        #expect(try cli.run(["user", "add", "gu", "--role", "secretary", "--branch", "1", "--as", "li"], pin: "123456", newPIN: "222222").status == 0)
        #expect(try cli.run(["user", "add", "desk1", "--role", "kiosk", "--as", "gu"], pin: "222222", newPIN: "333333").errors.contains("无权进行此操作"))

        // A secretary outside their branch is refused, and nothing is recorded.
        let before = try cli.run(["log"]).output
        let outside = try cli.run(["inspection", "record", "--merchant", "B101", "--pass-all", "--as", "gu"], pin: "222222")
        #expect(outside.status == 1)
        #expect(outside.errors.contains("第 1 支部书记只能为本支部的商户记录检查（该商户属于第 2 支部）"))
        let wrongPIN = try cli.run(["inspection", "record", "--merchant", "A101", "--pass-all", "--as", "gu"], pin: "999999")
        #expect(wrongPIN.status == 1 && wrongPIN.errors.contains("PIN 不正确"))
        // Nothing is recorded but the failure itself (docs/privacy.md).
        let after = try cli.run(["log"]).output
        #expect(after.hasPrefix(before) && after.dropFirst(before.count).split(separator: "\n").count == 1)
        #expect(after.dropFirst(before.count).contains("unauthenticated  auth.failed"))

        let inspected = try cli.run(["inspection", "record", "--merchant", "A101", "--pass-all", "--fail", "PRI-1:serious:未明码标价",
                                     "--date", "2026-03-02", "--as", "gu", "--request-id", "ins-1"], pin: "222222")
        #expect(inspected.status == 0)
        #expect(inspected.output.contains("1 项不合格"))
        #expect(inspected.output.contains("整改：PRI-1（严重）期限 2026-03-09"))
        #expect(inspected.output.contains("当前星级：★☆☆☆☆（1 星，得分 55）"))
        // The same request again is not recorded twice, and is answered as the first time.
        let retry = try cli.run(["inspection", "record", "--merchant", "A101", "--pass-all", "--fail", "PRI-1:serious:未明码标价",
                                 "--date", "2026-03-02", "--as", "gu", "--request-id", "ins-1"], pin: "222222")
        #expect(retry.status == 0 && retry.output == inspected.output)
        #expect(retry.errors.contains("重试：这项请求（同一 --request-id）已记录为 #"))
        // Every write command answers a retry the same way, from the original record.
        let logBefore = try cli.run(["log"]).output
        for command in [["points", "add", "--merchant", "A101", "--kind", "service", "--points", "5", "--evidence", "义务验光", "--as", "gu"],
                        ["inspection", "record", "--merchant", "A102", "--pass-all", "--date", "2026-03-02", "--as", "gu"]] {
            let first = try cli.run(command + ["--request-id", "retry-\(command[0])"], pin: "222222")
            let again = try cli.run(command + ["--request-id", "retry-\(command[0])"], pin: "222222")
            #expect(first.status == 0 && !first.output.contains("#0"))
            #expect(again.status == 0 && again.output == first.output, "\(command[0])")
        }
        #expect(try cli.run(["log"]).output.split(separator: "\n").count == logBefore.split(separator: "\n").count + 2)
        // A reply to a rating that has not been published is refused, and nothing is written.
        let reply = try cli.run(["reply", "--merchant", "A101", "--year", "2026", "--text", "接受监督", "--as", "gu"], pin: "222222")
        #expect(reply.status == 1 && reply.errors.contains("2026 年度的星级尚未公示，没有可回应的评定"), "\(reply.errors)")
        #expect(try cli.run(["log"]).output.split(separator: "\n").count == logBefore.split(separator: "\n").count + 2)

        let added = try cli.run(["points", "add", "--merchant", "A101", "--kind", "service", "--points", "40", "--evidence", "义务验光四十次", "--as", "gu"], pin: "222222")
        #expect(added.status == 0)
        let entry = try #require(added.output.split(separator: "#").dropFirst().first?.prefix { $0.isNumber })
        #expect(try cli.run(["points", "approve", String(entry), "--as", "gu"], pin: "222222").errors.contains("须由登记人以外的人审批"))
        #expect(try cli.run(["points", "approve", String(entry), "--as", "li"], pin: "123456").status == 0)

        let shown = try cli.run(["merchant", "show", "A101", "--explain"])
        #expect(shown.status == 0)
        #expect(shown.output.contains("2026 年度星级：★★★★★"))
        #expect(shown.output.contains("+60  基础分 [#2]"))
        #expect(shown.output.contains("-5   2026-03-02 检查不合格（严重）：PRI-1"))
        #expect(shown.output.contains("+40  贡献分 比服务 2026-03-03：义务验光四十次（gu 登记，li 审批）"))
        #expect(shown.output.contains("得分 95 → 5 星（≥90）"))
        let list = try cli.run(["merchant", "list", "--stars", "5", "--format", "csv"]).output.split(separator: "\n")
        #expect(list.count == 2 && list[1].hasPrefix("A101,"))
        #expect(try cli.run(["verify"]).status == 0)
    }

    @Test func aComplaintFromTheKioskToClosedWithoutLeakingPersonalData() throws {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.appendingPathComponent("seeds").path]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager"], newPIN: "123456").status == 0)
        #expect(try cli.run(["user", "add", "desk1", "--role", "kiosk", "--as", "li"], pin: "123456", newPIN: "555555").status == 0)

        let hostile = "镜片有划痕\u{1B}[2J\u{202E}，要求换货"
        let filed = try cli.run(["complaint", "file", "--merchant", "A101", "--category", "quality", "--integrity", "quality",
                                 "--text", hostile, "--amount", "680.50", "--name", "张三丰", "--phone", "13812341234",
                                 "--wants", "exchange", "--as", "desk1"], pin: "555555")
        #expect(filed.status == 0, "\(filed.errors)")
        let receipt = try #require(filed.output.split(separator: "\n").first?.split(separator: "：").last.map(String.init))
        #expect(receipt.count == 9)
        #expect(filed.output.contains("最迟 2026-03-12 前答复是否受理"))
        // Stored faithfully: the log keeps the escape and the bidi override (JSON-escaped).
        let log = try cli.run(["log", "--jsonl"]).output
        #expect(log.contains(#"\u001b[2J\u202e，要求换货"#))
        // Shown sanitised: no raw control character reaches the output.
        let plain = try cli.run(["log"]).output
        #expect(!plain.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })

        let refused = try cli.run(["complaint", "update", receipt, "accept", "--as", "desk1"], pin: "555555")
        #expect(refused.status == 1 && refused.errors.contains("服务台不能处理投诉"))
        for (step, extra) in [("accept", [String]()), ("mediate", []), ("resolve", ["--outcome", "更换镜片", "--amount", "0", "--upheld", "yes"]),
                              ("follow-up", ["--satisfaction", "satisfied"]), ("close", [])] {
            let result = try cli.run(["complaint", "update", receipt, step, "--as", "li"] + extra, pin: "123456")
            #expect(result.status == 0, "\(step): \(result.errors)")
        }
        let status = try cli.run(["complaint", "status", receipt.lowercased().replacingOccurrences(of: "-", with: "")])
        #expect(status.status == 0)
        #expect(status.output.contains("当前状态：已办结"))
        #expect(status.output.contains("调解解决（属实）：更换镜片"))
        #expect(status.output.contains("回访：满意"))
        #expect(!status.output.contains("张三丰") && !status.output.contains("13812341234") && !status.output.contains("1381"))
        let unknown = try cli.run(["complaint", "status", "AAAA-BBBB"])
        #expect(unknown.status == 1 && unknown.errors.contains("没有受理编号为 AAAA-BBBB 的投诉"))
        let badAmount = try cli.run(["complaint", "file", "--category", "price", "--integrity", "price", "--text", "价格不符", "--amount", "12.345", "--as", "desk1"], pin: "555555")
        #expect(badAmount.status == 1 && badAmount.errors.contains("--amount 的值「") && badAmount.errors.contains("」不是有效的金额"))
    }

    @Test func aResolutionSaysWhetherTheComplaintWasUpheldAndOnlyAnUpheldOneCostsPoints() throws {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.appendingPathComponent("seeds").path]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager"], newPIN: "123456").status == 0)
        #expect(try cli.run(["user", "add", "zhou", "--role", "manager", "--as", "li"], pin: "123456", newPIN: "654321").status == 0)
        #expect(try cli.run(["user", "add", "desk1", "--role", "kiosk", "--as", "li"], pin: "123456", newPIN: "555555").status == 0)
        func file() throws -> String {
            let filed = try cli.run(["complaint", "file", "--merchant", "A101", "--category", "quality", "--integrity", "quality",
                                     "--text", "镜片有划痕", "--as", "desk1"], pin: "555555")
            #expect(filed.status == 0, "\(filed.errors)")
            return try #require(filed.output.split(separator: "\n").first?.split(separator: "：").last.map(String.init))
        }
        let untrue = try file()
        #expect(try cli.run(["complaint", "update", untrue, "accept", "--as", "li"], pin: "123456").status == 0)

        // Without --upheld, or with anything but yes or no, resolve is refused and nothing is written.
        let before = try cli.run(["log"]).output
        let missing = try cli.run(["complaint", "update", untrue, "resolve", "--outcome", "商户道歉", "--as", "li"], pin: "123456")
        #expect(missing.status == 1 && missing.errors == "chengxin: 调解解决需要 --upheld：yes（投诉属实）或 no（投诉不属实）\n", "\(missing.errors)")
        let english = try cli.run(["complaint", "update", untrue, "resolve", "--outcome", "商户道歉", "--lang", "en", "--as", "li"], pin: "123456")
        #expect(english.status == 1 && english.errors.contains("resolve needs --upheld"), "\(english.errors)")
        let bad = try cli.run(["complaint", "update", untrue, "resolve", "--outcome", "商户道歉", "--upheld", "maybe", "--as", "li"], pin: "123456")
        #expect(bad.status == 1 && bad.errors.contains("--upheld 的值「maybe」无效，应为 yes 或 no"), "\(bad.errors)")
        #expect(try cli.run(["log"]).output == before)

        let resolved = try cli.run(["complaint", "update", untrue, "resolve", "--outcome", "经核实划痕系顾客自行造成", "--upheld", "no", "--as", "li"], pin: "123456")
        #expect(resolved.status == 0, "\(resolved.errors)")
        #expect(try cli.run(["log", "--jsonl"]).output.contains(#""outcome":"经核实划痕系顾客自行造成","upheld":false}"#))
        let status = try cli.run(["complaint", "status", untrue])
        #expect(status.output.contains("当前状态：已调解解决") && status.output.contains("调解解决（不属实）：经核实划痕系顾客自行造成"), "\(status.output)")
        #expect(try cli.run(["complaint", "status", untrue, "--lang", "en"]).output.contains("resolve (not upheld): 经核实划痕系顾客自行造成"))

        // A complaint found untrue proposes no deduction: someone else's confirmation is refused, nothing written.
        let beforeConfirm = try cli.run(["log"]).output
        let refused = try cli.run(["complaint", "confirm-deduction", untrue, "--severity", "minor", "--as", "zhou"], pin: "654321")
        #expect(refused.status == 1 && refused.errors.contains("投诉 \(untrue) 调解解决时认定不属实") && refused.errors.contains("不能确认扣分"), "\(refused.errors)")
        #expect(try cli.run(["log"]).output == beforeConfirm)

        // One found true (属实 accepted as typed) is deducted once someone other than its handler confirms it.
        let upheld = try file()
        for (step, extra) in [("accept", [String]()), ("resolve", ["--outcome", "退款", "--upheld", "属实"])] {
            #expect(try cli.run(["complaint", "update", upheld, step, "--as", "li"] + extra, pin: "123456").status == 0, "\(step)")
        }
        #expect(try cli.run(["complaint", "status", upheld]).output.contains("调解解决（属实）：退款"))
        #expect(try cli.run(["complaint", "confirm-deduction", upheld, "--severity", "minor", "--as", "zhou"], pin: "654321").status == 0)

        // The export lists the finding beside the outcome.
        // (CSV lines end in CR LF, for Excel.)
        let export = try cli.run(["export", "complaints", "--format", "csv"]).output.components(separatedBy: "\r\n")
        #expect(export.first?.contains("调解结果,是否属实,调解金额（元）") == true)
        #expect(export.contains { $0.hasPrefix(untrue + ",") && $0.contains(",经核实划痕系顾客自行造成,否,") })
        #expect(export.contains { $0.hasPrefix(upheld + ",") && $0.contains(",退款,是,") })
        #expect(try cli.run(["verify"]).status == 0)
    }

    @Test func vetoPublicationAppealAndReply() throws {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.appendingPathComponent("seeds").path]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager"], newPIN: "123456").status == 0)
        #expect(try cli.run(["user", "add", "zhou", "--role", "manager"], newPIN: "654321").status == 1, "a second manager needs --as")
        #expect(try cli.run(["user", "add", "zhou", "--role", "manager", "--as", "li"], pin: "123456", newPIN: "654321").status == 0)
        #expect(try cli.run(["user", "add", "gu", "--role", "secretary", "--branch", "1", "--as", "li"], pin: "123456", newPIN: "222222").status == 0)
        #expect(try cli.run(["inspection", "record", "--merchant", "A101", "--pass-all", "--date", "2026-03-02", "--as", "li"], pin: "123456").status == 0)

        let refused = try cli.run(["veto", "confirm", "--merchant", "A101", "--kind", "counterfeit", "--reason", "售假", "--as", "gu"], pin: "222222")
        #expect(refused.status == 1 && refused.errors.contains("无权进行此操作"))
        // The evidence: the inspection that found it; a second manager (sun) seconds it.
        let evidence = try #require(try cli.run(["log"]).output.split(separator: "\n").last { $0.contains("inspection.recorded") }?.split(separator: " ").first.map(String.init))
        let noEvidence = try cli.run(["veto", "confirm", "--merchant", "A101", "--kind", "counterfeit", "--reason", "查实销售假冒镜架", "--as", "li"], pin: "123456")
        #expect(noEvidence.status == 1 && noEvidence.errors.contains("需要证据"))
        let confirmed = try cli.run(["veto", "confirm", "--merchant", "A101", "--kind", "counterfeit", "--reason", "查实销售假冒镜架", "--evidence", evidence, "--as", "li"], pin: "123456")
        #expect(confirmed.status == 0 && confirmed.output.contains("须由另一位市场管理方复核确认"))
        let veto = try #require(confirmed.output.split(separator: "#").last?.prefix { $0.isNumber }.description)
        #expect(!(try cli.run(["merchant", "show", "A101", "--explain"]).output.contains("一票否决（售假")), "not yet seconded")
        #expect(try cli.run(["veto", "second", veto, "--as", "li"], pin: "123456").status == 1, "not by who confirmed it")
        #expect(try cli.run(["user", "add", "sun", "--role", "manager", "--as", "li"], pin: "123456", newPIN: "777777").status == 0)
        #expect(try cli.run(["veto", "second", veto, "--as", "sun"], pin: "777777").status == 0)
        #expect(try cli.run(["merchant", "show", "A101", "--explain"]).output.contains("一票否决（售假，2026-03-03）：定为 1 星"))

        let early = try cli.run(["appeal", "file", "--merchant", "A101", "--year", "2026", "--reason", "不服", "--as", "gu"], pin: "222222")
        #expect(early.status == 1 && early.errors.contains("尚未公示"))
        #expect(try cli.run(["ratings", "publish", "--year", "2026", "--as", "li"], pin: "123456").status == 0)
        let filed = try cli.run(["appeal", "file", "--merchant", "A101", "--year", "2026", "--reason", "否决依据不足", "--as", "gu"], pin: "222222")
        #expect(filed.status == 0)
        let appeal = try #require(filed.output.split(separator: "#").last?.prefix { $0.isNumber })
        #expect(try cli.run(["merchant", "list", "--format", "csv"]).output.contains("A101,鉴明镜架批发部,高娟,1,党员示范岗,★☆☆☆☆ 一票否决 复核中"))
        // li inspected A101: involved, so zhou decides.
        let involved = try cli.run(["appeal", "decide", String(appeal), "--outcome", "upheld", "--reason", "证据充分", "--as", "li"], pin: "123456")
        #expect(involved.status == 1 && involved.errors.contains("利害关系人"))
        #expect(try cli.run(["appeal", "decide", String(appeal), "--outcome", "upheld", "--reason", "证据充分", "--as", "zhou"], pin: "654321").status == 0)
        #expect(try cli.run(["reply", "--merchant", "A101", "--year", "2026", "--text", "已停售涉事商品，接受监督", "--as", "gu"], pin: "222222").status == 0)
        let shown = try cli.run(["merchant", "show", "A101"]).output
        #expect(shown.contains("商户回应：已停售涉事商品，接受监督"))
        #expect(!shown.contains("复核中"))
    }
}
