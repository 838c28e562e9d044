import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A place in the log from which reading can resume: the last record covered, where it starts
/// and ends, and its chain hash. Opening from it checks that record's bytes (CRC and hash) before
/// trusting anything, so a stale or foreign snapshot is never used.
public struct ResumePoint: Sendable, Equatable {
    public let logID: [UInt8]
    public let sequence: UInt64
    public let recordStart: Int
    public let end: Int
    public let hash: [UInt8]

    public init(logID: [UInt8], sequence: UInt64, recordStart: Int, end: Int, hash: [UInt8]) {
        self.logID = logID
        self.sequence = sequence
        self.recordStart = recordStart
        self.end = end
        self.hash = hash
    }

    /// Whether `bytes` (the file from `recordStart` to `end`) are exactly the record described.
    func matches(_ bytes: [UInt8], header: [UInt8]) -> Bool {
        if sequence == 0 {
            return end == LogFormat.headerSize && hash == LogFormat.sha256(header[...])
        }
        guard case .success(let parsed) = LogScanner.parseRecord(bytes, at: 0) else { return false }
        return parsed.sequence == sequence && parsed.hash == ChainHash(bytes: hash) && LogFormat.recordOverhead + parsed.payload.count == end - recordStart
    }
}

/// A snapshot of derived state: opaque payload bytes (the caller's encoding) tied to a resume
/// point in the log. Written atomically: temporary file, fsync, rename, fsync of the directory.
///
/// Layout (little-endian): magic "CXSNAP\r\n" (8), version 1 (4), reserved (4), log id (16),
/// sequence (8), record start (8), end (8), chain hash (32), payload length (8),
/// SHA-256 of the 96 bytes before it followed by the payload (32), payload.
public enum SnapshotFile {
    public static let fileName = "snapshot.bin"
    static let magic: [UInt8] = Array("CXSNAP\r\n".utf8)
    static let headerSize = 128

    public static func path(in directory: String) -> String {
        (directory.hasSuffix("/") ? directory : directory + "/") + fileName
    }

    public static func encode(point: ResumePoint, payload: [UInt8]) -> [UInt8] {
        header(point: point, payload: payload) + payload
    }

    /// The first 128 bytes: the fields, then the hash of the first 96 and the payload (hashed in
    /// place: a decade's snapshot is some 75 MB).
    static func header(point: ResumePoint, payload: [UInt8]) -> [UInt8] {
        var bytes = magic
        bytes += LogFormat.le32(1) + LogFormat.le32(0)
        bytes += point.logID
        bytes += LogFormat.le64(point.sequence) + LogFormat.le64(UInt64(point.recordStart)) + LogFormat.le64(UInt64(point.end))
        bytes += point.hash
        bytes += LogFormat.le64(UInt64(payload.count))
        var hasher = SHA256()
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        payload.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        bytes += Array(hasher.finalize())
        return bytes
    }

    /// The resume point and payload, or nil when the bytes are not an intact snapshot.
    public static func decode(_ bytes: [UInt8]) -> (point: ResumePoint, payload: Data)? {
        decode(Data(bytes))
    }

    /// The resume point and payload (a slice of `bytes`, not a copy), or nil when the bytes are
    /// not an intact snapshot.
    public static func decode(_ bytes: Data) -> (point: ResumePoint, payload: Data)? {
        let header: (point: ResumePoint, hashHolds: Bool)? = bytes.withUnsafeBytes { raw in
            guard raw.count >= headerSize, raw.prefix(8).elementsEqual(magic),
                  UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)) == 1 else { return nil }
            func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
            guard u64(88) == UInt64(raw.count - headerSize) else { return nil }
            // The hash covers the first 96 bytes and the payload, read in place (a snapshot of a
            // decade of records is about 75 MB: no copies).
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[0..<96]))
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[headerSize...]))
            let holds = Array(hasher.finalize()).elementsEqual(raw[96..<128])
            let start = u64(40), end = u64(48)
            guard start <= end, end <= UInt64(Int.max) else { return nil }
            let point = ResumePoint(logID: Array(raw[16..<32]), sequence: u64(32), recordStart: Int(start), end: Int(end), hash: Array(raw[56..<88]))
            return (point, holds)
        }
        guard let header, header.hashHolds else { return nil }
        return (header.point, bytes[(bytes.startIndex + headerSize)...])
    }

    /// Reads the snapshot in `directory` (mapped, not copied, where the system can); nil when
    /// missing or damaged.
    public static func read(directory: String, io: any FileIO = SystemFileIO()) -> (point: ResumePoint, payload: Data)? {
        let path = path(in: directory)
        guard io.exists(path) else { return nil }
        do throws(FileIOError) {
            let fd = try io.open(path, flags: O_RDONLY, mode: 0)
            defer { io.close(fd) }
            return decode(try io.readWhole(fd, count: try io.size(fd, path: path), path: path))
        } catch {
            return nil
        }
    }

    /// Removes temporary files left by writers that died while writing (`snapshot.bin.new-PID`
    /// whose process is gone): a snapshot of a decade of records is tens of megabytes.
    static func removeAbandonedTemporaries(directory: String, io: any FileIO) {
        let prefix = fileName + ".new-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH {
                io.remove((directory.hasSuffix("/") ? directory : directory + "/") + name)
            }
        }
    }

    /// Writes a snapshot atomically: a reader sees the old one or the new one, never half of one.
    public static func write(directory: String, point: ResumePoint, payload: [UInt8], io: any FileIO = SystemFileIO()) throws(LogError) {
        let path = path(in: directory)
        removeAbandonedTemporaries(directory: directory, io: io)
        let temp = path + ".new-\(getpid())"
        do throws(FileIOError) {
            let fd = try io.open(temp, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
            do throws(FileIOError) {
                // The header, then the payload where it lies (no copy of it).
                try io.write(fd, header(point: point, payload: payload), offset: 0, path: temp)
                try io.write(fd, payload, offset: headerSize, path: temp)
                try io.sync(fd, path: temp)
                io.close(fd)
            } catch {
                io.close(fd)
                io.remove(temp)
                throw error
            }
            try io.rename(temp, path)
            try io.syncDirectory(directory)
        } catch {
            io.remove(temp)
            throw .io(error)
        }
    }
}
