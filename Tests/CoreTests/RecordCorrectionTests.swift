import Codec
import Testing
@testable import Core

/// Issue 17, item 3: every record that counts in a rating can be corrected — the record as it
/// should have been, in place of the original once a second person confirms it — and the
/// explanation traces both; a published rating moves only when an appeal's decision applies it.
@Suite("Corrections of records that count in a rating")
struct RecordCorrectionTests {
    /// li (manager) and zhou (a second manager) in the shipped market.
    func market() throws -> (Scenario, User) {
        var s = try Scenario()
        let zhou = User(name: "zhou", displayName: "周副主任", role: .manager, pin: s.manager.pin)
        s.add(.userRegistered(zhou), by: "li")
        return (s, zhou)
    }

    func correction(_ target: UInt64, _ record: CorrectedRecord, reason: String = "录入有误") -> EventBody {
        .recordCorrected(RecordCorrection(target: target, reason: reason, record: record))
    }

    func inspection(_ s: Scenario, _ sequence: UInt64) -> Inspection {
        guard case .inspection(let value)? = s.state.ratingRecord(sequence) else { preconditionFailure("record \(sequence) is not an inspection") }
        return value
    }

    @Test func anInspectionIsCorrectedOnceSecondedAndBothStayVisible() throws {
        var (s, zhou) = try market()
        s.inspect("A101", "2026-03-02", fails: [("PRI-1", .serious)], by: "li")
        let original = s.nextSequence - 1
        var fixed = inspection(s, original)
        fixed.outcomes = fixed.outcomes.map { $0.item == "PRI-1" ? ItemOutcome(item: "PRI-1", result: .fail, severity: .minor) : $0 }
        let body = correction(original, .inspection(fixed), reason: "严重程度录错，应为一般")
        #expect(refusal(s, body, by: s.manager, today: "2026-03-10") == nil)
        let before = s.rate("A101", today: "2026-03-10")
        let proposed = s.add(body, by: "li")
        // Until the second, the original counts as it was, and the proposal is shown.
        let waiting = s.rate("A101", today: "2026-03-10")
        #expect(waiting.status == before.status)
        #expect(waiting.lines.contains { $0.zh.contains("记录 #\(original) 的更正（记录 #\(proposed)）由 li 提出，等待另一人复核确认") })
        #expect(s.state.rectifications(of: "A101").map(\.openedBy) == [original])
        // The proposer cannot second it; another manager can.
        let second = EventBody.withdrawalSeconded(WithdrawalSeconded(target: proposed))
        #expect(refusal(s, second, by: s.manager, today: "2026-03-10")?.contains("须由另一人复核确认") == true)
        #expect(refusal(s, body, by: zhou, today: "2026-03-10")?.contains("已有更正") == true)
        s.add(second, by: "zhou")
        let after = s.rate("A101", today: "2026-03-10")
        #expect(!after.lines.contains { $0.sequence == original && ($0.points ?? 0) < 0 }, "the original no longer counts")
        #expect(after.lines.contains { $0.sequence == proposed && $0.points == -2 }, "\(after.lines.map(\.zh))")
        #expect(after.lines.contains { $0.zh.contains("记录 #\(original) 已更正为记录 #\(proposed)（li 提出、zhou 复核确认：严重程度录错，应为一般），按更正后的记录计分") })
        #expect(s.state.rectifications(of: "A101").map(\.openedBy) == [proposed])
        #expect(refusal(s, body, by: zhou, today: "2026-03-11")?.contains("已更正") == true)
        // The snapshot's state knows the same.
        let restored = try #require(MarketSnapshot.decode(try MarketSnapshot.encode(s.state)))
        #expect(RatingEngine.rate(try #require(restored.merchant(shopNumber: "A101")), in: restored, year: 2026, today: date("2026-03-10")) == after)
    }

