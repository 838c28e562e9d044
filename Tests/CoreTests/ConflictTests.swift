import Codec
import Reports
import Testing
@testable import Core

/// Issue 17, items 1 and 5: conflicts of interest and dates, in Core's one validation gate.
@Suite("Conflicts of interest and dates")
struct ConflictTests {
    func allPass(_ s: Scenario, shop: String, day: String, by user: String) -> EventBody {
        .inspectionRecorded(Inspection(shop: shop, date: date(day), inspector: user, checklistVersion: 1,
                                       outcomes: (s.state.checklist?.items ?? []).map { ItemOutcome(item: $0.id, result: .pass) }))
    }

    /// The roster names 顾逸飞 secretary of branch 1 and owner of A105: the branch-1 secretary's
    /// account is his, and A105 is his own shop.
    @Test func aSecretaryNeverActsOnTheShopHeOwns() throws {
        var s = try Scenario()
        #expect(s.state.person(of: s.secretary1) == "顾逸飞")
        #expect(s.state.owns(s.secretary1, shop: "A105") && !s.state.owns(s.secretary1, shop: "A101"))
        let own = refusal(s, allPass(s, shop: "A105", day: "2026-06-01", by: "gu"), by: s.secretary1, today: "2026-06-01")
        #expect(own?.contains("是 A105 的经营者，不能检查自己的店铺（利益冲突）") == true, "\(String(describing: own))")
        #expect(refusal(s, allPass(s, shop: "A101", day: "2026-06-01", by: "gu"), by: s.secretary1, today: "2026-06-01") == nil)
        let points = EventBody.contributionRecorded(ContributionRecorded(shop: "A105", kind: .service, points: 40, date: date("2026-06-01"), evidence: "义务验光"))
        #expect(refusal(s, points, by: s.secretary1, today: "2026-06-01")?.contains("利益冲突") == true)
        // Entered by someone else, approved by the owner: refused too.
        let entry = s.add(.contributionRecorded(ContributionRecorded(shop: "A105", kind: .service, points: 40, date: date("2026-06-01"), evidence: "义务验光")), by: "li")
        let owner = User(name: "gu2", displayName: "顾逸飞", role: .manager, pin: s.manager.pin, person: "顾逸飞")
        s.add(.userRegistered(owner), by: "li")
        #expect(refusal(s, .contributionApproved(ContributionApproved(target: entry)), by: owner, today: "2026-06-02")?.contains("利益冲突") == true)
        // A complaint about his shop: he neither handles it nor confirms its deduction nor links it.
        let complaint = s.add(.complaintFiled(ComplaintFiled(receipt: "R1", shop: "A105", category: "quality", integrity: .quality, text: "镜片有划痕", amountFen: nil,
                                             wants: ["refund"], consumerName: nil, consumerPhone: nil, consentToContact: false, date: date("2026-06-01"))), by: "desk1")
        let accept = EventBody.complaintStep(ComplaintStep(receipt: "R1", action: .accept, date: date("2026-06-02")))
        #expect(refusal(s, accept, by: s.secretary1, today: "2026-06-02")?.contains("不能处理针对自己的店铺") == true)
        #expect(refusal(s, accept, by: s.manager, today: "2026-06-02") == nil)
        let veto = EventBody.vetoConfirmed(VetoConfirmed(shop: "A105", kind: "counterfeit", date: date("2026-06-02"), reason: "查实销售假冒镜架", evidence: complaint))
        #expect(refusal(s, veto, by: owner, today: "2026-06-02")?.contains("利益冲突") == true)
        #expect(refusal(s, veto, by: s.manager, today: "2026-06-02") == nil)
    }

