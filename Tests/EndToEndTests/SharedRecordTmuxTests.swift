import Foundation
import Testing
import TestSupport

/// Two seats of one shared record (issue 21) as people see them: a dashboard in tmux on one seat's
/// copy shows, without a key press, a complaint filed from another seat (another data directory,
/// as another machine would have); when the server goes, its status bar says so, and when it
/// returns the dashboard reconnects by itself and goes on showing what the other seat files.
@Suite("Seats of a shared record in tmux", .serialized, .enabled(if: PostgresCluster.unavailable == nil, "\(PostgresCluster.unavailable ?? "")"))
struct SharedRecordTmuxTests {
    @Test func aDashboardSeesAnotherSeatsComplaintAndSaysWhenTheRecordIsOutOfReach() throws {
        let binary = try #require(builtProduct("chengxin"))
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        let seatA = temporaryPath("tmux-seat-a"), seatB = temporaryPath("tmux-seat-b")
        let keyA = temporaryPath("tmux-key-a") + "/k.key", keyB = temporaryPath("tmux-key-b") + "/k.key"
        let seeds = packageRoot.path + "/seeds"
        let initialise = try runToCompletion([binary, "init", "--demo", "--store", cluster.url, "--data", seatA, "--key", keyA, "--seeds", seeds])
        #expect(initialise.status == 0, "\(initialise.errors)")

        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start("env LANG=C.UTF-8 TERM=xterm-256color CHENGXIN_TODAY=2026-11-30 CHENGXIN_STORE='\(cluster.url)' CHENGXIN_DATA=\(seatA) CHENGXIN_KEY=\(keyA) \(binary)",
                       width: 120, height: 40)
        try tmux.login("zhuren", "111111")
        try tmux.send("4")
        _ = try tmux.waitFor("the complaint queue") { $0.contains("受理编号") }

        func fileFromSeatB(_ text: String) throws -> String {
            let child = try ChildProcess(["/usr/bin/env", "CHENGXIN_PIN=300000", "CHENGXIN_TODAY=2026-11-30", binary, "complaint", "file", "--store", cluster.url,
                                          "--data", seatB, "--key", keyB, "--as", "fuwutai", "--merchant", "A101", "--category", "price",
                                          "--integrity", "price", "--text", text])
            #expect(child.wait() == 0, "\(child.errorOutput)")
            return try #require(child.output.split(separator: "\n").first { $0.hasPrefix("受理编号：") }.map { String($0.dropFirst(5)) })
        }
        let first = try fileFromSeatB("价签与收款不符")
        _ = try tmux.waitFor("the other seat's complaint without a key press") { $0.contains(first) }

        try cluster.stopServer()
        _ = try tmux.waitFor("the status bar to say the record is out of reach") { $0.contains("连不上共享记录库：只读，正在自动重连") }
        try cluster.startServer()
        _ = try tmux.waitFor("the dashboard to reconnect by itself") { $0.contains("已校验") && !$0.contains("连不上共享记录库") }
        let second = try fileFromSeatB("收款多收十元")
        _ = try tmux.waitFor("the next complaint, after the reconnection") { $0.contains(second) }
        try tmux.send("q")
        #expect(tmux.waitForExit())
    }
}
