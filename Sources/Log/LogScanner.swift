import Dispatch

/// One record as read back from the file.
public struct LogRecord: Sendable, Equatable {
    public let sequence: UInt64
    /// Byte offset of the record in the file.
    public let offset: Int
    /// The payload; empty when the record was read only to be verified (`payloadLength` is its length).
    public let payload: [UInt8]
    /// This record's chain hash (what the next record stores as its previous hash).
    public let hash: [UInt8]
    public let payloadLength: Int

    public init(sequence: UInt64, offset: Int, payload: [UInt8], hash: [UInt8], payloadLength: Int? = nil) {
        self.sequence = sequence
        self.offset = offset
        self.payload = payload
        self.hash = hash
        self.payloadLength = payloadLength ?? payload.count
    }

    public var size: Int { LogFormat.recordOverhead + payloadLength }
}

/// What is wrong at a place in the file.
public enum LogDamage: Error, Sendable, Equatable {
    case badFileHeader
    case unsupportedVersion(UInt32)
    case badRecordMagic
    case badLength(UInt32)
    case checksumMismatch
    case sequenceGap(expected: UInt64, found: UInt64)
    case chainBreak

    public var zh: String {
        switch self {
        case .badFileHeader: return "文件头损坏（不是 chengxin 日志）"
        case .unsupportedVersion(let v): return "日志格式版本 \(v) 由更新版本的 chengxin 写入，本版本只能读取版本 \(LogFormat.version)"
        case .badRecordMagic: return "记录标记损坏"
        case .badLength(let l): return "记录长度异常（\(l) 字节）"
        case .checksumMismatch: return "校验和不符（内容被改动或损坏）"
        case .sequenceGap(let e, let f): return "序号不连续：应为 \(e)，实为 \(f)（记录被删除、重排或重复）"
        case .chainBreak: return "哈希链断裂：与前一条记录的哈希不符（记录被篡改、删除或重排）"
        }
    }

    public var en: String {
        switch self {
        case .badFileHeader: return "damaged file header (not a chengxin log)"
        case .unsupportedVersion(let v): return "log format version \(v) was written by a newer chengxin; this version reads version \(LogFormat.version)"
        case .badRecordMagic: return "damaged record marker"
        case .badLength(let l): return "impossible record length (\(l) bytes)"
        case .checksumMismatch: return "checksum mismatch (content altered or damaged)"
        case .sequenceGap(let e, let f): return "sequence gap: expected \(e), found \(f) (records deleted, reordered or duplicated)"
        case .chainBreak: return "hash chain broken: previous-hash does not match (records altered, deleted or reordered)"
        }
    }
}

/// The state of the bytes after the last good record.
public enum LogTail: Sendable, Equatable {
    /// The file ends exactly after the last good record.
    case clean
    /// An incomplete or damaged last record with nothing valid after it: a write that did not finish.
    case torn(offset: Int, length: Int)
    /// Damage followed by valid records, or a valid-looking record that breaks the chain: corruption.
    case corrupt(sequence: UInt64, offset: Int, damage: LogDamage)
}

/// The result of reading a whole log file.
public struct LogScan: Sendable {
    public let logID: [UInt8]
    public let records: [LogRecord]
    /// End of the last good record: where the next record goes.
    public let validEnd: Int
    public let tail: LogTail
    /// The chain hash of the last good record (SHA-256 of the header for an empty log).
    public let headHash: [UInt8]
}

/// Reads a log's bytes and tells good records from a torn tail and from corruption.
/// Never traps on any byte sequence.
public enum LogScanner {
    public enum HeaderProblem: Error, Sendable, Equatable {
        case damaged
        case newerVersion(UInt32)
    }

    public static func readHeader(_ bytes: [UInt8]) -> Result<[UInt8], HeaderProblem> {
        guard bytes.count >= LogFormat.headerSize, Array(bytes[0..<8]) == LogFormat.fileMagic else {
            return .failure(.damaged)
        }
        let version = LogFormat.readLE32(bytes, 8)
        if version > LogFormat.version { return .failure(.newerVersion(version)) }
        if version != LogFormat.version { return .failure(.damaged) }
        return .success(Array(bytes[16..<32]))
    }

