import Crypto
#if canImport(Glibc)
import Glibc
#endif

/// Where checkpoints live on disk: the signing key (outside the data directory), the checkpoint
/// file in the data directory, and a mirror of it beside the key ("anchors"), so that deleting the
/// data directory's copy does not hide a rollback.
public struct CheckpointFiles: Sendable {
    public static let fileName = "checkpoints.txt"
    static let keyPrefix = "chengxin-checkpoint-key v1 "

    public let keyPath: String
    public let io: any FileIO

    public init(keyPath: String, io: any FileIO = SystemFileIO()) {
        self.keyPath = keyPath
        self.io = io
    }

    public var keyDirectory: String {
        guard let slash = keyPath.lastIndex(of: "/") else { return "." }
        return slash == keyPath.startIndex ? "/" : String(keyPath[..<slash])
    }

    public static func dataCopyPath(_ dataDirectory: String) -> String {
        (dataDirectory.hasSuffix("/") ? dataDirectory : dataDirectory + "/") + fileName
    }

    public func anchorPath(logID: [UInt8]) -> String {
        keyDirectory + "/anchors/" + hexString(logID) + ".txt"
    }

    /// Reads the signing key; nil when there is none yet.
    public func loadKey() throws(LogError) -> Curve25519.Signing.PrivateKey? {
        guard io.exists(keyPath) else { return nil }
        let text = try readText(keyPath)
        guard text.hasPrefix(CheckpointFiles.keyPrefix),
              let raw = bytes(hex: String(text.dropFirst(CheckpointFiles.keyPrefix.count)).trimmingCharacters(in: .whitespacesAndNewlines)),
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw .notALog(path: keyPath)
        }
        return key
    }

    /// Reads the signing key, creating one (0600, in a 0700 folder) if there is none.
    public func loadOrCreateKey() throws(LogError) -> (key: Curve25519.Signing.PrivateKey, created: Bool) {
        if let key = try loadKey() { return (key, false) }
        let key = Curve25519.Signing.PrivateKey()
        do throws(FileIOError) {
            try io.makeDirectories(keyDirectory, mode: 0o700)
            let fd = try io.open(keyPath, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
            defer { io.close(fd) }
            try io.write(fd, Array((CheckpointFiles.keyPrefix + hexString(Array(key.rawRepresentation)) + "\n").utf8), offset: 0, path: keyPath)
            try io.sync(fd, path: keyPath)
            try io.syncDirectory(keyDirectory)
        } catch {
            throw .io(error)
        }
        return (key, true)
    }

    /// Appends a checkpoint to the data directory's file and to the mirror beside the key, durably.
    public func record(_ checkpoint: Checkpoint, dataDirectory: String) throws(LogError) {
        let line = Array((checkpoint.line + "\n").utf8)
        do throws(FileIOError) {
            try io.makeDirectories(keyDirectory + "/anchors", mode: 0o700)
            for path in [CheckpointFiles.dataCopyPath(dataDirectory), anchorPath(logID: checkpoint.logID)] {
                let fd = try io.open(path, flags: O_RDWR | O_CREAT, mode: 0o600)
                defer { io.close(fd) }
                try io.lock(fd, exclusive: true, wait: true, path: path)
                defer { io.unlock(fd) }
                try io.write(fd, line, offset: try io.size(fd, path: path), path: path)
                try io.sync(fd, path: path)
            }
        } catch {
            throw .io(error)
        }
    }

    /// Every checkpoint of the log found in the data directory's file and in the mirror.
    public func checkpoints(dataDirectory: String, logID: [UInt8]) throws(LogError) -> (checkpoints: [Checkpoint], problems: [CheckpointProblem]) {
        var all: [Checkpoint] = []
        var problems: [CheckpointProblem] = []
        for path in [CheckpointFiles.dataCopyPath(dataDirectory), anchorPath(logID: logID)] where io.exists(path) {
            let (found, bad) = CheckpointCheck.parseFile(try readText(path), name: path)
            all += found.filter { candidate in !all.contains(candidate) }
            problems += bad
        }
        return (all.sorted { $0.sequence < $1.sequence }, problems)
    }

    private func readText(_ path: String) throws(LogError) -> String {
        do throws(FileIOError) {
            let fd = try io.open(path, flags: O_RDONLY, mode: 0)
            defer { io.close(fd) }
            return String(decoding: try io.read(fd, offset: 0, count: try io.size(fd, path: path), path: path), as: UTF8.self)
        } catch {
            throw .io(error)
        }
    }
}

extension EventLog {
    /// Signs the current head and records the checkpoint. Returns it.
    @discardableResult
    public func writeCheckpoint(files: CheckpointFiles, key: Curve25519.Signing.PrivateKey, at: String) throws -> Checkpoint {
        let checkpoint = try Checkpoint.sign(logID: logID, sequence: lastSequence, headHash: headHash, at: at, key: key)
        try files.record(checkpoint, dataDirectory: directory)
        return checkpoint
    }
}

/// Signs a checkpoint whenever `every` records have accumulated since the last one.
public final class CheckpointSchedule {
    public let files: CheckpointFiles
    public let every: UInt64
    private let key: Curve25519.Signing.PrivateKey
    public private(set) var lastSigned: UInt64

    /// Nil when there is no signing key (then no interval checkpoints are signed here).
    public init?(files: CheckpointFiles, log: EventLog, every: UInt64 = 1000) {
        guard let key = try? files.loadKey(), let existing = try? files.checkpoints(dataDirectory: log.directory, logID: log.logID) else {
            return nil
        }
        self.files = files
        self.every = every
        self.key = key
        self.lastSigned = existing.checkpoints.last?.sequence ?? 0
    }

    /// Call after appending: signs the head if enough records have accumulated. Returns the
    /// checkpoint signed, if one was.
    @discardableResult
    public func afterAppend(to log: EventLog, at: String) -> Checkpoint? {
        guard log.lastSequence >= lastSigned + every, log.damage == nil,
              let checkpoint = try? log.writeCheckpoint(files: files, key: key, at: at) else { return nil }
        lastSigned = checkpoint.sequence
        return checkpoint
    }
}
