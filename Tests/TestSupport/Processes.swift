import Foundation
#if canImport(Glibc)
import Glibc
#endif

public struct SpawnFailed: Error { public let code: Int32 }

/// Calls `spawn` with spawn attributes that give the child default signal handling and an empty
/// signal mask, whatever the test runner has (it blocks some; a tmux server and the programs in
/// its panes inherited that and outlived the tests), and a session of its own when `setsid`.
func withDefaultSignals(setsid: Bool, _ spawn: (UnsafePointer<posix_spawnattr_t>) -> Int32) -> Int32 {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for number in [SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH, SIGPIPE] { sigaddset(&defaults, number) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setsigmask(&attributes, &empty)
    // POSIX_SPAWN_SETSID is 0x80 (a function-like macro Swift does not import).
    posix_spawnattr_setflags(&attributes, Int16((setsid ? 0x80 : 0) | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    return spawn(&attributes)
}

/// A child process started with posix_spawn (not Foundation's Process, which can miss a child's
/// exit on Linux), its stdout going to a file that can be read while it runs.
public final class ChildProcess {
    public let pid: pid_t
    public let outputPath: String
    private var reaped = false
    private let ownsOutput: Bool
    public private(set) var exitStatus: Int32?

    public init(_ argv: [String], outputPath: String? = nil) throws {
        self.ownsOutput = outputPath == nil
        self.outputPath = outputPath ?? temporaryPath("child")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, self.outputPath, ownsOutput ? O_WRONLY | O_CREAT | O_TRUNC : O_WRONLY, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, ownsOutput ? self.outputPath + ".err" : "/dev/null", ownsOutput ? O_WRONLY | O_CREAT | O_TRUNC : O_WRONLY, 0o600)
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var cEnv: [UnsafeMutablePointer<CChar>?] = childEnvironment(ProcessInfo.processInfo.environment.map { "\($0)=\($1)" }).map { strdup($0) } + [nil]
        defer { for p in cEnv { free(p) } }
        var pid: pid_t = 0
        let rc = withDefaultSignals(setsid: false) { posix_spawn(&pid, argv[0], &actions, $0, &cArgs, &cEnv) }
        guard rc == 0 else { throw SpawnFailed(code: rc) }
        self.pid = pid
    }

    deinit {
        if !reaped { kill(pid, SIGKILL); _ = wait() }
        if ownsOutput {
            unlink(outputPath)
            unlink(outputPath + ".err")
        }
    }

    /// What the child has printed so far.
    public var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// What the child has written to stderr so far.
    public var errorOutput: String {
        (try? String(contentsOfFile: outputPath + ".err", encoding: .utf8)) ?? ""
    }

    /// Waits for the child to end; returns its exit status (or 128 + signal).
    @discardableResult
    public func wait() -> Int32 {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        reaped = true
        let code = exitCode(status)
        exitStatus = code
        return code
    }

    /// Whether the child has ended (reaped then, without waiting when it has not).
    public var hasExited: Bool {
        if exitStatus != nil { return true }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return false }
        reaped = true
        exitStatus = exitCode(status)
        return true
    }

    /// The exit status `waitpid` reported (or 128 + the signal).
    private func exitCode(_ status: Int32) -> Int32 {
        (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    public func kill9() {
        kill(pid, SIGKILL)
    }
}

/// Runs a program to completion and returns its exit status and output.
public func runToCompletion(_ argv: [String]) throws -> (status: Int32, output: String, errors: String) {
    let child = try ChildProcess(argv)
    let status = child.wait()
    return (status, child.output, child.errorOutput)
}

/// Polls a condition until it holds or the deadline passes (no fixed sleeps as synchronisation).
public func waitUntil(timeout: TimeInterval, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(2_000)
    }
    return condition()
}

/// A program built beside the test bundle (`chengxin`, `chengxin-log-stress`).
public func builtProduct(_ name: String) -> String? {
    var folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<3 {
        let candidate = folder.appendingPathComponent(name).path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        folder = folder.deletingLastPathComponent()
    }
    return nil
}

/// The folder every test of this process works in (`chengxin-tests-PID` in the temporary folder),
/// removed with all it holds when the process exits normally: a run of the tests leaves nothing
/// behind (a crashed run leaves its folder to look at).
public let testScratchFolder: String = {
    let folder = NSTemporaryDirectory() + "chengxin-tests-\(getpid())"
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(atPath: testScratchFolder) }
    return folder
}()

/// The environment a child of the tests gets: `environment`, with the operational log of a
/// dashboard or a kiosk it starts (through tmux too) kept in the tests' folder, not the home
/// folder, unless it names one (`CHENGXIN_OPLOG`).
public func childEnvironment(_ environment: [String]) -> [String] {
    if environment.contains(where: { $0.hasPrefix("CHENGXIN_OPLOG=") }) { return environment }
    return environment + ["CHENGXIN_OPLOG=\(testScratchFolder)/oplog.log"]
}

/// The package root, found from this file's path (Tests/TestSupport/Processes.swift).
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fresh path in the tests' folder (not created).
public func temporaryPath(_ label: String) -> String {
    testScratchFolder + "/chengxin-\(label)-\(UUID().uuidString)"
}

/// Golden files: compares `text` with the file at `url`, or writes it when CHENGXIN_UPDATE_GOLDEN=1.
/// Returns nil when they agree (or the file was written), else the file's text.
public func goldenMismatch(_ text: String, at url: URL) throws -> String? {
    if ProcessInfo.processInfo.environment["CHENGXIN_UPDATE_GOLDEN"] == "1" {
        try text.write(to: url, atomically: true, encoding: .utf8)
        return nil
    }
    let golden = try String(contentsOf: url, encoding: .utf8)
    return golden == text ? nil : golden
}
