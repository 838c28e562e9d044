import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import Log

/// A `FileIO` that forwards every call to `SystemFileIO` and keeps, beside the real files, a model
/// of what would survive a power cut, so that a test can cut the power at any chosen call.
///
/// The durability model (simple, and strict where POSIX is strict):
/// - Everything under `root` that exists when the wrapper is made is durable as it stands (the
///   test's setup counts as long ago, flushed).
/// - A file's durable *content* is what it held at its last `sync` (fdatasync) through this
///   wrapper; `write` and `truncate` change only the real file until then. A file created through
///   the wrapper starts with empty durable content: created but never synced, it is empty if its
///   name survives.
/// - A directory's durable *entries* (name → file, or name → sub-folder) are what the folder held
///   at its last `syncDirectory`; `open(O_CREAT)`, `link`, `rename`, `remove` and `makeDirectory`
///   change only the real folder until then. A name that was never made durable vanishes (and a
///   sub-folder that vanishes takes everything in it); a name replaced by `rename` without a
///   following `syncDirectory` still points at the file it named before, with that file's durable
///   content. Files are told apart by an identity of their own (not by path, not by inode number,
///   which the system reuses), so hard links and renames are followed.
/// - Crash points are the calls that change stable storage: every `write`, `sync`, `truncate`,
///   `rename`, `link` and `syncDirectory`, counted from 1. At the chosen point the call does not
///   happen (in `.tornWrite`/`.killed` a crashing write lands in part), the real files under
///   `root` are rewritten to the durable state, the call throws `CrashSimulatingFileIO.crashError`,
///   and every later call fails the same way (`remove` does nothing, `close` and `unlock` only
///   release what the process held), as if the machine had stopped.
///
/// Modes: `.lostUnsynced` — every write since the last sync is lost; `.tornWrite` — the same, but
/// the first half of the crashing write reached the disk (nothing else of the unsynced data did);
/// `.killed` — the process died but the kernel kept everything it had been handed (kill -9): the
/// files stay as they are, the crashing write lands in half.
final class CrashSimulatingFileIO: FileIO, @unchecked Sendable {
    enum Mode: String, CaseIterable, Sendable {
        case lostUnsynced, tornWrite, killed
    }

    static let crashCall = "simulated power loss"
    static func crashError(_ path: String) -> FileIOError { FileIOError(call: crashCall, path: path, code: EIO) }

    private enum Node {
        case file(Int)
        case directory
    }

    private struct FileState {
        var durable: [UInt8]
        var mode: UInt32
    }

    let root: String
    let crashAt: Int?
    let mode: Mode
    private let real = SystemFileIO()
    private let lock = NSLock()
    private var points = 0
    private var dead = false
    private var nextIdentity = 0
    /// Identity of each file by (device, inode) as things stand now.
    private var identities: [String: Int] = [:]
    private var files: [Int: FileState] = [:]
    private var fds: [Int32: Int] = [:]
    /// Durable entries of each folder under `root`, by absolute path.
    private var entries: [String: [String: Node]] = [:]
    private var directoryModes: [String: UInt32] = [:]
    /// A description of every crash point passed, for messages.
    private(set) var log: [String] = []

    /// The crash points passed so far (all of them, after a run without a crash).
    var crashPoints: Int { lock.withLock { points } }
    var crashed: Bool { lock.withLock { dead } }
    /// What the chosen point was, once passed.
    var crashDescription: String? {
        lock.withLock { crashAt.flatMap { $0 <= log.count ? log[$0 - 1] : nil } }
    }

    init(root: String, crashAt: Int?, mode: Mode = .lostUnsynced) {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
        self.crashAt = crashAt
        self.mode = mode
        baseline(self.root)
    }

    // MARK: The model

    private func statOf(_ path: String) -> stat? {
        var st = stat()
        return lstat(path, &st) == 0 ? st : nil
    }

    private func key(_ st: stat) -> String { "\(st.st_dev):\(st.st_ino)" }

