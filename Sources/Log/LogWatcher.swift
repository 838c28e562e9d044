#if canImport(Glibc)
import Glibc
#endif

/// What tells an open dashboard or kiosk that others appended: a descriptor to poll with the
/// terminal's input (nil: poll on a timer), drained after each wake-up. The data directory's
/// `LogWatcher`; for a shared record, PostgresLog's `RecordListener`.
public protocol ChangeWatcher: AnyObject {
    var descriptor: Int32? { get }
    /// Reads and discards what is pending; returns whether there was anything.
    @discardableResult func drain() -> Bool
    /// Waits up to `milliseconds` for a change (for tests and simple loops).
    func wait(milliseconds: Int32) -> Bool
}

/// Tells a process that the data directory changed (another process appended), through inotify
/// where the kernel offers it. `descriptor` can be polled together with the terminal's input;
/// when it is nil, callers poll the log on a timer instead.
public final class LogWatcher: ChangeWatcher {
    public let descriptor: Int32?

    /// Watches `directory` for writes and new files. Never throws: without inotify (or with too
    /// many watches), it simply has no descriptor and the caller falls back to polling.
    public init(directory: String) {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else {
            descriptor = nil
            return
        }
        let mask = UInt32(IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO)
        if inotify_add_watch(fd, directory, mask) < 0 {
            close(fd)
            descriptor = nil
            return
        }
        descriptor = fd
    }

    deinit {
        if let descriptor { close(descriptor) }
    }

    /// Reads and discards the pending notifications; returns whether there were any.
    @discardableResult
    public func drain() -> Bool {
        guard let descriptor else { return false }
        var any = false
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            any = true
        }
        return any
    }

    /// Waits up to `milliseconds` for a notification (for tests and simple loops).
    public func wait(milliseconds: Int32) -> Bool {
        guard let descriptor else { return false }
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, milliseconds) > 0
    }
}
