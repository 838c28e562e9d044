import Crypto
import Foundation
@testable import Log
import Testing
import TestSupport

/// A demo data directory damaged in every way issue 16 lists, checked by `chengxin verify` and by
/// the independent verifier written from docs/log-format.md alone (tools/verify-log.py): both give
/// the same verdict and name the same record and offset; writers refuse what verify refuses.
@Suite("The record holds against damage and insiders", .serialized)
struct IntegrityTests {
    /// One demo directory, made once, copied for every case (with its own key folder).
    static let original: (data: String, key: String)? = {
        guard let binary = builtProduct("chengxin") else { return nil }
        let root = temporaryPath("integrity-original")
        let data = root + "/data", key = root + "/key/checkpoint.key"
        let seeds = packageRoot.appendingPathComponent("seeds").path
        guard (try? runToCompletion([binary, "init", "--demo", "--seeds", seeds, "--data", data, "--key", key]))?.status == 0 else { return nil }
        // A first write replays the log and writes the (authenticated) snapshot.
        let filed = try? runToCompletion(["/usr/bin/env", "CHENGXIN_PIN=300000", "CHENGXIN_TODAY=2026-12-01", binary, "complaint", "file", "--merchant", "A101",
                                          "--category", "quality", "--integrity", "quality", "--text", "镜片有划痕", "--as", "fuwutai", "--data", data, "--key", key])
        guard filed?.status == 0 else { return nil }
        return (data, key)
    }()

    /// A fresh copy of the demo directory and its key folder.
    struct Case {
        let binary: String
        let data: String
        let key: String
        var log: String { data + "/events.log" }

        init(_ name: String) throws {
            let original = try #require(IntegrityTests.original, "the demo directory could not be made")
            binary = try #require(builtProduct("chengxin"))
            let root = temporaryPath("integrity-" + name)
            data = root + "/data"
            key = root + "/key/checkpoint.key"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: original.data, toPath: data)
            try FileManager.default.copyItem(atPath: (original.key as NSString).deletingLastPathComponent, toPath: root + "/key")
            // The mirrors beside the key are bound to the directory they were written for: here,
            // as if this copy had always been that directory.
            let anchors = root + "/key/anchors"
            for name in try FileManager.default.contentsOfDirectory(atPath: anchors) {
                let text = try String(contentsOfFile: anchors + "/" + name, encoding: .utf8)
                let rest = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().joined()
                try ("# data=" + CheckpointFiles.realPath(data) + "\n" + rest).write(toFile: anchors + "/" + name, atomically: true, encoding: .utf8)
            }
        }

