import Codec
import Core
import Foundation
import Log
import PostgresLog
import Storage
import Testing
import TestSupport

/// `chengxin store copy` (issue 21): a log copied between a data directory and a shared record in a
/// real PostgreSQL, byte for byte, the source checked first, the target empty or a prefix.
/// Skipped, with the reason, where PostgreSQL is missing; CI installs it.
@Suite("Copying a log between stores", .enabled(if: PostgresCluster.unavailable == nil, "\(PostgresCluster.unavailable ?? "")"))
struct StoreCopyTests {
    let seeds = packageRoot.appendingPathComponent("seeds").path

    static func fileBytes(_ directory: String) throws -> [UInt8] { try SharedRecordTests.fileBytes(directory) }
    static func recordBytes(_ url: String) throws -> [UInt8] { try SharedRecordTests.recordBytes(PostgresRecord(address: url)) }
    static func filler(_ key: String) -> Event { SharedRecordTests.filler(key) }

    /// A data directory with the shipped roster and a signed checkpoint.
    func directory(_ name: String) throws -> (String, Store, CheckpointFiles) {
        let path = temporaryPath(name)
        let files = CheckpointFiles(keyPath: temporaryPath(name + "-key") + "/checkpoint.key")
        let (store, _) = try DataDirectorySetup.createFromSeeds(directory: path, seeds: seeds, snapshotKey: nil, checkpoints: files)
        _ = try store.log.writeCheckpoint(files: files, key: try files.loadOrCreateKey().key, at: "2026-12-07T08:00:00Z")
        return (path, store, files)
    }

    @Test func aFileLogCopiedIntoPostgreSQLAndBackIsTheSameFile() throws {
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        let (source, store, files) = try directory("copy-source")
        let copied = try StoreCopy.copy(from: .directory(source), to: StoreCopy.End(cluster.url))
        #expect(copied.held == 0 && copied.copied == store.log.lastSequence && copied.headHash == store.log.headHash)
        #expect(copied.checkpoints == 1)
        #expect(try Self.recordBytes(cluster.url) == Self.fileBytes(source), "the record holds the file's header and records, byte for byte")
        #expect(try PostgresRecord(address: cluster.url).checkpointLines().count == 1)

        let back = temporaryPath("copy-back")
        let returned = try StoreCopy.copy(from: StoreCopy.End(cluster.url), to: .directory(back))
        #expect(returned.copied == store.log.lastSequence && returned.checkpoints == 1)
        #expect(try Self.fileBytes(back) == Self.fileBytes(source), "the same file")
        #expect(FileManager.default.contents(atPath: CheckpointFiles.dataCopyPath(back)) == FileManager.default.contents(atPath: CheckpointFiles.dataCopyPath(source)))
        let check = try DirectoryCheck.run(directory: back, files: files, anchors: [])
        #expect(check.failures.isEmpty, "\(check.failures.map(\.en))")
        #expect(check.checkpoints?.checkpoints.count == 1)

        // Again: nothing to copy, nothing changed.
        let again = try StoreCopy.copy(from: .directory(source), to: StoreCopy.End(cluster.url))
        #expect(again.copied == 0 && again.held == store.log.lastSequence && again.checkpoints == 0)
    }

    @Test func aTargetThatIsNeitherEmptyNorAPrefixIsRefusedAndLeftAsItWas() throws {
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        let (source, sourceStore, _) = try directory("copy-mine")
        // Another market's log (another log id) in the database and in a directory.
        let (other, _, _) = try directory("copy-other")
        _ = try StoreCopy.copy(from: .directory(other), to: StoreCopy.End(cluster.url))
        let before = try Self.recordBytes(cluster.url), otherBefore = try Self.fileBytes(other)
        do {
            _ = try StoreCopy.copy(from: .directory(source), to: StoreCopy.End(cluster.url))
            Issue.record("a foreign log was written over")
        } catch {
            #expect(error.zh.contains("既不是空的，也不是来源的前一部分") && error.zh.contains("未做任何改动"), "\(error.zh)")
            #expect(error.en.contains("neither empty nor a prefix of the source"), "\(error.en)")
        }
        #expect(try Self.recordBytes(cluster.url) == before)
        #expect(throws: LocalizedMessage.self) { try StoreCopy.copy(from: .directory(source), to: .directory(other)) }
        #expect(try Self.fileBytes(other) == otherBefore)

        // The same log, but the target has a record the source does not.
        let copy = temporaryPath("copy-diverged")
        _ = try StoreCopy.copy(from: .directory(source), to: .directory(copy))
        let diverged = try Store.open(copy, snapshotKey: nil)
        #expect(try diverged.append([Self.filler("only-in-the-copy")]) == 1)
        #expect(try sourceStore.append([Self.filler("only-in-the-source")]) == 1)
        let divergedBytes = try Self.fileBytes(copy)
        do {
            _ = try StoreCopy.copy(from: .directory(source), to: .directory(copy))
            Issue.record("a diverged copy was written over")
        } catch {
            #expect(error.en.contains("record \(sourceStore.log.lastSequence) differs"), "\(error.en)")
        }
        #expect(try Self.fileBytes(copy) == divergedBytes)
    }

