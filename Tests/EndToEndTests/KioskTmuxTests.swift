import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `chengxin kiosk` in a real tmux session: filing with Chinese text, the dashboard's queue,
/// signals and key combinations, the idle reset, hostile text.
@Suite("Kiosk in tmux", .serialized)
struct KioskTmuxTests {
    /// A data directory with the roster, a manager (li/123456) and a kiosk account (desk1/555555).
    static func prepared() throws -> (String, DomainCLI) {
        let binary = try #require(builtProduct("chengxin"))
        let cli = DomainCLI(binary: binary)
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.path + "/seeds"]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager"], newPIN: "123456").status == 0)
        #expect(try cli.run(["user", "add", "desk1", "--role", "kiosk", "--as", "li"], pin: "123456", newPIN: "555555").status == 0)
        return (binary, cli)
    }

    /// `exec`, so that the pane's process is the kiosk itself (signals go to it, not to a shell).
    static func kioskCommand(_ binary: String, _ cli: DomainCLI, extra: String = "") -> String {
        "exec env LANG=C.UTF-8 TERM=xterm-256color CHENGXIN_TODAY=2026-03-03 CHENGXIN_DATA=\(cli.data) CHENGXIN_KEY=\(cli.key) CHENGXIN_PIN=555555 \(binary) kiosk --as desk1 \(extra)"
    }

    /// The receipt code from the receipt screen's spaced-out line ("V A F 8 - N 5 S 2").
    static func receipt(on screen: String) -> String? {
        for line in screen.split(separator: "\n") {
            let compact = line.filter { $0 != " " }
            if compact.count == 9, compact.range(of: #"^[2-9A-Z]{4}-[2-9A-Z]{4}$"#, options: .regularExpression) != nil { return compact }
        }
        return nil
    }

    /// An unfinished record left by a power cut is cut at start-up with a notice for the operator;
    /// a damaged log does not start the kiosk at all, and says where the damage is.
    @Test func theOperatorHearsOfACutTailAndADamagedLogStopsTheKiosk() throws {
        let (binary, cli) = try Self.prepared()
        let log = cli.data + "/events.log"
        let intact = try Data(contentsOf: URL(fileURLWithPath: log))
        try (intact + Data("CXR\n\u{10}\0\0\0half".utf8)).write(to: URL(fileURLWithPath: log))
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(Self.kioskCommand(binary, cli), width: 120, height: 30)
        let home = try tmux.waitFor("the notice") { $0.contains("投诉登记") && $0.contains("注意：已截去日志末尾一条未写完、从未确认的记录") }
        #expect(home.contains("投诉登记"))
        try tmux.send("Down")
        _ = try tmux.waitFor("the notice gone at the next key") { !$0.contains("注意：已截去") }
        tmux.kill()
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.data + "/cut").count == 1)
        #expect(try cli.run(["log", "--since", "1"]).output.contains("log.tail-cut"))

        // One byte of an early record damaged: the kiosk refuses to start and names it.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: log)))
        bytes[32 + 60] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: log))
        let refused = try cli.runInTerminal(["kiosk", "--as", "desk1"], pin: "555555")
        #expect(refused.status == 1)
        #expect(refused.output.contains("日志损坏：第 1 条记录（字节偏移 32）"), "\(refused.output)")
    }

    @Test func aComplaintFiledWithChineseTextThroughEveryStepReachesTheDashboardsQueue() throws {
        let (binary, cli) = try Self.prepared()
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(Self.kioskCommand(binary, cli), width: 80, height: 24)
        _ = try tmux.waitFor("the home screen") { $0.contains("投诉登记") && $0.contains("诚信公示") }

        try tmux.send("1")
        _ = try tmux.waitFor("step 1") { $0.contains("消费者是在哪家店买的？") }
        try tmux.send("-l", "鉴明")
        _ = try tmux.waitFor("the shop found by name") { $0.contains("A101  鉴明镜架批发部") && $0.contains("查找：鉴明") }
        try tmux.send("Enter")
        _ = try tmux.waitFor("step 2") { $0.contains("遇到的是什么问题？") }
        try tmux.send("Down", "Enter")
        _ = try tmux.waitFor("step 3") { $0.contains("请写下发生了什么") }
        let story = "三月一日在店里配的镜片有划痕，店家不肯换"
        try tmux.send("-l", story)
        _ = try tmux.waitFor("the story as typed") { $0.contains(story) && $0.contains("已输入 \(story.count) 字") }
        try tmux.send("Enter")
        _ = try tmux.waitFor("step 4") { $0.contains("涉及多少钱？") }
        // (Each key waits for the text before it to show: keys that arrive together with text
        // are taken as a paste, whose Enter never goes on.)
        try tmux.send("-l", "680")
        _ = try tmux.waitFor("the amount typed") { $0.contains("金额（元）：680") }
        try tmux.send("Enter")
        _ = try tmux.waitFor("step 5") { $0.contains("消费者希望怎么解决？") }
        try tmux.send("2")
        _ = try tmux.waitFor("exchange ticked") { $0.contains("[x] 2  换货") }
        try tmux.send("Enter")
        _ = try tmux.waitFor("step 6") { $0.contains("留下姓名和电话吗？") }
        try tmux.send("-l", "王小明")
        _ = try tmux.waitFor("the name typed") { $0.contains("王小明") }
        try tmux.send("Tab")
        try tmux.send("-l", "13812341234")
        _ = try tmux.waitFor("the phone typed") { $0.contains("13812341234") }
        // A phone number left is consent: Enter goes on to the review.
        try tmux.send("Enter")
        let review = try tmux.waitFor("the review") { $0.contains("请和消费者一起核对") }
        #expect(review.contains("1 店铺：A101  鉴明镜架批发部"))
        #expect(review.contains("2 问题：东西有质量问题：镜片、镜架坏了或是假货（质量诚信）"))
        #expect(review.contains("3 经过：" + story))
        #expect(review.contains("4 金额：680.00 元"))
        #expect(review.contains("5 诉求：换货"))
        #expect(review.contains("6 联系：王小明  13812341234  （同意被联系）"))
        try tmux.send("Enter")
        let done = try tmux.waitFor("the receipt") { $0.contains("答复是否受理") }
        let code = try #require(Self.receipt(on: done), "a receipt code on:\n\(done)")
        #expect(done.contains("个工作日内（2026-03-"))

        // Recorded by the kiosk account, exactly as typed (a manager reads it unmasked); the chain verifies.
        let log = try cli.run(["log", "--jsonl", "--as", "li"], pin: "123456").output
        let line = try #require(log.split(separator: "\n").first { $0.contains("complaint.filed") && $0.contains(code) })
        #expect(line.contains("\"actor\":\"desk1\""))
        #expect(line.contains("\"text\":\"\(story)\""))
        #expect(line.contains("\"consumerName\":\"王小明\""))
        #expect(try cli.run(["verify"]).status == 0)

        // Home again, then progress by the code: the state, no personal data.
        try tmux.send("Enter")
        _ = try tmux.waitFor("home") { $0.contains("查询进度") && !$0.contains(code.prefix(4)) }
        try tmux.send("2")
        _ = try tmux.waitFor("the look-up") { $0.contains("请输入受理编号") }
        try tmux.send("-l", code.lowercased().replacingOccurrences(of: "-", with: ""))
        try tmux.send("Enter")
        let progress = try tmux.waitFor("the progress") { $0.contains("当前状态：已登记") }
        #expect(progress.contains("受理编号：\(code)"))
        #expect(progress.contains("登记日期：2026-03-03"))
        #expect(!progress.contains("王") && !progress.contains("138") && !progress.contains("划痕"))

        // The manager's dashboard finds it in the complaint queue.
        let dashboard = Tmux()
        defer { dashboard.kill() }
        try dashboard.start("env LANG=C.UTF-8 TERM=xterm-256color CHENGXIN_TODAY=2026-03-03 CHENGXIN_DATA=\(cli.data) \(binary)", width: 120, height: 40)
        try dashboard.login("li", "123456")
        try dashboard.send("4")
        let queue = try dashboard.waitFor("the queue") { $0.contains(code) }
        #expect(queue.split(separator: "\n").first { $0.contains(code) }?.contains("A101") == true)
        try dashboard.send("Enter")
        _ = try dashboard.waitFor("the case") { $0.contains("投诉 \(code)  已登记") && $0.contains(story) }
        try dashboard.send("q")
        #expect(dashboard.waitForExit())
        #expect(tmux.isRunning())
    }

    @Test func withoutCHENGXIN_PINThePINIsAskedOnceBeforeTheScreenStarts() throws {
        let (binary, cli) = try Self.prepared()
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(Self.kioskCommand(binary, cli).replacingOccurrences(of: "CHENGXIN_PIN=555555 ", with: ""), width: 80, height: 24)
        _ = try tmux.waitFor("the PIN prompt") { $0.contains("desk1 的 PIN：") }
        try tmux.send("-l", "555555")
        try tmux.send("Enter")
        let home = try tmux.waitFor("the home screen") { $0.contains("投诉登记") && $0.contains("诚信公示") }
        #expect(!home.contains("555555"), "the PIN is not echoed")
    }

    @Test func signalsAndKeyCombinationsLeaveTheKioskRunning() throws {
        let (binary, cli) = try Self.prepared()
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(Self.kioskCommand(binary, cli), width: 80, height: 24)
        _ = try tmux.waitFor("the home screen") { $0.contains("投诉登记") }
        let pid = try #require(pid_t(try tmux.run(["display-message", "-p", "-t", tmux.session, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)))
        let comm = try String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(comm == "chengxin", "the pane runs the kiosk itself")

        // Keys first: on the home screen and inside the form.
        let combinations = ["C-c", "C-z", "C-\\", "C-d", "C-q", "C-s", "q", "Escape", "F10", "F12", "M-x", "C-x"]
        for key in combinations { try tmux.send(key) }
        try tmux.send("1")
        _ = try tmux.waitFor("the form") { $0.contains("消费者是在哪家店买的？") }
        for key in combinations where key != "Escape" { try tmux.send(key) }
        // Then signals, straight to the process.
        for signal in [SIGINT, SIGTSTP, SIGQUIT, SIGTTIN, SIGTTOU] {
            #expect(kill(pid, signal) == 0)
        }
        // Still there, not stopped, and answering keys.
        try tmux.send("Escape")
        _ = try tmux.waitFor("home again") { $0.contains("诚信公示") && $0.contains("1 / 2 / 3") }
        try tmux.send("3")
        _ = try tmux.waitFor("the board") { $0.contains("共 100 家") }
        let state = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8).split(separator: " ")[2]
        #expect(state == "S" || state == "R", "not stopped: \(state)")
        #expect(tmux.isRunning())
        #expect(try tmux.run(["display-message", "-p", "-t", tmux.session, "#{pane_current_command}"]).contains("chengxin"), "no shell took over")

        // SIGTERM (how the service is stopped) ends it.
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        #expect(kill(pid, SIGTERM) == 0)
        #expect(tmux.waitForExit(), "SIGTERM ends the kiosk; its signal state was:\n\(status.split(separator: "\n").filter { $0.hasPrefix("Sig") }.joined(separator: "\n"))")
    }

    @Test func anIdleKioskClearsAHalfFilledFormAndReturnsHome() throws {
        let (binary, cli) = try Self.prepared()
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(Self.kioskCommand(binary, cli, extra: "--idle 10"), width: 80, height: 24)
        _ = try tmux.waitFor("the home screen") { $0.contains("投诉登记") }
        try tmux.send("1")
        _ = try tmux.waitFor("step 1") { $0.contains("消费者是在哪家店买的？") }
        try tmux.send("-l", "jm")
        _ = try tmux.waitFor("the search typed") { $0.contains("查找：jm") }
        try tmux.send("Enter", "Enter")
        _ = try tmux.waitFor("step 3") { $0.contains("请写下发生了什么") }
        try tmux.send("-l", "半截的投诉内容")
        _ = try tmux.waitFor("the text typed") { $0.contains("半截的投诉内容") }
        _ = try tmux.waitFor("the countdown") { $0.contains("秒后清空并回到首页") }
        let home = try tmux.waitFor("the home screen after the idle time", timeout: 40) { $0.contains("诚信公示") && $0.contains("1 / 2 / 3") }
        #expect(!home.contains("半截的投诉内容"))
        // A new consumer starts from an empty form.
        try tmux.send("1")
        let fresh = try tmux.waitFor("step 1 again") { $0.contains("消费者是在哪家店买的？") }
        #expect(!fresh.contains("查找：jm"))
        try tmux.send("Enter", "Enter")
        // The whole frame (the counter is drawn below the prompt).
        let story = try tmux.waitFor("step 3 again") { $0.contains("请写下发生了什么") && $0.contains("已输入") }
        #expect(story.contains("已输入 0 字") && !story.contains("半截"))
        // Nothing was recorded.
        #expect(!(try cli.run(["log"]).output.contains("complaint.filed")))
    }

    @Test func hostileTextIsStoredExactlyAndNeverReachesTheTerminalRaw() throws {
        let (binary, cli) = try Self.prepared()
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(Self.kioskCommand(binary, cli), width: 80, height: 24)
        let raw = temporaryPath("kiosk-raw")
        try tmux.run(["pipe-pane", "-o", "-t", tmux.session, "cat >> \(raw)"], output: false)
        _ = try tmux.waitFor("the home screen") { $0.contains("投诉登记") }
        // What a terminal can carry as text: a right-to-left override, a C1 CSI, a right-to-left mark.
        let hostile = "恶意\u{202E}店\u{9B}31m\u{200F}名"
        try tmux.send("1")
        _ = try tmux.waitFor("step 1") { $0.contains("消费者是在哪家店买的？") }
        try tmux.send("Enter", "Enter")
        _ = try tmux.waitFor("step 3") { $0.contains("请写下发生了什么") }
        try tmux.send("-l", hostile)
        _ = try tmux.waitFor("the story shown sanitised") { $0.contains("恶意¶店\u{FFFD}31m¶名") }
        try tmux.send("Enter", "Enter", "Enter")
        _ = try tmux.waitFor("step 6") { $0.contains("留下姓名和电话吗？") }
        try tmux.send("-l", hostile)
        _ = try tmux.waitFor("the name shown sanitised") { $0.contains("姓名：") && $0.contains("恶意¶店") }
        try tmux.send("Tab", "Tab", "Enter")
        let review = try tmux.waitFor("the review") { $0.contains("请和消费者一起核对") }
        #expect(review.contains("3 经过：恶意¶店\u{FFFD}31m¶名"))
        #expect(review.contains("6 联系：恶意¶店\u{FFFD}31m¶名"))
        try tmux.send("Enter")
        let done = try tmux.waitFor("the receipt") { $0.contains("答复是否受理") }
        let code = try #require(Self.receipt(on: done))

        // The log holds the text exactly as typed (the JSON lines escape what a terminal must not see;
        // a manager reads the name unmasked).
        let log = try cli.run(["log", "--jsonl", "--as", "li"], pin: "123456").output
        let line = try #require(log.split(separator: "\n").first { $0.contains(code) })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let data = try #require((object["event"] as? [String: Any])?["data"] as? [String: Any])
        #expect(data["text"] as? String == hostile)
        #expect(data["consumerName"] as? String == hostile)

        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: raw)))
        #expect(bytes.count > 1000, "the raw output was captured")
        func contains(_ needle: [UInt8]) -> Bool {
            guard needle.count <= bytes.count else { return false }
            return (0...(bytes.count - needle.count)).contains { Array(bytes[$0..<$0 + needle.count]) == needle }
        }
        #expect(!contains([0xE2, 0x80, 0xAE]), "no right-to-left override")
        #expect(!contains([0xE2, 0x80, 0x8F]), "no right-to-left mark")
        #expect(!contains([0xC2, 0x9B]), "no C1 CSI")
        #expect(contains(Array("恶意¶店".utf8)), "the visible replacements were drawn")
    }
}
