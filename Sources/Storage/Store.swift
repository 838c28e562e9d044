import Codec
import Core
import Foundation
import Log

/// Glue between the domain (Core) and the log (Log): replays events into the market state,
/// keeps a snapshot so that opening stays fast as the log grows, and appends events with
/// their idempotency keys. The store of a data directory on this machine's disk (`EventStore`
/// names what any store provides).
public final class Store: EventStore {
    public let log: EventLog
    public private(set) var market: MarketState
    /// Records whose payload could not be decoded (an unknown writer, or a bug).
    public private(set) var undecodable: [UInt64] = []
    /// Whether the state came from a snapshot (plus the records after it).
    public let usedSnapshot: Bool
    /// A new snapshot is written once this many records have accumulated after the last one.
    public static let snapshotEvery: UInt64 = 1000
    private var snapshotSequence: UInt64
    /// Interval checkpoints, when a signing key is available to this process.
    private var checkpointSchedule: CheckpointSchedule?
    /// The key that authenticates snapshots (derived from the checkpoint key); without it this
    /// process neither reads nor writes snapshots.
    public let snapshotKey: SnapshotKey?
    /// Where the signed checkpoints are, for the check before the first append.
    private(set) var checkpointFiles: CheckpointFiles?

    private init(log: EventLog, market: MarketState, usedSnapshot: Bool, snapshotSequence: UInt64, undecodable: [UInt64] = [],
                 snapshotKey: SnapshotKey?) {
        self.log = log
        self.market = market
        self.usedSnapshot = usedSnapshot
        self.snapshotSequence = snapshotSequence
        self.undecodable = undecodable
        self.snapshotKey = snapshotKey
        // The records after the snapshot: decoded a batch at a time on every core, folded in order.
        let records = log.records
        var start = 0
        while start < records.count {
            let batch = records[start..<min(records.count, start + Store.batch)]
            for (record, event) in zip(batch, EventCodec.decodeAll(batch.map(\.payload))) {
                if let event { self.market.apply(event, sequence: record.sequence) } else { self.undecodable.append(record.sequence) }
            }
            start += Store.batch
        }
        // The state holds what matters; the records' payloads need not stay in memory.
        log.discardRecords()
    }

    /// Records decoded together when replaying.
    static let batch = 8192

    /// A store over a log opened from its start.
    public convenience init(log: EventLog, snapshotKey: SnapshotKey?) {
        self.init(log: log, market: MarketState(), usedSnapshot: false, snapshotSequence: 0, snapshotKey: snapshotKey)
    }

    /// Opens the data directory: from the snapshot when it is intact and matches the log (its
    /// resume record is checked byte for byte), else from the start, and then writes a fresh
    /// snapshot if the old one was missing, stale or damaged.
    /// `beforeReplay` is told the log's size in bytes when there is no usable snapshot and every
    /// record is about to be read (seconds at a decade of records), so that a screen can say so.
    /// `chainCheck` deferred: a full replay leaves the hash chain's links to the caller, who checks
    /// the whole chain right afterwards (`startVerification`), as it does after a snapshot open;
    /// the new snapshot is then written once that check has found the chain whole (a state is
    /// never kept as a snapshot before every record under it was checked).
    /// `snapshotKey`: the snapshot is used only when its MAC holds with it (none without a key);
    /// a forged one is never used, and a writable open sets it aside as evidence.
    /// `after` is told each step as it ends (the benchmark times them).
    public static func open(_ directory: String, writable: Bool = true, snapshotKey: SnapshotKey?, beforeReplay: ((Int) -> Void)? = nil,
                            chainCheck: ChainCheck = .full, after: ((OpenStep) -> Void)? = nil) throws(LogError) -> Store {
        if let snapshotKey {
            let reading = SnapshotFile.inspect(directory: directory, key: snapshotKey)
            after?(.snapshotRead)
            switch reading {
            case .authentic(let snapshot):
                if let market = decodeState(snapshot.payload) {
                    after?(.snapshotDecoded)
                    do {
                        let log = try EventLog.open(directory: directory, writable: writable, resumeAfter: snapshot.point)
                        after?(.logOpened)
                        let store = Store(log: log, market: market, usedSnapshot: true, snapshotSequence: snapshot.point.sequence,
                                          undecodable: snapshot.unreadable, snapshotKey: snapshotKey)
                        after?(.tailFolded)
                        store.snapshotIfDue()
                        return store
                    } catch .resumePointMismatch {
                        // Stale or foreign: fall through to a full replay.
                    }
                }
            case .forged:
                if writable { SnapshotFile.setAsideForged(directory: directory) }
            case .absent, .otherVersion, .malformed:
                break
            }
        }
        if let beforeReplay {
            let size = (try? FileManager.default.attributesOfItem(atPath: EventLog.logPath(in: directory))[.size] as? Int) ?? 0
            beforeReplay(size)
        }
        let log = try EventLog.open(directory: directory, writable: writable, copyingPayloads: false, chainCheck: chainCheck)
        after?(.logScanned)
        let store = replayAll(log, snapshotKey: snapshotKey)
        after?(.replayed)
        if chainCheck == .deferred { store.snapshotAfterCheck = true } else { store.writeSnapshot() }
        return store
    }

