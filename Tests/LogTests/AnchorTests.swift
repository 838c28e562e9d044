import Crypto
import Foundation
import Testing
import TestSupport
@testable import Log

@Suite("Anchors: the head on paper")
struct AnchorTests {
    let hash = String(repeating: "0123456789abcdef", count: 4)

    @Test func anAnchorIsReadExactlyAsPrinted() throws {
        let anchor = try Anchor.parse("652:" + hash)
        #expect(anchor.sequence == 652 && hexString(anchor.hash) == hash)
        #expect(anchor.text == "652:" + hash && "\(anchor)" == anchor.text)
        #expect(try Anchor.parse("0:" + hash).sequence == 0)
    }

    @Test func anythingElseIsRefusedWithAReason() {
        func reason(_ text: String) -> AnchorSyntaxError? {
            do throws(AnchorSyntaxError) {
                _ = try Anchor.parse(text)
                return nil
            } catch {
                return error
            }
        }
        #expect(reason(hash) == .noColon(text: hash))
        #expect(reason("0652:" + hash) == .badSequence(text: "0652:" + hash))
        #expect(reason("-1:" + hash) == .badSequence(text: "-1:" + hash))
        #expect(reason(":" + hash) == .badSequence(text: ":" + hash))
        #expect(reason(" 652:" + hash) == .badSequence(text: " 652:" + hash))
        #expect(reason("99999999999999999999:" + hash) == .badSequence(text: AnchorSyntaxError.shown("99999999999999999999:" + hash)), "past UInt64")
        #expect(reason("652:" + hash.dropLast()) == .badHashLength(text: "652:" + hash.dropLast(), digits: 63))
        #expect(reason("652:" + hash + " ") == .badHashLength(text: "652:" + hash + " ", digits: 65))
        #expect(reason("652:" + hash.uppercased()) == .badHashDigits(text: "652:" + hash.uppercased()))
        #expect(reason("652:" + hash.replacingOccurrences(of: "f", with: "g")) != nil)
        #expect(reason("652:" + hash + ":1") != nil)
        let long = String(repeating: "9", count: 200)
        if case .badSequence(let shown)? = reason(long + ":" + hash) { #expect(shown.count == 81) } else { Issue.record("not refused") }
        for error in [AnchorSyntaxError.noColon(text: "x"), .badSequence(text: "x"), .badHashLength(text: "x", digits: 3), .badHashDigits(text: "x")] {
            #expect(error.zh.contains("“x”不是锚点") && error.en.contains("\"x\" is not an anchor"))
        }
    }

    @Test func anAnchorsFileHasOnePerLineWithCommentsAndBlanks() {
        let text = "# printed 2026-11-30\n\n652:\(hash)\r\n  7:\(hash)  \nnot an anchor\n0652:\(hash)"
        let (anchors, errors) = AnchorFile.parse(text, name: "paper.txt")
        #expect(anchors.map(\.sequence) == [652, 7])
        #expect(errors.map(\.line) == [5, 6])
        #expect(errors.first?.reason == .noColon(text: "not an anchor"))
        #expect(errors.first?.zh.hasPrefix("锚点文件 paper.txt 第 5 行：") == true)
        #expect(errors.first?.en.hasPrefix("anchors file paper.txt line 5: ") == true)
    }

    @Test func theLogExtendsItsOwnAnchorsAndNoOthers() throws {
        let dir = temporaryDirectory()
        let log = try EventLog.create(directory: dir)
        try log.append { _ in payloads(5) }
        let report = try LogVerifier.verify(directory: dir)
        let genesis = LogFormat.sha256(LogFormat.header(logID: log.logID)[...])
        let own = [Anchor(sequence: 0, hash: genesis), Anchor(sequence: 3, hash: report.records[2].hash), Anchor(sequence: 5, hash: log.headHash)]
        #expect(AnchorCheck.problems(own, report: report).isEmpty)
        #expect(try Anchor.parse("5:" + hexString(log.headHash)) == own[2])

        let wrong = [Anchor(sequence: 6, hash: log.headHash), Anchor(sequence: 4, hash: log.headHash), Anchor(sequence: 0, hash: log.headHash)]
        let problems = AnchorCheck.problems(wrong, report: report)
        #expect(problems == [.anchorNotExtended(sequence: 6, reason: .tooShort(records: 5)),
                             .anchorNotExtended(sequence: 4, reason: .hashDiffers),
                             .anchorNotExtended(sequence: 0, reason: .hashDiffers)])
        #expect(problems[0].zh.contains("日志只有 5 条记录") && problems[0].en.contains("the log has only 5 records"))
        #expect(problems[1].zh.contains("第 4 条记录的哈希不同") && problems[1].en.contains("record 4's hash differs"))
        #expect(!problems[2].zh.isEmpty && !problems[2].en.isEmpty)

        // A log re-chained from the start, with the same records: the printed head does not hold.
        let other = try EventLog.create(directory: temporaryDirectory("other"))
        try other.append { _ in payloads(5) }
        #expect(AnchorCheck.problems(own, logID: other.logID, records: other.records).count == 3)
    }

    @Test func aKeyFingerprintIsTheFirstSixteenHexDigitsOfTheKeysHash() throws {
        #expect(keyFingerprint(publicKey: Array(repeating: 0, count: 32)) == "66687aadf862bd77")
        let key = Curve25519.Signing.PrivateKey()
        let checkpoint = try Checkpoint.sign(logID: Array(repeating: 1, count: 16), sequence: 0, headHash: Array(repeating: 2, count: 32), at: "2026-11-27T00:00:00Z", key: key)
        #expect(checkpoint.keyFingerprint == keyFingerprint(publicKey: Array(key.publicKey.rawRepresentation)))
        #expect(checkpoint.keyFingerprint.count == 16)
    }
}