    /// Scans record bytes. `bytes` holds the file from offset `baseOffset` on (just after the header,
    /// or after the records already known); `previousHash` is the chain hash before the first of them.
    /// With `keepPayloads` false (verification), records carry their hash and length but no payload copy.
    public static func scan(
        _ bytes: [UInt8], baseOffset: Int, nextSequence: UInt64, previousHash: [UInt8], keepPayloads: Bool = true
    ) -> (records: [LogRecord], validEnd: Int, tail: LogTail, headHash: [UInt8]) {
        scan(bytes, from: 0, baseOffset: baseOffset, nextSequence: nextSequence, previousHash: previousHash, keepPayloads: keepPayloads)
    }

    /// The same over `bytes[start...]` (no copy of the rest of the file); `baseOffset` is the file
    /// offset of `bytes[start]`.
    static func scan(
        _ bytes: [UInt8], from start: Int, baseOffset fileOffset: Int, nextSequence: UInt64, previousHash: [UInt8], keepPayloads: Bool,
        parallel: Bool = true
    ) -> (records: [LogRecord], validEnd: Int, tail: LogTail, headHash: [UInt8]) {
        let baseOffset = fileOffset - start
        var records: [LogRecord] = []
        var offset = start
        var expected = nextSequence
        var prev = previousHash
        var tail = LogTail.clean
        let ahead = parallel ? precompute(bytes, from: start, keepPayloads: keepPayloads) : (offsets: [], results: [])
        var k = 0
        while offset < bytes.count {
            let result: Result<Parsed, LogDamage>
            if k < ahead.offsets.count, ahead.offsets[k] == offset, let done = ahead.results[k] {
                result = done
                k += 1
            } else {
                result = parseRecord(bytes, at: offset, keepPayload: keepPayloads)
            }
            switch result {
            case .success(let parsed):
                if parsed.sequence != expected {
                    tail = .corrupt(sequence: expected, offset: baseOffset + offset, damage: .sequenceGap(expected: expected, found: parsed.sequence))
                } else if parsed.previous != prev {
                    tail = .corrupt(sequence: expected, offset: baseOffset + offset, damage: .chainBreak)
                }
                if tail != .clean { break }
                let record = LogRecord(sequence: parsed.sequence, offset: baseOffset + offset, payload: parsed.payload, hash: parsed.hash, payloadLength: parsed.length)
                records.append(record)
                prev = parsed.hash
                expected += 1
                offset += record.size
                continue
            case .failure(let damage):
                if nextValidRecord(bytes, after: offset) != nil {
                    tail = .corrupt(sequence: expected, offset: baseOffset + offset, damage: damage)
                } else {
                    tail = .torn(offset: baseOffset + offset, length: bytes.count - offset)
                }
            }
            break
        }
        return (records, baseOffset + offset, tail, prev)
    }

