/// Privacy (docs/privacy.md): who may see consumers' names and phones and the users' PIN hashes,
/// how a disclosure is recorded, and how sign-in is throttled across processes.
///
/// Everything here is pure: the time is passed in (seconds since 1970, UTC), and the PIN check is
/// a function the caller may wrap (the tests count the derivations it performs).

/// Where someone signed in (or tried to).
public enum SignInChannel: String, Sendable, Codable, CaseIterable {
    /// A command with `--as USER`.
    case cli
    /// The dashboard's login screen.
    case dashboard
    /// `chengxin kiosk`, once when it starts.
    case kiosk
}

/// `auth.failed`: a PIN that did not match, or any PIN for a user that does not exist. The PIN
/// itself is never recorded. The event's `actor` is `unauthenticated`; `at` is when.
public struct AuthFailed: Sendable, Codable, Equatable {
    /// The user name tried (at most `AuthFailed.maxNameLength` characters of it).
    public var user: String
    /// `cli`, `dashboard` or `kiosk` (`SignInChannel`).
    public var via: String
    /// The command, for the CLI (`inspection record`, `log`); nil elsewhere.
    public var command: String?

    public init(user: String, via: SignInChannel, command: String? = nil) {
        self.user = AuthFailed.clip(user)
        self.via = via.rawValue
        self.command = command
    }

    /// The actor of an `auth.failed` event: nobody proved who they were.
    public static let actor = "unauthenticated"
    public static let maxNameLength = 64

    /// The name as it is recorded and counted (a typed name can be anything).
    public static func clip(_ name: String) -> String { String(name.prefix(maxNameLength)) }
}

/// `data.disclosed`: personal data shown unmasked to a person. Who is the event's `actor` (a
/// market manager who gave their PIN), when is its `at`, what is here. It is recorded before the
/// data is shown; what cannot be recorded is not shown.
public struct DataDisclosed: Sendable, Codable, Equatable {
    /// `cli` or `dashboard`.
    public var via: String
    /// What was asked for: `log --jsonl`, `export complaints`, `export merchants`.
    public var command: String
    /// The fields shown unmasked: `consumerName`, `consumerPhone`, `pinHash`, `owner`.
    public var fields: [String]
    /// The first record of the log shown (`log`); nil for an export, which shows the state.
    public var from: UInt64?
    /// The last record the output covers (the log's head when it was made).
    public var through: UInt64
    /// How many events (`log`) or rows (exports) carry the unmasked fields.
    public var count: Int
    /// Where it went: `terminal` (standard output) or the file written.
    public var destination: String

    public init(via: SignInChannel, command: String, fields: [String], from: UInt64?, through: UInt64, count: Int, destination: String) {
        self.via = via.rawValue
        self.command = command
        self.fields = fields
        self.from = from
        self.through = through
        self.count = count
        self.destination = destination
    }
}

/// How wrong PINs slow sign-in down. The numbers are here and nowhere else.
public struct SignInPolicy: Sendable, Equatable {
    /// This many failures for one user name …
    public var maxFailures: Int
    /// … within this many seconds (first to last) …
    public var windowSeconds: Int64
    /// … refuse every sign-in as that name, unchecked, for this many seconds after the last one.
    public var lockoutSeconds: Int64

    public init(maxFailures: Int, windowSeconds: Int64, lockoutSeconds: Int64) {
        self.maxFailures = maxFailures
        self.windowSeconds = windowSeconds
        self.lockoutSeconds = lockoutSeconds
    }

    /// 5 wrong PINs within 15 minutes lock the name for 15 minutes.
    public static let standard = SignInPolicy(maxFailures: 5, windowSeconds: 15 * 60, lockoutSeconds: 15 * 60)

    /// The failures the state keeps per name (the newest; enough for any sensible policy).
    public static let failuresKept = 32

    /// When sign-in as a name with these failures (seconds, ascending) opens again, if it is
    /// locked at `now`; nil when it is not locked.
    public func lockedUntil(_ failures: [Int64], now: Int64) -> Int64? {
        guard maxFailures > 0, failures.count >= maxFailures else { return nil }
        let recent = failures.suffix(maxFailures)
        guard let first = recent.first, let last = recent.last, last - first < windowSeconds else { return nil }
        let until = last + lockoutSeconds
        return now < until ? until : nil
    }

    /// How many more wrong PINs the name may have before it is locked, at `now`.
    public func remaining(_ failures: [Int64], now: Int64) -> Int {
        let recent = failures.filter { now - $0 < windowSeconds }.count
        return max(0, maxFailures - recent)
    }
}

/// The answer to a sign-in.
public enum SignInResult: Sendable, Equatable {
    case signedIn(User)
    /// Wrong name or PIN: the caller records this failure (`auth.failed`) before answering.
    case wrong(AuthFailed)
    /// Too many recent failures: refused without checking the PIN, until this second.
    case locked(until: Int64)
}

