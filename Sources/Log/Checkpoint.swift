import Crypto
import Foundation

/// A signed statement "the log with id L had head hash H at sequence number S, at time T",
/// signed with Ed25519 by a key kept outside the data directory. A rewritten or rolled-back
/// chain cannot match it without that key.
///
/// One checkpoint is one line of text (see docs/log-format.md, "Checkpoints"), and only its
/// canonical spelling is a checkpoint:
/// `chengxin-checkpoint v1 log=<hex32> seq=<n> head=<hex64> at=<YYYY-MM-DDTHH:MM:SSZ> key=<hex64> sig=<hex128>`
/// (fields in this order, single spaces, lower-case hex, `seq` without leading zeros). The
/// signature covers the line's own UTF-8 bytes before " sig=", kept as read (`signedText`).
public struct Checkpoint: Sendable, Equatable {
    public let logID: [UInt8]
    public let sequence: UInt64
    public let headHash: [UInt8]
    public let at: String
    public let publicKey: [UInt8]
    public let signature: [UInt8]
    /// The bytes the signature covers: the line up to, not including, " sig=", exactly as it
    /// was signed or read (never rebuilt from the fields).
    public let signedText: String

    static let prefix = "chengxin-checkpoint v1"

    /// The canonical text before " sig=" for these fields.
    static func render(logID: [UInt8], sequence: UInt64, headHash: [UInt8], at: String, publicKey: [UInt8]) -> String {
        "\(prefix) log=\(hexString(logID)) seq=\(sequence) head=\(hexString(headHash)) at=\(at) key=\(hexString(publicKey))"
    }

    public var line: String { signedText + " sig=" + hexString(signature) }

    /// The fingerprint of the signing key, as printed on paper beside the head.
    public var keyFingerprint: String { Log.keyFingerprint(publicKey: publicKey) }

    /// Why a checkpoint could not be signed.
    public enum SigningError: Error, Sendable, Equatable {
        /// `at` is not `YYYY-MM-DDTHH:MM:SSZ`.
        case badTime(String)
        /// A log id of other than 16 bytes or a head hash of other than 32.
        case badLength
    }

    public static func sign(logID: [UInt8], sequence: UInt64, headHash: [UInt8], at: String, key: Curve25519.Signing.PrivateKey) throws -> Checkpoint {
        guard isCanonicalTime(at) else { throw SigningError.badTime(at) }
        guard logID.count == 16, headHash.count == 32 else { throw SigningError.badLength }
        let publicKey = Array(key.publicKey.rawRepresentation)
        let text = render(logID: logID, sequence: sequence, headHash: headHash, at: at, publicKey: publicKey)
        let signature = try key.signature(for: Data(text.utf8))
        return Checkpoint(logID: logID, sequence: sequence, headHash: headHash, at: at,
                          publicKey: publicKey, signature: Array(signature), signedText: text)
    }

    /// Whether the signature is the key's signature of the line's bytes before " sig=".
    public var signatureIsValid: Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: Data(signedText.utf8))
    }

    /// Parses one line (without its LF); nil unless it is exactly the canonical spelling of a
    /// checkpoint: any other spelling of the same values is malformed.
    public static func parse(_ line: String) -> Checkpoint? {
        let bytes = Array(line.utf8)
        let parts = bytes.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 8, parts[0].elementsEqual("chengxin-checkpoint".utf8), parts[1].elementsEqual("v1".utf8) else { return nil }
        func field(_ index: Int, _ name: String) -> String? {
            let part = parts[index]
            let label = Array((name + "=").utf8)
            guard part.starts(with: label) else { return nil }
            return String(decoding: part.dropFirst(label.count), as: UTF8.self)
        }
        guard let log = field(2, "log").flatMap({ lowerHex($0, count: 16) }),
              let seqText = field(3, "seq"), let seq = canonicalDecimal(seqText),
              let head = field(4, "head").flatMap({ lowerHex($0, count: 32) }),
              let at = field(5, "at"), isCanonicalTime(at),
              let key = field(6, "key").flatMap({ lowerHex($0, count: 32) }),
              let sig = field(7, "sig").flatMap({ lowerHex($0, count: 64) }) else { return nil }
        let text = render(logID: log, sequence: seq, headHash: head, at: at, publicKey: key)
        // Parsed, re-rendered, compared byte for byte: the line is its own canonical spelling.
        guard Array((text + " sig=" + hexString(sig)).utf8) == bytes,
              let cut = line.range(of: " sig=", options: .backwards) else { return nil }
        return Checkpoint(logID: log, sequence: seq, headHash: head, at: at, publicKey: key, signature: sig,
                          signedText: String(line[..<cut.lowerBound]))
    }

    /// Whether `text` is a time as checkpoints write it: `YYYY-MM-DDTHH:MM:SSZ`, UTC, whole seconds.
    public static func isCanonicalTime(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count == 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b[19] == 0x5A else { return false }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for c in b[from..<(from + count)] {
                guard (0x30...0x39).contains(c) else { return nil }
                value = value * 10 + Int(c - 0x30)
            }
            return value
        }
        guard number(0, 4) != nil, let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2) else { return false }
        return (1...12).contains(month) && (1...31).contains(day) && hour < 24 && minute < 60 && second < 60
    }
}

