import Crypto
import Foundation
import Testing
import TestSupport
@testable import Log

// Power loss, not only kill -9 (SQLite's crash tests are the model): each operation that writes —
// an append, a snapshot, a checkpoint, a new log — is run once through `CrashSimulatingFileIO` to
// count its crash points (every write, sync, truncate, rename, link and folder sync), then again
// from the same starting state for every point k, with the power cut at k, and once more with the
// power cut just after the operation returned. Each crash is tried in the three modes of
// `CrashSimulatingFileIO.Mode` (unsynced writes lost; lost but the crashing write half landed;
// everything issued kept, as after kill -9). After each, the files are opened again with the real
// `SystemFileIO` and must hold every acknowledged record with the same bytes, verify intact (a torn
// tail is fine), hold the old or the new snapshot and never half of one, hold checkpoint files that
// parse (only an unfinished last line may be partial), and take a further append.

/// The payloads of a scenario, told apart from those of other scenarios.
private func numbered(_ range: ClosedRange<Int>, _ label: String) -> [[UInt8]] {
    range.map { Array("{\"n\":\($0),\"text\":\"\(label)第\($0)条，断电测试\"}".utf8) }
}

/// A fresh folder for one crash run; removed by `everyCrash` when the run has been checked.
private func makeRoot(_ name: String) throws -> String {
    let root = temporaryPath("powerloss-" + name)
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    return root
}

/// Whether a run ended as it should: with the power cut (an error), or, when no crash point was
/// chosen, with success.
private struct Outcome {
    let crashAt: Int?
    let error: (any Error)?
    let label: String
    var completed: Bool { error == nil }
}

/// Runs `operation` once to count its crash points, then from a fresh `setup` for every point k in
/// 1...n and for "after it returned", cutting the power there, and calls `check` on the result.
/// Returns n.
@discardableResult
private func everyCrash<S>(_ name: String, mode: CrashSimulatingFileIO.Mode,
                           setup: (String) throws -> S,
                           operation: (S, CrashSimulatingFileIO) throws -> Void,
                           check: (S, Outcome) throws -> Void) throws -> Int {
    let countingRoot = try makeRoot(name)
    defer { try? FileManager.default.removeItem(atPath: countingRoot) }
    let counting = CrashSimulatingFileIO(root: countingRoot, crashAt: nil, mode: mode)
    try operation(try setup(countingRoot), counting)
    let n = counting.crashPoints
    if ProcessInfo.processInfo.environment["CHENGXIN_SHOW_CRASH_POINTS"] != nil {
        print("\(name) [\(mode)]: \(n) crash points\n  " + counting.log.joined(separator: "\n  "))
    }
    #expect(n > 0, "\(name): no crash point was passed")
    for k in Array(1...n) + [n + 1] {
        let root = try makeRoot(name)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let state = try setup(root)
        let io = CrashSimulatingFileIO(root: root, crashAt: k <= n ? k : nil, mode: mode)
        var failure: (any Error)?
        do {
            try operation(state, io)
        } catch {
            failure = error
        }
        let label: String
        if k <= n {
            label = "\(name) [\(mode)] crash at \(k) of \(n): \(io.crashDescription ?? "?")"
            #expect(io.crashed, "\(label): the chosen point was not reached")
            // The witness is written after the records are durable, and a failure to write it is
            // not the append's (docs/log-format.md): a cut there leaves an acknowledged append.
            let atWitness = (io.crashDescription ?? "").contains(Witness.fileName)
            #expect(failure != nil || atWitness, "\(label): the operation reported success after the power was cut")
            if case LogError.io(let e)? = failure as? LogError {
                #expect(e.call == CrashSimulatingFileIO.crashCall, "\(label): \(e)")
            }
        } else {
            label = "\(name) [\(mode)] power cut after it returned (\(n) points)"
            #expect(failure == nil, "\(label): \(String(describing: failure))")
            io.powerLoss()
        }
        try check(state, Outcome(crashAt: k <= n ? k : nil, error: failure, label: label))
    }
    return n
}

