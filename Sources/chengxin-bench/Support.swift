import Foundation
import Log
#if canImport(Glibc)
import Glibc
#endif

/// Monotonic seconds.
func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Wall-clock nanoseconds (comparable between processes on one machine).
func wallNanoseconds() -> Int64 {
    var t = timespec()
    clock_gettime(CLOCK_REALTIME, &t)
    return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec)
}

func median(_ values: [Double]) -> Double { percentile(values, 50) }

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let rank = Int((p / 100 * Double(sorted.count - 1)).rounded(.up))
    return sorted[min(sorted.count - 1, max(0, rank))]
}

/// Resident and peak resident memory of this process, in MiB, from /proc/self/status.
func memoryMiB() -> (resident: Double, peak: Double) {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (.nan, .nan) }
    func field(_ name: String) -> Double {
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let number = line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ").first
            return (number.flatMap { Double($0) } ?? .nan) / 1024
        }
        return .nan
    }
    return (field("VmRSS"), field("VmHWM"))
}

/// Asks the kernel to drop a file's pages from the page cache (clean pages; no root needed), so
/// that the next read comes from the disk.
func evictFromPageCache(_ path: String) {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return }
    fdatasync(fd)
    posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
    close(fd)
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = text }
}

/// A child process of this same program (or, with `command:`, another program), its stdout read
/// line by line through a pipe.
final class Child {
    let pid: pid_t
    private let readEnd: Int32
    private var buffer: [UInt8] = []

    convenience init(_ arguments: [String]) throws {
        let program = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        try self.init(command: [program] + arguments)
    }

    /// `argv[0]` is the program's path; `mergingErrors`: its stderr goes to the same pipe.
    init(command argv: [String], mergingErrors: Bool = false) throws {
        guard let program = argv.first else { throw BenchFailure("no program to run") }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw BenchFailure("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        if mergingErrors { posix_spawn_file_actions_adddup2(&actions, fds[1], 2) }
        posix_spawn_file_actions_addclose(&actions, fds[0])
        // Only as stdout (a server the program starts keeps what it inherits: the pipe would never end).
        posix_spawn_file_actions_addclose(&actions, fds[1])
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, program, &actions, nil, &cArgs, environ)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw BenchFailure("posix_spawn failed: \(rc)")
        }
        self.pid = pid
        readEnd = fds[0]
    }

    /// The next line the child printed, or nil at its end.
    func readLine() -> String? {
        while true {
            if let i = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<i], as: UTF8.self)
                buffer.removeSubrange(...i)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                if buffer.isEmpty { return nil }
                let line = String(decoding: buffer, as: UTF8.self)
                buffer = []
                return line
            }
            buffer += chunk[0..<n]
        }
    }

    /// Every remaining line, then waits for the exit; throws when the child failed.
    func finish() throws -> [String] {
        let (status, lines) = outcome()
        guard status == 0 else { throw BenchFailure("child \(pid) failed (status \(status)): \(lines.suffix(3).joined(separator: " / "))") }
        return lines
    }

    /// Every remaining line and the exit status (`waitpid`'s).
    func outcome() -> (status: Int32, lines: [String]) {
        var lines: [String] = []
        while let line = readLine() { lines.append(line) }
        close(readEnd)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status, lines)
    }

    func stop() {
        kill(pid, SIGKILL)
        close(readEnd)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}

/// `key=value` pairs from a child's report line `name k=v k=v`.
func fields(_ line: String) -> [String: Double] {
    var result: [String: Double] = [:]
    for part in line.split(separator: " ").dropFirst() {
        let kv = part.split(separator: "=", maxSplits: 1)
        if kv.count == 2, let v = Double(kv[1]) { result[String(kv[0])] = v }
    }
    return result
}

/// One line to stdout, unbuffered (the parent reads it through a pipe while this process runs).
func report(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// The benchmark's snapshots are authenticated as chengxin's are (HMAC-SHA256 with a key derived
/// from a checkpoint key, docs/log-format.md); this fixed key stands for the office's.
let benchSnapshotKey = SnapshotKey(rawCheckpointKey: Array(repeating: 7, count: 32))
