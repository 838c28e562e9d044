import Core
import Foundation
import Log

/// The one sign-in of the program — a command's `--as`, the dashboard's login screen and the
/// kiosk's start all come here (docs/privacy.md). The check runs under the log's lock against the
/// failures every process recorded (`SignInPolicy`), and a wrong PIN is recorded (`auth.failed`)
/// before the answer is given. Right and wrong PINs and unknown names cost the same one scrypt
/// derivation; nothing sleeps.
public enum SignIn {
    /// Now, in whole seconds since 1970 (the unit of the policy and of events' `at`).
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970.rounded(.down)) }

    /// The user named, after checking the PIN. `consequence` ends the refusal: what was not done
    /// (“未做任何改动” / “nothing was changed”). `allowUnrecorded`: on a log that cannot be written
    /// (the dashboard over a damaged log, for reading), the PIN is still checked, without a record.
    public static func check(_ store: Store, name: String, pin: String, via: SignInChannel, command: String?,
                             consequence: (zh: String, en: String), allowUnrecorded: Bool = false) throws(LocalizedMessage) -> User {
        let policy = SignInPolicy.standard
        var result: SignInResult?
        do {
            try store.append(events: { market in
                let outcome = market.signIn(name: name, pin: pin, now: now(), via: via, command: command, policy: policy)
                result = outcome
                guard case .wrong(let failure) = outcome else { return [] }
                return [Event(actor: AuthFailed.actor, at: Event.timestamp(Date()), key: "auth-failed:\(UUID().uuidString)", body: .authFailed(failure))]
            })
        } catch {
            let reason = LocalizedMessage(reason: error)
            // Only a log that is read-only for good (damaged, or on a read-only file or disk): a busy
            // lock or a full disk is no reason to check a PIN without its record.
            var readOnly = false
            switch error as? LogError {
            case .corrupt?, .checkpointFailed?, .readOnly?, .unverifiable?: readOnly = true
            default: break
            }
            if result == nil && allowUnrecorded && readOnly {
                result = store.market.signIn(name: name, pin: pin, now: now(), via: via, command: command, policy: policy)
                if case .wrong = result {
                    throw LocalizedMessage(zh: "用户名或 PIN 不正确（日志只读，这次尝试未能记录：\(reason.zh)）",
                                           en: "wrong user name or PIN (the log is read-only and the attempt could not be recorded: \(reason.en))")
                }
            } else if case .wrong = result {
                throw LocalizedMessage(zh: "用户名或 PIN 不正确，且这次尝试未能记录（\(reason.zh)），\(consequence.zh)",
                                       en: "wrong user name or PIN, and the attempt could not be recorded (\(reason.en)); \(consequence.en)")
            } else {
                throw LocalizedMessage(zh: "无法记录登录尝试，PIN 未经检查，\(consequence.zh)：\(reason.zh)",
                                       en: "the sign-in attempt cannot be recorded, so the PIN was not checked and \(consequence.en): \(reason.en)")
            }
        }
        switch result {
        case .signedIn(let user)?:
            return user
        case .locked(let until)?:
            throw suspension(name, until: until, consequence: consequence)
        case .wrong?, nil:
            let failures = store.market.signInFailures[AuthFailed.clip(name)] ?? []
            if let until = policy.lockedUntil(failures, now: now()) {
                throw LocalizedMessage(zh: "用户名或 PIN 不正确，登录已暂停至 \(localTime(until))（北京时间），\(consequence.zh)",
                                       en: "wrong user name or PIN; sign-in is now suspended until \(localTime(until)) (China Standard Time) and \(consequence.en)")
            }
            let left = policy.remaining(failures, now: now())
            let minutes = policy.lockoutSeconds / 60
            throw LocalizedMessage(zh: "用户名或 PIN 不正确，\(consequence.zh)（再错 \(left) 次将暂停登录 \(minutes) 分钟）",
                                   en: "wrong user name or PIN; \(consequence.en) (\(left) more wrong PINs suspend sign-in for \(minutes) minutes)")
        }
    }

    /// The refusal of a name whose sign-in is suspended, before a PIN is asked for (the check under
    /// the lock decides): nil when it is not suspended.
    public static func suspended(_ store: Store, name: String, consequence: (zh: String, en: String)) -> LocalizedMessage? {
        SignInPolicy.standard.lockedUntil(store.market.signInFailures[AuthFailed.clip(name)] ?? [], now: now())
            .map { suspension(name, until: $0, consequence: consequence) }
    }

    private static func suspension(_ name: String, until: Int64, consequence: (zh: String, en: String)) -> LocalizedMessage {
        LocalizedMessage(zh: "“\(name)”的错误 PIN 次数过多，登录已暂停至 \(localTime(until))（北京时间），\(consequence.zh)",
                         en: "too many wrong PINs for \"\(name)\": sign-in is suspended until \(localTime(until)) (China Standard Time) and \(consequence.en)")
    }

    /// `2026-11-27 13:45:07`, China Standard Time (the market's zone, as `MarketClock`).
    static func localTime(_ seconds: Int64) -> String {
        let text = Event.timestamp(Date(timeIntervalSince1970: TimeInterval(seconds + Int64(Event.marketOffsetSeconds))))
        return String(text.prefix(19)).replacingOccurrences(of: "T", with: " ")
    }
}

/// Recording a disclosure of personal data before it is shown (docs/privacy.md): if it cannot be
/// recorded, the data is not shown.
public enum Disclosure {
    public static func record(_ store: Store, by user: User, _ disclosed: DataDisclosed) throws(LocalizedMessage) {
        do {
            try store.append(events: { _ in
                [Event(actor: user.name, at: Event.timestamp(Date()), key: "disclosed:\(UUID().uuidString)", body: .dataDisclosed(disclosed))]
            })
        } catch {
            let reason = LocalizedMessage(reason: error)
            throw LocalizedMessage(zh: "无法记录这次个人信息查看，未显示任何个人信息：\(reason.zh)",
                                   en: "the disclosure of personal data cannot be recorded, so none was shown: \(reason.en)")
        }
    }
}