/// Reopens the log with the real file calls and checks it against what was acknowledged: every
/// acknowledged record there with the same bytes, nothing but attempted payloads, verify intact,
/// and a further append taken and intact. Returns the records found on reopening.
@discardableResult
private func checkLog(_ data: String, acknowledged: [LogRecord], attempted: [[UInt8]], _ label: String) throws -> [LogRecord] {
    let reopened = try EventLog.open(directory: data)
    #expect(reopened.damage == nil, "\(label): \(String(describing: reopened.damage))")
    let found = reopened.records
    #expect(found.count >= acknowledged.count, "\(label): \(found.count) records, \(acknowledged.count) acknowledged")
    for record in acknowledged {
        let index = Int(record.sequence) - 1
        guard index < found.count else {
            Issue.record("\(label): acknowledged record \(record.sequence) is gone")
            continue
        }
        #expect(found[index].payload == record.payload && found[index].hash == record.hash && found[index].offset == record.offset,
                "\(label): acknowledged record \(record.sequence) differs")
    }
    // Nothing but what was written, in order (records the log adds itself aside).
    let known = found.map(\.payload).filter { attempted.contains($0) }
    #expect(attempted.starts(with: known), "\(label): records out of order or unknown")
    let report = try LogVerifier.verify(directory: data)
    #expect(report.intact, "\(label): \(report.tail)")
    #expect(report.recordCount == found.count && report.headHash == reopened.headHash, "\(label)")

    let last = Array("电又来了之后的一条".utf8)
    let more = try reopened.append { _ in [last] }
    #expect(more.last?.payload == last, "\(label)")
    let after = try LogVerifier.verify(directory: data)
    #expect(after.intact && after.tail == .clean, "\(label): after a further append: \(after.tail)")
    #expect(after.recordCount == Int(reopened.lastSequence) && after.headHash == reopened.headHash, "\(label)")
    return found
}

// MARK: Appends

private final class AppendScenario {
    let data: String
    var acknowledged: [LogRecord] = []
    let attempted: [[UInt8]]
    let batches: [[[UInt8]]]

    init(root: String, tornTail: Bool) throws {
        data = root + "/data"
        let log = try EventLog.create(directory: data)
        acknowledged = try log.append { _ in numbered(1...3, "已确认") }
        if tornTail {
            // A record cut short by an earlier crash: the append must cut it off first.
            let record = LogFormat.record(sequence: 4, previousHash: log.headHash, payload: Array("没写完的一条".utf8))
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: EventLog.logPath(in: data)))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(record.bytes.prefix(record.bytes.count - 5)))
            try handle.close()
        }
        batches = [numbered(4...5, "新"), numbered(6...6, "新"), numbered(7...9, "新")]
        attempted = acknowledged.map(\.payload) + batches.flatMap { $0 }
    }

    func run(_ io: CrashSimulatingFileIO) throws {
        let log = try EventLog.open(directory: data, io: io)
        for batch in batches {
            acknowledged += try log.append { _ in batch }
        }
    }
}

// MARK: Snapshots

private final class SnapshotScenario {
    let data: String
    let old: (point: ResumePoint, payload: [UInt8])?
    let new: (point: ResumePoint, payload: [UInt8])
    let records: [LogRecord]

    init(root: String, withOld: Bool) throws {
        data = root + "/data"
        let log = try EventLog.create(directory: data)
        try log.append { _ in numbered(1...3, "快照前") }
        if withOld {
            let payload = Array(String(repeating: "旧状态", count: 200).utf8)
            try SnapshotFile.write(directory: data, point: log.resumePoint, payload: payload, key: testSnapshotKey)
            old = (log.resumePoint, payload)
        } else {
            old = nil
        }
        try log.append { _ in numbered(4...6, "快照后") }
        new = (log.resumePoint, Array(String(repeating: "新状态", count: 300).utf8))
        records = log.records
    }

    func run(_ io: CrashSimulatingFileIO) throws {
        try SnapshotFile.write(directory: data, point: new.point, payload: new.payload, key: testSnapshotKey, io: io)
    }
}

// MARK: Checkpoints

private final class CheckpointScenario {
    let data: String
    let keyPath: String
    let key: Curve25519.Signing.PrivateKey
    let log: EventLog
    let old: Checkpoint?
    let records: [LogRecord]
    static let newAt = "2026-11-28T00:00:00Z"