    /// A store over a log read whole without copying payloads: every record folded straight from
    /// the bytes read (`MarketState.replay`, on every core).
    private static func replayAll(_ log: EventLog, snapshotKey: SnapshotKey?) -> Store {
        var market = MarketState()
        let undecodable = log.withBytesRead { market.replay($0, Store.payloadPlaces(log.records)[...]) }
        log.discardRecords()
        return Store(log: log, market: market, usedSnapshot: false, snapshotSequence: 0, undecodable: undecodable, snapshotKey: snapshotKey)
    }

    /// The steps of `open`, in the order they end: from a snapshot, `snapshotRead` (the file read
    /// and its MAC checked), `snapshotDecoded`, `logOpened` (from the snapshot's resume point),
    /// `tailFolded` (the records after it); else `logScanned` (every record read and checked) and
    /// `replayed` (every record folded).
    public enum OpenStep: String, Sendable {
        case snapshotRead = "snapshotfile", snapshotDecoded = "decode", logOpened = "logopen", tailFolded = "tail"
        case logScanned = "scan", replayed = "read+fold"
    }

    /// Where each record's payload lies in the file.
    public static func payloadPlaces(_ records: [LogRecord]) -> [PayloadPlace] {
        PayloadPlace.of(records) { PayloadPlace(offset: $0.offset + LogFormat.recordHeaderSize, length: $0.payloadLength, sequence: $0.sequence) }
    }

    private static func decodeState(_ payload: Data) -> MarketState? {
        MarketSnapshot.decode(payload)
    }

    /// Writes the current state as the snapshot (best effort: a read-only or damaged log skips it).
    public func writeSnapshot() {
        guard log.damage == nil, let key = snapshotKey else { return }
        market.compactKeys()
        let unreadable = undecodable.sorted()
        if writesSnapshotsInBackground {
            // A copy of the state (values: the arrays are shared until either side changes them)
            // goes to another thread; the next append does not wait for its 0.5 s at a million records.
            guard backgroundSnapshot.begin() else { return }
            let state = market, point = log.resumePoint, directory = log.directory, writer = backgroundSnapshot
            snapshotSequence = log.lastSequence
            Thread.detachNewThread {
                if let payload = try? MarketSnapshot.encode(state) {
                    try? SnapshotFile.write(directory: directory, point: point, unreadable: unreadable, payload: payload, key: key)
                }
                writer.end()
            }
            return
        }
        guard let payload = try? MarketSnapshot.encode(market) else { return }
        if (try? SnapshotFile.write(directory: log.directory, point: log.resumePoint, unreadable: unreadable, payload: payload, key: key)) != nil {
            snapshotSequence = log.lastSequence
        }
    }

    /// The dashboard and the kiosk (processes that stay open) write their snapshots on another
    /// thread; one-shot commands write them before they exit.
    public var writesSnapshotsInBackground = false
    private let backgroundSnapshot = BackgroundSnapshot()

    /// Waits for a snapshot being written in the background (before the process exits, so that
    /// no half-written temporary file is left behind).
    public func finishSnapshot() {
        backgroundSnapshot.wait()
    }

    private func snapshotIfDue() {
        if log.lastSequence >= snapshotSequence + Store.snapshotEvery { writeSnapshot() }
    }

    private func apply(_ record: LogRecord) {
        do {
            market.apply(try EventCodec.decode(record.payload), sequence: record.sequence)
        } catch {
            undecodable.append(record.sequence)
        }
    }

    /// Reads what other processes appended. Returns whether anything was new.
    /// A shared record that cannot be reached is not an error here: what is shown stays (appends
    /// are refused meanwhile) and the status bar says so (`unreachable`) until a refresh reaches it.
    public func refresh() throws(LogError) -> Bool {
        let before = log.lastSequence
        let new: [LogRecord]
        do throws(LogError) {
            new = try log.refresh()
            unreachable = nil
        } catch {
            guard case .sharedUnavailable = error else { throw error }
            unreachable = error
            return false
        }
        extendVerification(from: before)
        for record in new { apply(record) }
        log.discardRecords()
        return !new.isEmpty
    }

