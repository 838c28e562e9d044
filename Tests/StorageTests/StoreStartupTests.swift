import Codec
import Core
import Foundation
@testable import Log
import Storage
import Testing
import TestSupport

/// The snapshot key these tests write and read snapshots with.
let startupKey = SnapshotKey(rawCheckpointKey: Array(repeating: 5, count: 32))

/// What the store does between opening the data directory and the dashboard's first frames: the
/// chain checked in the background, snapshots written once it is found whole.
@Suite("The store at start-up")
struct StoreStartupTests {
    @Test func theWholeChainIsCheckedInTheBackgroundAndTheStatusBarSaysSo() throws {
        let directory = temporaryPath("startup")
        let (created, _) = try DataDirectorySetup.createFromSeeds(directory: directory, seeds: packageRoot.appendingPathComponent("seeds").path, snapshotKey: startupKey, checkpoints: nil)
        try DataDirectorySetup.addDemo(to: created)
        let store = try Store.open(directory, snapshotKey: startupKey)
        #expect(store.summary(.zh).contains("未校验"))
        store.startVerification()
        #expect(store.summary(.zh).contains("校验中…"))
        #expect(store.collectVerification(wait: true))
        #expect(store.summary(.zh).contains("日志 \(store.log.lastSequence) 条 · 已校验"), "\(store.summary(.zh))")
        #expect(!store.collectVerification(), "the result is taken once")

        // A record damaged in the middle of the log (the snapshot's open does not read it): the
        // background check finds it and the status bar does not claim the log is verified.
        let path = directory + "/events.log"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reopened = try Store.open(directory, writable: false, snapshotKey: startupKey)
        #expect(reopened.usedSnapshot)
        reopened.startVerification()
        #expect(reopened.collectVerification(wait: true))
        #expect(!reopened.summary(.zh).contains("已校验"), "\(reopened.summary(.zh))")
        #expect(reopened.summary(.zh).contains("只读：日志损坏"), "what the check found is said: \(reopened.summary(.zh))")
    }

    /// Without a snapshot, the dashboard's open replays every record but leaves the links of the
    /// hash chain to the background check that follows: an edit with its checksum recomputed is
    /// not seen by the open, and is by that check, which then makes the log read-only (as an open
    /// that checked the links itself would have).
    @Test func aColdOpenLeavesTheLinksToTheBackgroundCheckWhichStopsWritesOnDamage() throws {
        let directory = temporaryPath("startup-cold")
        let (created, _) = try DataDirectorySetup.createFromSeeds(directory: directory, seeds: packageRoot.appendingPathComponent("seeds").path, snapshotKey: startupKey, checkpoints: nil)
        try DataDirectorySetup.addDemo(to: created)
        // Enough records that the open checks them on every core (where the links can be left).
        let filler = String(repeating: "诚信经营，明码标价。", count: 20)
        let events = (0..<5000).map { i in
            Event(actor: "system", at: "2026-11-27T08:00:00Z", key: "cold-\(i)", body: .unknown(type: "test.filler-\(filler)"))
        }
        #expect(try created.append(events) == events.count)
        let path = directory + "/events.log"
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0 > LogScanner.parallelMinimum)
        try FileManager.default.removeItem(atPath: directory + "/snapshot.bin")
        let intact = try Store.open(directory, snapshotKey: startupKey, chainCheck: .deferred)
        #expect(!intact.usedSnapshot && intact.log.damage == nil)
        #expect(SnapshotFile.read(directory: directory, key: startupKey) == nil, "no snapshot before the chain is checked")
        intact.startVerification()
        #expect(intact.collectVerification(wait: true))
        #expect(intact.summary(.zh).contains("日志 \(intact.log.lastSequence) 条 · 已校验"), "\(intact.summary(.zh))")
        let market = intact.market
        let snapshot = try #require(SnapshotFile.read(directory: directory, key: startupKey), "written once the chain was found whole")
        #expect(snapshot.point.sequence == intact.log.lastSequence && MarketSnapshot.decode(snapshot.payload) == market)
        // The same state as an open that checked every link itself.
        try FileManager.default.removeItem(atPath: directory + "/snapshot.bin")
        #expect(try Store.open(directory, snapshotKey: startupKey).market == market)

