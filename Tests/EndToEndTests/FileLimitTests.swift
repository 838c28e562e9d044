import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// Runs a program to completion as `runToCompletion` does, but with SIGXFSZ back to its default
/// action: a test runner may ignore it, and an ignored signal stays ignored across exec, which
/// would hide a chengxin that forgot to ignore it itself.
private func runWithDefaultSignals(_ argv: [String]) throws -> (status: Int32, output: String, errors: String) {
    let out = temporaryPath("filelimit-out"), err = out + ".err"
    defer { unlink(out); unlink(err) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGXFSZ)
    var unblocked = sigset_t()
    sigemptyset(&unblocked)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setsigmask(&attributes, &unblocked)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
    defer { for p in cArgs { free(p) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, argv[0], &actions, &attributes, &cArgs, environ)
    guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EINVAL) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    return (code, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "", (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
}

/// A writer past its file-size limit (`ulimit -f`): chengxin ignores SIGXFSZ, so the write fails
/// with EFBIG, is reported clearly, and leaves nothing partial behind.
@Suite("The file-size limit")
struct FileLimitTests {
    /// The unit of `ulimit -f` in /bin/sh (512 bytes in dash and POSIX shells, 1024 in bash),
    /// read back from the limit a child gets.
    func ulimitUnit() throws -> Int? {
        let shown = try runToCompletion(["/bin/sh", "-c", "ulimit -f 8; exec cat /proc/self/limits"])
        guard let line = shown.output.split(separator: "\n").first(where: { $0.hasPrefix("Max file size") }),
              let bytes = line.split(separator: " ").compactMap({ Int($0) }).first else { return nil }
        return bytes / 8
    }

    @Test func anAppendPastTheLimitIsRefusedWithNothingPartial() throws {
        let binary = try #require(builtProduct("chengxin"))
        let data = temporaryPath("filelimit-data")
        let key = temporaryPath("filelimit-key") + "/k.key"
        defer {
            try? FileManager.default.removeItem(atPath: data)
            try? FileManager.default.removeItem(atPath: (key as NSString).deletingLastPathComponent)
        }
        let environment = ["/usr/bin/env", "-i", "CHENGXIN_TODAY=2026-11-26", "CHENGXIN_DATA=\(data)", "CHENGXIN_KEY=\(key)", "LANG=C.UTF-8"]
        let seeds = packageRoot.appendingPathComponent("seeds").path
        let created = try runToCompletion(environment + [binary, "init", "--demo", "--seeds", seeds])
        #expect(created.status == 0, "\(created.errors)")

        let log = data + "/events.log"
        let before = try Data(contentsOf: URL(fileURLWithPath: log))
        let unit = try #require(try ulimitUnit())
        // The limit just past the log's end, so that the new record (some 2 KB) crosses it: part
        // of it is written before EFBIG, and that part must be taken back.
        let blocks = before.count / unit + 1
        #expect(blocks * unit > before.count && blocks * unit < before.count + 1024)
        let text = String(repeating: "镜片质量与宣传不符，", count: 60)
        let file = ["complaint", "file", "--merchant", "A101", "--category", "quality", "--integrity", "quality",
                    "--text", text, "--as", "fuwutai"]
        // The child really gets SIGXFSZ's default action (bit 25 of SigIgn clear).
        let status = try runWithDefaultSignals(["/bin/sh", "-c", "grep SigIgn /proc/self/status"]).output
        let ignored = try #require(UInt64(status.split(separator: "\t").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "", radix: 16))
        #expect(ignored & (1 << (UInt64(SIGXFSZ) - 1)) == 0, "\(status)")
        let limited = try runWithDefaultSignals(["/bin/sh", "-c", "ulimit -f \(blocks); exec \"$@\"", "sh"]
                                          + environment + ["CHENGXIN_PIN=300000", binary] + file)
        #expect(limited.status == 1, "status \(limited.status): \(limited.errors)")
        #expect(limited.errors.contains("大小上限") && limited.errors.contains("ulimit -f"), "\(limited.errors)")
        #expect(!limited.errors.contains("损坏"), "\(limited.errors)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: log)) == before, "the log is as it was")

        let verified = try runToCompletion(environment + [binary, "verify"])
        #expect(verified.status == 0, "\(verified.output)\(verified.errors)")
        // Without the limit the same command goes through.
        let unlimited = try runToCompletion(environment + ["CHENGXIN_PIN=300000", binary] + file)
        #expect(unlimited.status == 0, "\(unlimited.errors)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: log)).count > before.count + 1024)
        #expect(try runToCompletion(environment + [binary, "verify"]).status == 0)
    }
}
