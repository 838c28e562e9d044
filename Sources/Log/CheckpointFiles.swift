import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where checkpoints live on disk: the signing key (outside the data directory), the checkpoint
/// file in the data directory, and a mirror of it beside the key ("anchors"), so that deleting the
/// data directory's copy does not hide a rollback.
///
/// A mirror, `<key folder>/anchors/<log id>.txt`, begins with the line `# data=<real path of the
/// data directory>` (written when it is created): it is **bound** to that directory, so that a log
/// re-chained there under a new id is told from a new log (`CheckpointProblem.logIDChanged`).
public struct CheckpointFiles: Sendable {
    public static let fileName = "checkpoints.txt"
    static let keyPrefix = "chengxin-checkpoint-key v1 "
    /// The first line of a mirror, before the data directory's real path.
    public static let mirrorDataPrefix = "# data="

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

    public var anchorsDirectory: String { keyDirectory + "/anchors" }

    public static func dataCopyPath(_ dataDirectory: String) -> String {
        (dataDirectory.hasSuffix("/") ? dataDirectory : dataDirectory + "/") + fileName
    }

    public func anchorPath(logID: [UInt8]) -> String {
        anchorsDirectory + "/" + hexString(logID) + ".txt"
    }

    // MARK: Where the key is

    /// The path with every symbolic link, `.` and `..` resolved, absolute. The part that exists is
    /// resolved by the system (`realpath`); what follows it (a key not created yet) is appended
    /// with `.` and `..` applied to the names.
    public static func realPath(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let names = absolute.split(separator: "/").map(String.init)
        var base = "/"
        var rest = names[...]
        for count in stride(from: names.count, through: 0, by: -1) {
            let prefix = "/" + names.prefix(count).joined(separator: "/")
            if let resolved = realpath(prefix, nil) {
                base = String(cString: resolved)
                free(resolved)
                rest = names.dropFirst(count)
                break
            }
        }
        for name in rest {
            switch name {
            case "", ".": continue
            case "..":
                if let slash = base.lastIndex(of: "/") { base = slash == base.startIndex ? "/" : String(base[..<slash]) }
            default:
                base = base == "/" ? "/" + name : base + "/" + name
            }
        }
        return base
    }

    /// Whether `path` is `directory` or lies inside it, comparing real paths (a symbolic link or
    /// `..` does not get around it).
    public static func isInside(_ path: String, directory: String) -> Bool {
        let inner = realPath(path)
        let outer = realPath(directory)
        return inner == outer || outer == "/" || inner.hasPrefix(outer + "/")
    }

    /// Whether the signing key would sit inside the data directory: every command, `verify`
    /// included, refuses that (whoever can rewrite the log could re-sign it).
    public func keyIsInside(dataDirectory: String) -> Bool {
        CheckpointFiles.isInside(keyPath, directory: dataDirectory)
    }

    // MARK: The key

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