    /// Checksums and hashes of the records ahead, on every core: the records' places follow from
    /// their length fields alone, and each record's CRC and chain hash depend only on its own bytes,
    /// so only the comparisons (sequence, link to the previous hash) need to stay in order. Records
    /// are found by walking the lengths while the magic and the length are plausible; the scan then
    /// uses these results where its own walk arrives, and parses anything else itself, so what it
    /// decides is exactly what a one-record-at-a-time scan decides.
    static func precompute(_ bytes: [UInt8], from start: Int, keepPayloads: Bool) -> (offsets: [Int], results: [Result<Parsed, LogDamage>?]) {
        var offsets: [Int] = []
        var offset = start
        let magic = LogFormat.recordMagic
        while offset + LogFormat.recordOverhead <= bytes.count,
              bytes[offset] == magic[0], bytes[offset + 1] == magic[1], bytes[offset + 2] == magic[2], bytes[offset + 3] == magic[3] {
            let length = Int(LogFormat.readLE32(bytes, offset + 4))
            guard length <= LogFormat.maxPayload, offset + LogFormat.recordOverhead + length <= bytes.count else { break }
            offsets.append(offset)
            offset += LogFormat.recordOverhead + length
        }
        // Small reads (an append's catch-up, a short tail) are not worth the threads.
        guard offsets.count >= 4096 else { return ([], []) }
        var results = [Result<Parsed, LogDamage>?](repeating: nil, count: offsets.count)
        let chunks = 16
        let per = (offsets.count + chunks - 1) / chunks
        results.withUnsafeMutableBufferPointer { buffer in
            let out = SendableBuffer(buffer: buffer)
            let places = offsets
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let from = chunk * per, to = min(places.count, from + per)
                guard from < to else { return }
                for i in from..<to {
                    out.buffer[i] = parseRecord(bytes, at: places[i], keepPayload: keepPayloads)
                }
            }
        }
        return (offsets, results)
    }

    /// Each index is written by one thread only.
    private struct SendableBuffer<T>: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<T>
    }

    /// Reads a whole log file's bytes.
    public static func scanFile(_ bytes: [UInt8], keepPayloads: Bool = true) -> Result<LogScan, HeaderProblem> {
        switch readHeader(bytes) {
        case .failure(let problem):
            return .failure(problem)
        case .success(let logID):
            let genesis = LogFormat.sha256(bytes[0..<LogFormat.headerSize])
            let result = scan(bytes, from: LogFormat.headerSize, baseOffset: LogFormat.headerSize, nextSequence: 1, previousHash: genesis, keepPayloads: keepPayloads)
            return .success(LogScan(logID: logID, records: result.records, validEnd: result.validEnd, tail: result.tail, headHash: result.headHash))
        }
    }

    struct Parsed {
        let sequence: UInt64
        let previous: [UInt8]
        let payload: [UInt8]
        let hash: [UInt8]
        let length: Int
    }

    static func parseRecord(_ bytes: [UInt8], at offset: Int, keepPayload: Bool = true) -> Result<Parsed, LogDamage> {
        let available = bytes.count - offset
        let magic = LogFormat.recordMagic
        func magicMatches() -> Bool {
            bytes[offset] == magic[0] && bytes[offset + 1] == magic[1] && bytes[offset + 2] == magic[2] && bytes[offset + 3] == magic[3]
        }
        guard available >= 8 else {
            return .failure(available >= 4 && !magicMatches() ? .badRecordMagic : .badLength(0))
        }
        guard magicMatches() else { return .failure(.badRecordMagic) }
        let length = LogFormat.readLE32(bytes, offset + 4)
        guard Int(length) <= LogFormat.maxPayload else { return .failure(.badLength(length)) }
        let total = LogFormat.recordOverhead + Int(length)
        guard available >= total else { return .failure(.badLength(length)) }
        let body = bytes[offset..<offset + LogFormat.recordHeaderSize + Int(length)]
        let stored = LogFormat.readLE32(bytes, offset + LogFormat.recordHeaderSize + Int(length))
        guard CRC32C.checksum(body) == stored else { return .failure(.checksumMismatch) }
        let sequence = LogFormat.readLE64(bytes, offset + 8)
        let previous = Array(bytes[offset + 16..<offset + 48])
        let payload = keepPayload ? Array(bytes[offset + 48..<offset + 48 + Int(length)]) : []
        return .success(Parsed(sequence: sequence, previous: previous, payload: payload, hash: LogFormat.sha256(body), length: Int(length)))
    }

    /// The offset of the first complete, checksum-valid record after `offset`, if any.
    static func nextValidRecord(_ bytes: [UInt8], after offset: Int) -> Int? {
        var i = offset + 1
        let magic = LogFormat.recordMagic
        while i + LogFormat.recordOverhead <= bytes.count {
            if bytes[i] == magic[0], bytes[i + 1] == magic[1], bytes[i + 2] == magic[2], bytes[i + 3] == magic[3],
               case .success = parseRecord(bytes, at: i, keepPayload: false) {
                return i
            }
            i += 1
        }
        return nil
    }
}
