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
        let foreign = try Checkpoint.sign(logID: log.logID, sequence: 3, headHash: log.headHash, at: "2026-11-27T00:00:01Z", key: key)
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
            if let checkpoint = schedule.afterAppend(to: log, at: "2026-11-27T00:00:00Z") { signed.append(checkpoint.sequence) }
        }
        // Signed when an append crosses a multiple of 10 (a mark) not yet covered: 12 crosses 10,
        // 21 crosses 20, 24 and 27 cross nothing new.
        #expect(signed == [12, 21])
        let (checkpoints, problems) = try files.checkpoints(dataDirectory: dir, logID: log.logID)
        #expect(checkpoints.map(\.sequence) == [12, 21] && problems.isEmpty)
        // A new process picks up where the last checkpoint was.
        #expect(CheckpointSchedule(files: files, log: log, every: 10)?.lastSigned == 21)
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
        #expect(try log.writeCheckpoint(files: files, key: key, at: "2026-11-27T00:00:00Z").sequence == 4)
        let resumed = try EventLog.open(directory: dir, resumeAfter: point)
        #expect(resumed.records.isEmpty)
        let checkpoint = try resumed.writeCheckpoint(files: files, key: key, at: "2026-11-27T00:00:00Z")
        #expect(checkpoint.sequence == 4 && checkpoint.headHash == log.headHash)
        let report = try LogVerifier.verify(directory: dir)
        let (all, _) = try files.checkpoints(dataDirectory: dir, logID: report.logID)
        #expect(CheckpointCheck.problems(all, logID: report.logID, records: report.records, trustedKey: nil).isEmpty)
    }
}

@Suite("Checkpoint lines are read strictly")
struct CheckpointStrictTests {
    let key = Curve25519.Signing.PrivateKey()
    let time = "2026-11-27T08:30:00Z"

    func signed(sequence: UInt64 = 652) throws -> Checkpoint {
        try Checkpoint.sign(logID: Array(repeating: 0xAB, count: 16), sequence: sequence, headHash: Array(repeating: 0xCD, count: 32), at: time, key: key)
    }

    @Test func theCanonicalLineParsesAndItsSignatureCoversItsOwnBytes() throws {
        let checkpoint = try signed()
        let parsed = try #require(Checkpoint.parse(checkpoint.line))
        #expect(parsed == checkpoint && parsed.signatureIsValid)
        #expect(parsed.line == checkpoint.line)
        #expect(checkpoint.line.hasPrefix(parsed.signedText + " sig="))
        #expect(checkpoint.line.contains(" log=abababababababababababababababab seq=652 head=cdcd"))
        #expect(try Checkpoint.parse(signed(sequence: 0).line)?.sequence == 0)
    }

    @Test func anyOtherSpellingOfTheSameValuesIsMalformed() throws {
        let line = try signed().line
        let variants = [
            line.replacingOccurrences(of: "seq=652", with: "seq=0652"),
            line.replacingOccurrences(of: "seq=652", with: "seq=+652"),
            line.replacingOccurrences(of: "head=cdcd", with: "head=CDcd"),
            line.replacingOccurrences(of: "log=abab", with: "log=ABab"),
            line.uppercased(),
            line.replacingOccurrences(of: " seq=", with: "  seq="),
            line + " ",
            " " + line,
            line + "\r",
            line.replacingOccurrences(of: " at=", with: " note=x at="),
            line.replacingOccurrences(of: "at=2026-11-27T08:30:00Z", with: "at=2026-11-27T08:30:00.000Z"),
            line.replacingOccurrences(of: "at=2026-11-27T08:30:00Z", with: "at=2026-11-27 08:30:00Z"),
            line.replacingOccurrences(of: "at=2026-11-27T08:30:00Z", with: "at=2026-13-27T08:30:00Z"),
            line.replacingOccurrences(of: "chengxin-checkpoint v1", with: "chengxin-checkpoint v2"),
            String(line.dropLast(2)),
        ]
        for variant in variants {
            #expect(Checkpoint.parse(variant) == nil, "\(variant)")
        }
        // The fields in another order.
        let parts = line.split(separator: " ").map(String.init)
        var swapped = parts
        swapped.swapAt(3, 4)
        #expect(Checkpoint.parse(swapped.joined(separator: " ")) == nil)
    }

