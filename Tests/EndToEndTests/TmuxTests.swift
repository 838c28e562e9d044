import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Drives the built `chengxin` binary in a real tmux session, as a person would.
struct Tmux {
    let socket = "chengxin-e2e-\(UUID().uuidString.prefix(8))"
    let session = "t"

    /// Runs a tmux client command and returns what it printed. Spawned with posix_spawn and
    /// reaped with waitpid; the server that `new-session` starts inherits no pipe, only a file.
    @discardableResult
    func run(_ arguments: [String], output: Bool = true) throws -> String {
        let child = try ChildProcess(["/usr/bin/env", "tmux", "-u", "-L", socket] + arguments, outputPath: output ? nil : "/dev/null")
        child.wait()
        return output ? child.output : ""
    }

    func start(_ command: String, width: Int, height: Int) throws {
        try run(["new-session", "-d", "-s", session, "-x", String(width), "-y", String(height), command], output: false)
    }

    func screen() throws -> String { try run(["capture-pane", "-p", "-t", session]) }

    func send(_ keys: String...) throws { try run(["send-keys", "-t", session] + keys, output: false) }

    /// Sends keys and adds them to `count`: each key name is one key, and text sent literally
    /// (`-l`) one key per character, as a person types it.
    func press(_ keys: String..., literally: Bool = false, count: inout Int) throws {
        count += literally ? keys.reduce(0) { $0 + $1.count } : keys.count
        try run(["send-keys", "-t", session] + (literally ? ["-l"] : []) + keys, output: false)
    }

    func isRunning() -> Bool {
        ((try? run(["list-sessions", "-F", "#{session_name}"])) ?? "").split(separator: "\n").contains { $0 == session }
    }

    /// Polls the screen until `condition` holds, up to a deadline (no fixed sleeps).
    func waitFor(_ what: String, timeout: TimeInterval = 30, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if condition(last) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("timed out waiting for \(what); the screen was:\n\(last)")
        return last
    }

    func waitForExit(timeout: TimeInterval = 10) -> Bool {
        waitUntil(timeout: timeout) { !isRunning() }
    }

    /// Ends the program in the pane with SIGTERM (how a kiosk is stopped), then the server: after a
    /// kill-server alone the kiosk's tmux servers were seen to stay, the kiosk still running in them.
    func kill() {
        if let text = try? run(["display-message", "-p", "-t", session, "#{pane_pid}"]),
           let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1 {
            _ = Glibc.kill(pid, SIGTERM)
            _ = waitForExit(timeout: 5)
        }
        _ = try? run(["kill-server"], output: false)
        // tmux leaves its socket file behind; a run of the tests would leave a dozen.
        let folder = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
        _ = unlink("\(folder)/tmux-\(getuid())/\(socket)")
    }

    /// Logs in on the dashboard's login screen and waits for the table.
    func login(_ user: String, _ pin: String) throws {
        try typeSignIn(user, pin)
        _ = try waitFor("the table after login") { $0.contains("鉴明镜架批发部") }
    }

    /// Types a name and a wrong PIN on the dashboard's login screen and waits for the refusal;
    /// the PIN is then typed again (`send("-l", pin)`, Enter).
    func loginRefused(_ user: String, _ pin: String) throws {
        try typeSignIn(user, pin)
        _ = try waitFor("the refusal") { $0.contains("用户名或 PIN 不正确") }
    }

    private func typeSignIn(_ user: String, _ pin: String) throws {
        _ = try waitFor("the login screen") { $0.contains("用户名：") }
        try send("-l", user)
        try send("Tab")
        try send("-l", pin)
        try send("Enter")
    }
}

