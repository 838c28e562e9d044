import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The append-only event log of one data directory: `DIR/events.log`.
///
/// Appends take an exclusive `flock`, catch up on what other processes appended, write,
/// `fdatasync`, unlock, and only then return. A failed write or sync returns an error
/// and leaves no partial record behind.
public final class EventLog {
    public static let fileName = "events.log"

    public let directory: String
    public let path: String
    private let io: any FileIO
    private let fd: Int32
    public let logID: [UInt8]
    /// The records read since this log was opened (all of them, unless it was opened from a
    /// resume point), plus those appended through it.
    public private(set) var records: [LogRecord]
    public private(set) var headHash: [UInt8]
    /// The sequence number of the last good record (0 when the log is empty).
    public private(set) var lastSequence: UInt64
    private var lastRecordStart: Int
    private var validEnd: Int
    /// Set when damage was found: the log then refuses writes.
    public private(set) var damage: LogError?
    /// Things the user should hear about (a torn tail that was cut off).
    public private(set) var warnings: [LogWarning] = []

    /// The last torn tail this process cut (its bytes kept), if it cut one: what every writer warns of.
    public var lastTailCut: LogWarning? {
        warnings.last { if case .tornTailCut = $0 { return true } else { return false } }
    }

    /// Whether the open found a torn tail that no append of this process has cut yet.
    public var hasTornTail: Bool {
        let last = warnings.last {
            switch $0 {
            case .tornTailIgnored, .tornTailCut: return true
            case .noWitness: return false
            }
        }
        if case .tornTailIgnored? = last { return true }
        return false
    }
    /// How long an append waits for a lock held by another process before giving up.
    public var lockTimeout: Double = 10
    /// The witness file, open for writing (-1 when this process cannot write it).
    private var witnessFD: Int32 = -1
    /// A torn tail this process cut whose event is not yet in the log: written as the first
    /// record of the next append (docs/log-format.md, "Appending", step 2).
    public private(set) var pendingTailCut: TornTailCut?

    private init(directory: String, path: String, io: any FileIO, fd: Int32, scan: LogScan, resumedFrom: ResumePoint?) {
        self.directory = directory
        self.path = path
        self.io = io
        self.fd = fd
        self.logID = scan.logID
        self.records = scan.records
        self.headHash = scan.headHash
        self.validEnd = scan.validEnd
        self.lastSequence = scan.records.last?.sequence ?? resumedFrom?.sequence ?? 0
        self.lastRecordStart = scan.records.last?.offset ?? resumedFrom?.recordStart ?? LogFormat.headerSize
    }

    /// Where the log stands now, for a snapshot: the last record and the end of the good data.
    public var resumePoint: ResumePoint {
        ResumePoint(logID: logID, sequence: lastSequence, recordStart: lastRecordStart, end: validEnd, hash: headHash)
    }

    deinit {
        io.close(fd)
        if witnessFD >= 0 { io.close(witnessFD) }
    }

    public static func logPath(in directory: String) -> String {
        directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
    }

    /// Creates the directory (0700) if needed and an empty log (0600) in it, atomically:
    /// the header is written and synced under a temporary name, then linked into place.
    public static func create(directory: String, io: any FileIO = SystemFileIO(), logID: [UInt8]? = nil) throws(LogError) -> EventLog {
        let path = logPath(in: directory)
        do throws(FileIOError) {
            if !io.exists(directory) {
                try io.makeDirectories(directory, mode: 0o700)
                // The new folder's own name made durable (its parent synced), or a power cut
                // could take the whole new log with it.
                let trimmed = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
                if let slash = trimmed.lastIndex(of: "/") {
                    try io.syncDirectory(slash == trimmed.startIndex ? "/" : String(trimmed[..<slash]))
                } else {
                    try io.syncDirectory(".")
                }
            }
        } catch {
            throw .io(error)
        }
        if io.exists(path) { throw .alreadyExists(path: path) }
        io.removeAbandonedTemporaries(of: fileName, in: directory)
        io.removeAbandonedTemporaries(of: Witness.fileName, in: directory)
        var id = logID ?? []
        if id.count != 16 { id = (0..<16).map { _ in UInt8.random(in: 0...255) } }
        let temp = path + ".new-\(getpid())"
        do throws(FileIOError) {
            let fd = try io.open(temp, flags: O_RDWR | O_CREAT | O_TRUNC, mode: 0o600)
            defer { io.close(fd); io.remove(temp) }
            try io.write(fd, LogFormat.header(logID: id), offset: 0, path: temp)
            try io.sync(fd, path: temp)
            try io.link(temp, path)
            // The temporary name goes before the folder is synced: a power cut cannot bring it back.
            io.remove(temp)
            try io.syncDirectory(directory)
        } catch {
            if error.code == EEXIST { throw .alreadyExists(path: path) }
            throw .io(error)
        }
        // The witness of an empty log (nothing acknowledged yet), in place before anything is.
        let header = LogFormat.header(logID: id)
        let witness = Witness(logID: id, sequence: 0, end: LogFormat.headerSize, hash: LogFormat.sha256(header[...]))
        var slots = [UInt8](repeating: 0, count: 2 * Witness.slotSize)
        slots.replaceSubrange(witness.slot.offset..<witness.slot.offset + Witness.slotSize, with: witness.slot.bytes)
        do throws(FileIOError) {
            try io.replaceAtomically(Witness.path(in: directory), in: directory, with: [(0, slots)])
        } catch {
            throw .io(error)
        }
        return try open(directory: directory, io: io)
    }

