import Foundation
import Testing
import TestSupport

/// The inspection form and the kiosk's contact step and pastes, driven in tmux as people use them,
/// with the keys counted.
@Suite("Forms in tmux: inspections by code, kiosk consent and pastes", .serialized)
struct FormsTmuxTests {
    /// Sends keys and counts them: each named key one, a note typed through an IME none (it is
    /// the note's text, typed a word at a time, not a key chosen).
    final class CountingKeys {
        let tmux: Tmux
        private(set) var count = 0
        init(_ tmux: Tmux) { self.tmux = tmux }
        func press(_ keys: String...) throws {
            count += keys.count
            for key in keys { try tmux.send(key) }
        }
        func note(_ text: String) throws { try tmux.send("-l", text) }
    }

    @Test func twoFailuresWithNotesInThirteenKeysFromTheShopPageAndTheReinspectionListsThemFirst() throws {
        let binary = try #require(builtProduct("chengxin"))
        let cli = DomainCLI(binary: binary)
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.path + "/seeds"]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager"], newPIN: "123456").status == 0)
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(cli.dashboardCommand(), width: 80, height: 24)
        try tmux.login("li", "123456")
        try tmux.send("/", "g", "j", "Enter")
        _ = try tmux.waitFor("the filter") { $0.contains("查找“gj”") }
        try tmux.send("Enter")
        _ = try tmux.waitFor("the shop page") { $0.contains("【亮身份】") && $0.contains("A101") }

        // From the shop page: i; p2 goes to PRI-2, 3 marks it serious, n and the note, Enter;
        // q2 goes to QUA-2, 2 marks it minor, n and the note, Enter; Enter shows what will be
        // recorded in the shared question, y records it.
        let keys = CountingKeys(tmux)
        try keys.press("i")
        _ = try tmux.waitFor("the form") { $0.contains("记录检查：A101") }
        try keys.press("p", "2", "3")
        _ = try tmux.waitFor("PRI-2 failed") { $0.split(separator: "\n").first { $0.contains("PRI-2") }?.contains("不合格（严重）") == true }
        try keys.press("n")
        _ = try tmux.waitFor("the note field") { $0.contains("备注：") }
        try keys.note("标价签缺失")
        _ = try tmux.waitFor("the note typed") { $0.contains("备注：标价签缺失") }
        try keys.press("Enter", "q", "2", "2")
        _ = try tmux.waitFor("QUA-2 failed") { $0.split(separator: "\n").first { $0.contains("QUA-2") }?.contains("不合格（一般）") == true }
        try keys.press("n")
        try keys.note("验光仪过期")
        _ = try tmux.waitFor("the second note typed") { $0.contains("备注：验光仪过期") }
        try keys.press("Enter", "Enter")
        let asked = try tmux.waitFor("what will be recorded") { $0.contains("不合格 2 项：PRI-2（严重）、QUA-2（一般）") }
        #expect(asked.contains("记录（y）"))
        try keys.press("y")
        let page = try tmux.waitFor("the shop page again") { $0.contains("检查已提交") && $0.contains("【亮身份】") }
        #expect(keys.count == 13, "13 keys besides the notes' text (the goal is at most 15)")
        #expect(page.contains("PRI-2") && page.contains("QUA-2"), "the deductions are explained on the first screen")
        let log = try cli.run(["log", "--jsonl", "--as", "li"], pin: "123456").output
        let line = try #require(log.split(separator: "\n").first { $0.contains("inspection.recorded") })
        #expect(line.contains("\"note\":\"标价签缺失\"") && line.contains("\"note\":\"验光仪过期\""))

        // The same shop cannot be inspected twice on a day: said in the form, before anything is asked.
        try tmux.send("i")
        _ = try tmux.waitFor("the form") { $0.contains("复查：整改中 2 项列在最前") }
        try tmux.send("Enter")
        _ = try tmux.waitFor("the refusal in the form") { $0.contains("同一天不能再记一次") && $0.contains("复查：整改中") }
        try tmux.send("Escape")
        _ = try tmux.waitFor("the shop page") { $0.contains("【亮身份】") }
        try tmux.send("q")
        #expect(tmux.waitForExit())

