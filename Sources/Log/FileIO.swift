import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An operating-system error from a file call, with the call's name and errno.
public struct FileIOError: Error, Sendable, Equatable {
    public let call: String
    public let path: String
    public let code: Int32

    public init(call: String, path: String, code: Int32) {
        self.call = call
        self.path = path
        self.code = code
    }

    public var isNoSpace: Bool { code == ENOSPC }
    public var systemText: String { String(cString: strerror(code)) }
}

/// The seam through which the log touches files. The real one calls the kernel;
/// tests inject faults (a failed sync, a full disk) by wrapping it.
public protocol FileIO: Sendable {
    func open(_ path: String, flags: Int32, mode: UInt32) throws(FileIOError) -> Int32
    func close(_ fd: Int32)
    func size(_ fd: Int32, path: String) throws(FileIOError) -> Int
    func read(_ fd: Int32, offset: Int, count: Int, path: String) throws(FileIOError) -> [UInt8]
    /// The whole of a file that is replaced, never changed in place (snapshots): mapped where the
    /// system can, so that it is not copied; read otherwise.
    func readWhole(_ fd: Int32, count: Int, path: String) throws(FileIOError) -> Data
    /// The whole of a file that only grows (the log) to be scanned in place: mapped where the
    /// system can, read otherwise. The caller holds a lock that keeps writers from cutting the
    /// file shorter while it reads beyond the records it will keep.
    func mapGrowing(_ fd: Int32, count: Int, path: String) throws(FileIOError) -> Data
    func write(_ fd: Int32, _ bytes: [UInt8], offset: Int, path: String) throws(FileIOError)
    /// fdatasync: the data written is on stable storage when this returns.
    func sync(_ fd: Int32, path: String) throws(FileIOError)
    func truncate(_ fd: Int32, length: Int, path: String) throws(FileIOError)
    /// flock; `wait == false` fails with EWOULDBLOCK when another process holds it.
    func lock(_ fd: Int32, exclusive: Bool, wait: Bool, path: String) throws(FileIOError)
    func unlock(_ fd: Int32)
    func makeDirectory(_ path: String, mode: UInt32) throws(FileIOError)
    /// Makes `target` appear as `link` only if `link` does not exist (link(2)).
    func link(_ target: String, _ link: String) throws(FileIOError)
    func remove(_ path: String)
    /// rename(2): replaces `to` atomically.
    func rename(_ from: String, _ to: String) throws(FileIOError)
    /// fsync of a directory, so that a new name in it survives a crash.
    func syncDirectory(_ path: String) throws(FileIOError)
    func exists(_ path: String) -> Bool
}

extension FileIO {
    public func readWhole(_ fd: Int32, count: Int, path: String) throws(FileIOError) -> Data {
        Data(try read(fd, offset: 0, count: count, path: path))
    }

    public func mapGrowing(_ fd: Int32, count: Int, path: String) throws(FileIOError) -> Data {
        Data(try read(fd, offset: 0, count: count, path: path))
    }
}

/// The real thing: POSIX calls.
public struct SystemFileIO: FileIO {
    public init() {}

