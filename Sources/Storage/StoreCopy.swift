import Core
import Foundation
import Log
import PostgresLog

/// A log read a batch of records at a time: a shared record in PostgreSQL, or a data directory's
/// log as `LogVerifier` checked it (`CheckedFile`).
protocol LogReading {
    /// The log's header (32 bytes); nil: no log.
    func header() throws(LogError) -> [UInt8]?
    /// Up to `limit` records after record `sequence`, concatenated; record `sequence`'s chain hash
    /// must be `head` (for 0: the genesis hash of the header), else `LogError.sharedDiverged`.
    func records(after sequence: UInt64, head: [UInt8], limit: Int) throws(LogError) -> [UInt8]
}

extension PostgresRecord: LogReading {}

/// The good records of a data directory's log, as `LogVerifier` read and checked them (the file it
/// mapped: `VerificationReport.bytes`).
struct CheckedFile: LogReading {
    let report: VerificationReport

    func header() -> [UInt8]? {
        report.bytes.count >= LogFormat.headerSize ? [UInt8](report.bytes.prefix(LogFormat.headerSize)) : nil
    }

    var count: UInt64 { UInt64(report.recordCount) }

    /// The chain hash of record `sequence` (0: the genesis hash of the header).
    func hash(at sequence: UInt64) -> [UInt8] {
        sequence == 0 ? LogFormat.sha256((header() ?? [])[...]) : report.records[Int(sequence) - 1].hash
    }

    func records(after sequence: UInt64, head: [UInt8], limit: Int) throws(LogError) -> [UInt8] {
        guard sequence <= count, hash(at: sequence) == head else { throw .sharedDiverged(sequence: sequence) }
        let last = min(count, sequence + UInt64(max(limit, 0)))
        guard last > sequence else { return [] }
        let start = report.records[Int(sequence)].offset, end = report.records[Int(last) - 1].offset + report.records[Int(last) - 1].size
        return report.bytes.withUnsafeBytes { [UInt8]($0[start..<end]) }
    }
}

/// `chengxin store copy` (issue 21): a log copied between a data directory and a shared record in
/// PostgreSQL (either way, or between two of either), byte for byte. The source is checked in full
/// first — every record's CRC, sequence number and link, as any log is read — and nothing is
/// written when it does not check out; the target must be empty or hold a prefix of the source
/// (its header and its records byte-identical to the source's first ones), and then only the rest
/// is copied. A file log copied into PostgreSQL and back is the same file. The signed checkpoints
/// of the log go along (`checkpoints.txt` ↔ `chengxin_checkpoints`).
public enum StoreCopy {
    /// One end of a copy: a data directory, or a shared record (a `postgres://` address).
    public enum End {
        case directory(String)
        case record(PostgresRecord)

        public init(_ text: String) {
            self = PostgresAddress.isAddress(text) ? .record(PostgresRecord(address: text)) : .directory(Locations.absolute(text))
        }

        /// As messages name it (an address without its password).
        public var shown: String {
            switch self {
            case .directory(let path): return path
            case .record(let record): return record.shown
            }
        }
    }

    /// What a copy did.
    public struct Outcome: Sendable {
        /// The records the target held already (the source's first ones).
        public let held: UInt64
        /// The records copied now.
        public let copied: UInt64
        /// The chain hash of the last record (the source's head as checked).
        public let headHash: [UInt8]
        /// Checkpoint lines added to the target.
        public let checkpoints: Int
        /// An unfinished, never acknowledged last record of the source (its byte offset), left behind.
        public let tornTail: Int?

        public var total: UInt64 { held + copied }
    }

    /// Records read and written at a time.
    static let batch = EventLog.upstreamBatch

