import Codec
import Core
import Foundation
import Testing

/// The payload writer on the append path must write exactly the bytes Foundation's `JSONEncoder`
/// (sorted keys, slashes unescaped) writes: the log format and every hash chain depend on them.
@Suite struct FastJSONWriterTests {
    /// Text with everything an escaper can get wrong: quotes, backslashes, slashes, every control
    /// character, DEL, Chinese, an emoji (4-byte UTF-8), U+2028, combining marks.
    static let awkward: [String] = [
        "",
        "现场调解，双方同意三日内答复",
        "a\"b\\c/d",
        String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }),
        "\u{7F}\u{80}\u{2028}\u{2029}\u{FEFF}😀e\u{301}",
        "丹阳眼镜城 A-101 \"诚信\" \\ 店\n第二行\t制表\r回车",
    ]

    func foundationBytes<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(value))
    }

    @Test func awkwardTextInTheEnvelopeOfEveryTypeAndInBodies() throws {
        let events = try FastJSONTests().demoEvents()
        var checked = Set<String>()
        for (i, event) in events.enumerated() where !checked.contains(event.type) || i % 97 == 0 {
            checked.insert(event.type)
            for text in Self.awkward {
                for key in [nil, text] as [String?] {
                    let changed = Event(actor: text, at: event.at, key: key, body: event.body)
                    #expect(try EventCodec.encodeBytes(changed) == EventCodec.encodeWithFoundation(changed), "\(event.type) \(text.debugDescription)")
                }
            }
        }
        let day = SimpleDate(dayNumber: 20_419)
        for text in Self.awkward {
            let bodies: [EventBody] = [
                .replyPublished(ReplyPublished(shop: text, year: 2026, text: text)),
                .withdrawn(Withdrawal(target: UInt64.max, reason: text)),
                .complaintStep(ComplaintStep(receipt: text, action: .mediate, date: day, note: text)),
                .complaintStep(ComplaintStep(receipt: text, action: .accept, date: day, note: nil)),
                .complaintStep(ComplaintStep(receipt: "R", action: .reject(reason: text), date: day)),
                .complaintStep(ComplaintStep(receipt: "R", action: .resolve(outcome: text, amountFen: nil, upheld: true), date: day)),
                .complaintStep(ComplaintStep(receipt: "R", action: .resolve(outcome: text, amountFen: -1, upheld: false), date: day)),
                .complaintStep(ComplaintStep(receipt: "R", action: .forward(department: text), date: day)),
                .complaintStep(ComplaintStep(receipt: "R", action: .terminate(reason: text), date: day)),
                .complaintFiled(ComplaintFiled(receipt: "R-1", shop: nil, category: text, integrity: .price, text: text, amountFen: Int.min,
                                               wants: [text, "", text], consumerName: text, consumerPhone: nil, consentToContact: false, date: day)),
                .complaintFiled(ComplaintFiled(receipt: "R-2", shop: "A101", category: text, integrity: .quality, text: text, amountFen: Int.max,
                                               wants: [], consumerName: nil, consumerPhone: text, consentToContact: true, date: day)),
                .unknown(type: text),
                .inspectionRecorded(Inspection(shop: text, date: day, inspector: text, checklistVersion: -3, outcomes: [])),
                .inspectionRecorded(Inspection(shop: "A101", date: day, inspector: "shuji1", checklistVersion: Int.max, outcomes: [
                    ItemOutcome(item: text, result: .pass), ItemOutcome(item: "C2", result: .fail, severity: .serious, note: text),
                    ItemOutcome(item: "C3", result: .notApplicable, note: ""), ItemOutcome(item: "C4", result: .pass, severity: .minor),
                ])),
                .contributionRecorded(ContributionRecorded(shop: text, kind: .harmony, points: Int.min, date: day, evidence: text)),
                .contributionApproved(ContributionApproved(target: UInt64.max)),
                .complaintStep(ComplaintStep(receipt: "R", action: .followUp(satisfaction: .dissatisfied), date: day, note: text)),
                .complaintStep(ComplaintStep(receipt: "R", action: .close, date: day)),
            ]
            for body in bodies {
                let event = Event(actor: "zhuren", at: "2026-11-27T01:00:00Z", key: "k", body: body)
                #expect(try EventCodec.encodeBytes(event) == EventCodec.encodeWithFoundation(event), "\(event.type) \(text.debugDescription)")
            }
        }
    }

    @Test func randomTextRoundTripsAndMatchesJSONEncoder() throws {
        var rng = SplitMix64(seed: 11)
        let pool: [Unicode.Scalar] = (0..<0x80).compactMap(Unicode.Scalar.init) + ["诚", "信", "é", "\u{2028}", "😀", "\u{FFFF}"]
        for _ in 0..<500 {
            let length = Int(rng.next() % 24)
            var text = ""
            for _ in 0..<length { text.unicodeScalars.append(pool[Int(rng.next() % UInt64(pool.count))]) }
            let event = Event(actor: text, at: "2026-11-27T01:00:00Z", key: text, body: .withdrawn(Withdrawal(target: rng.next(), reason: text)))
            let bytes = try EventCodec.encodeBytes(event)
            #expect(bytes == (try EventCodec.encodeWithFoundation(event)), "\(text.debugDescription)")
            #expect(try EventCodec.decode(bytes) == event)
        }
    }

    struct Shapes: Encodable {
        var maxStars = 1, maximum = 2, a_b = 3, aB = 4, ab = 5, x10 = 10, x9 = 9, Z = 0, _z = 0
        var byYear: [Int: String] = [2027: "b", 999: "a", -5: "c", 10_000: "d"]
        var byName: [String: Int] = ["b": 1, "B": 2, "_": 3, "Z": 4, "诚": 5, "": 6]
        var small: Int8 = -128, big: UInt64 = .max, wide: Int64 = .min, flags = [true, false]
        var nested: [[Int?]] = [[1, nil], [], [nil]]
        var none: String? = nil
        var some: String? = "x"
        var empty: [String: Int] = [:]
        var nothing = Nothing()
        struct Nothing: Encodable {}
        enum CodingKeys: String, CodingKey {
            case maxStars, maximum, a_b, aB, ab, x10, x9, Z, _z, byYear, byName, small, big, wide, flags, nested, none, some, empty, nothing
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(maxStars, forKey: .maxStars); try c.encode(maximum, forKey: .maximum); try c.encode(a_b, forKey: .a_b)
            try c.encode(aB, forKey: .aB); try c.encode(ab, forKey: .ab); try c.encode(x10, forKey: .x10); try c.encode(x9, forKey: .x9)
            try c.encode(Z, forKey: .Z); try c.encode(_z, forKey: ._z); try c.encode(byYear, forKey: .byYear); try c.encode(byName, forKey: .byName)
            try c.encode(small, forKey: .small); try c.encode(big, forKey: .big); try c.encode(wide, forKey: .wide); try c.encode(flags, forKey: .flags)
            try c.encode(nested, forKey: .nested); try c.encodeIfPresent(none, forKey: .none); try c.encode(none, forKey: .some)
            try c.encode(empty, forKey: .empty); try c.encode(nothing, forKey: .nothing)
        }
    }

    @Test func keyOrderNumbersNullsAndEmptyValuesMatchJSONEncoder() throws {
        let fast = try FastJSONWriter.encode(Shapes())
        #expect(fast == (try foundationBytes(Shapes())), "\(String(decoding: fast, as: UTF8.self))")
        #expect(try FastJSONWriter.encode([Shapes(), Shapes()]) == foundationBytes([Shapes(), Shapes()]))
    }

    /// What the fast writer does not reproduce it refuses, and the codec then uses JSONEncoder.
    @Test func floatingPointAndFoundationTypesAreRefused() {
        struct WithDouble: Encodable { var x = 0.1 }
        struct WithDate: Encodable { var d = Date(timeIntervalSince1970: 0) }
        struct WithData: Encodable { var d = Data([1, 2]) }
        #expect(throws: FastJSONWriter.Unsupported.self) { try FastJSONWriter.encode(WithDouble()) }
        #expect(throws: FastJSONWriter.Unsupported.self) { try FastJSONWriter.encode(WithDate()) }
        #expect(throws: FastJSONWriter.Unsupported.self) { try FastJSONWriter.encode(WithData()) }
    }
}

/// Dates and timestamps are formatted by hand on the append path; they must read exactly as the
/// printf formats they replace.
@Suite struct DateFormattingTests {
    @Test func simpleDateDescriptionMatchesPrintf() {
        // Years from about -220 to 10183: negative, short, four- and five-digit years.
        for n in stride(from: -800_000, to: 3_000_000, by: 997) {
            let date = SimpleDate(dayNumber: n)
            #expect(date.description == String(format: "%04d-%02d-%02d", date.year, date.month, date.day))
        }
    }

    @Test func timestampsMatchPrintf() {
        for seconds in stride(from: -100_000_000.0, to: 5_000_000_000.0, by: 7_777_777.3) {
            let date = Date(timeIntervalSince1970: seconds)
            let s = Int64(seconds.rounded(.down))
            let days = Int(floor(Double(s) / 86_400))
            let rest = Int(s - Int64(days) * 86_400)
            let day = SimpleDate(dayNumber: days)
            let expected = String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", day.year, day.month, day.day, rest / 3600, rest % 3600 / 60, rest % 60)
            #expect(Event.timestamp(date) == expected)
        }
    }
}
