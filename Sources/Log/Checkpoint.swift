import Crypto
import Foundation

/// A signed statement "the log with id L had head hash H at sequence number S, at time T",
/// signed with Ed25519 by a key kept outside the data directory. A rewritten or rolled-back
/// chain cannot match it without that key.
///
/// One checkpoint is one line of text (see docs/log-format.md, "Checkpoints"):
/// `chengxin-checkpoint v1 log=<hex32> seq=<n> head=<hex64> at=<time> key=<hex64> sig=<hex128>`
/// The signature covers the UTF-8 bytes of the line before " sig=".
public struct Checkpoint: Sendable, Equatable {
    public let logID: [UInt8]
    public let sequence: UInt64
    public let headHash: [UInt8]
    public let at: String
    public let publicKey: [UInt8]
    public let signature: [UInt8]

    static let prefix = "chengxin-checkpoint v1"

    public var signedText: String {
        "\(Checkpoint.prefix) log=\(hexString(logID)) seq=\(sequence) head=\(hexString(headHash)) at=\(at) key=\(hexString(publicKey))"
    }

    public var line: String { signedText + " sig=" + hexString(signature) }

    public static func sign(logID: [UInt8], sequence: UInt64, headHash: [UInt8], at: String, key: Curve25519.Signing.PrivateKey) throws -> Checkpoint {
        let unsigned = Checkpoint(logID: logID, sequence: sequence, headHash: headHash, at: at,
                                  publicKey: Array(key.publicKey.rawRepresentation), signature: [])
        let signature = try key.signature(for: Data(unsigned.signedText.utf8))
        return Checkpoint(logID: logID, sequence: sequence, headHash: headHash, at: at,
                          publicKey: unsigned.publicKey, signature: Array(signature))
    }

    /// Whether the signature is the key's signature of the line.
    public var signatureIsValid: Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: Data(signedText.utf8))
    }

    /// Parses one line; nil when it is not a well-formed checkpoint.
    public static func parse(_ line: String) -> Checkpoint? {
        guard line.hasPrefix(prefix + " ") else { return nil }
        var fields: [String: String] = [:]
        for part in line.dropFirst(prefix.count + 1).split(separator: " ") {
            guard let eq = part.firstIndex(of: "=") else { return nil }
            fields[String(part[..<eq])] = String(part[part.index(after: eq)...])
        }
        guard let log = fields["log"].flatMap(bytes(hex:)), log.count == 16,
              let seq = fields["seq"].flatMap({ UInt64($0) }),
              let head = fields["head"].flatMap(bytes(hex:)), head.count == 32,
              let at = fields["at"], !at.isEmpty,
              let key = fields["key"].flatMap(bytes(hex:)), key.count == 32,
              let sig = fields["sig"].flatMap(bytes(hex:)), sig.count == 64 else { return nil }
        return Checkpoint(logID: log, sequence: seq, headHash: head, at: at, publicKey: key, signature: sig)
    }
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

/// What checking the checkpoints against the log found.
public enum CheckpointProblem: Sendable, Equatable {
    /// A line in a checkpoint file that is not a checkpoint.
    case malformed(file: String, line: Int)
    /// Signed by a key other than the trusted one.
    case untrustedKey(sequence: UInt64)
    case badSignature(sequence: UInt64)
    /// The log is shorter than a signed checkpoint: records after a checkpoint were removed.
    case rolledBack(checkpoint: UInt64, records: Int)
    /// The record at a signed checkpoint has a different chain hash: history was rewritten.
    case rewritten(sequence: UInt64)

    public var zh: String {
        switch self {
        case .malformed(let f, let l): return "检查点文件 \(f) 第 \(l) 行格式不对"
        case .untrustedKey(let s): return "第 \(s) 条处的检查点不是由受信任的密钥签名的"
        case .badSignature(let s): return "第 \(s) 条处的检查点签名无效（检查点被改动）"
        case .rolledBack(let c, let n): return "日志被回滚：已签名的检查点记到第 \(c) 条，日志现在只有 \(n) 条"
        case .rewritten(let s): return "日志被改写：第 \(s) 条记录的哈希与已签名的检查点不符"
        }
    }

    public var en: String {
        switch self {
        case .malformed(let f, let l): return "checkpoint file \(f) line \(l) is malformed"
        case .untrustedKey(let s): return "the checkpoint at record \(s) is not signed by the trusted key"
        case .badSignature(let s): return "the checkpoint at record \(s) has an invalid signature (it was altered)"
        case .rolledBack(let c, let n): return "the log was rolled back: a signed checkpoint covers record \(c), the log now has \(n) records"
        case .rewritten(let s): return "the log was rewritten: record \(s)'s hash differs from the signed checkpoint"
        }
    }
}

public enum CheckpointCheck {
    /// Checks checkpoints against a log's records. `trustedKey`, when given, is the only key accepted.
    public static func problems(_ checkpoints: [Checkpoint], logID: [UInt8], records: [LogRecord], trustedKey: [UInt8]?) -> [CheckpointProblem] {
        var found: [CheckpointProblem] = []
        for checkpoint in checkpoints where checkpoint.logID == logID {
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

    /// Parses a checkpoint file's text: the checkpoints and the malformed lines.
    public static func parseFile(_ text: String, name: String) -> ([Checkpoint], [CheckpointProblem]) {
        var checkpoints: [Checkpoint] = []
        var problems: [CheckpointProblem] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if let checkpoint = Checkpoint.parse(trimmed) {
                checkpoints.append(checkpoint)
            } else {
                problems.append(.malformed(file: name, line: i + 1))
            }
        }
        return (checkpoints, problems)
    }
}