    @Test func aCheckpointIsSignedOnlyWithACanonicalTime() throws {
        #expect(throws: Checkpoint.SigningError.badTime("t")) {
            try Checkpoint.sign(logID: Array(repeating: 1, count: 16), sequence: 1, headHash: Array(repeating: 2, count: 32), at: "t", key: key)
        }
        #expect(Checkpoint.isCanonicalTime("2026-02-28T23:59:59Z"))
        #expect(!Checkpoint.isCanonicalTime("2026-02-28T24:00:00Z") && !Checkpoint.isCanonicalTime("2026-02-28T23:59:59+00:00"))
    }

    @Test func malformedLinesInAFileAreNamedCommentsAndBlanksSkipped() throws {
        let checkpoint = try signed()
        let text = "# comment\n\n  \n" + checkpoint.line + "\n" + checkpoint.line.replacingOccurrences(of: "seq=652", with: "seq=0652") + "\n"
        let found = CheckpointCheck.parseFile(text, name: "f", logID: checkpoint.logID)
        #expect(found.checkpoints == [checkpoint])
        #expect(found.problems == [.malformed(file: "f", line: 5)] && found.notes.isEmpty)
        // Another log's checkpoint is not skipped: it is foreign.
        let other = CheckpointCheck.parseFile(text, name: "f", logID: Array(repeating: 7, count: 16))
        #expect(other.checkpoints.isEmpty)
        #expect(other.problems == [.foreign(file: "f", line: 4, logID: checkpoint.logID), .malformed(file: "f", line: 5)])
        #expect(CheckpointCheck.problems([checkpoint], logID: Array(repeating: 7, count: 16), records: [], trustedKey: nil)
            == [.foreign(file: "", line: 0, logID: checkpoint.logID)])
    }

    @Test func everyProblemAndNoteSaysItInBothLanguages() {
        let id = Array(repeating: UInt8(0x11), count: 16)
        let problems: [CheckpointProblem] = [.malformed(file: "f", line: 2), .foreign(file: "f", line: 3, logID: id), .foreign(file: "", line: 0, logID: id),
                                             .untrustedKey(sequence: 1), .badSignature(sequence: 1), .rolledBack(checkpoint: 5, records: 3),
                                             .rewritten(sequence: 4), .logIDChanged(previous: id)]
        for problem in problems {
            #expect(!problem.zh.isEmpty && !problem.en.isEmpty && problem.zh != problem.en)
        }
        #expect(CheckpointProblem.logIDChanged(previous: id).en.contains(hexString(id)))
        #expect(CheckpointNote.unfinishedLine(file: "f", line: 9).zh.contains("第 9 行"))
        #expect(CheckpointNote.unfinishedLine(file: "f", line: 9).en.contains("line 9"))
    }
}

@Suite("Checkpoint files: unfinished lines, mirrors, the key's place, marks")
struct CheckpointFilesTests {
    let time = "2026-11-27T00:00:00Z"

    func setUp(records: Int = 3) throws -> (dir: String, log: EventLog, files: CheckpointFiles, key: Curve25519.Signing.PrivateKey) {
        let dir = temporaryDirectory()
        let files = CheckpointFiles(keyPath: temporaryPath("key") + "/checkpoint.key")
        let log = try EventLog.create(directory: dir)
        try log.append { _ in payloads(records) }
        let (key, _) = try files.loadOrCreateKey()
        return (dir, log, files, key)
    }

