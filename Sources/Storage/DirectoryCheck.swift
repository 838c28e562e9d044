import Codec
import Core
import Foundation
import Log

/// Everything a check of a data directory finds — the records and the chain with the witness,
/// the signed checkpoints, the anchors asked for, the snapshot and every event
/// (docs/log-format.md, "What chengxin verify says"): what `chengxin verify` prints, verdict first.
public struct DirectoryCheck {
    /// One thing the check found: a failure makes the verdict "damaged"; a note does not.
    public struct Finding: BilingualText {
        public let failure: Bool
        public let zh: String
        public let en: String
    }

    public let report: VerificationReport
    public let findings: [Finding]
    /// The signed checkpoints found (nil when they cannot be read).
    public let checkpoints: CheckpointFindings?

    public var failures: [Finding] { findings.filter(\.failure) }

    /// Checks the data directory in `directory` with the checkpoints of `files` and the anchors
    /// `wanted`. Throws when it is no log this version can read.
    public static func run(directory: String, files: CheckpointFiles, anchors wanted: [Anchor]) throws(LogError) -> DirectoryCheck {
        let key = files.snapshotKey()
        // The snapshot's MAC (some 75 MB at a million records) is checked on another thread while
        // the chain is checked.
        let snapshotCheck = Handoff<SnapshotReading>()
        if let key {
            Thread.detachNewThread { snapshotCheck.set(SnapshotFile.inspect(directory: directory, key: key)) }
        } else {
            snapshotCheck.set(.absent)
        }
        let report = try LogVerifier.verify(directory: directory, keepingBytes: true)
        var findings = chainFindings(report)
        let checkpoints = checkpointFindings(report, files: files, into: &findings)
        for problem in AnchorCheck.problems(wanted, report: report) {
            findings.append(Finding(failure: true, zh: "锚点不符：" + problem.zh, en: "anchor not extended: " + problem.en))
        }
        let snapshot = snapshotFindings(report, reading: snapshotCheck.take(wait: true) ?? .absent, into: &findings)
        for (sequence, offset, why) in unreadableEvents(report, snapshot: snapshot) {
            findings.append(Finding(failure: true, zh: "第 \(sequence) 条记录（字节偏移 \(offset)）是无法读取的事件：\(why.zh)",
                                    en: "record \(sequence) (byte offset \(offset)) is an unreadable event: \(why.en)"))
        }
        return DirectoryCheck(report: report, findings: findings, checkpoints: checkpoints)
    }

    /// The records, the chain and the witness.
    static func chainFindings(_ report: VerificationReport) -> [Finding] {
        var findings: [Finding] = []
        switch report.tail {
        case .clean:
            break
        case .torn(let offset, let length):
            findings.append(Finding(failure: false,
                zh: "末尾有一条未写完、也从未确认的记录（字节偏移 \(offset)，\(length) 字节），不算损坏；下次写入前会截去，字节保存在 cut/ 中。",
                en: "an unfinished, never acknowledged record at the end (byte offset \(offset), \(length) bytes) is not damage; it will be cut before the next write, its bytes kept in cut/."))
        case .corrupt(0, _, let damage):
            findings.append(Finding(failure: true, zh: damage.zh, en: damage.en))
        case .corrupt(let sequence, let offset, let damage):
            findings.append(Finding(failure: true,
                zh: "第 \(sequence) 条记录（字节偏移 \(offset)）\(damage.zh)。此前 \(report.recordCount) 条记录完好。",
                en: "record \(sequence) (byte offset \(offset)): \(damage.en). The \(report.recordCount) records before it are intact."))
        }
        if report.witness == nil {
            findings.append(Finding(failure: false, zh: LogWarning.noWitness.zh, en: LogWarning.noWitness.en))
        }
        return findings
    }