    init(root: String, withOld: Bool) throws {
        data = root + "/data"
        keyPath = root + "/key/checkpoint.key"
        log = try EventLog.create(directory: data)
        try log.append { _ in numbered(1...3, "检查点前") }
        let files = CheckpointFiles(keyPath: keyPath)
        key = try files.loadOrCreateKey().key
        old = withOld ? try log.writeCheckpoint(files: files, key: key, at: "2026-11-27T00:00:00Z") : nil
        try log.append { _ in numbered(4...5, "检查点后") }
        records = log.records
    }

    var files: CheckpointFiles { CheckpointFiles(keyPath: keyPath) }
    var paths: [String] { [CheckpointFiles.dataCopyPath(data), files.anchorPath(logID: log.logID)] }

    /// The part of the new checkpoint's line that does not depend on the signature.
    var newSignedText: String {
        "chengxin-checkpoint v1 log=\(hexString(log.logID)) seq=5 head=\(hexString(log.headHash)) at=\(CheckpointScenario.newAt) key=\(hexString(Array(key.publicKey.rawRepresentation)))"
    }

    func run(_ io: CrashSimulatingFileIO) throws {
        try log.writeCheckpoint(files: CheckpointFiles(keyPath: keyPath, io: io), key: key, at: CheckpointScenario.newAt)
    }

    /// Whether `fragment` could be the start of the new checkpoint's line.
    func isStartOfNewLine(_ fragment: String) -> Bool {
        let head = newSignedText + " sig="
        if head.hasPrefix(fragment) { return true }
        guard fragment.hasPrefix(head) else { return false }
        let signature = fragment.dropFirst(head.count)
        return signature.count < 128 && signature.allSatisfy(\.isHexDigit)
    }

    /// Checks one checkpoint file: complete lines all checkpoints (or comments), an unfinished
    /// last line only the start of the new one. Returns the checkpoints, nil when there is no file.
    func parse(_ path: String, _ label: String) throws -> [Checkpoint]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let unfinished = lines.removeLast()
        #expect(unfinished.isEmpty || isStartOfNewLine(unfinished), "\(label): \(path) ends with \(unfinished.debugDescription)")
        var found: [Checkpoint] = []
        for (i, line) in lines.enumerated() where !line.isEmpty && !line.hasPrefix("#") {
            if let checkpoint = Checkpoint.parse(line) {
                found.append(checkpoint)
            } else {
                Issue.record("\(label): \(path) line \(i + 1) is not a checkpoint: \(line.debugDescription)")
            }
        }
        return found
    }
}

// MARK: New logs

private final class CreateScenario {
    let data: String

    init(root: String, folderExists: Bool) throws {
        data = root + "/data"
        if folderExists {
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        }
    }

    func run(_ io: CrashSimulatingFileIO) throws {
        _ = try EventLog.create(directory: data, io: io)
    }
}

@Suite("Power loss at every write and sync point")
struct PowerLossTests {
    typealias Mode = CrashSimulatingFileIO.Mode

    // MARK: The model itself

