import Codec
import Core
import Foundation
import Log
import PostgresLog

/// Making a data directory: the shipped roster recorded, the demo year added, the training mark
/// (what `chengxin init` and the dashboard's first-run screen do).
public enum DataDirectorySetup {
    /// Creates (or completes) a data directory from the seeds. Idempotent: events already
    /// recorded (by their keys) are not recorded again. Returns the store and how many events
    /// were written. `demoFollows`: the later versions of the rules are left for `addDemo`, which
    /// appends them after the demo's year.
    /// With a `shared` record, its schema is brought up to date and its log started first
    /// (`SharedCopy.start`), and the records go there (`directory` is this seat's copy).
    public static func createFromSeeds(directory: String, seeds: String?, snapshotKey: SnapshotKey?, checkpoints: CheckpointFiles?,
                                       demoFollows: Bool = false, shared: PostgresRecord? = nil) throws(LocalizedMessage) -> (Store, Int) {
        guard let folder = Locations.seedsDirectory(seeds) else {
            throw LocalizedMessage(zh: "找不到随附名册（seeds 文件夹）。请用 --seeds 指定，或设置 CHENGXIN_SEEDS。",
                                   en: "cannot find the shipped roster (the seeds folder); pass --seeds or set CHENGXIN_SEEDS.")
        }
        let roster: Roster
        do {
            roster = try SeedFiles.load(folder)
        } catch {
            throw LocalizedMessage(zh: "名册有问题，未做任何改动：\n" + error.text(.zh), en: "the roster has problems; nothing was changed:\n" + error.text(.en))
        }
        do {
            let store: Store
            if let shared {
                try SharedCopy.start(shared)
                store = try SharedCopy.open(directory, of: shared, snapshotKey: snapshotKey)
            } else if FileManager.default.fileExists(atPath: EventLog.logPath(in: directory)) {
                store = try Store.open(directory, snapshotKey: snapshotKey)
            } else {
                store = Store(log: try EventLog.create(directory: directory), snapshotKey: snapshotKey)
            }
            if let checkpoints { store.enableCheckpoints(checkpoints) }
            let at = Event.timestamp(Date())
            let written = try store.append(roster.events(actor: "system", at: at) + (demoFollows ? [] : roster.laterRuleEvents(actor: "system", at: at)))
            return (store, written)
        } catch let error as LogError {
            throw LocalizedMessage(reason: error)
        } catch {
            throw LocalizedMessage(zh: "写入失败：\(error)", en: "write failed: \(error)")
        }
    }

    /// Appends the demo history after the roster (idempotent by its keys), then the later versions
    /// of the rules in `seeds` (the shipped ones when nil). Returns the events added.
    @discardableResult
    public static func addDemo(to store: Store, seeds: String? = nil) throws -> Int {
        // The demo numbers its records after the roster's: it goes only into a log that holds the roster alone.
        let full = try EventLog.open(directory: store.log.directory, writable: false)
        let existing = full.records.compactMap { try? EventCodec.decode(Data($0.payload)) }
        if existing.contains(where: { ($0.key ?? "").hasPrefix("demo:") }) { return 0 }
        guard existing.count == full.records.count, existing.allSatisfy({ ($0.key ?? "").hasPrefix("init:") }) else {
            let refusal = "演示数据只能加到只含名册的新数据目录中（the demo goes only into a new data directory that holds just the roster）"
            throw LocalizedMessage(zh: refusal, en: refusal)
        }
        let roster = existing
        let history = try DemoHistory.events(after: roster) { pin in
            try PINHash.make(pin: pin, salt: (0..<16).map { _ in UInt8.random(in: 0...255) })
        }
        let later = try Locations.seedsDirectory(seeds).map { try SeedFiles.load($0).laterRuleEvents(actor: "system", at: Event.timestamp(Date())) } ?? []
        // The members' points need the rules that define them (version 2): they come after those.
        let points = DemoMemberPoints.events(after: roster + history + later)
        return try store.append(history + later + points)
    }

    /// Marks the data directory as training data (`market.training`, key `init:training`), when it
    /// holds nothing but the roster and the demo: a directory with real records stays production
    /// data. Returns whether the mark was written now (false: it was there already).
    @discardableResult
    public static func markTraining(_ store: Store, purpose: String) throws -> Bool {
        if store.market.training != nil { return false }
        let full = try EventLog.open(directory: store.log.directory, writable: false)
        let keys = full.records.map { (try? EventCodec.decode(Data($0.payload)))?.key ?? "" }
        guard keys.allSatisfy({ $0.hasPrefix("init:") || $0.hasPrefix("demo:") }) else {
            throw LocalizedMessage(zh: "只有新建的数据目录（只有名册或演示数据）可以标为培训数据；这个目录已有正式记录，仍是正式数据。",
                                   en: "only a new data directory (the roster or the demo alone) can be marked as training data; this one holds real records and stays production data.")
        }
        let mark = Event(actor: "system", at: Event.timestamp(Date()), key: "init:training", body: .trainingMarked(TrainingMarked(purpose: purpose)))
        return try store.append([mark]) == 1
    }
}

/// Reads the seed files of a folder into a roster.
public enum SeedFiles {
    public static func load(_ folder: String) throws(SeedProblems) -> Roster {
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
