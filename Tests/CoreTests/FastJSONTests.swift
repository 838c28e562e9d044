import Codec
import Core
import Foundation
import Testing

/// The fast reader on the replay path must read every payload exactly as Foundation's
/// `JSONDecoder` does, and must never trap on damaged bytes.
@Suite struct FastJSONTests {
    func demoEvents() throws -> [Event] {
        let roster = try SeedLoader.load(files: try shippedSeedFiles()).events(actor: "system", at: "2026-01-01T00:00:00Z")
        let history = try DemoHistory.events(after: roster) { pin in try PINHash.make(pin: pin, salt: Array(repeating: 2, count: 16), rounds: 1024) }
        let withdrawal = Event(actor: "zhuren", at: "2026-11-27T01:00:00Z", key: "w", body: .withdrawn(Withdrawal(target: 10, reason: "误登记，撤回")))
        let unknown = Event(actor: "zhuren", at: "2026-11-27T01:00:00Z", key: nil, body: .unknown(type: "future.thing"))
        let year = Event(actor: "zhuren", at: "2026-11-27T01:00:00Z", key: "calendar-year:1", body: .calendarYearAdded(CalendarYearAdded(
            year: 2028, source: "测试用虚构安排", days: [WorkingCalendar.Entry(date: SimpleDate(dayNumber: 21_459), kind: .holiday, name: "国庆节")], reason: "更正")))
        return roster + history + [withdrawal, year, unknown]
    }

    @Test func readsEscapesSpacingAndKeyOrderLikeJSONDecoder() throws {
        let text = #"""
        { "type" : "reply.published", "v":1, "at":"2026-11-27T01:00:00Z", "actor":"a\"b\\c\/d",
          "data": {"year": 2026, "text": "第一行\n第二行\t\u00e9\ud83d\ude00 end", "shop": "A101"}, "key": null }
        """#
        let fast = try EventCodec.decode(Array(text.utf8))
        let reference = try EventCodec.decodeWithFoundation(Data(text.utf8))
        #expect(fast == reference)
        #expect(fast.actor == "a\"b\\c/d")
        guard case .replyPublished(let reply) = fast.body else {
            Issue.record("wrong body \(fast.body)")
            return
        }
        #expect(reply.text == "第一行\n第二行\té😀 end")
        #expect(fast.key == nil)
    }

    @Test func unknownTypeIsKeptButTheEnvelopesKeysAreRequired() throws {
        let text = #"{"v":1,"type":"later.kind","actor":"x","at":"2026-11-27T01:00:00Z","data":{"new":true}}"#
        #expect(try EventCodec.decode(Array(text.utf8)).body == .unknown(type: "later.kind"))
        #expect(EventCodec.unreadable(Array(text.utf8)) == nil)
        // docs/log-format.md, "Required keys": each of these is an unreadable event, and says why.
        let cases: [(String, String)] = [
            (#"{"v":1,"type":"later.kind","actor":"x","at":"2026-11-27T01:00:00Z"}"#, "“data”"),
            (#"{"v":2,"type":"later.kind","actor":"x","at":"t","data":{}}"#, "“v”"),
            (#"{"v":1.0,"type":"later.kind","actor":"x","at":"t","data":{}}"#, "“v”"),
            (#"{"type":"later.kind","actor":"x","at":"t","data":{}}"#, "“v”"),
            (#"{"v":1,"actor":"x","at":"t","data":{}}"#, "“type”"),
            (#"{"v":1,"type":"later.kind","actor":7,"at":"t","data":{}}"#, "“actor”"),
            (#"{"v":1,"type":"later.kind","actor":"x","data":{}}"#, "“at”"),
            (#"{"v":1,"type":"later.kind","actor":"x","at":"t","data":[]}"#, "“data”"),
            (#"{"v":1,"type":"later.kind","actor":"x","at":"t","data":{},"key":5}"#, "“key”"),
            (#"[1,2]"#, "JSON 对象"),
            (#"{"v":1,"type":"#, "JSON"),
        ]
        for (payload, named) in cases {
            let problem = EventCodec.unreadable(Array(payload.utf8))
            #expect(problem?.zh.contains(named) == true, "\(payload): \(String(describing: problem))")
            #expect(throws: (any Error).self) { try EventCodec.decode(Array(payload.utf8)) }
        }
        #expect(EventCodec.unreadable([0x7B, 0xFF, 0x7D])?.zh.contains("UTF-8") == true)
    }

    /// Malformed JSON and wrong types are errors (the fast reader is at least as strict as
    /// JSONDecoder, which for instance lets a trailing comma pass).
    @Test func rejectsMalformedPayloadsAndWrongTypes() {
        let bad = [
            #"{"v":1,"type":"event.withdrawn","actor":"x","at":"t","data":{"target":-1,"reason":"r"}}"#,
            #"{"v":1,"type":"event.withdrawn","actor":"x","at":"t","data":{"target":"1","reason":"r"}}"#,
            #"{"v":1,"type":"event.withdrawn","actor":"x","at":"t","data":{"reason":"r"}}"#,
            #"{"v":1,"type":"event.withdrawn","actor":"x","at":"t","data":{"target":1,"reason":"r"}} x"#,
            #"{"v":1,"type":"event.withdrawn","actor":"x","at":"t","data":{"target":1,"reason":"r",}}"#,
            #"{"v":1,"type":"event.withdrawn","actor":"x","at":"t","data":{"target":01,"reason":"r"}}"#,
            #"{"v":1,"type":"event.withdrawn","actor":"x","at":"t","data":{"target":1,"reason":"\x"}}"#,
        ]
        for text in bad {
            #expect(throws: (any Error).self, "\(text)") { try EventCodec.decode(Array(text.utf8)) }
        }
    }

    @Test func damagedPayloadsThrowAndNeverTrap() throws {
        let events = try demoEvents()
        var rng = SplitMix64(seed: 5)
        for event in events.prefix(40) {
            let payload = [UInt8](try EventCodec.encode(event))
            // Every truncation is an error.
            for cut in 0..<payload.count {
                #expect(throws: (any Error).self) { try EventCodec.decode(Array(payload[0..<cut])) }
            }
            // Random damage: either an error or some event, never a trap.
            for _ in 0..<50 {
                var damaged = payload
                damaged[Int.random(in: 0..<damaged.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                _ = try? EventCodec.decode(damaged)
            }
        }
    }

}
