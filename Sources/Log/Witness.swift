import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The witness of the last acknowledged record (`DATA/acknowledged.bin`, docs/log-format.md):
/// written after every append's `fdatasync`, so it is never ahead of what is durable. It tells a
/// write that never finished (a torn tail, cut with a warning) from damage to a record that was
/// acknowledged (corruption: the log goes read-only).
public struct Witness: Sendable, Equatable {
    public static let fileName = "acknowledged.bin"
    static let magic: [UInt8] = Array("CXACK\r\n".utf8) + [0x1A]
    static let slotSize = 80

    public let logID: [UInt8]
    /// The sequence number of the last acknowledged record (0: none).
    public let sequence: UInt64
    /// Where that record ends (32 for none).
    public let end: Int
    /// That record's chain hash (the genesis hash for none).
    public let hash: [UInt8]

    public init(logID: [UInt8], sequence: UInt64, end: Int, hash: [UInt8]) {
        self.logID = logID
        self.sequence = sequence
        self.end = end
        self.hash = hash
    }

    public static func path(in directory: String) -> String {
        (directory.hasSuffix("/") ? directory : directory + "/") + fileName
    }

    /// The slot this witness is written to (`sequence mod 2`) and its 80 bytes.
    var slot: (offset: Int, bytes: [UInt8]) {
        var bytes = Witness.magic + logID + LogFormat.le64(sequence) + LogFormat.le64(UInt64(end)) + hash
        bytes += LogFormat.le32(CRC32C.checksum(bytes)) + [0, 0, 0, 0]
        return (Int(sequence % 2) * Witness.slotSize, bytes)
    }

    /// The witness in a file's bytes: the valid slot with the larger sequence number; nil when
    /// neither slot is valid.
    static func decode(_ bytes: [UInt8]) -> Witness? {
        var best: Witness?
        for slot in 0..<2 {
            let start = slot * slotSize
            guard bytes.count >= start + slotSize else { continue }
            let s = Array(bytes[start..<start + slotSize])
            guard Array(s[0..<8]) == magic, LogFormat.readLE32(s, 72) == CRC32C.checksum(s[0..<72]) else { continue }
            let end = LogFormat.readLE64(s, 32)
            guard end <= UInt64(Int.max) else { continue }
            let found = Witness(logID: Array(s[8..<24]), sequence: LogFormat.readLE64(s, 24), end: Int(end), hash: Array(s[40..<72]))
            if best.map({ found.sequence > $0.sequence }) ?? true { best = found }
        }
        return best
    }

    /// Reads the witness of the log in `directory`; nil when there is none (no file, or no valid slot).
    public static func read(directory: String, io: any FileIO) -> Witness? {
        let path = path(in: directory)
        guard io.exists(path) else { return nil }
        do throws(FileIOError) {
            let fd = try io.open(path, flags: O_RDONLY, mode: 0)
            defer { io.close(fd) }
            return decode(try io.read(fd, offset: 0, count: 2 * slotSize, path: path))
        } catch {
            return nil
        }
    }

    /// What the witness says about a scan that found `count` good records (the last one's chain
    /// hash `headHash`, ending at `validEnd`) and then `tail`; `hashOf` gives a good record's chain
    /// hash and start when it is known (records read in this scan, or the resume point). Returns the
    /// tail as it must be taken: a torn tail over an acknowledged record, a log shorter than its
    /// witness, or a record that differs from it, is corruption.
    public func judge(tail: LogTail, logID: [UInt8], lastSequence: UInt64, validEnd: Int, hashOf: (UInt64) -> (hash: [UInt8], offset: Int)?) -> LogTail {
        if case .corrupt = tail { return tail }
        guard logID == self.logID else { return .corrupt(sequence: 0, offset: 0, damage: .foreignWitness) }
        if case .torn(let offset, _) = tail, sequence > lastSequence {
            return .corrupt(sequence: lastSequence + 1, offset: offset, damage: .acknowledgedRecordDamaged(acknowledged: sequence))
        }
        if sequence > lastSequence {
            return .corrupt(sequence: lastSequence + 1, offset: validEnd, damage: .acknowledgedRecordMissing(acknowledged: sequence))
        }
        if let known = hashOf(sequence), known.hash != hash {
            return .corrupt(sequence: sequence, offset: known.offset, damage: .differsFromWitness)
        }
        return tail
    }
}

extension LogScan {
    /// A good record's chain hash and start, when this scan read it (`resumedFrom`: the record a
    /// resumed scan started after).
    func knownHash(_ sequence: UInt64, resumedFrom point: ResumePoint?) -> (hash: [UInt8], offset: Int)? {
        if let first = records.first, sequence >= first.sequence, sequence - first.sequence < UInt64(records.count) {
            let record = records[Int(sequence - first.sequence)]
            return (record.hash, record.offset)
        }
        if let point, sequence == point.sequence { return (point.hash, point.recordStart) }
        if records.isEmpty, point == nil, sequence == 0 { return (headHash, 0) }
        return nil
    }

    /// The scan as the witness in `directory` has it judged (docs/log-format.md, "Reading and verifying").
    func judged(by witness: Witness?, resumedFrom point: ResumePoint?) -> LogScan {
        guard let witness else { return self }
        let last = records.last?.sequence ?? point?.sequence ?? 0
        let tail = witness.judge(tail: tail, logID: logID, lastSequence: last, validEnd: validEnd) { knownHash($0, resumedFrom: point) }
        return LogScan(logID: logID, records: records, validEnd: validEnd, tail: tail, headHash: headHash)
    }
}

/// A torn tail a writer cut off: where it was, its bytes' SHA-256 and the file that keeps them.
/// Recorded in the log as the event `log.tail-cut` (docs/log-format.md, "Appending", step 2).
public struct TornTailCut: Sendable, Equatable {
    public static let folder = "cut"
    public static let eventType = "log.tail-cut"

    public let offset: Int
    public let length: Int
    /// Lower-case hex SHA-256 of the bytes cut.
    public let sha256: String
    /// The file that keeps them, relative to the data directory.
    public let file: String
    /// When it was cut (ISO 8601 UTC).
    public let at: String

    /// The event's payload, as every writer of the format spells it (keys sorted, no spaces; every
    /// value here is plain ASCII, so nothing needs escaping).
    var payload: [UInt8] {
        let data = "{\"file\":\"\(file)\",\"length\":\(length),\"offset\":\(offset),\"sha256\":\"\(sha256)\"}"
        let key = "\(TornTailCut.eventType):\(offset):\(sha256)"
        return Array("{\"actor\":\"system\",\"at\":\"\(at)\",\"data\":\(data),\"key\":\"\(key)\",\"type\":\"\(TornTailCut.eventType)\",\"v\":1}".utf8)
    }

    /// The time now, as ISO 8601 (`2026-12-06T20:21:17Z`) and compact for a file name (`20261206T202117Z`).
    static func utcNow() -> (iso: String, compact: String) {
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let date = "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
        let clock = "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
        return (date + "T" + clock + "Z", date.replacingOccurrences(of: "-", with: "") + "T" + clock.replacingOccurrences(of: ":", with: "") + "Z")
    }
}