    /// Opens an existing log. A torn tail is ignored with a warning (a writer cuts it off before
    /// its next append); damage followed by valid records leaves the log open read-only with
    /// `damage` set. A log that cannot be written (read-only file or directory) opens read-only.
    /// With `copyingPayloads` false, a full read leaves the records' payloads in the bytes read
    /// (`withBytesRead`) instead of copying each into its own array: a replay of every record
    /// reads them there, in parallel. `chainCheck` deferred (with `copyingPayloads` false): the
    /// links of a full read are left to the caller's own check afterwards (see `ChainCheck`).
    public static func open(directory: String, io: any FileIO = SystemFileIO(), writable: Bool = true,
                            resumeAfter point: ResumePoint? = nil, copyingPayloads: Bool = true,
                            chainCheck: ChainCheck = .full) throws(LogError) -> EventLog {
        let path = logPath(in: directory)
        guard io.exists(directory) else { throw .missing(directory: directory) }
        guard io.exists(path) else { throw .missing(directory: directory) }
        var canWrite = writable
        let fd: Int32
        do throws(FileIOError) {
            do throws(FileIOError) {
                fd = try io.open(path, flags: writable ? O_RDWR : O_RDONLY, mode: 0)
            } catch {
                guard writable, error.code == EACCES || error.code == EROFS else { throw error }
                fd = try io.open(path, flags: O_RDONLY, mode: 0)
                canWrite = false
            }
        } catch {
            throw .io(error)
        }
        var resumed: (scan: LogScan, point: ResumePoint)?
        var scannedWhole: Result<LogScan, LogScanner.HeaderProblem>?
        var mapped = Data()
        var witness: Witness?
        do throws(FileIOError) {
            try io.lock(fd, exclusive: false, wait: true, path: path)
            defer { io.unlock(fd) }
            // Read under the same lock as the records: no append can come between the two.
            witness = Witness.read(directory: directory, io: io)
            let size = try io.size(fd, path: path)
            if let point, size >= point.end, point.end >= LogFormat.headerSize {
                // Read the header and the resume record only, check them, then scan what follows.
                let header = try io.read(fd, offset: 0, count: LogFormat.headerSize, path: path)
                let anchor = try io.read(fd, offset: point.recordStart, count: point.end - point.recordStart, path: path)
                if case .success(let logID) = LogScanner.readHeader(header), logID == point.logID, point.matches(anchor, header: header) {
                    let tail = try io.read(fd, offset: point.end, count: size - point.end, path: path)
                    let result = LogScanner.scan(tail, baseOffset: point.end, nextSequence: point.sequence + 1, previousHash: point.hash)
                    resumed = (LogScan(logID: logID, records: result.records, validEnd: result.validEnd, tail: result.tail, headHash: result.headHash), point)
                }
            } else if point == nil, copyingPayloads {
                let bytes = try io.read(fd, offset: 0, count: size, path: path)
                scannedWhole = LogScanner.scanFile(bytes, keepPayloads: true)
            } else if point == nil {
                // Scanned where it lies, under the lock (nothing cuts the file shorter meanwhile);
                // the good records it finds are never changed afterwards, so their payloads are
                // read from the mapping once the lock is released.
                mapped = try io.mapGrowing(fd, count: size, path: path)
                scannedWhole = mapped.withUnsafeBytes { LogScanner.scanFile($0, keepPayloads: false, chainCheck: chainCheck) }
            }
        } catch {
            io.close(fd)
            throw .io(error)
        }
        guard let scanned = resumed.map({ .success($0.scan) }) ?? scannedWhole else {
            io.close(fd)
            throw .resumePointMismatch
        }
        switch scanned {
        case .failure(.newerVersion(let v)):
            io.close(fd)
            throw .newerVersion(v)
        case .failure(.damaged):
            io.close(fd)
            throw .notALog(path: path)
        case .success(let read):
            let scan = read.judged(by: witness, resumedFrom: resumed?.point)
            let log = EventLog(directory: directory, path: path, io: io, fd: fd, scan: scan, resumedFrom: resumed?.point)
            if witness == nil { log.warnings.append(.noWitness) }
            if canWrite {
                // What a `create` killed half-way left behind.
                io.removeAbandonedTemporaries(of: fileName, in: directory)
                let witnessPath = Witness.path(in: directory)
                log.witnessFD = (try? io.open(witnessPath, flags: O_RDWR | O_CREAT, mode: 0o600)) ?? -1
            }
            if !copyingPayloads && resumed == nil { log.bytesRead = mapped }
            switch scan.tail {
            case .clean:
                break
            case .torn(let offset, let length):
                log.warnings.append(.tornTailIgnored(offset: offset, length: length))
            case .corrupt(let s, let o, let d):
                log.damage = .corrupt(sequence: s, offset: o, damage: d)
            }
            if !canWrite && log.damage == nil { log.damage = .readOnly(path: path) }
            return log
        }
    }