    /// Copies `source` to `target` (see the type). `progress`: the records the target holds and
    /// the total, after each batch. Every refusal says why and leaves the target as it was.
    public static func copy(from source: End, to target: End, progress: ((UInt64, UInt64) -> Void)? = nil) throws(LocalizedMessage) -> Outcome {
        do {
            let state = try targetState(target)
            let checked = try check(source, noting: state.count)
            if let reading = state.reading {
                if let difference = try firstDifference(checked.reading, reading, through: min(state.count, checked.count)) {
                    throw notPrefix(target, zh: difference.zh, en: difference.en)
                }
                if state.count > checked.count {
                    throw notPrefix(target, zh: "它有 \(state.count) 条记录，来源只有 \(checked.count) 条", en: "it holds \(state.count) records, the source \(checked.count)")
                }
            }
            let tell: (UInt64) -> Void = { done in progress?(done, checked.count) }
            switch target {
            case .record(let record):
                try SharedCopy.migrate(record)
                if state.reading == nil { try record.create(header: checked.header) }
                _ = try walk(checked.reading, after: state.count, head: checked.headAtTarget, through: checked.count) { _, _, bytes, records in
                    guard let first = records.first?.sequence, let last = records.last?.sequence else { return true }
                    // Someone else appended to the target meanwhile: it is no longer a prefix.
                    guard try record.append(bytes, first: first, count: records.count) else { throw LogError.sharedDiverged(sequence: first - 1) }
                    tell(last)
                    return true
                }
            case .directory(let directory):
                try extend(directory, creating: state.reading == nil ? checked.header : nil, from: checked.reading, through: checked.count,
                           shown: source.shown, progress: tell)
            }
            let lines = try checkpointLines(source, logID: Array(checked.header[16..<LogFormat.headerSize]), through: checked.count)
            var added = 0
            if !lines.isEmpty {
                switch target {
                case .record(let record): added = try record.addCheckpointLines(lines)
                case .directory(let directory): added = try CheckpointFiles.addLines(lines, dataDirectory: directory)
                }
            }
            return Outcome(held: state.count, copied: checked.count - state.count, headHash: checked.head, checkpoints: added, tornTail: checked.tornTail)
        } catch let message as LocalizedMessage {
            throw message
        } catch let damage as SourceDamage {
            throw damage.message(source)
        } catch {
            throw LocalizedMessage(reason: error)
        }
    }

    /// Appends to the data directory `directory` the records `reading` gives after its last one
    /// (through record `last`), through the log's own durable append path, each batch checked
    /// again as it is written (`EventLog.copyFromUpstream`; the witness follows). `header`: the
    /// log's header when the directory holds no log yet (it is created with it). `shown`: the
    /// source as messages name it.
    static func extend(_ directory: String, creating header: [UInt8]?, from reading: any LogReading, through last: UInt64,
                       shown: String, progress: @escaping (UInt64) -> Void) throws {
        let log: EventLog
        if let header {
            // A header this version would not write cannot be copied byte for byte.
            guard header.count == LogFormat.headerSize, LogFormat.header(logID: Array(header[16...])) == header else {
                throw LocalizedMessage(zh: "来源 \(shown) 的文件头有本版本不写的标志位，无法逐字节复制到数据目录；未做任何改动。",
                                       en: "the source \(shown) has header flags this version does not write: it cannot be copied byte for byte into a data directory; nothing was changed.")
            }
            log = try EventLog.create(directory: directory, logID: Array(header[16...]))
        } else {
            log = try EventLog.open(directory: directory, copyingPayloads: false)
        }
        log.upstream = Feed(reading, through: last, progress: progress)
        try log.copyFromUpstream()
    }

    // MARK: The source

    /// The source, checked in full.
    struct CheckedSource {
        let reading: any LogReading
        let header: [UInt8]
        let count: UInt64
        let head: [UInt8]
        /// The chain hash of the record the target ends with (the copy goes on from there).
        let headAtTarget: [UInt8]
        let tornTail: Int?
    }

    /// A record of the source that does not check out.
    struct SourceDamage: Error {
        let sequence: UInt64
        let offset: Int?
        let damage: LogDamage?

        func message(_ source: End) -> LocalizedMessage {
            let at = offset.map { ("（字节偏移 \($0)）", " (byte offset \($0))") } ?? ("", "")
            let why = damage.map { ($0.zh, $0.en) } ?? ("不完整或接不上前一条", "is not well-formed or does not link to the one before")
            if sequence == 0 {
                return LocalizedMessage(zh: "来源 \(source.shown) 的记录有问题：\(why.0)；未复制任何内容。",
                                        en: "the source \(source.shown) does not check out: \(why.1); nothing was copied.")
            }
            return LocalizedMessage(zh: "来源 \(source.shown) 的第 \(sequence) 条记录\(at.0)\(why.0)；未复制任何内容。",
                                    en: "record \(sequence) of the source \(source.shown)\(at.1): \(why.1); nothing was copied.")
        }
    }

    /// Reads the whole source and checks it (a data directory as `chengxin verify` reads it; a
    /// shared record a batch at a time); notes the chain hash of record `held`.
    static func check(_ source: End, noting held: UInt64) throws -> CheckedSource {
        switch source {
        case .directory(let directory):
            let file = CheckedFile(report: try LogVerifier.verify(directory: directory, keepingBytes: true))
            var torn: Int?
            switch file.report.tail {
            case .clean: break
            case .torn(let offset, _): torn = offset
            case .corrupt(let sequence, let offset, let damage): throw SourceDamage(sequence: sequence, offset: offset, damage: damage)
            }
            guard let header = file.header() else { throw SourceDamage(sequence: 0, offset: 0, damage: .badFileHeader) }
            return CheckedSource(reading: file, header: header, count: file.count, head: file.hash(at: file.count),
                                 headAtTarget: file.hash(at: min(held, file.count)), tornTail: torn)
        case .record(let record):
            guard let header = try record.header() else { throw LogError.sharedEmpty(record.shown) }
            guard case .success = LogScanner.readHeader(header) else { throw SourceDamage(sequence: 0, offset: 0, damage: .badFileHeader) }
            let genesis = LogFormat.sha256(header[...])
            var atTarget = genesis
            let (count, head) = try walk(record, after: 0, head: genesis) { _, _, _, records in
                if let noted = records.first(where: { $0.sequence == held }) { atTarget = noted.hash }
                return true
            }
            return CheckedSource(reading: record, header: header, count: count, head: head, headAtTarget: atTarget, tornTail: nil)
        }
    }

