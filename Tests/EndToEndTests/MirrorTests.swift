import Foundation
import Testing
import TestSupport

/// `chengxin mirror` and `chengxin restore` as an administrator runs them (issue 22): real
/// processes on real directories, and over a real `sshd` on the loopback.
struct MirrorCLI {
    let binary: String
    let folder = temporaryPath("mirror")
    var data: String { folder + "/data" }
    var key: String { folder + "/key/checkpoint.key" }

    init() throws {
        binary = try #require(builtProduct("chengxin"))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// The environment every run gets (no home folder touched), then `extra`.
    func environment(_ extra: [String] = []) -> [String] {
        ["LANG=C.UTF-8", "CHENGXIN_DATA=\(data)", "CHENGXIN_KEY=\(key)", "XDG_CONFIG_HOME=\(folder)/config", "XDG_STATE_HOME=\(folder)/state",
         "CHENGXIN_OPLOG=\(folder)/oplog.log", "PATH=/usr/bin:/bin"] + extra
    }

    func run(_ arguments: [String], extra: [String] = []) throws -> (status: Int32, output: String, errors: String) {
        try runToCompletion(["/usr/bin/env", "-i"] + environment(extra) + [binary] + arguments)
    }

    /// A pledge recorded by the demo's market manager (an acknowledged record) in `directory`.
    func append(_ text: String, to directory: String? = nil) throws -> Int32 {
        try run(["pledge", "add", "--merchant", "A101", "--integrity", "consumer", "--text", text, "--as", "zhuren", "--data", directory ?? data],
                extra: ["CHENGXIN_PIN=111111"]).status
    }

    func initDemo() throws {
        let made = try run(["init", "--demo", "--seeds", packageRoot.appendingPathComponent("seeds").path])
        #expect(made.status == 0, "\(made.errors)")
    }

    static func log(_ directory: String) -> Data? {
        FileManager.default.contents(atPath: directory + "/events.log")
    }

    /// The `SEQ:HASH` a mirror printed as its head.
    static func anchor(_ output: String) -> String? {
        output.split(separator: "\n").first { $0.hasPrefix("mirror head anchor: ") }.map { String($0.dropFirst("mirror head anchor: ".count)) }
    }

    /// Flips one bit of the byte at `offset` of the log in `directory`.
    static func flip(_ directory: String, at offset: Int) throws {
        var bytes = try #require(log(directory))
        bytes[offset] ^= 1
        try bytes.write(to: URL(fileURLWithPath: directory + "/events.log"))
    }
}

@Suite("Mirrors and restore drills")
struct MirrorTests {
    @Test func aRestoreDrillLosesNothingMirrored() throws {
        let cli = try MirrorCLI()
        let mirror = cli.folder + "/usb/chengxin"
        try cli.initDemo()
        #expect(try cli.append("演练一") == 0)
        let first = try cli.run(["mirror", "--to", mirror, "--lang", "en"])
        #expect(first.status == 0 && first.output.contains("held 0 records") && first.output.contains("checked on arrival"), "\(first.output)\(first.errors)")
        #expect(try cli.append("演练二") == 0)
        #expect(try cli.append("演练三") == 0)
        let second = try cli.run(["mirror", "--to", mirror, "--lang", "en"])
        #expect(second.status == 0 && second.output.contains("held 1144 records, copied 2,"), "\(second.output)\(second.errors)")
        let head = try #require(MirrorCLI.anchor(second.output))
        let acknowledged = try #require(MirrorCLI.log(cli.data))
        #expect(MirrorCLI.log(mirror) == acknowledged, "the mirror is the log, byte for byte")
        #expect(try cli.run(["verify", "--data", mirror]).status == 0, "the mirror verifies on its own")

        // The primary destroyed, brought back from the mirror and proved with the head printed before.
        try FileManager.default.removeItem(atPath: cli.data)
        let restored = try cli.run(["restore", "--from", mirror, "--anchor", head, "--lang", "en"])
        #expect(restored.status == 0 && restored.output.hasPrefix("intact: "), "\(restored.output)\(restored.errors)")
        #expect(MirrorCLI.log(cli.data) == acknowledged, "every record acknowledged up to the last mirror, byte for byte")
        #expect(try cli.append("恢复之后") == 0, "the restored directory takes appends")
        #expect(try cli.run(["verify", "--anchor", head]).status == 0)

        // An anchor the mirror does not extend: the verdict is verify's.
        let elsewhere = cli.folder + "/elsewhere"
        let wrong = try cli.run(["restore", "--from", mirror, "--to", elsewhere, "--anchor", "3:" + String(repeating: "0", count: 64), "--lang", "en"])
        #expect(wrong.status == 1 && wrong.output.hasPrefix("damaged: anchor not extended"), "\(wrong.output)\(wrong.errors)")
        // A data directory that is not a prefix of the mirror is not overwritten.
        let over = try cli.run(["restore", "--from", mirror, "--lang", "en"])
        #expect(over.status == 1 && over.errors.contains("neither empty nor a prefix"), "\(over.errors)")
    }