    func append(_ text: String, to path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    @Test func anUnfinishedLastLineIsANoteAndIsCutBackBeforeTheNextCheckpoint() throws {
        let (dir, log, files, key) = try setUp()
        let first = try log.writeCheckpoint(files: files, key: key, at: time)
        let copy = CheckpointFiles.dataCopyPath(dir)
        let mirror = files.anchorPath(logID: log.logID)
        // A write cut short: half a line, no LF, in both files.
        for path in [copy, mirror] { try append(String(first.line.prefix(100)), to: path) }
        let found = try files.scan(dataDirectory: dir, logID: log.logID)
        #expect(found.checkpoints == [first] && found.problems.isEmpty)
        #expect(found.notes == [.unfinishedLine(file: copy, line: 2), .unfinishedLine(file: mirror, line: 3)])
        let verdict = try files.verify(dataDirectory: dir, logID: log.logID, records: try LogVerifier.verify(directory: dir).records)
        #expect(verdict.problems.isEmpty && verdict.notes.count == 2)

        try log.append { _ in payloads(2) }
        let second = try log.writeCheckpoint(files: files, key: key, at: time)
        let text = try String(contentsOfFile: copy, encoding: .utf8)
        #expect(text == first.line + "\n" + second.line + "\n")
        let after = try files.scan(dataDirectory: dir, logID: log.logID)
        #expect(after.checkpoints == [first, second] && after.problems.isEmpty && after.notes.isEmpty)
    }

    @Test func aCompleteCheckpointWithoutItsLineFeedIsKept() throws {
        let (dir, log, files, key) = try setUp()
        let first = try Checkpoint.sign(logID: log.logID, sequence: log.lastSequence, headHash: log.headHash, at: time, key: key)
        let copy = CheckpointFiles.dataCopyPath(dir)
        try first.line.write(toFile: copy, atomically: false, encoding: .utf8)
        let found = try files.scan(dataDirectory: dir, logID: log.logID)
        #expect(found.checkpoints == [first] && found.problems.isEmpty && found.notes.isEmpty)
        try log.append { _ in payloads(1) }
        let second = try log.writeCheckpoint(files: files, key: key, at: time)
        #expect(try String(contentsOfFile: copy, encoding: .utf8) == first.line + "\n" + second.line + "\n")
    }

    @Test func aMirrorIsBoundToItsDataDirectoryAndALogReChainedThereIsCaught() throws {
        let (dir, log, files, key) = try setUp()
        try log.writeCheckpoint(files: files, key: key, at: time)
        let mirror = try String(contentsOfFile: files.anchorPath(logID: log.logID), encoding: .utf8)
        #expect(mirror.hasPrefix("# data=" + CheckpointFiles.realPath(dir) + "\n"))
        #expect(files.boundMirrors(dataDirectory: dir) == [.init(logID: log.logID, path: files.anchorPath(logID: log.logID))])
        #expect(files.boundMirrors(dataDirectory: temporaryDirectory("elsewhere")).isEmpty)
        #expect(try files.scan(dataDirectory: dir, logID: log.logID).problems.isEmpty)

        // The same directory, emptied and given a new log (a new id), then checkpointed with the key.
        let oldID = log.logID
        try FileManager.default.removeItem(atPath: dir)
        let replacement = try EventLog.create(directory: dir)
        try replacement.append { _ in payloads(3) }
        try replacement.writeCheckpoint(files: files, key: key, at: time)
        let found = try files.verify(dataDirectory: dir, logID: replacement.logID, records: try LogVerifier.verify(directory: dir).records)
        #expect(found.problems == [.logIDChanged(previous: oldID)])
        // The old log's checkpoints left in the data directory's file are foreign.
        try append(try String(contentsOfFile: files.anchorPath(logID: oldID), encoding: .utf8), to: CheckpointFiles.dataCopyPath(dir))
        let again = try files.scan(dataDirectory: dir, logID: replacement.logID)
        #expect(again.problems == [.foreign(file: CheckpointFiles.dataCopyPath(dir), line: 3, logID: oldID), .logIDChanged(previous: oldID)])
    }

    @Test func aKeyInsideTheDataDirectoryIsToldByItsRealPath() throws {
        let dir = temporaryDirectory()
        let outside = temporaryPath("outside")
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        func inside(_ key: String, _ data: String = dir) -> Bool { CheckpointFiles(keyPath: key).keyIsInside(dataDirectory: data) }
        #expect(inside(dir + "/checkpoint.key"))
        #expect(inside(dir + "/new/folder/checkpoint.key"), "a key not created yet")
        #expect(inside(outside + "/../" + (dir as NSString).lastPathComponent + "/checkpoint.key"))
        #expect(inside(dir + "/sub/../checkpoint.key"))
        #expect(!inside(outside + "/checkpoint.key"))
        #expect(!inside(dir + "-other/checkpoint.key"), "a sibling whose name begins the same")
        #expect(!inside(dir + "/../checkpoint.key"))
        // A symbolic link outside pointing into the data directory, and a data directory named by a link.
        try FileManager.default.createSymbolicLink(atPath: outside + "/link", withDestinationPath: dir + "/sub")
        #expect(inside(outside + "/link/checkpoint.key"))
        try FileManager.default.createSymbolicLink(atPath: outside + "/data", withDestinationPath: dir)
        #expect(inside(dir + "/checkpoint.key", outside + "/data"))
        #expect(inside(outside + "/data/checkpoint.key", dir))
    }

    @Test func twoWritersCrossingOneMarkSignItOnce() throws {
        let dir = temporaryDirectory()
        let files = CheckpointFiles(keyPath: temporaryPath("key") + "/checkpoint.key")
        _ = try files.loadOrCreateKey()
        let first = try EventLog.create(directory: dir)
        let second = try EventLog.open(directory: dir)
        let one = try #require(CheckpointSchedule(files: files, log: first, every: 10))
        let two = try #require(CheckpointSchedule(files: files, log: second, every: 10))
        try first.append { _ in payloads(9) }
        #expect(one.afterAppend(to: first, at: time) == nil, "no mark crossed yet")
        try first.append { _ in payloads(2) }   // 11: crosses 10
        try second.append { _ in payloads(1) }  // 12: also past 10
        // Both writers come to sign the mark; whoever is second finds it signed.
        let signedBySecond = two.afterAppend(to: second, at: time)
        let signedByFirst = one.afterAppend(to: first, at: time)
        #expect(signedBySecond?.sequence == 12 && signedByFirst == nil)
        #expect(one.lastSigned == 12 && two.lastSigned == 12)
        let found = try files.scan(dataDirectory: dir, logID: first.logID)
        #expect(found.checkpoints.map(\.sequence) == [12] && found.problems.isEmpty)
        let lines = try String(contentsOfFile: CheckpointFiles.dataCopyPath(dir), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        // The next mark: signed once too.
        try first.append { _ in payloads(9) }   // 21
        #expect(one.afterAppend(to: first, at: time)?.sequence == 21)
        try second.append { _ in payloads(1) }  // 22
        #expect(two.afterAppend(to: second, at: time) == nil)
        #expect(try files.scan(dataDirectory: dir, logID: first.logID).checkpoints.map(\.sequence) == [12, 21])
    }

    @Test func fourWritersOnFourThreadsSignEachMarkOnce() throws {
        let dir = temporaryDirectory()
        let keyPath = temporaryPath("key") + "/checkpoint.key"
        _ = try CheckpointFiles(keyPath: keyPath).loadOrCreateKey()
        let logID = try EventLog.create(directory: dir).logID
        let time = self.time
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            guard let log = try? EventLog.open(directory: dir),
                  let schedule = CheckpointSchedule(files: CheckpointFiles(keyPath: keyPath), log: log, every: 10) else { return }
            for _ in 0..<25 {
                _ = try? log.append { _ in payloads(1) }
                schedule.afterAppend(to: log, at: time)
            }
        }
        let found = try CheckpointFiles(keyPath: keyPath).scan(dataDirectory: dir, logID: logID)
        #expect(try LogVerifier.verify(directory: dir).recordCount == 100)
        let marks = found.checkpoints.map { $0.sequence / 10 * 10 }
        #expect(Set(marks).count == marks.count, "one checkpoint per mark: \(found.checkpoints.map(\.sequence))")
        #expect(marks.count >= 5 && found.problems.isEmpty && found.notes.isEmpty)
    }

    @Test func aMarkCoveredOnlyByALineNotSignedByTheKeyIsStillSigned() throws {
        let (dir, log, files, _) = try setUp(records: 10)
        let stranger = Curve25519.Signing.PrivateKey()
        let forged = try Checkpoint.sign(logID: log.logID, sequence: 1_000_000, headHash: log.headHash, at: time, key: stranger)
        try (forged.line + "\n").write(toFile: CheckpointFiles.dataCopyPath(dir), atomically: false, encoding: .utf8)
        let schedule = try #require(CheckpointSchedule(files: files, log: log, every: 10))
        #expect(schedule.lastSigned == 0, "a line by another key covers nothing")
        #expect(schedule.afterAppend(to: log, at: time)?.sequence == 10)
    }
}
