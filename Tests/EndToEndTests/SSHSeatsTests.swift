import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Seats over SSH (issue 22, docs/guide-admin.md "Seats over SSH"): a real sshd on the loopback
/// whose `ForceCommand` puts whoever logs in into the dashboard or into the kiosk, never a shell.
/// The guide's set-up is one account per person and a kiosk account (`Match Group` / `Match User`);
/// here one account has a way in per port (`Match LocalPort`), so that no system account is made.
@Suite("Seats over SSH", .serialized)
struct SSHSeatsTests {
    /// The forced commands: the guide's, with the test's data directory, key and operational log
    /// (the remote side gets only what the command sets, the terminal's TERM and what sshd accepts).
    static func forced(_ binary: String, _ cli: DomainCLI, _ arguments: String) -> String {
        "exec env LANG=C.UTF-8 CHENGXIN_TODAY=2026-03-03 CHENGXIN_KEY=\(cli.key) CHENGXIN_OPLOG=\(testScratchFolder)/oplog-ssh.log \(binary) \(arguments) --data \(cli.data)"
    }

    /// The processes whose command line names `data` (the remote dashboard and kiosk).
    static func processes(naming data: String) -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
            guard let pid = pid_t(entry), let line = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(entry)/cmdline")) else { return nil }
            return String(decoding: line, as: UTF8.self).contains(data) ? pid : nil
        }
    }

    @Test(.enabled(if: SSHServer.unavailable == nil, "OpenSSH (sshd, ssh, ssh-keygen) is installed: .ci/run installs openssh-server and openssh-client"))
    func aComplaintFiledAtTheKioskOverSSHIsSeenLiveOnADashboardOverSSH() throws {
        let (binary, cli) = try KioskTmuxTests.prepared()
        // The guide's Match blocks: no forwarding of any kind, no ~/.ssh/rc, the command forced.
        let locked = ["DisableForwarding yes", "PermitTunnel no", "PermitUserRC no"]
        let server = try SSHServer(perPort: [
            locked + ["ForceCommand " + Self.forced(binary, cli, "")],
            locked + ["ForceCommand " + Self.forced(binary, cli, "kiosk --as desk1")],
            // What the forced commands' programs find in their environment.
            locked + ["ForceCommand exec env LANG=C.UTF-8 /usr/bin/env"],
        ])
        defer { server.stop() }

        // TERM comes from the client's terminal; LANG from the forced command; a command asked
        // for (here a shell) is not run, only handed over as SSH_ORIGINAL_COMMAND.
        let probe = try runToCompletion(["/usr/bin/env", "TERM=xterm-256color"] + server.sshCommand(port: 2, remote: ["/bin/sh", "-i"]))
        #expect(probe.status == 0, "\(probe.errors)\n\(server.log)")
        let environment = Set(probe.output.components(separatedBy: .newlines).map { $0.trimmingCharacters(in: .whitespaces) })
        #expect(environment.contains("TERM=xterm-256color") && environment.contains("LANG=C.UTF-8"), "\(probe.output)")
        #expect(environment.contains("SSH_ORIGINAL_COMMAND=/bin/sh -i"), "\(probe.output)")

        func seat(_ port: Int) -> String {
            "exec env TERM=xterm-256color " + server.sshCommand(port: port).joined(separator: " ")
        }
        // A manager's dashboard, open on the complaint queue.
        let dashboard = Tmux()
        defer { dashboard.kill() }
        try dashboard.start(seat(0), width: 120, height: 40)
        try dashboard.login("li", "123456")
        try dashboard.send("4")
        _ = try dashboard.waitFor("the complaint queue") { $0.contains("投诉") && $0.contains("li") }
        let before = try dashboard.screen()

        // The kiosk asks its PIN once over the connection (not echoed), then shows its home screen.
        let kiosk = Tmux()
        defer { kiosk.kill() }
        try kiosk.start(seat(1), width: 80, height: 24)
        _ = try kiosk.waitFor("the PIN prompt") { $0.contains("desk1 的 PIN：") }
        try kiosk.send("-l", "555555")
        try kiosk.send("Enter")
        let home = try kiosk.waitFor("the home screen") { $0.contains("投诉登记") && $0.contains("诚信公示") }
        #expect(!home.contains("555555"))

        // The lockdown holds over ssh: the keys that end or suspend a program reach the kiosk as keys.
        // (Not Escape: an Escape and the next key can reach the kiosk in one read, as Alt and that key.)
        for key in ["C-c", "C-z", "C-\\", "C-d", "q"] { try kiosk.send(key) }
        try kiosk.send("3")
        _ = try kiosk.waitFor("the board, the kiosk still answering") { $0.contains("共 100 家") }
        try kiosk.send("Escape")
        _ = try kiosk.waitFor("home again") { $0.contains("诚信公示") && $0.contains("1 / 2 / 3") }
        #expect(kiosk.isRunning())

        // A complaint, in Chinese, each step waited for (keys sent together with text are a paste).
        try kiosk.send("1")
        _ = try kiosk.waitFor("step 1") { $0.contains("消费者是在哪家店买的？") }
        try kiosk.send("-l", "鉴明")
        _ = try kiosk.waitFor("the shop found by name") { $0.contains("A101  鉴明镜架批发部") }
        try kiosk.send("Enter")
        _ = try kiosk.waitFor("step 2") { $0.contains("遇到的是什么问题？") }
        try kiosk.send("Enter")
        _ = try kiosk.waitFor("step 3") { $0.contains("请写下发生了什么") }
        let story = "通过远程登录的服务台登记：镜腿断了"
        try kiosk.send("-l", story)
        _ = try kiosk.waitFor("the story as typed") { $0.contains(story) && $0.contains("已输入 \(story.count) 字") }
        try kiosk.send("Enter")
        _ = try kiosk.waitFor("step 4") { $0.contains("涉及多少钱？") }
        try kiosk.send("Enter")
        _ = try kiosk.waitFor("step 5") { $0.contains("消费者希望怎么解决？") }
        try kiosk.send("Enter")
        _ = try kiosk.waitFor("step 6") { $0.contains("留下姓名和电话吗？") }
        try kiosk.send("Tab", "Tab", "Enter")
        let review = try kiosk.waitFor("the review") { $0.contains("请和消费者一起核对") }
        #expect(review.contains("3 经过：" + story))
        try kiosk.send("Enter")
        let receipt = try kiosk.waitFor("the receipt") { $0.contains("答复是否受理") }
        let code = try #require(KioskTmuxTests.receipt(on: receipt), "a receipt code on:\n\(receipt)")

        // The dashboard shows it without a key press.
        let queue = try dashboard.waitFor("the new complaint in the open queue") { $0.contains(code) }
        #expect(queue.split(separator: "\n").first { $0.contains(code) }?.contains("A101") == true, "before:\n\(before)\nafter:\n\(queue)")
        #expect(try cli.run(["verify"]).status == 0)

        // Ending the kiosk ends the session: the connection closes, no shell is left.
        let remote = Self.processes(naming: cli.data)
        #expect(remote.count == 2, "the dashboard and the kiosk: \(remote)")
        let kioskProcess = try #require(remote.first { pid in
            ((try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))).map { String(decoding: $0, as: UTF8.self) } ?? "").contains("kiosk")
        })
        #expect(kill(kioskProcess, SIGTERM) == 0)
        #expect(kiosk.waitForExit(timeout: 20), "the ssh session ends with the kiosk")
        // Quitting the dashboard ends its session too; a lost connection (the client killed)
        // would hang up the remote program (SIGHUP ends it).
        try dashboard.send("q")
        #expect(dashboard.waitForExit(timeout: 20))
        #expect(waitUntil(timeout: 20) { Self.processes(naming: cli.data).isEmpty }, "no remote program left")
    }

    @Test(.enabled(if: SSHServer.unavailable == nil, "OpenSSH (sshd, ssh, ssh-keygen) is installed: .ci/run installs openssh-server and openssh-client"))
    func aLostConnectionEndsTheRemoteKiosk() throws {
        let (binary, cli) = try KioskTmuxTests.prepared()
        let server = try SSHServer(perPort: [["DisableForwarding yes", "ForceCommand " + Self.forced(binary, cli, "kiosk --as desk1")]])
        defer { server.stop() }
        let kiosk = Tmux()
        defer { kiosk.kill() }
        try kiosk.start("exec env TERM=xterm-256color " + server.sshCommand(port: 0).joined(separator: " "), width: 80, height: 24)
        _ = try kiosk.waitFor("the PIN prompt") { $0.contains("desk1 的 PIN：") }
        try kiosk.send("-l", "555555")
        try kiosk.send("Enter")
        _ = try kiosk.waitFor("the home screen") { $0.contains("投诉登记") }
        #expect(Self.processes(naming: cli.data).count == 1)
        // The office PC switched off: the client gone without a word.
        let client = try #require(pid_t(try kiosk.run(["display-message", "-p", "-t", kiosk.session, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(client, SIGKILL) == 0)
        #expect(waitUntil(timeout: 20) { Self.processes(naming: cli.data).isEmpty }, "the remote kiosk hung up")
    }
}