    /// Damage found after the open by a check of the whole chain (an open from a snapshot checks
    /// the links only after it; one with `ChainCheck.deferred` leaves them all to that check): from
    /// now on the log refuses writes, as if the open had found it (a log open read-only says what
    /// was found instead). Other errors are not damage.
    public func noteDamage(_ error: LogError) {
        switch error {
        case .corrupt, .checkpointFailed: break
        default: return
        }
        switch damage {
        case .corrupt?, .checkpointFailed?: return
        default: damage = error
        }
    }

    /// Reads what other processes appended since the last read. Returns the new records.
    @discardableResult
    public func refresh() throws(LogError) -> [LogRecord] {
        if let upstream { return try pull(upstream) }
        do throws(FileIOError) {
            try io.lock(fd, exclusive: false, wait: true, path: path)
        } catch {
            throw .io(error)
        }
        defer { io.unlock(fd) }
        return try catchUp(cutTornTail: false)
    }

    private func catchUp(cutTornTail: Bool) throws(LogError) -> [LogRecord] {
        let bytes: [UInt8]
        let size: Int
        do throws(FileIOError) {
            size = try io.size(fd, path: path)
        } catch {
            throw .io(error)
        }
        if size < validEnd {
            // Records this process had read are gone: the file was cut short under it.
            let error = LogError.corrupt(sequence: lastSequence, offset: lastRecordStart, damage: .acknowledgedRecordMissing(acknowledged: lastSequence))
            damage = error
            throw error
        }
        guard size > validEnd else { return [] }
        do throws(FileIOError) {
            bytes = try io.read(fd, offset: validEnd, count: size - validEnd, path: path)
        } catch {
            throw .io(error)
        }
        var result = LogScanner.scan(bytes, baseOffset: validEnd, nextSequence: lastSequence + 1, previousHash: headHash)
        if case .torn = result.tail, let witness = Witness.read(directory: directory, io: io) {
            // A torn tail is cut only if the witness does not say it was acknowledged.
            let read = LogScan(logID: logID, records: result.records, validEnd: result.validEnd, tail: result.tail, headHash: result.headHash)
            let point = resumePoint
            result.tail = read.judged(by: witness, resumedFrom: point).tail
        }
        let readFrom = validEnd
        advance(by: result.records, to: result.validEnd, head: result.headHash)
        switch result.tail {
        case .clean:
            break
        case .torn(let offset, let length):
            if cutTornTail {
                let cut = Array(bytes[(offset - readFrom)...])
                let kept = try keepCutBytes(cut, offset: offset)
                do throws(FileIOError) {
                    try io.truncate(fd, length: offset, path: path)
                    try io.sync(fd, path: path)
                } catch {
                    throw .io(error)
                }
                pendingTailCut = kept
                warnings.append(.tornTailCut(offset: offset, length: length, keptIn: kept.file))
            }
        case .corrupt(let s, let o, let d):
            damage = .corrupt(sequence: s, offset: o, damage: d)
            throw .corrupt(sequence: s, offset: o, damage: d)
        }
        return result.records
    }