/// A decimal number as written canonically: digits only, no sign, no leading zero (but "0").
func canonicalDecimal(_ text: String) -> UInt64? {
    let b = Array(text.utf8)
    guard !b.isEmpty, b.allSatisfy({ (0x30...0x39).contains($0) }), b.count == 1 || b[0] != 0x30 else { return nil }
    return UInt64(text)
}

/// Exactly `count` bytes written as `2·count` lower-case hexadecimal digits; nil for anything else.
func lowerHex(_ text: String, count: Int) -> [UInt8]? {
    guard text.utf8.count == 2 * count, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return nil }
    return bytes(hex: text)
}

/// Bytes from lower- or upper-case hexadecimal; nil for anything else.
public func bytes(hex: String) -> [UInt8]? {
    let chars = Array(hex.utf8)
    guard chars.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(chars.count / 2)
    func value(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }
    var i = 0
    while i < chars.count {
        guard let hi = value(chars[i]), let lo = value(chars[i + 1]) else { return nil }
        out.append(hi << 4 | lo)
        i += 2
    }
    return out
}

/// What checking the checkpoints against the log found: each of these fails verification.
public enum CheckpointProblem: Sendable, Equatable {
    /// A complete line in a checkpoint file that is not a checkpoint (nor a comment or blank).
    case malformed(file: String, line: Int)
    /// A checkpoint of another log id in the data directory's file or in the mirror (`file` is
    /// empty, `line` 0, when the checkpoint was handed to `CheckpointCheck.problems` directly).
    case foreign(file: String, line: Int, logID: [UInt8])
    /// Signed by a key other than the trusted one.
    case untrustedKey(sequence: UInt64)
    case badSignature(sequence: UInt64)
    /// The log is shorter than a signed checkpoint: records after a checkpoint were removed.
    case rolledBack(checkpoint: UInt64, records: Int)
    /// The record at a signed checkpoint has a different chain hash: history was rewritten.
    case rewritten(sequence: UInt64)
    /// A mirror beside the key is bound to this data directory (its `# data=` line) but belongs
    /// to the log id `previous`: the log in the directory was replaced by another chain.
    case logIDChanged(previous: [UInt8])

    public var zh: String {
        switch self {
        case .malformed(let f, let l): return "检查点文件 \(f) 第 \(l) 行格式不对"
        case .foreign(let f, let l, let id):
            let place = f.isEmpty ? "有一个检查点" : "检查点文件 \(f) 第 \(l) 行的检查点"
            return "\(place)属于另一条日志（日志编号 \(hexString(id))）：数据目录里的日志可能被换成了另一条链"
        case .untrustedKey(let s): return "第 \(s) 条处的检查点不是由受信任的密钥签名的"
        case .badSignature(let s): return "第 \(s) 条处的检查点签名无效（检查点被改动）"
        case .rolledBack(let c, let n): return "日志被回滚：已签名的检查点记到第 \(c) 条，日志现在只有 \(n) 条"
        case .rewritten(let s): return "日志被改写：第 \(s) 条记录的哈希与已签名的检查点不符"
        case .logIDChanged(let previous):
            return "日志编号变了：签名密钥旁的镜像 anchors/\(hexString(previous)).txt 属于这个数据目录，记的却是另一条日志（编号 \(hexString(previous))）：日志被换成了另一条链"
        }
    }

    public var en: String {
        switch self {
        case .malformed(let f, let l): return "checkpoint file \(f) line \(l) is malformed"
        case .foreign(let f, let l, let id):
            let place = f.isEmpty ? "a checkpoint" : "the checkpoint in file \(f) line \(l)"
            return "\(place) belongs to another log (log id \(hexString(id))): the log in the data directory may have been replaced by another chain"
        case .untrustedKey(let s): return "the checkpoint at record \(s) is not signed by the trusted key"
        case .badSignature(let s): return "the checkpoint at record \(s) has an invalid signature (it was altered)"
        case .rolledBack(let c, let n): return "the log was rolled back: a signed checkpoint covers record \(c), the log now has \(n) records"
        case .rewritten(let s): return "the log was rewritten: record \(s)'s hash differs from the signed checkpoint"
        case .logIDChanged(let previous):
            return "the log id changed: the mirror anchors/\(hexString(previous)).txt beside the signing key belongs to this data directory but records another log (id \(hexString(previous))): the log was replaced by another chain"
        }
    }
}