    @Test func pointsVetoesAndDeductionsAreCorrectedToo() throws {
        var (s, zhou) = try market()
        s.inspect("A101", "2026-03-02", by: "li")
        // Points: 40 entered, approved; corrected to 10. The correction's second approves the new entry.
        let entry = s.add(.contributionRecorded(ContributionRecorded(shop: "A101", kind: .service, points: 40, date: date("2026-03-03"), evidence: "义务验光")), by: "gu")
        s.add(.contributionApproved(ContributionApproved(target: entry)), by: "li")
        let points = s.add(correction(entry, .contribution(ContributionRecorded(shop: "A101", kind: .service, points: 10, date: date("2026-03-03"), evidence: "义务验光"))), by: "li")
        #expect(refusal(s, .contributionApproved(ContributionApproved(target: points)), by: zhou, today: "2026-03-10")?.contains("由更正的复核确认代替审批") == true)
        #expect(s.rate("A101", today: "2026-03-10").lines.contains { $0.points == 40 })
        s.add(.withdrawalSeconded(WithdrawalSeconded(target: points)), by: "zhou")
        let rated = s.rate("A101", today: "2026-03-10")
        #expect(!rated.lines.contains { $0.points == 40 } && rated.lines.contains { $0.points == 10 }, "\(rated.lines.map(\.zh))")

        // A veto: corrected facts; the corrected veto counts once the correction is seconded, and
        // is never seconded on its own.
        let veto = s.add(.vetoConfirmed(VetoConfirmed(shop: "A102", kind: "counterfeit", date: date("2026-03-04"), reason: "假", evidence: nil)), by: "li")
        s.add(.vetoSeconded(VetoSeconded(target: veto)), by: "zhou")
        s.inspect("A102", "2026-03-05", by: "li")
        let evidence = s.nextSequence - 1
        let vetoFix = s.add(correction(veto, .veto(VetoConfirmed(shop: "A102", kind: "counterfeit", date: date("2026-03-05"), reason: "查实销售假冒品牌镜架 12 副", evidence: evidence))), by: "li")
        #expect(refusal(s, .vetoSeconded(VetoSeconded(target: vetoFix)), by: zhou, today: "2026-03-10")?.contains("随更正一起复核确认") == true)
        s.add(.withdrawalSeconded(WithdrawalSeconded(target: vetoFix)), by: "zhou")
        let vetoed = s.rate("A102", today: "2026-03-10")
        #expect(vetoed.status.label(.zh).contains("一票否决"))
        #expect(vetoed.lines.contains { $0.sequence == vetoFix && $0.zh.contains("查实销售假冒品牌镜架") })

        // A deduction: serious corrected to minor.
        s.add(.complaintFiled(ComplaintFiled(receipt: "R1", shop: "A103", category: "quality", integrity: .quality, text: "镜片有划痕", amountFen: nil,
                                             wants: ["refund"], consumerName: nil, consumerPhone: nil, consentToContact: false, date: date("2026-03-01"))), by: "desk1")
        s.add(.complaintStep(ComplaintStep(receipt: "R1", action: .accept, date: date("2026-03-02"))), by: "li")
        s.add(.complaintStep(ComplaintStep(receipt: "R1", action: .resolve(outcome: "退款", amountFen: nil, upheld: true), date: date("2026-03-03"))), by: "li")
        let deduction = s.add(.complaintDeductionConfirmed(ComplaintDeductionConfirmed(receipt: "R1", severity: .serious, date: date("2026-03-04"))), by: "zhou")
        s.inspect("A103", "2026-03-05", by: "li")
        let lighter = s.add(correction(deduction, .deduction(ComplaintDeductionConfirmed(receipt: "R1", severity: .minor, date: date("2026-03-04")))), by: "zhou")
        #expect(s.rate("A103", today: "2026-03-10").lines.contains { $0.sequence == deduction && $0.points == -5 })
        s.add(.withdrawalSeconded(WithdrawalSeconded(target: lighter)), by: "li")
        let fixed = s.rate("A103", today: "2026-03-10")
        #expect(fixed.lines.contains { $0.sequence == lighter && $0.points == -2 } && !fixed.lines.contains { $0.sequence == deduction && ($0.points ?? 0) < 0 },
                "\(fixed.lines.map(\.zh))")
    }

    /// A withdrawn points entry stops counting (its approval came later than the entry: the
    /// withdrawal is about the entry, not the approval).
    @Test func aWithdrawnApprovedEntryCountsNothing() throws {
        var (s, _) = try market()
        s.inspect("A101", "2026-03-02", by: "li")
        let entry = s.add(.contributionRecorded(ContributionRecorded(shop: "A101", kind: .service, points: 30, date: date("2026-03-03"), evidence: "义务验光")), by: "gu")
        s.add(.contributionApproved(ContributionApproved(target: entry)), by: "li")
        let withdrawal = s.add(.withdrawn(Withdrawal(target: entry, reason: "重复登记")), by: "li")
        s.add(.withdrawalSeconded(WithdrawalSeconded(target: withdrawal)), by: "zhou")
        #expect(!s.rate("A101", today: "2026-03-10").lines.contains { $0.points == 30 })
    }

    @Test func aCorrectionIsRefusedWhenItIsNotOneWithNothingWritten() throws {
        var (s, zhou) = try market()
        s.inspect("A101", "2026-03-02", fails: [("PRI-1", .serious)], by: "li")
        let original = s.nextSequence - 1
        let same = inspection(s, original)
        #expect(refusal(s, correction(original, .inspection(same)), by: s.manager, today: "2026-03-10")?.contains("完全相同") == true)
        var otherShop = same
        otherShop.shop = "A102"
        #expect(refusal(s, correction(original, .inspection(otherShop)), by: s.manager, today: "2026-03-10")?.contains("同类、同一店铺") == true)
        var otherInspector = same
        otherInspector.inspector = "zhou"
        #expect(refusal(s, correction(original, .inspection(otherInspector)), by: zhou, today: "2026-03-10")?.contains("同一检查人") == true)
        let points = CorrectedRecord.contribution(ContributionRecorded(shop: "A101", kind: .service, points: 5, date: date("2026-03-02"), evidence: "x"))
        #expect(refusal(s, correction(original, points), by: s.manager, today: "2026-03-10")?.contains("同类") == true)
        var moved = same
        moved.outcomes = moved.outcomes.filter { $0.item != "PRI-1" }
        moved.date = date("2025-12-30")
        #expect(refusal(s, correction(original, .inspection(moved)), by: s.manager, today: "2026-03-10")?.contains("不能把记录移到另一年度") == true)
        moved.date = date("2026-03-11")
        #expect(refusal(s, correction(original, .inspection(moved)), by: s.manager, today: "2026-03-10")?.contains("晚于今天") == true)
        moved.date = date("2026-03-02")
        #expect(refusal(s, correction(original, .inspection(moved), reason: " "), by: s.manager, today: "2026-03-10")?.contains("写明原因") == true)
        #expect(refusal(s, correction(3, .inspection(moved)), by: s.manager, today: "2026-03-10")?.contains("不是计入星级") == true)
        #expect(refusal(s, correction(original, .inspection(moved)), by: s.secretary2, today: "2026-03-10") != nil, "another branch's secretary")
        // An old record may be corrected long after (no 30-day window), within its year.
        #expect(refusal(s, correction(original, .inspection(moved)), by: s.manager, today: "2026-11-30") == nil)
        // The gate's refusal leaves the state as it was; a hand-written invalid correction in the log changes nothing.
        let before = s.rate("A101", today: "2026-03-10")
        s.add(correction(original, .inspection(otherShop)), by: "li")
        s.add(.withdrawalSeconded(WithdrawalSeconded(target: s.nextSequence - 1)), by: "zhou")
        #expect(s.rate("A101", today: "2026-03-10") == before)
        #expect(s.rate("A102", today: "2026-03-10").status == .awaiting)
    }

    /// After the 公示 a correction counts towards the next period only; a revised appeal decision
    /// that names it puts it into the published year.
    @Test func aPublishedRatingMovesOnlyThroughAnAppealsDecision() throws {
        var (s, zhou) = try market()
        let sun = User(name: "sun", displayName: "孙主任", role: .manager, pin: s.manager.pin)
        s.add(.userRegistered(sun), by: "li")
        s.inspect("A101", "2026-03-02", fails: [("PRI-1", .serious), ("PRI-2", .serious)], by: "li")
        let original = s.nextSequence - 1
        s.add(.ratingsPublished(RatingsPublished(year: 2026, date: date("2026-09-25"))), by: "li")
        let published = s.rate("A101", today: "2026-10-01").status
        let appeal = s.add(.appealFiled(AppealFiled(shop: "A101", year: 2026, reason: "PRI-2 当天已整改", date: date("2026-09-28"))), by: "gu")
        var fixed = inspection(s, original)
        fixed.outcomes = fixed.outcomes.map { $0.item == "PRI-2" ? ItemOutcome(item: "PRI-2", result: .pass) : $0 }
        let proposed = s.add(correction(original, .inspection(fixed), reason: "复核查明 PRI-2 合格"), by: "zhou")
        // Not yet seconded: a decision cannot apply it.
        let decision = EventBody.appealDecided(AppealDecided(target: appeal, outcome: .revised, reason: "复核查明 PRI-2 合格", date: date("2026-10-09"), applies: [proposed]))
        #expect(refusal(s, decision, by: sun, today: "2026-10-09")?.contains("尚未复核确认") == true)
        s.add(.withdrawalSeconded(WithdrawalSeconded(target: proposed)), by: "sun")
        let frozen = s.rate("A101", today: "2026-10-01")
        #expect(frozen.status == published)
        #expect(frozen.lines.contains { $0.zh.contains("更正在公示之后，本年度已公示的星级不变") })
        // Only a revised decision applies it, and only to this shop's records of the year.
        let upheld = EventBody.appealDecided(AppealDecided(target: appeal, outcome: .upheld, reason: "维持", date: date("2026-10-09"), applies: [proposed]))
        let third = User(name: "qian", displayName: "钱副主任", role: .manager, pin: s.manager.pin)
        s.add(.userRegistered(third), by: "li")
        #expect(refusal(s, upheld, by: third, today: "2026-10-09")?.contains("只有“更正评定”") == true)
        let elsewhere = EventBody.appealDecided(AppealDecided(target: appeal, outcome: .revised, reason: "x", date: date("2026-10-09"), applies: [original]))
        #expect(refusal(s, elsewhere, by: third, today: "2026-10-09")?.contains("不是对 A101 2026 年度记录的撤回或更正") == true)
        let good = EventBody.appealDecided(AppealDecided(target: appeal, outcome: .revised, reason: "复核查明 PRI-2 合格", date: date("2026-10-09"), applies: [proposed]))
        #expect(refusal(s, good, by: third, today: "2026-10-09") == nil)
        s.add(good, by: "qian")
        let revised = s.rate("A101", today: "2026-10-10")
        #expect(revised.status != published, "\(revised.lines.map(\.zh))")
        #expect(revised.lines.contains { $0.zh.contains("经复核决定在已公示的本年度生效") })
        #expect(revised.lines.contains { $0.sequence == proposed && $0.points == -5 } && !revised.lines.contains { $0.sequence == original && ($0.points ?? 0) < 0 })
        // Applied to 2026, the corrected inspection does not count again in 2027.
        s.inspect("A101", "2027-02-01", by: "li")
        #expect(!s.rate("A101", today: "2027-03-01").lines.contains { $0.sequence == proposed && ($0.points ?? 0) < 0 })
        _ = zhou
    }

    /// A correction of a kind that cannot be corrected is unreadable, not silently ignored (the
    /// four kinds that can are written and read back by PayloadLayoutTests).
    @Test func aCorrectionOfAnotherKindIsUnreadable() throws {
        let odd = Array(#"{"actor":"li","at":"2026-03-21T02:00:00Z","data":{"data":{},"reason":"x","target":1,"type":"user.registered"},"key":null,"type":"record.corrected","v":1}"#.utf8)
        #expect(EventCodec.unreadable(odd) != nil)
    }

    /// A complaint's latest step is taken back at once (it counts in no rating by itself); earlier
    /// steps only after the later ones, and a resolution only once its deduction is withdrawn.
    @Test func aComplaintsLatestStepIsWithdrawnAndStaysInItsHistory() throws {
        var (s, zhou) = try market()
        s.add(.complaintFiled(ComplaintFiled(receipt: "R1", shop: "A103", category: "quality", integrity: .quality, text: "镜片有划痕", amountFen: nil,
                                             wants: ["refund"], consumerName: nil, consumerPhone: nil, consentToContact: false, date: date("2026-03-01"))), by: "desk1")
        let accept = s.add(.complaintStep(ComplaintStep(receipt: "R1", action: .accept, date: date("2026-03-02"))), by: "li")
        let resolve = s.add(.complaintStep(ComplaintStep(receipt: "R1", action: .resolve(outcome: "退款", amountFen: nil, upheld: true), date: date("2026-03-03"))), by: "li")
        let deduction = s.add(.complaintDeductionConfirmed(ComplaintDeductionConfirmed(receipt: "R1", severity: .serious, date: date("2026-03-04"))), by: "zhou")
        func withdraw(_ target: UInt64, _ reason: String = "点错了") -> EventBody { .withdrawn(Withdrawal(target: target, reason: reason)) }
        #expect(refusal(s, withdraw(accept), by: s.manager, today: "2026-03-05")?.contains("只能从最后一步起逐步撤回") == true)
        #expect(refusal(s, withdraw(resolve), by: s.manager, today: "2026-03-05")?.contains("请先撤回扣分") == true)
        let desk = User(name: "desk1", displayName: "服务台", role: .kiosk, pin: s.manager.pin)
        #expect(refusal(s, withdraw(deduction), by: desk, today: "2026-03-05")?.contains("服务台") == true)
        // The deduction withdrawn (seconded), the resolution may go; at once, without a second.
        let off = s.add(withdraw(deduction, "应先核实"), by: "li")
        s.add(.withdrawalSeconded(WithdrawalSeconded(target: off)), by: "zhou")
        #expect(refusal(s, withdraw(resolve, " "), by: s.manager, today: "2026-03-05")?.contains("写明原因") == true)
        #expect(refusal(s, withdraw(resolve), by: s.manager, today: "2026-03-05") == nil)
        let taken = s.add(withdraw(resolve, "调解结果录错，应为继续调解"), by: "li")
        let state = s.state
        #expect(state.complaints["R1"]?.state == .accepted)
        #expect(state.complaints["R1"]?.history.map(\.sequence) == [accept - 1, accept])
        let withdrawn = state.withdrawnSteps(of: "R1")
        #expect(withdrawn.count == 1 && withdrawn.first?.step.sequence == resolve && withdrawn.first?.withdrawal.by == taken
                && withdrawn.first?.withdrawal.reason == "调解结果录错，应为继续调解")
        #expect(refusal(s, withdraw(resolve), by: zhou, today: "2026-03-05")?.contains("已撤回") == true)
        // Now the acceptance is the latest step; taken back, the case is as filed.
        s.add(withdraw(accept), by: "zhou")
        #expect(s.state.complaints["R1"]?.state == .filed && s.state.complaints["R1"]?.acceptedOn == nil && s.state.complaints["R1"]?.handler == nil)
        // The snapshot's state knows the withdrawn steps.
        let restored = try #require(MarketSnapshot.decode(try MarketSnapshot.encode(s.state)))
        #expect(restored.withdrawnSteps(of: "R1").map(\.step.sequence) == [resolve, accept])
        #expect(restored.complaints["R1"] == s.state.complaints["R1"])
    }

    /// A user's account is closed by another market manager, at once; never the last manager's.
    @Test func aUsersAccountIsClosedByAnotherManager() throws {
        var (s, zhou) = try market()
        let zhouRecord = s.nextSequence - 1
        let guRecord = try #require(s.state.userRecords.first { $0.value == "gu" }?.key)
        let liRecord = try #require(s.state.userRecords.first { $0.value == "li" }?.key)
        func close(_ target: UInt64) -> EventBody { .withdrawn(Withdrawal(target: target, reason: "调离")) }
        #expect(refusal(s, close(guRecord), by: s.secretary2, today: "2026-03-05")?.contains("只有市场管理方") == true)
        #expect(refusal(s, close(liRecord), by: s.manager, today: "2026-03-05")?.contains("不能停用自己的账户") == true)
        #expect(refusal(s, close(guRecord), by: s.manager, today: "2026-03-05") == nil)
        s.add(close(guRecord), by: "li")
        #expect(s.state.users["gu"] == nil && s.state.amendments[guRecord]?.kind == "withdrawn")
        // zhou closes li; then zhou is the last manager and nobody can close him.
        s.add(close(liRecord), by: "zhou")
        #expect(s.state.users["li"] == nil)
        let last = User(name: "li", displayName: "李主任", role: .manager, pin: s.manager.pin)
        #expect(refusal(s, close(zhouRecord), by: last, today: "2026-03-05") != nil)
        #expect(MarketSnapshot.decode(try MarketSnapshot.encode(s.state))?.users["gu"] == nil)
        _ = zhou
    }

    /// The shop's side takes back an undecided appeal or the reply shown, at once.
    @Test func anAppealOrAReplyIsWithdrawnByTheShopsSide() throws {
        var (s, zhou) = try market()
        s.inspect("A101", "2026-03-02", by: "li")
        s.add(.ratingsPublished(RatingsPublished(year: 2026, date: date("2026-09-25"))), by: "li")
        let appeal = s.add(.appealFiled(AppealFiled(shop: "A101", year: 2026, reason: "有异议", date: date("2026-09-28"))), by: "gu")
        let reply = s.add(.replyPublished(ReplyPublished(shop: "A101", year: 2026, text: "接受监督")), by: "gu")
        #expect(s.state.isUnderReview("A101", year: 2026))
        let takeBack = EventBody.withdrawn(Withdrawal(target: appeal, reason: "商户撤回复核申请"))
        #expect(refusal(s, takeBack, by: s.secretary2, today: "2026-09-29") != nil, "another branch's secretary")
        #expect(refusal(s, takeBack, by: s.secretary1, today: "2026-09-29") == nil)
        let withdrawal = s.add(takeBack, by: "gu")
        #expect(!s.state.isUnderReview("A101", year: 2026))
        #expect(s.state.appeals["A101"]?.first?.withdrawnIn == withdrawal)
        let decision = EventBody.appealDecided(AppealDecided(target: appeal, outcome: .upheld, reason: "维持", date: date("2026-09-30")))
        #expect(refusal(s, decision, by: zhou, today: "2026-09-30")?.contains("已撤回") == true)
        // A new appeal may be filed again within the window.
        #expect(refusal(s, .appealFiled(AppealFiled(shop: "A101", year: 2026, reason: "补充材料后再申请", date: date("2026-09-30"))), by: s.secretary1, today: "2026-09-30") == nil)
        s.add(.withdrawn(Withdrawal(target: reply, reason: "措辞不当，撤下")), by: "li")
        #expect(s.state.replies["A101"]?[2026] == nil)
        let restored = try #require(MarketSnapshot.decode(try MarketSnapshot.encode(s.state)))
        #expect(restored.appeals["A101"]?.first?.withdrawnIn == withdrawal && restored.replies["A101"]?[2026] == nil)
    }

    /// A wrong duplicate link is withdrawn (never overwritten), unless the duplicate's own
    /// deduction would start counting again.
    @Test func aDuplicateLinkIsWithdrawnNotOverwritten() throws {
        var (s, _) = try market()
        for receipt in ["R1", "R2", "R3"] {
            s.add(.complaintFiled(ComplaintFiled(receipt: receipt, shop: "A103", category: "quality", integrity: .quality, text: "镜片有划痕", amountFen: nil,
                                                 wants: ["refund"], consumerName: nil, consumerPhone: nil, consentToContact: false, date: date("2026-03-01"))), by: "desk1")
        }
        let link = s.add(.complaintLinked(ComplaintLinked(receipt: "R2", duplicateOf: "R1")), by: "li")
        #expect(refusal(s, .complaintLinked(ComplaintLinked(receipt: "R2", duplicateOf: "R3")), by: s.manager, today: "2026-03-05")?.contains("请先撤回原来的标记") == true)
        // A second link in the log anyway does not replace the first.
        s.add(.complaintLinked(ComplaintLinked(receipt: "R2", duplicateOf: "R3")), by: "li")
        #expect(s.state.complaints["R2"]?.duplicateOf == "R1")
        #expect(refusal(s, .withdrawn(Withdrawal(target: link, reason: "不是同一件事")), by: s.manager, today: "2026-03-05") == nil)
        s.add(.withdrawn(Withdrawal(target: link, reason: "不是同一件事")), by: "li")
        #expect(s.state.complaints["R2"]?.duplicateOf == nil)
        #expect(refusal(s, .complaintLinked(ComplaintLinked(receipt: "R2", duplicateOf: "R3")), by: s.manager, today: "2026-03-05") == nil)
        #expect(MarketSnapshot.decode(try MarketSnapshot.encode(s.state))?.complaints["R2"]?.duplicateOf == nil)
    }
}