    /// Appends records durably. Under the exclusive lock, after catching up, `make` is called with
    /// the records other processes appended since the last read; it returns the payloads to append
    /// (validation against the latest state belongs there). Returns the records written, only after
    /// they are synced. On any failure nothing is acknowledged and no partial record remains.
    ///
    /// With a shared record (`upstream`) the records go there first, in one statement that the
    /// record accepts only if they follow its last record (expected position, as in PostgreSQL
    /// event stores): when another seat appended first, what it added is fetched, `make` is called
    /// again with it, and the append is tried again. They are acknowledged once committed there;
    /// the copy here is then written without a sync of its own (the record is what is durable: a
    /// copy cut short by a power cut is fetched again) and without moving its witness.
    @discardableResult
    public func append(_ make: ([LogRecord]) throws -> [[UInt8]]) throws -> [LogRecord] {
        if let damage { throw damage }
        try lockExclusive()
        defer { io.unlock(fd) }
        var caughtUp = try catchUp(cutTornTail: true)
        // A cut of a copy is not an event of the record: its records come again from there.
        if upstream != nil { pendingTailCut = nil }
        for _ in 0..<Self.upstreamAttempts {
            var payloads = try make(caughtUp)
            if let cut = pendingTailCut { payloads.insert(cut.payload, at: 0) }
            if payloads.isEmpty { return [] }
            // All records framed into one buffer, sized once.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(payloads.reduce(0) { $0 + LogFormat.recordOverhead + $1.count })
            var framed: [LogRecord] = []
            framed.reserveCapacity(payloads.count)
            var hash = headHash
            var sequence = lastSequence + 1
            var offset = validEnd
            for payload in payloads {
                if payload.count > LogFormat.maxPayload { throw LogError.payloadTooLarge(payload.count) }
                hash = LogFormat.appendRecord(to: &bytes, sequence: sequence, previousHash: hash, payload: payload)
                framed.append(LogRecord(sequence: sequence, offset: offset, payload: payload, hash: hash))
                sequence += 1
                offset = validEnd + bytes.count
            }
            if let upstream {
                guard try upstream.append(bytes, first: lastSequence + 1, count: framed.count) else {
                    // Another seat appended first: build again on what it added.
                    caughtUp = try fetch(from: upstream)
                    continue
                }
                do throws(FileIOError) {
                    try io.write(fd, bytes, offset: validEnd, path: path)
                } catch {
                    // Recorded all the same: this copy is behind until reopened (read-only meanwhile).
                    try? io.truncate(fd, length: validEnd, path: path)
                    damage = .copyBehind(error)
                }
                advance(by: framed, to: offset, head: hash)
                return framed
            }
            do throws(FileIOError) {
                // No partial record stays behind a failed write or sync.
                try io.appendDurably(fd, bytes, at: validEnd, path: path)
            } catch {
                throw LogError.io(error)
            }
            advance(by: framed, to: offset, head: hash)
            pendingTailCut = nil
            writeWitness()
            return framed
        }
        throw LogError.lockBusy(path: path)
    }

    /// How many times an append to a shared record is tried while other seats keep appending first.
    static let upstreamAttempts = 100

    /// The shared record this data directory is a copy of (nil: the data directory is the record;
    /// `RecordUpstream`). With one, `refresh` fetches what was committed there and `append` commits
    /// there first.
    public var upstream: (any RecordUpstream)?
    /// Records fetched from the shared record at a time.
    public static let upstreamBatch = 20_000

    /// Copies here what the shared record holds after this copy's last record, under this copy's
    /// exclusive lock (after what other processes on this machine copied). Returns the new records.
    private func pull(_ upstream: any RecordUpstream, keeping: Bool = true) throws(LogError) -> [LogRecord] {
        if let damage { throw damage }
        try lockExclusive()
        defer { io.unlock(fd) }
        var new = try catchUp(cutTornTail: true)
        pendingTailCut = nil
        new += try fetch(from: upstream, keeping: keeping)
        return new
    }

    /// Copies here everything the shared record holds after this copy (a seat's first copy of a
    /// decade of records: a batch at a time, none of them kept in memory). Returns how many.
    @discardableResult
    public func copyFromUpstream() throws(LogError) -> UInt64 {
        guard let upstream else { return 0 }
        let before = lastSequence
        _ = try pull(upstream, keeping: false)
        return lastSequence - before
    }

    /// Fetches and copies here, a batch at a time, every record of the shared record after this
    /// copy's last one (under this copy's exclusive lock).
    private func fetch(from upstream: any RecordUpstream, keeping: Bool = true) throws(LogError) -> [LogRecord] {
        var new: [LogRecord] = []
        while true {
            let bytes: [UInt8]
            do throws(LogError) {
                bytes = try upstream.records(after: lastSequence, head: headHash, limit: Self.upstreamBatch)
            } catch {
                if case .sharedDiverged = error { damage = error }
                throw error
            }
            if bytes.isEmpty { return new }
            let adopted = try adopt(bytes)
            if keeping { new += adopted } else { records.removeAll() }
        }
    }

