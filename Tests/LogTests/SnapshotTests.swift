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
        try SnapshotFile.write(directory: dir, point: log.resumePoint, payload: payload)
        let read = try #require(SnapshotFile.read(directory: dir))
        #expect(read.point == log.resumePoint && Array(read.payload) == payload)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files == ["acknowledged.bin", "events.log", "snapshot.bin"], "no temporary file left behind")
        let mode = try FileManager.default.attributesOfItem(atPath: SnapshotFile.path(in: dir))[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // Any damage makes it unreadable (then it is rebuilt), never wrongly trusted.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: SnapshotFile.path(in: dir))))
        for index in 0..<bytes.count {
            var damaged = bytes
            damaged[index] ^= 0x40
            #expect(SnapshotFile.decode(damaged) == nil, "byte \(index)")
        }
        #expect(SnapshotFile.decode(Array(bytes.dropLast())) == nil)
    }

    @Test func aFailedSnapshotWriteKeepsTheOldOne() throws {
        let dir = temporaryDirectory()
        let log = try EventLog.create(directory: dir)
        try SnapshotFile.write(directory: dir, point: log.resumePoint, payload: [1])
        let io = FaultyFileIO()
        io.failSync = true
        #expect(throws: LogError.self) { try SnapshotFile.write(directory: dir, point: log.resumePoint, payload: [2], io: io) }
        #expect(SnapshotFile.read(directory: dir).map { Array($0.payload) } == [1])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["acknowledged.bin", "events.log", "snapshot.bin"])
    }
}