    /// Reads `reading`'s records after `sequence` (whose chain hash is `head`) through `last`, a
    /// batch at a time, each record checked (CRC, sequence, link) before `body` sees its batch:
    /// the record before it, that record's hash, the batch's bytes and its records. `body` returns
    /// whether to go on. Returns the last record read and its chain hash.
    static func walk(_ reading: any LogReading, after sequence: UInt64, head: [UInt8], through last: UInt64 = .max,
                     _ body: (UInt64, [UInt8], [UInt8], [LogRecord]) throws -> Bool) throws -> (UInt64, [UInt8]) {
        var sequence = sequence, head = head
        while sequence < last {
            let bytes = try reading.records(after: sequence, head: head, limit: Int(min(UInt64(batch), last - sequence)))
            if bytes.isEmpty { break }
            let scan = LogScanner.scan(bytes, baseOffset: 0, nextSequence: sequence + 1, previousHash: head, keepPayloads: false)
            guard case .clean = scan.tail, scan.validEnd == bytes.count, let newest = scan.records.last else {
                let bad = sequence + UInt64(scan.records.count) + 1
                if case .corrupt(_, _, let damage) = scan.tail { throw SourceDamage(sequence: bad, offset: nil, damage: damage) }
                throw SourceDamage(sequence: bad, offset: nil, damage: nil)
            }
            guard try body(sequence, head, bytes, scan.records) else { break }
            sequence = newest.sequence
            head = newest.hash
        }
        return (sequence, head)
    }

    /// The checkpoint lines of the source that belong to this log and cover records it holds.
    static func checkpointLines(_ source: End, logID: [UInt8], through last: UInt64) throws -> [String] {
        let lines: [String]
        switch source {
        case .record(let record):
            lines = try record.checkpointLines()
        case .directory(let directory):
            let data = FileManager.default.contents(atPath: CheckpointFiles.dataCopyPath(directory)) ?? Data()
            lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        return belonging(lines, logID: logID, through: last)
    }

    /// The lines that are checkpoints of the log `logID` covering records 1…`last`.
    static func belonging(_ lines: [String], logID: [UInt8], through last: UInt64) -> [String] {
        lines.filter { line in Checkpoint.parse(line).map { $0.logID == logID && $0.sequence <= last } ?? false }
    }

    // MARK: The target

    /// What the target holds: nothing (`reading` nil), or a log of `count` records.
    struct TargetState {
        let reading: (any LogReading)?
        let count: UInt64
    }

    static func targetState(_ target: End) throws -> TargetState {
        switch target {
        case .directory(let directory):
            guard FileManager.default.fileExists(atPath: EventLog.logPath(in: directory)) else { return TargetState(reading: nil, count: 0) }
            let file = CheckedFile(report: try LogVerifier.verify(directory: directory, keepingBytes: true))
            switch file.report.tail {
            case .clean: break
            case .torn(let offset, _):
                throw notPrefix(target, zh: "它的末尾有一条未写完的记录（字节偏移 \(offset)）", en: "it ends with an unfinished record (byte offset \(offset))")
            case .corrupt(let sequence, _, let damage):
                throw notPrefix(target, zh: "它的第 \(sequence) 条记录\(damage.zh)", en: "its record \(sequence): \(damage.en)")
            }
            return TargetState(reading: file, count: file.count)
        case .record(let record):
            let version = try record.schemaVersion()
            // A database of a newer chengxin is refused before anything is changed.
            if version > PostgresSchema.newest { try SharedCopy.migrate(record) }
            guard version > 0, try record.header() != nil else { return TargetState(reading: nil, count: 0) }
            return TargetState(reading: record, count: try record.lastSequence())
        }
    }

    static func notPrefix(_ target: End, zh: String, en: String) -> LocalizedMessage {
        LocalizedMessage(zh: "目标 \(target.shown) 既不是空的，也不是来源的前一部分（\(zh)）；未做任何改动。",
                         en: "the target \(target.shown) is neither empty nor a prefix of the source (\(en)); nothing was changed.")
    }

    // MARK: Comparing

    /// Where two logs first differ.
    enum Difference: BilingualText {
        /// Their headers (log ids) differ, or the second has none.
        case header
        /// Record `sequence` differs.
        case record(UInt64)
        /// The second log ends before record `sequence`.
        case missing(UInt64)

        var zh: String {
            switch self {
            case .header: return "文件头（日志编号）不同"
            case .record(let sequence): return "第 \(sequence) 条记录不同"
            case .missing(let sequence): return "缺少第 \(sequence) 条及以后的记录"
            }
        }

        var en: String {
            switch self {
            case .header: return "the headers (log ids) differ"
            case .record(let sequence): return "record \(sequence) differs"
            case .missing(let sequence): return "records from \(sequence) on are missing"
            }
        }
    }

    /// Compares the header and records 1…`last` of `checked` (whose records are checked as they
    /// are read) with those of `other`, byte for byte, a batch at a time; nil when they are the same.
    static func firstDifference(_ checked: any LogReading, _ other: any LogReading, through last: UInt64) throws -> Difference? {
        guard let header = try checked.header(), try other.header() == header else { return .header }
        var found: Difference?
        _ = try walk(checked, after: 0, head: LogFormat.sha256(header[...]), through: last) { after, head, mine, records in
            let theirs: [UInt8]
            do throws(LogError) {
                theirs = try other.records(after: after, head: head, limit: records.count)
            } catch {
                guard case .sharedDiverged(let sequence) = error else { throw error }
                found = sequence == 0 ? .header : .record(sequence)
                return false
            }
            for record in records {
                let range = record.offset..<record.offset + record.size
                if theirs.count < range.upperBound {
                    found = theirs.count <= record.offset ? .missing(record.sequence) : .record(record.sequence)
                    return false
                }
                if !theirs[range].elementsEqual(mine[range]) {
                    found = .record(record.sequence)
                    return false
                }
            }
            return true
        }
        return found
    }
}

/// A source handed to a data directory as its upstream, so that `EventLog.copyFromUpstream` copies
/// it (each batch checked again as it is written): its records through `last` only; nothing is
/// ever committed to it.
private final class Feed: RecordUpstream {
    let source: any LogReading
    let last: UInt64
    let progress: (UInt64) -> Void