        /// Signs the current head with the key (as a legitimate writer, or an insider who stole
        /// the key, would), after removing every earlier checkpoint of this log.
        func resign() throws {
            let files = CheckpointFiles(keyPath: key)
            let log = try EventLog.open(directory: data)
            try? FileManager.default.removeItem(atPath: data + "/checkpoints.txt")
            for name in try FileManager.default.contentsOfDirectory(atPath: files.anchorsDirectory) {
                try FileManager.default.removeItem(atPath: files.anchorsDirectory + "/" + name)
            }
            try log.writeCheckpoint(files: files, key: try #require(try files.loadKey()), at: "2026-12-02T09:00:00Z")
        }

        func chengxin(_ arguments: [String], pin: String? = nil) throws -> (status: Int32, output: String, errors: String) {
            var env = ["/usr/bin/env", "LANG=C.UTF-8", "CHENGXIN_TODAY=2026-12-02"]
            if let pin { env.append("CHENGXIN_PIN=\(pin)") }
            return try runToCompletion(env + [binary] + arguments + ["--data", data, "--key", key, "--lang", "en"])
        }

        func independent(_ arguments: [String] = []) throws -> (status: Int32, output: String, errors: String) {
            let script = packageRoot.appendingPathComponent("tools/verify-log.py").path
            return try runToCompletion(["/usr/bin/env", "python3", script, data, "--key", key] + arguments)
        }

        /// Both verifiers, which must agree on the exit status and on the first bad record and
        /// offset; returns chengxin's output.
        @discardableResult
        func verifyBoth(_ arguments: [String] = [], expect status: Int32, record: UInt64? = nil, offset: Int? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
            let ours = try chengxin(["verify"] + arguments)
            let theirs = try independent(arguments)
            #expect(ours.status == status, "chengxin verify: \(ours.output) \(ours.errors)", sourceLocation: sourceLocation)
            #expect(theirs.status == status, "verify-log.py: \(theirs.output) \(theirs.errors)", sourceLocation: sourceLocation)
            let verdict = ours.output.split(separator: "\n").first.map(String.init) ?? ""
            if status == 0 { #expect(verdict.hasPrefix("intact"), "\(verdict)", sourceLocation: sourceLocation) }
            if status == 1 { #expect(verdict.hasPrefix("damaged"), "\(verdict)", sourceLocation: sourceLocation) }
            if let record {
                let theirsFirst = theirs.output.split(separator: "\n").first.map(String.init) ?? ""
                func names(_ line: String) -> Bool { line.range(of: "record \(record)(?![0-9])", options: .regularExpression) != nil }
                #expect(names(verdict), "\(verdict)", sourceLocation: sourceLocation)
                #expect(names(theirsFirst), "\(theirsFirst)", sourceLocation: sourceLocation)
                if let offset {
                    #expect(verdict.contains("byte offset \(offset)"), "\(verdict)", sourceLocation: sourceLocation)
                    #expect(theirsFirst.contains("byte offset \(offset)"), "\(theirsFirst)", sourceLocation: sourceLocation)
                }
            }
            return ours.output + ours.errors
        }

        /// A write command (a complaint filed at the kiosk's account).
        func fileComplaint(_ text: String = "又一件") throws -> (status: Int32, output: String, errors: String) {
            try chengxin(["complaint", "file", "--merchant", "A102", "--category", "quality", "--integrity", "quality", "--text", text, "--as", "fuwutai"], pin: "300000")
        }

        /// A write is refused, names `named`, and changes nothing.
        func writeIsRefused(naming named: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let before = try Data(contentsOf: URL(fileURLWithPath: log))
            let result = try fileComplaint()
            #expect(result.status == 1, "\(result.output)", sourceLocation: sourceLocation)
            #expect(result.errors.contains(named), "\(result.errors)", sourceLocation: sourceLocation)
            #expect(try Data(contentsOf: URL(fileURLWithPath: log)) == before, "nothing written", sourceLocation: sourceLocation)
        }

        func bytes() throws -> [UInt8] { try [UInt8](Data(contentsOf: URL(fileURLWithPath: log))) }
        func write(_ bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: log)) }

        /// The records as they lie: sequence, offset, size.
        func records() throws -> [LogRecord] { try LogVerifier.verify(directory: data).records }

        /// What an insider with the tools does: the log rebuilt from record `from` on with `edit`
        /// applied to the payloads (every CRC and link recomputed, optionally under a new log id),
        /// and the witness rewritten to match.
        func rechain(from: UInt64 = 1, newID: [UInt8]? = nil, keep: Int? = nil, edit: (UInt64, [UInt8]) -> [UInt8]) throws {
            let old = try bytes()
            let report = try LogVerifier.verify(directory: data)
            let kept = keep.map { Array(report.records.prefix($0)) } ?? report.records
            let id = newID ?? report.logID
            var out = LogFormat.header(logID: id)
            var previous = LogFormat.sha256(out[...])
            for record in kept {
                let start = record.offset + LogFormat.recordHeaderSize
                var payload = Array(old[start..<start + record.payloadLength])
                if record.sequence >= from { payload = edit(record.sequence, payload) }
                previous = LogFormat.appendRecord(to: &out, sequence: record.sequence, previousHash: previous, payload: payload)
            }
            try write(out)
            let witness = Witness(logID: id, sequence: UInt64(kept.count), end: out.count, hash: previous)
            var file = [UInt8](repeating: 0, count: 160)
            file.replaceSubrange(witness.slot.offset..<witness.slot.offset + 80, with: witness.slot.bytes)
            try Data(file).write(to: URL(fileURLWithPath: Witness.path(in: data)))
            try? FileManager.default.removeItem(atPath: SnapshotFile.path(in: data))
        }
    }

