import Crypto
import Dispatch
import Foundation

/// A record's chain hash (SHA-256), held as four words: a million records' hashes are a million
/// values in one array, not a million small heap arrays.
public struct ChainHash: Sendable, Hashable {
    let w0, w1, w2, w3: UInt64

    /// The 32 bytes at `bytes`.
    init(_ bytes: UnsafeRawBufferPointer) {
        w0 = bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        w1 = bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        w2 = bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        w3 = bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
    }

    /// The hash of 32 bytes (anything else, which no record holds, is the zero hash).
    public init(bytes: [UInt8]) {
        if bytes.count == 32 {
            self = bytes.withUnsafeBytes { ChainHash($0) }
        } else {
            (w0, w1, w2, w3) = (0, 0, 0, 0)
        }
    }

    /// SHA-256 of `bytes` (swift-crypto: BoringSSL, with the processor's SHA instructions where
    /// it has them).
    static func sha256(_ bytes: UnsafeRawBufferPointer) -> ChainHash {
        var hasher = SHA256()
        hasher.update(bufferPointer: bytes)
        return hasher.finalize().withUnsafeBytes { ChainHash($0) }
    }

    /// All zero bits: a hash not computed.
    static let zero = ChainHash(bytes: [])

    public var bytes: [UInt8] {
        withUnsafeBytes(of: self) { Array($0) }
    }
}

/// One record as read back from the file.
public struct LogRecord: Sendable, Equatable {
    public let sequence: UInt64
    /// Byte offset of the record in the file.
    public let offset: Int
    /// The payload; empty when the record was read only to be verified, or when the log was
    /// opened without copying payloads (`payloadLength` is its length).
    public let payload: [UInt8]
    /// This record's chain hash (what the next record stores as its previous hash). After a scan
    /// with `ChainCheck.deferred`, the hash the next record claims for it (see there).
    public internal(set) var chainHash: ChainHash
    public let payloadLength: Int

    public init(sequence: UInt64, offset: Int, payload: [UInt8], hash: [UInt8], payloadLength: Int? = nil) {
        self.init(sequence: sequence, offset: offset, payload: payload, chainHash: ChainHash(bytes: hash), payloadLength: payloadLength)
    }

    init(sequence: UInt64, offset: Int, payload: [UInt8], chainHash: ChainHash, payloadLength: Int? = nil) {
        self.sequence = sequence
        self.offset = offset
        self.payload = payload
        self.chainHash = chainHash
        self.payloadLength = payloadLength ?? payload.count
    }

    /// The chain hash as bytes.
    public var hash: [UInt8] { chainHash.bytes }

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
    /// Not well-formed, with nothing valid after it, but the witness says it was acknowledged.
    case acknowledgedRecordDamaged(acknowledged: UInt64)
    /// The log ends at a record boundary before the last record the witness says was acknowledged.
    case acknowledgedRecordMissing(acknowledged: UInt64)
    /// The record the witness names has another chain hash.
    case differsFromWitness
    /// The witness file names another log.
    case foreignWitness

