import Testing
@testable import Core

/// 消费者满意率 (domain.md): satisfied + partly satisfied over all follow-ups, rejected cases
/// followed up too; per shop, branch and market, over a period.
@Suite("Consumer satisfaction rate")
struct SatisfactionTests {
    private func steps(_ s: inout Scenario, _ receipt: String, _ actions: [ComplaintAction], on day: String) {
        for action in actions {
            let step = ComplaintStep(receipt: receipt, action: action, date: date(day))
            #expect((try? s.state.validate(step, by: s.manager, today: step.date)) != nil, "\(receipt): \(action)")
            s.add(.complaintStep(step), by: "li")
        }
    }

    @Test func aRejectedCaseIsFollowedUpThenClosed() throws {
        var s = try Scenario()
        s.add(.complaintFiled(filing("R1")), by: "desk1")
        steps(&s, "R1", [.reject(reason: "not-consumer-dispute")], on: "2026-03-03")
        #expect(ComplaintStepKind.allCases.filter { $0.next(from: .rejected) != nil } == [.followUp], "a rejected case can only be followed up")
        steps(&s, "R1", [.followUp(satisfaction: .partly)], on: "2026-03-04")
        var complaint = try #require(s.state.complaints["R1"])
        #expect(complaint.state == .followedUp && complaint.state.isOpen, "followed up, it waits to be closed")
        // Followed up once only.
        let again = ComplaintStep(receipt: "R1", action: .followUp(satisfaction: .satisfied), date: date("2026-03-05"))
        #expect(throws: LocalizedMessage.self) { try s.state.validate(again, by: s.manager, today: again.date) }
        steps(&s, "R1", [.close], on: "2026-03-05")
        complaint = try #require(s.state.complaints["R1"])
        #expect(complaint.history.map(\.state) == [.filed, .rejected, .followedUp, .closed])
        // Before any answer, nothing is followed up.
        s.add(.complaintFiled(filing("R2")), by: "desk1")
        let early = ComplaintStep(receipt: "R2", action: .followUp(satisfaction: .satisfied), date: date("2026-03-05"))
        #expect(throws: LocalizedMessage.self) { try s.state.validate(early, by: s.manager, today: early.date) }
    }

    @Test func satisfiedAndPartlyOverAllFollowUpsPerShopBranchAndMarket() throws {
        var s = try Scenario()
        s.add(.complaintFiled(filing("R1", shop: "A101")), by: "desk1")
        steps(&s, "R1", [.accept, .resolve(outcome: "退款", amountFen: 100, upheld: true), .followUp(satisfaction: .satisfied)], on: "2026-03-03")
        s.add(.complaintFiled(filing("R2", shop: "A101")), by: "desk1")
        steps(&s, "R2", [.reject(reason: "no-evidence"), .followUp(satisfaction: .partly)], on: "2026-03-04")
        s.add(.complaintFiled(filing("R3", shop: "A102")), by: "desk1")
        steps(&s, "R3", [.accept, .mediate, .terminate(reason: "no-agreement"), .followUp(satisfaction: .dissatisfied)], on: "2026-03-05")
        s.add(.complaintFiled(filing("R4", shop: nil)), by: "desk1")
        steps(&s, "R4", [.accept, .forward(department: "market-regulator"), .followUp(satisfaction: .satisfied)], on: "2026-03-06")
        // Outside the period: followed up in April.
        s.add(.complaintFiled(filing("R5", shop: "A101")), by: "desk1")
        steps(&s, "R5", [.accept, .resolve(outcome: "换货", amountFen: nil, upheld: false)], on: "2026-03-06")
        steps(&s, "R5", [.followUp(satisfaction: .dissatisfied)], on: "2026-04-01")
        // A branch-2 shop with a case never followed up.
        s.add(.complaintFiled(filing("R6", shop: "B101")), by: "desk1")

        let state = s.state
        let march = state.satisfaction(from: date("2026-03-01"), through: date("2026-03-31"))
        #expect(march.shop("A101") == SatisfactionRate(satisfied: 1, partly: 1, dissatisfied: 0))
        #expect(march.shop("A101").rate == 1.0, "基本满意 counts as satisfied; the rejected case counts")
        #expect(march.shop("A102").rate == 0.0)
        #expect(march.branch(1) == SatisfactionRate(satisfied: 1, partly: 1, dissatisfied: 1))
        #expect(march.branch(1).counted == 2 && march.branch(1).followUps == 3)
        #expect(march.market == SatisfactionRate(satisfied: 2, partly: 1, dissatisfied: 1), "the case without a shop counts for the market")
        #expect(march.market.rate == 0.75)
        // No follow-up: no rate (shown "—"), not 0 %.
        #expect(march.shop("B101").followUps == 0 && march.shop("B101").rate == nil)
        #expect(march.branch(2).rate == nil)
        // The year through a day, and the shop page's reading of one shop, agree.
        let year = state.satisfaction(yearOf: date("2026-06-30"))
        #expect(year.shop("A101") == SatisfactionRate(satisfied: 1, partly: 1, dissatisfied: 1))
        #expect(state.satisfaction(ofShop: "A101", yearOf: date("2026-06-30")) == year.shop("A101"))
        #expect(state.satisfaction(ofShop: "B101", yearOf: date("2026-06-30")).rate == nil)
        #expect(state.satisfaction(yearOf: date("2026-03-31")).shop("A101").followUps == 2, "through the day only")
        // The branches' figures take it.
        let one = try #require(state.branchFigures(today: date("2026-06-30")).first { $0.branch.number == 1 })
        #expect(one.satisfaction == year.branch(1))
        #expect(one.satisfactionRate.map { ($0 * 3).rounded() } == 2)
    }

    @Test func theDefinitionIsPrintedWithTheCount() {
        let rate = SatisfactionRate(satisfied: 3, partly: 1, dissatisfied: 1)
        #expect(rate.definition(.zh) == "满意率 = 满意与基本满意的回访 ÷ 全部回访（5 件）")
        #expect(rate.definition(.en) == "satisfaction = satisfied and partly satisfied follow-ups ÷ all follow-ups (5)")
        #expect(rate.rate == 0.8)
        #expect(SatisfactionRate().definition(.zh).hasSuffix("（0 件）") && SatisfactionRate().rate == nil)
    }
}