    private func newIdentity(_ st: stat, durable: [UInt8]) -> Int {
        nextIdentity += 1
        identities[key(st)] = nextIdentity
        files[nextIdentity] = FileState(durable: durable, mode: UInt32(st.st_mode) & 0o7777)
        return nextIdentity
    }

    private func contents(_ path: String) -> [UInt8] {
        (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? []
    }

    /// Everything now under `path` becomes durable as it stands.
    private func baseline(_ path: String) {
        guard let st = statOf(path) else { return }
        directoryModes[path] = UInt32(st.st_mode) & 0o7777
        var table: [String: Node] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
            let child = path + "/" + name
            guard let cst = statOf(child) else { continue }
            if (cst.st_mode & S_IFMT) == S_IFDIR {
                table[name] = .directory
                baseline(child)
            } else if (cst.st_mode & S_IFMT) == S_IFREG {
                table[name] = .file(identities[key(cst)] ?? newIdentity(cst, durable: contents(child)))
            }
        }
        entries[path] = table
    }

    private func isUnderRoot(_ path: String) -> Bool {
        path == root || path.hasPrefix(root + "/")
    }

    /// Counts a crash point; at the chosen one, cuts the power (`landing` first puts down what of
    /// the crashing call reaches the disk). Throws once the power is off.
    private func point(_ what: String, path: String, landing: () -> Void = {}) throws(FileIOError) {
        let alive: Bool = lock.withLock {
            if dead { return false }
            points += 1
            log.append("\(points): \(what)")
            guard points == crashAt else { return true }
            dead = true
            landing()
            if mode != .killed { restoreDurableState() }
            return false
        }
        if !alive { throw CrashSimulatingFileIO.crashError(path) }
    }

    private func failIfDead(_ path: String) throws(FileIOError) {
        if lock.withLock({ dead }) { throw CrashSimulatingFileIO.crashError(path) }
    }

    /// Cuts the power now (after the operation under test returned): the disk keeps only what is durable.
    func powerLoss() {
        lock.withLock {
            guard !dead else { return }
            dead = true
            if mode != .killed { restoreDurableState() }
        }
    }