    public var zh: String {
        switch self {
        case .badFileHeader: return "文件头损坏（不是 chengxin 日志）"
        case .unsupportedVersion(let v): return "日志格式版本 \(v) 由更新版本的 chengxin 写入，本版本只能读取版本 \(LogFormat.version)"
        case .badRecordMagic: return "记录标记损坏"
        case .badLength(let l): return "记录长度异常（\(l) 字节）"
        case .checksumMismatch: return "校验和不符（内容被改动或损坏）"
        case .sequenceGap(let e, let f): return "序号不连续：应为 \(e)，实为 \(f)（记录被删除、重排或重复）"
        case .chainBreak: return "哈希链断裂：与前一条记录的哈希不符（记录被篡改、删除或重排）"
        case .acknowledgedRecordDamaged(let a): return "已确认写入的记录损坏（见证文件记到第 \(a) 条；不是未写完的记录，不会截去）"
        case .acknowledgedRecordMissing(let a): return "已确认写入的记录缺失：见证文件记到第 \(a) 条，日志在此之前就结束了（被截短或回滚）"
        case .differsFromWitness: return "与见证文件记下的哈希不符（记录被改写）"
        case .foreignWitness: return "见证文件 acknowledged.bin 属于另一份日志"
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
        case .acknowledgedRecordDamaged(let a): return "an acknowledged record is damaged (the witness goes up to record \(a); this is not an unfinished write and will not be cut)"
        case .acknowledgedRecordMissing(let a): return "acknowledged records are missing: the witness goes up to record \(a) but the log ends before it (cut short or rolled back)"
        case .differsFromWitness: return "differs from the hash the witness holds (the record was rewritten)"
        case .foreignWitness: return "the witness file acknowledged.bin belongs to another log"
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

/// How much of the hash chain a scan checks.
public enum ChainCheck: Sendable {
    /// Every record's SHA-256 is computed and compared with the previous-hash the next record holds.
    case full
    /// Every record's checksum, length and sequence number are checked, but not the links: a
    /// record's chain hash is taken as the one the next record holds for it (only the last
    /// record's is computed, for the next append). For an open whose caller checks the whole
    /// chain right afterwards on another thread (the dashboard: 校验中… then 已校验, or the log is
    /// made read-only), so that the first frame does not wait for 0.2 s of SHA-256 per million
    /// records. A log shorter than `LogScanner.parallelMinimum` is checked in full anyway.
    case deferred
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
        parallel: Bool = true, parallelFrom: Int = parallelMinimum, chainCheck: ChainCheck = .full
    ) -> (records: [LogRecord], validEnd: Int, tail: LogTail, headHash: [UInt8]) {
        bytes.withUnsafeBytes {
            scan($0, from: start, baseOffset: fileOffset, nextSequence: nextSequence, previousHash: previousHash, keepPayloads: keepPayloads,
                 parallel: parallel, parallelFrom: parallelFrom, chainCheck: chainCheck)
        }
    }

    /// Fewer bytes than this (an append's catch-up, a short tail) are not worth the threads.
    static let parallelMinimum = 2 * 1024 * 1024

    /// The scan itself, over bytes in memory (an array, or the mapped file).
    ///
    /// Records are checked on every core first (`checkAhead`: runs of bytes, joined where the walk
    /// from the start arrives). The records it joins are good; from the first place it did not
    /// join, the one-record-at-a-time scan below decides, exactly as it would have from the start,
    /// whether what follows is more good records, a torn tail or corruption (always checking the
    /// links: with `chainCheck` deferred, only those of the records `checkAhead` joined are left).
    static func scan(
        _ bytes: UnsafeRawBufferPointer, from start: Int, baseOffset fileOffset: Int, nextSequence: UInt64, previousHash: [UInt8],
        keepPayloads: Bool, parallel: Bool = true, parallelFrom: Int = parallelMinimum, chainCheck: ChainCheck = .full
    ) -> (records: [LogRecord], validEnd: Int, tail: LogTail, headHash: [UInt8]) {
        let baseOffset = fileOffset - start
        let ahead = parallel && bytes.count - start >= parallelFrom
        var records = ahead ? checkAhead(bytes, from: start, baseOffset: baseOffset, nextSequence: nextSequence,
                                         previousHash: ChainHash(bytes: previousHash), keepPayloads: keepPayloads, chainCheck: chainCheck) : []
        var offset = records.last.map { $0.offset - baseOffset + $0.size } ?? start
        var expected = records.last.map { $0.sequence + 1 } ?? nextSequence
        var prev = records.last?.chainHash ?? ChainHash(bytes: previousHash)
        var tail = LogTail.clean
        while offset < bytes.count {
            switch parseRecord(bytes, at: offset, keepPayload: keepPayloads) {
            case .success(let parsed):
                if parsed.sequence != expected {
                    tail = .corrupt(sequence: expected, offset: baseOffset + offset, damage: .sequenceGap(expected: expected, found: parsed.sequence))
                } else if parsed.previous != prev {
                    tail = .corrupt(sequence: expected, offset: baseOffset + offset, damage: .chainBreak)
                }
                if tail != .clean { break }
                let record = LogRecord(sequence: parsed.sequence, offset: baseOffset + offset, payload: parsed.payload, chainHash: parsed.hash, payloadLength: parsed.length)
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
        return (records, baseOffset + offset, tail, prev.bytes)
    }

    /// The records from `start` that are good (checksum, sequence, link), checked on every core,
    /// up to the first that is not (or the end).
    ///
    /// The bytes are cut into equal runs, one per task. A task finds the first record that starts
    /// in its run (magic, plausible length, and a matching checksum; the first task starts at
    /// `start`), then walks the records by their lengths, checking each, until it passes the end
    /// of its run. The runs are then joined in order: a run's records are taken only if it begins
    /// exactly where the walk of the run before it ended (the place the one-at-a-time walk would
    /// reach), its first record continues the sequence and the chain, and the run before it had no
    /// fault. So a place mistaken for a record start (bytes inside a payload that look like one)
    /// can only make the join stop early, and the one-at-a-time scan carries on from there.
    ///
    /// With `chainCheck` deferred no hash is computed but the last joined record's: each record
    /// takes the hash the next one holds for it (the first record's previous-hash is still
    /// compared with `previousHash`).
    static func checkAhead(_ bytes: UnsafeRawBufferPointer, from start: Int, baseOffset: Int, nextSequence: UInt64, previousHash: ChainHash,
                           keepPayloads: Bool, chainCheck: ChainCheck = .full) -> [LogRecord] {
        let linking = chainCheck == .full
        let tasks = 4 * max(1, ProcessInfo.processInfo.activeProcessorCount)
        let runLength = (bytes.count - start + tasks - 1) / tasks
        var runs = [Run](repeating: Run(), count: tasks)
        runs.withUnsafeMutableBufferPointer { buffer in
            let out = SendableBuffer(buffer: buffer), memory = SendableBytes(bytes: bytes)
            DispatchQueue.concurrentPerform(iterations: tasks) { task in
                let low = start + task * runLength, high = min(memory.bytes.count, low + runLength)
                guard low < high else { return }
                out.buffer[task] = walkRun(memory.bytes, from: low, to: high, first: task == 0, baseOffset: baseOffset, linking: linking)
            }
        }
        // Which runs join (in order, up to the first that does not), then their records copied
        // into one array, each run's part on its own thread.
        var joined: [(run: Int, at: Int)] = []
        var total = 0
        var offset = start, sequence = nextSequence, previous = previousHash
        for (index, run) in runs.enumerated() {
            if run.records.isEmpty && run.fault == nil { continue }
            guard run.begin == offset, let first = run.records.first, first.sequence == sequence,
                  run.firstPrevious == previous || (!linking && !joined.isEmpty) else { break }
            joined.append((index, total))
            total += run.records.count
            guard run.fault == nil, let last = run.records.last else { break }
            offset = run.end
            sequence = last.sequence + 1
            previous = last.chainHash
        }
        // (Never capacity 0: it writes the runtime's shared empty array, a race ThreadSanitizer sees.)
        var records = total == 0 ? [] : [LogRecord](unsafeUninitializedCapacity: total) { buffer, initialized in
            let out = SendableBuffer(buffer: buffer), parts = joined, found = runs, memory = SendableBytes(bytes: bytes)
            DispatchQueue.concurrentPerform(iterations: parts.count) { part in
                guard let base = out.buffer.baseAddress else { return }
                found[parts[part].run].records.withUnsafeBufferPointer { source in
                    for (i, record) in source.enumerated() {
                        let payload = keepPayloads ? Array(UnsafeRawBufferPointer(rebasing: memory.bytes[record.payloadStart(baseOffset)..<record.payloadStart(baseOffset) + record.length]))
                            : []
                        (base + parts[part].at + i).initialize(to: LogRecord(sequence: record.sequence, offset: record.offset, payload: payload,
                                                                            chainHash: record.chainHash, payloadLength: record.length))
                    }
                }
            }
            initialized = total
        }
        if !linking, let last = records.indices.last {
            // Each run's last record takes the hash the next run's first record holds for it; the
            // very last one's is computed.
            for part in joined.dropFirst() {
                if let claimed = runs[part.run].firstPrevious { records[part.at - 1].chainHash = claimed }
            }
            let start = records[last].offset - baseOffset
            records[last].chainHash = ChainHash.sha256(UnsafeRawBufferPointer(rebasing: bytes[start..<start + LogFormat.recordHeaderSize + records[last].payloadLength]))
        }
        return records
    }

    /// A good record as a run's walk found it (plain values: a million are gathered and joined
    /// without a reference count touched; the `LogRecord`s are made once, in place).
    struct Scanned {
        var sequence: UInt64
        /// In the file.
        var offset: Int
        var length: Int
        var chainHash: ChainHash

        /// Where its payload begins in the bytes scanned.
        func payloadStart(_ baseOffset: Int) -> Int { offset - baseOffset + LogFormat.recordHeaderSize }
    }

    /// What one task found in its run of bytes.
    struct Run {
        /// Where its first record starts (nil: none found).
        var begin: Int?
        /// The previous-record hash its first record holds.
        var firstPrevious: ChainHash?
        /// Its good records, consecutive and linked to each other.
        var records: [Scanned] = []
        /// Where the walk stopped: the first record start at or after the run's end.
        var end = 0
        /// The walk stopped early, at a record that is damaged or does not follow.
        var fault: Int?
    }

    /// `linking` false: the links are not checked (no hash computed); each record takes the hash the
    /// next one holds for it, and the run's last record has none yet (`checkAhead` gives it one).
    static func walkRun(_ bytes: UnsafeRawBufferPointer, from low: Int, to high: Int, first: Bool, baseOffset: Int, linking: Bool = true) -> Run {
        var run = Run()
        var offset = low
        if !first {
            // The first place in the run that holds a whole record with a matching checksum.
            while offset < high, offset + LogFormat.recordOverhead <= bytes.count {
                if hasMagic(bytes, at: offset), case .success = parseRecord(bytes, at: offset, keepPayload: false) { break }
                offset += 1
            }
            guard offset < high, offset + LogFormat.recordOverhead <= bytes.count else { return run }
        }
        run.begin = offset
        var previous: ChainHash?
        while offset < high {
            guard let parsed = checkedRecord(bytes, at: offset, keepPayload: false, hashing: linking) else {
                run.fault = offset
                break
            }
            if let last = run.records.indices.last {
                guard parsed.sequence == run.records[last].sequence + 1, !linking || parsed.previous == previous else {
                    run.fault = offset
                    break
                }
                if !linking { run.records[last].chainHash = parsed.previous }
            } else {
                run.firstPrevious = parsed.previous
            }
            run.records.append(Scanned(sequence: parsed.sequence, offset: baseOffset + offset, length: parsed.length, chainHash: parsed.hash))
            previous = parsed.hash
            offset += LogFormat.recordOverhead + parsed.length
        }
        run.end = offset
        return run
    }

    /// The record at `offset` when it is whole and its checksum matches (nil otherwise; `parseRecord`
    /// says why): a plain value, for the hot loop of a scan. The checksum, the hash and the fields
    /// are read in place; nothing is copied unless the payload is kept. `hashing` false: the record's
    /// own hash is not computed (it is left zero).
    @inline(__always)
    static func checkedRecord(_ bytes: UnsafeRawBufferPointer, at offset: Int, keepPayload: Bool, hashing: Bool = true) -> Parsed? {
        guard bytes.count - offset >= LogFormat.recordOverhead, hasMagic(bytes, at: offset) else { return nil }
        let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)))
        guard length <= LogFormat.maxPayload, bytes.count - offset >= LogFormat.recordOverhead + length else { return nil }
        let bodyEnd = offset + LogFormat.recordHeaderSize + length
        let body = UnsafeRawBufferPointer(rebasing: bytes[offset..<bodyEnd])
        guard CRC32C.checksum(buffer: body) == UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: bodyEnd, as: UInt32.self)) else { return nil }
        return Parsed(sequence: UInt64(littleEndian: body.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                      previous: ChainHash(UnsafeRawBufferPointer(rebasing: body[16..<48])),
                      payload: keepPayload ? Array(body[LogFormat.recordHeaderSize...]) : [],
                      hash: hashing ? ChainHash.sha256(body) : ChainHash.zero, length: length)
    }

