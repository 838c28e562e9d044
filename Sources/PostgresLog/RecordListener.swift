import Foundation
import Log
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Wakes an open dashboard or kiosk when another seat commits records to the shared record:
/// a thread of its own holds a connection that LISTENs on `PostgresSchema.channel` and, for each
/// notification, makes `descriptor` readable (a pipe the program's loop polls with the terminal).
/// A connection lost is made again by itself (after 0.5 s, then up to every 5 s); the loop is woken
/// when it goes and when it returns, so that the status bar says so and what was missed is fetched.
public final class RecordListener: ChangeWatcher {
    public let descriptor: Int32?
    private let thread: ListeningThread

    /// Starts listening on the record at `address` (in the background: the constructor does not wait).
    public init(address: String) {
        var wake: [Int32] = [-1, -1], stop: [Int32] = [-1, -1]
        let madeWake = Self.makePipe(&wake)
        let madeStop = Self.makePipe(&stop)
        descriptor = madeWake ? wake[0] : nil
        thread = ListeningThread(wake: madeWake ? wake[1] : -1, stopRead: madeStop ? stop[0] : -1, stopWrite: madeStop ? stop[1] : -1)
        let running = thread
        Thread.detachNewThread { running.listen(address) }
    }

    /// A pipe whose ends do not block and are not inherited by child processes.
    private static func makePipe(_ ends: inout [Int32]) -> Bool {
        guard pipe(&ends) == 0 else { return false }
        for fd in ends {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        return true
    }

    /// Ends the thread and closes the pipes (the thread is waited for).
    deinit {
        thread.stop()
        if let descriptor { close(descriptor) }
    }

    /// Whether the listening connection is up now.
    public var isConnected: Bool { thread.isConnected }

    @discardableResult
    public func drain() -> Bool {
        guard let descriptor else { return false }
        var any = false
        var buffer = [UInt8](repeating: 0, count: 256)
        while buffer.withUnsafeMutableBytes({ read(descriptor, $0.baseAddress, $0.count) }) > 0 { any = true }
        return any
    }

    public func wait(milliseconds: Int32) -> Bool {
        guard let descriptor else { return false }
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, milliseconds) > 0
    }
}

/// The listener's thread and what it shares with the listener: the pipes' other ends, and
/// whether it is connected.
private final class ListeningThread: Sendable {
    private let wakeWrite: Int32
    private let stopRead: Int32
    private let stopWrite: Int32
    private let connected = Mutex((now: false, ever: false))
    private let finished = DispatchSemaphore(value: 0)

    init(wake: Int32, stopRead: Int32, stopWrite: Int32) {
        wakeWrite = wake
        self.stopRead = stopRead
        self.stopWrite = stopWrite
    }

    var isConnected: Bool { connected.withLock { $0.now } }

    /// Asks the thread to end, waits for it, and closes the pipes' ends it used.
    func stop() {
        var byte: UInt8 = 1
        if stopWrite >= 0, write(stopWrite, &byte, 1) == 1 { finished.wait() }
        for fd in [wakeWrite, stopRead, stopWrite] where fd >= 0 { close(fd) }
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    /// Waits up to `milliseconds`; true when asked to stop meanwhile.
    private func stopped(within milliseconds: Int32 = 0) -> Bool {
        var entry = pollfd(fd: stopRead, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, milliseconds) > 0
    }

    /// The thread: connect, LISTEN, wait for notifications or the stop; again after a loss.
    func listen(_ address: String) {
        defer { finished.signal() }
        var pause: Int32 = 500
        while !stopped() {
            guard let connection = try? PGConnection(address), (try? connection.execute("LISTEN \(PostgresSchema.channel)")) != nil else {
                if stopped(within: pause) { return }
                pause = min(pause * 2, 5000)
                continue
            }
            pause = 500
            let returned = connected.withLock { state in
                defer { state = (true, true) }
                return state.ever
            }
            // Back after a loss: what was committed meanwhile is fetched by the woken loop.
            if returned { wake() }
            while true {
                let readable = connection.waitReadable(milliseconds: 5000, orWake: stopRead)
                if stopped() { return }
                guard readable || !connection.isUsable else { continue }
                guard let notes = try? connection.notifications() else { break }
                if !notes.isEmpty { wake() }
            }
            connected.withLock { $0.now = false }
            wake()
        }
    }
}
