import Foundation
import Testing
import TestSupport

/// The operational log (`--oplog`, `$CHENGXIN_OPLOG`) of the real dashboard and kiosk in tmux:
/// what they did, line by line, and never a PIN.
@Suite("Operational log in tmux", .serialized)
struct OperationalLogTmuxTests {
    /// The lines of the log at `path` once `condition` holds for them (the program writes them as
    /// it goes; the exit line is written as it ends).
    static func lines(_ path: String, until condition: ([String]) -> Bool) -> [String] {
        var lines: [String] = []
        _ = waitUntil(timeout: 10) {
            lines = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            return condition(lines)
        }
        return lines
    }

    @Test func theDashboardLogsItsStartTheSignInsAndItsExitWithoutAPIN() throws {
        let (_, cli) = try KioskTmuxTests.prepared()
        let oplog = temporaryPath("oplog") + "/state/chengxin.log"
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(cli.dashboardCommand() + " --oplog \(oplog)",
                       width: 100, height: 30)
        try tmux.loginRefused("li", "999999")
        try tmux.send("-l", "123456")
        try tmux.send("Enter")
        _ = try tmux.waitFor("the table") { $0.contains("鉴明镜架批发部") }
        try tmux.send("q")
        #expect(tmux.waitForExit())

        let lines = Self.lines(oplog) { $0.last?.contains(": exit") == true }
        let start = try #require(lines.first)
        #expect(start.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00 info dashboard\[\d+\]: start "#, options: .regularExpression) != nil, "\(start)")
        #expect(start.contains(" data=\(cli.data)") && start.contains(" size=100x30") && start.contains(" term=xterm-256color") && start.contains(" locale=\"LANG=C.UTF-8\""))
        #expect(lines.contains { $0.contains("sign-in refused") && $0.contains(" user=li") })
        #expect(lines.contains { $0.contains("signed in") && $0.contains(" user=li") && $0.contains(" ms=") })
        #expect(lines.contains { $0.contains("start-up check ended") })
        #expect(lines.last?.hasSuffix("notice dashboard[" + (start.split(separator: "[")[1].split(separator: "]")[0]) + "]: exit") == true)
        let all = lines.joined(separator: "\n")
        #expect(!all.contains("123456") && !all.contains("999999"), "no PIN in the operational log:\n\(all)")
    }

    @Test func theKioskLogsItsSignInAndTheSignalThatEndsIt() throws {
        let (binary, cli) = try KioskTmuxTests.prepared()
        let oplog = temporaryPath("oplog") + "/chengxin.log"
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(KioskTmuxTests.kioskCommand(binary, cli, extra: "--oplog \(oplog)"), width: 100, height: 30)
        _ = try tmux.waitFor("the home screen") { $0.contains("投诉登记") }
        // SIGTERM, as a service is stopped: the exit note is written by the signal handler.
        tmux.kill()

        let lines = Self.lines(oplog) { $0.last?.contains(": exit") == true }
        #expect(lines.first?.contains("info kiosk[") == true && lines.first?.contains(": start ") == true)
        #expect(lines.contains { $0.contains("start-up check ended") && $0.contains(" verified=") })
        #expect(lines.contains { $0.contains("signed in") && $0.contains(" user=desk1") })
        #expect(lines.last?.hasSuffix(": exit signal=SIGTERM") == true, "\(lines)")
        #expect(!lines.joined().contains("555555"))
    }

    @Test func anOperationalLogThatCannotBeWrittenIsSaidOnceAndTheScreenStillStarts() throws {
        let (_, cli) = try KioskTmuxTests.prepared()
        let tmux = Tmux()
        defer { tmux.kill() }
        // Inside the data directory: refused (said on stderr before the screen), nothing written there.
        try tmux.start(cli.dashboardCommand("CHENGXIN_OPLOG=\(cli.data)/op.log"),
                       width: 100, height: 30)
        _ = try tmux.waitFor("the login screen") { $0.contains("用户名：") }
        tmux.kill()
        #expect(!FileManager.default.fileExists(atPath: cli.data + "/op.log"))
    }
}
