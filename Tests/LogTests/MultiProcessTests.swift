import Foundation
import Testing
import TestSupport
@testable import Log

/// The acknowledgements a writer printed: (tag, i) -> sequence number.
func acknowledgements(_ output: String) -> [String: UInt64] {
    var acks: [String: UInt64] = [:]
    for line in output.split(separator: "\n") {
        let parts = line.split(separator: " ")
        // A line cut by SIGKILL mid-write is not a complete acknowledgement.
        guard parts.count == 4, parts[0] == "ack", let seq = UInt64(parts[3]) else { continue }
        acks["\(parts[1]) \(parts[2])"] = seq
    }
    return acks
}

/// (tag, i) of every record in the log, in order.
func recordedEvents(_ log: EventLog) throws -> [String] {
    try log.records.map { record in
        let object = try JSONSerialization.jsonObject(with: Data(record.payload)) as? [String: Any]
        return "\(object?["tag"] as? String ?? "?") \(object?["i"] as? Int ?? -1)"
    }
}

@Suite("Several processes on one log", .serialized)
struct MultiProcessTests {
    let stress: String?

    init() {
        stress = builtProduct("chengxin-log-stress")
    }

    @Test func concurrentAppendersCountExactly() throws {
        let stress = try #require(stress, "chengxin-log-stress is built beside the tests")
        let dir = temporaryPath("concurrent")
        _ = try EventLog.create(directory: dir)
        let writers = try (1...4).map { n in try ChildProcess([stress, "append", dir, "60", "w\(n)"]) }
        for writer in writers { #expect(writer.wait() == 0) }

        let log = try EventLog.open(directory: dir)
        #expect(log.damage == nil && log.warnings.isEmpty)
        #expect(log.records.map(\.sequence) == Array(1...240))
        let events = try recordedEvents(log)
        #expect(Set(events).count == 240, "no event twice")
        var acked: [String: UInt64] = [:]
        for writer in writers { acked.merge(acknowledgements(writer.output)) { a, _ in a } }
        #expect(acked.count == 240)
        // Each acknowledgement names the sequence number its event really has.
        for (event, seq) in acked {
            #expect(events[Int(seq) - 1] == event)
        }
        // Every writer's own events appear in its order: one order seen by everyone.
        for n in 1...4 {
            let mine = events.filter { $0.hasPrefix("w\(n) ") }
            #expect(mine == (1...60).map { "w\(n) \($0)" })
        }
        #expect(try LogVerifier.verify(directory: dir).intact)
    }

    @Test func killedWritersLoseNothingAcknowledged() throws {
        let stress = try #require(stress, "chengxin-log-stress is built beside the tests")
        var generator = SystemRandomNumberGenerator()
        for trial in 1...6 {
            let dir = temporaryPath("kill9-\(trial)")
            _ = try EventLog.create(directory: dir)
            let writers = try (1...3).map { n in try ChildProcess([stress, "append", dir, "100000", "t\(trial)w\(n)"]) }
            // Kill at a random moment: after a random number of acknowledgements.
            let target = Int.random(in: 5...120, using: &generator)
            #expect(waitUntil(timeout: 60) { writers.reduce(0) { $0 + acknowledgements($1.output).count } >= target })
            for writer in writers { writer.kill9() }
            for writer in writers { #expect(writer.wait() == 128 + SIGKILL) }
            var acked: [String: UInt64] = [:]
            for writer in writers { acked.merge(acknowledgements(writer.output)) { a, _ in a } }

            let log = try EventLog.open(directory: dir)
            #expect(log.damage == nil, "trial \(trial)")
            let events = try recordedEvents(log)
            #expect(Set(events).count == events.count, "trial \(trial): no event twice")
            for (event, seq) in acked {
                #expect(Int(seq) <= events.count && events[Int(seq) - 1] == event, "trial \(trial): acknowledged \(event) at \(seq)")
            }
            // A writer appending after the crash cuts any torn tail and continues the chain.
            try log.append { _ in [Array("{\"tag\":\"after\",\"i\":1}".utf8)] }
            let report = try LogVerifier.verify(directory: dir)
            #expect(report.intact && report.tail == .clean && report.recordCount == events.count + 1, "trial \(trial)")
        }
    }

    @Test func aLockHeldTooLongIsReportedAndNothingIsWritten() throws {
        let dir = temporaryPath("lock")
        let log = try EventLog.create(directory: dir)
        // Another open file description holding the exclusive lock stands for a stuck process.
        let holder = open(EventLog.logPath(in: dir), O_RDWR)
        defer { close(holder) }
        #expect(flock(holder, LOCK_EX) == 0)
        log.lockTimeout = 0.2
        #expect(throws: LogError.lockBusy(path: EventLog.logPath(in: dir))) {
            try log.append { _ in [Array("x".utf8)] }
        }
        #expect(LogError.lockBusy(path: "p").zh.contains("另一个进程长时间占用日志锁"))
        flock(holder, LOCK_UN)
        try log.append { _ in [Array("x".utf8)] }
        #expect(try LogVerifier.verify(directory: dir).recordCount == 1)
    }

    @Test func aReadOnlyLogOpensForReadingAndRefusesWrites() throws {
        // Root ignores permission bits, so the read-only case goes through the seam: opening for
        // writing fails as it would on a read-only file system.
        let dir = temporaryPath("readonly")
        let log = try EventLog.create(directory: dir)
        try log.append { _ in [Array("x".utf8)] }
        let io = ReadOnlyFileIO()
        let readOnly = try EventLog.open(directory: dir, io: io)
        #expect(readOnly.records.count == 1)
        let expected = LogError.readOnly(path: EventLog.logPath(in: dir))
        #expect(readOnly.damage == expected)
        #expect(throws: expected) { try readOnly.append { _ in [Array("y".utf8)] } }
        // Said as read-only, not as damage.
        #expect(expected.zh.contains("只读") && !expected.zh.contains("损坏"))
        #expect(expected.en.contains("read-only") && !expected.en.contains("damage"))
        #expect(throws: LogError.self) { try EventLog.create(directory: dir + "-new/sub", io: io) }
        #expect(!FileManager.default.fileExists(atPath: dir + "-new"))
    }
}

/// A file system mounted read-only: every write-mode open and mkdir fails with EROFS.
struct ReadOnlyFileIO: FileIO {
    let real = SystemFileIO()
    func open(_ path: String, flags: Int32, mode: UInt32) throws(FileIOError) -> Int32 {
        if flags & (O_RDWR | O_WRONLY | O_CREAT) != 0 { throw FileIOError(call: "open", path: path, code: EROFS) }
        return try real.open(path, flags: flags, mode: mode)
    }
    func close(_ fd: Int32) { real.close(fd) }
    func size(_ fd: Int32, path: String) throws(FileIOError) -> Int { try real.size(fd, path: path) }
    func read(_ fd: Int32, offset: Int, count: Int, path: String) throws(FileIOError) -> [UInt8] { try real.read(fd, offset: offset, count: count, path: path) }
    func write(_ fd: Int32, _ bytes: [UInt8], offset: Int, path: String) throws(FileIOError) { throw FileIOError(call: "pwrite", path: path, code: EROFS) }
    func sync(_ fd: Int32, path: String) throws(FileIOError) { try real.sync(fd, path: path) }
    func truncate(_ fd: Int32, length: Int, path: String) throws(FileIOError) { throw FileIOError(call: "ftruncate", path: path, code: EROFS) }
    func lock(_ fd: Int32, exclusive: Bool, wait: Bool, path: String) throws(FileIOError) { try real.lock(fd, exclusive: exclusive, wait: wait, path: path) }
    func unlock(_ fd: Int32) { real.unlock(fd) }
    func makeDirectory(_ path: String, mode: UInt32) throws(FileIOError) { throw FileIOError(call: "mkdir", path: path, code: EROFS) }
    func link(_ target: String, _ link: String) throws(FileIOError) { throw FileIOError(call: "link", path: link, code: EROFS) }
    func remove(_ path: String) {}
    func rename(_ from: String, _ to: String) throws(FileIOError) { throw FileIOError(call: "rename", path: to, code: EROFS) }
    func syncDirectory(_ path: String) throws(FileIOError) { try real.syncDirectory(path) }
    func exists(_ path: String) -> Bool { real.exists(path) }
}

@Suite("Noticing other processes' appends")
struct WatcherTests {
    @Test func inotifyWakesAReaderWhenAnotherProcessAppends() throws {
        let stress = try #require(builtProduct("chengxin-log-stress"))
        let dir = temporaryPath("watch")
        let reader = try EventLog.create(directory: dir)
        let watcher = LogWatcher(directory: dir)
        #expect(watcher.descriptor != nil, "inotify is available on Linux")
        watcher.drain()
        #expect(!watcher.wait(milliseconds: 0), "nothing pending before the append")
        let writer = try ChildProcess([stress, "append", dir, "1", "other"])
        #expect(writer.wait() == 0)
        #expect(watcher.wait(milliseconds: 10_000))
        #expect(watcher.drain())
        #expect(try reader.refresh().count == 1)
    }
}