        // Two days later, the re-inspection: the two items under rectification come first, marked;
        // both pass in three keys (i, Enter, y), which ends both rectifications.
        let later = Tmux()
        defer { later.kill() }
        try later.start("env LANG=C.UTF-8 TERM=xterm-256color CHENGXIN_TODAY=2026-03-05 CHENGXIN_DATA=\(cli.data) CHENGXIN_KEY=\(cli.key) \(binary)", width: 80, height: 24)
        try later.login("li", "123456")
        try later.send("/", "g", "j", "Enter")
        _ = try later.waitFor("the filter") { $0.contains("查找“gj”") }
        try later.send("Enter")
        _ = try later.waitFor("the shop page") { $0.contains("【亮身份】") && $0.contains("A101") }
        try later.send("i")
        let form = try later.waitFor("the re-inspection") { $0.contains("复查：整改中 2 项列在最前") }
        let rows = form.split(separator: "\n")
        #expect(rows.count > 3 && rows[2].contains("1 整改 PRI-2") && rows[3].contains("2 整改 QUA-2"))
        try later.send("Enter")
        _ = try later.waitFor("what will be recorded") { $0.contains("全部合格；整改结束：PRI-2、QUA-2") }
        try later.send("y")
        let after = try later.waitFor("the rectifications ended, on the first screen") { $0.contains("检查已提交") && $0.contains("【整改】") }
        #expect(after.contains("PRI-2（严重）期限 2026-03-10：已于 2026-03-05 复查合格"))
        #expect(after.contains("QUA-2（一般）期限 2026-03-17：已于 2026-03-05 复查合格"))
        try later.send("q")
        #expect(later.waitForExit())
        #expect(try cli.run(["verify"]).status == 0)
    }

    @Test func aPhoneThenEnterGoesOnAndPastedLineBreaksAndEscNeverActAsKeys() throws {
        let (binary, cli) = try KioskTmuxTests.prepared()
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(KioskTmuxTests.kioskCommand(binary, cli), width: 80, height: 24)
        _ = try tmux.waitFor("the home screen") { $0.contains("投诉登记") && $0.contains("诚信公示") }
        try tmux.send("1")
        _ = try tmux.waitFor("step 1") { $0.contains("消费者是在哪家店买的？") }
        /// Pastes as a terminal does: the whole text in one write (line breaks as CR, no brackets).
        func paste(_ text: String) throws {
            try tmux.run(["set-buffer", "-b", "forms", text], output: false)
            try tmux.run(["paste-buffer", "-b", "forms", "-t", tmux.session], output: false)
        }
        // The shop's name pasted with a line break: it searches, and the step stays.
        try paste("鉴明\n")
        let searched = try tmux.waitFor("the shop found") { $0.contains("A101  鉴明镜架批发部") && $0.contains("查找：鉴明") }
        #expect(searched.contains("消费者是在哪家店买的？") && searched.contains("第 1/7 步"))
        try tmux.send("Enter")
        _ = try tmux.waitFor("step 2") { $0.contains("遇到的是什么问题？") }
        try tmux.send("Down")
        try tmux.send("Enter")
        _ = try tmux.waitFor("step 3") { $0.contains("请写下发生了什么") }
        // The story pasted with line breaks and an Esc character: all text, still on step 3.
        try paste("三月一日配的镜片\n有划痕\u{1B} 店家不换\n")
        let typed = try tmux.waitFor("the pasted story") { $0.contains("店家不换") }
        #expect(typed.contains("第 3/7 步") && typed.contains("三月一日配的镜片") && typed.contains("有划痕"))
        try tmux.send("Enter")
        _ = try tmux.waitFor("step 4") { $0.contains("涉及多少钱？") }
        try tmux.send("Enter")
        _ = try tmux.waitFor("step 5") { $0.contains("消费者希望怎么解决？") }
        try tmux.send("Enter")
        _ = try tmux.waitFor("step 6") { $0.contains("留下姓名和电话吗？") }
        // A phone, then Enter: on to the review, with consent (a phone left is consent).
        try tmux.send("Tab")
        try tmux.send("-l", "13812341234")
        _ = try tmux.waitFor("the phone and the consent it implies") { $0.contains("13812341234") && $0.contains("留了电话即表示同意") }
        try tmux.send("Enter")
        // The whole review, not a capture taken while the screen is half redrawn.
        let review = try tmux.waitFor("the review") { $0.contains("请和消费者一起核对") && $0.contains("6 联系：") }
        #expect(review.contains("2 问题：东西有质量问题：镜片、镜架坏了或是假货（质量诚信）"))
        #expect(review.contains("6 联系：13812341234  （同意被联系）"))
        try tmux.send("Enter")
        let done = try tmux.waitFor("the receipt") { $0.contains("答复是否受理") }
        let code = try #require(KioskTmuxTests.receipt(on: done))
        let log = try cli.run(["log", "--jsonl", "--as", "li"], pin: "123456").output
        let line = try #require(log.split(separator: "\n").first { $0.contains("complaint.filed") && $0.contains(code) })
        #expect(line.contains("\"category\":\"quality\"") && line.contains("\"consentToContact\":true"))
        // The paste's line breaks kept (a terminal pastes them as CR; the story keeps them as line breaks).
        #expect(line.contains("三月一日配的镜片\\n有划痕") && line.contains("店家不换\\n"), "\(line)")
        #expect(tmux.isRunning())
    }
}