    /// The key that authenticates this user's snapshots, derived from the signing key; nil without
    /// one (or with an unreadable one): then no snapshot is read or written.
    public func snapshotKey() -> SnapshotKey? {
        guard let key = try? loadKey() else { return nil }
        return SnapshotKey(checkpointKey: key)
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

    // MARK: Writing

    /// Appends a checkpoint to the data directory's file and to the mirror beside the key, durably.
    public func record(_ checkpoint: Checkpoint, dataDirectory: String) throws(LogError) {
        let dataPath = CheckpointFiles.dataCopyPath(dataDirectory)
        do throws(FileIOError) {
            try withExclusiveLock(dataPath) { fd throws(FileIOError) in
                try appendLine(checkpoint.line, fd: fd, path: dataPath, header: nil)
            }
            try appendToMirror(checkpoint, dataDirectory: dataDirectory)
        } catch {
            throw .io(error)
        }
    }

    /// Adds to the data directory's checkpoint file the lines it lacks (checkpoints copied from
    /// another store of the same log: `chengxin store copy`), under its lock, durably. Nothing is
    /// signed and no mirror is written (the key plays no part). Returns how many lines were added.
    @discardableResult
    public static func addLines(_ lines: [String], dataDirectory: String, io: any FileIO = SystemFileIO()) throws(LogError) -> Int {
        let files = CheckpointFiles(keyPath: "", io: io)
        let dataPath = dataCopyPath(dataDirectory)
        var added = 0
        do throws(FileIOError) {
            try files.withExclusiveLock(dataPath) { fd throws(FileIOError) in
                let text = String(decoding: try io.read(fd, offset: 0, count: try io.size(fd, path: dataPath), path: dataPath), as: UTF8.self)
                var held = Set(text.split(separator: "\n").map(String.init))
                for line in lines where !held.contains(line) {
                    try files.appendLine(line, fd: fd, path: dataPath, header: nil)
                    held.insert(line)
                    added += 1
                }
            }
        } catch {
            throw .io(error)
        }
        return added
    }

    /// Signs the log's head unless the data directory's file already holds a checkpoint of this
    /// log, by this key, at or after `mark`: read and decided under that file's exclusive lock,
    /// so that however many writers cross a mark at once, it is signed once. Returns the
    /// checkpoint signed (if one was) and the highest sequence number now known to be covered.
    func signMark(_ mark: UInt64, log: EventLog, key: Curve25519.Signing.PrivateKey, at: String) throws -> (signed: Checkpoint?, covered: UInt64) {
        let dataPath = CheckpointFiles.dataCopyPath(log.directory)
        let publicKey = Array(key.publicKey.rawRepresentation)
        var result: (signed: Checkpoint?, covered: UInt64) = (nil, 0)
        var signingError: (any Error)?
        try withExclusiveLock(dataPath) { fd throws(FileIOError) in
            let text = String(decoding: try io.read(fd, offset: 0, count: try io.size(fd, path: dataPath), path: dataPath), as: UTF8.self)
            let found = CheckpointCheck.parseFile(text, name: dataPath, logID: log.logID)
            let covering = found.checkpoints.filter { $0.sequence >= mark && $0.publicKey == publicKey && $0.signatureIsValid }
            if let highest = covering.map(\.sequence).max() {
                result = (nil, highest)
                return
            }
            let checkpoint: Checkpoint
            do {
                checkpoint = try Checkpoint.sign(logID: log.logID, sequence: log.lastSequence, headHash: log.headHash, at: at, key: key)
            } catch {
                signingError = error
                return
            }
            try appendLine(checkpoint.line, fd: fd, path: dataPath, header: nil)
            // The mirror is written before the data file's lock is let go: a writer that finds
            // the mark signed finds it in both.
            try appendToMirror(checkpoint, dataDirectory: log.directory)
            result = (checkpoint, checkpoint.sequence)
        }
        if let signingError { throw signingError }
        return result
    }

    private func appendToMirror(_ checkpoint: Checkpoint, dataDirectory: String) throws(FileIOError) {
        if !io.exists(anchorsDirectory) {
            try io.makeDirectories(anchorsDirectory, mode: 0o700)
            try io.syncDirectory(keyDirectory)
        }
        let mirror = anchorPath(logID: checkpoint.logID)
        let header = CheckpointFiles.mirrorDataPrefix + CheckpointFiles.realPath(dataDirectory)
        try withExclusiveLock(mirror) { fd throws(FileIOError) in
            try appendLine(checkpoint.line, fd: fd, path: mirror, header: header)
        }
    }

    /// Runs `body` on the file under its exclusive lock; a file this call created has its name
    /// made durable (its folder synced) once `body` has written and synced it.
    private func withExclusiveLock(_ path: String, _ body: (Int32) throws(FileIOError) -> Void) throws(FileIOError) {
        let existed = io.exists(path)
        let fd = try io.open(path, flags: O_RDWR | O_CREAT, mode: 0o600)
        defer { io.close(fd) }
        try io.lock(fd, exclusive: true, wait: true, path: path)
        defer { io.unlock(fd) }
        try body(fd)
        if !existed, let slash = path.lastIndex(of: "/") {
            try io.syncDirectory(slash == path.startIndex ? "/" : String(path[..<slash]))
        }
    }

    /// Appends one line (and its LF) to a file whose exclusive lock the caller holds, then syncs.
    /// A last line left without its LF by a write cut short is first dealt with: cut back to just
    /// after the last LF — unless it is a complete checkpoint, which is kept and given its LF (a
    /// signed statement is never thrown away). `header`, when given, is written first into a file
    /// that is (or was cut back to) empty.
    private func appendLine(_ line: String, fd: Int32, path: String, header: String?) throws(FileIOError) {
        var size = try io.size(fd, path: path)
        if size > 0 {
            // The unfinished line is in the last few hundred bytes; read more only if it is not.
            var window = min(size, 4096)
            var tail = try io.read(fd, offset: size - window, count: window, path: path)
            if tail.last != 0x0A {
                while tail.lastIndex(of: 0x0A) == nil && window < size {
                    window = size
                    tail = try io.read(fd, offset: 0, count: size, path: path)
                }
                let cut = tail.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
                if Checkpoint.parse(String(decoding: tail[cut...], as: UTF8.self)) != nil {
                    try io.write(fd, [0x0A], offset: size, path: path)
                    size += 1
                } else {
                    size = size - window + cut
                    try io.truncate(fd, length: size, path: path)
                }
            }
        }
        var bytes: [UInt8] = []
        if size == 0, let header { bytes += Array((header + "\n").utf8) }
        bytes += Array((line + "\n").utf8)
        // A full disk or a size limit leaves no half line.
        try io.appendDurably(fd, bytes, at: size, path: path)
    }

    // MARK: Reading

    /// A mirror beside the key bound to a data directory.
    public struct Mirror: Sendable, Equatable {
        public let logID: [UInt8]
        public let path: String
    }

    /// The mirrors in `<key folder>/anchors/` whose first line is `# data=` and the real path of
    /// `dataDirectory`, by log id.
    public func boundMirrors(dataDirectory: String) -> [Mirror] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: anchorsDirectory) else { return [] }
        let expected = Array((CheckpointFiles.mirrorDataPrefix + CheckpointFiles.realPath(dataDirectory) + "\n").utf8)
        var found: [Mirror] = []
        for name in names.sorted() where name.hasSuffix(".txt") {
            guard let logID = lowerHex(String(name.dropLast(4)), count: 16) else { continue }
            let path = anchorsDirectory + "/" + name
            guard let first = try? readPrefix(path, count: expected.count), first == expected else { continue }
            found.append(Mirror(logID: logID, path: path))
        }
        return found
    }

    /// What the data directory's file and the mirror hold for the log `logID`: its checkpoints
    /// (each once), the malformed lines, the checkpoints of other logs, a mirror bound to this
    /// directory that belongs to another log id (problems), and unfinished last lines (notes).
    public func scan(dataDirectory: String, logID: [UInt8]) throws(LogError) -> CheckpointFindings {
        var found = CheckpointFindings()
        for path in [CheckpointFiles.dataCopyPath(dataDirectory), anchorPath(logID: logID)] where io.exists(path) {
            found.merge(CheckpointCheck.parseFile(try readText(path), name: path, logID: logID))
        }
        for mirror in boundMirrors(dataDirectory: dataDirectory) where mirror.logID != logID {
            found.problems.append(.logIDChanged(previous: mirror.logID))
        }
        found.checkpoints.sort { $0.sequence < $1.sequence }
        return found
    }

    /// Every checkpoint of the log found in the data directory's file and in the mirror, and the
    /// problems reading them found (`scan` without the notes).
    public func checkpoints(dataDirectory: String, logID: [UInt8]) throws(LogError) -> (checkpoints: [Checkpoint], problems: [CheckpointProblem]) {
        let found = try scan(dataDirectory: dataDirectory, logID: logID)
        return (found.checkpoints, found.problems)
    }

    /// Everything `chengxin verify` checks about checkpoints: `scan`, then each checkpoint
    /// against the log's good records, against the key at hand when there is one (its public key
    /// is `trustedKey` in the result). `problems` fail verification; `notes` do not.
    /// Throws when a file cannot be read or the key file is not a key.
    public func verify(dataDirectory: String, logID: [UInt8], records: [LogRecord]) throws(LogError) -> CheckpointFindings {
        var found = try scan(dataDirectory: dataDirectory, logID: logID)
        found.trustedKey = try loadKey().map { Array($0.publicKey.rawRepresentation) }
        found.problems += CheckpointCheck.problems(found.checkpoints, logID: logID, records: records, trustedKey: found.trustedKey)
        return found
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

    private func readPrefix(_ path: String, count: Int) throws(FileIOError) -> [UInt8] {
        let fd = try io.open(path, flags: O_RDONLY, mode: 0)
        defer { io.close(fd) }
        return try io.read(fd, offset: 0, count: min(count, try io.size(fd, path: path)), path: path)
    }
}

