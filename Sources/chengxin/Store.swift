import Core
import Foundation
import Log

/// Glue between the domain (Core) and the log (Log): replays events into the market state and
/// appends validated events with their idempotency keys.
final class Store {
    let log: EventLog
    private(set) var market: MarketState
    /// Records whose payload could not be decoded (a bug or a damaged payload whose checksum held).
    private(set) var undecodable: [UInt64] = []

    init(log: EventLog) {
        self.log = log
        market = MarketState()
        for record in log.records { apply(record) }
    }

    static func open(_ directory: String, writable: Bool = true) throws(LogError) -> Store {
        Store(log: try EventLog.open(directory: directory, writable: writable))
    }

    private func apply(_ record: LogRecord) {
        do {
            market.apply(try EventCodec.decode(Data(record.payload)))
        } catch {
            undecodable.append(record.sequence)
        }
    }

    /// Reads what other processes appended. Returns whether anything was new.
    func refresh() throws(LogError) -> Bool {
        let new = try log.refresh()
        for record in new { apply(record) }
        return !new.isEmpty
    }

    /// Appends the events whose idempotency keys are not yet recorded, after catching up under
    /// the lock. Returns how many were written.
    @discardableResult
    func append(_ events: [Event]) throws -> Int {
        var written = 0
        let records = try log.append { caughtUp in
            for record in caughtUp { self.apply(record) }
            let fresh = events.filter { event in event.key.map { !self.market.idempotencyKeys.contains($0) } ?? true }
            written = fresh.count
            return try fresh.map { Array(try EventCodec.encode($0)) }
        }
        for record in records { apply(record) }
        return written
    }

    /// One line for the status bar: the number of records and the log's state.
    func summary(_ language: Language) -> String {
        let count = log.records.count
        if let damage = log.damage {
            return language.pick("日志 \(count) 条 · 只读：\(damage.zh)", "log \(count) records · read-only: \(damage.en)")
        }
        let head = String(hexString(log.headHash).prefix(12))
        return language.pick("日志 \(count) 条 · 链头 \(head)", "log \(count) records · head \(head)")
    }
}

/// Reads the seed files of a folder into a roster.
enum SeedFiles {
    static func load(_ folder: String) throws(SeedProblems) -> Roster {
        var files: [String: String] = [:]
        for name in SeedLoader.fileNames {
            let path = folder + "/" + name
            if let data = FileManager.default.contents(atPath: path) {
                files[name] = String(decoding: data, as: UTF8.self)
            }
        }
        return try SeedLoader.load(files: files)
    }
}
