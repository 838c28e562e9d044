import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The operational log's last line when a signal ends the program (SIGTERM is how a kiosk is
/// stopped; SIGHUP when its terminal goes away): the terminal backend's signal handler calls
/// `write(signal:)` before `_exit`. A signal handler may do only async-signal-safe work, so the
/// line for each signal is laid out beforehand (`prepare`, by the one `OperationalLine`) and the
/// handler only writes the time into its first bytes (`OperationalTime`, no allocation) and
/// makes one `write(2)` to the file's current descriptor.
public enum ExitNote {
    /// The descriptor of the file the note goes to (-1: none); kept current by the file when it
    /// starts a new one past its size limit.
    static let descriptor = Atomic<Int32>(-1)
    /// The prepared lines, by signal number; set before the handlers are installed, then only read.
    nonisolated(unsafe) private static var lines: [(signal: Int32, bytes: UnsafeMutableBufferPointer<UInt8>)] = []
    nonisolated(unsafe) private static var offsetSeconds = 0

    /// Lays out the line each of `signals` (number and name) will write to `file` (which must have
    /// been opened with `feedsExitNote`): "exit" with the signal's name and `metadata`.
    public static func prepare(file: OperationalLogFile, line: OperationalLine, signals: [(Int32, String)], metadata: Logger.Metadata = [:]) {
        guard file.feedsExitNote else { return }
        offsetSeconds = line.offsetSeconds
        var prepared: [(signal: Int32, bytes: UnsafeMutableBufferPointer<UInt8>)] = []
        for (number, name) in signals {
            var fields = metadata
            fields["signal"] = .string(name)
            let bytes = [UInt8](repeating: 0x20, count: OperationalTime.width) + line.afterTime(level: .notice, message: "exit", metadata: fields)
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
            _ = buffer.initialize(from: bytes)
            prepared.append((number, buffer))
        }
        // The lines laid out before stay allocated: a handler might be reading them.
        lines = prepared
    }

    /// Writes the prepared line of `signal`, if any, stamped with the time now. Async-signal-safe:
    /// an atomic load, a scan of a short array, `clock_gettime`, arithmetic into a buffer allocated
    /// beforehand, `write`.
    public static func write(signal: Int32) {
        let fd = descriptor.load(ordering: .acquiring)
        guard fd >= 0, let line = lines.first(where: { $0.signal == signal })?.bytes, let base = line.baseAddress else { return }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        OperationalTime.write(seconds: Int(now.tv_sec), milliseconds: Int(now.tv_nsec) / 1_000_000, offsetSeconds: offsetSeconds, into: base)
        _ = Glibc.write(fd, base, line.count)
    }
}
