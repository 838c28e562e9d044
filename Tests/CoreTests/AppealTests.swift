import Testing
@testable import Core

@Suite("Appeals, replies, duplicates and the code of conduct")
struct AppealTests {
    @Test func appealsAreFiledInTimeAndDecidedBySomeoneUninvolved() throws {
        var s = try Scenario()
        s.inspect("A101", "2026-03-02", by: "gu")
        let early = AppealFiled(shop: "A101", year: 2026, reason: "检查时店主不在场", date: date("2026-03-10"))
        #expect(throws: LocalizedMessage.self) { try s.state.validate(early, by: s.manager, today: early.date) }
        s.add(.ratingsPublished(RatingsPublished(year: 2026, date: date("2026-09-25"))), by: "li")
        // 10 working days after Friday 25 September 2026 (itself a holiday), across National Day and its 调休 Saturday: 15 October.
        let late = AppealFiled(shop: "A101", year: 2026, reason: "理由", date: date("2026-10-16"))
        do {
            try s.state.validate(late, by: s.manager, today: late.date)
            Issue.record("out of time")
        } catch {
            #expect(error.zh.contains("须在 10 个工作日内（截至 2026-10-15）申请"))
        }
        let appeal = AppealFiled(shop: "A101", year: 2026, reason: "检查时店主不在场", date: date("2026-10-15"))
        try s.state.validate(appeal, by: s.manager, today: appeal.date)
        let seq = s.add(.appealFiled(appeal), by: "wang")
        #expect(s.state.isUnderReview("A101", year: 2026))
        #expect(throws: LocalizedMessage.self) { try s.state.validate(appeal, by: s.manager, today: appeal.date) }

        let decision = AppealDecided(target: seq, outcome: .upheld, reason: "检查记录完整", date: date("2026-10-20"))
        // The inspector is involved; a secretary may not decide; the manager who did not inspect may.
        let inspectorAsManager = User(name: "gu", displayName: "顾书记", role: .manager, pin: s.manager.pin)
        #expect(throws: LocalizedMessage.self) { try s.state.validateDecision(decision, by: inspectorAsManager, today: decision.date) }
        #expect(throws: LocalizedMessage.self) { try s.state.validateDecision(decision, by: s.secretary2, today: decision.date) }
        try s.state.validateDecision(decision, by: s.manager, today: decision.date)
        s.add(.appealDecided(decision), by: "li")
        #expect(!s.state.isUnderReview("A101", year: 2026))
        #expect(s.state.appeals["A101"]?.first?.decidedBy == "li")
    }

    @Test func theShopsReplyIsKeptPerYear() throws {
        var s = try Scenario()
        s.add(.replyPublished(ReplyPublished(shop: "A101", year: 2026, text: "已整改，欢迎监督")), by: "li")
        s.add(.replyPublished(ReplyPublished(shop: "A101", year: 2026, text: "已整改完毕，欢迎监督")), by: "li")
        #expect(s.state.replies["A101"]?[2026]?.value.text == "已整改完毕，欢迎监督")
    }

    @Test func duplicatesAreLinkedWithoutCyclesWithinOneShopOnceAndDeductedOnce() throws {
        var s = try Scenario()
        s.add(.complaintFiled(filing("R1")), by: "desk1")
        s.add(.complaintFiled(filing("R2")), by: "desk1")
        try s.state.validate(ComplaintLinked(receipt: "R2", duplicateOf: "R1"), by: s.manager)
        // Another branch's secretary may not link them.
        #expect(throws: LocalizedMessage.self) { try s.state.validate(ComplaintLinked(receipt: "R2", duplicateOf: "R1"), by: s.secretary2) }
        s.add(.complaintLinked(ComplaintLinked(receipt: "R2", duplicateOf: "R1")), by: "li")
        #expect(s.state.complaints["R2"]?.duplicateOf == "R1")
        #expect(throws: LocalizedMessage.self) { try s.state.validate(ComplaintLinked(receipt: "R1", duplicateOf: "R2"), by: s.manager) }
        #expect(throws: LocalizedMessage.self) { try s.state.validate(ComplaintLinked(receipt: "R1", duplicateOf: "R1"), by: s.manager) }
        // Never silently replaced.
        s.add(.complaintFiled(filing("R3")), by: "desk1")
        do {
            try s.state.validate(ComplaintLinked(receipt: "R2", duplicateOf: "R3"), by: s.manager)
            Issue.record("a link was replaced")
        } catch {
            #expect(error.zh.contains("已标为 R1 的重复，不会被改写"))
        }
        // Only within one shop.
        var other = filing("R4")
        other.shop = "B101"
        s.add(.complaintFiled(other), by: "desk1")
        do {
            try s.state.validate(ComplaintLinked(receipt: "R4", duplicateOf: "R1"), by: s.manager)
            Issue.record("a link across shops")
        } catch {
            #expect(error.zh.contains("只能把同一家店铺的投诉标为重复"))
        }
        // One matter, one deduction; and the handler does not confirm his own.
        for receipt in ["R1", "R2"] {
            for action in [ComplaintAction.accept, .resolve(outcome: "退款", amountFen: 100, upheld: true)] {
                s.add(.complaintStep(ComplaintStep(receipt: receipt, action: action, date: date("2026-03-04"))), by: "gu")
            }
        }
        let own = ComplaintDeductionConfirmed(receipt: "R1", severity: .minor, date: date("2026-03-05"))
        #expect(throws: LocalizedMessage.self) { try s.state.validate(own, by: s.secretary1, today: own.date) }
        try s.state.validate(own, by: s.manager, today: own.date)
        s.add(.complaintDeductionConfirmed(own), by: "li")
        do {
            try s.state.validate(ComplaintDeductionConfirmed(receipt: "R2", severity: .minor, date: date("2026-03-05")), by: s.manager, today: date("2026-03-05"))
            Issue.record("a duplicate deducted twice")
        } catch {
            #expect(error.zh.contains("同一件事只扣一次"))
        }
        // A log that holds both anyway (written before this rule) still deducts the matter once.
        s.inspect("A101", "2026-03-01")
        s.add(.complaintDeductionConfirmed(ComplaintDeductionConfirmed(receipt: "R2", severity: .minor, date: date("2026-03-05"))), by: "li")
        let rating = s.rate("A101")
        #expect(rating.lines.compactMap(\.points).filter { $0 < 0 } == [-2], "one matter, one deduction: \(rating.lines.map(\.zh))")
        #expect(rating.lines.contains { $0.points == 0 && $0.zh.contains("与 R1 是同一件事（重复投诉），不再扣分") })
    }

    @Test func theShippedCodeOfConductIsRecorded() throws {
        let s = try Scenario()
        let conduct = try #require(s.state.conduct)
        #expect(conduct.value.version == 1 && conduct.value.effectiveFrom == date("2025-01-01"))
        #expect(conduct.value.articles.count >= 6)
        #expect(conduct.value.articles.contains { $0.contains("明码标价") })
    }
}