    @Test func aTargetHoldingAPrefixIsCompleted() throws {
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        let (source, store, _) = try directory("copy-prefix")
        let dirCopy = temporaryPath("copy-prefix-dir")
        _ = try StoreCopy.copy(from: .directory(source), to: StoreCopy.End(cluster.url))
        _ = try StoreCopy.copy(from: .directory(source), to: .directory(dirCopy))
        let held = store.log.lastSequence
        #expect(try store.append([Self.filler("later-1"), Self.filler("later-2"), Self.filler("later-3")]) == 3)
        let toRecord = try StoreCopy.copy(from: .directory(source), to: StoreCopy.End(cluster.url))
        #expect(toRecord.held == held && toRecord.copied == 3)
        #expect(try Self.recordBytes(cluster.url) == Self.fileBytes(source))
        let toDirectory = try StoreCopy.copy(from: StoreCopy.End(cluster.url), to: .directory(dirCopy))
        #expect(toDirectory.held == held && toDirectory.copied == 3)
        #expect(try Self.fileBytes(dirCopy) == Self.fileBytes(source))
    }

    @Test func aDamagedSourceIsRefusedNamingTheRecordAndNothingIsWritten() throws {
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        let (source, store, _) = try directory("copy-damaged")
        let path = EventLog.logPath(in: source)
        var bytes = try Self.fileBytes(source)
        let middle = try #require(try LogVerifier.verify(directory: source).records.first { $0.sequence == store.log.lastSequence / 2 })
        bytes[middle.offset + LogFormat.recordHeaderSize + 2] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let target = temporaryPath("copy-damaged-target")
        for end in [StoreCopy.End(cluster.url), .directory(target)] {
            do {
                _ = try StoreCopy.copy(from: .directory(source), to: end)
                Issue.record("a damaged log was copied")
            } catch {
                #expect(error.zh.contains("第 \(middle.sequence) 条记录") && error.zh.contains("未复制任何内容"), "\(error.zh)")
                #expect(error.en.contains("record \(middle.sequence) of the source"), "\(error.en)")
            }
        }
        #expect(try PostgresRecord(address: cluster.url).schemaVersion() == 0, "not even the schema was made")
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    /// `chengxin verify --store`: a record changed in the database (only a superuser with the
    /// triggers off can) is found and named, though the seat's copy is intact.
    @Test func verifyingTheStoreFindsARecordChangedInTheDatabase() throws {
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        let (source, store, files) = try directory("copy-verify")
        _ = try StoreCopy.copy(from: .directory(source), to: StoreCopy.End(cluster.url))
        let seat = temporaryPath("copy-verify-seat")
        let intact = try DirectoryCheck.run(copyOf: PostgresRecord(address: cluster.url), directory: seat, files: files, anchors: [])
        #expect(intact.failures.isEmpty, "\(intact.failures.map(\.en))")
        #expect(UInt64(intact.report.recordCount) == store.log.lastSequence)
        _ = try cluster.psql("ALTER TABLE chengxin_records DISABLE TRIGGER USER; UPDATE chengxin_records SET bytes = set_byte(bytes, 60, get_byte(bytes, 60) # 1) WHERE seq = 100; ALTER TABLE chengxin_records ENABLE TRIGGER USER")
        let changed = try DirectoryCheck.run(copyOf: PostgresRecord(address: cluster.url), directory: seat, files: files, anchors: [])
        #expect(changed.failures.count == 1)
        #expect(changed.failures.first?.en.contains("record 100 differs") == true, "\(changed.failures.map(\.en))")
    }
}
