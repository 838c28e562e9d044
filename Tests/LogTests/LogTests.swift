import Foundation
import Testing
import TestSupport
@testable import Log

/// A fresh path in the tests' folder (removed when the tests end), named after the test.
func temporaryDirectory(_ name: String = #function) -> String {
    temporaryPath("test-" + name.filter { $0.isLetter || $0.isNumber })
}

/// The snapshot key of the tests (a checkpoint key's stand-in).
let testSnapshotKey = SnapshotKey(rawCheckpointKey: Array(repeating: 3, count: 32))

func payloads(_ n: Int) -> [[UInt8]] {
    (1...n).map { Array("{\"n\":\($0),\"text\":\"眼镜城第\($0)号\"}".utf8) }
}

@Suite("The event log")
struct EventLogTests {
    @Test func crc32cCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func appendReopenAndReplay() throws {
        let dir = temporaryDirectory()
        let log = try EventLog.create(directory: dir)
        let first = try log.append { _ in payloads(3) }
        let second = try log.append { _ in [Array("最后一条".utf8)] }
        #expect(first.map(\.sequence) == [1, 2, 3])
        #expect(second.map(\.sequence) == [4])

        let reopened = try EventLog.open(directory: dir)
        #expect(reopened.records.map(\.payload) == payloads(3) + [Array("最后一条".utf8)])
        #expect(reopened.headHash == log.headHash)
        #expect(reopened.damage == nil && reopened.warnings.isEmpty)

        let report = try LogVerifier.verify(directory: dir)
        #expect(report.intact && report.recordCount == 4 && report.headHash == log.headHash)
    }

    @Test func chainLinksEachRecordToThePrevious() throws {
        let dir = temporaryDirectory()
        let log = try EventLog.create(directory: dir, logID: Array(repeating: 7, count: 16))
        try log.append { _ in payloads(2) }
        let header = LogFormat.header(logID: Array(repeating: 7, count: 16))
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: EventLog.logPath(in: dir))))
        #expect(Array(bytes[0..<32]) == header)
        // Record 1 stores SHA-256(header) as its previous hash; record 2 stores record 1's hash.
        #expect(Array(bytes[48..<80]) == LogFormat.sha256(header[...]))
        let first = log.records[0]
        #expect(Array(bytes[first.offset + first.size + 16..<first.offset + first.size + 48]) == first.hash)
        #expect(first.hash == LogFormat.sha256(bytes[first.offset..<first.offset + 48 + first.payload.count]))
    }

    @Test func filesArePrivate() throws {
        let dir = temporaryDirectory()
        _ = try EventLog.create(directory: dir)
        let dirMode = try FileManager.default.attributesOfItem(atPath: dir)[.posixPermissions] as? Int
        let fileMode = try FileManager.default.attributesOfItem(atPath: EventLog.logPath(in: dir))[.posixPermissions] as? Int
        #expect(dirMode == 0o700)
        #expect(fileMode == 0o600)
    }

    @Test func creatingOverAnExistingLogIsRefused() throws {
        let dir = temporaryDirectory()
        let log = try EventLog.create(directory: dir)
        try log.append { _ in payloads(1) }
        #expect(throws: LogError.alreadyExists(path: EventLog.logPath(in: dir))) {
            try EventLog.create(directory: dir)
        }
        #expect(try EventLog.open(directory: dir).records.count == 1)
    }

    @Test func missingDirectoryIsNamed() {
        #expect(throws: LogError.missing(directory: "/nonexistent/chengxin")) {
            try EventLog.open(directory: "/nonexistent/chengxin")
        }
    }

    @Test func newerFormatVersionIsRefusedUntouched() throws {
        let dir = temporaryDirectory()
        _ = try EventLog.create(directory: dir)
        let path = EventLog.logPath(in: dir)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[8] = 2
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: LogError.newerVersion(2)) { try EventLog.open(directory: dir) }
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
        #expect(LogError.newerVersion(2).zh.contains("更新版本"))
    }

    @Test func anotherProcessesAppendsAreSeenOnRefresh() throws {
        let dir = temporaryDirectory()
        let writer = try EventLog.create(directory: dir)
        let reader = try EventLog.open(directory: dir)
        try writer.append { _ in payloads(2) }
        let seen = try reader.refresh()
        #expect(seen.map(\.sequence) == [1, 2])
        // The reader, appending now, first catches up and then continues the chain.
        var caughtUp: [UInt64] = []
        try reader.append { new in caughtUp = new.map(\.sequence); return [Array("x".utf8)] }
        #expect(caughtUp.isEmpty)
        try writer.append { new in caughtUp = new.map(\.sequence); return [Array("y".utf8)] }
        #expect(caughtUp == [3])
        #expect(try LogVerifier.verify(directory: dir).recordCount == 4)
    }
}

