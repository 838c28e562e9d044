import Foundation
import Testing
@testable import Core

@Suite("Typed text: limits, blank names, full-width codes, and requests")
struct TextLimitsTests {
    @Test func everyFieldIsAcceptedAtItsLimitsAndRefusedOneBeyond() {
        for field in TextField.allCases {
            let limit = field.limit
            // Characters: ASCII, so that the byte limit is not reached first.
            let atCharacters = String(repeating: "a", count: min(limit.characters, limit.bytes))
            #expect(TextLimits.problem(atCharacters, field) == nil, "\(field)")
            if limit.characters < limit.bytes {
                #expect(TextLimits.problem(atCharacters + "a", field)?.en.contains("\(limit.characters + 1) characters, at most \(limit.characters)") == true, "\(field)")
            }
            // Bytes: four-byte characters, fewer than the character limit.
            let fourByte = limit.bytes / 4
            if fourByte * 4 == limit.bytes, fourByte < limit.characters {
                #expect(TextLimits.problem(String(repeating: "😀", count: fourByte), field) == nil, "\(field)")
                #expect(TextLimits.problem(String(repeating: "😀", count: fourByte + 1), field)?.en.contains("\(limit.bytes + 4) bytes, at most \(limit.bytes)") == true, "\(field)")
            }
        }
    }

    @Test func charactersAreCodePointsNotGraphemeClusters() {
        let abuse = "a" + String(repeating: "\u{0301}", count: 60_000)
        #expect(abuse.count == 1, "one grapheme cluster")
        #expect(TextLimits.problem(abuse, .complaintText)?.zh == "投诉内容过长：60001 个字符，最多 5000 个")
        // Within the length, a pile of marks on one letter is still refused; a real cluster is not.
        #expect(TextLimits.problem("a" + String(repeating: "\u{0301}", count: 16), .replyText)?.en.contains("16 combining marks") == true)
        #expect(TextLimits.problem("a" + String(repeating: "\u{0301}", count: 15), .replyText) == nil)
        #expect(TextLimits.problem("👨‍👩‍👧‍👦 全家满意", .replyText) == nil)
    }

    @Test func blankAndUndecodableTextIsRefused() {
        for blank in ["", "   ", "\u{3000}", "\u{200B}\u{FEFF}", "\t\n"] {
            #expect(TextLimits.problem(blank, .displayName)?.zh == "显示名不能为空或只有空格", "\(blank.unicodeScalars.map(\.value))")
        }
        #expect(TextLimits.problem("  ", .stepNote) == nil, "a note may be blank")
        #expect(TextLimits.problem("李\u{FFFD}主任", .displayName)?.en.contains("not valid UTF-8") == true)
    }

    @Test func theEventCheckCoversEveryTypedFieldAndTheGateRunsIt() throws {
        let s = try Scenario()
        let long = String(repeating: "回", count: 501)
        let reply = EventBody.replyPublished(ReplyPublished(shop: "A101", year: 2026, text: long))
        #expect(throws: LocalizedMessage.self) { try s.state.validate(reply, by: s.manager, today: date("2026-03-03")) }
        let user = EventBody.userRegistered(User(name: "x1", displayName: "   ", role: .kiosk, pin: s.manager.pin))
        #expect(throws: LocalizedMessage.self) { try TextLimits.check(user) }
        let veto = EventBody.vetoConfirmed(VetoConfirmed(shop: "A101", kind: "counterfeit", date: date("2026-03-03"), reason: String(repeating: "假", count: 1001)))
        #expect(throws: LocalizedMessage.self) { try TextLimits.check(veto) }
        let code = EventBody.complaintLinked(ComplaintLinked(receipt: String(repeating: "K", count: 65), duplicateOf: "AAAA-BBBB"))
        #expect(throws: LocalizedMessage.self) { try TextLimits.check(code) }
    }

    @Test func fullWidthCodesPhonesAndSearchesAreFolded() {
        #expect(TypedCode.normalise("\u{3000}Ａ１０５ ") == "A105")
        #expect(TypedCode.normalise("１３８１２３４１２３４") == "13812341234")
        #expect(ReceiptCode.normalise("ｋ７ｑｍ－３ｘｈ９") == "K7QM-3XH9")
        #expect(TypedCode.fold(Character("５")) == "5")
        #expect(TypedCode.fold("镜片有划痕") == "镜片有划痕", "Chinese text is left alone")
        #expect(Pinyin.Key("A105").matches("ａ１０５"))
        #expect(Pinyin.Key("高娟").matches("ｇｊ"))
    }

    @Test func aRequestIsTheSameOnlyForTheSameUserAndContent() throws {
        let original = Event(actor: "li", at: "2026-03-03T01:00:00Z", key: "complaint:r1", body: .complaintFiled(filing("K7QM-3XH9", day: "2026-03-03")))
        // A retry makes a new receipt code on another day: still the same request.
        let retry = Event(actor: "li", at: "2026-03-04T09:00:00Z", key: "complaint:r1", body: .complaintFiled(filing("ZZZZ-2222", day: "2026-03-04")))
        #expect(original.isSameRequest(as: retry))
        var other = filing("ZZZZ-2222")
        other.text = "另一件事"
        #expect(!original.isSameRequest(as: Event(actor: "li", at: "t", key: "complaint:r1", body: .complaintFiled(other))))
        #expect(!original.isSameRequest(as: Event(actor: "wang", at: "t", key: "complaint:r1", body: retry.body)))
        #expect(!original.isSameRequest(as: Event(actor: "li", at: "t", key: "complaint:r1",
                                                 body: .replyPublished(ReplyPublished(shop: "A101", year: 2026, text: "x")))))
    }
}
