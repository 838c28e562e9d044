import Logging
#if canImport(Glibc)
import Glibc
#endif

/// swift-log's `LogHandler` for the operational log: each event one line (`OperationalLine`)
/// appended to an `OperationalLogFile`.
public struct OperationalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public let file: OperationalLogFile
    public let line: OperationalLine

    public init(file: OperationalLogFile, line: OperationalLine) {
        self.file = file
        self.line = line
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let given = event.metadata { all.merge(given) { $1 } }
        if let error = event.error { all["error"] = .string("\(error)") }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        file.append(line.render(seconds: Int(now.tv_sec), milliseconds: Int(now.tv_nsec) / 1_000_000, level: event.level,
                                message: event.message.description, metadata: all))
    }
}

/// Making the operational log's logger, and what it must never hold.
public enum OperationalLog {
    /// A logger whose lines go to `file` as `line` lays them out; without a file (it could not be
    /// opened), one that drops everything.
    public static func logger(_ file: OperationalLogFile?, _ line: OperationalLine) -> Logger {
        guard let file else { return Logger(label: "chengxin." + line.process) { _ in SwiftLogNoOpLogHandler() } }
        return Logger(label: "chengxin." + line.process) { _ in OperationalLogHandler(file: file, line: line) }
    }

    /// `text` without what must not reach the operational log: each of `personal` (a consumer's
    /// name, phone, story as the screen had them) replaced by `…`, and every run of six or more
    /// digits (a PIN is 6–8 digits, a phone number 11) replaced by `#…`.
    public static func redacted(_ text: String, removing personal: [String] = []) -> String {
        var out = text
        for value in personal where !value.isEmpty {
            out = out.replacingOccurrences(of: value, with: "…")
        }
        var result = ""
        var digits = ""
        for character in out {
            if isDigit(character) {
                digits.append(character)
                continue
            }
            result += digits.count >= 6 ? "#…" : digits
            digits = ""
            result.append(character)
        }
        result += digits.count >= 6 ? "#…" : digits
        return result
    }

    /// 0–9, and the full-width ０–９, which count as digits where a PIN is typed (docs/cli.md).
    private static func isDigit(_ character: Character) -> Bool {
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first else { return false }
        return (0x30...0x39).contains(scalar.value) || (0xFF10...0xFF19).contains(scalar.value)
    }
}
