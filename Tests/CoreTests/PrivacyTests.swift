import Codec
import Foundation
import Testing
@testable import Core

/// Sign-in throttling, the same work for every answer, and masking (docs/privacy.md).
@Suite("Privacy: sign-in and masking")
struct PrivacyTests {
    static let start: Int64 = 1_795_000_000  // 2026-11-18T...Z

    static func at(_ seconds: Int64) -> String { Event.timestamp(Date(timeIntervalSince1970: TimeInterval(seconds))) }

    /// A market with one manager (PIN 123456, a cheap hash for speed) and `failures` recorded for `name`.
    static func market(failures: [Int64] = [], for name: String = "li") throws -> MarketState {
        let hash = try PINHash.make(pin: "123456", salt: Array(repeating: 7, count: 16), rounds: 1024)
        var events = [Event(actor: "li", at: at(start), key: "u", body: .userRegistered(User(name: "li", displayName: "李主任", role: .manager, pin: hash)))]
        for (i, time) in failures.enumerated() {
            events.append(Event(actor: AuthFailed.actor, at: at(time), key: "f\(i)", body: .authFailed(AuthFailed(user: name, via: .cli, command: "log"))))
        }
        return MarketState(events: events)
    }

    /// Counts the derivations a sign-in performs (each is one real scrypt).
    final class Counter: @unchecked Sendable {
        var derivations = 0
        var hashes: [PINHash] = []
        func verify(_ hash: PINHash, _ pin: String) -> Bool {
            derivations += 1
            hashes.append(hash)
            return hash.matches(pin)
        }
    }