    /// Appends events built from the caught-up state (validation happens there, under the lock);
    /// events whose idempotency keys are recorded already are dropped.
    /// Returns the records written (none when every event's key was recorded already).
    @discardableResult
    public func append(events build: (MarketState) throws -> [Event]) throws -> [LogRecord] {
        try requireIntact()
        let records: [LogRecord]
        do {
            records = try log.append { caughtUp in
                for record in caughtUp { self.apply(record) }
                let fresh = try build(self.market).filter { event in event.key.map { !self.market.idempotencyKeys.contains($0) } ?? true }
                return try fresh.map { try EventCodec.encodeBytes($0) }
            }
            unreachable = nil
        } catch let error as LogError {
            switch error {
            case .sharedUnavailable, .sharedOutcomeUnknown: unreachable = error
            default: break
            }
            throw error
        }
        for record in records { apply(record) }
        log.discardRecords()
        extendVerification(from: records.first.map { $0.sequence - 1 } ?? log.lastSequence)
        snapshotIfDue()
        checkpointSchedule?.afterAppend(to: log, at: Event.timestamp(Date()))
        return records
    }

    /// Appends the events whose idempotency keys are not yet recorded, after catching up under
    /// the lock. Returns how many were written.
    @discardableResult
    public func append(_ events: [Event]) throws -> Int {
        try append(events: { _ in events }).count
    }

    /// Signs a checkpoint every 1,000 records from now on, with the key in `files` if there is one;
    /// the checkpoints in `files` are also checked before the first append.
    public func enableCheckpoints(_ files: CheckpointFiles) {
        checkpointFiles = files
        checkpointSchedule = CheckpointSchedule(files: files, log: log)
    }

    /// The fingerprint of the key of the newest checkpoint of this log, among those `files` finds,
    /// whose signature holds (by the key at hand, when there is one).
    public func newestCheckpointKeyFingerprint(_ files: CheckpointFiles) -> String? {
        guard var found = try? files.scan(dataDirectory: log.directory, logID: log.logID) else { return nil }
        if let key = try? files.loadKey() { found.trustedKey = Array(key.publicKey.rawRepresentation) }
        return found.newestSigned()?.keyFingerprint
    }

    /// Cuts a torn tail now (its bytes kept, the cut recorded as an event), rather than at the first
    /// append: a write command or the kiosk then says so before anything else. Returns the warning.
    @discardableResult
    public func settleTornTail() throws -> LogWarning? {
        guard log.hasTornTail else { return nil }
        try append(events: { _ in [] })
        return log.lastTailCut
    }

    /// Refuses to go on unless the whole log has been checked and found intact — every record
    /// from the first, the witness and the signed checkpoints (docs/log-format.md, "Appending",
    /// step 0): called before this process's first append, and by write commands as soon as they
    /// open, so that damage is named before anything else is asked. Waits for the dashboard's
    /// background check when it is still running.
    public func requireIntact() throws(LogError) {
        if let damage = log.damage { throw damage }
        if verifiedUpTo == nil {
            if verifying { _ = collectVerification(wait: true) } else { verifyChain() }
        }
        if let damage = log.damage { throw damage }
        if verifiedUpTo == nil { throw .unverifiable(path: log.path) }
    }

    /// The shared record could not be reached at the last refresh or append (nil: it was, or
    /// there is none).
    public private(set) var unreachable: LogError?

    /// One line for the status bar: the number of records and the log's state.
    public func summary(_ language: Language) -> String {
        let count = log.lastSequence
        if unreachable != nil {
            return language.pick("日志 \(count) 条 · 连不上共享记录库：只读，正在自动重连",
                                 "log \(count) records · the shared record cannot be reached: read-only, reconnecting by itself")
        }
        if let damage = log.damage {
            return language.pick("日志 \(count) 条 · 只读：\(damage.zh)", "log \(count) records · read-only: \(damage.en)")
        }
        let head = String(hexString(log.headHash).prefix(12))
        if case .tornTailCut(_, let length, let file)? = log.lastTailCut {
            return language.pick("日志 \(count) 条 · 已截去末尾未写完的记录（\(length) 字节，保存在 \(file)）· 链头 \(head)",
                                 "log \(count) records · an unfinished record was cut off the end (\(length) bytes, kept in \(file)) · head \(head)")
        }
        let checked: String
        switch verifiedUpTo {
        case nil where verifying: checked = language.pick("校验中…", "verifying…")
        case nil: checked = language.pick("未校验", "not verified")
        case let n? where n == count: checked = language.pick("已校验", "verified")
        case let n?: checked = language.pick("已校验至第 \(n) 条", "verified to \(n)")
        }
        // Unreadable events are never dropped in silence (docs/log-format.md, "Required keys").
        let unreadable = undecodable.isEmpty ? "" : language.pick(" · \(undecodable.count) 条事件无法读取（chengxin verify 列出）",
                                                                    " · \(undecodable.count) unreadable events (chengxin verify lists them)")
        return language.pick("日志 \(count) 条 · \(checked)\(unreadable) · 链头 \(head)", "log \(count) records · \(checked)\(unreadable) · head \(head)")
    }

