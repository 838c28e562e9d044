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

/// The key that authenticates snapshots: `SHA-256("chengxin-snapshot-key v1" ‖ the 32-byte
/// checkpoint private key)` (docs/log-format.md, "The snapshot key"). Whoever cannot sign
/// checkpoints cannot make a snapshot that chengxin will use.
public struct SnapshotKey: Sendable {
    /// The 32 key bytes (kept as plain bytes: `SymmetricKey` is not `Sendable`).
    let bytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: bytes) }

    public init(checkpointKey: Curve25519.Signing.PrivateKey) {
        self.init(rawCheckpointKey: Array(checkpointKey.rawRepresentation))
    }

    public init(rawCheckpointKey: [UInt8]) {
        bytes = Array(SHA256.hash(data: Array("chengxin-snapshot-key v1".utf8) + rawCheckpointKey))
    }
}

/// What an authentic snapshot holds: where it stands in the log, which of the records it covers
/// are unreadable events, and the state (the caller's encoding).
public struct SnapshotContents: Sendable {
    public let point: ResumePoint
    /// Sequence numbers of the unreadable events among records `1...point.sequence`, ascending.
    public let unreadable: [UInt64]
    public let payload: Data
}

/// What is in a data directory's snapshot file, as far as the key can tell.
public enum SnapshotReading: Sendable {
    case absent
    /// Its MAC holds with this key.
    case authentic(SnapshotContents)
    /// A version-2 snapshot whose MAC does not hold: edited, or written under another key.
    case forged
    /// Another format version (version 1's plain hash could be recomputed by anyone): not used.
    case otherVersion(UInt32)
    /// Not a snapshot at all (cut short, wrong magic, lengths that do not add up).
    case malformed
}

/// A snapshot of derived state tied to a resume point in the log and authenticated with the
/// snapshot key. Written atomically: temporary file, fsync, rename, fsync of the directory.
///
/// Layout (little-endian, docs/log-format.md "Snapshots"): magic "CXSNAP\r\n" (8), version 2 (4),
/// reserved (4), log id (16), sequence (8), record start (8), end (8), chain hash (32), payload
/// length (8), HMAC-SHA256 of bytes 0..<96 and 128..<end (32), unreadable count U (8), U sequence
/// numbers (8 each), payload.
public enum SnapshotFile {
    public static let fileName = "snapshot.bin"
    /// Where a snapshot whose MAC failed is moved (kept as evidence) before a new one is written.
    public static let rejectedName = "snapshot.rejected.bin"
    static let magic: [UInt8] = Array("CXSNAP\r\n".utf8)
    static let version: UInt32 = 2
    static let headerSize = 128

    public static func path(in directory: String) -> String {
        (directory.hasSuffix("/") ? directory : directory + "/") + fileName
    }

    public static func encode(point: ResumePoint, unreadable: [UInt64] = [], payload: [UInt8], key: SnapshotKey) -> [UInt8] {
        let (head, list) = header(point: point, unreadable: unreadable, payload: payload, key: key)
        return head + list + payload
    }

    /// The first 128 bytes and the list of unreadable events that follows them; the MAC covers
    /// the first 96, the list and the payload (read in place: a decade's snapshot is some 75 MB).
    static func header(point: ResumePoint, unreadable: [UInt64], payload: [UInt8], key: SnapshotKey) -> (header: [UInt8], list: [UInt8]) {
        var bytes = magic
        bytes += LogFormat.le32(version) + LogFormat.le32(0)
        bytes += point.logID
        bytes += LogFormat.le64(point.sequence) + LogFormat.le64(UInt64(point.recordStart)) + LogFormat.le64(UInt64(point.end))
        bytes += point.hash
        bytes += LogFormat.le64(UInt64(payload.count))
        let list = LogFormat.le64(UInt64(unreadable.count)) + unreadable.flatMap(LogFormat.le64)
        var mac = HMAC<SHA256>(key: key.key)
        bytes.withUnsafeBytes { mac.update(data: $0) }
        list.withUnsafeBytes { mac.update(data: $0) }
        payload.withUnsafeBytes { mac.update(data: $0) }
        bytes += Array(mac.finalize())
        return (bytes, list)
    }

