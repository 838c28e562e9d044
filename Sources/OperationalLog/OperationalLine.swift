import Logging
import TextSafety

/// One line of the operational log, the one layout every line has:
///
///     2026-03-03T09:15:02.123+08:00 info kiosk[4711]: complaint filed record=215 ms=38
///
/// the time with its offset (the market's, UTC+8), the level, the process and its id, the message,
/// then the metadata sorted by key. Characters that must not act on a reader's screen (line
/// breaks, escapes, bidi controls: `UnsafeText`) are written as `\u{…}`, so one event is one line;
/// a value with a space, a quote, `=` or `\`, or an empty one, is quoted.
public struct OperationalLine: Sendable {
    /// The process's name (`dashboard`, `kiosk`) and id.
    public let process: String
    public let pid: Int32
    /// The time zone the times are written in, in seconds east of UTC.
    public let offsetSeconds: Int

    public init(process: String, pid: Int32, offsetSeconds: Int) {
        self.process = process
        self.pid = pid
        self.offsetSeconds = offsetSeconds
    }

    /// The whole line, with its line feed.
    public func render(seconds: Int, milliseconds: Int, level: Logger.Level, message: String, metadata: Logger.Metadata) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: OperationalTime.width)
        bytes.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress {
                OperationalTime.write(seconds: seconds, milliseconds: milliseconds, offsetSeconds: offsetSeconds, into: base)
            }
        }
        return bytes + afterTime(level: level, message: message, metadata: metadata)
    }

    /// What follows the time: a space, the rest of the line, the line feed.
    func afterTime(level: Logger.Level, message: String, metadata: Logger.Metadata) -> [UInt8] {
        var text = " \(level.rawValue) \(Self.escaped(process))[\(pid)]: " + Self.escaped(message)
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            text += " " + Self.escaped(key) + "=" + Self.quoted(value.description)
        }
        return Array((text + "\n").utf8)
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if UnsafeText.isUnsafe(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" }) else { return escaped(value) }
        return "\"" + escaped(value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")) + "\""
    }
}

/// A line's time, `YYYY-MM-DDTHH:MM:SS.mmm+HH:MM`, written into bytes without allocating (the exit
/// note writes it from a signal handler, where only async-signal-safe work may be done).
public enum OperationalTime {
    public static let width = 29

    /// Writes `width` bytes at `out`: the instant `seconds` (since 1970, UTC) plus `milliseconds`,
    /// in the zone `offsetSeconds` east of UTC.
    public static func write(seconds: Int, milliseconds: Int, offsetSeconds: Int, into out: UnsafeMutablePointer<UInt8>) {
        let local = seconds + offsetSeconds
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        // Days since 1970-01-01 to a civil date (Howard Hinnant's days_from_civil, inverted).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        // Straight-line stores into `out`: no closure, nothing allocated.
        var at = 0
        at = put(year < 0 ? 0 : min(year, 9999), 4, out, at); at = put(0x2D, out, at)
        at = put(month, 2, out, at); at = put(0x2D, out, at)
        at = put(day, 2, out, at); at = put(0x54, out, at)
        at = put(secondOfDay / 3600, 2, out, at); at = put(0x3A, out, at)
        at = put(secondOfDay / 60 % 60, 2, out, at); at = put(0x3A, out, at)
        at = put(secondOfDay % 60, 2, out, at); at = put(0x2E, out, at)
        at = put(min(max(milliseconds, 0), 999), 3, out, at)
        at = put(offsetSeconds < 0 ? 0x2D : 0x2B, out, at)
        let offsetMinutes = abs(offsetSeconds) / 60
        at = put(offsetMinutes / 60 % 100, 2, out, at); at = put(0x3A, out, at)
        _ = put(offsetMinutes % 60, 2, out, at)
    }

    /// `value` as `count` decimal digits at `out[at...]`; the position after them.
    private static func put(_ value: Int, _ count: Int, _ out: UnsafeMutablePointer<UInt8>, _ at: Int) -> Int {
        var rest = value
        var place = count - 1
        while place >= 0 {
            out[at + place] = UInt8(truncatingIfNeeded: 48 + rest % 10)
            rest /= 10
            place -= 1
        }
        return at + count
    }

    /// One byte at `out[at]`; the position after it.
    private static func put(_ byte: UInt8, _ out: UnsafeMutablePointer<UInt8>, _ at: Int) -> Int {
        out[at] = byte
        return at + 1
    }
}
