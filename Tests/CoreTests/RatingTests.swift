import Foundation
import Testing
@testable import Core

/// A small market built from the shipped seeds plus events, numbered as in a log.
struct Scenario {
    var events: [Event]
    let manager: User
    let secretary1: User
    let secretary2: User

    init() throws {
        let roster = try SeedLoader.load(files: try shippedSeedFiles())
        events = roster.events(actor: "system", at: "2026-01-01T00:00:00Z")
        let hash = try PINHash.make(pin: "123456", salt: Array(repeating: 1, count: 16), rounds: 1024)
        manager = User(name: "li", displayName: "李主任", role: .manager, pin: hash)
        secretary1 = User(name: "gu", displayName: "顾书记", role: .secretary(branch: 1), pin: hash)
        secretary2 = User(name: "wang", displayName: "王书记", role: .secretary(branch: 2), pin: hash)
        for user in [manager, secretary1, secretary2] { add(.userRegistered(user), by: "system") }
    }

    var state: MarketState { MarketState(events: events) }
    var nextSequence: UInt64 { UInt64(events.count + 1) }

    @discardableResult
    mutating func add(_ body: EventBody, by actor: String) -> UInt64 {
        events.append(Event(actor: actor, at: "2026-06-01T00:00:00Z", key: "k\(events.count)", body: body))
        return UInt64(events.count)
    }

    mutating func inspect(_ shop: String, _ day: String, fails: [(String, Severity)] = [], passAll: Bool = true, by user: String = "li") {
        let failed = Set(fails.map(\.0))
        var outcomes = fails.map { ItemOutcome(item: $0.0, result: .fail, severity: $0.1) }
        if passAll { outcomes += (state.checklist?.items ?? []).filter { !failed.contains($0.id) }.map { ItemOutcome(item: $0.id, result: .pass) } }
        add(.inspectionRecorded(Inspection(shop: shop, date: date(day), inspector: user, checklistVersion: 1, outcomes: outcomes)), by: user)
    }

    mutating func contribute(_ shop: String, _ points: Int, approvedBy: String? = "li", enteredBy: String = "gu") {
        let seq = add(.contributionRecorded(ContributionRecorded(shop: shop, kind: .service, points: points, date: date("2026-02-01"), evidence: "义务验光 \(points) 次")), by: enteredBy)
        if let approver = approvedBy { add(.contributionApproved(ContributionApproved(target: seq)), by: approver) }
    }

    func rate(_ shop: String, today: String = "2026-06-30") -> RatingResult {
        let state = state
        return RatingEngine.rate(state.merchant(shopNumber: shop)!, in: state, year: date(today).year, today: date(today))
    }
}

/// What Core's gate says of a body in the scenario's state, or nil when it is accepted.
func refusal(_ s: Scenario, _ body: EventBody, by user: User, today: String) -> String? {
    do {
        try s.state.validate(body, by: user, today: date(today))
        return nil
    } catch {
        return error.zh
    }
}

@Suite("Rating engine: golden cases")
struct RatingTests {
    @Test func awaitingUntilTheFirstInspection() throws {
        let s = try Scenario()
        #expect(s.rate("A101").status == .awaiting)
        #expect(s.rate("A101").lines.map { $0.zh } == ["2026 年度尚未检查：待评定"])
    }

    @Test func cleanInspectionWithContributionsGivesFiveStars() throws {
        var s = try Scenario()
        s.inspect("A101", "2026-03-02")
        s.contribute("A101", 25)
        s.contribute("A101", 20)  // 45 approved, capped at 40
        let result = s.rate("A101")
        #expect(result.status == .rated(stars: 5, score: 100, vetoed: false))
        #expect(result.lines.contains { $0.points == 15 && $0.zh.contains("超出上限 40，只计 15") })
        #expect(result.lines.last?.zh == "评定结果：★★★★★")
    }

    @Test func unapprovedOrSelfApprovedContributionsDoNotCount() throws {
        var s = try Scenario()
        s.inspect("A101", "2026-03-02")
        s.contribute("A101", 30, approvedBy: nil)
        s.contribute("A101", 30, approvedBy: "gu", enteredBy: "gu")
        #expect(s.rate("A101").status == .rated(stars: 2, score: 60, vetoed: false))
        #expect(throws: LocalizedMessage.self) { try s.state.validateApproval(of: s.nextSequence - 1, by: s.secretary1) }
    }