    /// What the bytes of a snapshot file are, as far as `key` can tell (the payload of an
    /// authentic one is a slice of `bytes`, not a copy).
    public static func decode(_ bytes: Data, key: SnapshotKey) -> SnapshotReading {
        bytes.withUnsafeBytes { raw -> SnapshotReading in
            guard raw.count >= headerSize + 8, raw.prefix(8).elementsEqual(magic) else { return .malformed }
            let version = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            guard version == SnapshotFile.version else { return .otherVersion(version) }
            func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
            let count = u64(headerSize)
            guard count <= UInt64(raw.count - headerSize - 8) / 8 else { return .malformed }
            let payloadStart = headerSize + 8 + 8 * Int(count)
            guard u64(88) == UInt64(raw.count - payloadStart) else { return .malformed }
            var mac = HMAC<SHA256>(key: key.key)
            mac.update(data: UnsafeRawBufferPointer(rebasing: raw[0..<96]))
            mac.update(data: UnsafeRawBufferPointer(rebasing: raw[headerSize...]))
            guard Array(mac.finalize()).elementsEqual(raw[96..<headerSize]) else { return .forged }
            let start = u64(40), end = u64(48)
            guard start <= end, end <= UInt64(Int.max) else { return .malformed }
            let point = ResumePoint(logID: Array(raw[16..<32]), sequence: u64(32), recordStart: Int(start), end: Int(end), hash: Array(raw[56..<88]))
            let unreadable = (0..<Int(count)).map { u64(headerSize + 8 + 8 * $0) }
            return .authentic(SnapshotContents(point: point, unreadable: unreadable, payload: bytes[(bytes.startIndex + payloadStart)...]))
        }
    }

    /// What the data directory's snapshot file is (mapped, not copied, where the system can).
    public static func inspect(directory: String, key: SnapshotKey, io: any FileIO = SystemFileIO()) -> SnapshotReading {
        let path = path(in: directory)
        guard io.exists(path) else { return .absent }
        do throws(FileIOError) {
            let fd = try io.open(path, flags: O_RDONLY, mode: 0)
            defer { io.close(fd) }
            return decode(try io.readWhole(fd, count: try io.size(fd, path: path), path: path), key: key)
        } catch {
            return .malformed
        }
    }

    /// The data directory's snapshot when it is authentic; nil otherwise.
    public static func read(directory: String, key: SnapshotKey, io: any FileIO = SystemFileIO()) -> SnapshotContents? {
        if case .authentic(let contents) = inspect(directory: directory, key: key, io: io) { return contents }
        return nil
    }

    /// Moves a snapshot that failed its MAC aside (`snapshot.rejected.bin`, replacing an older
    /// one), so that the evidence is not overwritten by the next snapshot.
    public static func setAsideForged(directory: String, io: any FileIO = SystemFileIO()) {
        let folder = directory.hasSuffix("/") ? directory : directory + "/"
        try? io.rename(path(in: directory), folder + rejectedName)
    }

    /// Writes a snapshot atomically: a reader sees the old one or the new one, never half of one.
    public static func write(directory: String, point: ResumePoint, unreadable: [UInt64] = [], payload: [UInt8], key: SnapshotKey,
                             io: any FileIO = SystemFileIO()) throws(LogError) {
        // A snapshot of a decade of records is tens of megabytes: a dead writer's is not kept.
        io.removeAbandonedTemporaries(of: fileName, in: directory)
        // The header and the list, then the payload where it lies (no copy of it).
        let (head, list) = header(point: point, unreadable: unreadable, payload: payload, key: key)
        do throws(FileIOError) {
            try io.replaceAtomically(path(in: directory), in: directory, with: [(0, head + list), (headerSize + list.count, payload)])
        } catch {
            throw .io(error)
        }
    }
}