    /// Records read or written after a verified prefix were checked as they came (checksum and link
    /// to the previous record), so the verified prefix grows with them.
    private func extendVerification(from before: UInt64) {
        if verifiedUpTo == before, log.damage == nil { verifiedUpTo = log.lastSequence }
    }

    /// The last record a full verification of the chain (from the first record) found intact.
    public private(set) var verifiedUpTo: UInt64?

    /// Checks every record and the chain from the start (what `chengxin verify` does), for the
    /// status bar. Damage it finds makes the log read-only, as if the open had found it.
    public func verifyChain() {
        guard let report = try? LogVerifier.verify(directory: log.directory) else { return }
        take(ChainCheckOutcome(report, checkpoints: checkpointFiles))
    }

    private func take(_ outcome: ChainCheckOutcome) {
        if let damage = outcome.damage {
            log.noteDamage(damage)
            verifiedUpTo = nil
        } else {
            verifiedUpTo = outcome.records
            if snapshotAfterCheck {
                snapshotAfterCheck = false
                writeSnapshot()
            }
        }
    }

    /// The state was replayed with the chain's links left to the check that follows: the snapshot
    /// is written when that check finds the chain whole.
    private var snapshotAfterCheck = false

    /// The same check on another thread, so that the first frame does not wait for it (a decade
    /// of records takes over a second); `collectVerification` takes its result.
    public func startVerification() {
        verifying = true
        let directory = log.directory, result = verification, files = checkpointFiles
        Thread.detachNewThread {
            let report = try? LogVerifier.verify(directory: directory)
            result.set(report.map { ChainCheckOutcome($0, checkpoints: files) })
        }
    }

    /// Whether a background check is running.
    public private(set) var verifying = false
    private let verification = Handoff<ChainCheckOutcome?>()

    /// Takes the background check's result once it is there; returns whether the summary changed.
    /// `wait`: block until the check is done (for tests and one-shot commands).
    public func collectVerification(wait: Bool = false) -> Bool {
        guard verifying, let report = verification.take(wait: wait) else { return false }
        verifying = false
        if let outcome = report { take(outcome) } else { verifiedUpTo = nil }
        // Records read since the check started were checked as they came.
        if let verified = verifiedUpTo, verified < log.lastSequence, log.damage == nil { verifiedUpTo = log.lastSequence }
        return true
    }
}

/// What a check of the whole chain found: how many good records, and the damage if any.
public struct ChainCheckOutcome: Sendable {
    public let records: UInt64
    public let damage: LogError?

    /// The chain's verdict, then the signed checkpoints' (when `checkpoints` is given): a log
    /// older than or different from a signed checkpoint is not appended to either.
    public init(_ report: VerificationReport, checkpoints: CheckpointFiles?) {
        records = UInt64(report.recordCount)
        if case .corrupt(let sequence, let offset, let damage) = report.tail {
            self.damage = .corrupt(sequence: sequence, offset: offset, damage: damage)
        } else if let checkpoints,
                  let problem = (try? checkpoints.verify(dataDirectory: report.directory, logID: report.logID, records: report.records))?.problems.first {
            damage = .checkpointFailed(problem)
        } else {
            damage = nil
        }
    }
}

/// A result handed from the thread that works it out to the one that waits for it (the
/// dashboard's background chain check; verify's check of the snapshot beside the chain's).
public final class Handoff<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    /// nil: not finished.
    private var value: Value?

    public init() {}

    public func set(_ result: Value) {
        condition.lock()
        value = result
        condition.broadcast()
        condition.unlock()
    }

    /// The result once it is there (nil before, unless `wait`), taken once.
    public func take(wait: Bool) -> Value? {
        condition.lock()
        defer { condition.unlock() }
        while wait && value == nil { condition.wait() }
        let taken = value
        value = nil
        return taken
    }
}

/// At most one snapshot written in the background at a time, and a way to wait for it.
final class BackgroundSnapshot: @unchecked Sendable {
    private let condition = NSCondition()
    private var running = false

    /// Claims the writer; false when a snapshot is being written already.
    func begin() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if running { return false }
        running = true
        return true
    }

    func end() {
        condition.lock()
        running = false
        condition.broadcast()
        condition.unlock()
    }

    func wait() {
        condition.lock()
        while running { condition.wait() }
        condition.unlock()
    }
}