    @Test func deductionsByIntegrityCapTheStars() throws {
        var s = try Scenario()
        s.contribute("A101", 40)
        // Two serious price failures: 10 points of price integrity — the cap of 3 stars applies.
        s.inspect("A101", "2026-03-02", fails: [("PRI-1", .serious), ("PRI-2", .serious)])
        // Re-inspected in time: both pass, so no overdue penalty.
        s.inspect("A101", "2026-03-05")
        let result = s.rate("A101")
        #expect(result.status == .rated(stars: 3, score: 90, vetoed: false))
        #expect(result.deductionsByIntegrity == [.price: 10])
        #expect(result.lines.contains { $0.zh == "价格诚信扣分 10 ≥ 10：星级不超过 3 星" })
        #expect(result.rectifications.allSatisfy { $0.closedOn == date("2026-03-05") })
    }

    @Test func anOverdueRectificationCostsAgain() throws {
        var s = try Scenario()
        s.contribute("A101", 40)
        s.inspect("A101", "2026-03-02", fails: [("QUA-1", .minor)])
        // Minor: 10 working days → 2026-03-16. Still open on 2026-03-20.
        let before = s.rate("A101", today: "2026-03-16")
        #expect(before.status == .rated(stars: 5, score: 98, vetoed: false))
        let after = s.rate("A101", today: "2026-03-20")
        #expect(after.status == .rated(stars: 5, score: 96, vetoed: false))
        #expect(after.lines.contains { $0.points == -2 && $0.zh.contains("整改逾期：QUA-1 应于 2026-03-16 前复查合格，至今未整改") })
        // Fixed late: the penalty stays, the finding is closed.
        s.inspect("A101", "2026-03-25")
        let late = s.rate("A101", today: "2026-04-30")
        #expect(late.status == .rated(stars: 5, score: 96, vetoed: false))
        #expect(late.lines.contains { $0.zh.contains("实际 2026-03-25") })
    }

    @Test func aVetoSetsOneStar() throws {
        var s = try Scenario()
        s.contribute("A101", 40)
        s.inspect("A101", "2026-03-02")
        let seq = s.add(.vetoConfirmed(VetoConfirmed(shop: "A101", kind: "counterfeit", date: date("2026-04-01"), reason: "售卖假冒品牌镜架")), by: "li")
        #expect(s.rate("A101").status != .rated(stars: 1, score: 100, vetoed: true), "a veto counts once seconded")
        s.add(.vetoSeconded(VetoSeconded(target: seq)), by: "wang")
        let result = s.rate("A101")
        #expect(result.status == .rated(stars: 1, score: 100, vetoed: true))
        #expect(result.lines.contains { $0.sequence == seq && $0.zh.hasPrefix("一票否决（售假，2026-04-01）：定为 1 星") })
        // The previous year is not touched.
        #expect(s.rate("A101", today: "2025-12-31").status == .awaiting)
    }

    @Test func ruleChangesTakeEffectOnTheirDateAndPastPeriodsKeepTheirRules() throws {
        var s = try Scenario()
        s.inspect("A101", "2025-06-02", fails: [("PRI-1", .minor)], passAll: true)
        s.inspect("A101", "2025-06-03")
        var stricter = try #require(s.state.rules(on: date("2025-06-01"))?.value)
        stricter.version = 2
        stricter.effectiveFrom = "2026-01-01"
        stricter.deductions.minor = 4
        let rulesSeq = s.add(.rulesPublished(stricter), by: "li")
        s.inspect("A101", "2026-03-02", fails: [("PRI-1", .minor)])
        s.inspect("A101", "2026-03-03")
        let old = s.rate("A101", today: "2025-12-31")
        #expect(old.status == .rated(stars: 1, score: 58, vetoed: false))
        #expect(old.lines.first?.zh == "评分规则：第 1 版（2025-01-01 起施行）")
        let new = s.rate("A101", today: "2026-06-30")
        #expect(new.status == .rated(stars: 1, score: 56, vetoed: false))
        #expect(new.lines.first?.sequence == rulesSeq)
    }

