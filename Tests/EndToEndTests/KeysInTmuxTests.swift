import Foundation
import Testing
import TestSupport

/// The keys of issue 18 as tmux sends them (Home `ESC [1~`, End `ESC [4~`, Alt as an Esc prefix,
/// a paste wrapped in bracketed-paste marks), to the real kiosk and dashboard.
@Suite("Keys in tmux", .serialized)
struct KeysInTmuxTests {
    /// The run of the issue: on the "what happened" step, Home and End move the cursor (End used to
    /// arrive as Esc [ 4 ~: back a step, and option 4 picked), and the complaint is filed under
    /// the problem chosen, 质量诚信.
    @Test func homeAndEndOnTheStoryStepMoveTheCursorAndTheComplaintKeepsItsIntegrity() throws {
        let (binary, cli) = try KioskTmuxTests.prepared()
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(KioskTmuxTests.kioskCommand(binary, cli), width: 80, height: 24)
        _ = try tmux.waitFor("the home screen") { $0.contains("投诉登记") && $0.contains("诚信公示") }
        try tmux.send("1")
        _ = try tmux.waitFor("step 1") { $0.contains("消费者是在哪家店买的？") }
        try tmux.send("-l", "鉴明")
        _ = try tmux.waitFor("the shop found") { $0.contains("A101  鉴明镜架批发部") }
        try tmux.send("Enter")
        _ = try tmux.waitFor("step 2") { $0.contains("遇到的是什么问题？") }
        try tmux.send("Down", "Enter")
        _ = try tmux.waitFor("step 3") { $0.contains("请写下发生了什么") }
        // Alt plus a key is not Esc: the step stays.
        try tmux.send("M-x", "M-4")
        try tmux.send("-l", "镜片有划痕")
        _ = try tmux.waitFor("the story typed") { $0.contains("镜片有划痕") }
        try tmux.send("Home")
        try tmux.send("-l", "三月一日配的")
        try tmux.send("End")
        try tmux.send("-l", "，店家不肯换")
        let story = "三月一日配的镜片有划痕，店家不肯换"
        let typed = try tmux.waitFor("the story edited at both ends") { $0.contains(story) }
        #expect(typed.contains("请写下发生了什么"), "still the story step")
        #expect(typed.contains("已输入 \(story.count) 字"))
        try tmux.send("Enter")
        _ = try tmux.waitFor("step 4") { $0.contains("涉及多少钱？") }
        try tmux.send("Enter")
        _ = try tmux.waitFor("step 5") { $0.contains("消费者希望怎么解决？") }
        try tmux.send("Enter")
        _ = try tmux.waitFor("step 6") { $0.contains("留下姓名和电话吗？") }
        try tmux.send("Tab", "Tab", "Enter")
        let review = try tmux.waitFor("the review") { $0.contains("请和消费者一起核对") }
        #expect(review.contains("2 问题：东西有质量问题：镜片、镜架坏了或是假货（质量诚信）"))
        #expect(review.contains("3 经过：" + story))
        try tmux.send("Enter")
        let done = try tmux.waitFor("the receipt") { $0.contains("答复是否受理") }
        let code = try #require(KioskTmuxTests.receipt(on: done), "a receipt code on:\n\(done)")
        let log = try cli.run(["log", "--jsonl"]).output
        let line = try #require(log.split(separator: "\n").first { $0.contains("complaint.filed") && $0.contains(code) })
        #expect(line.contains("\"integrity\":\"quality\"") && line.contains("\"category\":\"quality\""), "\(line)")
        #expect(line.contains("\"text\":\"\(story)\""))
    }

    /// A paste is text: on the home screen its "1" opens nothing; in the story its line break and
    /// its Esc neither go on nor back.
    @Test func aPasteIsTextAndNeverKeys() throws {
        let (binary, cli) = try KioskTmuxTests.prepared()
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(KioskTmuxTests.kioskCommand(binary, cli), width: 80, height: 24)
        _ = try tmux.waitFor("the home screen") { $0.contains("投诉登记") && $0.contains("诚信公示") }
        try tmux.run(["set-buffer", "1\n2\u{1B}"], output: false)
        try tmux.run(["paste-buffer", "-p", "-t", tmux.session], output: false)
        try tmux.send("3")
        _ = try tmux.waitFor("the board, opened by the key typed after the paste") { $0.contains("共 100 家") }
        try tmux.send("Escape")
        _ = try tmux.waitFor("home") { $0.contains("诚信公示") && $0.contains("1 / 2 / 3") }
        try tmux.send("1")
        _ = try tmux.waitFor("step 1") { $0.contains("消费者是在哪家店买的？") }
        try tmux.send("Enter", "Enter")
        _ = try tmux.waitFor("step 3") { $0.contains("请写下发生了什么") }
        try tmux.run(["set-buffer", "镜片有划痕\n店家不肯换\u{1B}"], output: false)
        try tmux.run(["paste-buffer", "-p", "-t", tmux.session], output: false)
        let pasted = try tmux.waitFor("the pasted story") { $0.contains("店家不肯换") }
        #expect(pasted.contains("请写下发生了什么") && pasted.contains("镜片有划痕"), "still the story step:\n\(pasted)")
        #expect(pasted.contains("已输入 11 字"), "ten characters and the line break; the Esc dropped")
    }

    @Test func aKioskMadeSmallerThan80x24SaysSoUntilItIsEnlarged() throws {
        let (binary, cli) = try KioskTmuxTests.prepared()
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(KioskTmuxTests.kioskCommand(binary, cli), width: 80, height: 24)
        _ = try tmux.waitFor("the home screen") { $0.contains("投诉登记") && $0.contains("诚信公示") }
        try tmux.run(["resize-window", "-t", tmux.session, "-x", "70", "-y", "20"], output: false)
        let small = try tmux.waitFor("the window-too-small screen") { $0.contains("窗口太小") }
        #expect(small.contains("至少需要 80×24，现为 70×20") && small.contains("请放大窗口或调小字号"))
        #expect(!small.contains("投诉登记"))
        try tmux.run(["resize-window", "-t", tmux.session, "-x", "80", "-y", "24"], output: false)
        _ = try tmux.waitFor("the home screen again") { $0.contains("投诉登记") && $0.contains("诚信公示") && !$0.contains("窗口太小") }
        #expect(tmux.isRunning())
    }

    /// In the dashboard Home and End go to the first and the last row, as `?` says (they used to
    /// arrive as Esc [ 1 ~ and switch tabs).
    @Test func theDashboardsHomeAndEndGoToTheFirstAndLastRow() throws {
        let (_, cli) = try KioskTmuxTests.prepared()
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(cli.dashboardCommand(), width: 100, height: 30)
        try tmux.login("li", "123456")
        try tmux.send("2")
        try tmux.send("j", "j", "j")
        _ = try tmux.waitFor("the fourth row") { $0.contains("4/100") }
        try tmux.send("End")
        _ = try tmux.waitFor("the last row, on the same tab") { $0.contains("100/100") }
        try tmux.send("Home")
        _ = try tmux.waitFor("the first row") { $0.contains("1/100") && $0.contains("鉴明镜架批发部") }
        try tmux.send("q")
        #expect(tmux.waitForExit())
    }
}