    /// Writes records fetched from the shared record after the last one here, once they check out
    /// as any record read from a file does (CRC, sequence, link).
    private func adopt(_ bytes: [UInt8]) throws(LogError) -> [LogRecord] {
        let result = LogScanner.scan(bytes, baseOffset: validEnd, nextSequence: lastSequence + 1, previousHash: headHash)
        guard case .clean = result.tail, result.validEnd == validEnd + bytes.count else {
            let error = LogError.sharedDamaged(sequence: (result.records.last?.sequence ?? lastSequence) + 1)
            damage = error
            throw error
        }
        do throws(FileIOError) {
            try io.appendDurably(fd, bytes, at: validEnd, path: path)
        } catch {
            throw .io(error)
        }
        advance(by: result.records, to: result.validEnd, head: result.headHash)
        writeWitness()
        return result.records
    }

    /// Takes `read` (good records, written or read) as the log's latest: its end, head and last record.
    private func advance(by read: [LogRecord], to end: Int, head: [UInt8]) {
        records += read
        headHash = head
        validEnd = end
        if let last = read.last {
            lastSequence = last.sequence
            lastRecordStart = last.offset
        }
    }

    /// Writes the witness of the last record (durable already): one `pwrite` into its slot, no sync
    /// (a lower bound after a power cut, never ahead of the log). A failure is not the append's:
    /// its records are acknowledged; the witness then lags until the next append.
    private func writeWitness() {
        guard witnessFD >= 0 else { return }
        let slot = Witness(logID: logID, sequence: lastSequence, end: validEnd, hash: headHash).slot
        try? io.write(witnessFD, slot.bytes, offset: slot.offset, path: Witness.path(in: directory))
    }

    /// Keeps a torn tail's bytes in `DATA/cut/<offset>-<time>.bin` (synced) before it is cut.
    private func keepCutBytes(_ bytes: [UInt8], offset: Int) throws(LogError) -> TornTailCut {
        let folder = (directory.hasSuffix("/") ? directory : directory + "/") + TornTailCut.folder
        let now = TornTailCut.utcNow()
        let name = "\(offset)-\(now.compact).bin"
        let path = folder + "/" + name
        do throws(FileIOError) {
            try io.makeDirectories(folder, mode: 0o700)
            let out = try io.open(path, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600)
            defer { io.close(out) }
            try io.write(out, bytes, offset: 0, path: path)
            try io.sync(out, path: path)
            try io.syncDirectory(folder)
            try io.syncDirectory(directory)
        } catch {
            throw .io(error)
        }
        return TornTailCut(offset: offset, length: bytes.count, sha256: hexString(LogFormat.sha256(bytes[...])),
                           file: TornTailCut.folder + "/" + name, at: now.iso)
    }

    /// Drops the records kept in memory (a caller that has folded them into its own state does
    /// not need them); the log's position, head hash and sequence are unaffected.
    public func discardRecords() {
        if records.count < 100_000 && bytesRead.isEmpty {
            records.removeAll(keepingCapacity: false)
            return
        }
        // Letting go of a decade of records (their array, the mapped file) takes tens of
        // milliseconds of unmapping: done on another thread.
        let dropped = Dropped(records: records, mapping: bytesRead)
        records = []
        bytesRead = Data()
        Thread.detachNewThread { withExtendedLifetime(dropped) {} }
    }

    /// Handed to the thread that lets go of them.
    private struct Dropped: Sendable {
        let records: [LogRecord]
        let mapping: Data
    }

    /// The whole file as read (mapped) by an `open` that did not copy payloads (empty otherwise,
    /// and after `discardRecords`).
    private var bytesRead = Data()

    /// Calls `body` with the file's bytes as read at open (when payloads were not copied): a
    /// record's payload is `payloadLength` bytes at `offset + LogFormat.recordHeaderSize`.
    public func withBytesRead<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytesRead.withUnsafeBytes(body)
    }

    private func lockExclusive() throws(LogError) {
        var waited = 0.0
        while true {
            do {
                try io.lock(fd, exclusive: true, wait: false, path: path)
                return
            } catch {
                guard error.code == EWOULDBLOCK || error.code == EAGAIN else { throw .io(error) }
                if waited >= lockTimeout { throw .lockBusy(path: path) }
                usleep(20_000)
                waited += 0.02
            }
        }
    }
}