@Suite("End to end in tmux", .serialized)
struct EndToEndTests {
    @Test(arguments: [(80, 24), (120, 40)])
    func firstRunCreatesTheRosterAndTheDashboardShowsChineseShops(width: Int, height: Int) throws {
        let binary = try #require(builtProduct("chengxin"), "the chengxin executable is built beside the tests")
        // Short enough to be shown whole on the first-run screen at 80 columns.
        let data = testScratchFolder + "/e2e-\(UUID().uuidString.prefix(8))"
        let tmux = Tmux()
        defer { tmux.kill() }
        let key = testScratchFolder + "/e2e-key-\(UUID().uuidString.prefix(8))/checkpoint.key"
        let command = "env LANG=C.UTF-8 TERM=xterm-256color CHENGXIN_DATA=\(data) CHENGXIN_KEY=\(key) CHENGXIN_SEEDS=\(packageRoot.path)/seeds \(binary)"
        try tmux.start(command, width: width, height: height)

        let welcome = try tmux.waitFor("the first-run screen") { $0.contains("用随附名册创建数据目录") }
        #expect(welcome.contains(data))
        try tmux.send("Enter")

        // Columns line up: every shop number starts at column 1 and every name at the same column.
        func shopRows(_ screen: String) -> [String] {
            screen.split(separator: "\n").map(String.init).filter { $0.range(of: #"^ [A-F]\d{3} "#, options: .regularExpression) != nil }
        }
        // The whole table drawn (a capture can catch tmux halfway through a frame).
        let table = try tmux.waitFor("the merchants table, every row") { $0.contains("鉴明镜架批发部") && shopRows($0).count == height - 3 }
        #expect(table.contains(width >= 110 ? "商户 100 家 · 党支部 5 个" : "100 家 · 5 个支部"))
        #expect(table.contains("待评定"))
        let rows = shopRows(table)
        #expect(rows.count == height - 3)
        let nameColumns = Set(rows.map { row -> Int in
            let afterNumber = row.dropFirst(5).prefix { $0 == " " }.count
            return 5 + afterNumber
        })
        #expect(nameColumns.count == 1, "names start at one column: \(nameColumns)")
        #expect(FileManager.default.fileExists(atPath: data + "/events.log"))
        // As `chengxin init` does: the checkpoint key made, the first checkpoint signed, the
        // snapshot authenticated with it.
        #expect(FileManager.default.fileExists(atPath: key))
        #expect(FileManager.default.fileExists(atPath: data + "/checkpoints.txt"))
        #expect(FileManager.default.fileExists(atPath: data + "/snapshot.bin"))

        try tmux.send("?")
        _ = try tmux.waitFor("the help overlay") { $0.contains("按键帮助") }
        try tmux.send("Escape")
        _ = try tmux.waitFor("the help to close") { !$0.contains("按键帮助") }
        try tmux.send("q")
        #expect(tmux.waitForExit(), "q quits")
    }

    @Test func anotherProcesssAppendAppearsWithoutAKeyPress() throws {
        let binary = try #require(builtProduct("chengxin"))
        let stress = try #require(builtProduct("chengxin-log-stress"))
        let data = temporaryPath("e2e-live")
        let seeds = packageRoot.path + "/seeds"
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start("env LANG=C.UTF-8 TERM=xterm-256color CHENGXIN_DATA=\(data) CHENGXIN_KEY=\(temporaryPath("e2e-live-key"))/k CHENGXIN_SEEDS=\(seeds) \(binary)", width: 100, height: 30)
        _ = try tmux.waitFor("the first-run screen") { $0.contains("用随附名册创建数据目录") }

        // Another terminal initialises the data directory: the first-run screen turns into the table.
        let initialise = try runToCompletion([binary, "init", "--data", data, "--seeds", seeds, "--key", temporaryPath("e2e-key") + "/k.key"])
        #expect(initialise.status == 0)
        _ = try tmux.waitFor("the table to appear without a key press") { $0.contains("鉴明镜架批发部") && $0.contains("日志 217 条") }

        // Move the selection, then let another process append: the count changes, the selection stays.
        try tmux.send("j", "j", "j")
        _ = try tmux.waitFor("the selection to move") { $0.contains("4/100") }
        let writer = try ChildProcess([stress, "append", data, "1", "kiosk"])
        #expect(writer.wait() == 0)
        let after = try tmux.waitFor("the new event to show without a key press") { $0.contains("日志 218 条 · 已校验") }
        #expect(after.contains("4/100"))
        try tmux.send("q")
        #expect(tmux.waitForExit())
    }

    @Test func anInspectionWithASeriousFailureChangesTheStarsOnAnOpenDashboard() throws {
        let binary = try #require(builtProduct("chengxin"))
        let cli = DomainCLI(binary: binary)
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.path + "/seeds"]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager"], newPIN: "123456").status == 0)
        #expect(try cli.run(["inspection", "record", "--merchant", "A102", "--pass-all", "--date", "2026-03-02", "--as", "li"], pin: "123456").status == 0)
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(cli.dashboardCommand(), width: 80, height: 24)
        // The data directory has users now: log in first; a wrong PIN is refused.
        try tmux.loginRefused("li", "999999")
        try tmux.send("-l", "123456")
        try tmux.send("Enter")
        let first = try tmux.waitFor("the table") { $0.contains("天恒眼镜商行") }
        #expect(first.contains("li（市场管理方）") || first.contains("欢迎，li"))
        #expect(first.split(separator: "\n").first { $0.contains("A102") }?.contains("★★☆☆☆") == true, "a clean inspection: 60 points, 2 stars")
        #expect(first.split(separator: "\n").first { $0.contains("A101") }?.contains("待评定") == true)

        // Another terminal records a serious failure at A101: its row changes without a key press.
        #expect(try cli.run(["inspection", "record", "--merchant", "A101", "--pass-all", "--fail", "QUA-2:serious:验光仪过期", "--date", "2026-03-03", "--as", "li"], pin: "123456").status == 0)
        let after = try tmux.waitFor("A101's stars to change") { screen in
            screen.split(separator: "\n").first { $0.contains("A101") }?.contains("★☆☆☆☆") == true
        }
        #expect(after.contains("天恒眼镜商行"))
        try tmux.send("q")
        #expect(tmux.waitForExit())
    }

    @Test func typingChineseAndPinyinIntoTheSearchField() throws {
        let binary = try #require(builtProduct("chengxin"))
        let cli = DomainCLI(binary: binary)
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.path + "/seeds"]).status == 0)
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start("env LANG=C.UTF-8 TERM=xterm-256color CHENGXIN_DATA=\(cli.data) CHENGXIN_KEY=\(cli.key) \(binary)", width: 80, height: 24)
        _ = try tmux.waitFor("the table") { $0.contains("鉴明镜架批发部") }

        // Chinese arrives as UTF-8, as an IME commits it.
        try tmux.send("/")
        try tmux.send("-l", "老花镜")
        let typed = try tmux.waitFor("the typed text and the filtered rows") { $0.contains("/ 查找：老花镜") && $0.contains("丰泽老花镜") }
        let rows = typed.split(separator: "\n").filter { $0.range(of: #"^ [A-F]\d{3} "#, options: .regularExpression) != nil }
        #expect(!rows.isEmpty && rows.allSatisfy { $0.contains("老花镜") })
        try tmux.send("Enter")
        _ = try tmux.waitFor("the filter to stay") { $0.contains("查找“老花镜”") }

        // Pinyin initials: 高娟 → gj.
        try tmux.send("Escape")
        _ = try tmux.waitFor("the filter to clear") { $0.contains("1/100") }
        try tmux.send("/", "g", "j")
        _ = try tmux.waitFor("initials to find 高娟") { $0.contains("高娟") && $0.contains("/ 查找：gj") }
        // Open the shop and read how its rating is reached.
        try tmux.send("Enter")
        _ = try tmux.waitFor("the filter to apply") { $0.contains("查找“gj”") }
        try tmux.send("Enter")
        let shop = try tmux.waitFor("the shop screen") { $0.contains("【亮身份】") && $0.contains("经营者：高娟") }
        #expect(shop.contains("年度星级】"))
        try tmux.send("Escape")
        _ = try tmux.waitFor("the list again") { $0.contains("查找“gj”") }
        try tmux.send("q")
        #expect(tmux.waitForExit())
    }

    @Test func hostileTextNeverReachesTheTerminalRaw() throws {
        let binary = try #require(builtProduct("chengxin"))
        // A roster whose first shop has a name full of terminal control sequences.
        let seeds = temporaryPath("hostile-seeds")
        try FileManager.default.copyItem(atPath: packageRoot.path + "/seeds", toPath: seeds)
        let merchants = seeds + "/merchants.csv"
        var csv = try String(contentsOfFile: merchants, encoding: .utf8)
        let hostile = "恶意\u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}31m\u{202E}店"
        csv = csv.replacingOccurrences(of: "A101,鉴明镜架批发部,", with: "A101,\(hostile),")
        try csv.write(toFile: merchants, atomically: true, encoding: .utf8)
        let data = temporaryPath("hostile-data")
        let key = temporaryPath("hostile-key") + "/k"
        #expect(try runToCompletion([binary, "init", "--data", data, "--seeds", seeds, "--key", key]).status == 0)

        let tmux = Tmux()
        defer { tmux.kill() }
        let raw = temporaryPath("hostile-raw")
        try tmux.start("env LANG=C.UTF-8 TERM=xterm-256color CHENGXIN_DATA=\(data) CHENGXIN_KEY=\(key) \(binary)", width: 80, height: 24)
        // Everything the program writes to its terminal, byte for byte.
        try tmux.run(["pipe-pane", "-o", "-t", tmux.session, "cat >> \(raw)"], output: false)
        try tmux.send("C-l")  // not bound: it only makes the program draw again
        try tmux.send("/")
        try tmux.send("-l", "恶意")
        _ = try tmux.waitFor("the hostile shop to be shown") { $0.contains("恶意␛]0;pwned␇") }
        try tmux.send("Enter", "Enter")
        let shop = try tmux.waitFor("its shop screen") { $0.contains("【亮身份】") }
        // The shop screen's title shows the whole name, every control character made visible.
        #expect(shop.contains("恶意␛]0;pwned␇␛[2J") && shop.contains("¶店"))
        try tmux.send("q")
        #expect(tmux.waitForExit())
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: raw)))
        #expect(bytes.count > 1000, "the raw output was captured")
        func contains(_ needle: [UInt8]) -> Bool {
            guard needle.count <= bytes.count else { return false }
            return (0...(bytes.count - needle.count)).contains { Array(bytes[$0..<$0 + needle.count]) == needle }
        }
        #expect(!contains([0x1B] + Array("]0;pwned".utf8)), "no raw OSC")
        #expect(!contains(Array("pwned".utf8) + [0x07]), "no raw BEL")
        #expect(!contains([0xC2, 0x9B]), "no C1 CSI")
        #expect(!contains([0xE2, 0x80, 0xAE]), "no right-to-left override")
        #expect(contains(Array("恶意␛]0;pwned␇".utf8)), "the visible replacements were drawn")
    }

    @Test func recordAnInspectionWithASeriousFailureInTheDashboard() throws {
        let binary = try #require(builtProduct("chengxin"))
        let cli = DomainCLI(binary: binary)
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.path + "/seeds"]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager"], newPIN: "123456").status == 0)
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(cli.dashboardCommand(), width: 100, height: 30)
        try tmux.login("li", "123456")
        try tmux.send("/", "g", "j", "Enter")
        _ = try tmux.waitFor("the filter") { $0.contains("查找“gj”") }
        try tmux.send("Enter")
        _ = try tmux.waitFor("the shop screen") { $0.contains("【亮身份】") && $0.contains("待评定") }
        try tmux.send("i")
        _ = try tmux.waitFor("the inspection form") { $0.contains("记录检查：A101") }
        try tmux.send("j", "3")
        _ = try tmux.waitFor("the failure and its deadline") { $0.contains("不合格（严重）整改期限 2026-03-10") }
        // Enter shows what will be recorded in the shared question (否 highlighted); y records it.
        try tmux.send("Enter")
        _ = try tmux.waitFor("what will be recorded") { $0.contains("确认记录：检查") && $0.contains("不合格 1 项：ID-2（严重）") && $0.contains("记录（y）") }
        try tmux.send("y")
        let after = try tmux.waitFor("the stars to change") { $0.contains("【亮身份】") && $0.contains("★☆☆☆☆") }
        #expect(after.contains("A101  鉴明镜架批发部"))
        try tmux.send("q")
        #expect(tmux.waitForExit())
        // The inspection is in the log, by li, and the chain verifies.
        #expect(try cli.run(["log"]).output.contains("li  inspection.recorded"))
        #expect(try cli.run(["verify"]).status == 0)
    }

    @Test func aComplaintFiledAtTheKioskIsTakenToClosedInTheDashboard() throws {
        let binary = try #require(builtProduct("chengxin"))
        let cli = DomainCLI(binary: binary)
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.path + "/seeds"]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager"], newPIN: "123456").status == 0)
        #expect(try cli.run(["user", "add", "desk1", "--role", "kiosk", "--as", "li"], pin: "123456", newPIN: "555555").status == 0)
        let filed = try cli.run(["complaint", "file", "--merchant", "A101", "--category", "quality", "--integrity", "quality",
                                 "--text", "镜片有划痕，要求换货", "--phone", "13812341234", "--as", "desk1"], pin: "555555")
        let receipt = try #require(filed.output.split(separator: "\n").first?.split(separator: "：").last.map(String.init))
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(cli.dashboardCommand(), width: 100, height: 30)
        try tmux.login("li", "123456")
        // Every key from the table to the closed case is counted (each step is asked about first).
        var keys = 0
        try tmux.press("4", count: &keys)
        _ = try tmux.waitFor("the queue") { $0.contains(receipt) }
        try tmux.press("Enter", count: &keys)
        _ = try tmux.waitFor("the case") { $0.contains("投诉 \(receipt)  已登记") && $0.contains("138****1234") }
        // accept → mediate → resolve (with an outcome typed in Chinese) → follow up → close
        for (label, state) in [("受理", "已受理"), ("开始调解", "调解中")] {
            try tmux.press("a", count: &keys)
            _ = try tmux.waitFor("the menu") { $0.contains("▶ \(label)") }
            try tmux.press("Enter", count: &keys)
            _ = try tmux.waitFor("the question") { $0.contains("确认记录：\(label) \(receipt)") && $0.contains("[ 记录（y） ]") }
            try tmux.press("y", count: &keys)
            _ = try tmux.waitFor(state) { $0.contains("投诉 \(receipt)  \(state)") }
        }
        try tmux.press("a", count: &keys)
        _ = try tmux.waitFor("the menu") { $0.contains("▶ 调解解决") }
        try tmux.press("Enter", count: &keys)
        _ = try tmux.waitFor("the outcome field") { $0.contains("调解结果") }
        try tmux.press("免费更换镜片", literally: true, count: &keys)
        // 属实 or 不属实 has no default: Enter asks for it; → picks 属实.
        try tmux.press("Enter", count: &keys)
        _ = try tmux.waitFor("the finding asked for") { $0.contains("是否属实") && $0.contains("必填") }
        try tmux.press("Right", count: &keys)
        try tmux.press("Enter", count: &keys)
        _ = try tmux.waitFor("the question") { $0.contains("确认记录：调解结果") && $0.contains("结果：免费更换镜片") && $0.contains("是否属实：属实") }
        try tmux.press("y", count: &keys)
        _ = try tmux.waitFor("resolved") { $0.contains("投诉 \(receipt)  已调解解决") }
        try tmux.press("a", "Enter", count: &keys)
        _ = try tmux.waitFor("the satisfaction list") { $0.contains("消费者是否满意") }
        try tmux.press("Enter", count: &keys)
        _ = try tmux.waitFor("the question") { $0.contains("回访：满意（已调解解决 → 已回访）") }
        try tmux.press("y", count: &keys)
        _ = try tmux.waitFor("followed up") { $0.contains("投诉 \(receipt)  已回访") }
        try tmux.press("a", "Enter", count: &keys)
        _ = try tmux.waitFor("the question") { $0.contains("办结（已回访 → 已办结）") }
        try tmux.press("y", count: &keys)
        let closed = try tmux.waitFor("closed") { $0.contains("投诉 \(receipt)  已办结") }
        #expect(closed.contains("13812341234"), "the handler sees the phone number")
        // From the tab to the closed case, the outcome's six characters included (docs/guide-manager.md, 4.6).
        #expect(keys == 27, "filed → closed took \(keys) keys")
        try tmux.send("q")
        #expect(tmux.waitForExit())
        let status = try cli.run(["complaint", "status", receipt]).output
        #expect(status.contains("当前状态：已办结") && status.contains("调解解决（属实）：免费更换镜片") && status.contains("回访：满意"))
    }

    /// Issue 18, item 3: a complaint filed today, behind fifteen overdue ones, found by its receipt
    /// code and closed from the overview in ten keys or fewer, every key counted.
    @Test func aComplaintIsFoundByItsReceiptAndClosedInTenKeys() throws {
        let binary = try #require(builtProduct("chengxin"))
        let cli = DomainCLI(binary: binary)
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.path + "/seeds"]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager"], newPIN: "123456").status == 0)
        #expect(try cli.run(["user", "add", "desk1", "--role", "kiosk", "--as", "li"], pin: "123456", newPIN: "555555").status == 0)
        // Fifteen complaints filed a month ago, never answered: overdue.
        for n in 0..<15 {
            let filed = try runToCompletion(["/usr/bin/env", "-i", "CHENGXIN_TODAY=2026-02-02", "CHENGXIN_DATA=\(cli.data)", "CHENGXIN_KEY=\(cli.key)", "LANG=C.UTF-8",
                                             "CHENGXIN_PIN=555555", binary, "complaint", "file", "--merchant", "B10\(n % 9 + 1)", "--category", "service",
                                             "--integrity", "consumer", "--text", "态度差（\(n)）", "--as", "desk1"])
            #expect(filed.status == 0, "\(filed.errors)")
        }
        // Today's, taken as far as the follow-up from the command line.
        let filed = try cli.run(["complaint", "file", "--merchant", "A101", "--category", "quality", "--integrity", "quality",
                                 "--text", "镜片有划痕，要求换货", "--phone", "13812341234", "--as", "desk1"], pin: "555555")
        let receipt = try #require(filed.output.split(separator: "\n").first?.split(separator: "：").last.map(String.init))
        for step in [["accept"], ["resolve", "--outcome", "免费更换镜片", "--amount", "680", "--upheld", "yes"], ["follow-up", "--satisfaction", "satisfied"]] {
            #expect(try cli.run(["complaint", "update", receipt] + step + ["--as", "li"], pin: "123456").status == 0)
        }
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(cli.dashboardCommand(), width: 80, height: 24)
        try tmux.login("li", "123456")
        try tmux.send("1")
        _ = try tmux.waitFor("the overview") { $0.contains("年度星级分布") }

        var keys = 0
        try tmux.press("4", count: &keys)
        let queue = try tmux.waitFor("the queue") { $0.contains(receipt) }
        let rows = queue.split(separator: "\n")
        let row = try #require(rows.firstIndex { $0.contains(receipt) })
        #expect(rows[..<row].filter { $0.contains("逾期") }.count == 15, "behind fifteen overdue cases")
        #expect(rows[row].contains("今天"), "marked as filed today: \(rows[row])")
        // Its first four characters find it (any case, with or without the dash).
        try tmux.press("/", count: &keys)
        try tmux.press(String(receipt.prefix(4)).lowercased(), literally: true, count: &keys)
        _ = try tmux.waitFor("one case found") { screen in
            screen.contains("/ 查找：\(receipt.prefix(4).lowercased())") && screen.contains(receipt)
                && screen.split(separator: "\n").filter { $0.range(of: #"[2-9A-Z]{4}-[2-9A-Z]{4}"#, options: .regularExpression) != nil }.count == 1
        }
        try tmux.press("Enter", count: &keys)
        // Waited for whole: a capture can catch the page half drawn (its title before its lines).
        let page = try tmux.waitFor("the case page with its result and follow-up") {
            $0.contains("投诉 \(receipt)  已回访") && $0.contains("结果：调解解决（属实）：免费更换镜片（金额 680.00 元）") && $0.contains("回访：满意")
        }
        #expect(page.contains("结果：调解解决（属实）：免费更换镜片（金额 680.00 元）") && page.contains("回访：满意"), "\(page)")
        try tmux.press("a", count: &keys)
        _ = try tmux.waitFor("the menu") { $0.contains("▶ 办结") }
        try tmux.press("Enter", count: &keys)
        _ = try tmux.waitFor("the question") { $0.contains("确认记录：办结 \(receipt)") && $0.contains("办结（已回访 → 已办结）") }
        try tmux.press("y", count: &keys)
        _ = try tmux.waitFor("closed") { $0.contains("投诉 \(receipt)  已办结") }
        #expect(keys <= 10, "found and closed in \(keys) keys")
        #expect(keys == 10)
        try tmux.send("q")
        #expect(tmux.waitForExit())
        #expect(try cli.run(["complaint", "status", receipt]).output.contains("当前状态：已办结"))
    }

    @Test func aSecretaryEntersPointsOnlyInTheBranchAndAManagerApprovesThemElsewhere() throws {
        let binary = try #require(builtProduct("chengxin"))
        let cli = DomainCLI(binary: binary)
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.path + "/seeds"]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager"], newPIN: "123456").status == 0)
        #expect(try cli.run(["user", "add", "wang", "--role", "secretary", "--branch", "2", "--as", "li"], pin: "123456", newPIN: "222222").status == 0)
        let environment = cli.dashboardCommand()
        let secretary = Tmux()
        defer { secretary.kill() }
        // 31 lines: the shop page shows its points entries below the identity, the member owners and the pledges.
        try secretary.start(environment, width: 100, height: 31)
        _ = try secretary.waitFor("the login screen") { $0.contains("用户名：") }
        try secretary.send("-l", "wang")
        try secretary.send("Tab")
        try secretary.send("-l", "222222")
        try secretary.send("Enter")
        let list = try secretary.waitFor("the branch's shops") { $0.contains("亮点镜片批发部") && $0.contains("1/19") }
        #expect(!list.contains("鉴明镜架批发部"), "another branch's shops are not listed")
        // Another branch's shop cannot be found, so nothing can be recorded for it.
        try secretary.send("/", "a", "1", "0", "1", "Enter")
        _ = try secretary.waitFor("no match outside the branch") { $0.contains("查找“a101”：0 家") }
        try secretary.send("Escape")
        _ = try secretary.waitFor("the list again") { $0.contains("1/19") }
        // Points for the branch's first shop (B101): 比服务, 20, evidence in Chinese.
        try secretary.send("Enter")
        _ = try secretary.waitFor("the shop") { $0.contains("【亮身份】") && $0.contains("p 贡献分") }
        try secretary.send("p")
        _ = try secretary.waitFor("the points form") { $0.contains("登记贡献分") }
        // Typed at once, the points go into their field; the kind is a Shift-Tab away.
        try secretary.send("-l", "20")
        _ = try secretary.waitFor("the points typed") { $0.contains("分值（1–40）*  20") }
        try secretary.send("BTab", "Right", "Tab", "Tab")
        try secretary.send("-l", "组织义务验光进社区")
        try secretary.send("Enter")
        _ = try secretary.waitFor("the question") { $0.contains("确认记录：登记贡献分") && $0.contains("依据：组织义务验光进社区") }
        try secretary.send("y")
        _ = try secretary.waitFor("the entry on the shop screen") { $0.contains("比服务 +20  组织义务验光进社区  待审批") }

        // The manager, in another terminal, approves it from the reviews tab.
        let manager = Tmux()
        defer { manager.kill() }
        try manager.start(environment, width: 100, height: 30)
        try manager.login("li", "123456")
        try manager.send("7")
        _ = try manager.waitFor("the reviews tab") { $0.contains("待审批贡献分 1 条") && $0.contains("组织义务验光进社区") }
        try manager.send("Enter")
        _ = try manager.waitFor("the approval asked about") { $0.contains("确认记录：审批贡献分") && $0.contains("登记人 wang") }
        try manager.send("y")
        _ = try manager.waitFor("nothing left to approve") { $0.contains("待审批贡献分 0 条") }
        // The secretary's open screen shows the approval without a key press.
        _ = try secretary.waitFor("the approval to appear live") { $0.contains("比服务 +20  组织义务验光进社区  li 已审批") }
        try manager.send("q")
        try secretary.send("q")
        #expect(manager.waitForExit() && secretary.waitForExit())
        let log = try cli.run(["log"]).output
        #expect(log.contains("wang  contribution.recorded") && log.contains("li  contribution.approved"))
    }

    @Test func anExportFromTheDashboardWritesTheFileWithItsProgress() throws {
        let binary = try #require(builtProduct("chengxin"))
        let cli = DomainCLI(binary: binary)
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.path + "/seeds"]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager"], newPIN: "123456").status == 0)
        let home = temporaryPath("export-home")
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(cli.dashboardCommand("HOME=\(home)"), width: 100, height: 30)
        try tmux.login("li", "123456")
        try tmux.send("e")
        _ = try tmux.waitFor("the export form") { $0.contains("导出商户名册") }
        try tmux.send("Enter")
        let path = home + "/chengxin-exports/merchants-2026-03-03.csv"
        _ = try tmux.waitFor("the export to finish") { $0.contains("已导出 100 行到") }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.prefix(3) == [0xEF, 0xBB, 0xBF], "a BOM for Excel")
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text.contains("A101,鉴明镜架批发部") && text.split(separator: "\r\n").count == 101)
        try tmux.send("q")
        #expect(tmux.waitForExit())
    }
}
