import Foundation
import Testing
@testable import App
import Core
import Terminal

/// Deadlines counted over a year the calendar does not officially cover carry a warning on every
/// screen that shows them, and lose it once the year's official calendar is added (issue 17, 7).
@Suite("Calendar warnings on the screens")
struct CalendarWarningTests {
    static let filedOn = SimpleDate(iso: "2028-09-28") ?? SimpleDate(dayNumber: 0)

    /// A fictional 2028 (the State Council has not published it): National Day 1–7 October,
    /// Saturday 30 September and Sunday 8 October worked.
    static func year2028() throws -> CalendarYearAdded {
        var text = "日期,类型,名称,依据\n2028-01-01,休,元旦,测试用虚构安排\n2028-09-30,班,国庆节调休上班,测试用虚构安排\n"
        for day in 1...7 { text += "2028-10-0\(day),休,国庆节、中秋节,测试用虚构安排\n" }
        text += "2028-10-08,班,国庆节调休上班,测试用虚构安排\n"
        return try CalendarYearAdded.parse(year: 2028, text: text, file: "2028.csv")
    }

    /// The shipped roster and its users, with one complaint filed on 2028-09-28.
    func market() throws -> (MarketState, User) {
        let (base, manager, _) = try LoginTests().marketWithUsers()
        var market = base
        market.apply(Event(actor: "li", at: "t", key: "c1", body: .complaintFiled(ComplaintFiled(
            receipt: "K7QX-9M2A", shop: "A101", category: "quality", integrity: .quality, text: "镜片有划痕", amountFen: nil,
            wants: ["exchange"], consumerName: nil, consumerPhone: nil, consentToContact: false, date: Self.filedOn))), sequence: UInt64(market.eventCount + 1))
        return (market, manager)
    }

    func withYear2028(_ market: MarketState) throws -> MarketState {
        var market = market
        market.apply(Event(actor: "li", at: "t", key: "y", body: .calendarYearAdded(try Self.year2028())), sequence: UInt64(market.eventCount + 1))
        return market
    }

    @Test func theKioskReceiptSaysTheDateIsAnEstimateUntilTheYearIsEntered() throws {
        let (market, _) = try market()
        var m = KioskModel(language: .zh, size: Size(width: 80, height: 24), today: Self.filedOn, market: market)
        _ = Kiosk.update(&m, .filed(KioskReceipt.make(code: "VAF8-N5S2", market: market, filedOn: Self.filedOn), market: nil), now: 0)
        var text = Kiosk.view(m).text
        #expect(text.contains("我们将在 7 个工作日内（2028-10-09 前）答复是否受理"))
        #expect(text.contains("此为预计日期，如遇节假日可能顺延"))
        // The look-up by receipt code says the same, in the same words.
        let complaint = try #require(market.complaints["K7QX-9M2A"])
        #expect(Kiosk.progressLines(complaint, m).contains("办理期限：2028-10-09 前答复是否受理（此为预计日期，如遇节假日可能顺延）"))

        let official = try withYear2028(market)
        var after = KioskModel(language: .zh, size: Size(width: 80, height: 24), today: Self.filedOn, market: official)
        _ = Kiosk.update(&after, .filed(KioskReceipt.make(code: "VAF8-N5S2", market: official, filedOn: Self.filedOn), market: nil), now: 0)
        text = Kiosk.view(after).text
        #expect(text.contains("我们将在 7 个工作日内（2028-10-12 前）答复是否受理"))
        #expect(!text.contains("预计日期"))
        #expect(Kiosk.progressLines(try #require(official.complaints["K7QX-9M2A"]), after).contains("办理期限：2028-10-12 前答复是否受理"))
    }

    @Test func theQueueAndTheCasePageCarryTheWarningUntilTheYearIsEntered() throws {
        let (market, manager) = try market()
        var m = model(market, 80, 24)
        m.today = Self.filedOn
        _ = Dashboard.update(&m, .authenticated(manager))
        _ = Dashboard.update(&m, .key(.character("4")))
        var text = Dashboard.view(m).text
        #expect(text.contains("10-9 估"))
        #expect(text.contains("估：按周末推算，2028 年的法定节假日尚未录入，期限可能不准"))
        _ = Dashboard.update(&m, .key(.enter))
        #expect(m.screen == .complaint)
        text = Dashboard.view(m).text
        #expect(text.contains("期限：2028-10-09"))
        #expect(text.contains("注意：按周末推算，2028 年的法定节假日尚未录入，期限可能不准"))

        _ = Dashboard.update(&m, .marketChanged(try withYear2028(market), logSummary: "x"))
        text = Dashboard.view(m).text
        #expect(text.contains("期限：2028-10-12"))
        #expect(!text.contains("期限可能不准"))
        _ = Dashboard.update(&m, .key(.escape))
        text = Dashboard.view(m).text
        #expect(m.screen == .complaints)
        #expect(text.contains("10-12") && !text.contains("估"))
    }
}