    @Test func aRightPINAWrongOneAndAnUnknownNameCostOneDerivationEach() throws {
        let market = try Self.market()
        var results: [SignInResult] = []
        for (name, pin) in [("li", "123456"), ("li", "654321"), ("nobody", "123456")] {
            let counter = Counter()
            results.append(market.signIn(name: name, pin: pin, now: Self.start + 60, via: .cli, verify: counter.verify))
            #expect(counter.derivations == 1, "\(name)/\(pin)")
            if name == "nobody" { #expect(counter.hashes == [.dummy]) }
        }
        guard case .signedIn(let user) = results[0] else { Issue.record("the right PIN signs in"); return }
        #expect(user.name == "li")
        #expect(results[1] == .wrong(AuthFailed(user: "li", via: .cli)))
        #expect(results[2] == .wrong(AuthFailed(user: "nobody", via: .cli)))
        // The unknown name's hash costs what every real one costs.
        let real = try PINHash.make(pin: "000000", salt: Array(repeating: 9, count: 16))
        #expect(PINHash.dummy.algorithm == real.algorithm && PINHash.dummy.rounds == real.rounds)
        #expect(PINHash.dummy.blockSize == real.blockSize && PINHash.dummy.parallelism == real.parallelism)
        #expect(PINHash.dummy.salt.count == real.salt.count && PINHash.dummy.digest.count == real.digest.count)
        #expect(!PINHash.dummy.matches("123456"))
    }

    @Test func fiveFailuresWithinTheWindowSuspendTheNameUntilTheLockoutEnds() throws {
        let policy = SignInPolicy.standard
        #expect(policy == SignInPolicy(maxFailures: 5, windowSeconds: 900, lockoutSeconds: 900))
        let failures = (0..<5).map { Self.start + Int64($0) * 60 }  // the fifth 4 minutes after the first
        let last = failures[4]

        // Four are not enough; the right PIN still signs in.
        let four = try Self.market(failures: Array(failures.prefix(4)))
        #expect(policy.remaining(four.signInFailures["li"] ?? [], now: last) == 1)
        guard case .signedIn = four.signIn(name: "li", pin: "123456", now: last, via: .dashboard) else {
            Issue.record("four failures do not lock"); return
        }

        // Five lock the name: nothing is derived, even for the right PIN, until last + 15 minutes.
        let five = try Self.market(failures: failures)
        for now in [last, last + 1, last + 899] {
            let counter = Counter()
            #expect(five.signIn(name: "li", pin: "123456", now: now, via: .kiosk, verify: counter.verify) == .locked(until: last + 900))
            #expect(counter.derivations == 0)
        }
        // Once the wait is over the right PIN works.
        guard case .signedIn = five.signIn(name: "li", pin: "123456", now: last + 900, via: .cli) else {
            Issue.record("the right PIN works once the lockout is over"); return
        }
        // Another name is not affected.
        #expect(five.signIn(name: "gu", pin: "1", now: last, via: .cli) == .wrong(AuthFailed(user: "gu", via: .cli)))
    }

    @Test func failuresSpreadWiderThanTheWindowDoNotLock() throws {
        let failures = (0..<5).map { Self.start + Int64($0) * 240 }  // 16 minutes first to last
        let market = try Self.market(failures: failures)
        #expect(SignInPolicy.standard.lockedUntil(market.signInFailures["li"] ?? [], now: failures[4]) == nil)
        guard case .signedIn = market.signIn(name: "li", pin: "123456", now: failures[4] + 1, via: .cli) else {
            Issue.record("spread failures do not lock"); return
        }
    }

    @Test func unknownNamesAreThrottledLikeKnownOnes() throws {
        let failures = (0..<5).map { Self.start + Int64($0) }
        let market = try Self.market(failures: failures, for: "nobody")
        #expect(market.signIn(name: "nobody", pin: "123456", now: failures[4] + 10, via: .cli) == .locked(until: failures[4] + 900))
    }

    @Test func theFailuresSurviveASnapshot() throws {
        let market = try Self.market(failures: [Self.start, Self.start + 5])
        #expect(market.signInFailures == ["li": [Self.start, Self.start + 5]])
        let restored = try #require(MarketSnapshot.decode(try MarketSnapshot.encode(market)))
        #expect(restored.signInFailures == market.signInFailures)
    }

    @Test func timestampsReadBackToTheSecond() {
        for seconds: Int64 in [0, 86_399, 1_795_000_123, 4_102_444_799] {
            #expect(Event.seconds(Self.at(seconds)) == seconds)
        }
        for bad in ["", "2026-11-27T02:20:00", "2026-11-27 02:20:00Z", "2026-13-27T02:20:00Z", "2026-11-27T24:00:00Z", "2026-11-27T0a:20:00Z"] {
            #expect(Event.seconds(bad) == nil, "\(bad)")
        }
    }

    @Test func newPINsHaveSixToEightDigits() {
        for bad in ["", "1234", "12345", "123456789", "12345a", "１２３４５６"] {
            #expect(PINHash.problem(with: bad) != nil, "\(bad)")
        }
        for good in ["123456", "1234567", "12345678"] {
            #expect(PINHash.problem(with: good) == nil, "\(good)")
        }
    }

    @Test func maskingHidesNamesPhonesAndPINHashesAndKeepsTheRest() throws {
        let filed = ComplaintFiled(receipt: "ABCD2345", shop: "A101", category: "quality", integrity: .quality, text: "镜片有划痕", amountFen: 68000,
                                   wants: ["exchange"], consumerName: "王小明", consumerPhone: "13812341234", consentToContact: true,
                                   date: try #require(SimpleDate(iso: "2026-03-03")))
        let event = Event(actor: "desk1", at: "2026-03-03T02:00:00Z", key: "c", body: .complaintFiled(filed))
        let masked = try #require(PersonalData.masked(event))
        guard case .complaintFiled(let shown) = masked.body else { Issue.record("still a filing"); return }
        #expect(shown.consumerName == "王**" && shown.consumerPhone == "138****1234")
        var rest = shown
        rest.consumerName = filed.consumerName
        rest.consumerPhone = filed.consumerPhone
        #expect(rest == filed && masked.actor == event.actor && masked.at == event.at && masked.key == event.key)
        #expect(PersonalData.personalFields(of: event) == ["consumerName", "consumerPhone"])

        let hash = try PINHash.make(pin: "123456", salt: Array(repeating: 5, count: 16), rounds: 1024)
        let user = Event(actor: "li", at: "2026-03-03T02:00:00Z", key: "u", body: .userRegistered(User(name: "gu", displayName: "顾书记", role: .secretary(branch: 1), pin: hash)))
        let withheld = try #require(PersonalData.masked(user))
        let json = String(decoding: try EventCodec.encodeBytes(withheld), as: UTF8.self)
        #expect(!json.contains(hash.digest) && !json.contains(hash.salt) && json.contains("\"algorithm\":\"withheld\""))
        #expect(try EventCodec.decode(Array(json.utf8)) == withheld, "still a readable event")

        // Nothing personal: left alone.
        let anonymous = Event(actor: "desk1", at: "2026-03-03T02:00:00Z", key: "a", body: .complaintFiled(
            ComplaintFiled(receipt: "ABCD2346", shop: nil, category: "price", integrity: .price, text: "价格不符", amountFen: nil, wants: [],
                           consumerName: nil, consumerPhone: nil, consentToContact: false, date: filed.date)))
        #expect(PersonalData.masked(anonymous) == nil && PersonalData.personalFields(of: anonymous).isEmpty)
    }

    /// A failure keeps a long name only in part, and never the PIN (their payloads, as every
    /// type's, are checked against JSONEncoder by PayloadLayoutTests).
    @Test func aFailureKeepsAShortNameAndNoPIN() throws {
        let events = [
            Event(actor: AuthFailed.actor, at: "2026-03-03T02:00:00Z", key: "auth-failed:1", body: .authFailed(AuthFailed(user: "li", via: .cli, command: "inspection record"))),
            Event(actor: AuthFailed.actor, at: "2026-03-03T02:00:01Z", key: "auth-failed:2", body: .authFailed(AuthFailed(user: String(repeating: "x", count: 100), via: .dashboard))),
            Event(actor: "li", at: "2026-03-03T02:00:02Z", key: "disclosed:1", body: .dataDisclosed(DataDisclosed(
                via: .cli, command: "log --jsonl", fields: ["consumerName", "consumerPhone", "pinHash"], from: 1, through: 120, count: 4, destination: "terminal"))),
            Event(actor: "li", at: "2026-03-03T02:00:03Z", key: "disclosed:2", body: .dataDisclosed(DataDisclosed(
                via: .dashboard, command: "export complaints", fields: ["consumerName"], from: nil, through: 121, count: 9, destination: "/home/li/x.csv"))),
        ]
        if case .authFailed(let failure) = events[1].body { #expect(failure.user.count == AuthFailed.maxNameLength) }
        // The PIN is never part of a failure.
        #expect(!String(decoding: try EventCodec.encodeBytes(events[0]), as: UTF8.self).lowercased().contains("pin"))
    }
}
