import Foundation
import Testing
import TestSupport
@testable import Log

@Suite("Snapshots and resume points")
struct SnapshotTests {
    @Test func openingFromAResumePointReadsOnlyTheTail() throws {
        let dir = temporaryDirectory()
        let log = try EventLog.create(directory: dir)
        try log.append { _ in payloads(10) }
        let point = log.resumePoint
        #expect(point.sequence == 10 && point.end == log.records[9].offset + log.records[9].size)
        try log.append { _ in payloads(5) }

        let resumed = try EventLog.open(directory: dir, resumeAfter: point)
        #expect(resumed.records.map(\.sequence) == Array(11...15))
        #expect(resumed.lastSequence == 15)
        #expect(resumed.headHash == log.headHash)
        // Appending continues the chain exactly as a full open would.
        try resumed.append { _ in [Array("x".utf8)] }
        #expect(try LogVerifier.verify(directory: dir).recordCount == 16)
    }

    @Test func anEmptyLogResumes() throws {
        let dir = temporaryDirectory()
        let log = try EventLog.create(directory: dir)
        let point = log.resumePoint
        #expect(point.sequence == 0)
        try log.append { _ in payloads(2) }
        #expect(try EventLog.open(directory: dir, resumeAfter: point).records.count == 2)
    }

    @Test func staleForeignOrRewrittenPointsAreRefused() throws {
        let dir = temporaryDirectory()
        let log = try EventLog.create(directory: dir)
        try log.append { _ in payloads(10) }
        let point = log.resumePoint
        let path = EventLog.logPath(in: dir)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))

        // Rolled back below the point.
        try original.prefix(log.records[7].offset).write(to: URL(fileURLWithPath: path))
        #expect(throws: LogError.resumePointMismatch) { try EventLog.open(directory: dir, resumeAfter: point) }
        // Another log's point.
        try original.write(to: URL(fileURLWithPath: path))
        let foreign = ResumePoint(logID: Array(repeating: 0, count: 16), sequence: point.sequence, recordStart: point.recordStart, end: point.end, hash: point.hash)
        #expect(throws: LogError.resumePointMismatch) { try EventLog.open(directory: dir, resumeAfter: foreign) }
        // The record at the point altered.
        var bytes = [UInt8](original)
        bytes[point.recordStart + 50] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: LogError.resumePointMismatch) { try EventLog.open(directory: dir, resumeAfter: point) }
        // Unchanged: it resumes.
        try original.write(to: URL(fileURLWithPath: path))
        #expect(try EventLog.open(directory: dir, resumeAfter: point).records.isEmpty)
    }

    @Test func snapshotFilesAreWrittenAtomicallyAndCheckedOnRead() throws {
        let dir = temporaryDirectory()
        let log = try EventLog.create(directory: dir)
        try log.append { _ in payloads(3) }
        let payload = Array("{\"state\":\"眼镜城\"}".utf8)
        try SnapshotFile.write(directory: dir, point: log.resumePoint, unreadable: [2], payload: payload, key: testSnapshotKey)
        let read = try #require(SnapshotFile.read(directory: dir, key: testSnapshotKey))
        #expect(read.point == log.resumePoint && Array(read.payload) == payload && read.unreadable == [2])
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files == ["acknowledged.bin", "events.log", "snapshot.bin"], "no temporary file left behind")
        let mode = try FileManager.default.attributesOfItem(atPath: SnapshotFile.path(in: dir))[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // Any damage makes it unusable (then it is rebuilt), never wrongly trusted.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: SnapshotFile.path(in: dir))))
        for index in 0..<bytes.count {
            var damaged = bytes
            damaged[index] ^= 0x40
            if case .authentic = SnapshotFile.decode(Data(damaged), key: testSnapshotKey) { Issue.record("byte \(index) accepted") }
        }
        if case .authentic = SnapshotFile.decode(Data(bytes.dropLast()), key: testSnapshotKey) { Issue.record("a short snapshot accepted") }
    }

    /// An insider edits the state inside the snapshot and recomputes what anyone can recompute:
    /// without the key the MAC cannot be made, so the snapshot is forged, never used.
    @Test func aSnapshotEditedWithoutTheKeyIsForged() throws {
        let dir = temporaryDirectory()
        let log = try EventLog.create(directory: dir)
        try log.append { _ in payloads(3) }
        let payload = Array("{\"merchant\":\"眼镜城一号店\"}".utf8)
        try SnapshotFile.write(directory: dir, point: log.resumePoint, payload: payload, key: testSnapshotKey)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: SnapshotFile.path(in: dir))))
        let at = try #require(bytes.firstRange(of: Array("一号".utf8))).lowerBound
        bytes.replaceSubrange(at..<at + 6, with: Array("假冒".utf8))
        // The old format's plain SHA-256 recomputed over the edited bytes, where the MAC is.
        bytes.replaceSubrange(96..<128, with: LogFormat.sha256(bytes[0..<96] + bytes[128...]))
        try Data(bytes).write(to: URL(fileURLWithPath: SnapshotFile.path(in: dir)))
        guard case .forged = SnapshotFile.inspect(directory: dir, key: testSnapshotKey) else {
            Issue.record("an edited snapshot was not called forged")
            return
        }
        #expect(SnapshotFile.read(directory: dir, key: testSnapshotKey) == nil)
        // Written under another key: not this office's snapshot either.
        try SnapshotFile.write(directory: dir, point: log.resumePoint, payload: payload, key: SnapshotKey(rawCheckpointKey: Array(repeating: 1, count: 32)))
        #expect(SnapshotFile.read(directory: dir, key: testSnapshotKey) == nil)
        // A version-1 snapshot is not read.
        var old = try [UInt8](Data(contentsOf: URL(fileURLWithPath: SnapshotFile.path(in: dir))))
        old.replaceSubrange(8..<12, with: [1, 0, 0, 0])
        guard case .otherVersion(1) = SnapshotFile.decode(Data(old), key: testSnapshotKey) else {
            Issue.record("version 1 read")
            return
        }
        SnapshotFile.setAsideForged(directory: dir)
        #expect(FileManager.default.fileExists(atPath: dir + "/" + SnapshotFile.rejectedName))
    }

    @Test func aFailedSnapshotWriteKeepsTheOldOne() throws {
        let dir = temporaryDirectory()
        let log = try EventLog.create(directory: dir)
        try SnapshotFile.write(directory: dir, point: log.resumePoint, payload: [1], key: testSnapshotKey)
        let io = FaultyFileIO()
        io.failSync = true
        #expect(throws: LogError.self) { try SnapshotFile.write(directory: dir, point: log.resumePoint, payload: [2], key: testSnapshotKey, io: io) }
        #expect(SnapshotFile.read(directory: dir, key: testSnapshotKey).map { Array($0.payload) } == [1])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["acknowledged.bin", "events.log", "snapshot.bin"])
    }
}