    @Test func everyLineWithPointsNamesItsEvent() throws {
        var s = try Scenario()
        s.contribute("A101", 10)
        s.inspect("A101", "2026-03-02", fails: [("TAX-1", .serious)])
        let result = s.rate("A101")
        for line in result.lines where line.points != nil && line.points != 0 {
            #expect(line.sequence != nil, "\(line.zh)")
        }
        let total = result.lines.compactMap(\.points).reduce(0, +)
        guard case .rated(_, let score, _) = result.status else { Issue.record("rated"); return }
        #expect(total == score)
    }
}

@Suite("Users, PINs and permissions")
struct PermissionTests {
    @Test func pinsAreSaltedSlowHashes() throws {
        let a = try PINHash.make(pin: "2468", salt: Array(repeating: 7, count: 16), rounds: 1024)
        let b = try PINHash.make(pin: "2468", salt: Array(repeating: 8, count: 16), rounds: 1024)
        #expect(a.algorithm == "scrypt" && a.digest != b.digest, "a different salt gives a different hash")
        #expect(a.matches("2468") && !a.matches("2469") && !a.matches(""))
        #expect(!a.digest.contains("2468"))
        #expect(PINHash.problem(with: "12a4") != nil && PINHash.problem(with: "123") != nil && PINHash.problem(with: "123456789") != nil)
        #expect(PINHash.problem(with: "000000") == nil && PINHash.problem(with: "0000") != nil, "new PINs have at least 6 digits")
    }

    @Test func theMatrixOfRolesAndActions() {
        let roles: [Role] = [.manager, .secretary(branch: 1), .secretary(branch: 2), .kiosk]
        let actions: [Action] = [.registerUser, .recordInspection(branch: 1), .confirmVeto, .amendRecord, .fileComplaint, .exportPersonalData]
        let allowed: [[Bool]] = [
            // register, inspect b1, veto, amend, complaint, export personal data
            [true, true, true, true, true, true],      // manager
            [false, true, false, false, true, false],  // secretary of branch 1
            [false, false, false, false, true, false], // secretary of branch 2
            [false, false, false, false, true, false], // kiosk
        ]
        for (r, role) in roles.enumerated() {
            for (a, action) in actions.enumerated() {
                let ok = (try? action.check(role)) != nil
                #expect(ok == allowed[r][a], "\(role) \(action)")
            }
        }
    }

    @Test func inspectionsAreValidatedWithSpecificMessages() throws {
        let s = try Scenario()
        let state = s.state
        func attempt(_ inspection: Inspection, by user: User) -> String? {
            do {
                try state.validate(inspection, by: user, today: date("2026-06-30"))
                return nil
            } catch {
                return error.zh
            }
        }
        let pass = [ItemOutcome(item: "PRI-1", result: .pass)]
        #expect(attempt(Inspection(shop: "Z999", date: date("2026-06-01"), inspector: "li", checklistVersion: 1, outcomes: pass), by: s.manager) == "没有店铺号为 Z999 的商户")
        #expect(attempt(Inspection(shop: "B101", date: date("2026-06-01"), inspector: "gu", checklistVersion: 1, outcomes: pass), by: s.secretary1)?.contains("只能为本支部的商户记录检查") == true)
        #expect(attempt(Inspection(shop: "A101", date: date("2026-07-01"), inspector: "li", checklistVersion: 1, outcomes: pass), by: s.manager)?.contains("晚于今天") == true)
        #expect(attempt(Inspection(shop: "A101", date: date("2026-06-01"), inspector: "li", checklistVersion: 1, outcomes: [ItemOutcome(item: "XYZ", result: .pass)]), by: s.manager)?.contains("检查清单中没有“XYZ”") == true)
        #expect(attempt(Inspection(shop: "A101", date: date("2026-06-01"), inspector: "li", checklistVersion: 1, outcomes: [ItemOutcome(item: "PRI-1", result: .fail)]), by: s.manager)?.contains("需要注明一般或严重") == true)
        #expect(attempt(Inspection(shop: "A101", date: date("2026-06-01"), inspector: "gu", checklistVersion: 1, outcomes: pass), by: s.secretary1) == nil)
    }

    @Test func contributionEntriesNeedEvidenceAndSensiblePoints() throws {
        let s = try Scenario()
        func attempt(_ points: Int, _ evidence: String) -> String? {
            do {
                try s.state.validate(ContributionRecorded(shop: "A101", kind: .harmony, points: points, date: date("2026-05-01"), evidence: evidence), by: s.secretary1, today: date("2026-05-20"))
                return nil
            } catch { return error.zh }
        }
        #expect(attempt(0, "x")?.contains("1 到 40") == true)
        #expect(attempt(500, "x")?.contains("1 到 40") == true)
        #expect(attempt(5, "  ")?.contains("依据") == true)
        #expect(attempt(5, "调解纠纷 3 起") == nil)
    }
}