@Suite("Damage: torn tails and corruption")
struct LogDamageTests {
    /// A small golden-shaped log: header and five records.
    func makeLog() throws -> (dir: String, bytes: [UInt8], ends: [Int]) {
        let dir = temporaryDirectory()
        let log = try EventLog.create(directory: dir, logID: Array(0..<16))
        try log.append { _ in payloads(5) }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: EventLog.logPath(in: dir))))
        return (dir, bytes, log.records.map { $0.offset + $0.size })
    }

    @Test func truncationAtEveryOffsetKeepsExactlyTheCompleteRecords() throws {
        let (_, bytes, ends) = try makeLog()
        for cut in 0..<LogFormat.headerSize {
            #expect(throws: LogScanner.HeaderProblem.damaged, "cut at \(cut)") { try LogScanner.scanFile(Array(bytes[0..<cut])).get() }
        }
        for cut in LogFormat.headerSize...bytes.count {
            guard case .success(let scan) = LogScanner.scanFile(Array(bytes[0..<cut])) else {
                Issue.record("header lost at cut \(cut)")
                continue
            }
            let complete = ends.filter { $0 <= cut }.count
            #expect(scan.records.count == complete, "cut at \(cut)")
            if ends.contains(cut) || cut == LogFormat.headerSize {
                #expect(scan.tail == .clean, "cut at \(cut)")
            } else {
                let start = ends.last(where: { $0 <= cut }) ?? LogFormat.headerSize
                #expect(scan.tail == .torn(offset: start, length: cut - start), "cut at \(cut)")
            }
        }
    }

    @Test func everyBitFlipIsDetectedAtItsRecord() throws {
        let (_, bytes, ends) = try makeLog()
        let starts = [LogFormat.headerSize] + ends.dropLast()
        for index in LogFormat.headerSize..<bytes.count {
            let record = starts.lastIndex(where: { $0 <= index }) ?? 0
            for bit in 0..<8 {
                var damaged = bytes
                damaged[index] ^= UInt8(1 << bit)
                guard case .success(let scan) = LogScanner.scanFile(damaged) else {
                    Issue.record("flip in a record misread as a header problem at \(index)")
                    continue
                }
                #expect(scan.records.count == record, "byte \(index) bit \(bit)")
                switch scan.tail {
                case .corrupt(let sequence, let offset, _):
                    #expect(sequence == UInt64(record + 1) && offset == starts[record], "byte \(index) bit \(bit)")
                case .torn(let offset, _):
                    // Only damage in the last record can look like an unfinished write.
                    #expect(record == starts.count - 1 && offset == starts[record], "byte \(index) bit \(bit)")
                case .clean:
                    Issue.record("undetected flip at byte \(index) bit \(bit)")
                }
            }
        }
    }

    @Test func garbageAndZerosAfterTheLastRecordAreATornTail() throws {
        for tail in [[UInt8](repeating: 0, count: 300), Array("garbage 垃圾 \u{1B}[2J".utf8)] {
            let (dir, bytes, ends) = try makeLog()
            let path = EventLog.logPath(in: dir)
            try Data(bytes + tail).write(to: URL(fileURLWithPath: path))
            let log = try EventLog.open(directory: dir)
            #expect(log.records.count == 5)
            #expect(log.damage == nil)
            #expect(log.warnings == [.tornTailIgnored(offset: ends[4], length: tail.count)])
            // A writer cuts the tail off before appending (keeping its bytes and recording the cut
            // as the first record it writes), and the chain continues.
            let written = try log.append { _ in [Array("next".utf8)] }
            guard case .tornTailCut(ends[4], tail.count, let kept) = log.warnings.last else {
                Issue.record("no warning of the cut: \(log.warnings)")
                continue
            }
            #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/" + kept))) == tail)
            #expect(written.count == 2)
            #expect(String(decoding: written[0].payload, as: UTF8.self).contains("\"type\":\"log.tail-cut\""))
            let after = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(Array(after[0..<ends[4]]) == bytes)
            #expect(try LogVerifier.verify(directory: dir).recordCount == 7)
        }
    }

    @Test func tamperingWithARecomputedChecksumBreaksTheChain() throws {
        let (dir, bytes, ends) = try makeLog()
        var tampered = bytes
        // Edit record 2's payload and fix its CRC: its own checksum passes, record 3's link fails.
        let start = ends[0]
        let length = Int(LogFormat.readLE32(bytes, start + 4))
        tampered[start + 48] = UInt8(ascii: "[")
        let crc = CRC32C.checksum(tampered[start..<start + 48 + length])
        tampered.replaceSubrange(start + 48 + length..<start + 52 + length, with: LogFormat.le32(crc))
        try Data(tampered).write(to: URL(fileURLWithPath: EventLog.logPath(in: dir)))
        let report = try LogVerifier.verify(directory: dir)
        #expect(!report.intact)
        #expect(report.tail == .corrupt(sequence: 3, offset: ends[1], damage: .chainBreak))
        let log = try EventLog.open(directory: dir)
        #expect(log.damage == .corrupt(sequence: 3, offset: ends[1], damage: .chainBreak))
        #expect(throws: LogError.self) { try log.append { _ in [Array("x".utf8)] } }
    }

    @Test func deletionReorderingAndDuplicationAreNamed() throws {
        let (dir, bytes, ends) = try makeLog()
        let starts = [LogFormat.headerSize] + ends.dropLast()
        func record(_ i: Int) -> [UInt8] { Array(bytes[starts[i]..<ends[i]]) }
        let header = Array(bytes[0..<LogFormat.headerSize])
        let cases: [([UInt8], LogTail)] = [
            (header + record(0) + record(2) + record(3), .corrupt(sequence: 2, offset: ends[0], damage: .sequenceGap(expected: 2, found: 3))),
            (header + record(1) + record(0), .corrupt(sequence: 1, offset: 32, damage: .sequenceGap(expected: 1, found: 2))),
            (header + record(0) + record(0) + record(1), .corrupt(sequence: 2, offset: ends[0], damage: .sequenceGap(expected: 2, found: 1))),
        ]
        for (bytes, expected) in cases {
            try Data(bytes).write(to: URL(fileURLWithPath: EventLog.logPath(in: dir)))
            #expect(try LogVerifier.verify(directory: dir).tail == expected)
        }
    }
}

