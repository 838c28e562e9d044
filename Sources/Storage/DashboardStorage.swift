import Codec
import Core
import Foundation
import Log

/// What the dashboard does with its data directory: opens it (or, before it exists, creates it
/// from the seeds when asked), records what a screen validated (validated again under the lock),
/// signs in, loads the history, writes exports a slice at a time and reads what other processes
/// append. The dashboard's `DashboardEnvironment` (in the executable) turns each answer into a
/// message for the screens; failures come back as sentences in the chosen language.
public final class DashboardStorage {
    public let directory: String
    public let seeds: String?
    public let language: Language
    /// Snapshots are read and written with it (none without a checkpoint key; the first run
    /// creates the key, as `chengxin init` does).
    public private(set) var snapshotKey: SnapshotKey?
    /// The signed checkpoints, checked before the first append and extended every 1,000 records.
    public let checkpointFiles: CheckpointFiles?
    /// Snapshots are written on another thread while the dashboard is open.
    public var store: Store? {
        didSet { store?.writesSnapshotsInBackground = true }
    }

    /// The state and the status bar's line after a change.
    public struct MarketChange {
        public let market: MarketState
        public let logSummary: String
    }

    /// Where the data are (and the shared record, when there is one).
    public let options: StorageOptions

    public init(options: StorageOptions, seeds: String?, store: Store?) {
        self.options = options
        directory = options.dataDirectory
        self.seeds = seeds
        language = options.language
        snapshotKey = options.snapshotKey
        checkpointFiles = try? options.checkpointFiles()
        self.store = store
        // The signed checkpoints are part of the start-up check (a rolled-back log is not written to).
        if let checkpointFiles { store?.enableCheckpoints(checkpointFiles) }
    }

    /// The dashboard's start: the data directory opened if it exists (nil store otherwise), a key
    /// inside it refused (it could re-sign a rewritten log), a fixed clock only on training data.
    /// The chain is checked afterwards on another thread (`startVerification`), whether the state
    /// comes from the snapshot or from replaying every record (`beforeReplay`: as `Store.open`).
    public static func open(_ options: StorageOptions, seeds: String?, beforeReplay: ((Int) -> Void)? = nil) throws(LocalizedMessage) -> DashboardStorage {
        _ = try options.checkpointFiles()
        var store: Store?
        if options.sharedStore != nil || FileManager.default.fileExists(atPath: EventLog.logPath(in: options.dataDirectory)) {
            do throws(LogError) {
                store = try options.openStore(beforeReplay: beforeReplay, chainCheck: .deferred, offline: true)
            } catch .sharedEmpty {
                store = nil
            } catch {
                throw LocalizedMessage(reason: error)
            }
            if let market = store?.market { try MarketClock.admit(market) }
        }
        return DashboardStorage(options: options, seeds: seeds, store: store)
    }

    /// The whole log is checked once at start-up, in the background (the status bar says 校验中…
    /// until it is done, then 已校验 or what is wrong); a write waits for it.
    public func startVerification() {
        store?.startVerification()
    }

    /// The start-up chain check is still running (its result is taken by `poll`).
    public var working: Bool { store?.verifying ?? false }

    private var change: MarketChange? {
        store.map { MarketChange(market: $0.market, logSummary: $0.summary(language)) }
    }

    /// Records `body` as `user`, validated again under the lock against the caught-up state, with
    /// a fresh idempotency key. Nil when no data directory is open.
    public func record(_ body: EventBody, by user: User) throws(LocalizedMessage) -> MarketChange? {
        guard let store else { return nil }
        do {
            let today = MarketClock.today()
            try store.append(events: { market in
                try market.validate(body, by: user, today: today)
                return [Event(actor: user.name, at: Event.timestamp(Date()), key: "\(body.type):\(UUID().uuidString)", body: body)]
            })
            return change
        } catch {
            throw LocalizedMessage(reason: error)
        }
    }

    /// The history, newest first, read from the log itself (the store keeps only the folded
    /// state): each record's event (nil when it cannot be decoded), and the chain's verdict.
    public struct History {
        public let records: [(sequence: UInt64, event: Event?)]
        public let chain: String
    }

    /// Nil when the log cannot be opened.
    public func history() -> History? {
        guard let log = try? EventLog.open(directory: directory, writable: false) else { return nil }
        let records = log.records.reversed().map { record in (sequence: record.sequence, event: try? EventCodec.decode(Data(record.payload))) }
        let chain: String
        if let report = try? LogVerifier.verify(directory: directory) {
            chain = (report.intact ? language.pick("完好", "intact") : language.pick("已损坏", "damaged")) + language.pick("，\(report.recordCount) 条，链头 ", ", \(report.recordCount) records, head ") + hexString(report.headHash)
        } else {
            chain = language.pick("无法校验", "cannot be verified")
        }
        return History(records: records, chain: chain)
    }

    /// Where an export stands after a slice.
    public enum ExportStep {
        case progress(done: Int, total: Int)
        /// The file is written; the sentence to show.
        case finished(String)
    }

    /// The export the dashboard asked for, written a slice at a time between key presses.
    public let exports = ExportRunner()