@Suite("Rectifications: property test")
struct RectificationPropertyTests {
    @Test func randomInspectionHistoriesKeepOneOpenRectificationPerItemAndLoseNothing() throws {
        var rng = SplitMix64(seed: 7)
        let base = try Scenario()
        let items = ["PRI-1", "QUA-1", "TAX-1"]
        for run in 0..<150 {
            var s = base
            var day = date("2026-01-05")
            var expectedOpened = 0
            var open: Set<String> = []
            for _ in 0..<Int.random(in: 1...10, using: &rng) {
                day = day.adding(days: Int.random(in: 1...20, using: &rng))
                var fails: [(String, Severity)] = []
                var outcomes: [ItemOutcome] = []
                for item in items {
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0:
                        let severity: Severity = Bool.random(using: &rng) ? .minor : .serious
                        fails.append((item, severity))
                        outcomes.append(ItemOutcome(item: item, result: .fail, severity: severity))
                        if !open.contains(item) { expectedOpened += 1; open.insert(item) }
                    case 1:
                        outcomes.append(ItemOutcome(item: item, result: .pass))
                        open.remove(item)
                    default:
                        outcomes.append(ItemOutcome(item: item, result: .notApplicable))
                    }
                }
                s.add(.inspectionRecorded(Inspection(shop: "A101", date: day, inspector: "li", checklistVersion: 1, outcomes: outcomes)), by: "li")
            }
            let result = s.rate("A101", today: "2026-12-31")
            let rectifications = result.rectifications
            #expect(rectifications.count == expectedOpened, "run \(run): every failure of an item not already open opens one")
            #expect(Set(rectifications.filter { $0.closedBy == nil }.map(\.item)) == open, "run \(run)")
            for item in items {
                #expect(rectifications.filter { $0.item == item && $0.closedBy == nil }.count <= 1, "run \(run): one open per item")
            }
            for r in rectifications {
                #expect(r.deadline > r.openedOn)
                if let closed = r.closedOn { #expect(closed > r.openedOn, "run \(run)") }
            }
        }
    }
}

/// Issue 20, requirement 2: the shipped rules' version 2 (from 2027) rates the shop's integrity —
/// 100 − deductions, contribution points left to the members' ledger — while 2026 keeps version 1.
@Suite("Rating engine: the integrity scheme (rules version 2)")
struct IntegritySchemeTests {
    /// The scenario with the shipped rules' later versions, as `init` appends them.
    func scenario() throws -> Scenario {
        var s = try Scenario()
        s.events += try SeedLoader.load(files: try shippedSeedFiles()).laterRuleEvents(actor: "system", at: "2026-01-01T00:00:00Z")
        return s
    }

    /// An approved contribution entry dated `day`.
    func contribute(_ s: inout Scenario, _ points: Int, on day: String) {
        let seq = s.add(.contributionRecorded(ContributionRecorded(shop: "A101", kind: .service, points: points, date: date(day), evidence: "义务验光")), by: "gu")
        s.add(.contributionApproved(ContributionApproved(target: seq)), by: "li")
    }

    @Test func aCleanYearEarnsFiveStarsAndContributionsDoNotCount() throws {
        var s = try scenario()
        s.inspect("A101", "2027-03-02")
        contribute(&s, 30, on: "2027-02-01")
        let result = s.rate("A101", today: "2027-06-30")
        #expect(result.status == .rated(stars: 5, score: 100, vetoed: false))
        #expect(result.lines.first?.zh == "评分规则：第 2 版（2027-01-01 起施行），诚信计分：基础分减扣分，贡献分不计入星级")
        #expect(result.lines.first?.en.hasSuffix("integrity scheme: base minus deductions; contribution points do not count in the stars") == true)
        #expect(!result.lines.contains { $0.zh.contains("贡献分 ") || $0.zh.hasPrefix("贡献分（") }, "no contribution line counts")
        #expect(result.lines.compactMap(\.points).reduce(0, +) == 100)
        // The points are still recorded and approved as before (the members' ledger, issue 20 req 3).
        #expect(s.state.approvedPoints(of: "A101", in: 2027) == 30)
    }

