import Foundation
import Testing
import TestSupport

/// Issue 17, items 9–11 through the command line: request ids bound to user and content, limits
/// on typed text, invalid UTF-8 and blank names refused, full-width codes folded, prompts
/// sanitised, and a fixed clock only on training data. Every refusal leaves the log unchanged.
@Suite("Requests, typed input and the training clock through the command line")
struct RequestAndInputTests {
    /// A training data directory with two managers (li/1234, wang/4321).
    static func prepared() throws -> DomainCLI {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.appendingPathComponent("seeds").path]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager"], newPIN: "123456").status == 0)
        #expect(try cli.run(["user", "add", "wang", "--role", "manager", "--as", "li"], pin: "123456", newPIN: "654321").status == 0)
        return cli
    }

    static let complaint = ["complaint", "file", "--merchant", "A101", "--category", "price", "--integrity", "price"]

    @Test func aRetryAnswersWithTheOriginalReceiptAndAnyOtherUseOfTheIdIsRefused() throws {
        let cli = try Self.prepared()
        let first = try cli.run(Self.complaint + ["--text", "标价与收费不符", "--as", "li", "--request-id", "r-1"], pin: "123456")
        #expect(first.status == 0 && first.output.hasPrefix("受理编号："))
        let log = try cli.run(["log"]).output

        // The same user, the same content: the first answer again, word for word; nothing written.
        let retry = try cli.run(Self.complaint + ["--text", "标价与收费不符", "--as", "li", "--request-id", "r-1"], pin: "123456")
        #expect(retry.status == 0)
        #expect(retry.output == first.output)
        #expect(retry.errors.hasPrefix("chengxin: 重试：这项请求（同一 --request-id）已记录为 #"))
        #expect(try cli.run(["log"]).output == log)

        // Other content, another user, another kind of request under the same id: refused, nothing written.
        let otherText = try cli.run(Self.complaint + ["--text", "另一件事", "--as", "li", "--request-id", "r-1"], pin: "123456")
        #expect(otherText.status == 1)
        #expect(otherText.errors.contains("这个 --request-id 已用于另一项请求（记录 #"))
        let otherUser = try cli.run(Self.complaint + ["--text", "标价与收费不符", "--as", "wang", "--request-id", "r-1", "--lang", "en"], pin: "654321")
        #expect(otherUser.status == 1)
        #expect(otherUser.errors.contains("this --request-id was used for another request"))
        let otherKind = try cli.run(["reply", "--merchant", "A101", "--year", "2026", "--text", "接受监督", "--as", "li", "--request-id", "r-1"], pin: "123456")
        #expect(otherKind.status == 1)
        #expect(try cli.run(["log"]).output == log)
    }

    /// Every write command that takes --request-id, once each; then each again with its id.
    @Test func everyWriteCommandAnswersARetryAsItAnsweredTheFirstTime() throws {
        let cli = try Self.prepared()
        #expect(try cli.run(["user", "add", "zhou", "--role", "manager", "--as", "li"], pin: "123456", newPIN: "777777").status == 0)
        /// Runs a request the first time; remembers it to be retried at the end.
        var requests: [(arguments: [String], pin: String, newPIN: String?, id: String, output: String)] = []
        func first(_ arguments: [String], id: String, pin: String, newPIN: String? = nil) throws -> String {
            let run = try cli.run(arguments + ["--request-id", id], pin: pin, newPIN: newPIN)
            #expect(run.status == 0, "\(arguments): \(run.errors)")
            requests.append((arguments, pin, newPIN, id, run.output))
            return run.output
        }
        /// A record number from an answer ("…#12…").
        func number(_ output: String) throws -> String {
            try #require(output.split(separator: "#").dropFirst().first.map { String($0.prefix { $0.isNumber }) })
        }
        func unrecorded(_ arguments: [String], pin: String) throws -> String {
            let run = try cli.run(arguments, pin: pin)
            #expect(run.status == 0, "\(arguments): \(run.errors)")
            return run.output
        }

        let user = try first(["user", "add", "gu", "--role", "secretary", "--branch", "1", "--as", "li"], id: "t-user", pin: "123456", newPIN: "222222")
        #expect(user.hasPrefix("已添加用户 gu（第 1 支部书记），记录 #"))
        let inspection = try first(["inspection", "record", "--merchant", "A101", "--pass-all", "--fail", "PRI-1:serious:未明码标价", "--date", "2026-03-02", "--as", "li"],
                                   id: "t-inspection", pin: "123456")
        #expect(inspection.contains("整改：PRI-1（严重）期限 2026-03-09\n") && inspection.hasSuffix("当前星级：★☆☆☆☆（1 星，得分 55）\n"))
        let entry = try number(try first(["points", "add", "--merchant", "A101", "--kind", "service", "--points", "5", "--evidence", "义务验光", "--as", "gu"],
                                         id: "t-points", pin: "222222"))
        _ = try first(["points", "approve", entry, "--as", "li"], id: "t-approve", pin: "123456")
        let complaint = try first(Self.complaint + ["--text", "标价与收费不符", "--as", "li"], id: "t-complaint", pin: "123456")
        let receipt = try #require(complaint.split(separator: "\n").first?.split(separator: "：").last.map(String.init))
        let duplicate = try #require(try unrecorded(Self.complaint + ["--text", "同一件事", "--as", "li"], pin: "123456")
            .split(separator: "\n").first?.split(separator: "：").last.map(String.init))
        #expect(try first(["complaint", "update", receipt, "accept", "--as", "li"], id: "t-accept", pin: "123456") == "投诉 \(receipt) 现为：已受理\n")
        _ = try unrecorded(["complaint", "update", receipt, "mediate", "--as", "li"], pin: "123456")
        _ = try unrecorded(["complaint", "update", receipt, "resolve", "--outcome", "退还差价", "--upheld", "yes", "--as", "li"], pin: "123456")
        _ = try first(["complaint", "confirm-deduction", receipt, "--severity", "minor", "--as", "wang"], id: "t-deduction", pin: "654321")
        _ = try first(["complaint", "link", duplicate, "--duplicate-of", receipt, "--as", "li"], id: "t-link", pin: "123456")
        let proposed = try first(["record", "withdraw", entry, "--reason", "录错了店铺", "--as", "li"], id: "t-withdraw", pin: "123456")
        let withdrawal = try #require(proposed.components(separatedBy: "chengxin record second ").dropFirst().first.map { String($0.prefix { $0.isNumber }) })
        _ = try first(["record", "second", withdrawal, "--as", "wang"], id: "t-withdraw-second", pin: "654321")
        let evidence = try #require(try cli.run(["log"]).output.split(separator: "\n").last { $0.hasSuffix(":t-inspection") }?.split(separator: " ").first.map(String.init))
        #expect(try first(["record", "correct", evidence, "--reason", "严重程度录错", "--fail", "PRI-1:minor:未明码标价", "--pass-all", "--as", "li"], id: "t-correct", pin: "123456")
            .hasPrefix("已提出更正记录 #\(evidence)（#"))
        let veto = try number(try first(["veto", "confirm", "--merchant", "A101", "--kind", "counterfeit", "--reason", "查实销售假冒镜架", "--evidence", evidence, "--as", "li"],
                                        id: "t-veto", pin: "123456"))
        #expect(try first(["veto", "second", veto, "--as", "wang", "--lang", "en"], id: "t-veto-second", pin: "654321") == "seconded veto #\(veto); it now counts\n")
        _ = try first(["ratings", "publish", "--year", "2026", "--as", "li"], id: "t-ratings", pin: "123456")
        let appeal = try number(try first(["appeal", "file", "--merchant", "A101", "--year", "2026", "--reason", "否决依据不足", "--as", "gu"], id: "t-appeal", pin: "222222"))
        _ = try first(["appeal", "decide", appeal, "--outcome", "upheld", "--reason", "证据充分", "--as", "zhou"], id: "t-decision", pin: "777777")
        _ = try first(["reply", "--merchant", "A101", "--year", "2026", "--text", "接受监督", "--as", "gu"], id: "t-reply", pin: "222222")
        #expect(requests.count == 17)

        // Since then the shop has been vetoed and the complaint handled: the retries answer as
        // the first time all the same — the rating and the complaint's state as they were then.
        #expect(try cli.run(["merchant", "show", "A101"]).output.contains("一票否决"))
        let log = try cli.run(["log"]).output
        for request in requests {
            let sequence = try #require(log.split(separator: "\n").first { $0.hasSuffix(":" + request.id) }?.split(separator: " ").first)
            let retry = try cli.run(request.arguments + ["--request-id", request.id], pin: request.pin, newPIN: request.newPIN)
            #expect(retry.status == 0, "\(request.arguments)")
            #expect(retry.output == request.output, "\(request.arguments)")
            let note = request.arguments.contains("en")
                ? "a retry: this request (same --request-id) is record #\(sequence) already; the answer above is the original one, and nothing was recorded twice"
                : "重试：这项请求（同一 --request-id）已记录为 #\(sequence)，以上是当时的回答，未重复记录"
            #expect(retry.errors == "chengxin: \(note)\n", "\(request.arguments)")
        }
        #expect(try cli.run(["log"]).output == log, "nothing recorded twice")

        // The same id with other content, by another user, or for another command: refused, nothing written.
        for (arguments, pin) in [(["inspection", "record", "--merchant", "A101", "--pass-all", "--fail", "PRI-1:minor:未明码标价", "--date", "2026-03-02",
                                   "--as", "li", "--request-id", "t-inspection"], "123456"),
                                 (["reply", "--merchant", "A101", "--year", "2026", "--text", "另一段回应", "--as", "gu", "--request-id", "t-reply"], "222222"),
                                 (["reply", "--merchant", "A101", "--year", "2026", "--text", "接受监督", "--as", "li", "--request-id", "t-reply"], "123456"),
                                 (["veto", "second", veto, "--as", "zhou", "--request-id", "t-veto-second"], "777777"),
                                 (["points", "approve", entry, "--as", "li", "--request-id", "t-user"], "123456")] {
            let refused = try cli.run(arguments, pin: pin)
            #expect(refused.status == 1, "\(arguments)")
            #expect(refused.output.isEmpty && refused.errors.contains("这个 --request-id 已用于另一项请求（记录 #"), "\(arguments): \(refused.errors)")
        }
        #expect(try cli.run(["log"]).output == log, "nothing written")
    }

    @Test func freeTextIsLimitedInCharactersAndInBytesAtTheBoundary() throws {
        let cli = try Self.prepared()
        let log = try cli.run(["log"]).output
        func file(_ text: String) throws -> (status: Int32, output: String, errors: String) {
            try cli.run(Self.complaint + ["--text", text, "--as", "li"], pin: "123456")
        }
        // 5,001 characters (code points) is one too many; nothing is written.
        let tooMany = try file(String(repeating: "长", count: 5001))
        #expect(tooMany.status == 1)
        #expect(tooMany.errors.contains("投诉内容过长：5001 个字符，最多 5000 个"))
        // 3,751 four-byte characters: within 5,000 characters, 15,004 bytes.
        let tooHeavy = try file(String(repeating: "😀", count: 3751))
        #expect(tooHeavy.status == 1)
        #expect(tooHeavy.errors.contains("投诉内容过长：15004 字节，最多 15000 字节"))
        // 120 KB of combining marks on one letter: one grapheme, 60,001 characters.
        let marks = try file("a" + String(repeating: "\u{0301}", count: 60_000))
        #expect(marks.status == 1 && marks.errors.contains("投诉内容过长：60001 个字符"))
        // Fewer marks, but piled on one letter.
        let piled = try file("标价不符" + "a" + String(repeating: "\u{0301}", count: 20))
        #expect(piled.status == 1 && piled.errors.contains("叠加了 20 个组合符号"))
        // A 100 KB note on an inspection item (one argument can hold at most 128 KiB).
        let note = try cli.run(["inspection", "record", "--merchant", "A101", "--pass-all", "--fail", "PRI-1:minor:" + String(repeating: "x", count: 100_000),
                                "--as", "li", "--lang", "en"], pin: "123456")
        #expect(note.status == 1 && note.errors.contains("the item's note is too long: 100000 characters, at most 500"))
        #expect(try cli.run(["log"]).output == log)

        // Exactly at the limits: accepted.
        #expect(try file(String(repeating: "长", count: 5000)).status == 0)
        #expect(try file(String(repeating: "😀", count: 3750)).status == 0)
    }

    @Test func blankNamesAndInvalidUTF8AreRefusedWithNothingWritten() throws {
        let cli = try Self.prepared()
        let log = try cli.run(["log"]).output
        let blank = try cli.run(["user", "add", "desk1", "--role", "kiosk", "--display", "   ", "--as", "li"], pin: "123456", newPIN: "555555")
        #expect(blank.status == 1 && blank.errors.contains("显示名不能为空或只有空格"))
        let invisible = try cli.run(["user", "add", "desk1", "--role", "kiosk", "--display", "\u{200B}\u{3000}", "--as", "li"], pin: "123456", newPIN: "555555")
        #expect(invisible.status == 1)
        let blankConsumer = try cli.run(Self.complaint + ["--text", "标价不符", "--name", "  ", "--as", "li"], pin: "123456")
        #expect(blankConsumer.status == 1 && blankConsumer.errors.contains("消费者姓名不能为空或只有空格"))

        // A complaint typed in a GBK terminal: the bytes are not UTF-8, and the argument is named;
        // it is a mistake on the command line (status 2), and nothing is recorded.
        let script = "exec \"$0\" complaint file --merchant A101 --category price --integrity price --text \"$(printf '\\261\\352\\274\\333')\" --as li"
        let gbk = try runToCompletion(["/usr/bin/env", "-i", "CHENGXIN_TODAY=2026-03-03", "CHENGXIN_DATA=\(cli.data)", "CHENGXIN_KEY=\(cli.key)",
                                       "CHENGXIN_PIN=123456", "LANG=C.UTF-8", "/bin/sh", "-c", script, cli.binary])
        #expect(gbk.status == 2)
        #expect(gbk.errors.contains("第 10 个参数（--text 的值）不是有效的 UTF-8 文字"))
        #expect(try cli.run(["log"]).output == log)
    }

    @Test func fullWidthShopNumbersPhonesAndReceiptCodesAreFolded() throws {
        let cli = try Self.prepared()
        let shown = try cli.run(["merchant", "show", "Ａ１０１"])
        #expect(shown.status == 0 && shown.output.hasPrefix("A101"))
        let filed = try cli.run(["complaint", "file", "--merchant", "Ａ１０１", "--category", "price", "--integrity", "price", "--text", "标价不符",
                                 "--phone", "１３８１２３４１２３４", "--as", "li"], pin: "123456")
        #expect(filed.status == 0)
        let receipt = try #require(filed.output.split(separator: "\n").first?.split(separator: "：").last.map(String.init))
        let wide = String(String.UnicodeScalarView(receipt.unicodeScalars.map { scalar in
            scalar == "-" ? "－" : Unicode.Scalar(scalar.value + 0xFEE0) ?? scalar
        }))
        #expect(try cli.run(["complaint", "status", wide]).output.contains("受理编号：\(receipt)"))
        let event = try #require(try cli.run(["log", "--jsonl"]).output.split(separator: "\n").last)
        // The log shows the phone masked (docs/privacy.md); its digits are the folded ones.
        #expect(event.contains("\"shop\":\"A101\"") && event.contains("\"consumerPhone\":\"138****1234\""), "\(event)")
    }

    @Test func aFixedClockIsRefusedOnProductionData() throws {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        #expect(try cli.run(["init", "--seeds", packageRoot.appendingPathComponent("seeds").path]).status == 0)
        let log = try runToCompletion([cli.binary, "log", "--data", cli.data]).output
        let read = try cli.run(["merchant", "list"])
        #expect(read.status == 1)
        #expect(read.errors.contains("这是正式数据目录，不能用 CHENGXIN_TODAY 固定日期"))
        let write = try cli.run(["user", "add", "li", "--role", "manager", "--lang", "en"], newPIN: "123456")
        #expect(write.status == 1 && write.errors.contains("this is a production data directory, where CHENGXIN_TODAY may not fix the date"))
        #expect(try runToCompletion([cli.binary, "log", "--data", cli.data]).output == log)
        // Without the override the same directory works, and once it holds real records it never becomes training data.
        let plain = ["/usr/bin/env", "-i", "CHENGXIN_DATA=\(cli.data)", "CHENGXIN_KEY=\(cli.key)", "LANG=C.UTF-8"]
        #expect(try runToCompletion(plain + ["CHENGXIN_NEW_PIN=123456", cli.binary, "user", "add", "li", "--role", "manager"]).status == 0)
        let mark = try runToCompletion(plain + [cli.binary, "init", "--training", "--seeds", packageRoot.appendingPathComponent("seeds").path])
        #expect(mark.status == 1 && mark.errors.contains("仍是正式数据"))
        #expect(try cli.run(["merchant", "list"]).status == 1)
    }

    @Test func aDisplayNameWithEscapeSequencesIsShownSanitisedInThePINPrompt() throws {
        let cli = try Self.prepared()
        let hostile = "恶意\u{1B}]0;pwned\u{07}\u{1B}[2J"
        #expect(try cli.run(["user", "add", "evil", "--role", "manager", "--display", hostile, "--as", "li"], pin: "123456", newPIN: "666666").status == 0)
        let tmux = Tmux()
        defer { tmux.kill() }
        // No $CHENGXIN_PIN: the PIN is asked on the terminal, after the user's display name.
        try tmux.start("env -i LANG=C.UTF-8 TERM=xterm-256color CHENGXIN_TODAY=2026-03-03 CHENGXIN_DATA=\(cli.data) CHENGXIN_KEY=\(cli.key) "
                       + "\(cli.binary) inspection record --merchant A101 --pass-all --date 2026-03-02 --as evil", width: 100, height: 10)
        // Had the escapes reached the terminal, the title would have changed and the screen been
        // cleared, and none of them would be visible: each one is shown as a visible stand-in.
        let screen = try tmux.waitFor("the PIN prompt") { $0.contains("的 PIN：") }
        #expect(screen.contains("恶意␛]0;pwned␇␛[2J 的 PIN："))
        try tmux.send("-l", "666666")
        try tmux.send("Enter")
        #expect(waitUntil(timeout: 30) { ((try? cli.run(["log"]).output) ?? "").contains("evil  inspection.recorded") })
    }
}