    @Test func theModelKeepsOnlyWhatWasSynced() throws {
        let root = try makeRoot("model")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Data("old".utf8).write(to: URL(fileURLWithPath: root + "/kept"))
        let io = CrashSimulatingFileIO(root: root, crashAt: 7)
        // 1: synced in place; 2, 3: a new file synced but its name never made durable.
        let kept = try io.open(root + "/kept", flags: O_RDWR, mode: 0)
        try io.write(kept, Array("synced".utf8), offset: 0, path: "kept")        // 1
        try io.sync(kept, path: "kept")                                          // 2
        try io.write(kept, Array("+lost".utf8), offset: 6, path: "kept")         // 3
        let fresh = try io.open(root + "/fresh", flags: O_RDWR | O_CREAT, mode: 0o600)
        try io.write(fresh, Array("fresh".utf8), offset: 0, path: "fresh")      // 4
        try io.sync(fresh, path: "fresh")                                        // 5
        let named = try io.open(root + "/named", flags: O_RDWR | O_CREAT, mode: 0o600)
        try io.syncDirectory(root)                                               // 6: "fresh" and "named" durable
        #expect(throws: CrashSimulatingFileIO.crashError("named")) {
            try io.write(named, Array("never synced".utf8), offset: 0, path: "named") // 7: the power goes
        }
        #expect(throws: CrashSimulatingFileIO.crashError("kept")) { try io.sync(kept, path: "kept") }
        io.close(kept); io.close(fresh); io.close(named)
        #expect(io.crashed && io.crashPoints == 7)
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: root + "/kept")), as: UTF8.self) == "synced")
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: root + "/fresh")), as: UTF8.self) == "fresh")
        #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/named")).isEmpty, "created, named durably, never synced: empty")
    }

    @Test func aRenameWithoutAFolderSyncIsUndoneAndATornWriteLandsInHalf() throws {
        let root = try makeRoot("model-rename")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Data("old".utf8).write(to: URL(fileURLWithPath: root + "/target"))
        let io = CrashSimulatingFileIO(root: root, crashAt: 4, mode: .tornWrite)
        let temp = try io.open(root + "/temp", flags: O_RDWR | O_CREAT, mode: 0o600)
        try io.write(temp, Array("new".utf8), offset: 0, path: "temp")          // 1
        try io.sync(temp, path: "temp")                                        // 2
        try io.rename(root + "/temp", root + "/target")                        // 3
        #expect(throws: CrashSimulatingFileIO.crashError("target")) {
            try io.write(temp, Array("abcdef".utf8), offset: 3, path: "target")   // 4: half lands
        }
        io.close(temp)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root) == ["target"])
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: root + "/target")), as: UTF8.self) == "old",
                "the rename was never made durable: the old file is back")
    }

    // MARK: Appends

    /// Three appends, over a clean end or over a torn tail they cut first (keeping its bytes and
    /// recording the cut as an event).
    @Test(arguments: Mode.allCases, [false, true])
    func anAppendLosesNoAcknowledgedRecord(mode: Mode, overATornTail: Bool) throws {
        let n = try everyCrash(overATornTail ? "append-torn-tail" : "append", mode: mode,
                               setup: { try AppendScenario(root: $0, tornTail: overATornTail) },
                               operation: { try $0.run($1) },
                               check: { scenario, outcome in
            let found = try checkLog(scenario.data, acknowledged: scenario.acknowledged, attempted: scenario.attempted, outcome.label)
            if outcome.completed && !overATornTail { #expect(found.count == 9, "\(outcome.label)") }
        })
        #expect(n >= (overATornTail ? 8 : 6), "three appends, a write and a sync each (and the cut: truncate, sync)")
    }

    // MARK: Snapshots

    @Test(arguments: Mode.allCases, [true, false])
    func aSnapshotIsTheOldOneOrTheNewOneNeverHalf(mode: Mode, withOld: Bool) throws {
        let n = try everyCrash("snapshot", mode: mode,
                               setup: { try SnapshotScenario(root: $0, withOld: withOld) },
                               operation: { try $0.run($1) },
                               check: { scenario, outcome in
            let label = outcome.label + (withOld ? " (over an old snapshot)" : " (the first snapshot)")
            let read = SnapshotFile.read(directory: scenario.data, key: testSnapshotKey)
            if let read {
                let isOld = scenario.old.map { read.point == $0.point && Array(read.payload) == $0.payload } ?? false
                let isNew = read.point == scenario.new.point && Array(read.payload) == scenario.new.payload
                #expect(isOld || isNew, "\(label): a snapshot that is neither the old nor the new one")
                if outcome.completed { #expect(isNew, "\(label): the new snapshot was acknowledged, then lost") }
            } else {
                let present = FileManager.default.fileExists(atPath: SnapshotFile.path(in: scenario.data))
                #expect(!present, "\(label): snapshot.bin is there but does not read")
                #expect(scenario.old == nil, "\(label): the old snapshot is gone")
                #expect(!outcome.completed, "\(label): the new snapshot was acknowledged, then lost")
            }
            try checkLog(scenario.data, acknowledged: scenario.records, attempted: scenario.records.map(\.payload), label)
            // The next writer succeeds and leaves no temporary file behind.
            let next = Array("下一份快照".utf8)
            let log = try EventLog.open(directory: scenario.data)
            try SnapshotFile.write(directory: scenario.data, point: log.resumePoint, payload: next, key: testSnapshotKey)
            #expect(SnapshotFile.read(directory: scenario.data, key: testSnapshotKey).map { Array($0.payload) } == next, "\(label)")
            let names = try FileManager.default.contentsOfDirectory(atPath: scenario.data)
            #expect(!names.contains { $0.hasPrefix(SnapshotFile.fileName + ".new-") }, "\(label): \(names)")
        })
        #expect(n >= 4, "write, write, sync, rename, folder sync")
    }

    // MARK: Checkpoints

    @Test(arguments: Mode.allCases)
    func aCheckpointFileAlwaysParsesAndKeepsWhatWasSigned(mode: Mode) throws {
        let n = try everyCrash("checkpoint", mode: mode,
                               setup: { try CheckpointScenario(root: $0, withOld: true) },
                               operation: { try $0.run($1) },
                               check: { scenario, outcome in
            let label = outcome.label
            let report = try LogVerifier.verify(directory: scenario.data)
            #expect(report.intact && report.recordCount == 5, "\(label)")
            for path in scenario.paths {
                guard let found = try scenario.parse(path, label) else {
                    Issue.record("\(label): \(path) is gone")
                    continue
                }
                if let old = scenario.old { #expect(found.contains(old), "\(label): the earlier checkpoint is gone from \(path)") }
                #expect(found.allSatisfy { $0 == scenario.old || $0.signedText == scenario.newSignedText }, "\(label): \(path)")
                if outcome.completed {
                    #expect(found.contains { $0.signedText == scenario.newSignedText }, "\(label): the new checkpoint was acknowledged, then lost from \(path)")
                }
                let trusted = Array(scenario.key.publicKey.rawRepresentation)
                #expect(CheckpointCheck.problems(found, logID: report.logID, records: report.records, trustedKey: trusted).isEmpty, "\(label)")
            }
            try checkLog(scenario.data, acknowledged: scenario.records, attempted: scenario.records.map(\.payload), label)
        })
        #expect(n >= 4, "a write and a sync in each of the two files")
    }

    /// After a crash in a checkpoint's write — one that left only whole lines, or the start of a
    /// line (the crashing write landed in part) — the next checkpoint is appended cleanly.
    @Test(arguments: Mode.allCases)
    func theNextCheckpointAfterACrashParses(mode: Mode) throws {
        try everyCrash("checkpoint-next", mode: mode,
                       setup: { try CheckpointScenario(root: $0, withOld: true) },
                       operation: { try $0.run($1) },
                       check: { scenario, outcome in
            let log = try EventLog.open(directory: scenario.data)
            try log.writeCheckpoint(files: scenario.files, key: scenario.key, at: "2026-11-29T00:00:00Z")
            for path in scenario.paths {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                let findings = CheckpointCheck.parseFile(text, name: path, logID: log.logID)
                #expect(findings.problems.isEmpty && findings.checkpoints.last?.at == "2026-11-29T00:00:00Z", "\(outcome.label): \(path): \(findings.problems)")
            }
        })
    }

    // MARK: New logs

    @Test(arguments: Mode.allCases)
    func aNewLogIsWholeOrAbsent(mode: Mode) throws {
        try everyCrash("create", mode: mode,
                       setup: { try CreateScenario(root: $0, folderExists: true) },
                       operation: { try $0.run($1) },
                       check: { scenario, outcome in
            let path = EventLog.logPath(in: scenario.data)
            if FileManager.default.fileExists(atPath: path) {
                let log = try EventLog.open(directory: scenario.data)
                #expect(log.records.isEmpty && log.damage == nil, "\(outcome.label)")
                try checkLog(scenario.data, acknowledged: [], attempted: [], outcome.label)
            } else {
                #expect(!outcome.completed, "\(outcome.label): the new log was acknowledged, then lost")
                // Nothing half-made stops a new attempt.
                _ = try EventLog.create(directory: scenario.data)
                try checkLog(scenario.data, acknowledged: [], attempted: [], outcome.label)
            }
        })
    }

    // MARK: Gaps these tests found, fixed since (checkpoint folders synced, a new folder's parent synced, temporaries removed, half lines taken back)

    /// The first checkpoint of a data directory creates checkpoints.txt (and anchors/ and its mirror
    /// file beside the key) but never syncs the folders that hold the new names.
    @Test(arguments: Mode.allCases)
    func theFirstCheckpointSurvivesAPowerCut(mode: Mode) throws {
        try everyCrash("first-checkpoint", mode: mode,
                       setup: { try CheckpointScenario(root: $0, withOld: false) },
                       operation: { try $0.run($1) },
                       check: { scenario, outcome in
            for path in scenario.paths {
                let found = try scenario.parse(path, outcome.label)
                if outcome.completed {
                    #expect(found?.contains { $0.signedText == scenario.newSignedText } == true,
                            "\(outcome.label): the checkpoint was acknowledged, then lost with \(path)")
                }
            }
            try checkLog(scenario.data, acknowledged: scenario.records, attempted: scenario.records.map(\.payload), outcome.label)
        })
    }

    /// A new log in a data folder that `create` makes itself: the folder's name in its parent is
    /// never synced.
    @Test(arguments: Mode.allCases)
    func aNewLogInANewFolderSurvivesAPowerCut(mode: Mode) throws {
        try everyCrash("create-folder", mode: mode,
                       setup: { try CreateScenario(root: $0, folderExists: false) },
                       operation: { try $0.run($1) },
                       check: { scenario, outcome in
            if FileManager.default.fileExists(atPath: EventLog.logPath(in: scenario.data)) {
                try checkLog(scenario.data, acknowledged: [], attempted: [], outcome.label)
            } else {
                #expect(!outcome.completed, "\(outcome.label): the new log was acknowledged, then lost")
            }
        })
    }

    /// A crash while a new log is created leaves no temporary file in the data folder.
    @Test(arguments: Mode.allCases)
    func aCrashDuringCreateLeavesNoTemporaryFile(mode: Mode) throws {
        try everyCrash("create-temporary", mode: mode,
                       setup: { try CreateScenario(root: $0, folderExists: true) },
                       operation: { try $0.run($1) },
                       check: { scenario, outcome in
            // The next writer (here: creating the log if it is missing, then appending) tidies up.
            if !FileManager.default.fileExists(atPath: EventLog.logPath(in: scenario.data)) {
                _ = try EventLog.create(directory: scenario.data)
            }
            try EventLog.open(directory: scenario.data).append { _ in numbered(1...1, "整理") }
            let names = try FileManager.default.contentsOfDirectory(atPath: scenario.data)
            #expect(!names.contains { $0.hasPrefix(EventLog.fileName + ".new-") }, "\(outcome.label): \(names)")
        })
    }

}

// MARK: A full disk, a file-size limit, read-only media

/// Forwards to the real calls until `failure` is set; then every write fails with that errno after
/// letting its first `landing` bytes through (a disk that fills up part-way, a file reaching its
/// size limit), and, for `EROFS` (a file system remounted read-only), so does everything else that
/// would change the disk: opening for writing, truncating, renaming, linking, making folders.
final class FailingMediaFileIO: FileIO, @unchecked Sendable {
    let real = SystemFileIO()
    private let lock = NSLock()
    private var _failure: Int32?
    var landing = 0
    var failure: Int32? {
        get { lock.withLock { _failure } }
        set { lock.withLock { _failure = newValue } }
    }
    private var readOnly: Bool { failure == EROFS }

    func open(_ path: String, flags: Int32, mode: UInt32) throws(FileIOError) -> Int32 {
        if readOnly && flags & (O_RDWR | O_WRONLY | O_CREAT | O_TRUNC) != 0 { throw FileIOError(call: "open", path: path, code: EROFS) }
        return try real.open(path, flags: flags, mode: mode)
    }
    func close(_ fd: Int32) { real.close(fd) }
    func size(_ fd: Int32, path: String) throws(FileIOError) -> Int { try real.size(fd, path: path) }
    func read(_ fd: Int32, offset: Int, count: Int, path: String) throws(FileIOError) -> [UInt8] { try real.read(fd, offset: offset, count: count, path: path) }
    func write(_ fd: Int32, _ bytes: [UInt8], offset: Int, path: String) throws(FileIOError) {
        guard let failure else { return try real.write(fd, bytes, offset: offset, path: path) }
        if !readOnly { try real.write(fd, Array(bytes.prefix(landing)), offset: offset, path: path) }
        throw FileIOError(call: "pwrite", path: path, code: failure)
    }
    func sync(_ fd: Int32, path: String) throws(FileIOError) { try real.sync(fd, path: path) }
    func truncate(_ fd: Int32, length: Int, path: String) throws(FileIOError) {
        if readOnly { throw FileIOError(call: "ftruncate", path: path, code: EROFS) }
        try real.truncate(fd, length: length, path: path)
    }
    func lock(_ fd: Int32, exclusive: Bool, wait: Bool, path: String) throws(FileIOError) { try real.lock(fd, exclusive: exclusive, wait: wait, path: path) }
    func unlock(_ fd: Int32) { real.unlock(fd) }
    func makeDirectory(_ path: String, mode: UInt32) throws(FileIOError) {
        if readOnly { throw FileIOError(call: "mkdir", path: path, code: EROFS) }
        try real.makeDirectory(path, mode: mode)
    }
    func link(_ target: String, _ link: String) throws(FileIOError) {
        if readOnly { throw FileIOError(call: "link", path: link, code: EROFS) }
        try real.link(target, link)
    }
    func remove(_ path: String) { if !readOnly { real.remove(path) } }
    func rename(_ from: String, _ to: String) throws(FileIOError) {
        if readOnly { throw FileIOError(call: "rename", path: to, code: EROFS) }
        try real.rename(from, to)
    }
    func syncDirectory(_ path: String) throws(FileIOError) { try real.syncDirectory(path) }
    func exists(_ path: String) -> Bool { real.exists(path) }
}

/// Every file under `folder`, with its bytes.
private func filesUnder(_ folder: String) throws -> [String: Data] {
    var found: [String: Data] = [:]
    guard let walker = FileManager.default.enumerator(atPath: folder) else { return found }
    for case let name as String in walker {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isFolder), !isFolder.boolValue {
            found[name] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
        }
    }
    return found
}