extension EventLog {
    /// Signs the current head and records the checkpoint. Returns it.
    @discardableResult
    public func writeCheckpoint(files: CheckpointFiles, key: Curve25519.Signing.PrivateKey, at: String) throws -> Checkpoint {
        let checkpoint = try Checkpoint.sign(logID: logID, sequence: lastSequence, headHash: headHash, at: at, key: key)
        try files.record(checkpoint, dataDirectory: directory)
        upstream?.publish(checkpointLine: checkpoint.line)
        return checkpoint
    }
}

/// Signs a checkpoint when an append takes the log across a multiple of `every` records (a
/// *mark*) beyond the last checkpoint known; each mark is signed once, however many writers
/// cross it (`CheckpointFiles.signMark`).
public final class CheckpointSchedule {
    public let files: CheckpointFiles
    public let every: UInt64
    private let key: Curve25519.Signing.PrivateKey
    /// The highest sequence number known to be covered by a checkpoint of this key.
    public private(set) var lastSigned: UInt64

    /// Nil when there is no signing key (then no interval checkpoints are signed here).
    public init?(files: CheckpointFiles, log: EventLog, every: UInt64 = 1000) {
        guard every > 0, let key = try? files.loadKey(),
              let existing = try? files.checkpoints(dataDirectory: log.directory, logID: log.logID) else {
            return nil
        }
        self.files = files
        self.every = every
        self.key = key
        // The newest checkpoint this key signed (a line by another key, or altered, covers nothing).
        let publicKey = Array(key.publicKey.rawRepresentation)
        self.lastSigned = existing.checkpoints.last { $0.publicKey == publicKey && $0.signatureIsValid }?.sequence ?? 0
    }

    /// Call after appending: signs the head if the log has crossed a mark since the last
    /// checkpoint and no other writer has signed it. Returns the checkpoint signed, if one was.
    @discardableResult
    public func afterAppend(to log: EventLog, at: String) -> Checkpoint? {
        let mark = log.lastSequence / every * every
        guard mark > 0, mark > lastSigned, log.damage == nil,
              let result = try? files.signMark(mark, log: log, key: key, at: at) else { return nil }
        lastSigned = max(lastSigned, result.covered)
        if let signed = result.signed { log.upstream?.publish(checkpointLine: signed.line) }
        return result.signed
    }
}