    public func open(_ path: String, flags: Int32, mode: UInt32) throws(FileIOError) -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode_t(mode))
        if fd < 0 { throw FileIOError(call: "open", path: path, code: errno) }
        return fd
    }

    public func close(_ fd: Int32) { _ = Glibc.close(fd) }

    public func size(_ fd: Int32, path: String) throws(FileIOError) -> Int {
        var st = stat()
        if fstat(fd, &st) != 0 { throw FileIOError(call: "fstat", path: path, code: errno) }
        return Int(st.st_size)
    }

    public func read(_ fd: Int32, offset: Int, count: Int, path: String) throws(FileIOError) -> [UInt8] {
        // Read straight into the array's storage (no zero-filling first: logs and snapshots are
        // hundreds of megabytes); only the bytes read count as initialised.
        // (Never capacity 0: see PayloadPlace.of.)
        guard count > 0 else { return [] }
        var failure: Int32?
        let buffer = [UInt8](unsafeUninitializedCapacity: count) { raw, initialized in
            var done = 0
            while done < count {
                let n = pread(fd, raw.baseAddress.map { $0 + done }, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if n == 0 { break }
                done += n
            }
            initialized = done
        }
        if let failure { throw FileIOError(call: "pread", path: path, code: failure) }
        return buffer
    }

    public func readWhole(_ fd: Int32, count: Int, path: String) throws(FileIOError) -> Data {
        guard count > 0 else { return Data() }
        // Mapped (MAP_POPULATE: the pages are wired in one go): no copy of tens of megabytes. The
        // file is only ever replaced by rename, so the mapping stays valid while it is read.
        guard let mapped = mmap(nil, count, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), mapped != MAP_FAILED else {
            return Data(try read(fd, offset: 0, count: count, path: path))
        }
        return Data(bytesNoCopy: mapped, count: count, deallocator: .custom { pointer, length in munmap(pointer, length) })
    }

    public func mapGrowing(_ fd: Int32, count: Int, path: String) throws(FileIOError) -> Data {
        guard count > 0 else { return Data() }
        // Not populated up front: the pages are brought in by the threads that scan them.
        guard let mapped = mmap(nil, count, PROT_READ, MAP_SHARED, fd, 0), mapped != MAP_FAILED else {
            return Data(try read(fd, offset: 0, count: count, path: path))
        }
        return Data(bytesNoCopy: mapped, count: count, deallocator: .custom { pointer, length in munmap(pointer, length) })
    }

    public func write(_ fd: Int32, _ bytes: [UInt8], offset: Int, path: String) throws(FileIOError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                pwrite(fd, raw.baseAddress.map { $0 + done }, bytes.count - done, off_t(offset + done))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileIOError(call: "pwrite", path: path, code: errno)
            }
            done += n
        }
    }

    public func sync(_ fd: Int32, path: String) throws(FileIOError) {
        if fdatasync(fd) != 0 { throw FileIOError(call: "fdatasync", path: path, code: errno) }
    }

    public func truncate(_ fd: Int32, length: Int, path: String) throws(FileIOError) {
        if ftruncate(fd, off_t(length)) != 0 { throw FileIOError(call: "ftruncate", path: path, code: errno) }
    }

    public func lock(_ fd: Int32, exclusive: Bool, wait: Bool, path: String) throws(FileIOError) {
        let op = (exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB)
        while flock(fd, op) != 0 {
            if errno == EINTR { continue }
            throw FileIOError(call: "flock", path: path, code: errno)
        }
    }

    public func unlock(_ fd: Int32) { _ = flock(fd, LOCK_UN) }

    public func makeDirectory(_ path: String, mode: UInt32) throws(FileIOError) {
        if mkdir(path, mode_t(mode)) != 0 && errno != EEXIST {
            throw FileIOError(call: "mkdir", path: path, code: errno)
        }
    }

    public func link(_ target: String, _ link: String) throws(FileIOError) {
        if Glibc.link(target, link) != 0 { throw FileIOError(call: "link", path: link, code: errno) }
    }

    public func remove(_ path: String) { _ = unlink(path) }

    public func rename(_ from: String, _ to: String) throws(FileIOError) {
        if Glibc.rename(from, to) != 0 { throw FileIOError(call: "rename", path: to, code: errno) }
    }

    public func syncDirectory(_ path: String) throws(FileIOError) {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw FileIOError(call: "open", path: path, code: errno) }
        defer { _ = Glibc.close(fd) }
        if fsync(fd) != 0 { throw FileIOError(call: "fsync", path: path, code: errno) }
    }

    public func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }
}

extension FileIO {
    /// Removes the temporary files (`NAME.new-PID`) that writers of `name` in `directory` left when
    /// they died while writing (their process is gone).
    public func removeAbandonedTemporaries(of name: String, in directory: String) {
        let prefix = name + ".new-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for found in names where found.hasPrefix(prefix) {
            guard let pid = Int32(found.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH {
                remove((directory.hasSuffix("/") ? directory : directory + "/") + found)
            }
        }
    }

    /// Puts a file in place atomically (a reader sees the old one or the new one, never half of
    /// one): `parts` are written to a temporary `NAME.new-PID` in the same folder, synced, renamed
    /// over `path`, and the folder is synced. On failure the temporary file is removed.
    public func replaceAtomically(_ path: String, in directory: String, with parts: [(offset: Int, bytes: [UInt8])]) throws(FileIOError) {
        let temp = path + ".new-\(getpid())"
        do throws(FileIOError) {
            let fd = try open(temp, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
            do throws(FileIOError) {
                for part in parts { try write(fd, part.bytes, offset: part.offset, path: temp) }
                try sync(fd, path: temp)
                close(fd)
            } catch {
                close(fd)
                throw error
            }
            try rename(temp, path)
            try syncDirectory(directory)
        } catch {
            remove(temp)
            throw error
        }
    }

    /// Writes `bytes` at `offset` (the file's end) and syncs; when either fails (a full disk, a size
    /// limit, a failed sync) whatever reached the file is taken back — truncated to `offset` — so
    /// that nothing partial stays behind, and the error is thrown.
    public func appendDurably(_ fd: Int32, _ bytes: [UInt8], at offset: Int, path: String) throws(FileIOError) {
        do throws(FileIOError) {
            try write(fd, bytes, offset: offset, path: path)
            try sync(fd, path: path)
        } catch {
            try? truncate(fd, length: offset, path: path)
            try? sync(fd, path: path)
            throw error
        }
    }

    /// Creates a folder and any missing parents: the folder itself with `mode`, parents 0755.
    public func makeDirectories(_ path: String, mode: UInt32) throws(FileIOError) {
        let parts = path.split(separator: "/")
        var prefix = path.hasPrefix("/") ? "" : "."
        for (i, part) in parts.enumerated() {
            prefix += "/" + part
            if !exists(prefix) {
                try makeDirectory(prefix, mode: i == parts.count - 1 ? mode : 0o755)
            }
        }
    }
}
