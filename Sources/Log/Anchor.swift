import Crypto

/// The head on paper: "the log had this chain hash at this sequence number", written `SEQ:HASH`
/// (decimal without leading zeros, a colon, 64 lower-case hex digits; `0:` and the genesis hash
/// for an empty log). A current log **extends** an anchor when it has at least `SEQ` good
/// records and record `SEQ`'s chain hash is `HASH` (see docs/log-format.md, "Anchors").
public struct Anchor: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let sequence: UInt64
    public let hash: [UInt8]

    public init(sequence: UInt64, hash: [UInt8]) {
        self.sequence = sequence
        self.hash = hash
    }

    /// `SEQ:HASH`, exactly as printed and as `chengxin verify --anchor` reads it.
    public var text: String { "\(sequence):\(hexString(hash))" }
    public var description: String { text }

    /// Reads `SEQ:HASH` exactly (no spaces, no sign, no leading zero, lower-case hex).
    public static func parse(_ text: String) throws(AnchorSyntaxError) -> Anchor {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .noColon(text: AnchorSyntaxError.shown(text)) }
        guard let sequence = canonicalDecimal(String(parts[0])) else {
            throw .badSequence(text: AnchorSyntaxError.shown(text))
        }
        let hex = String(parts[1])
        guard hex.utf8.count == 64 else { throw .badHashLength(text: AnchorSyntaxError.shown(text), digits: hex.utf8.count) }
        guard let hash = lowerHex(hex, count: 32) else { throw .badHashDigits(text: AnchorSyntaxError.shown(text)) }
        return Anchor(sequence: sequence, hash: hash)
    }
}

/// Why a text is not an anchor. Each names the text (cut to 80 characters).
public enum AnchorSyntaxError: Error, Sendable, Equatable {
    /// No colon between the sequence number and the hash.
    case noColon(text: String)
    /// The part before the colon is not a decimal number without sign or leading zeros.
    case badSequence(text: String)
    /// The hash has another number of digits than 64.
    case badHashLength(text: String, digits: Int)
    /// The hash has a character other than 0-9 and a-f (upper case included).
    case badHashDigits(text: String)

    static func shown(_ text: String) -> String {
        text.count > 80 ? String(text.prefix(80)) + "…" : text
    }

    public var zh: String {
        switch self {
        case .noColon(let t): return "“\(t)”不是锚点：应为 序号:哈希（如 652:后跟 64 位小写十六进制），中间缺少冒号"
        case .badSequence(let t): return "“\(t)”不是锚点：冒号前应为记录序号（十进制数字，不带正负号，也不以 0 开头）"
        case .badHashLength(let t, let n): return "“\(t)”不是锚点：冒号后应为 64 位十六进制的链头哈希，这里有 \(n) 位"
        case .badHashDigits(let t): return "“\(t)”不是锚点：哈希只能由 0–9 和小写字母 a–f 组成"
        }
    }

    public var en: String {
        switch self {
        case .noColon(let t): return "\"\(t)\" is not an anchor: it should be SEQ:HASH (like 652: then 64 lower-case hex digits); the colon is missing"
        case .badSequence(let t): return "\"\(t)\" is not an anchor: before the colon comes the record's sequence number (decimal digits, no sign, no leading zero)"
        case .badHashLength(let t, let n): return "\"\(t)\" is not an anchor: after the colon comes the 64-digit hexadecimal head hash; this one has \(n) digits"
        case .badHashDigits(let t): return "\"\(t)\" is not an anchor: the hash may hold only 0–9 and lower-case a–f"
        }
    }
}

/// A line of an anchors file that is not an anchor.
public struct AnchorFileError: Error, Sendable, Equatable {
    public let file: String
    public let line: Int
    public let reason: AnchorSyntaxError

    public var zh: String { "锚点文件 \(file) 第 \(line) 行：\(reason.zh)" }
    public var en: String { "anchors file \(file) line \(line): \(reason.en)" }
}

/// An anchors file (`chengxin verify --anchors FILE`): one anchor per line; lines starting
/// with `#` are comments, blank lines are ignored, spaces and a CR around an anchor are allowed.
public enum AnchorFile {
    public static func parse(_ text: String, name: String) -> (anchors: [Anchor], errors: [AnchorFileError]) {
        var anchors: [Anchor] = []
        var errors: [AnchorFileError] = []
        for (i, line) in splitLines(text).enumerated() {
            let trimmed = line.trimmingASCIIWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            do throws(AnchorSyntaxError) {
                anchors.append(try Anchor.parse(trimmed))
            } catch {
                errors.append(AnchorFileError(file: name, line: i + 1, reason: error))
            }
        }
        return (anchors, errors)
    }
}

/// An anchor the current log does not extend: fails verification.
public enum AnchorProblem: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// The log has fewer good records than the anchor's sequence number.
        case tooShort(records: Int)
        /// Record `sequence` (the genesis for 0) has another chain hash than the anchor's.
        case hashDiffers
    }

    case anchorNotExtended(sequence: UInt64, reason: Reason)

    public var zh: String {
        switch self {
        case .anchorNotExtended(let s, .tooShort(let n)):
            return "锚点 \(s) 不在当前日志里：日志只有 \(n) 条记录（日志被回滚或换成了另一条链）"
        case .anchorNotExtended(let s, .hashDiffers):
            return s == 0 ? "锚点 0 不符：日志的起始哈希不同（日志换成了另一条链）"
                : "锚点 \(s) 不符：第 \(s) 条记录的哈希不同（此前的历史被改写）"
        }
    }

    public var en: String {
        switch self {
        case .anchorNotExtended(let s, .tooShort(let n)):
            return "anchor \(s) not extended: the log has only \(n) records (rolled back, or replaced by another chain)"
        case .anchorNotExtended(let s, .hashDiffers):
            return s == 0 ? "anchor 0 not extended: the log's genesis hash differs (it is another chain)"
                : "anchor \(s) not extended: record \(s)'s hash differs (the history up to it was rewritten)"
        }
    }
}

public enum AnchorCheck {
    /// The anchors that a log (its id and its good records, in order from 1) does not extend.
    public static func problems(_ anchors: [Anchor], logID: [UInt8], records: [LogRecord]) -> [AnchorProblem] {
        anchors.compactMap { anchor in
            let actual: [UInt8]?
            if anchor.sequence == 0 {
                actual = logID.count == 16 ? LogFormat.sha256(LogFormat.header(logID: logID)[...]) : nil
            } else if anchor.sequence <= UInt64(records.count) {
                actual = records[Int(anchor.sequence) - 1].hash
            } else {
                return .anchorNotExtended(sequence: anchor.sequence, reason: .tooShort(records: records.count))
            }
            return actual == anchor.hash ? nil : .anchorNotExtended(sequence: anchor.sequence, reason: .hashDiffers)
        }
    }

    /// The same, for a verified log file.
    public static func problems(_ anchors: [Anchor], report: VerificationReport) -> [AnchorProblem] {
        problems(anchors, logID: report.logID, records: report.records)
    }
}

/// The fingerprint of a checkpoint key as printed on paper: the first 16 hex digits of SHA-256
/// of the 32-byte raw public key.
public func keyFingerprint(publicKey: [UInt8]) -> String {
    String(hexString(Array(SHA256.hash(data: publicKey))).prefix(16))
}

/// The text between LF bytes (a CR before an LF stays with its line: "\r\n" is one Character in
/// Swift, so a split on the Character "\n" would not cut there). The last element is what follows
/// the last LF: empty when the text ends with one.
func splitLines(_ text: String) -> [String] {
    Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
}

extension String {
    /// Without spaces, tabs and CRs at either end.
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
