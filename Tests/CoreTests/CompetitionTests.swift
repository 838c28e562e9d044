import Foundation
import Testing
@testable import Core

/// 比发展/比服务/比和谐 (docs/domain-model.md): each measure from the record, the ranking method,
/// and the rules data that names them.
@Suite("比发展/比服务/比和谐: measures and ranking")
struct CompetitionTests {
    private let year = CompetitionPeriod(from: date("2026-01-01"), through: date("2026-06-30"))

    private func steps(_ s: inout Scenario, _ receipt: String, _ actions: [ComplaintAction], on day: String) {
        for action in actions { s.add(.complaintStep(ComplaintStep(receipt: receipt, action: action, date: date(day))), by: "li") }
    }

    private func figure(_ standing: CompetitionStanding, _ kind: ContributionKind, _ unit: String, _ measure: CompetitionMeasure) throws -> CompetitionFigure {
        try #require(standing.figure(kind, unit: unit, measure: measure))
    }

    @Test func developmentScoreGainedRectificationsAndPlates() throws {
        var s = try Scenario()
        // A101: rated in 2025 (a failed item) and in 2026; A102 only in 2026 (no previous year).
        s.inspect("A101", "2025-06-02", fails: [("CON-1", .minor)])
        s.inspect("A101", "2026-03-02")
        s.inspect("A102", "2026-03-02")
        // Rectifications: A103 on time, A104 late, A105 still open past its deadline.
        s.inspect("A103", "2026-03-02", fails: [("CON-1", .minor)])
        s.inspect("A103", "2026-03-05")
        s.inspect("A104", "2026-03-02", fails: [("CON-1", .minor)])
        s.inspect("A104", "2026-04-30")
        s.inspect("A105", "2026-06-01", fails: [("CON-1", .minor)])
        // A106 opened one whose deadline is still ahead: not settled, not counted.
        s.inspect("A106", "2026-06-29", fails: [("CON-1", .minor)])
        // A102's plate corrected to 党员示范岗 (earned); A101's corrected away from it (not earned).
        var state = s.state
        var a102 = try #require(state.merchant(shopNumber: "A102"))
        a102.plate = .demonstrationPost
        let earned = s.add(.merchantCorrected(MerchantCorrection(target: try #require(state.currentMerchantRecords["A102"]), reason: "挂牌更正", merchant: a102)), by: "li")
        var a101 = try #require(state.merchant(shopNumber: "A101"))
        a101.plate = .memberBusiness
        s.add(.merchantCorrected(MerchantCorrection(target: try #require(state.currentMerchantRecords["A101"]), reason: "挂牌更正", merchant: a101)), by: "li")
        state = s.state
        #expect(state.plateChanges.map(\.shop) == ["A102", "A101"])
        #expect(state.plateChanges.first?.date == date("2026-06-01"), "the market's day of the correction")

        let branches = state.competition(.branches, period: year)
        let shops = state.competition(.shops(branch: 1), period: year)
        func score(_ result: RatingResult) -> Int? { if case .rated(_, let score, _) = result.status { return score } else { return nil } }
        let before = try #require(score(s.rate("A101", today: "2025-12-31")))
        let now = try #require(score(s.rate("A101")))
        let gained = try figure(shops, .development, "A101", .scoreGained)
        #expect(gained.value == Double(now - before) && gained.total == 1)
        #expect(!gained.records.isEmpty, "the rating's records stand behind the gain")
        #expect(try figure(shops, .development, "A102", .scoreGained).value == nil, "no previous year: no figure")
        #expect(try figure(branches, .development, "1", .scoreGained).value == Double(now - before), "the branch averages the shops rated in both years")

        let onTime = try figure(branches, .development, "1", .rectificationsOnTime)
        #expect(onTime.count == 1 && onTime.total == 4, "A101's 2025 finding, closed late in 2026, counts too")
        #expect(try figure(shops, .development, "A101", .rectificationsOnTime).value == 0)
        #expect(try figure(shops, .development, "A103", .rectificationsOnTime).value == 1)
        #expect(try figure(shops, .development, "A104", .rectificationsOnTime).value == 0)
        #expect(try figure(shops, .development, "A105", .rectificationsOnTime).value == 0, "open past its deadline: late")
        #expect(try figure(shops, .development, "A106", .rectificationsOnTime).value == nil, "its deadline is ahead: nothing settled")
        #expect(try figure(shops, .development, "A103", .rectificationsOnTime).records.count == 2, "the inspection that opened it and the one that closed it")

        let plates = try figure(branches, .development, "1", .platesEarned)
        #expect(plates.count == 1 && plates.records == [earned])
        #expect(try figure(shops, .development, "A101", .platesEarned).count == 0)
        // Earlier than the period: not counted.
        #expect(try figure(state.competition(.branches, period: CompetitionPeriod(from: date("2026-07-01"), through: date("2026-07-31"))), .development, "1", .platesEarned).count == 0)
    }

    @Test func serviceAndHarmonyFromTheComplaints() throws {
        var s = try Scenario()
        // R1: mediated, satisfied, closed two working days after filing (Mon 2 → Wed 4 March).
        s.add(.complaintFiled(filing("R1", shop: "A101")), by: "desk1")
        steps(&s, "R1", [.accept, .resolve(outcome: "退款", amountFen: 100, upheld: true), .followUp(satisfaction: .satisfied)], on: "2026-03-03")
        steps(&s, "R1", [.close], on: "2026-03-04")
        // R2: forwarded (escalated), dissatisfied, closed a week later (5 working days).
        s.add(.complaintFiled(filing("R2", shop: "A101")), by: "desk1")
        steps(&s, "R2", [.accept, .forward(department: "market-regulator"), .followUp(satisfaction: .dissatisfied)], on: "2026-03-03")
        steps(&s, "R2", [.close], on: "2026-03-09")
        // R3: a duplicate of R1 (one matter: not counted again); R4 rejected then followed up partly.
        s.add(.complaintFiled(filing("R3", shop: "A101")), by: "desk1")
        s.add(.complaintLinked(ComplaintLinked(receipt: "R3", duplicateOf: "R1")), by: "li")
        s.add(.complaintFiled(filing("R4", shop: "A102")), by: "desk1")
        steps(&s, "R4", [.reject(reason: "no-evidence"), .followUp(satisfaction: .partly)], on: "2026-03-05")
        // A veto on A103, seconded; one on A104 never seconded (does not count).
        let veto = s.add(.vetoConfirmed(VetoConfirmed(shop: "A103", kind: "counterfeit", date: date("2026-04-01"), reason: "假冒品牌镜架")), by: "li")
        s.add(.vetoSeconded(VetoSeconded(target: veto)), by: "zhou")
        s.add(.vetoConfirmed(VetoConfirmed(shop: "A104", kind: "counterfeit", date: date("2026-04-01"), reason: "待复核")), by: "li")
        let state = s.state

        let branches = state.competition(.branches, period: year)
        let satisfaction = try figure(branches, .service, "1", .satisfaction)
        let tally = state.satisfaction(from: year.from, through: year.through)
        #expect(satisfaction.value == tally.branch(1).rate, "满意率 as Satisfaction.swift tallies it")
        #expect(satisfaction.count == 2 && satisfaction.total == 3 && satisfaction.receipts == ["R1", "R2", "R4"])
        #expect(satisfaction.records.count == 3, "the follow-ups behind it")
        let median = try figure(branches, .service, "1", .medianHandlingDays)
        #expect(median.value == 3.5 && median.total == 2, "2 and 5 working days")
        let perShop = try figure(branches, .service, "1", .complaintsPerShop)
        let shopsInBranch = state.merchants.filter { $0.branch == 1 }.count
        #expect(perShop.count == 3 && perShop.total == shopsInBranch, "R3, a linked duplicate, is not counted")
        #expect(perShop.receipts == ["R1", "R2", "R4"])
        #expect(try figure(branches, .harmony, "1", .mediatedToSatisfaction).receipts == ["R1"])
        #expect(try figure(branches, .harmony, "1", .mediatedToSatisfaction).records.count == 2, "the resolution and the follow-up")
        #expect(try figure(branches, .harmony, "1", .escalated).receipts == ["R2"])
        let vetoes = try figure(branches, .harmony, "1", .vetoes)
        #expect(vetoes.count == 1 && vetoes.records == [veto], "only the seconded veto counts")

        // No complaints: no rate and no median ("—"), none per shop.
        #expect(try figure(branches, .service, "2", .satisfaction).value == nil)
        #expect(try figure(branches, .service, "2", .medianHandlingDays).value == nil)
        #expect(try figure(branches, .service, "2", .complaintsPerShop).value == 0)
        #expect(try figure(branches, .service, "2", .satisfaction).text(.zh) == "—")
        #expect(satisfaction.text(.zh) == "67%（2/3）" && median.text(.en) == "3.5 d (2)")
    }

    @Test func rankSumTiesAndMissingFigures() {
        func f(_ m: CompetitionMeasure, _ v: Double?) -> CompetitionFigure {
            CompetitionFigure(measure: m, value: v, count: 0, total: 0, records: [], receipts: [])
        }
        let entries = [CompetitionRules.Entry(.satisfaction, .higher), CompetitionRules.Entry(.escalated, .lower)]
        let units = [("1", "一"), ("2", "二"), ("3", "三"), ("4", "四")]
        let figures = [
            [f(.satisfaction, 0.5), f(.escalated, 2)],
            [f(.satisfaction, 0.9), f(.escalated, 2)],
            [f(.satisfaction, 0.9), f(.escalated, 0)],
            [f(.satisfaction, nil), f(.escalated, 1)],
        ]
        let ranking = MarketState.rank(kind: .service, entries: entries, units: units, figures: figures, method: .rankSum)
        let byUnit = Dictionary(uniqueKeysWithValues: ranking.rows.map { ($0.unit, $0) })
        // Satisfaction: 2 and 3 tie first (1, 1), 1 third, 4 has none: after all (4).
        #expect(byUnit["2"]?.ranks == [1, 3] && byUnit["3"]?.ranks == [1, 1])
        #expect(byUnit["1"]?.ranks == [3, 3] && byUnit["4"]?.ranks == [4, 2])
        #expect(ranking.rows.map(\.unit) == ["3", "2", "1", "4"])
        #expect(ranking.rows.map(\.rankSum) == [2, 4, 6, 6])
        // Equal sums share a place, listed by number, and are marked tied.
        #expect(ranking.rows.map(\.place) == [1, 2, 3, 3])
        #expect(ranking.rows.map(\.tied) == [false, false, true, true])
    }

    @Test func theRulesDataNamesTheMeasures() throws {
        let s = try Scenario()
        // The shipped versions carry the object; it is the documented default.
        #expect(s.state.ruleVersions.allSatisfy { $0.value.competition == CompetitionRules.standard })
        let standing = s.state.competition(.branches, period: year)
        #expect(standing.fromRulesData && standing.rulesVersion == 1)
        #expect(standing.rankings.map(\.kind) == [.development, .service, .harmony])
        #expect(standing.methodLine(.zh).hasPrefix("排名方法（名次相加）") && standing.methodLine(.zh).hasSuffix("（评定规则第 1 版）"))
        #expect(standing.methodLine(.en).hasPrefix("Ranking (rank sum)"))
        // A version without it applies the default, and says so.
        var rules = try #require(s.state.rules)
        rules.competition = nil
        #expect(rules.effectiveCompetition == .standard)
        let json = try JSONEncoder().encode(rules)
        #expect(try JSONDecoder().decode(RatingRules.self, from: json).competition == nil)
        // A market whose rules carry none ranks by the default, and its method line says so.
        var bare = s
        bare.events = bare.events.map { event in
            guard case .rulesPublished(var published) = event.body else { return event }
            published.competition = nil
            return Event(actor: event.actor, at: event.at, key: event.key, body: .rulesPublished(published))
        }
        let byDefault = bare.state.competition(.branches, period: year)
        #expect(!byDefault.fromRulesData && byDefault.rules == .standard)
        #expect(byDefault.methodLine(.zh).hasSuffix("（规则未载明，按默认）") && byDefault.methodLine(.en).hasSuffix("(the rules name none: the default)"))
        #expect(byDefault.rankings == standing.rankings, "the shipped rules are the default")
        // Its own measures and directions, in its order.
        rules.competition = CompetitionRules(method: .rankSum, development: [.init(.platesEarned, .higher)],
                                             service: [.init(.complaintsPerShop, .lower)], harmony: [.init(.vetoes, .lower)])
        #expect(rules.effectiveCompetition.entries(.service).map(\.measure) == [.complaintsPerShop])
        // Refused: a kind without measures, a measure twice, an unknown method or direction.
        rules.competition?.harmony = []
        #expect(throws: LocalizedMessage.self) { try rules.validate() }
        rules.competition?.harmony = [.init(.vetoes, .lower), .init(.vetoes, .higher)]
        #expect(throws: LocalizedMessage.self) { try rules.validate() }
        let bad = #"{"method":"average","development":[],"service":[],"harmony":[]}"#
        #expect(throws: (any Error).self) { try JSONDecoder().decode(CompetitionRules.self, from: Data(bad.utf8)) }
        let direction = #"{"method":"rank-sum","development":[{"measure":"vetoes","better":"more"}],"service":[],"harmony":[]}"#
        #expect(throws: (any Error).self) { try JSONDecoder().decode(CompetitionRules.self, from: Data(direction.utf8)) }
    }
}
