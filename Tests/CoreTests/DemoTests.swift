import Testing
@testable import Core

@Suite("Demo history")
struct DemoTests {
    func demo() throws -> (roster: [Event], history: [Event]) {
        let roster = try SeedLoader.load(files: try shippedSeedFiles()).events(actor: "system", at: "2026-01-01T00:00:00Z")
        let history = try DemoHistory.events(after: roster) { pin in try PINHash.make(pin: pin, salt: Array(repeating: 3, count: 16), rounds: 1024) }
        return (roster, history)
    }

    @Test func deterministicValidAndGivesEveryScreenSomethingReal() throws {
        let (roster, history) = try demo()
        #expect(try demo().history == history, "the same roster gives the same history")
        let state = MarketState(events: roster + history)
        let today = date("2026-11-26")
        // Every state of the complaint workflow appears.
        let states = Set(state.complaints.values.map(\.state))
        for expected in ComplaintState.allCases {
            #expect(states.contains(expected), "\(expected)")
        }
        #expect(state.complaints.values.contains { $0.isOverdue(today: today, rules: state.rules!, calendar: state.calendar) })
        #expect(state.complaints.values.contains { $0.duplicateOf != nil })
        #expect(!state.complaintDeductions.isEmpty)
        // Ratings from one to five stars, a veto, an appeal decided and one under review.
        let distribution = state.starDistribution(today: today)
        #expect(distribution[0] == 0, "every shop was inspected")
        #expect(distribution[1] > 0 && distribution[5] > 0 && distribution[2] > 0)
        #expect(state.merchants.contains { if case .rated(_, _, true) = state.rating(of: $0, today: today) { return true } else { return false } })
        #expect(state.appeals.values.joined().contains { $0.decision != nil })
        #expect(state.merchants.contains { state.isUnderReview($0.shopNumber, year: 2026) })
        #expect(state.contributions.all.contains { $0.approvedBy == nil }, "some points await approval")
        #expect(!state.amendments.isEmpty && !state.replies.isEmpty)
        #expect(state.users.count == DemoHistory.users.count)
        #expect(state.branchFigures(today: today).allSatisfy { $0.inspectionCoverage == 1.0 })
        #expect(history.allSatisfy { event in
            if case .complaintFiled(let c) = event.body { return c.text.hasPrefix("演示") }
            return true
        }, "clearly fictional")
    }

    /// Issue 20, requirement 2: the distribution of stars the demo's 2026 gives under the rules it
    /// was rated by (version 1, the contribution scheme) and under the integrity scheme (version 2's
    /// numbers put in force for 2026 by a hypothetical version 3) — the table of
    /// docs/domain-model.md, "The rating". Index 0: awaiting; 1–5: stars.
    @Test func starsUnderTheOldAndTheNewRules() throws {
        let (roster, history) = try demo()
        var state = MarketState(events: roster + history)
        let today = date("2026-11-26")
        let old = state.starDistribution(today: today)
        // Why version 1 gave them: the one-star and two-star shops, by whether points were approved.
        var lowWithoutPoints = 0, oneStarOrdinary: [Int] = []
        for merchant in state.merchants {
            let result = RatingEngine.rate(merchant, in: state, year: 2026, today: today)
            guard case .rated(let stars, let score, let vetoed) = result.status, stars <= 2 else { continue }
            if state.approvedPoints(of: merchant.shopNumber, in: 2026) == 0 { lowWithoutPoints += 1 }
            if stars == 1 && !vetoed { oneStarOrdinary.append(60 - score) }
        }
        var integrity = try #require(try SeedLoader.load(files: try shippedSeedFiles()).ruleVersions.last)
        #expect(integrity.scheme == .integrity)
        integrity.version = 3
        integrity.effectiveFrom = "2026-01-01"
        state.apply(Event(actor: "zhuren", at: "2026-11-26T01:00:00Z", key: nil, body: .rulesPublished(integrity)), sequence: UInt64(roster.count + history.count + 1))
        let new = state.starDistribution(today: today)
        var clean = 0, vetoed = 0, capped = 0
        for merchant in state.merchants {
            let result = RatingEngine.rate(merchant, in: state, year: 2026, today: today)
            if case .rated(_, 100, _) = result.status { clean += 1 }
            if case .rated(_, _, true) = result.status { vetoed += 1 }
            if result.lines.contains(where: { $0.zh.contains("星级不超过") }) {
                capped += 1
                #expect(result.status.stars == 3, "the capped shop is the three-star one")
            }
        }
        #expect(old == [0, 11, 28, 9, 14, 38], "the four ordinary shops: clean, no points, 60 = ★★")
        #expect(new == [0, 1, 0, 1, 6, 92])
        #expect(clean == 68 && vetoed == 1 && capped == 1)
        #expect(lowWithoutPoints == 29, "of the 39 shops at one or two stars")
        #expect(oneStarOrdinary.sorted() == [2, 2, 4, 4, 4, 4, 6, 7, 8, 14], "ten ordinary one-star shops, below 60 by their deductions")
    }
}