@Suite("A full disk, a file-size limit and read-only media (PowerLoss)")
struct FailingMediaPowerLossTests {
    /// A log with records, a snapshot and a checkpoint, and a `FailingMediaFileIO` for it.
    private func market(_ name: String) throws -> (root: String, data: String, keyPath: String, io: FailingMediaFileIO, log: EventLog) {
        let root = try makeRoot(name)
        let data = root + "/data", keyPath = root + "/key/checkpoint.key"
        let io = FailingMediaFileIO()
        let log = try EventLog.create(directory: data, io: io)
        try log.append { _ in numbered(1...3, "介质") }
        try SnapshotFile.write(directory: data, point: log.resumePoint, payload: Array("旧快照".utf8), key: testSnapshotKey, io: io)
        let files = CheckpointFiles(keyPath: keyPath, io: io)
        try log.writeCheckpoint(files: files, key: try files.loadOrCreateKey().key, at: "2026-11-27T00:00:00Z")
        return (root, data, keyPath, io, log)
    }

    /// The append, the snapshot and the checkpoint each fail with `errno`, say `zh`/`en` (and not
    /// "damaged"), and leave every file as it was; the log then reopens intact.
    private func everyWriteFails(_ name: String, errno code: Int32, landing: Int, zh: String, en: String,
                                 files check: (_ root: String, _ before: [String: Data]) throws -> Void) throws {
        let (root, data, keyPath, io, log) = try market(name)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let before = try filesUnder(root)
        io.landing = landing
        io.failure = code
        func expectClear(_ what: String, _ body: () throws -> Void) {
            do {
                try body()
                Issue.record("\(name): \(what) succeeded")
            } catch let error as LogError {
                guard case .io(let e) = error, e.code == code else {
                    Issue.record("\(name): \(what): \(error)")
                    return
                }
                #expect(error.zh.contains(zh) && error.en.contains(en), "\(name): \(what): \(error.zh) / \(error.en)")
                #expect(!error.zh.contains("损坏") && !error.en.contains("damage"), "\(name): \(what): \(error.en)")
            } catch {
                Issue.record("\(name): \(what): \(error)")
            }
        }
        expectClear("append") { try log.append { _ in numbered(4...5, "写不进") } }
        #expect(log.records.count == 3 && log.lastSequence == 3, "\(name): nothing acknowledged")
        expectClear("snapshot") { try SnapshotFile.write(directory: data, point: log.resumePoint, payload: Array("新快照".utf8), key: testSnapshotKey, io: io) }
        let files = CheckpointFiles(keyPath: keyPath, io: io)
        expectClear("checkpoint") { try log.writeCheckpoint(files: files, key: try #require(try files.loadKey()), at: "2026-11-28T00:00:00Z") }
        io.failure = nil
        try check(root, before)
        let reopened = try EventLog.open(directory: data)
        #expect(reopened.records.map(\.payload) == numbered(1...3, "介质") && reopened.damage == nil && reopened.warnings.isEmpty, "\(name)")
        #expect(try LogVerifier.verify(directory: data).tail == .clean, "\(name)")
        #expect(SnapshotFile.read(directory: data, key: testSnapshotKey).map { Array($0.payload) } == Array("旧快照".utf8), "\(name)")
        try reopened.append { _ in numbered(4...4, "恢复后") }
        #expect(try LogVerifier.verify(directory: data).recordCount == 4, "\(name)")
    }

    /// The log and the snapshot are as they were, nothing half-written anywhere.
    private func logAndSnapshotUnchanged(_ root: String, _ before: [String: Data]) throws {
        let after = try filesUnder(root)
        #expect(after.keys.sorted() == before.keys.sorted(), "no file added: \(after.keys.sorted())")
        for name in ["data/events.log", "data/snapshot.bin"] {
            #expect(after[name] == before[name], "\(name) changed")
        }
    }

    @Test func aFileSizeLimitIsNamedAndLeavesNothingPartial() throws {
        try everyWriteFails("efbig", errno: EFBIG, landing: 40, zh: "大小上限", en: "size limit", files: logAndSnapshotUnchanged)
        #expect(LogError.io(FileIOError(call: "pwrite", path: "p", code: EFBIG)).zh.contains("这次操作没有记录"))
    }

    @Test func aFullDiskIsNamedAndLeavesNothingPartial() throws {
        try everyWriteFails("enospc", errno: ENOSPC, landing: 40, zh: "磁盘已满", en: "disk is full", files: logAndSnapshotUnchanged)
    }

    @Test func readOnlyMediaAreNamedAsSuchAndNothingChanges() throws {
        try everyWriteFails("erofs", errno: EROFS, landing: 0, zh: "只读", en: "read-only") { root, before in
            let after = try filesUnder(root)
            #expect(after == before, "every file as it was")
        }
        // Permission is another matter, and says so.
        let denied = LogError.io(FileIOError(call: "open", path: "p", code: EACCES))
        #expect(denied.zh.contains("没有写入权限") && !denied.zh.contains("只读"))
    }

    @Test func aLogOnReadOnlyMediaOpensForReadingAndRefusesWrites() throws {
        let (root, data, _, io, _) = try market("erofs-open")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let before = try filesUnder(root)
        io.failure = EROFS
        let log = try EventLog.open(directory: data, io: io)
        #expect(log.records.map(\.payload) == numbered(1...3, "介质"))
        #expect(throws: LogError.readOnly(path: EventLog.logPath(in: data))) { try log.append { _ in numbered(4...4, "写不进") } }
        let after = try filesUnder(root)
        #expect(after == before)
    }

    @Test func aLogOnReadOnlyMediaIsNotCalledDamaged() throws {
        let (root, data, _, io, _) = try market("erofs-wording")
        defer { try? FileManager.default.removeItem(atPath: root) }
        io.failure = EROFS
        let log = try EventLog.open(directory: data, io: io)
        do {
            try log.append { _ in numbered(4...4, "写不进") }
            Issue.record("an append on read-only media succeeded")
        } catch let error as LogError {
            #expect(error.zh.contains("只读") && !error.zh.contains("损坏"), "\(error.zh)")
            #expect(error.en.contains("read-only") && !error.en.contains("damage"), "\(error.en)")
        }
    }

    @Test func aCheckpointLineThatDidNotFitIsTakenBack() throws {
        for code in [ENOSPC, EFBIG] {
            let (root, data, keyPath, io, log) = try market("checkpoint-partial")
            defer { try? FileManager.default.removeItem(atPath: root) }
            let before = try filesUnder(root)
            io.landing = 40
            io.failure = code
            let files = CheckpointFiles(keyPath: keyPath, io: io)
            #expect(throws: LogError.self) { try log.writeCheckpoint(files: files, key: try #require(try files.loadKey()), at: "2026-11-28T00:00:00Z") }
            io.failure = nil
            let after = try filesUnder(root)
            let paths = after.keys.filter { $0.hasSuffix(".txt") }.sorted()
            for path in paths {
                #expect(after[path] == before[path], "\(path) keeps part of a line (errno \(code)): \(String(decoding: after[path] ?? Data(), as: UTF8.self).suffix(60).debugDescription)")
            }
            _ = data
        }
    }
}