    /// An appeal is decided by nobody involved in the rating, and the refusal says how they were.
    @Test func anAppealIsDecidedByNobodyInvolved() throws {
        var s = try Scenario()
        let zhou = User(name: "zhou", displayName: "周副主任", role: .manager, pin: s.manager.pin)
        let qian = User(name: "qian", displayName: "钱副主任", role: .manager, pin: s.manager.pin)
        let sun = User(name: "sun", displayName: "孙主任", role: .manager, pin: s.manager.pin)
        for user in [zhou, qian, sun] { s.add(.userRegistered(user), by: "li") }
        s.inspect("A101", "2026-03-02", by: "li")
        let entry = s.add(.contributionRecorded(ContributionRecorded(shop: "A101", kind: .service, points: 10, date: date("2026-03-05"), evidence: "义务验光")), by: "gu")
        s.add(.contributionApproved(ContributionApproved(target: entry)), by: "zhou")
        s.add(.vetoConfirmed(VetoConfirmed(shop: "A101", kind: "counterfeit", date: date("2026-04-01"), reason: "查实")), by: "qian")
        s.add(.ratingsPublished(RatingsPublished(year: 2026, date: date("2026-09-25"))), by: "li")
        let appeal = s.add(.appealFiled(AppealFiled(shop: "A101", year: 2026, reason: "对否决有异议", date: date("2026-09-28"))), by: "gu")
        let decision = EventBody.appealDecided(AppealDecided(target: appeal, outcome: .revised, reason: "证据不足", date: date("2026-10-09")))
        #expect(refusal(s, decision, by: s.manager, today: "2026-10-09")?.contains("检查过该商户") == true)
        #expect(refusal(s, decision, by: zhou, today: "2026-10-09")?.contains("审批过该商户的贡献分") == true)
        #expect(refusal(s, decision, by: qian, today: "2026-10-09")?.contains("确认过该商户的一票否决") == true)
        #expect(refusal(s, decision, by: s.secretary1, today: "2026-10-09") != nil)
        #expect(refusal(s, decision, by: sun, today: "2026-10-09") == nil)
        // Not before the appeal, not ahead of today.
        let early = EventBody.appealDecided(AppealDecided(target: appeal, outcome: .upheld, reason: "维持", date: date("2026-09-27")))
        #expect(refusal(s, early, by: sun, today: "2026-10-09")?.contains("早于复核申请日期") == true)
        #expect(refusal(s, decision, by: sun, today: "2026-10-08")?.contains("晚于今天") == true)
        // The involvement holds in the state a snapshot gives back too.
        #expect(MarketSnapshot.decode(try MarketSnapshot.encode(s.state))?.involvement(in: "A101", year: 2026)["qian"] != nil)
    }

    @Test func datesAreNeitherAheadOfTodayNorLongPast() throws {
        var s = try Scenario()
        let tomorrow = refusal(s, allPass(s, shop: "A101", day: "2026-06-02", by: "gu"), by: s.secretary1, today: "2026-06-01")
        #expect(tomorrow?.contains("晚于今天（2026-06-01），不能预先登记") == true)
        let ancient = refusal(s, allPass(s, shop: "A101", day: "1990-01-01", by: "gu"), by: s.secretary1, today: "2026-06-01")
        #expect(ancient?.contains("早于 30 天前") == true, "\(String(describing: ancient))")
        #expect(refusal(s, allPass(s, shop: "A101", day: "2026-05-02", by: "gu"), by: s.secretary1, today: "2026-06-01") == nil)
        // One inspector, one shop, one day.
        s.inspect("A101", "2026-06-01", by: "gu")
        #expect(refusal(s, allPass(s, shop: "A101", day: "2026-06-01", by: "gu"), by: s.secretary1, today: "2026-06-01")?.contains("同一天不能再记一次") == true)
        // The public notice: not ahead of time, not years late, not before its year.
        func publish(_ year: Int, _ day: String, today: String) -> String? {
            refusal(s, .ratingsPublished(RatingsPublished(year: year, date: date(day))), by: s.manager, today: today)
        }
        #expect(publish(2027, "2027-01-10", today: "2026-12-06")?.contains("晚于今天") == true)
        #expect(publish(2025, "2025-03-01", today: "2026-12-06")?.contains("早于 30 天前") == true)
        #expect(publish(2027, "2026-12-06", today: "2026-12-06")?.contains("之前公示") == true)
        #expect(publish(2026, "2026-12-06", today: "2026-12-06") == nil)
        // A reply only to a published rating.
        let reply = EventBody.replyPublished(ReplyPublished(shop: "A101", year: 2027, text: "接受监督"))
        #expect(refusal(s, reply, by: s.manager, today: "2026-12-06")?.contains("2027 年度的星级尚未公示") == true)
    }