    init(_ source: any LogReading, through last: UInt64, progress: @escaping (UInt64) -> Void) {
        self.source = source
        self.last = last
        self.progress = progress
    }

    func records(after sequence: UInt64, head: [UInt8], limit: Int) throws(LogError) -> [UInt8] {
        progress(sequence)
        guard sequence < last else { return [] }
        return try source.records(after: sequence, head: head, limit: Int(min(UInt64(limit), last - sequence)))
    }

    func append(_ frames: [UInt8], first: UInt64, count: Int) throws(LogError) -> Bool { throw .sharedRefused("a copy's source is read-only") }
    func publish(checkpointLine: String) {}
}

extension DirectoryCheck {
    /// `chengxin verify --store`: this seat's copy of the shared record brought up to date (made
    /// if there is none), checked as any data directory is, then every record the shared record
    /// holds up to the copy's last compared with the copy, byte for byte: a difference is a
    /// failure naming the record. A record that cannot be reached, or holds no log, is thrown.
    public static func run(copyOf record: PostgresRecord, directory: String, files: CheckpointFiles, anchors wanted: [Anchor]) throws(LogError) -> DirectoryCheck {
        var fetching: LogError?
        do throws(LogError) {
            try SharedCopy.update(directory, of: record)
        } catch {
            switch error {
            case .sharedDiverged, .sharedDamaged: fetching = error
            case .corrupt, .checkpointFailed: break // the copy's own damage: its check below says it
            default: throw error
            }
        }
        let check = try run(directory: directory, files: files, anchors: wanted)
        var findings = check.findings
        let difference: StoreCopy.Difference?
        do {
            difference = try StoreCopy.firstDifference(CheckedFile(report: check.report), record, through: UInt64(check.report.recordCount))
        } catch let error as LogError {
            throw error
        } catch {
            // The copy's records were checked by the check above: this is not reached.
            throw .sharedDamaged(sequence: UInt64(check.report.recordCount))
        }
        if let difference {
            findings.append(Finding(failure: true, zh: "共享记录库 \(record.shown) 与本机已校验的副本不符：\(difference.zh)（共享记录库里的记录被改动、删除或换成了别的备份）。",
                                    en: "the shared record \(record.shown) differs from this machine's checked copy: \(difference.en) (records there were altered, removed or replaced by another backup)."))
        } else if let fetching {
            findings.append(Finding(failure: true, zh: fetching.zh, en: fetching.en))
        }
        return DirectoryCheck(report: check.report, findings: findings, checkpoints: check.checkpoints)
    }
}