    @Test func theOldRulesStillGiveTheOldScoreFor2026() throws {
        var s = try scenario()
        s.inspect("A101", "2026-03-02")
        s.inspect("A101", "2027-03-02")
        s.contribute("A101", 10)
        let old = s.rate("A101", today: "2026-06-30")
        #expect(old.status == .rated(stars: 3, score: 70, vetoed: false))
        #expect(old.lines.first?.zh == "评分规则：第 1 版（2025-01-01 起施行）")
        // Rated again after the new rules took effect, 2026 keeps its rules (the year's 31 December).
        let later = RatingEngine.rate(try #require(s.state.merchant(shopNumber: "A101")), in: s.state, year: 2026, today: date("2027-06-30"))
        #expect(later.status == old.status && later.lines.first == old.lines.first)
        #expect(s.rate("A101", today: "2027-06-30").status == .rated(stars: 5, score: 100, vetoed: false))
    }

    @Test func thresholdsByTheNewRules() throws {
        // score → stars: 95 ★5, 93 ★4, 85 ★4, 83 ★3 … each failure in a different integrity (no cap).
        let cases: [([(String, Severity)], Int, Int)] = [
            ([("PRI-1", .serious)], 95, 5),
            ([("PRI-1", .serious), ("TAX-1", .minor)], 93, 4),
            ([("PRI-1", .serious), ("TAX-1", .serious), ("QUA-1", .serious)], 85, 4),
            ([("PRI-1", .serious), ("TAX-1", .serious), ("QUA-1", .serious), ("ID-1", .minor)], 83, 3),
            ([("PRI-1", .serious), ("TAX-1", .serious), ("QUA-1", .serious), ("CON-1", .serious), ("ID-1", .serious)], 75, 3),
            ([("PRI-1", .serious), ("TAX-1", .serious), ("QUA-1", .serious), ("CON-1", .serious), ("ID-1", .serious), ("ID-2", .minor)], 73, 2),
        ]
        for (fails, score, stars) in cases {
            var s = try scenario()
            s.inspect("A101", "2027-03-02", fails: fails)
            s.inspect("A101", "2027-03-04")
            #expect(s.rate("A101", today: "2027-06-30").status == .rated(stars: stars, score: score, vetoed: false), "\(fails)")
        }
    }

    @Test func theIntegrityCapAndTheVetoStillApply() throws {
        var s = try scenario()
        s.inspect("A101", "2027-03-02", fails: [("PRI-1", .serious), ("PRI-2", .serious)])
        s.inspect("A101", "2027-03-04")
        let capped = s.rate("A101", today: "2027-06-30")
        #expect(capped.status == .rated(stars: 3, score: 90, vetoed: false), "90 is four stars, capped at three")
        #expect(capped.lines.contains { $0.zh == "价格诚信扣分 10 ≥ 10：星级不超过 3 星" })

        var v = try scenario()
        v.inspect("A101", "2027-03-02")
        let seq = v.add(.vetoConfirmed(VetoConfirmed(shop: "A101", kind: "counterfeit", date: date("2027-04-01"), reason: "售卖假冒品牌镜架")), by: "li")
        v.add(.vetoSeconded(VetoSeconded(target: seq)), by: "wang")
        let vetoed = v.rate("A101", today: "2027-06-30")
        #expect(vetoed.status == .rated(stars: 1, score: 100, vetoed: true))
        #expect(vetoed.status.label(.zh) == "★☆☆☆☆ 一票否决")
    }

    @Test func rulesWithoutTheFieldKeepTheirMeaning() throws {
        var s = try scenario()
        let v1 = try #require(s.state.rules(on: date("2026-06-30"))?.value)
        let json = String(decoding: try JSONEncoder().encode(v1), as: UTF8.self)
        #expect(!json.contains("scheme"), "version 1 is written as it was")
        var bad = try #require(s.state.rules(on: date("2027-06-30"))?.value)
        bad.scheme = nil
        #expect(throws: LocalizedMessage.self, "100 + 40 under the contribution scheme") { try bad.validate() }
        s.inspect("A101", "2026-03-02")
        #expect(s.rate("A101").status == .rated(stars: 2, score: 60, vetoed: false))
    }
}
