import Testing
@testable import Core

@Suite("Projections for the screens")
struct ProjectionTests {
    @Test func branchFiguresStarsQueueAndSeries() throws {
        var s = try Scenario()
        s.inspect("A101", "2026-03-02")                                   // branch 1: ★★ (60)
        s.contribute("A102", 40)
        s.inspect("A102", "2026-03-02")                                   // branch 1: ★★★★★ (100)
        s.inspect("B101", "2026-03-02", fails: [("PRI-1", .serious)])      // branch 2: ★ (55)
        s.add(.complaintFiled(filing("R1", shop: "A101", day: "2026-02-02")), by: "desk1")
        s.add(.complaintFiled(filing("R2", shop: "A101", day: "2026-03-02")), by: "desk1")
        s.add(.complaintFiled(filing("R3", shop: nil, day: "2026-03-03")), by: "desk1")
        for action in [ComplaintAction.accept, .resolve(outcome: "退款", amountFen: 100, upheld: true), .followUp(satisfaction: .satisfied)] {
            s.add(.complaintStep(ComplaintStep(receipt: "R1", action: action, date: date("2026-02-03"))), by: "li")
        }
        let today = date("2026-03-20")
        let state = s.state
        let figures = state.branchFigures(today: today)
        #expect(figures.map(\.branch.number).prefix(2) == [1, 2], "ranked by average stars")
        let one = try #require(figures.first { $0.branch.number == 1 })
        #expect(one.members == 21 && one.rated == 2 && one.averageStars == 3.5)
        #expect(one.complaintsByIntegrity == [.quality: 2])
        #expect(one.openComplaints == 2, "R1 followed up (still open until closed), R2 filed")
        #expect(one.overdueComplaints == 1, "R2: filed 2 March, 7 working days → 11 March")
        #expect(one.satisfactionRate == 1.0)
        #expect(one.inspectionCoverage == 2.0 / 21.0, "two of its 21 shops (20 member shops and an ordinary one)")
        #expect(one.contributionPoints == 40)
        #expect(state.starDistribution(today: today) == [97, 1, 1, 0, 0, 1])
        let series = state.monthlyComplaints(today: today)
        #expect(series.count == 12 && series.last! == (2026, 3, 2) && series[10] == (2026, 2, 1) && series.first! == (2025, 4, 0))
        #expect(state.complaintQueue(today: today).map(\.filed.receipt) == ["R2", "R3", "R1"])
    }
}