    /// The signed checkpoints (the data directory's file, the mirror beside the key, the mirrors
    /// bound to this directory). Returns what was found, for the summary line.
    static func checkpointFindings(_ report: VerificationReport, files: CheckpointFiles, into findings: inout [Finding]) -> CheckpointFindings? {
        let found: CheckpointFindings
        do {
            found = try files.verify(dataDirectory: report.directory, logID: report.logID, records: report.records)
        } catch {
            findings.append(Finding(failure: true, zh: "检查点无法读取：" + error.zh, en: "the checkpoints cannot be read: " + error.en))
            return nil
        }
        for problem in found.problems {
            findings.append(Finding(failure: true, zh: "检查点不符：" + problem.zh, en: "checkpoint mismatch: " + problem.en))
        }
        for note in found.notes { findings.append(Finding(failure: false, zh: note.zh, en: note.en)) }
        if found.trustedKey == nil {
            findings.append(Finding(failure: false,
                zh: "本机没有签名密钥（\(files.keyPath)）：检查点只按它们自带的公钥核对，快照未核对。",
                en: "no signing key here (\(files.keyPath)): the checkpoints were checked against the keys they name; the snapshot was not checked."))
        }
        if found.checkpoints.isEmpty && found.problems.isEmpty {
            findings.append(Finding(failure: false, zh: "没有已签名的检查点（chengxin checkpoint 可以签一个）。", en: "no signed checkpoints (chengxin checkpoint signs one)."))
        }
        return found
    }

    /// The snapshot: a forged one is a failure. Returns it when it is authentic and bound to this
    /// intact chain (its record's hash is the chain's): its list of unreadable events then stands
    /// for the records it covers.
    static func snapshotFindings(_ report: VerificationReport, reading: SnapshotReading, into findings: inout [Finding]) -> SnapshotContents? {
        switch reading {
        case .absent:
            return nil
        case .forged:
            findings.append(Finding(failure: true,
                zh: "快照 snapshot.bin 未通过认证（被改动，或由另一把密钥写入）：不会被使用；下次写入时移到 \(SnapshotFile.rejectedName) 并重建。",
                en: "the snapshot snapshot.bin fails its authentication (edited, or written under another key): it is never used; the next write moves it to \(SnapshotFile.rejectedName) and rebuilds it."))
            return nil
        case .otherVersion(let version):
            findings.append(Finding(failure: false, zh: "快照是第 \(version) 版格式，不会被使用（下次写入时重建）。",
                                    en: "the snapshot is format version \(version) and is not used (rebuilt at the next write)."))
            return nil
        case .malformed:
            findings.append(Finding(failure: false, zh: "快照文件不完整，不会被使用（下次写入时重建）。", en: "the snapshot file is incomplete and is not used (rebuilt at the next write)."))
            return nil
        case .authentic(let snapshot):
            let point = snapshot.point
            guard report.intact, point.logID == report.logID, point.sequence <= UInt64(report.recordCount),
                  point.sequence == 0 || report.records[Int(point.sequence) - 1].hash == point.hash else {
                findings.append(Finding(failure: false, zh: "快照与这份日志的记录不符（过时或属于另一份日志），不会被使用。",
                                        en: "the snapshot does not match this log's records (stale, or another log's) and is not used."))
                return nil
            }
            return snapshot
        }
    }

    /// The unreadable events among the good records: those an authentic snapshot lists for the
    /// records it covers, and those found by reading every record after it (every record, folded
    /// as a replay folds them, when there is none).
    public static func unreadableEvents(_ report: VerificationReport, snapshot: SnapshotContents?) -> [(UInt64, Int, UnreadableEvent)] {
        report.bytes.withUnsafeBytes { raw -> [(UInt64, Int, UnreadableEvent)] in
            guard !raw.isEmpty else { return [] }
            let records = report.records
            var candidates: [LogRecord]
            if let snapshot {
                let covered = Int(snapshot.point.sequence)
                candidates = snapshot.unreadable.compactMap { $0 >= 1 && $0 <= UInt64(covered) ? records[Int($0) - 1] : nil } + records[covered...]
            } else {
                var market = MarketState()
                candidates = market.replay(raw, Store.payloadPlaces(records)[...]).compactMap { $0 >= 1 && $0 <= UInt64(records.count) ? records[Int($0) - 1] : nil }
            }
            return candidates.compactMap { record in
                let start = record.offset + LogFormat.recordHeaderSize
                return EventCodec.unreadable(Array(raw[start..<start + record.payloadLength])).map { (record.sequence, record.offset, $0) }
            }
        }
    }
}
