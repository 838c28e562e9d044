import Foundation
import Testing
@testable import Codec
@testable import Core

/// A replay that reads payloads in place (`MarketState.replay`) gives exactly the state that
/// decoding each payload and applying it gives — the same rows, symbols, texts and keys — whatever
/// the payloads hold; payloads not in the canonical shape go the general way.
@Suite("Replay in place")
struct ReplayTests {
    /// Payloads laid out in one buffer with bytes between them (as in a log file), and where they lie.
    func layout(_ payloads: [[UInt8]]) -> (bytes: [UInt8], places: [PayloadPlace]) {
        var bytes: [UInt8] = Array("header".utf8)
        var places: [PayloadPlace] = []
        for (i, payload) in payloads.enumerated() {
            bytes += Array(repeating: UInt8(truncatingIfNeeded: i), count: 48)
            places.append(PayloadPlace(offset: bytes.count, length: payload.count, sequence: UInt64(i + 1)))
            bytes += payload
            bytes += [0x43, 0x58, 0x52, 0x0A]
        }
        return (bytes, places)
    }

    /// The reference: each payload decoded by the general decoder and applied.
    func applied(_ payloads: [[UInt8]]) -> (state: MarketState, undecodable: [UInt64]) {
        var state = MarketState()
        var undecodable: [UInt64] = []
        for (i, payload) in payloads.enumerated() {
            if let event = try? EventCodec.decode(payload) { state.apply(event, sequence: UInt64(i + 1)) } else { undecodable.append(UInt64(i + 1)) }
        }
        return (state, undecodable)
    }

    func replayed(_ payloads: [[UInt8]], splitAt split: Int? = nil) -> (state: MarketState, undecodable: [UInt64]) {
        let (bytes, places) = layout(payloads)
        var state = MarketState()
        let undecodable = bytes.withUnsafeBytes { raw in
            let cut = split ?? places.count
            return state.replay(raw, places[..<cut]) + state.replay(raw, places[cut...])
        }
        return (state, undecodable)
    }

    func expectSame(_ payloads: [[UInt8]], splitAt split: Int? = nil, _ comment: Comment? = nil) throws {
        let reference = applied(payloads), replay = replayed(payloads, splitAt: split)
        #expect(replay.undecodable == reference.undecodable, comment)
        #expect(replay.state == reference.state, comment)
        // And its snapshot reads back as the reference state.
        #expect(MarketSnapshot.decode(try MarketSnapshot.encode(replay.state)) == reference.state, comment)
    }

    func payloads(_ events: [Event]) throws -> [[UInt8]] {
        try events.map { try EventCodec.encodeBytes($0) }
    }

    @Test func theDemoYearAndEveryCornerFoldAlike() throws {
        var events = try CompactHistoryTests().events()
        // Inspections with the same outcomes again and again (read once per task, then matched
        // whole), now and then one with a failure or another checklist.
        let items = (1...12).map { "ITEM-\($0)" }
        for n in 0..<3000 {
            var outcomes = items.map { ItemOutcome(item: $0, result: .pass) }
            if n % 7 == 3 { outcomes[n % items.count] = ItemOutcome(item: items[n % items.count], result: .fail, severity: .minor, note: "第\(n)次") }
            if n % 11 == 5 { outcomes.removeLast() }
            let inspection = Inspection(shop: ["A101", "A102", "B101"][n % 3], date: date("2026-11-23"), inspector: "shuji1", checklistVersion: 1, outcomes: outcomes)
            events.append(Event(actor: "shuji1", at: "2026-11-23T08:00:00Z", key: "repeat-\(n)", body: .inspectionRecorded(inspection)))
        }
        let payloads = try payloads(events)
        try expectSame(payloads)
        // Continuing a replay on a state that already holds records, across a batch boundary.
        try expectSame(payloads, splitAt: payloads.count / 3)
    }