        // Record 3000's payload edited (a letter of its type) and its checksum recomputed.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var offset = LogFormat.headerSize
        for _ in 1..<3000 { offset += LogFormat.recordOverhead + Int(LogFormat.readLE32(bytes, offset + 4)) }
        let length = Int(LogFormat.readLE32(bytes, offset + 4))
        let letter = try #require(Array(bytes[offset + 48..<offset + 48 + length]).firstRange(of: Array("test.filler".utf8))).lowerBound
        bytes[offset + 48 + letter] = UInt8(ascii: "T")
        bytes.replaceSubrange(offset + 48 + length..<offset + 52 + length, with: LogFormat.le32(CRC32C.checksum(bytes[offset..<offset + 48 + length])))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try FileManager.default.removeItem(atPath: directory + "/snapshot.bin")

        let deferred = try Store.open(directory, snapshotKey: startupKey, chainCheck: .deferred)
        #expect(deferred.log.damage == nil, "the open did not check the links")
        #expect(deferred.market.eventCount == market.eventCount)
        deferred.startVerification()
        #expect(deferred.summary(.zh).contains("校验中…"))
        #expect(deferred.collectVerification(wait: true))
        #expect(deferred.log.damage == .corrupt(sequence: 3001, offset: offset + LogFormat.recordOverhead + length, damage: .chainBreak))
        #expect(deferred.summary(.zh).contains("只读：日志损坏：第 3001 条记录"), "\(deferred.summary(.zh))")
        #expect(throws: LogError.self) { try deferred.append([Event(actor: "system", at: "2026-11-27T09:00:00Z", key: "after", body: .unknown(type: "test.after"))]) }
        #expect(SnapshotFile.read(directory: directory, key: startupKey) == nil, "no snapshot of a state under a broken chain")
        // An open that checks the links finds the same place at once.
        let full = try Store.open(directory, snapshotKey: startupKey)
        #expect(full.log.damage == deferred.log.damage)
    }

    /// An unreadable event is never dropped in silence: the status bar counts it, from a full
    /// replay and from the snapshot that lists it.
    @Test func theStatusBarCountsUnreadableEvents() throws {
        let directory = temporaryPath("startup-unreadable")
        let (created, _) = try DataDirectorySetup.createFromSeeds(directory: directory, seeds: packageRoot.appendingPathComponent("seeds").path, snapshotKey: startupKey, checkpoints: nil)
        try created.log.append { _ in [Array("{\"v\":1,\"type\":\"x\"".utf8)] }
        let replayed = try Store.open(directory, snapshotKey: startupKey)
        #expect(!replayed.usedSnapshot && replayed.undecodable == [replayed.log.lastSequence])
        #expect(replayed.summary(.zh).contains("1 条事件无法读取"), "\(replayed.summary(.zh))")
        let fromSnapshot = try Store.open(directory, snapshotKey: startupKey)
        #expect(fromSnapshot.usedSnapshot && fromSnapshot.undecodable == replayed.undecodable)
        #expect(fromSnapshot.summary(.en).contains("1 unreadable events"))
    }

    @Test func theDashboardsSnapshotIsWrittenInTheBackgroundAndWaitedForAtTheEnd() throws {
        let directory = temporaryPath("startup-snapshot")
        let (created, _) = try DataDirectorySetup.createFromSeeds(directory: directory, seeds: packageRoot.appendingPathComponent("seeds").path, snapshotKey: startupKey, checkpoints: nil)
        let store = try Store.open(directory, snapshotKey: startupKey)
        store.writesSnapshotsInBackground = true
        // A temporary file of a writer that died (no such process) is cleared by the next writer.
        let abandoned = directory + "/snapshot.bin.new-999999"
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: abandoned))
        let events = (0..<Int(Store.snapshotEvery) + 1).map { i in
            Event(actor: "system", at: "2026-11-27T08:00:00Z", key: "bg-\(i)", body: .unknown(type: "test.filler"))
        }
        #expect(try store.append(events) == events.count)
        store.finishSnapshot()
        let snapshot = try #require(SnapshotFile.read(directory: directory, key: startupKey))
        #expect(snapshot.point.sequence == store.log.lastSequence, "the snapshot covers every record")
        #expect(MarketSnapshot.decode(snapshot.payload) == store.market)
        #expect(!FileManager.default.fileExists(atPath: abandoned))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".new-") }.isEmpty)
        _ = created
    }
}
