import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program run on a pseudo-terminal of its own (its controlling terminal, in a new session):
/// the test writes the raw bytes a terminal would send, reads what the program printed, and
/// resizes the window (the program gets SIGWINCH). What is read is kept, so that the program
/// never blocks writing to a full terminal.
public final class PseudoTerminal {
    public let pid: pid_t
    private let master: Int32
    private var received: [UInt8] = []
    public private(set) var exitStatus: Int32?

    /// Starts `argv` (a path and its arguments) with exactly `environment` (and the operational log
    /// in the tests' folder unless it names one: `childEnvironment`), in a window of `columns` × `rows`.
    public init(_ argv: [String], environment: [String], columns: Int = 80, rows: Int = 24) throws {
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        var master: Int32 = -1, slave: Int32 = -1
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw SpawnFailed(code: errno) }
        defer { close(slave) }
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        let slavePath = String(cString: ttyname(slave))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened after setsid, the terminal becomes the child's controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnv: [UnsafeMutablePointer<CChar>?] = childEnvironment(environment).map { strdup($0) } + [nil]
        defer { for p in cArgs + cEnv { free(p) } }
        var pid: pid_t = 0
        // Its own session (the terminal becomes its controlling terminal), default signals.
        let rc = withDefaultSignals(setsid: true) { posix_spawn(&pid, argv[0], &actions, $0, &cArgs, &cEnv) }
        guard rc == 0 else {
            close(master)
            throw SpawnFailed(code: rc)
        }
        self.pid = pid
        self.master = master
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        close(master)
    }

    /// Sends bytes as the terminal would (a key press, a paste).
    public func send(_ bytes: [UInt8]) {
        drain()
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
            if written > 0 { offset += written } else if errno != EINTR && errno != EAGAIN { return } else { drain() }
        }
    }

    public func send(_ text: String) { send(Array(text.utf8)) }

    /// Resizes the window: the kernel sends SIGWINCH to the program.
    public func resize(columns: Int, rows: Int) {
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    /// Reads what the program printed so far.
    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(master, &buffer, buffer.count)
            guard count > 0 else { return }
            received += buffer[0..<count]
        }
    }

    /// Everything the program has printed (escape sequences included).
    public var output: [UInt8] {
        drain()
        return received
    }

    /// What the program printed, as text.
    public var text: String { String(decoding: output, as: UTF8.self) }

    /// Waits up to `timeout` for the program to end (reading what it prints meanwhile); its exit
    /// status, or nil if it is still running.
    @discardableResult
    public func waitForExit(timeout: TimeInterval = 10) -> Int32? {
        if let exitStatus { return exitStatus }
        _ = waitUntil(timeout: timeout) { [self] in
            drain()
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return false }
            exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            return true
        }
        drain()
        return exitStatus
    }

    public func terminate() { kill(pid, SIGTERM) }
}
