import _CryptoExtras
import Crypto
import Foundation

/// What a user may do depends on the role.
public enum Role: Sendable, Codable, Equatable, Hashable {
    /// 市场管理方 / 党委: everything, every branch.
    case manager
    /// 支部书记: inspections and follow-up in their own branch only.
    case secretary(branch: Int)
    /// 服务台: complaint intake and look-up.
    case kiosk

    public func name(_ language: Language) -> String {
        switch self {
        case .manager: return language.pick("市场管理方", "market manager")
        case .secretary(let branch): return language.pick("第 \(branch) 支部书记", "secretary of branch \(branch)")
        case .kiosk: return language.pick("服务台", "kiosk staff")
        }
    }
}

/// A PIN stored only as a salted scrypt hash.
public struct PINHash: Sendable, Codable, Equatable {
    public var algorithm: String
    public var salt: String
    public var rounds: Int
    public var blockSize: Int
    public var parallelism: Int
    public var digest: String

    /// Hashes a PIN with a salt (pass random bytes; tests pass fixed ones).
    public static func make(pin: String, salt: [UInt8], rounds: Int = 16384) throws -> PINHash {
        let key = try KDF.Scrypt.deriveKey(from: Array(pin.utf8), salt: salt, outputByteCount: 32, rounds: rounds, blockSize: 8, parallelism: 1)
        return PINHash(algorithm: "scrypt", salt: hex(salt), rounds: rounds, blockSize: 8, parallelism: 1,
                       digest: key.withUnsafeBytes { hex(Array($0)) })
    }

    public func matches(_ pin: String) -> Bool {
        guard algorithm == "scrypt", let saltBytes = PINHash.unhex(salt),
              let key = try? KDF.Scrypt.deriveKey(from: Array(pin.utf8), salt: saltBytes, outputByteCount: 32,
                                                   rounds: rounds, blockSize: blockSize, parallelism: parallelism) else { return false }
        let computed = key.withUnsafeBytes { Array($0) }
        guard let stored = PINHash.unhex(digest), stored.count == computed.count else { return false }
        // Constant-time comparison.
        var difference: UInt8 = 0
        for (a, b) in zip(stored, computed) { difference |= a ^ b }
        return difference == 0
    }

    /// A new PIN is 6 to 8 digits (a million guesses at least; the login field takes 8).
    public static func problem(with pin: String) -> LocalizedMessage? {
        if pin.count < 6 || pin.count > 8 || !pin.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return LocalizedMessage(zh: "PIN 应为 6 到 8 位数字", en: "a PIN is 6 to 8 digits")
        }
        return nil
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func unhex(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var chars = Array(text.utf8)[...]
        while chars.count >= 2 {
            guard let byte = UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
            chars = chars.dropFirst(2)
        }
        return chars.isEmpty ? out : nil
    }
}

public struct User: Sendable, Codable, Equatable {
    /// The login name (ASCII letters, digits, . _ -), as written after `--as`.
    public var name: String
    public var displayName: String
    public var role: Role
    public var pin: PINHash
    /// The person behind the account, as the roster names people (a shop's owner, a branch's
    /// secretary): the shops whose owner this is are the user's own (docs/domain-model.md,
    /// "Conflicts of interest"). Nil: for a secretary, the branch's secretary in the roster;
    /// otherwise nobody in the roster.
    public var person: String?

    public init(name: String, displayName: String, role: Role, pin: PINHash, person: String? = nil) {
        self.name = name
        self.displayName = displayName
        self.role = role
        self.pin = pin
        self.person = person
    }

    public static func nameProblem(_ name: String) -> LocalizedMessage? {
        let ok = (2...32).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
        return ok ? nil : LocalizedMessage(zh: "用户名“\(name)”无效：应为 2 到 32 个英文字母、数字或 . _ -",
                                           en: "user name \"\(name)\" is invalid: use 2–32 letters, digits or . _ -")
    }
}

/// The things a user can ask for, as far as permissions go.
public enum Action: Sendable, Equatable {
    case registerUser
    case recordInspection(branch: Int)
    /// Points, appeals and replies for a shop of a branch.
    case actForShop(branch: Int)
    case confirmVeto
    case amendRecord
    /// Personal data unmasked: exports with consumers' names and phones and owners' names, and
    /// `log --jsonl --as` (market managers only; each disclosure recorded, docs/privacy.md).
    case exportPersonalData
    case fileComplaint
    /// New versions of the rules, the checklist and the code of conduct (market managers only).
    case publishRules

    /// Whether `role` may do this, or the message that says why not.
    public func check(_ role: Role) throws(LocalizedMessage) {
        switch (self, role) {
        case (_, .manager):
            return
        case (.recordInspection(let branch), .secretary(let own)):
            if branch != own {
                throw LocalizedMessage(zh: "第 \(own) 支部书记只能为本支部的商户记录检查（该商户属于第 \(branch) 支部）",
                                       en: "the secretary of branch \(own) may only inspect shops of that branch (this shop is in branch \(branch))")
            }
        case (.actForShop(let branch), .secretary(let own)):
            if branch != own {
                throw LocalizedMessage(zh: "第 \(own) 支部书记只能处理本支部商户的事务（该商户属于第 \(branch) 支部）",
                                       en: "the secretary of branch \(own) acts only for shops of that branch (this shop is in branch \(branch))")
            }
        case (.fileComplaint, .kiosk), (.fileComplaint, .secretary):
            return
        default:
            throw LocalizedMessage(zh: "\(role.name(.zh))无权进行此操作", en: "a \(role.name(.en)) may not do this")
        }
    }
}