    /// Whether the four bytes at `offset` (which must be in `bytes`) are the record magic "CXR\n".
    static func hasMagic(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self) == recordMagicWord
    }

    /// "CXR\n" as it lies in memory.
    static let recordMagicWord = UInt32(littleEndian: 0x0A52_5843)

    /// Each index is written by one thread only.
    private struct SendableBuffer<T>: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<T>
    }

    /// Bytes only read, by every thread.
    private struct SendableBytes: @unchecked Sendable {
        let bytes: UnsafeRawBufferPointer
    }

    /// Reads a whole log file's bytes.
    public static func scanFile(_ bytes: [UInt8], keepPayloads: Bool = true, chainCheck: ChainCheck = .full) -> Result<LogScan, HeaderProblem> {
        bytes.withUnsafeBytes { scanFile($0, keepPayloads: keepPayloads, chainCheck: chainCheck) }
    }

    static func scanFile(_ bytes: UnsafeRawBufferPointer, keepPayloads: Bool, chainCheck: ChainCheck = .full) -> Result<LogScan, HeaderProblem> {
        let header = Array(bytes.prefix(LogFormat.headerSize))
        switch readHeader(header) {
        case .failure(let problem):
            return .failure(problem)
        case .success(let logID):
            let genesis = LogFormat.sha256(header[...])
            let result = scan(bytes, from: LogFormat.headerSize, baseOffset: LogFormat.headerSize, nextSequence: 1, previousHash: genesis, keepPayloads: keepPayloads,
                              chainCheck: chainCheck)
            return .success(LogScan(logID: logID, records: result.records, validEnd: result.validEnd, tail: result.tail, headHash: result.headHash))
        }
    }

    struct Parsed {
        let sequence: UInt64
        let previous: ChainHash
        let payload: [UInt8]
        let hash: ChainHash
        let length: Int
    }

    static func parseRecord(_ bytes: [UInt8], at offset: Int, keepPayload: Bool = true) -> Result<Parsed, LogDamage> {
        bytes.withUnsafeBytes { parseRecord($0, at: offset, keepPayload: keepPayload) }
    }

    static func parseRecord(_ bytes: UnsafeRawBufferPointer, at offset: Int, keepPayload: Bool = true) -> Result<Parsed, LogDamage> {
        if let parsed = checkedRecord(bytes, at: offset, keepPayload: keepPayload) { return .success(parsed) }
        // Not a good record: say what is wrong with it.
        let available = bytes.count - offset
        guard available >= 8 else {
            return .failure(available >= 4 && !hasMagic(bytes, at: offset) ? .badRecordMagic : .badLength(0))
        }
        guard hasMagic(bytes, at: offset) else { return .failure(.badRecordMagic) }
        let length = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
        guard Int(length) <= LogFormat.maxPayload, available >= LogFormat.recordOverhead + Int(length) else { return .failure(.badLength(length)) }
        return .failure(.checksumMismatch)
    }

    /// The offset of the first complete, checksum-valid record after `offset`, if any.
    static func nextValidRecord(_ bytes: UnsafeRawBufferPointer, after offset: Int) -> Int? {
        var i = offset + 1
        while i + LogFormat.recordOverhead <= bytes.count {
            if hasMagic(bytes, at: i), case .success = parseRecord(bytes, at: i, keepPayload: false) {
                return i
            }
            i += 1
        }
        return nil
    }
}
