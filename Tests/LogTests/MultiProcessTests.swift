import Foundation
import Testing
import TestSupport
@testable import Log

/// A lock another process holds too long, and a log that cannot be written. The contract of
/// several processes on one log (concurrent appenders, kill -9, a follower) runs against both
/// stores: `"The log's contract: …"`, Tests/StorageTests/LogContractTests.swift.
@Suite("Several processes on one log", .serialized)
struct MultiProcessTests {
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