    /// Starts an export for `user` (its first, empty, slice taken). An unmasked export's disclosure
    /// is recorded before the file is written; if it cannot be recorded, nothing is exported. Nil
    /// when no data directory is open.
    public func export(_ request: ExportRequest, by user: User) throws(LocalizedMessage) -> ExportStep? {
        guard let store else { return nil }
        let today = MarketClock.today()
        let path = request.defaultPath(today: today)
        try exports.start(request, market: store.market, today: today, user: user, path: path, language: language)
        if let disclosed = exports.disclosure {
            do throws(LocalizedMessage) {
                try Disclosure.record(store, by: user, DataDisclosed(via: .dashboard, command: "export \(request.kind.rawValue)", fields: disclosed.fields,
                                                                     from: nil, through: store.log.lastSequence, count: disclosed.rows,
                                                                     destination: path))
            } catch {
                exports.cancel()
                throw error
            }
        }
        return try exportSlice(rows: 0)
    }

    private func exportSlice(rows: Int) throws(LocalizedMessage) -> ExportStep {
        let (done, total, finished) = try exports.step(rows: rows)
        return finished.map(ExportStep.finished) ?? .progress(done: done, total: total)
    }

    /// The one sign-in (SignIn.swift): throttled across processes, a wrong PIN recorded; a damaged
    /// (read-only) log is still opened for reading, without the record. Kiosk accounts are refused
    /// here. Nil when no data directory is open.
    public func signIn(name: String, pin: String) throws(LocalizedMessage) -> User? {
        guard let store else { return nil }
        let user = try SignIn.check(store, name: name, pin: pin, via: .dashboard, command: nil,
                                    consequence: ("未登录", "not signed in"), allowUnrecorded: true)
        if user.role == .kiosk {
            throw LocalizedMessage(zh: "服务台账号请使用 chengxin kiosk", en: "kiosk accounts use chengxin kiosk")
        }
        return user
    }

    /// Creates the data directory from the shipped roster, with the demo year and the training
    /// mark when `demo`. As `chengxin init`: the checkpoint key first (snapshots are authenticated
    /// with it), then the records, then the first signed checkpoint.
    public func create(demo: Bool) throws(LocalizedMessage) -> MarketChange {
        if !demo, MarketClock.override != nil {
            throw LocalizedMessage(zh: "设置了 \(MarketClock.variable) 时不能建正式数据目录；请取消它，或选择演示数据。",
                                   en: "a production data directory cannot be made while \(MarketClock.variable) is set; unset it, or choose the demo.")
        }
        do {
            let key = try checkpointFiles.map { try $0.loadOrCreateKey().key }
            if let key { snapshotKey = SnapshotKey(checkpointKey: key) }
            let (created, _) = try DataDirectorySetup.createFromSeeds(directory: directory, seeds: seeds, snapshotKey: snapshotKey,
                                                                      checkpoints: checkpointFiles, demoFollows: demo,
                                                                      shared: options.sharedRecord)
            if demo {
                try DataDirectorySetup.addDemo(to: created, seeds: seeds)
                try DataDirectorySetup.markTraining(created, purpose: "demo")
            }
            if let key, let files = checkpointFiles {
                try created.log.writeCheckpoint(files: files, key: key, at: Event.timestamp(Date()))
            }
            created.verifyChain()
            created.writeSnapshot()
            store = created
            return MarketChange(market: created.market, logSummary: created.summary(language))
        } catch let message as LocalizedMessage {
            throw message
        } catch {
            throw LocalizedMessage(zh: "\(error)", en: "\(error)")
        }
    }

    /// Watches the data directory (or, before it exists, nothing: the loop then polls).
    public private(set) lazy var watcher: (any ChangeWatcher)? = ChangeWatchers.make(directory: directory, shared: options.sharedStore)

    /// What happened since the last poll.
    public enum Poll {
        case export(ExportStep)
        case marketChanged(MarketChange)
        case logSummaryChanged(String)
        case failed(String)
    }

    /// The next slice of a running export; else what other processes appended (or the data
    /// directory another process created) and the start-up check's result. Nil: nothing new.
    /// The status line last reported by `poll`.
    private var reportedSummary: String?

    public func poll() -> Poll? {
        if exports.isRunning {
            do throws(LocalizedMessage) {
                return .export(try exportSlice(rows: 500))
            } catch {
                return .failed(error.text(language))
            }
        }
        _ = watcher?.drain()
        guard let store else {
            // Another process (chengxin init in another terminal) may have created the log.
            guard options.sharedStore != nil || FileManager.default.fileExists(atPath: EventLog.logPath(in: directory)),
                  let opened = try? options.openStore() else { return nil }
            do throws(LocalizedMessage) { try MarketClock.admit(opened.market) } catch { return .failed(error.text(language)) }
            if let checkpointFiles { opened.enableCheckpoints(checkpointFiles) }
            opened.verifyChain()
            self.store = opened
            return .marketChanged(MarketChange(market: opened.market, logSummary: opened.summary(language)))
        }
        do {
            _ = store.collectVerification()
            guard ChangeWatchers.worthRefreshing(store, woken: watcher), try store.refresh() else {
                // The start-up check may have ended here or elsewhere (a sign-in waits for it):
                // the status bar hears of any change of the line, once.
                let summary = store.summary(language)
                guard summary != reportedSummary else { return nil }
                reportedSummary = summary
                return .logSummaryChanged(summary)
            }
            _ = store.collectVerification()
            reportedSummary = store.summary(language)
            return .marketChanged(MarketChange(market: store.market, logSummary: store.summary(language)))
        } catch {
            return .failed(error.text(language))
        }
    }
}
