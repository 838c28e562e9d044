import Codec
@testable import Core
import Foundation
import TestSupport
import Testing

@Suite("Events and the market state")
struct EventTests {
    let merchant = Merchant(
        shopNumber: "A101", name: "明视眼镜", owner: "张明", branch: 1, plate: .demonstrationPost,
        creditCode: "91350100M000100Y43", business: "验光配镜",
        pledges: [Pledge(integrity: .price, text: "明码标价")], duties: ["纠纷调解员"], guarantees: ["先行赔付"])

    @Test func unknownEventTypesAreKeptNotFatal() throws {
        let data = Data(#"{"v":1,"type":"appeal.filed.v9","actor":"kiosk","at":"2027-01-01T00:00:00Z","data":{"x":1}}"#.utf8)
        let event = try EventCodec.decode(data)
        #expect(event.body == .unknown(type: "appeal.filed.v9"))
        var state = MarketState()
        state.apply(event, sequence: 1)
        #expect(state.eventCount == 1 && state.merchants.isEmpty)
    }

    @Test func stateFoldsRegistrationsAndKeepsOneMerchantPerShop() {
        var renamed = merchant
        renamed.name = "明视眼镜城店"
        let state = MarketState(events: [
            Event(actor: "system", at: "t", key: "a", body: .branchRegistered(Branch(number: 2, name: "第二党支部", secretary: "李"))),
            Event(actor: "system", at: "t", key: "b", body: .branchRegistered(Branch(number: 1, name: "第一党支部", secretary: "王"))),
            Event(actor: "system", at: "t", key: "c", body: .merchantRegistered(merchant)),
            Event(actor: "system", at: "t", key: "d", body: .merchantRegistered(renamed)),
        ])
        #expect(state.branches.map(\.number) == [1, 2])
        #expect(state.merchants.count == 1)
        #expect(state.merchant(shopNumber: "A101")?.name == "明视眼镜城店")
        #expect(state.idempotencyKeys.count == 4 && ["a", "b", "c", "d"].allSatisfy(state.idempotencyKeys.contains) && !state.idempotencyKeys.contains("e"))
        #expect(state.rating(of: merchant, today: SimpleDate(iso: "2026-11-27")!) == .awaiting)
        #expect(RatingStatus.awaiting.label(.zh) == "待评定")
    }

    @Test func rosterBecomesEventsWithStableKeys() throws {
        let roster = try SeedLoader.load(files: try shippedSeedFiles())
        let events = roster.events(actor: "system", at: "2026-11-27T00:00:00Z")
        #expect(events.count == 5 + roster.branches.count + roster.merchants.count + roster.members.count)
        #expect(Set(events.compactMap(\.key)).count == events.count)
        let state = MarketState(events: events)
        #expect(state.merchants.count == roster.merchants.count)
        #expect(state.rules == roster.ruleVersions.first)
        // The later versions come after (after the demo's year with `init --demo`), with their keys.
        let later = roster.laterRuleEvents(actor: "system", at: "2026-11-27T00:00:00Z")
        #expect(later.map(\.key) == ["init:rules:2"])
        let all = MarketState(events: events + later)
        #expect(all.ruleVersions.map(\.value) == roster.ruleVersions)
        #expect(state.checklist?.items == roster.checklist)
    }

    @Test func timestampsAreUTCISO8601() {
        #expect(Event.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(Event.timestamp(Date(timeIntervalSince1970: 1_795_745_655)) == "2026-11-27T02:14:15Z")
        #expect(Event.timestamp(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
    }

    @Test func aTimestampIsReadBackAsTheMomentItWasWrittenFrom() {
        for seconds in [0, 1_795_745_655, 951_782_400, 4_102_444_799] {
            let moment = Date(timeIntervalSince1970: Double(seconds))
            #expect(Event.moment(Event.timestamp(moment)) == moment)
        }
        for text in ["", "2026-11-27", "2026-11-27T02:14:15", "2026-11-27 02:14:15Z", "2026-11-27T24:00:00Z", "2026-02-30T00:00:00Z",
                     "2026-11-27T2:14:15Z", "2026-11-27T+2:14:15Z", "2026-11-27T02:14:15+08:00"] {
            #expect(Event.moment(text) == nil, "\(text)")
        }
    }

    @Test func impossibleDatesAreRefused() {
        #expect(SimpleDate(iso: "2025-02-29") == nil)
        #expect(SimpleDate(iso: "2024-02-29") != nil)
        #expect(SimpleDate(iso: "2025-13-01") == nil)
        #expect(SimpleDate(iso: "2025-1-01") == nil)
    }

    @Test func branchShortNameDropsAreaNote() {
        #expect(Branch(number: 4, name: "眼镜城第四党支部（太阳镜隐形眼镜区）", secretary: "x").shortName == "第四党支部")
    }
}

@Suite("Event names and the market's time")
struct EventNameTests {
    /// Every type of event (the payload layout test's samples hold every kind, and a new case of
    /// `EventBody` does not compile without one) has a name in both languages, and no two types share one.
    @Test func everyTypeHasANameInBothLanguages() throws {
        let types = Set(try PayloadLayoutTests.samples().filter { PayloadLayoutTests.kind(of: $0.body) != .unknown }.map(\.type))
        #expect(types.count == PayloadLayoutTests.Kind.allCases.count - 1)
        for type in types {
            let name = try #require(EventBody.names[type], "\(type) has a name")
            #expect(!name.zh.isEmpty && !name.en.isEmpty && !name.zh.contains("."), "\(type)")
        }
        #expect(Set(EventBody.names.keys) == types, "no name for a type that does not exist")
        #expect(Set(EventBody.names.values.map(\.zh)).count == EventBody.names.count)
        // A complaint's step says which step; an unknown type is called by its code.
        let step = EventBody.complaintStep(ComplaintStep(receipt: "K7QM-3XH9", action: .accept, date: SimpleDate(iso: "2026-03-03")!))
        #expect(step.name == LocalizedMessage(zh: "办理投诉：受理", en: "complaint step: accept"))
        #expect(EventBody.unknown(type: "future.thing").name == LocalizedMessage(zh: "future.thing", en: "future.thing"))
    }

    @Test func timesAreShownInTheMarketsZone() {
        #expect(Event.marketTime("2026-03-03T02:00:00Z") == "2026-03-03 10:00")
        #expect(Event.marketTime("2026-12-31T16:30:59Z") == "2027-01-01 00:30", "the market's day begins at 16:00 UTC")
        #expect(Event.marketTime("t") == nil && Event.marketTime("") == nil)
    }
}