    @Test func anIntactDemoIsIntactForBoth() throws {
        let c = try Case("intact")
        let output = try c.verifyBoth(expect: 0)
        #expect(output.contains("head anchor: 1144:"))
    }

    /// The first repro: one byte of the last, acknowledged record flipped.
    @Test func aFlippedByteInTheLastRecordIsCorruptionAndTheComplaintIsNeverCut() throws {
        let c = try Case("last-byte")
        let last = try #require(try c.records().last)
        var bytes = try c.bytes()
        bytes[bytes.count - 100] ^= 0x41 ^ bytes[bytes.count - 100]
        try c.write(bytes)
        try c.verifyBoth(expect: 1, record: last.sequence, offset: last.offset)
        try c.writeIsRefused(naming: "record \(last.sequence) (byte offset \(last.offset))")
        #expect(try c.bytes() == bytes, "the damaged record is still there, not cut")
    }

    /// A write that never finished: cut with a warning, its bytes kept, the cut recorded.
    @Test func aRealTornTailIsCutWithAWarningAndKept() throws {
        let c = try Case("torn")
        let end = try c.bytes().count
        var bytes = try c.bytes()
        bytes += Array("CXR\n".utf8) + [200, 0, 0, 0] + Array("half a record".utf8)
        try c.write(bytes)
        let output = try c.verifyBoth(expect: 0)
        #expect(output.contains("unfinished, never acknowledged record at the end (byte offset \(end)"))
        let filed = try c.fileComplaint()
        #expect(filed.status == 0, "\(filed.errors)")
        #expect(filed.errors.contains("was cut off the end of the log (a crash during a write); its \(bytes.count - end) bytes are kept in cut/\(end)-"), "\(filed.errors)")
        let kept = try FileManager.default.contentsOfDirectory(atPath: c.data + "/cut")
        #expect(kept.count == 1 && kept[0].hasPrefix("\(end)-"))
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: c.data + "/cut/" + kept[0]))) == Array(bytes[end...]))
        let log = try c.chengxin(["log", "--since", "654"]).output
        #expect(log.contains("log.tail-cut"), "\(log)")
        try c.verifyBoth(expect: 0)
    }

    @Test func damageInTheMiddleIsFoundByBothAndStopsWritersThoughTheSnapshotIsAfterIt() throws {
        let c = try Case("middle")
        #expect(FileManager.default.fileExists(atPath: SnapshotFile.path(in: c.data)), "a snapshot after the damage")
        let records = try c.records()
        var bytes = try c.bytes()
        bytes[records[299].offset + 60] ^= 1
        try c.write(bytes)
        try c.verifyBoth(expect: 1, record: 300, offset: records[299].offset)
        try c.writeIsRefused(naming: "record 300 (byte offset \(records[299].offset))")

        // Damaged before the kiosk's user was registered: the damage is named, not "no such user".
        let early = try Case("early")
        let first = try early.records()
        var earlyBytes = try early.bytes()
        earlyBytes[first[4].offset + 60] ^= 1
        try early.write(earlyBytes)
        try early.writeIsRefused(naming: "record 5 (byte offset \(first[4].offset))")

        // Edited with its checksum recomputed: the next record's link breaks.
        let d = try Case("middle-crc")
        try d.rechain(edit: { _, payload in payload })
        var edited = try d.bytes()
        let all = try d.records()
        let r = all[299], next = all[300]
        let start = r.offset + LogFormat.recordHeaderSize
        let at = try #require(edited[start..<start + r.payloadLength].firstIndex(of: UInt8(ascii: "0")))
        edited[at] = UInt8(ascii: "9")
        edited.replaceSubrange(start + r.payloadLength..<start + r.payloadLength + 4, with: LogFormat.le32(CRC32C.checksum(edited[r.offset..<start + r.payloadLength])))
        try d.write(edited)
        try d.verifyBoth(expect: 1, record: 301, offset: next.offset)
        try d.writeIsRefused(naming: "record 301")
    }

    @Test func aForgedSnapshotIsReportedAndNeverShown() throws {
        let c = try Case("snapshot")
        let path = SnapshotFile.path(in: c.data)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let name = Array("鉴明镜架".utf8)
        let at = try #require(bytes.firstRange(of: name)).lowerBound
        bytes.replaceSubrange(at..<at + name.count, with: Array("假冒伪劣".utf8))
        bytes.replaceSubrange(96..<128, with: LogFormat.sha256(bytes[0..<96] + bytes[128...]))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let output = try c.verifyBoth(expect: 1)
        #expect(output.contains("snapshot.bin fails its authentication"))
        let list = try c.chengxin(["merchant", "list"]).output
        #expect(list.contains("鉴明镜架") && !list.contains("假冒伪劣"))
        // A writer sets it aside as evidence and writes a true one.
        #expect(try c.fileComplaint().status == 0)
        #expect(FileManager.default.fileExists(atPath: c.data + "/" + SnapshotFile.rejectedName))
        try c.verifyBoth(expect: 0)
    }

    @Test func aLogReChainedUnderANewIdFailsItsCheckpoints() throws {
        let c = try Case("rechain-id")
        try c.rechain(newID: Array(repeating: 0xAB, count: 16), edit: { _, payload in payload })
        let output = try c.verifyBoth(expect: 1)
        #expect(output.contains("checkpoint"))
        try c.writeIsRefused(naming: "signed checkpoint")
        // The data directory's checkpoint file removed too: the mirror beside the key still knows.
        try FileManager.default.removeItem(atPath: c.data + "/checkpoints.txt")
        try c.verifyBoth(expect: 1)
    }

    @Test func aRolledBackLogFailsAndIsNotAppendedTo() throws {
        let c = try Case("rollback")
        // Cut back to 600 records, witness rewritten to match (an insider with the tools).
        try c.rechain(keep: 600, edit: { _, payload in payload })
        try c.verifyBoth(expect: 1)
        try c.writeIsRefused(naming: "rolled back")
        // Nor is a new checkpoint signed over it (a rollback is never blessed).
        let signed = try c.chengxin(["checkpoint"])
        #expect(signed.status == 1 && signed.errors.contains("rolled back"), "\(signed.errors)")
        // Cut at a record boundary with the witness left as it was: the witness names it too.
        let d = try Case("cut-boundary")
        let records = try d.records()
        try d.write(Array(try d.bytes()[0..<records[650].offset]))
        try d.verifyBoth(expect: 1, record: 651, offset: records[650].offset)
    }

    @Test func aKeyInsideTheDataDirectoryIsRefused() throws {
        let c = try Case("key-inside")
        try FileManager.default.copyItem(atPath: c.key, toPath: c.data + "/checkpoint.key")
        let ours = try runToCompletion([c.binary, "verify", "--data", c.data, "--key", c.data + "/checkpoint.key"])
        let theirs = try runToCompletion(["/usr/bin/env", "python3", packageRoot.appendingPathComponent("tools/verify-log.py").path, c.data, "--key", c.data + "/checkpoint.key"])
        #expect(ours.status == 2 && ours.errors.contains("签名密钥不能放在数据目录里"), "\(ours.errors)")
        #expect(theirs.status == 2)
        // Through a path that only leads inside after `..`.
        let sneaky = c.data + "/../data/checkpoint.key"
        #expect(try runToCompletion([c.binary, "verify", "--data", c.data, "--key", sneaky]).status == 2)
        // A writer refuses it too, and writes nothing (no checkpoint check would have guarded it).
        let before = try c.bytes()
        let write = try runToCompletion(["/usr/bin/env", "CHENGXIN_PIN=300000", c.binary, "complaint", "file", "--merchant", "A102", "--category", "quality",
                                         "--integrity", "quality", "--text", "又一件", "--as", "fuwutai", "--data", c.data, "--key", sneaky])
        #expect(write.status == 1 && write.errors.contains("签名密钥不能放在数据目录里"), "\(write.errors)")
        #expect(try c.bytes() == before)
    }

    @Test func checkpointsAreReadAsTheirExactBytes() throws {
        for (name, change) in [("leading-zero", { (line: String) in line.replacingOccurrences(of: " seq=", with: " seq=0") }),
                               ("upper-case", { (line: String) in line.replacingOccurrences(of: "head=", with: "head=").uppercased().replacingOccurrences(of: "CHENGXIN-CHECKPOINT V1 LOG=", with: "chengxin-checkpoint v1 log=") })] {
            let c = try Case("checkpoint-" + name)
            let path = c.data + "/checkpoints.txt"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try text.split(separator: "\n").map { change(String($0)) }.joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
            let output = try c.verifyBoth(expect: 1)
            #expect(output.contains("malformed"), "\(name): \(output)")
        }
        // A checkpoint cut short by a full disk: a note, and the next one is whole.
        let c = try Case("checkpoint-partial")
        let path = c.data + "/checkpoints.txt"
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("chengxin-checkpoint v1 log=00".utf8))
        handle.closeFile()
        try c.verifyBoth(expect: 0)
        #expect(try c.chengxin(["checkpoint"]).status == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").allSatisfy { $0.hasPrefix("chengxin-checkpoint v1 log=") && $0.contains(" sig=") })
        try c.verifyBoth(expect: 0)
    }

    @Test func anUnreadableEventIsNamedNotDropped() throws {
        let c = try Case("unreadable")
        try c.rechain(from: 500, edit: { sequence, payload in sequence == 500 ? Array("{not json".utf8) : payload })
        // Written so by a writer with a bug, and signed over since: nothing else is wrong.
        try c.resign()
        let record = try c.records()[499]
        let output = try c.verifyBoth(expect: 1, record: 500, offset: record.offset)
        #expect(output.contains("unreadable event"))
    }

    /// The key stolen: history rewritten from record 10 on and re-signed. The chain and the
    /// checkpoints hold; the head printed on a notice before does not.
    @Test func aHeadPrintedBeforeCatchesARewriteWithTheKeyStolen() throws {
        let c = try Case("anchor")
        let before = try LogVerifier.verify(directory: c.data)
        let anchor = "\(before.recordCount):\(hexString(before.headHash))"
        try c.verifyBoth(["--anchor", anchor], expect: 0)
        try c.rechain(from: 10, edit: { sequence, payload in
            sequence == 10 ? Array(String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "2026", with: "2025").utf8) : payload
        })
        try c.resign()
        try c.verifyBoth(expect: 0)
        try c.verifyBoth(["--anchor", anchor], expect: 1, record: before.recordCount == 0 ? nil : UInt64(before.recordCount))
        let file = c.data + "/../anchors.txt"
        try "# printed on the 公示 of 2026-12-01\n\(anchor)\n".write(toFile: file, atomically: true, encoding: .utf8)
        try c.verifyBoth(["--anchors", file], expect: 1)
        #expect(try c.chengxin(["verify", "--anchor", "652:xyz"]).status == 2)
    }

    /// The anchor the public notice prints is the one verify proves, and a rewrite after it is caught.
    @Test func theAnchorOnThePublicNoticeIsCheckedByVerify() throws {
        let c = try Case("notice-anchor")
        let out = c.data + "/../notice.md"
        let report = try c.chengxin(["report", "public-notice", "--format", "md", "--out", out])
        #expect(report.status == 0, "\(report.errors)")
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let anchor = try #require(text.range(of: "[0-9]+:[0-9a-f]{64}", options: .regularExpression).map { String(text[$0]) })
        #expect(report.output.contains(anchor))
        try c.verifyBoth(["--anchor", anchor], expect: 0)
        try c.rechain(from: 600, edit: { sequence, payload in
            sequence == 600 ? Array(String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "2026", with: "2024").utf8) : payload
        })
        try c.resign()
        try c.verifyBoth(expect: 0)
        try c.verifyBoth(["--anchor", anchor], expect: 1)
    }

    @Test func notALogAndANewerFormatAreExitTwo() throws {
        let c = try Case("not-a-log")
        var bytes = try c.bytes()
        bytes[8] = 2
        try c.write(bytes)
        try c.verifyBoth(expect: 2)
        bytes[0] = 0
        try c.write(bytes)
        try c.verifyBoth(expect: 2)
    }
}