    @Test func theBulkTypesAreReadInPlace() throws {
        // Otherwise the replay would still be right, but slow: every payload these five types are
        // written as takes the canonical reader (but those with an escape in a string, which the
        // general decoder reads).
        let bulk: Set = ["inspection.recorded", "complaint.filed", "complaint.step", "contribution.recorded", "contribution.approved"]
        var read = 0
        for event in try CompactHistoryTests().events() where bulk.contains(event.type) {
            var payload = try EventCodec.encodeBytes(event)
            if payload.contains(UInt8(ascii: "\\")) { continue }
            var scratch = ReadScratch()
            let event = payload.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress.flatMap { CanonicalPayloadReader.read($0, count: buffer.count, &scratch) }
            }
            #expect(event != nil, "\(String(decoding: payload, as: UTF8.self))")
            read += 1
        }
        #expect(read > 200)
    }

    /// Payloads a hand, another program or damage could have written: each takes the general
    /// decoder (which accepts some and refuses others); the result is the same either way.
    @Test func awkwardPayloadsFoldAsTheGeneralDecoderSays() throws {
        let base = try payloads(try CompactHistoryTests().events())
        let filed = #"{"actor":"fuwutai","at":"2026-11-20T08:00:00Z","data":{"amountFen":500,"category":"price","consentToContact":true,"consumerName":"乙","consumerPhone":"13900000001","date":"2026-11-20","integrity":"price","receipt":"AWKW-0001","shop":"A101","text":"标价不符","wants":["refund","apology"]},"key":"awk-1","type":"complaint.filed","v":1}"#
        let step = #"{"actor":"shuji1","at":"2026-11-20T08:00:00Z","data":{"action":{"accept":{}},"date":"2026-11-20","note":"已联系","receipt":"AWKW-0001"},"key":"awk-2","type":"complaint.step","v":1}"#
        let resolve = #"{"actor":"shuji1","at":"2026-11-20T08:00:00Z","data":{"action":{"resolve":{"amountFen":300,"outcome":"部分退款"}},"date":"2026-11-21","receipt":"AWKW-0001"},"key":"awk-3","type":"complaint.step","v":1}"#
        let inspection = #"{"actor":"shuji1","at":"2026-11-20T08:00:00Z","data":{"checklistVersion":1,"date":"2026-11-20","inspector":"shuji1","outcomes":[{"item":"ID-1","result":"pass"},{"item":"ID-2","note":"价签缺失","result":"fail","severity":"minor"}],"shop":"A101"},"key":"awk-4","type":"inspection.recorded","v":1}"#
        let contribution = #"{"actor":"shuji1","at":"2026-11-20T08:00:00Z","data":{"date":"2026-11-20","evidence":"义务验光","kind":"service","points":20,"shop":"A101"},"key":"awk-5","type":"contribution.recorded","v":1}"#
        let originals = [filed, step, resolve, inspection, contribution]
        // (what to find, what to put instead) in one of the originals.
        let changes: [(String, String)] = [
            (#"{"actor":"#, #"{ "actor" : "#),                         // spaces
            (#""v":1}"#, #""v":1} "#),                                   // trailing space
            (#""v":1}"#, #""v":2}"#),                                    // another version
            (#""v":1}"#, #""v":1,"extra":true}"#),                       // unknown member
            (#""key":"awk-"#, #""key":null,"k2":"awk-"#),                // null key, extra member
            (#","key":"awk-1""#, ""),                                    // no key
            ("标价不符", #"标价\"不符"#),                                 // escaped quote
            ("标价不符", #"标价\n不符"#),                                 // escaped newline
            ("标价不符", #"\u6807\u4ef7"#),                               // unicode escapes
            ("已联系", #"\ud83d\ude00"#),                                 // surrogate pair escape
            ("\"amountFen\":500", "\"amountFen\":0500"),                  // leading zero
            ("\"amountFen\":500", "\"amountFen\":5e2"),                   // exponent
            ("\"amountFen\":500", "\"amountFen\":500.0"),                 // fraction
            ("\"amountFen\":500", "\"amountFen\":-0"),                    // negative zero
            ("\"amountFen\":500", "\"amountFen\":99999999999999999999"),  // too large
            ("\"amountFen\":300", "\"amountFen\":-300"),                  // negative
            ("\"points\":20", "\"points\":1234567890123456789"),          // large but fits
            ("\"date\":\"2026-11-20\"", "\"date\":\"2026-13-20\""),       // no such month
            ("\"date\":\"2026-11-20\"", "\"date\":\"2026-+1-20\""),       // a sign where digits go
            ("\"date\":\"2026-11-21\"", "\"date\":\"2026-02-29\""),       // no such day
            ("\"integrity\":\"price\"", "\"integrity\":\"PRICE\""),       // unknown case
            ("\"result\":\"fail\"", "\"result\":\"na\""),                 // another case
            ("\"severity\":\"minor\"", "\"severity\":\"grave\""),         // unknown severity
            ("\"kind\":\"service\"", "\"kind\":\"harmony\""),
            ("\"consentToContact\":true", "\"consentToContact\":1"),      // not a boolean
            (",\"shop\":\"A101\",\"text\"", ",\"shop\":null,\"text\""),   // null optional
            (",\"note\":\"已联系\"", ",\"note\":null"),
            ("{\"accept\":{}}", "{\"accept\":{},\"close\":{}}"),         // two actions
            ("{\"accept\":{}}", "{\"accept\":{\"x\":1}}"),               // accept with a value
            ("\"wants\":[\"refund\",\"apology\"]", "\"wants\":[]"),
            ("\"wants\":[\"refund\",\"apology\"]", "\"wants\":[ ]"),
            ("\"outcomes\":[{", "\"outcomes\":[ {"),
            ("\"type\":\"complaint.filed\"", "\"type\":\"complaint.filed.v2\""),
            ("\"type\":\"complaint.step\"", "\"type\":\"complaint.Step\""),
            ("\"receipt\":\"AWKW-0001\"}", "\"receipt\":\"AWKW-0001\",\"receipt\":\"AWKW-0002\"}"), // repeated member
            ("\"outcome\":\"部分退款\"}", "\"outcome\":\"部分退款\",\"upheld\":false}"), // found untrue (canonical)
            ("\"outcome\":\"部分退款\"}", "\"outcome\":\"部分退款\",\"upheld\":true}"),  // found true (canonical)
            ("\"outcome\":\"部分退款\"}", "\"outcome\":\"部分退款\",\"upheld\":null}"),  // null: as if absent
            ("\"outcome\":\"部分退款\"}", "\"outcome\":\"部分退款\",\"upheld\":0}"),     // not a boolean
            ("\"outcome\":\"部分退款\"}", "\"outcome\":\"部分退款\",\"upheld\":falsey}"), // not JSON
            ("{\"amountFen\":300,", "{\"upheld\":false,\"amountFen\":300,"),          // out of order
        ]
        var payloads = base
        for original in originals {
            payloads.append(Array(original.utf8))
            for (find, replace) in changes where original.contains(find) {
                payloads.append(Array(original.replacingOccurrences(of: find, with: replace).utf8))
            }
        }
        // Bytes that are not text: invalid UTF-8 in a string, cut short, empty, not JSON.
        let raw = Array(filed.utf8)
        let name = Array("乙".utf8)
        if let at = raw.indices.first(where: { raw[$0...].starts(with: name) }) {
            for bad: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE6, 0xA0], [0xFF], [0x80]] {
                var broken = raw
                broken.replaceSubrange(at..<at + 3, with: bad)
                payloads.append(broken)
            }
        }
        for cut in [1, 10, raw.count / 2, raw.count - 1] { payloads.append(Array(raw.prefix(cut))) }
        payloads.append([])
        payloads.append(Array("not json at all, but long enough to be looked at by the reader".utf8))
        payloads.append(Array(raw[0..<raw.count - 8]) + Array("\",\"v\":1}".utf8))
        let reference = applied(payloads)
        #expect(reference.undecodable.count >= 10)
        #expect(reference.state.complaints["AWKW-0001"] != nil)
        // The resolution as written before `upheld` existed is read in place, as upheld; with
        // `"upheld":false` it is read in place too, as not upheld.
        for (payload, upheld) in [(resolve, true), (resolve.replacingOccurrences(of: "\"部分退款\"}", with: "\"部分退款\",\"upheld\":false}"), false)] {
            var scratch = ReadScratch()
            var bytes = Array(payload.utf8)
            let read = bytes.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress.flatMap { CanonicalPayloadReader.read($0, count: buffer.count, &scratch) }
            }
            #expect(read?.step == .resolve && read?.flag == upheld, "\(payload)")
            let state = replayed([filed, step, payload].map { Array($0.utf8) }).state
            #expect(state.complaints.isUpheld("AWKW-0001") == upheld)
            #expect(state.complaints["AWKW-0001"]?.isUpheld == upheld)
        }
        try expectSame(payloads)
        for (i, payload) in payloads.enumerated() {
            try expectSame(base.prefix(40) + [payload], "payload \(i): \(String(decoding: payload, as: UTF8.self))")
        }
        // A receipt filed twice (the second filing changes nothing), read in place both times, or
        // first by the general decoder and then in place.
        let again = Array(filed.replacingOccurrences(of: "\"awk-1\"", with: "\"awk-1b\"").replacingOccurrences(of: "标价不符", with: "又一次").utf8)
        let spaced = Array(filed.replacingOccurrences(of: #"{"actor":"#, with: #"{ "actor" : "#).utf8)
        for twice in [[Array(filed.utf8), again], [spaced, again], [spaced, Array(filed.utf8), again]] {
            try expectSame(base.prefix(40) + twice + [Array(step.utf8)])
        }
    }

    @Test func replayingAgainAddsNothingTwiceToTheKeys() throws {
        let payloads = try payloads(try CompactHistoryTests().events())
        let (bytes, places) = layout(payloads)
        var state = MarketState()
        _ = bytes.withUnsafeBytes { state.replay($0, places[...]) }
        let keys = state.idempotencyKeys.count
        #expect(keys == Set(try CompactHistoryTests().events().compactMap(\.key)).count)
        var again = state
        _ = bytes.withUnsafeBytes { again.replay($0, places[...]) }
        #expect(again.idempotencyKeys.count == keys)
    }

    @Test func placesAreFilledInOrderOnEveryCore() {
        for count in [0, 1, 1000, 200_003] {
            let records = Array(0..<count)
            let places = PayloadPlace.of(records) { PayloadPlace(offset: 3 * $0, length: $0 % 17, sequence: UInt64($0 + 1)) }
            #expect(places == records.map { PayloadPlace(offset: 3 * $0, length: $0 % 17, sequence: UInt64($0 + 1)) }, "\(count)")
        }
    }

    @Test func theUTF8CheckAgreesWithSwift() {
        var samples: [[UInt8]] = [[], [0x41], Array("诚信😀".utf8), [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xEF, 0xBF, 0xBF],
                                  [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF]]
        var state: UInt64 = 12345
        for _ in 0..<5000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(state % 7) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(UInt8(truncatingIfNeeded: state >> 33) | (state & 1 == 0 ? 0x80 : 0))
            }
            samples.append(bytes)
        }
        for bytes in samples {
            let swift = String(validating: bytes, as: UTF8.self) != nil
            let ours = bytes.withUnsafeBufferPointer { $0.baseAddress.map { CanonicalPayloadReader.validUTF8($0, count: bytes.count) } ?? true }
            #expect(ours == swift, "\(bytes)")
        }
    }
}
