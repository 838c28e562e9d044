import Foundation
import Testing
import TestSupport
@testable import Log

/// The witness of the last acknowledged record (docs/log-format.md): damage to an acknowledged
/// record is corruption, never a torn tail to cut.
@Suite("The witness of the last acknowledged record")
struct WitnessTests {
    /// A log of five acknowledged records: its directory, bytes and where each record ends.
    func acknowledgedLog(_ name: String = #function) throws -> (dir: String, bytes: [UInt8], ends: [Int]) {
        let dir = temporaryDirectory(name)
        let log = try EventLog.create(directory: dir, logID: Array(0..<16))
        try log.append { _ in payloads(5) }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: EventLog.logPath(in: dir))))
        return (dir, bytes, log.records.map { $0.offset + $0.size })
    }

    func write(_ bytes: [UInt8], _ dir: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: EventLog.logPath(in: dir)))
    }

    @Test func theWitnessFollowsEveryAppend() throws {
        let (dir, bytes, ends) = try acknowledgedLog()
        let witness = try #require(Witness.read(directory: dir, io: SystemFileIO()))
        #expect(witness.sequence == 5 && witness.end == ends[4] && witness.end == bytes.count)
        #expect(witness.hash == (try EventLog.open(directory: dir)).headHash)
        #expect(witness.logID == Array(0..<16))
    }

    @Test func oneFlippedByteInTheLastAcknowledgedRecordIsCorruptionNotATornTail() throws {
        let (dir, bytes, ends) = try acknowledgedLog()
        for at in [ends[3], ends[3] + 30, bytes.count - 20, bytes.count - 1] {
            var damaged = bytes
            damaged[at] ^= 0x41
            try write(damaged, dir)
            let expected = LogTail.corrupt(sequence: 5, offset: ends[3], damage: .acknowledgedRecordDamaged(acknowledged: 5))
            let report = try LogVerifier.verify(directory: dir)
            #expect(report.tail == expected, "byte \(at)")
            #expect(!report.intact)
            let log = try EventLog.open(directory: dir)
            #expect(log.damage == .corrupt(sequence: 5, offset: ends[3], damage: .acknowledgedRecordDamaged(acknowledged: 5)))
            #expect(throws: LogError.self) { try log.append { _ in [Array("x".utf8)] } }
            // Nothing was cut, nothing written.
            #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: EventLog.logPath(in: dir)))) == damaged)
        }
    }

    @Test func aLogCutInsideOrAtTheEndOfAnAcknowledgedRecordIsCorruption() throws {
        let (dir, bytes, ends) = try acknowledgedLog()
        try write(Array(bytes[0..<(bytes.count - 10)]), dir)
        #expect(try LogVerifier.verify(directory: dir).tail == .corrupt(sequence: 5, offset: ends[3], damage: .acknowledgedRecordDamaged(acknowledged: 5)))
        // Cut at a record boundary: the last acknowledged record is missing.
        try write(Array(bytes[0..<ends[3]]), dir)
        #expect(try LogVerifier.verify(directory: dir).tail == .corrupt(sequence: 5, offset: ends[3], damage: .acknowledgedRecordMissing(acknowledged: 5)))
        #expect(try EventLog.open(directory: dir).damage != nil)
    }

    @Test func anUnfinishedWriteAfterTheWitnessIsCutWithItsBytesKept() throws {
        let (dir, bytes, ends) = try acknowledgedLog()
        // Half of a sixth record that was never acknowledged.
        var sixth: [UInt8] = []
        _ = LogFormat.appendRecord(to: &sixth, sequence: 6, previousHash: try EventLog.open(directory: dir).headHash, payload: Array("{\"n\":6}".utf8))
        let half = Array(sixth[0..<(sixth.count / 2)])
        try write(bytes + half, dir)
        #expect(try LogVerifier.verify(directory: dir).tail == .torn(offset: ends[4], length: half.count))
        let log = try EventLog.open(directory: dir)
        let written = try log.append { _ in [Array("{\"n\":7}".utf8)] }
        guard case .tornTailCut(ends[4], half.count, let kept) = log.warnings.last else {
            Issue.record("no warning of the cut: \(log.warnings)")
            return
        }
        #expect(kept.hasPrefix("cut/\(ends[4])-") && kept.hasSuffix(".bin"))
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/" + kept))) == half)
        // The cut is the first record written, with where and what it was.
        let event = try #require(JSONSerialization.jsonObject(with: Data(written[0].payload)) as? [String: Any])
        #expect(event["type"] as? String == "log.tail-cut" && event["actor"] as? String == "system")
        let data = try #require(event["data"] as? [String: Any])
        #expect(data["offset"] as? Int == ends[4] && data["length"] as? Int == half.count && data["file"] as? String == kept)
        #expect(data["sha256"] as? String == hexString(LogFormat.sha256(half[...])))
        #expect(written.map(\.sequence) == [6, 7])
        #expect(try LogVerifier.verify(directory: dir).tail == .clean)
        #expect(Witness.read(directory: dir, io: SystemFileIO())?.sequence == 7)
    }

    @Test func withoutAWitnessTheLastRecordsDamageLooksTornAndIsSaidSo() throws {
        let (dir, bytes, ends) = try acknowledgedLog()
        try FileManager.default.removeItem(atPath: Witness.path(in: dir))
        var damaged = bytes
        damaged[bytes.count - 5] ^= 1
        try write(damaged, dir)
        let log = try EventLog.open(directory: dir)
        #expect(log.warnings.contains(.noWitness))
        #expect(log.damage == nil)
        #expect(try LogVerifier.verify(directory: dir).tail == .torn(offset: ends[3], length: bytes.count - ends[3]))
    }

    @Test func aWitnessOfAnotherLogIsCorruption() throws {
        let (dir, _, _) = try acknowledgedLog()
        let other = temporaryDirectory("other")
        _ = try EventLog.create(directory: other, logID: Array(100..<116))
        try FileManager.default.removeItem(atPath: Witness.path(in: dir))
        try FileManager.default.copyItem(atPath: Witness.path(in: other), toPath: Witness.path(in: dir))
        #expect(try LogVerifier.verify(directory: dir).tail == .corrupt(sequence: 0, offset: 0, damage: .foreignWitness))
        #expect(LogError.corrupt(sequence: 0, offset: 0, damage: .foreignWitness).zh.contains("另一份日志"))
    }

    @Test func aTornWitnessSlotFallsBackToTheOtherSlot() throws {
        let (dir, _, ends) = try acknowledgedLog()
        let log = try EventLog.open(directory: dir)
        try log.append { _ in [Array("{\"n\":6}".utf8)] }
        // Record 6's slot (slot 0) half written by a power cut: the witness is record 5's slot.
        let path = Witness.path(in: dir)
        var witness = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        for i in 40..<80 { witness[i] = 0 }
        try Data(witness).write(to: URL(fileURLWithPath: path))
        let read = try #require(Witness.read(directory: dir, io: SystemFileIO()))
        #expect(read.sequence == 5 && read.end == ends[4])
        #expect(try LogVerifier.verify(directory: dir).tail == .clean)
    }

    @Test func aRecordRewrittenUnderTheWitnessIsNamed() throws {
        let (dir, _, ends) = try acknowledgedLog()
        // The whole log re-chained with other payloads (every CRC and link right) under the same id.
        let rewritten = temporaryDirectory("rewritten")
        let other = try EventLog.create(directory: rewritten, logID: Array(0..<16))
        try other.append { _ in (1...5).map { Array("{\"n\":\($0),\"x\":1}".utf8) } }
        try FileManager.default.removeItem(atPath: EventLog.logPath(in: dir))
        try FileManager.default.copyItem(atPath: EventLog.logPath(in: rewritten), toPath: EventLog.logPath(in: dir))
        let records = try LogVerifier.verify(directory: dir).records
        #expect(try LogVerifier.verify(directory: dir).tail == .corrupt(sequence: 5, offset: records[4].offset, damage: .differsFromWitness))
        _ = ends
    }
}
