import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The result of checking a whole log file.
public struct VerificationReport: Sendable, Equatable {
    /// The data directory verified.
    public let directory: String
    public let logID: [UInt8]
    /// The good records, in order (for checking checkpoints against them), without their payloads.
    public let records: [LogRecord]
    public var recordCount: Int { records.count }
    public let headHash: [UInt8]
    /// The first problem, if any: a torn tail is reported but does not make the log damaged.
    public let tail: LogTail
    /// The witness of the last acknowledged record, when the data directory has a readable one.
    public let witness: Witness?
    /// The file as it was read (mapped), when asked for: a record's payload is `payloadLength`
    /// bytes at `offset + LogFormat.recordHeaderSize`. Empty otherwise.
    public let bytes: Data
    public var intact: Bool {
        if case .corrupt = tail { return false }
        return true
    }
}

public enum LogVerifier {
    /// Checks every record's checksum and the whole chain of a log file, reading it as it is.
    /// `keepingBytes`: the report keeps the mapped file (for reading the good records' payloads).
    public static func verify(directory: String, io: any FileIO = SystemFileIO(), keepingBytes: Bool = false) throws(LogError) -> VerificationReport {
        let path = EventLog.logPath(in: directory)
        guard io.exists(path) else { throw LogError.missing(directory: directory) }
        let scanned: Result<LogScan, LogScanner.HeaderProblem>
        var witness: Witness?
        var kept = Data()
        do throws(FileIOError) {
            let fd = try io.open(path, flags: O_RDONLY, mode: 0)
            defer { io.close(fd) }
            // Scanned where it lies, under a shared lock (no writer cuts a torn tail or appends
            // meanwhile: the witness read under it describes the same file).
            try io.lock(fd, exclusive: false, wait: true, path: path)
            defer { io.unlock(fd) }
            witness = Witness.read(directory: directory, io: io)
            let mapped = try io.mapGrowing(fd, count: try io.size(fd, path: path), path: path)
            scanned = mapped.withUnsafeBytes { LogScanner.scanFile($0, keepPayloads: false) }
            if keepingBytes { kept = mapped }
        } catch {
            throw .io(error)
        }
        switch scanned {
        case .failure(.newerVersion(let v)): throw LogError.newerVersion(v)
        case .failure(.damaged): throw LogError.notALog(path: path)
        case .success(let read):
            let scan = read.judged(by: witness, resumedFrom: nil)
            return VerificationReport(directory: directory, logID: scan.logID, records: scan.records, headHash: scan.headHash, tail: scan.tail, witness: witness, bytes: kept)
        }
    }
}
