import Crypto
import Foundation
import Testing
import TestSupport
@testable import Log

@Suite("Signed checkpoints")
struct CheckpointTests {
    let key = Curve25519.Signing.PrivateKey()

    func checkpointedLog(records: Int) throws -> (String, EventLog, CheckpointFiles) {
        let dir = temporaryDirectory()
        let files = CheckpointFiles(keyPath: temporaryPath("key") + "/checkpoint.key")
        let log = try EventLog.create(directory: dir, logID: Array(repeating: 9, count: 16))
        try log.append { _ in payloads(records) }
        let (key, created) = try files.loadOrCreateKey()
        #expect(created)
        try log.writeCheckpoint(files: files, key: key, at: "2026-11-27T00:00:00Z")
        return (dir, log, files)
    }

    func problems(_ dir: String, _ files: CheckpointFiles) throws -> [CheckpointProblem] {
        let report = try LogVerifier.verify(directory: dir)
        let (checkpoints, malformed) = try files.checkpoints(dataDirectory: dir, logID: report.logID)
        let trusted = try files.loadKey().map { Array($0.publicKey.rawRepresentation) }
        return malformed + CheckpointCheck.problems(checkpoints, logID: report.logID, records: report.records, trustedKey: trusted)
    }

    @Test func aCheckpointRoundTripsAndMatches() throws {
        let (dir, log, files) = try checkpointedLog(records: 5)
        let text = try String(contentsOfFile: CheckpointFiles.dataCopyPath(dir), encoding: .utf8)
        let checkpoint = try #require(Checkpoint.parse(text.trimmingCharacters(in: .newlines)))
        #expect(checkpoint.sequence == 5 && checkpoint.headHash == log.headHash && checkpoint.signatureIsValid)
        #expect(try problems(dir, files).isEmpty)
        let keyMode = try FileManager.default.attributesOfItem(atPath: files.keyPath)[.posixPermissions] as? Int
        #expect(keyMode == 0o600)
    }

    @Test func aChainRewrittenFromTheStartIsCaught() throws {
        let (dir, _, files) = try checkpointedLog(records: 5)
        // Rebuild the whole log with the same id and altered history: every CRC and link is valid.
        var bytes = LogFormat.header(logID: Array(repeating: 9, count: 16))
        var prev = LogFormat.sha256(bytes[...])
        for (i, payload) in payloads(5).enumerated() {
            let record = LogFormat.record(sequence: UInt64(i + 1), previousHash: prev, payload: i == 2 ? Array("改过的".utf8) : payload)
            bytes += record.bytes
            prev = record.hash
        }
        try Data(bytes).write(to: URL(fileURLWithPath: EventLog.logPath(in: dir)))
        // An insider who rewrites the log removes the witness too (it carries no signature).
        try FileManager.default.removeItem(atPath: Witness.path(in: dir))
        #expect(try LogVerifier.verify(directory: dir).intact, "the chain alone cannot tell")
        #expect(try problems(dir, files) == [.rewritten(sequence: 5)])
    }

    @Test func aRollbackBeforeACheckpointIsCaughtEvenWithoutTheDataDirectorysCopy() throws {
        let (dir, log, files) = try checkpointedLog(records: 5)
        let path = EventLog.logPath(in: dir)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(log.records[2].offset + log.records[2].size).write(to: URL(fileURLWithPath: path))
        try FileManager.default.removeItem(atPath: CheckpointFiles.dataCopyPath(dir))
        try FileManager.default.removeItem(atPath: Witness.path(in: dir))
        #expect(try LogVerifier.verify(directory: dir).intact)
        #expect(try problems(dir, files) == [.rolledBack(checkpoint: 5, records: 3)])
    }

    @Test func alteredOrForeignCheckpointsAreRefused() throws {
        let (dir, log, files) = try checkpointedLog(records: 3)
        let copy = CheckpointFiles.dataCopyPath(dir)
        let original = try String(contentsOfFile: copy, encoding: .utf8)
        // A checkpoint moved to another sequence number without re-signing.
        try original.replacingOccurrences(of: " seq=3 ", with: " seq=2 ").write(toFile: copy, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: files.anchorPath(logID: log.logID))
        #expect(try problems(dir, files) == [.badSignature(sequence: 2)])
        // A checkpoint signed by someone else's key.
        let foreign = try Checkpoint.sign(logID: log.logID, sequence: 3, headHash: log.headHash, at: "x", key: key)
        try (foreign.line + "\nnot a checkpoint\n").write(toFile: copy, atomically: true, encoding: .utf8)
        #expect(try problems(dir, files) == [.malformed(file: copy, line: 2), .untrustedKey(sequence: 3)])
    }
}

@Suite("Checkpoints at intervals")
struct CheckpointScheduleTests {
    @Test func aCheckpointIsSignedEveryNRecords() throws {
        let dir = temporaryDirectory()
        let files = CheckpointFiles(keyPath: temporaryPath("key") + "/checkpoint.key")
        let log = try EventLog.create(directory: dir)
        #expect(CheckpointSchedule(files: files, log: log) == nil, "no key, no schedule")
        _ = try files.loadOrCreateKey()
        let schedule = try #require(CheckpointSchedule(files: files, log: log, every: 10))
        var signed: [UInt64] = []
        for _ in 0..<9 {
            try log.append { _ in payloads(3) }
            if let checkpoint = schedule.afterAppend(to: log, at: "t") { signed.append(checkpoint.sequence) }
        }
        #expect(signed == [12, 24])
        let (checkpoints, problems) = try files.checkpoints(dataDirectory: dir, logID: log.logID)
        #expect(checkpoints.map(\.sequence) == [12, 24] && problems.isEmpty)
        // A new process picks up where the last checkpoint was.
        #expect(CheckpointSchedule(files: files, log: log, every: 10)?.lastSigned == 24)
    }
}

@Suite("Checkpoints after a resume or a discard")
struct CheckpointSequenceTests {
    @Test func theCheckpointCoversTheLastRecordEvenWhenRecordsAreNotInMemory() throws {
        let dir = temporaryDirectory()
        let files = CheckpointFiles(keyPath: temporaryPath("key") + "/checkpoint.key")
        let (key, _) = try files.loadOrCreateKey()
        let log = try EventLog.create(directory: dir)
        try log.append { _ in payloads(4) }
        let point = log.resumePoint
        log.discardRecords()
        #expect(log.records.isEmpty && log.lastSequence == 4)
        #expect(try log.writeCheckpoint(files: files, key: key, at: "t").sequence == 4)
        let resumed = try EventLog.open(directory: dir, resumeAfter: point)
        #expect(resumed.records.isEmpty)
        let checkpoint = try resumed.writeCheckpoint(files: files, key: key, at: "t")
        #expect(checkpoint.sequence == 4 && checkpoint.headHash == log.headHash)
        let report = try LogVerifier.verify(directory: dir)
        let (all, _) = try files.checkpoints(dataDirectory: dir, logID: report.logID)
        #expect(CheckpointCheck.problems(all, logID: report.logID, records: report.records, trustedKey: nil).isEmpty)
    }
}
