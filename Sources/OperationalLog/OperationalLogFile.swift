import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The file the operational log's lines are appended to, kept under a size: past `limit` bytes it
/// is renamed `FILE.1` (replacing the one before) and a new file is started, so that the two
/// together stay under about twice the limit. Several processes (a dashboard and a kiosk) may
/// append to one file: each line is one `write(2)` with `O_APPEND`, and a process whose file
/// another process renamed follows to the new one instead of renaming it again.
///
/// Nothing here ever fails the program: a line that cannot be written is dropped.
public final class OperationalLogFile: Sendable {
    public let path: String
    /// The size past which the file is renamed `FILE.1`.
    public let limit: Int
    /// The open file's descriptor (-1 after a failed reopen: the next line tries again).
    private let descriptor: Mutex<Int32>
    /// Whether this file's descriptor is the one the exit note writes to (`ExitNote.prepare`).
    let feedsExitNote: Bool

    /// The default limit: 4 MiB, so the file and its `.1` stay under 8 MiB.
    public static let defaultLimit = 4 << 20

    /// Why the file cannot be opened (said once on stderr, before the screen starts).
    public struct Unwritable: Error, Sendable {
        public let path: String
        public let reason: String
    }

    /// Opens `path` for appending (mode 0600), creating its folder (mode 0700) when missing.
    public init(path: String, limit: Int = OperationalLogFile.defaultLimit, feedsExitNote: Bool = false) throws(Unwritable) {
        self.path = path
        self.limit = limit
        self.feedsExitNote = feedsExitNote
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let fd = Self.open(path)
        guard fd >= 0 else { throw Unwritable(path: path, reason: String(cString: strerror(errno))) }
        descriptor = Mutex(fd)
        if feedsExitNote { ExitNote.descriptor.store(fd, ordering: .releasing) }
    }

    deinit {
        descriptor.withLock { fd in
            if feedsExitNote { ExitNote.descriptor.store(-1, ordering: .releasing) }
            if fd >= 0 { close(fd) }
        }
    }

    private static func open(_ path: String) -> Int32 {
        Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
    }

    /// Appends one line (its bytes as given; the caller ends it with a line feed), then starts a
    /// new file when this one has passed the limit.
    public func append(_ line: [UInt8]) {
        descriptor.withLock { fd in
            if fd < 0 { reopen(&fd) }
            guard fd >= 0 else { return }
            line.withUnsafeBytes { bytes in
                // One write: with O_APPEND the line lands whole after whatever another process wrote.
                _ = write(fd, bytes.baseAddress, bytes.count)
            }
            var open = stat()
            guard fstat(fd, &open) == 0, Int(open.st_size) > limit else { return }
            var named = stat()
            // Renamed only when the name is still this file; else another process did it already.
            if stat(path, &named) == 0, named.st_ino == open.st_ino, named.st_dev == open.st_dev {
                _ = rename(path, path + ".1")
            }
            reopen(&fd)
        }
    }

    private func reopen(_ fd: inout Int32) {
        if fd >= 0 { close(fd) }
        fd = Self.open(path)
        if feedsExitNote { ExitNote.descriptor.store(fd, ordering: .releasing) }
    }
}