extension PINHash {
    /// What an unknown user's PIN is checked against: the same algorithm and cost as every PIN
    /// `make` hashes (scrypt, N = 16384, r = 8, p = 1, 16-byte salt, 32-byte digest), so that a
    /// name that does not exist takes exactly the work of one that does. No PIN matches it (its
    /// digest is not the output of any derivation anyone knows).
    public static let dummy = PINHash(algorithm: "scrypt", salt: "6368656e6778696e2d64756d6d790000", rounds: 16384, blockSize: 8,
                                      parallelism: 1, digest: String(repeating: "00", count: 32))

    /// What `chengxin log` prints instead of a PIN hash unless a manager asked for it.
    public static let withheld = PINHash(algorithm: "withheld", salt: "", rounds: 0, blockSize: 0, parallelism: 0, digest: "")
}

extension MarketState {
    /// Checks a sign-in against the failures every process recorded. A locked name is refused
    /// before the PIN is looked at; otherwise exactly one PIN derivation is done (`verify`), for a
    /// right PIN, a wrong one and an unknown name alike, and nothing waits.
    public func signIn(name: String, pin: String, now: Int64, via: SignInChannel, command: String? = nil,
                       policy: SignInPolicy = .standard,
                       verify: (PINHash, String) -> Bool = { $0.matches($1) }) -> SignInResult {
        let recorded = AuthFailed.clip(name)
        if let until = policy.lockedUntil(signInFailures[recorded] ?? [], now: now) { return .locked(until: until) }
        let user = users[name]
        let right = verify(user?.pin ?? .dummy, pin)
        if let user, right { return .signedIn(user) }
        return .wrong(AuthFailed(user: name, via: via, command: command))
    }

    /// Folds an `auth.failed`: the newest failures per name, by the time the event was recorded.
    mutating func noteSignInFailure(of name: String, at timestamp: String) {
        guard let seconds = Event.seconds(timestamp) else { return }
        var list = signInFailures[name] ?? []
        // Processes append in lock order; a clock set back is kept in order all the same.
        let position = list.lastIndex { $0 <= seconds }.map { $0 + 1 } ?? 0
        list.insert(seconds, at: position)
        if list.count > SignInPolicy.failuresKept { list.removeFirst(list.count - SignInPolicy.failuresKept) }
        signInFailures[name] = list
    }
}

extension Event {
    /// Seconds since 1970 of a timestamp as events store it (`2026-11-27T02:20:00Z`); nil otherwise.
    public static func seconds(_ timestamp: String) -> Int64? {
        let bytes = Array(timestamp.utf8)
        guard bytes.count == 20, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              bytes[19] == UInt8(ascii: "Z"), let date = SimpleDate(iso: String(decoding: bytes[0..<10], as: UTF8.self)) else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              hour < 24, minute < 60, second < 60 else { return nil }
        return Int64(date.dayNumber) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }
}

/// Masking personal data for everyone but the person handling the case.
public enum PersonalData {
    /// 13812341234 → 138****1234; anything else keeps its first and last characters.
    public static func maskPhone(_ phone: String) -> String {
        let chars = Array(phone)
        guard chars.count >= 7 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(3)) + "****" + String(chars.suffix(4))
    }

    /// 张三丰 → 张**
    public static func maskName(_ name: String) -> String {
        guard let first = name.first else { return "" }
        return String(first) + String(repeating: "*", count: max(1, name.count - 1))
    }

    /// A mainland mobile number (11 digits starting 1[3-9]) or a landline with area code (0xx-xxxxxxx).
    public static func isPlausiblePhone(_ phone: String) -> Bool {
        let digits = phone.filter { $0 != "-" && $0 != " " }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        if digits.count == 11, digits.hasPrefix("1"), let second = digits.dropFirst().first, "3456789".contains(second) { return true }
        return digits.hasPrefix("0") && (10...12).contains(digits.count)
    }
}

extension PersonalData {
    /// The fields `masked` hides, as `data.disclosed` names them.
    public static let consumerFields = ["consumerName", "consumerPhone"]
    public static let pinField = "pinHash"

    /// The event as anyone but a market manager who asked may see it: consumers' names and phones
    /// masked (`maskName`, `maskPhone`), every PIN hash replaced by `PINHash.withheld`. Nil when the
    /// event carries none of them (it is shown as it is).
    public static func masked(_ event: Event) -> Event? {
        var copy = event
        switch event.body {
        case .complaintFiled(var filed):
            guard filed.consumerName != nil || filed.consumerPhone != nil else { return nil }
            filed.consumerName = filed.consumerName.map(maskName)
            filed.consumerPhone = filed.consumerPhone.map(maskPhone)
            copy.body = .complaintFiled(filed)
        case .userRegistered(var user):
            user.pin = .withheld
            copy.body = .userRegistered(user)
        default:
            return nil
        }
        return copy
    }

    /// The fields an event shows unmasked (empty for one `masked` leaves alone).
    public static func personalFields(of event: Event) -> [String] {
        switch event.body {
        case .complaintFiled(let filed):
            return (filed.consumerName != nil ? ["consumerName"] : []) + (filed.consumerPhone != nil ? ["consumerPhone"] : [])
        case .userRegistered:
            return [pinField]
        default:
            return []
        }
    }
}