    /// Rewrites the real files under `root` to the durable state.
    private func restoreDurableState() {
        struct Item { let path: String; let node: Node }
        var items: [Item] = []
        func collect(_ dir: String) {
            for (name, node) in (entries[dir] ?? [:]).sorted(by: { $0.key < $1.key }) {
                items.append(Item(path: dir + "/" + name, node: node))
                if case .directory = node { collect(dir + "/" + name) }
            }
        }
        collect(root)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
            try? FileManager.default.removeItem(atPath: root + "/" + name)
        }
        for item in items {
            switch item.node {
            case .directory:
                _ = mkdir(item.path, mode_t(directoryModes[item.path] ?? 0o700))
            case .file(let identity):
                let state = files[identity] ?? FileState(durable: [], mode: 0o600)
                let fd = Glibc.open(item.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(state.mode))
                if fd >= 0 {
                    try? real.write(fd, state.durable, offset: 0, path: item.path)
                    _ = Glibc.close(fd)
                }
            }
        }
    }

    // MARK: FileIO

    func open(_ path: String, flags: Int32, mode: UInt32) throws(FileIOError) -> Int32 {
        try failIfDead(path)
        let existed = statOf(path) != nil
        let fd = try real.open(path, flags: flags, mode: mode)
        lock.withLock {
            var st = stat()
            guard fstat(fd, &st) == 0 else { return }
            if existed, let identity = identities[key(st)] {
                fds[fd] = identity
            } else {
                // New through this call: nothing of it is durable yet (its inode number may be
                // that of a file removed before). A file that was there already but unknown (made
                // outside the wrapper) counts as durable as it is.
                fds[fd] = newIdentity(st, durable: existed && isUnderRoot(path) ? contents(path) : [])
            }
        }
        return fd
    }

    func close(_ fd: Int32) {
        lock.withLock { _ = fds.removeValue(forKey: fd) }
        real.close(fd)
    }

    func size(_ fd: Int32, path: String) throws(FileIOError) -> Int {
        try failIfDead(path)
        return try real.size(fd, path: path)
    }

    func read(_ fd: Int32, offset: Int, count: Int, path: String) throws(FileIOError) -> [UInt8] {
        try failIfDead(path)
        return try real.read(fd, offset: offset, count: count, path: path)
    }

    func readWhole(_ fd: Int32, count: Int, path: String) throws(FileIOError) -> Data {
        try failIfDead(path)
        return try real.readWhole(fd, count: count, path: path)
    }

    func mapGrowing(_ fd: Int32, count: Int, path: String) throws(FileIOError) -> Data {
        try failIfDead(path)
        return Data(try real.read(fd, offset: 0, count: count, path: path))
    }

    func write(_ fd: Int32, _ bytes: [UInt8], offset: Int, path: String) throws(FileIOError) {
        let half = Array(bytes.prefix(bytes.count / 2))
        try point("write \(bytes.count) bytes at \(offset) of \(path)", path: path) {
            switch self.mode {
            case .lostUnsynced:
                break
            case .tornWrite:
                // Only the first half of this write reached the platter.
                if let identity = self.fds[fd], var state = self.files[identity] {
                    if state.durable.count < offset + half.count {
                        state.durable += [UInt8](repeating: 0, count: offset + half.count - state.durable.count)
                    }
                    state.durable.replaceSubrange(offset..<offset + half.count, with: half)
                    self.files[identity] = state
                }
            case .killed:
                try? self.real.write(fd, half, offset: offset, path: path)
            }
        }
        try real.write(fd, bytes, offset: offset, path: path)
    }

    func sync(_ fd: Int32, path: String) throws(FileIOError) {
        try point("fdatasync \(path)", path: path)
        try real.sync(fd, path: path)
        // Read back through a new descriptor of the same file (the caller's may be write-only).
        let now = contents("/proc/self/fd/\(fd)")
        lock.withLock {
            if let identity = fds[fd] { files[identity]?.durable = now }
        }
    }

    func truncate(_ fd: Int32, length: Int, path: String) throws(FileIOError) {
        try point("ftruncate \(path) to \(length)", path: path)
        try real.truncate(fd, length: length, path: path)
    }

    func lock(_ fd: Int32, exclusive: Bool, wait: Bool, path: String) throws(FileIOError) {
        try failIfDead(path)
        try real.lock(fd, exclusive: exclusive, wait: wait, path: path)
    }

    func unlock(_ fd: Int32) { real.unlock(fd) }

    func makeDirectory(_ path: String, mode: UInt32) throws(FileIOError) {
        try failIfDead(path)
        try real.makeDirectory(path, mode: mode)
        lock.withLock {
            if let st = statOf(path) { directoryModes[path] = UInt32(st.st_mode) & 0o7777 }
        }
    }

    func link(_ target: String, _ link: String) throws(FileIOError) {
        try point("link \(target) → \(link)", path: link)
        try real.link(target, link)
    }

    func remove(_ path: String) {
        if lock.withLock({ dead }) { return }
        real.remove(path)
    }

    func rename(_ from: String, _ to: String) throws(FileIOError) {
        try point("rename \(from) → \(to)", path: to)
        try real.rename(from, to)
    }

    func syncDirectory(_ path: String) throws(FileIOError) {
        try point("fsync folder \(path)", path: path)
        try real.syncDirectory(path)
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        lock.withLock {
            guard isUnderRoot(trimmed) else { return }
            var table: [String: Node] = [:]
            for name in (try? FileManager.default.contentsOfDirectory(atPath: trimmed)) ?? [] {
                let child = trimmed + "/" + name
                guard let st = statOf(child) else { continue }
                if (st.st_mode & S_IFMT) == S_IFDIR {
                    table[name] = .directory
                    if directoryModes[child] == nil { directoryModes[child] = UInt32(st.st_mode) & 0o7777 }
                } else if (st.st_mode & S_IFMT) == S_IFREG {
                    table[name] = .file(identities[key(st)] ?? newIdentity(st, durable: []))
                }
            }
            entries[trimmed] = table
        }
    }

    func exists(_ path: String) -> Bool { real.exists(path) }
}
