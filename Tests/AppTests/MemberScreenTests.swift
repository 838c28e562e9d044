import Core
import Testing
@testable import App

@Suite("Members on the screens (issue 20)")
struct MemberScreenTests {
    @Test func theShopPageNamesTheMemberOwnersOrSaysOrdinaryShop() throws {
        let market = try shippedMarket()
        var m = model(market, 100, 30)
        m.openShop = "B101"
        #expect(Dashboard.view(m).text.contains("党员经营者：程玉兰（D2-04，党员）、储云飞（D2-05，党员）"))
        m.openShop = "A209"
        let ordinary = Dashboard.view(m).text
        #expect(ordinary.contains("党员经营者：普通商户（无党员经营者）") && ordinary.contains("挂牌：普通商户"))
    }

    @Test func theInspectionFormMarksTheIdentityItemsNotApplicableAtAnOrdinaryShop() throws {
        let market = try shippedMarket()
        let form = InspectionScreen.make(shop: "A209", market)
        let identity = form.items.indices.filter { form.items[$0].category == .identity }
        #expect(!identity.isEmpty && identity.allSatisfy { form.marks[$0] == .notApplicable })
        #expect(!form.hasEntries, "the defaults are not entries")
        #expect(InspectionScreen.make(shop: "A101", market).marks.allSatisfy { $0 == .pass })
        let pin = try PINHash.make(pin: "123456", salt: Array(repeating: 1, count: 16), rounds: 1024)
        let manager = User(name: "li", displayName: "李主任", role: .manager, pin: pin)
        let inspection = form.inspection(by: manager, on: SimpleDate(iso: "2026-11-27")!, checklistVersion: 1)
        #expect(inspection.outcomes.filter { $0.result == .notApplicable }.count == identity.count)
    }
}
