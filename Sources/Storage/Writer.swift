import Codec
import Core
import Foundation
import Log

/// Opens the store for a write and appends one event after validating it under the lock.
public enum Writer {
    /// Opens the data directory once for a write command (authentication reads its state; the
    /// append then catches up under the lock), with interval checkpoints when a key is at hand.
    /// The whole log is checked now, so that damage is named before anything is asked, and an
    /// unfinished last record is cut (kept aside, recorded): `store.log.lastTailCut` then says so.
    /// A key inside the data directory is refused by every writer, as by verify and checkpoint:
    /// whoever can rewrite the log could re-sign it.
    public static func open(_ options: StorageOptions) throws -> Store {
        let files = try options.checkpointFiles()
        let store = try options.openStore()
        store.enableCheckpoints(files)
        try store.requireIntact()
        try store.settleTornTail()
        return store
    }

    /// The kinds of request an idempotency key is made for (`kind:id`): an id used for one kind
    /// is refused for any other.
    public static let requestKinds = ["user", "inspection", "points", "approve", "complaint", "complaint-step", "deduction",
                                      "veto", "veto-second", "withdraw", "correct", "withdraw-second", "ratings", "appeal", "decision", "reply", "link", "calendar-year", "panel"]

    /// Records the event `build` makes, its typed text held to the limits (TextLimits.swift),
    /// unless the idempotency key is used already. A used key is recognised under the lock before
    /// anything is built; then the recorded event is looked up in the log and compared with what
    /// `build` makes from the state just before it (`Event.isSameRequest`): the same user asking
    /// the same thing ends with `AlreadyRecorded` (the original record, exit status 0), anything
    /// else — another user, other content, another kind of request — with `RequestConflict`
    /// (exit status 1). Nothing is written in either case.
    public static func record(_ store: Store, key: String, _ build: (MarketState) throws -> Event) throws -> Recorded {
        var used: String?
        var made: Event?
        let written = try store.append(events: { market in
            if let taken = Writer.keys(sharing: key).first(where: { market.idempotencyKeys.contains($0) }) {
                used = taken
                return []
            }
            let event = try build(market)
            try TextLimits.check(event.body)
            made = event
            return [event]
        })
        guard let record = written.first, let made else { throw retried(store, key: used ?? key, sameKind: (used ?? key) == key, build) }
        return Recorded(sequence: record.sequence, event: made, market: store.market)
    }

    /// The key itself, then the keys the same request id makes for the other kinds of request.
    public static func keys(sharing key: String) -> [String] {
        guard let colon = key.firstIndex(of: ":"), requestKinds.contains(String(key[..<colon])) else { return [key] }
        let id = key[key.index(after: colon)...]
        return [key] + requestKinds.map { "\($0):\(id)" }.filter { $0 != key }
    }

    /// What a used key means: the original request retried, or another request under its id.
    /// Reads the log (a rare path): the event recorded with the key, the state before it (to
    /// compare) and the state just after it (to answer as the first time).
    private static func retried(_ store: Store, key: String, sameKind: Bool, _ build: (MarketState) throws -> Event) -> any Error {
        guard let log = try? EventLog.open(directory: store.log.directory, writable: false) else { return RequestConflict(sequence: nil) }
        var state = MarketState()
        for record in log.records {
            guard let event = try? EventCodec.decode(Data(record.payload)) else { continue }
            if event.key == key {
                guard sameKind, let candidate = try? build(state), event.isSameRequest(as: candidate) else {
                    return RequestConflict(sequence: record.sequence)
                }
                state.apply(event, sequence: record.sequence)
                return AlreadyRecorded(original: Recorded(sequence: record.sequence, event: event, market: state))
            }
            state.apply(event, sequence: record.sequence)
        }
        return RequestConflict(sequence: nil)
    }
}

/// A request the log holds: its record, its event and the market state just after it. A write
/// command's answer is made from this alone, so that the first answer and a retry's are the same.
public struct Recorded: Sendable {
    public let sequence: UInt64
    public let event: Event
    /// The state with this event applied and nothing recorded after it.
    public let market: MarketState

    /// The market day the event was recorded on (the fixed date on training data, as
    /// `MarketClock.today`): what "now" means in its answer.
    public var day: SimpleDate { MarketClock.today(now: Event.moment(event.at) ?? Date()) }
}

/// A retried request (same `--request-id`, same user, same content) that the log already holds.
public struct AlreadyRecorded: Error {
    /// The record that holds it: a command answers from it as it did the first time.
    public let original: Recorded
}

/// A `--request-id` used before by another user, for other content or another kind of request.
public struct RequestConflict: Error {
    public let sequence: UInt64?
}