/// What reading the checkpoint files found that does not fail verification.
public enum CheckpointNote: Sendable, Equatable {
    /// The last line of a checkpoint file has no LF and is not a complete checkpoint: a write cut
    /// short (a full disk, a power cut). Ignored; the next writer cuts it off before appending.
    case unfinishedLine(file: String, line: Int)

    public var zh: String {
        switch self {
        case .unfinishedLine(let f, let l):
            return "检查点文件 \(f) 第 \(l) 行没有写完（缺少换行，可能是磁盘满或断电）：已忽略，下次签名前会截去"
        }
    }

    public var en: String {
        switch self {
        case .unfinishedLine(let f, let l):
            return "checkpoint file \(f) line \(l) is unfinished (no line feed: a full disk or a power cut): ignored, and cut off before the next checkpoint is written"
        }
    }
}

/// What the checkpoint files hold for one log.
public struct CheckpointFindings: Sendable, Equatable {
    /// This log's checkpoints, each once (a line in both files counts once), by sequence number.
    public var checkpoints: [Checkpoint]
    /// What fails verification (malformed, foreign, log id changed; with `CheckpointFiles.verify`
    /// also untrusted key, bad signature, rolled back, rewritten).
    public var problems: [CheckpointProblem]
    /// What does not (an unfinished last line).
    public var notes: [CheckpointNote]
    /// The public key of the signing key at hand, when `CheckpointFiles.verify` found one.
    public var trustedKey: [UInt8]?

    public init(checkpoints: [Checkpoint] = [], problems: [CheckpointProblem] = [], notes: [CheckpointNote] = [], trustedKey: [UInt8]? = nil) {
        self.checkpoints = checkpoints
        self.problems = problems
        self.notes = notes
        self.trustedKey = trustedKey
    }

    /// The newest checkpoint (highest sequence number) whose signature holds, by the trusted key
    /// when there is one: the one whose key fingerprint is printed beside the head.
    public func newestSigned() -> Checkpoint? {
        checkpoints.last { $0.signatureIsValid && (trustedKey == nil || $0.publicKey == trustedKey) }
    }

    mutating func merge(_ other: CheckpointFindings) {
        checkpoints += other.checkpoints.filter { candidate in !checkpoints.contains(candidate) }
        problems += other.problems
        notes += other.notes
    }
}

public enum CheckpointCheck {
    /// Checks checkpoints against a log's records. `trustedKey`, when given, is the only key accepted.
    public static func problems(_ checkpoints: [Checkpoint], logID: [UInt8], records: [LogRecord], trustedKey: [UInt8]?) -> [CheckpointProblem] {
        var found: [CheckpointProblem] = []
        for checkpoint in checkpoints {
            guard checkpoint.logID == logID else {
                found.append(.foreign(file: "", line: 0, logID: checkpoint.logID))
                continue
            }
            if let trustedKey, checkpoint.publicKey != trustedKey {
                found.append(.untrustedKey(sequence: checkpoint.sequence))
                continue
            }
            guard checkpoint.signatureIsValid else {
                found.append(.badSignature(sequence: checkpoint.sequence))
                continue
            }
            if checkpoint.sequence == 0 { continue }
            guard checkpoint.sequence <= UInt64(records.count) else {
                found.append(.rolledBack(checkpoint: checkpoint.sequence, records: records.count))
                continue
            }
            if records[Int(checkpoint.sequence) - 1].hash != checkpoint.headHash {
                found.append(.rewritten(sequence: checkpoint.sequence))
            }
        }
        return found
    }

    /// Reads a checkpoint file's text: the checkpoints of `logID`, and as problems the malformed
    /// lines and the checkpoints of other logs; a last line without LF that is not a complete
    /// checkpoint is a note. `#` comments and blank lines are skipped.
    public static func parseFile(_ text: String, name: String, logID: [UInt8]) -> CheckpointFindings {
        var found = CheckpointFindings()
        let lines = splitLines(text)
        for (i, line) in lines.enumerated() {
            let finished = i < lines.count - 1
            let trimmed = line.trimmingASCIIWhitespace()
            if trimmed.isEmpty || (finished && trimmed.hasPrefix("#")) { continue }
            if let checkpoint = Checkpoint.parse(line) {
                if checkpoint.logID == logID {
                    found.checkpoints.append(checkpoint)
                } else {
                    found.problems.append(.foreign(file: name, line: i + 1, logID: checkpoint.logID))
                }
            } else if finished {
                found.problems.append(.malformed(file: name, line: i + 1))
            } else {
                found.notes.append(.unfinishedLine(file: name, line: i + 1))
            }
        }
        return found
    }
}