/// Wraps the real file calls and fails the chosen ones, to prove nothing is acknowledged after a failure.
final class FaultyFileIO: FileIO, @unchecked Sendable {
    let real = SystemFileIO()
    var failSync = false
    var failWriteAfterBytes: Int?

    func open(_ path: String, flags: Int32, mode: UInt32) throws(FileIOError) -> Int32 { try real.open(path, flags: flags, mode: mode) }
    func close(_ fd: Int32) { real.close(fd) }
    func size(_ fd: Int32, path: String) throws(FileIOError) -> Int { try real.size(fd, path: path) }
    func read(_ fd: Int32, offset: Int, count: Int, path: String) throws(FileIOError) -> [UInt8] { try real.read(fd, offset: offset, count: count, path: path) }
    func write(_ fd: Int32, _ bytes: [UInt8], offset: Int, path: String) throws(FileIOError) {
        if let limit = failWriteAfterBytes {
            // A disk that fills up part-way: some bytes land, then ENOSPC.
            try real.write(fd, Array(bytes.prefix(limit)), offset: offset, path: path)
            throw FileIOError(call: "pwrite", path: path, code: ENOSPC)
        }
        try real.write(fd, bytes, offset: offset, path: path)
    }
    func sync(_ fd: Int32, path: String) throws(FileIOError) {
        if failSync { throw FileIOError(call: "fdatasync", path: path, code: EIO) }
        try real.sync(fd, path: path)
    }
    func truncate(_ fd: Int32, length: Int, path: String) throws(FileIOError) { try real.truncate(fd, length: length, path: path) }
    func lock(_ fd: Int32, exclusive: Bool, wait: Bool, path: String) throws(FileIOError) { try real.lock(fd, exclusive: exclusive, wait: wait, path: path) }
    func unlock(_ fd: Int32) { real.unlock(fd) }
    func makeDirectory(_ path: String, mode: UInt32) throws(FileIOError) { try real.makeDirectory(path, mode: mode) }
    func link(_ target: String, _ link: String) throws(FileIOError) { try real.link(target, link) }
    func remove(_ path: String) { real.remove(path) }
    func rename(_ from: String, _ to: String) throws(FileIOError) { try real.rename(from, to) }
    func syncDirectory(_ path: String) throws(FileIOError) { try real.syncDirectory(path) }
    func exists(_ path: String) -> Bool { real.exists(path) }
}

@Suite("Faults through the file-I/O seam")
struct LogFaultTests {
    @Test func failedSyncAcknowledgesNothingAndLeavesNoPartialRecord() throws {
        let dir = temporaryDirectory()
        let io = FaultyFileIO()
        let log = try EventLog.create(directory: dir, io: io)
        try log.append { _ in payloads(2) }
        let before = try Data(contentsOf: URL(fileURLWithPath: EventLog.logPath(in: dir)))
        io.failSync = true
        #expect(throws: LogError.io(FileIOError(call: "fdatasync", path: EventLog.logPath(in: dir), code: EIO))) {
            try log.append { _ in payloads(3) }
        }
        #expect(log.records.count == 2)
        #expect(try Data(contentsOf: URL(fileURLWithPath: EventLog.logPath(in: dir))) == before)
        io.failSync = false
        try log.append { _ in [Array("after".utf8)] }
        #expect(try LogVerifier.verify(directory: dir).recordCount == 3)
    }

    @Test func diskFullPartWayLeavesEarlierDataIntactWithAClearMessage() throws {
        let dir = temporaryDirectory()
        let io = FaultyFileIO()
        let log = try EventLog.create(directory: dir, io: io)
        try log.append { _ in payloads(1) }
        let before = try Data(contentsOf: URL(fileURLWithPath: EventLog.logPath(in: dir)))
        io.failWriteAfterBytes = 30
        do {
            try log.append { _ in payloads(2) }
            Issue.record("a full disk must fail the append")
        } catch let error as LogError {
            #expect(error.zh.contains("磁盘已满"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: EventLog.logPath(in: dir))) == before)
        #expect(try EventLog.open(directory: dir).records.count == 1)
    }
}
