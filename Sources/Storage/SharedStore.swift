import Core
import Foundation
import Log
import PostgresLog

/// Opening the store, whichever it is: the data directory's own log, or — with `--store` /
/// `$CHENGXIN_STORE` — this seat's copy of the shared record in PostgreSQL (docs/architecture.md,
/// "The store's seam"). The copy is the data directory: made the first time (the record's header,
/// then every record, each checked as it arrives), brought up to date at every open, and kept so:
/// each refresh fetches what others committed there, each append commits there first
/// (`EventLog.upstream`). Its snapshot is this seat's cache.
extension StorageOptions {
    /// Opens the store (`Store.open`'s arguments). With a shared record, `offline`: a record that
    /// cannot be reached leaves the copy open as it is (the dashboard and the kiosk show it,
    /// read-only, until the connection returns); without it, the open fails with the reason.
    public func openStore(writable: Bool = true, beforeReplay: ((Int) -> Void)? = nil, chainCheck: ChainCheck = .full,
                          offline: Bool = false, after: ((Store.OpenStep) -> Void)? = nil) throws(LogError) -> Store {
        guard let record = sharedRecord else {
            return try Store.open(dataDirectory, writable: writable, snapshotKey: snapshotKey, beforeReplay: beforeReplay,
                                  chainCheck: chainCheck, after: after)
        }
        return try SharedCopy.open(dataDirectory, of: record, snapshotKey: snapshotKey, beforeReplay: beforeReplay, chainCheck: chainCheck,
                                   offline: offline, after: after)
    }

    /// Where the data are, for people: the shared record's address (without its password), else
    /// the data directory.
    public var shownLocation: String { sharedStore.map(PostgresAddress.redacted) ?? dataDirectory }

    /// With a shared record, this seat's copy (the data directory) made if missing and brought up
    /// to date: what a command that reads `events.log` itself does first. Without one, nothing.
    public func updateCopy() throws(LogError) {
        guard let record = sharedRecord else { return }
        try SharedCopy.update(dataDirectory, of: record)
    }

    /// The shared record, when there is one (its address as given).
    public var sharedRecord: PostgresRecord? { sharedStore.map { PostgresRecord(address: $0) } }
}

/// A seat's copy of the shared record.
public enum SharedCopy {
    /// Opens the copy in `directory` of `record` (made first if there is none), brought up to date
    /// and kept so (`StorageOptions.openStore`).
    public static func open(_ directory: String, of record: PostgresRecord, snapshotKey: SnapshotKey?, beforeReplay: ((Int) -> Void)? = nil,
                            chainCheck: ChainCheck = .full, offline: Bool = false, after: ((Store.OpenStep) -> Void)? = nil) throws(LogError) -> Store {
        do throws(LogError) {
            try make(directory, of: record)
        } catch {
            guard offline, case .sharedUnavailable = error, FileManager.default.fileExists(atPath: EventLog.logPath(in: directory)) else { throw error }
        }
        // The copy is written by every seat that opens it (its own records come from the record).
        let store = try Store.open(directory, writable: true, snapshotKey: snapshotKey, beforeReplay: beforeReplay,
                                   chainCheck: chainCheck, after: after)
        store.log.upstream = record
        do throws(LogError) {
            _ = try store.refresh()
        } catch {
            switch error {
            case .corrupt, .checkpointFailed, .sharedDiverged, .sharedDamaged: break // the copy is read-only and says why
            default: throw error
            }
        }
        if let unreachable = store.unreachable, !offline { throw unreachable }
        return store
    }

    /// Makes the copy in `directory` if there is none and brings it up to date (a batch at a
    /// time, each checked as it arrives), without opening the store: for the commands that read
    /// `events.log` itself (`StorageOptions.updateCopy`).
    public static func update(_ directory: String, of record: PostgresRecord) throws(LogError) {
        // A copy just made holds every record already: not read and fetched a second time.
        if try make(directory, of: record) { return }
        let log = try EventLog.open(directory: directory, copyingPayloads: false)
        log.upstream = record
        try log.copyFromUpstream()
    }

    /// Makes the copy in `directory` when it has none (the record's header, then every record
    /// copied in batches). A copy that exists is left to `Store.open` and `refresh`. Returns
    /// whether it made one.
    @discardableResult
    public static func make(_ directory: String, of record: PostgresRecord) throws(LogError) -> Bool {
        if FileManager.default.fileExists(atPath: EventLog.logPath(in: directory)) { return false }
        guard let header = try record.header() else { throw .sharedEmpty(record.shown) }
        let log = try EventLog.create(directory: directory, logID: Array(header[16..<32]))
        // The copy's header is the record's, byte for byte (its genesis hash is checked by the first fetch).
        log.upstream = record
        try log.copyFromUpstream()
        return true
    }
}

extension SharedCopy {
    /// Gets the shared record ready for its first records (`chengxin init --store`, the first-run
    /// screen): the schema's migrations the database lacks, then the log's header with a new log
    /// id unless it has one. Needs a role that may create tables (docs/guide-admin.md).
    public static func start(_ record: PostgresRecord) throws(LocalizedMessage) {
        try migrate(record)
        do throws(LogError) {
            if try record.header() != nil { return }
            let id = (0..<16).map { _ in UInt8.random(in: 0...255) }
            do throws(LogError) {
                try record.create(header: LogFormat.header(logID: id))
            } catch {
                // Another seat started it at the same moment: its header stands.
                if try record.header() == nil { throw error }
            }
        } catch {
            throw LocalizedMessage(reason: error)
        }
    }

    /// Applies the schema's migrations the database lacks (`PostgresRecord.migrate`); a database
    /// set up by a newer chengxin is refused with the reason.
    public static func migrate(_ record: PostgresRecord) throws(LocalizedMessage) {
        do throws(PostgresSetupError) {
            _ = try record.migrate()
        } catch {
            switch error {
            case .log(let problem): throw LocalizedMessage(reason: problem)
            case .newerSchema(let version):
                throw LocalizedMessage(zh: "共享记录库 \(record.shown) 由更新版本的 chengxin 建立（表结构版本 \(version)，本程序认识到 \(PostgresSchema.newest)）；请升级 chengxin。",
                                       en: "the shared record \(record.shown) was set up by a newer chengxin (schema version \(version); this one knows up to \(PostgresSchema.newest)); upgrade chengxin.")
            }
        }
    }
}

/// What wakes an open dashboard or kiosk when others append (one rule for both).
public enum ChangeWatchers {
    /// For a shared record, its notifications (`RecordListener`, which reconnects by itself);
    /// else inotify on the data directory once it exists (nil before: the loop polls on a timer).
    public static func make(directory: String, shared: String?) -> (any ChangeWatcher)? {
        if let shared { return RecordListener(address: shared) }
        return FileManager.default.fileExists(atPath: directory) ? LogWatcher(directory: directory) : nil
    }

    /// Whether a poll should ask the store for what others appended: not while the shared record
    /// was out of reach at the last try and the listener has not reconnected (it wakes the loop
    /// when it does) — each try would wait for a connection on the screen's thread.
    public static func worthRefreshing(_ store: Store, woken watcher: (any ChangeWatcher)?) -> Bool {
        guard store.unreachable != nil, let listener = watcher as? RecordListener else { return true }
        return listener.isConnected
    }

    /// The same for an open store.
    public static func make(for store: Store) -> (any ChangeWatcher)? {
        make(directory: store.log.directory, shared: (store.log.upstream as? PostgresRecord)?.address)
    }
}