    @Test func appealsFollowTheNoticeWithinTheirWindowUnlessAManagerRecordsWhy() throws {
        var s = try Scenario()
        s.add(.ratingsPublished(RatingsPublished(year: 2026, date: date("2026-09-25"))), by: "li")
        func file(_ day: String, today: String, by user: User, late: String? = nil) -> String? {
            refusal(s, .appealFiled(AppealFiled(shop: "A101", year: 2026, reason: "理由", date: date(day), lateReason: late)), by: user, today: today)
        }
        #expect(file("2026-09-24", today: "2026-09-28", by: s.secretary1)?.contains("早于 2026 年度星级的公示日期") == true)
        #expect(file("2026-10-16", today: "2026-10-16", by: s.secretary1)?.contains("须在 10 个工作日内（截至 2026-10-15）申请") == true)
        // Dated back inside the window but entered after it closed: the window is over.
        #expect(file("2026-10-14", today: "2026-10-20", by: s.secretary1)?.contains("已过期限") == true)
        // A paper appeal received in time, entered late by a manager who says why.
        #expect(file("2026-10-14", today: "2026-10-20", by: s.secretary1, late: "纸面申请 10 月 14 日收到")?.contains("只能由市场管理方登记") == true)
        #expect(file("2026-10-14", today: "2026-10-20", by: s.manager, late: "纸面申请 10 月 14 日收到") == nil)
        #expect(file("2026-10-14", today: "2026-10-20", by: s.manager, late: "  ")?.contains("理由不能为空") == true)
        #expect(file("2026-10-16", today: "2026-10-20", by: s.manager, late: "迟交")?.contains("已过期限（截至 2026-10-15）") == true)
        #expect(file("2026-10-15", today: "2026-10-15", by: s.secretary1) == nil)
    }

