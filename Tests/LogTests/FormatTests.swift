import Foundation
import Testing
import TestSupport
@testable import Log

/// A deterministic pseudo-random generator (SplitMix64), so that fuzz runs repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

/// The payloads of the version-1 golden log: Chinese text, escapes, an empty payload.
let goldenPayloads: [[UInt8]] = [
    Array(#"{"actor":"system","at":"2026-01-01T00:00:00Z","data":{"name":"中国(丹阳)眼镜城党委"},"key":"k1","type":"committee.registered","v":1}"#.utf8),
    Array(#"{"actor":"王芳","at":"2026-01-02T08:30:00Z","data":{"text":"镜片\"假一赔十\"\n第二行"},"key":"k2","type":"x.test","v":1}"#.utf8),
    [],
    Array("{\"v\":1}".utf8),
]

@Suite("Format stability")
struct FormatTests {
    @Test func goldenVersion1LogStillDecodesTheSame() throws {
        let url = goldenFolder.appendingPathComponent("v1-four-records.log")
        if ProcessInfo.processInfo.environment["CHENGXIN_UPDATE_GOLDEN"] == "1" {
            let dir = temporaryDirectory()
            let log = try EventLog.create(directory: dir, logID: Array(0x10..<0x20))
            try log.append { _ in goldenPayloads }
            try Data(contentsOf: URL(fileURLWithPath: EventLog.logPath(in: dir))).write(to: url)
        }
        let bytes = try [UInt8](Data(contentsOf: url))
        guard case .success(let scan) = LogScanner.scanFile(bytes) else {
            Issue.record("the golden log no longer reads")
            return
        }
        #expect(scan.tail == .clean)
        #expect(scan.logID == Array(0x10..<0x20))
        #expect(scan.records.map(\.payload) == goldenPayloads)
        #expect(scan.records.map(\.sequence) == [1, 2, 3, 4])
        // The head hash written down when the golden file was made.
        #expect(hexString(scan.headHash) == (try String(contentsOf: goldenFolder.appendingPathComponent("v1-four-records.head"), encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines))
        // Writing the same records again gives the same bytes: the format has not drifted.
        var rebuilt = LogFormat.header(logID: Array(0x10..<0x20))
        var prev = LogFormat.sha256(rebuilt[...])
        for (i, payload) in goldenPayloads.enumerated() {
            let record = LogFormat.record(sequence: UInt64(i + 1), previousHash: prev, payload: payload)
            rebuilt += record.bytes
            prev = record.hash
        }
        #expect(rebuilt == bytes)
    }

    @Test func decoderSurvivesRandomAndMutatedInput() throws {
        let dir = temporaryDirectory()
        let log = try EventLog.create(directory: dir, logID: Array(repeating: 1, count: 16))
        try log.append { _ in payloads(6) }
        let valid = try [UInt8](Data(contentsOf: URL(fileURLWithPath: EventLog.logPath(in: dir))))
        var rng = SeededGenerator(state: 20261127)
        for round in 0..<3000 {
            var bytes = valid
            switch round % 5 {
            case 0:  // pure noise after a valid header
                bytes = Array(valid[0..<32]) + (0..<Int.random(in: 0...600, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case 1:  // random byte changes
                for _ in 0..<Int.random(in: 1...8, using: &rng) {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
            case 2:  // a huge or odd length field in some record
                let at = Int.random(in: 32..<bytes.count - 4, using: &rng)
                bytes.replaceSubrange(at..<at + 4, with: LogFormat.le32(UInt32.random(in: 0...UInt32.max, using: &rng)))
            case 3:  // bytes inserted or removed
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                if Bool.random(using: &rng) {
                    bytes.insert(contentsOf: (0..<Int.random(in: 1...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
                } else {
                    bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...40, using: &rng)))
                }
            default:  // record magic planted in noise
                bytes += LogFormat.recordMagic + (0..<Int.random(in: 0...100, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            switch LogScanner.scanFile(bytes) {
            case .failure:
                #expect(round % 5 != 0, "a valid header must read, round \(round)")
            case .success(let scan):
                #expect(scan.records.count <= 7, "round \(round)")
                #expect(scan.validEnd <= bytes.count, "round \(round)")
                // Whatever was accepted is a prefix of the real history.
                for record in scan.records {
                    #expect(record.payload == payloads(6)[Int(record.sequence) - 1], "round \(round)")
                }
            }
        }
    }
}

@Suite("The independent verifier (tools/verify-log.py, written from docs/log-format.md)")
struct IndependentVerifierTests {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("tools/verify-log.py").path

    func run(_ path: String) throws -> (Int32, String) {
        let result = try runToCompletion(["/usr/bin/env", "python3", script, path])
        return (result.status, result.output)
    }

    /// Its own tests (logs, witnesses, checkpoints and snapshots built by hand in Python; RFC 8032's
    /// Ed25519 vectors) run with the suite.
    @Test func itsOwnTestsPass() throws {
        let root = URL(fileURLWithPath: script).deletingLastPathComponent().deletingLastPathComponent().path
        let result = try runToCompletion(["/bin/sh", "-c", "cd '\(root)' && exec python3 -m unittest tools/test_verify_log.py"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.errors.contains("OK"))
    }

    @Test func agreesOnTheHeadHashAndOnWhereDamageIs() throws {
        let dir = temporaryDirectory()
        let log = try EventLog.create(directory: dir)
        // Payloads with the keys docs/log-format.md requires (anything else is an unreadable event).
        try log.append { _ in (1...5).map { Array(#"{"actor":"system","at":"2026-11-27T02:32:11Z","data":{"n":\#($0)},"type":"test.kind","v":1}"#.utf8) } }
        let (status, output) = try run(dir)
        #expect(status == 0)
        #expect(output.contains("intact: 5 records"))
        #expect(output.contains("head hash: " + hexString(log.headHash)))

        // Tamper with record 3 and fix its checksum: both verifiers name record 4's broken link.
        let path = EventLog.logPath(in: dir)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let start = log.records[2].offset
        let length = log.records[2].payload.count
        let digit = try #require(bytes[start + 48..<start + 48 + length].firstRange(of: Array(#""n":3"#.utf8))).upperBound - 1
        bytes[digit] = UInt8(ascii: "7")
        bytes.replaceSubrange(start + 48 + length..<start + 52 + length, with: LogFormat.le32(CRC32C.checksum(bytes[start..<start + 48 + length])))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let (damagedStatus, damagedOutput) = try run(dir)
        #expect(damagedStatus == 1)
        #expect(damagedOutput.contains("damaged: record 4 at byte offset \(log.records[3].offset): hash chain broken"))
        #expect(try LogVerifier.verify(directory: dir).tail == .corrupt(sequence: 4, offset: log.records[3].offset, damage: .chainBreak))
    }
}

@Suite struct CRCSlicingTests {
    /// The eight-bytes-at-a-time CRC agrees with the definition (one bit at a time) at every length and alignment.
    @Test func agreesWithBitwiseDefinition() {
        func bitwise(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for b in bytes {
                crc ^= UInt32(b)
                for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            }
            return ~crc
        }
        let bytes = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        for start in 0..<9 {
            for end in start..<bytes.count where end % 7 == 0 || end < 40 {
                #expect(CRC32C.checksum(bytes[start..<end]) == bitwise(bytes[start..<end]))
                // The tables (used where the processor has no CRC-32C instruction) agree too.
                let software = bytes[start..<end].withUnsafeBytes { CRC32C.software(buffer: $0) }
                #expect(software == bitwise(bytes[start..<end]))
            }
        }
        // Longer runs, seeded (continuing a checksum), at every alignment.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 24
        }
        let long = (0..<5000).map { _ in UInt8(truncatingIfNeeded: next()) }
        for start in 0..<8 {
            let slice = long[start...]
            let seed = UInt32(truncatingIfNeeded: next())
            #expect(CRC32C.checksum(slice, seed: seed) == slice.withUnsafeBytes { CRC32C.software(buffer: $0, seed: seed) })
        }
    }
}

@Suite struct ChainHashTests {
    /// The chain hash is SHA-256 (swift-crypto): FIPS 180-4's examples, and the log's framing
    /// hashed at every length around the block edges gives the same digest as hashing the bytes
    /// as one array.
    @Test func isSHA256() {
        func hex(_ text: String) -> String { hexString(Array(text.utf8).withUnsafeBytes { ChainHash.sha256($0).bytes }) }
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        let bytes: [UInt8] = (0..<1200).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 40)
        }
        for length in [0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000] {
            for start in [0, 1, 3] where start + length <= bytes.count {
                let slice = bytes[start..<start + length]
                slice.withUnsafeBytes { raw in
                    #expect(ChainHash.sha256(raw).bytes == LogFormat.sha256(slice), "length \(length) at \(start)")
                }
            }
        }
    }
}

@Suite struct ParallelScanTests {
    /// Checksums and hashes computed on several cores (each on its own run of bytes, the runs
    /// joined where the walk from the start arrives) give exactly the one-at-a-time scan's
    /// records, end, tail and head, intact or damaged anywhere.
    /// `count` chained records (the first linked to a hash of sevens) with small payloads: their
    /// bytes, where each starts, and the last one's hash.
    static func records(_ count: UInt64, payload: (UInt64) -> String) -> (body: [UInt8], starts: [Int], hash: [UInt8]) {
        var body: [UInt8] = []
        var hash = [UInt8](repeating: 7, count: 32)
        var starts: [Int] = []
        for sequence in 1...count {
            let record = LogFormat.record(sequence: sequence, previousHash: hash, payload: Array(payload(sequence).utf8))
            starts.append(body.count)
            body += record.bytes
            hash = record.hash
        }
        return (body, starts, hash)
    }

    @Test func agreesWithTheSequentialScanOnDamagedLogs() {
        let (body, starts, _) = Self.records(6000) { "{\"n\":\($0)}" }
        var cases: [(String, [UInt8])] = [("intact", body)]
        var flipped = body
        flipped[starts[3000] + 50] ^= 0x01
        cases.append(("payload byte changed", flipped))
        var magic = body
        magic[starts[4500]] = 0
        cases.append(("record magic damaged", magic))
        cases.append(("torn last record", Array(body.dropLast(3))))
        var swapped = body
        swapped.replaceSubrange(starts[5000]..<starts[5002], with: Array(body[starts[5001]..<starts[5002]] + body[starts[5000]..<starts[5001]]))
        cases.append(("records swapped", swapped))
        var length = body
        length[starts[100] + 4] = 0xFF
        cases.append(("length damaged", length))
        // A payload that holds a whole record's bytes (magic, length, checksum all plausible): a
        // run that starts inside it must not be joined.
        var nested: [UInt8] = []
        var nestedHash = [UInt8](repeating: 7, count: 32)
        var nestedStarts: [Int] = []
        for sequence in 1...2000 as ClosedRange<UInt64> {
            let inner = LogFormat.record(sequence: 1, previousHash: nestedHash, payload: Array("{\"inner\":\(sequence)}".utf8)).bytes
            let record = LogFormat.record(sequence: sequence, previousHash: nestedHash, payload: sequence % 3 == 0 ? inner + inner : Array("{}".utf8))
            nestedStarts.append(nested.count)
            nested += record.bytes
            nestedHash = record.hash
        }
        cases.append(("records inside payloads", nested))
        var nestedDamaged = nested
        nestedDamaged[nestedStarts[1500] + 20] ^= 0x40
        cases.append(("records inside payloads, damaged", nestedDamaged))
        for (name, bytes) in cases {
            for keep in [true, false] {
                let slow = LogScanner.scan(bytes, from: 0, baseOffset: 32, nextSequence: 1, previousHash: [UInt8](repeating: 7, count: 32), keepPayloads: keep, parallel: false)
                // With the links left for later, every other check still gives the same answer,
                // and each record the hash the next one holds for it: its own, in a whole chain.
                for check in [ChainCheck.full, .deferred] {
                    let fast = LogScanner.scan(bytes, from: 0, baseOffset: 32, nextSequence: 1, previousHash: [UInt8](repeating: 7, count: 32), keepPayloads: keep,
                                               parallelFrom: 1, chainCheck: check)
                    #expect(fast.records == slow.records, "\(name), \(check)")
                    #expect(fast.validEnd == slow.validEnd && fast.tail == slow.tail && fast.headHash == slow.headHash, "\(name), \(check): \(fast.tail) vs \(slow.tail)")
                }
            }
        }
    }

    /// A record edited and its checksum recomputed breaks only the chain: the full scan stops
    /// there; a scan that leaves the links for later takes it (whoever asked for it checks the
    /// chain afterwards), and its head hash is still the real last record's.
    @Test func aDeferredChainCheckLeavesOnlyTheLinksUnchecked() {
        let (body, starts, hash) = Self.records(3000) { "{\"n\":\($0 + 100)}" }
        var tampered = body
        let start = starts[1700], length = Int(LogFormat.readLE32(body, start + 4))
        tampered[start + 48 + 5] = UInt8(ascii: "9")
        tampered.replaceSubrange(start + 48 + length..<start + 52 + length, with: LogFormat.le32(CRC32C.checksum(tampered[start..<start + 48 + length])))
        let genesis = [UInt8](repeating: 7, count: 32)
        let full = LogScanner.scan(tampered, from: 0, baseOffset: 32, nextSequence: 1, previousHash: genesis, keepPayloads: false, parallelFrom: 1)
        #expect(full.tail == .corrupt(sequence: 1702, offset: 32 + starts[1701], damage: .chainBreak))
        #expect(full.records.count == 1701)
        let deferred = LogScanner.scan(tampered, from: 0, baseOffset: 32, nextSequence: 1, previousHash: genesis, keepPayloads: false, parallelFrom: 1,
                                       chainCheck: .deferred)
        #expect(deferred.tail == .clean && deferred.records.count == 3000 && deferred.validEnd == 32 + tampered.count)
        #expect(deferred.headHash == hash, "the last record's hash is computed, not taken")
        // The records before the edit carry their real hashes.
        #expect(Array(deferred.records.prefix(1700)) == Array(full.records.prefix(1700)))
        // A first record that does not follow the hash it should is still caught at once.
        let wrongStart = LogScanner.scan(body, from: 0, baseOffset: 32, nextSequence: 1, previousHash: [UInt8](repeating: 8, count: 32), keepPayloads: false,
                                         parallelFrom: 1, chainCheck: .deferred)
        #expect(wrongStart.records.isEmpty && wrongStart.tail == .corrupt(sequence: 1, offset: 32, damage: .chainBreak))
    }
}