    @Test func aDivergedOrDamagedMirrorIsRefusedAndLeftUnchanged() throws {
        let cli = try MirrorCLI()
        let mirror = cli.folder + "/mirror", diverged = cli.folder + "/diverged"
        try cli.initDemo()
        #expect(try cli.run(["mirror", "--to", mirror]).status == 0)
        try FileManager.default.copyItem(atPath: mirror, toPath: diverged)
        #expect(try cli.append("只在镜像里", to: diverged) == 0)
        #expect(try cli.append("主目录一") == 0)
        #expect(try cli.append("主目录二") == 0)
        let before = MirrorCLI.log(diverged)
        let refused = try cli.run(["mirror", "--to", diverged, "--lang", "en"])
        #expect(refused.status == 1 && refused.errors.contains("record 1144 differs") && refused.errors.contains("nothing was changed"), "\(refused.errors)")
        #expect(MirrorCLI.log(diverged) == before)

        try MirrorCLI.flip(mirror, at: 5000)
        let damaged = MirrorCLI.log(mirror)
        let found = try cli.run(["mirror", "--to", mirror, "--lang", "en"])
        #expect(found.status == 1 && found.errors.contains("checksum mismatch"), "\(found.errors)")
        #expect(MirrorCLI.log(mirror) == damaged)
    }
}

/// The same over SSH, to a real `sshd` on the loopback; skipped, with the reason, where none can run.
@Suite("Mirrors over SSH", .enabled(if: SSHServer.unavailable == nil, "\(SSHServer.unavailable ?? "")"))
struct MirrorOverSSHTests {
    @Test func aMirrorOnAnotherMachineIsKeptRefusedWhenDivergedAndRestoredFrom() throws {
        let server = try SSHServer(perPort: [[]])
        defer { server.stop() }
        let cli = try MirrorCLI()
        // The other machine's chengxin (this one, with an environment of the tests' own).
        let remote = (["env"] + cli.environment() + [cli.binary]).joined(separator: " ")
        let ssh = server.sshOptions(port: 0).joined(separator: " ")
        func mirror(_ directory: String) throws -> (status: Int32, output: String, errors: String) {
            try cli.run(["mirror", "--to", "\(server.user)@\(server.host):\(directory)", "--ssh", ssh, "--remote-command", remote, "--lang", "en"])
        }
        let far = cli.folder + "/far", diverged = cli.folder + "/far-diverged"
        try cli.initDemo()
        let first = try mirror(far)
        #expect(first.status == 0 && first.output.contains("held 0 records, copied 1143"), "\(first.output)\(first.errors)")
        #expect(try cli.append("远程一") == 0)
        let second = try mirror(far)
        #expect(second.status == 0 && second.output.contains("held 1143 records, copied 1,"), "\(second.output)\(second.errors)")
        #expect(MirrorCLI.log(far) == MirrorCLI.log(cli.data))
        #expect(FileManager.default.contents(atPath: far + "/checkpoints.txt") == FileManager.default.contents(atPath: cli.data + "/checkpoints.txt"))
        #expect(try cli.run(["verify", "--data", far]).status == 0)

        // Diverged: found by asking the other side for chain hashes; nothing changed there.
        try FileManager.default.copyItem(atPath: far, toPath: diverged)
        #expect(try cli.append("只在远程", to: diverged) == 0)
        #expect(try cli.append("本机二") == 0)
        #expect(try cli.append("本机三") == 0)
        let before = MirrorCLI.log(diverged)
        let refused = try mirror(diverged)
        #expect(refused.status == 1 && refused.errors.contains("record 1145 differs"), "\(refused.errors)")
        #expect(MirrorCLI.log(diverged) == before)

        // Damaged there: found by the receiving side, which checks its mirror as any reader does.
        try MirrorCLI.flip(diverged, at: 5000)
        let damaged = try mirror(diverged)
        #expect(damaged.status == 1 && damaged.errors.contains("checksum mismatch"), "\(damaged.errors)")

        // The primary lost; brought back from the far mirror.
        let third = try mirror(far)
        let head = try #require(MirrorCLI.anchor(third.output))
        let acknowledged = MirrorCLI.log(cli.data)
        try FileManager.default.removeItem(atPath: cli.data)
        let restored = try cli.run(["restore", "--from", far, "--anchor", head, "--lang", "en"])
        #expect(restored.status == 0 && restored.output.hasPrefix("intact: "), "\(restored.output)\(restored.errors)")
        #expect(MirrorCLI.log(cli.data) == acknowledged)
    }
}