    /// An appeal not decided within 15 working days is flagged on the reviews tab and in the
    /// monthly report.
    @Test func anAppealUndecidedPastFifteenWorkingDaysIsFlagged() throws {
        var s = try Scenario()
        s.add(.ratingsPublished(RatingsPublished(year: 2026, date: date("2026-09-25"))), by: "li")
        s.add(.appealFiled(AppealFiled(shop: "A101", year: 2026, reason: "理由", date: date("2026-09-28"))), by: "gu")
        let appeal = try #require(s.state.appeals["A101"]?.first)
        // 15 working days from Monday 28 September, across National Day and its 调休 days.
        let deadline = s.state.decisionDeadline(of: appeal)
        #expect(deadline == date("2026-10-23"), "\(deadline)")
        #expect(!s.state.isOverdue(appeal, on: deadline))
        #expect(s.state.isOverdue(appeal, on: date("2026-10-26")))
        #expect(s.state.overdueAppeals(on: date("2026-10-26")).map(\.filed.shop) == ["A101"])
        let report = MonthlyReport.render(s.state, month: try #require(ReportMonth("2026-10")), today: date("2026-10-30"), format: .md)
        #expect(report.contains("复核逾期未决") && report.contains("A101（应于 2026-10-23 前）"), "\(report)")
    }

    /// A vetoed shop's stars carry the mark wherever they are shown: the label every screen, the
    /// kiosk's board, the public notice and the exports use.
    @Test func aVetoIsMarkedWhereverTheStarsAreShown() throws {
        var s = try Scenario()
        s.inspect("A101", "2026-03-02")
        let veto = s.add(.vetoConfirmed(VetoConfirmed(shop: "A101", kind: "counterfeit", date: date("2026-04-01"), reason: "查实销售假冒镜架", evidence: 1)), by: "li")
        let zhou = User(name: "zhou", displayName: "周副主任", role: .manager, pin: s.manager.pin)
        s.add(.userRegistered(zhou), by: "li")
        s.add(.vetoSeconded(VetoSeconded(target: veto)), by: "zhou")
        let status = s.rate("A101").status
        #expect(status.label(.zh) == "★☆☆☆☆ 一票否决" && status.label(.en) == "★☆☆☆☆ veto")
        s.add(.ratingsPublished(RatingsPublished(year: 2026, date: date("2026-06-30"))), by: "li")
        let notice = PublicNotice.render(s.state, asOf: date("2026-06-30"), format: .md)
        #expect(notice.contains("★☆☆☆☆ 一票否决"), "\(notice)")
        let ordinary = s.rate("A102").status
        #expect(!ordinary.label(.zh).contains("一票否决"))
    }

    /// A veto: with its evidence, confirmed by one manager and seconded by another before it
    /// counts, and withdrawn only by a revised appeal decision.
    @Test func aVetoNeedsEvidenceTwoManagersAndFallsOnlyThroughAnAppeal() throws {
        var s = try Scenario()
        let zhou = User(name: "zhou", displayName: "周副主任", role: .manager, pin: s.manager.pin)
        let sun = User(name: "sun", displayName: "孙主任", role: .manager, pin: s.manager.pin)
        for user in [zhou, sun] { s.add(.userRegistered(user), by: "li") }
        s.inspect("A101", "2026-04-01", by: "li")
        let inspection = s.nextSequence - 1
        s.inspect("B101", "2026-04-01", by: "li")
        let elsewhere = s.nextSequence - 1
        func veto(_ evidence: UInt64?) -> EventBody {
            .vetoConfirmed(VetoConfirmed(shop: "A101", kind: "counterfeit", date: date("2026-04-02"), reason: "查实销售假冒镜架", evidence: evidence))
        }
        #expect(refusal(s, veto(nil), by: s.manager, today: "2026-04-02")?.contains("需要证据") == true)
        #expect(refusal(s, veto(elsewhere), by: s.manager, today: "2026-04-02")?.contains("不是对 A101 的检查或投诉") == true)
        #expect(refusal(s, veto(inspection), by: s.manager, today: "2026-04-02") == nil)
        let seq = s.add(veto(inspection), by: "li")
        #expect(s.rate("A101").status.label(.zh).contains("一票否决") == false, "not yet seconded")
        let second = EventBody.vetoSeconded(VetoSeconded(target: seq))
        #expect(refusal(s, second, by: s.manager, today: "2026-04-02")?.contains("须由另一位市场管理方复核确认") == true)
        #expect(refusal(s, second, by: s.secretary1, today: "2026-04-02") != nil)
        #expect(refusal(s, second, by: zhou, today: "2026-04-02") == nil)
        s.add(second, by: "zhou")
        #expect(s.rate("A101").status.label(.zh) == "★☆☆☆☆ 一票否决")
        #expect(refusal(s, second, by: sun, today: "2026-04-03")?.contains("已由 zhou 复核确认") == true)
        // The appeal: neither the confirmer nor the seconder decides; a revised decision withdraws it.
        s.add(.ratingsPublished(RatingsPublished(year: 2026, date: date("2026-09-25"))), by: "li")
        let appeal = s.add(.appealFiled(AppealFiled(shop: "A101", year: 2026, reason: "假货系他人寄售，已查清", date: date("2026-09-28"))), by: "gu")
        let decision = EventBody.appealDecided(AppealDecided(target: appeal, outcome: .revised, reason: "寄售人另案处理", date: date("2026-10-09"), withdrawsVeto: seq))
        #expect(refusal(s, decision, by: zhou, today: "2026-10-09")?.contains("复核确认过该商户的一票否决") == true)
        let upheldWithdrawing = EventBody.appealDecided(AppealDecided(target: appeal, outcome: .upheld, reason: "维持", date: date("2026-10-09"), withdrawsVeto: seq))
        #expect(refusal(s, upheldWithdrawing, by: sun, today: "2026-10-09")?.contains("只有“更正评定”的决定才能撤销一票否决") == true)
        #expect(refusal(s, decision, by: sun, today: "2026-10-09") == nil)
        s.add(decision, by: "sun")
        #expect(!s.rate("A101", today: "2026-10-09").status.label(.zh).contains("一票否决"))
    }

    /// Item 2: a published rating is frozen; what is recorded after the notice counts towards the
    /// next period (the case: points approved weeks after the 公示 lifted ★★ to ★★★★★).
    @Test func aPublishedRatingIsFrozenAndLaterRecordsCountNextYear() throws {
        var s = try Scenario()
        s.inspect("A101", "2026-03-02", fails: [("PRI-1", .serious)])
        let before = s.rate("A101", today: "2026-09-25").status
        s.add(.ratingsPublished(RatingsPublished(year: 2026, date: date("2026-09-25"))), by: "li")
        #expect(s.rate("A101", today: "2026-09-25").status == before)
        // Weeks after the notice: 40 points entered and approved, dated in 2026.
        let entry = s.add(.contributionRecorded(ContributionRecorded(shop: "A101", kind: .service, points: 40, date: date("2026-10-20"), evidence: "义务验光")), by: "gu")
        s.add(.contributionApproved(ContributionApproved(target: entry)), by: "li")
        let frozen = s.rate("A101", today: "2026-12-01")
        #expect(frozen.status == before, "the published rating does not move: \(frozen.status) vs \(before)")
        #expect(frozen.lines.contains { $0.zh.contains("已于 2026-09-25 公示，以公示时的记录为准") })
        #expect(!frozen.lines.contains { $0.sequence == entry + 1 })
        // They count towards 2027 instead.
        s.inspect("A101", "2027-02-01")
        let next = s.rate("A101", today: "2027-03-01")
        #expect(next.lines.contains { $0.sequence == entry + 1 && $0.points == 40 }, "\(next.lines.map(\.zh))")
    }

    /// Item 3: a record that counts in a rating is withdrawn — never erased — once a second person
    /// confirms it; the explanation shows the record and its withdrawal; after a notice the
    /// published rating stands.
    @Test func aRecordIsWithdrawnOnlyWithASecondAndStaysVisible() throws {
        var s = try Scenario()
        let zhou = User(name: "zhou", displayName: "周副主任", role: .manager, pin: s.manager.pin)
        s.add(.userRegistered(zhou), by: "li")
        s.inspect("A101", "2026-03-02", fails: [("PRI-1", .serious)], by: "li")
        let wrong = s.nextSequence - 1
        s.inspect("A101", "2026-03-20", by: "li")
        let withdraw = EventBody.withdrawn(Withdrawal(target: wrong, reason: "录错了店铺，应为 A102"))
        #expect(refusal(s, .withdrawn(Withdrawal(target: wrong, reason: "  ")), by: s.manager, today: "2026-03-21")?.contains("写明原因") == true)
        #expect(refusal(s, withdraw, by: s.secretary2, today: "2026-03-21") != nil, "another branch's secretary")
        #expect(refusal(s, .withdrawn(Withdrawal(target: 3, reason: "x")), by: s.manager, today: "2026-03-21")?.contains("不是计入星级") == true)
        #expect(refusal(s, withdraw, by: s.manager, today: "2026-03-21") == nil)
        let before = s.rate("A101", today: "2026-03-21")
        let proposal = s.add(withdraw, by: "li")
        // Not yet seconded: nothing changes but a line saying the withdrawal waits.
        let waiting = s.rate("A101", today: "2026-03-21")
        #expect(waiting.status == before.status && waiting.lines.filter { $0.sequence != proposal } == before.lines)
        #expect(waiting.lines.contains { $0.sequence == proposal && $0.zh.contains("等待另一人复核确认；确认前原记录照常计分") })
        let second = EventBody.withdrawalSeconded(WithdrawalSeconded(target: proposal))
        #expect(refusal(s, second, by: s.manager, today: "2026-03-21")?.contains("须由另一人复核确认") == true)
        #expect(refusal(s, withdraw, by: zhou, today: "2026-03-21")?.contains("已有撤回申请") == true)
        #expect(refusal(s, second, by: zhou, today: "2026-03-21") == nil)
        s.add(second, by: "zhou")
        let after = s.rate("A101", today: "2026-03-21")
        #expect(!after.lines.contains { $0.sequence == wrong && ($0.points ?? 0) < 0 }, "its deduction is gone")
        #expect(after.lines.contains { $0.zh.contains("记录 #\(wrong) 已撤回（li 提出、zhou 复核确认：录错了店铺，应为 A102），不计分") })
        #expect(s.state.rectifications(of: "A101").isEmpty, "a withdrawn inspection opens no rectification")
        #expect(refusal(s, withdraw, by: zhou, today: "2026-03-22")?.contains("已撤回") == true)
        // The state a snapshot gives back knows it too.
        #expect(MarketSnapshot.decode(try MarketSnapshot.encode(s.state))?.withdrawal(of: wrong) != nil)

        // After a notice, a withdrawal does not move the published rating.
        var t = try Scenario()
        t.add(.userRegistered(zhou), by: "li")
        t.inspect("A101", "2026-03-02", fails: [("PRI-1", .serious)], by: "li")
        let counted = t.nextSequence - 1
        t.add(.ratingsPublished(RatingsPublished(year: 2026, date: date("2026-09-25"))), by: "li")
        let published = t.rate("A101", today: "2026-10-01").status
        let late = t.add(.withdrawn(Withdrawal(target: counted, reason: "复查发现记录有误")), by: "li")
        t.add(.withdrawalSeconded(WithdrawalSeconded(target: late)), by: "zhou")
        let frozen = t.rate("A101", today: "2026-10-01")
        #expect(frozen.status == published)
        #expect(frozen.lines.contains { $0.zh.contains("撤回在公示之后，本年度已公示的星级不变") })
    }

}
