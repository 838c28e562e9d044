import Testing
@testable import App
import Core
import Terminal

/// A manager logged in on the demo market, at the given size.
private func managerModel(_ market: MarketState, _ width: Int = 80, _ height: Int = 24, as name: String = "zhuren") throws -> DashboardModel {
    var m = DashboardModel(language: .zh, dataDirectory: "/srv/chengxin", market: market, size: Size(width: width, height: height), today: SimpleDate(iso: "2026-11-26")!)
    m.logSummary = "日志 652 条 · 链头 0123456789ab"
    _ = Dashboard.update(&m, .authenticated(try #require(market.users[name])))
    _ = Dashboard.update(&m, .key(.escape))
    return m
}

private func type(_ text: String, into m: inout DashboardModel) {
    for c in text { _ = Dashboard.update(&m, .key(.character(c))) }
}

/// Enter on a form: nothing is recorded until the question showing what will be recorded (each
/// of `shows` among its lines) is answered y; the effects of that answer.
func submitAndConfirm(_ m: inout DashboardModel, key: Key = .enter, shows: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) -> [DashboardEffect] {
    #expect(Dashboard.update(&m, .key(key)).isEmpty, "nothing is recorded before the question is answered", sourceLocation: sourceLocation)
    let screen = Dashboard.view(m).text
    #expect(m.confirmation != nil && screen.contains("确认记录"), "the question: \(screen)", sourceLocation: sourceLocation)
    for line in shows { #expect(screen.contains(line), "the question shows \(line): \(screen)", sourceLocation: sourceLocation) }
    return Dashboard.update(&m, .key(.character("y")))
}

@Suite("Every screen at 80×24 and 120×40")
struct EveryScreenGoldenTests {
    @Test func everyScreenAtBothSizes() throws {
        let market = try demoMarket()
        let shop = "D104"
        let complaint = try #require(market.complaintQueue(today: SimpleDate(iso: "2026-11-26")!).first).filed.receipt
        for (width, height) in [(80, 24), (120, 40)] {
            let size = "\(width)x\(height)"
            // First run and login.
            try assertGolden(Dashboard.view(model(nil, width, height)), "demo-first-run-\(size)")
            var login = DashboardModel(language: .zh, dataDirectory: "/srv/chengxin", market: market, size: Size(width: width, height: height), today: SimpleDate(iso: "2026-11-26")!)
            try assertGolden(Dashboard.view(login), "demo-login-\(size)")
            login.user = nil
            var m = try managerModel(market, width, height)
            // The merchants table filtered by an integrity's problems.
            _ = Dashboard.update(&m, .key(.character("c")))
            try assertGolden(Dashboard.view(m), "merchants-consumer-problems-\(size)")
            _ = Dashboard.update(&m, .key(.character("c")))
            _ = Dashboard.update(&m, .key(.character("c")))
            _ = Dashboard.update(&m, .key(.character("c")))
            _ = Dashboard.update(&m, .key(.character("c")))
            #expect(m.integrityFilter == nil, "c cycles back to all")
            // A shop with deductions, points and an appeal, at the top and scrolled to its records.
            m.openShop = shop
            try assertGolden(Dashboard.view(m), "demo-shop-\(size)")
            for _ in 0..<(height - 4) { _ = Dashboard.update(&m, .key(.character("j"))) }
            try assertGolden(Dashboard.view(m), "demo-shop-records-\(size)")
            // The points form over it.
            _ = Dashboard.update(&m, .key(.character("p")))
            try assertGolden(Dashboard.view(m), "entry-points-\(size)")
            _ = Dashboard.update(&m, .key(.escape))
            // The inspection form.
            _ = Dashboard.update(&m, .key(.character("i")))
            _ = Dashboard.update(&m, .key(.character("3")))
            try assertGolden(Dashboard.view(m), "demo-inspection-\(size)")
            // Esc asks before the marked item is thrown away.
            _ = Dashboard.update(&m, .key(.escape))
            try assertGolden(Dashboard.view(m), "demo-inspection-discard-\(size)")
            _ = Dashboard.update(&m, .key(.character("y")))
            #expect(m.inspectionForm == nil)
            _ = Dashboard.update(&m, .key(.escape))
            // A complaint case, with the action list open.
            _ = Dashboard.update(&m, .key(.character("4")))
            m.openComplaint = complaint
            try assertGolden(Dashboard.view(m), "complaint-\(size)")
            _ = Dashboard.update(&m, .key(.character("a")))
            try assertGolden(Dashboard.view(m), "complaint-actions-\(size)")
            // The first step chosen: the question showing what it records.
            _ = Dashboard.update(&m, .key(.enter))
            try assertGolden(Dashboard.view(m), "complaint-confirm-\(size)")
            _ = Dashboard.update(&m, .key(.character("n")))
            _ = Dashboard.update(&m, .key(.escape))
            _ = Dashboard.update(&m, .key(.escape))
            // Audit, with rows as the program loads them.
            let effects = Dashboard.update(&m, .key(.character("5")))
            #expect(effects == [.loadAudit])
            var rows: [AuditRow] = []
            for i in 0..<30 {
                let step = i % 3 == 0
                let actor = i % 2 == 0 ? "zhuren" : "shuji4"
                let at = "2026-11-26T0\(i % 10):00:00Z"
                rows.append(AuditRow(sequence: UInt64(652 - i), at: at, actor: actor, type: step ? "complaint.step" : "inspection.recorded", subject: step ? complaint : shop))
            }
            _ = Dashboard.update(&m, .auditLoaded(rows, chain: "完好，652 条，链头 0123456789abcdef"))
            try assertGolden(Dashboard.view(m), "audit-\(size)")
            // Inspections and reviews.
            _ = Dashboard.update(&m, .key(.character("6")))
            try assertGolden(Dashboard.view(m), "inspections-\(size)")
            _ = Dashboard.update(&m, .key(.character("7")))
            try assertGolden(Dashboard.view(m), "reviews-\(size)")
            _ = Dashboard.update(&m, .key(.character("G")))
            for _ in 0..<20 { _ = Dashboard.update(&m, .key(.character("j"))) }
            _ = Dashboard.update(&m, .key(.enter))
            try assertGolden(Dashboard.view(m), "entry-decide-appeal-\(size)")
        }
    }
}

@Suite("Points, replies and appeals in the dashboard")
struct PointsAndAppealsTests {
    @Test func pointsAreEnteredWithEvidenceAndRefusedWhenWrong() throws {
        let market = try demoMarket()
        var m = try managerModel(market, as: "shuji1")
        m.openShop = "A101"
        _ = Dashboard.update(&m, .key(.character("p")))
        #expect(Dashboard.view(m).text.contains("登记贡献分"))
        // The points are typed at once (the focus is on them); kind: 比服务 (Shift-Tab, →);
        // points "abc": refused in the form with the reason, nothing recorded.
        type("abc", into: &m)
        _ = Dashboard.update(&m, .key(.backTab))
        _ = Dashboard.update(&m, .key(.right))
        _ = Dashboard.update(&m, .key(.tab))
        _ = Dashboard.update(&m, .key(.tab))
        type("义务验光", into: &m)
        var effects = Dashboard.update(&m, .key(.enter))
        #expect(effects.isEmpty)
        #expect(Dashboard.view(m).text.contains("分值应为整数，现为“abc”"))
        // 50 points: the domain's own rule refuses it, still in the form.
        _ = Dashboard.update(&m, .key(.backTab))
        for _ in 0..<3 { _ = Dashboard.update(&m, .key(.backspace)) }
        type("50", into: &m)
        effects = Dashboard.update(&m, .key(.enter))
        #expect(effects.isEmpty)
        #expect(Dashboard.view(m).text.contains("贡献分应为 1 到 40 之间的整数"))
        _ = Dashboard.update(&m, .key(.backspace))
        effects = submitAndConfirm(&m, shows: ["分值（1–40）：5", "依据：义务验光", "A101"])
        guard case .record(.contributionRecorded(let entry), let by)? = effects.first else {
            Issue.record("Enter records the points")
            return
        }
        #expect(entry.shop == "A101" && entry.kind == .service && entry.points == 5 && entry.evidence == "义务验光" && entry.date == m.today)
        #expect(by.name == "shuji1" && m.entry == nil)
    }

    @Test func aSecretaryCannotEnterPointsForAnotherBranch() throws {
        var m = try managerModel(try demoMarket(), as: "shuji2")
        m.openShop = "A101"
        _ = Dashboard.update(&m, .key(.character("p")))
        #expect(m.entry == nil)
        #expect(Dashboard.view(m).rowText(23).contains("第 1 支部"))
    }

    @Test func approvalNeedsASecondPersonAndAppealsAnUninvolvedOne() throws {
        let market = try demoMarket()
        // The secretary who entered the points cannot approve them.
        var own = try managerModel(market, as: "shuji5")
        _ = Dashboard.update(&own, .key(.character("7")))
        let first = try #require(WorkScreens.reviews(own).first)
        #expect(first.kind == .points && first.by == "shuji5")
        _ = Dashboard.update(&own, .key(.enter))
        #expect(Dashboard.update(&own, .key(.enter)).isEmpty)
        #expect(Dashboard.view(own).text.contains("须由登记人以外的人审批"))
        // The manager approves them.
        var m = try managerModel(market)
        _ = Dashboard.update(&m, .key(.character("7")))
        // Enter asks at once, showing the entry; n goes back to the list with nothing recorded.
        #expect(submitAndConfirm(&m, shows: ["审批贡献分", "登记人 shuji5"]) == [.record(.contributionApproved(ContributionApproved(target: first.sequence)), by: try #require(market.users["zhuren"]))])
        _ = Dashboard.update(&m, .key(.enter))
        #expect(Dashboard.update(&m, .key(.character("n"))).isEmpty && m.confirmation == nil && m.entry == nil)
        // The appeal: shuji4 inspected the shop and may not decide; the manager decides with a reason.
        let appeal = try #require(WorkScreens.reviews(m).last)
        #expect(appeal.kind == .appeal)
        m.reviewPosition = ListPosition(selected: WorkScreens.reviews(m).count - 1)
        _ = Dashboard.update(&m, .key(.enter))
        #expect(Dashboard.view(m).text.contains("复核决定"))
        #expect(Dashboard.update(&m, .key(.enter)).isEmpty, "a decision needs a reason")
        #expect(Dashboard.view(m).text.contains("必填"))
        // The refusal focused the reason; back to the outcome, choose 更正评定, then the reason.
        _ = Dashboard.update(&m, .key(.backTab))
        _ = Dashboard.update(&m, .key(.right))
        _ = Dashboard.update(&m, .key(.tab))
        type("扣分依据不足，更正", into: &m)
        let effects = submitAndConfirm(&m, shows: ["决定：更正评定", "说明：扣分依据不足，更正"])
        guard case .record(.appealDecided(let decision), _)? = effects.first else {
            Issue.record("the decision is recorded: \(Dashboard.view(m).text)")
            return
        }
        #expect(decision.target == appeal.sequence && decision.outcome == .revised && decision.reason == "扣分依据不足，更正")
    }

    /// Issue 17, item 3: a withdrawal proposed on the shop page (w) waits in the reviews tab, where
    /// someone other than its proposer sees the original record and seconds it.
    @Test func aWithdrawalIsProposedOnTheShopPageAndSecondedInTheReviewsTab() throws {
        var market = try demoMarket()
        let inspection = try #require(market.inspections["A101"]?.last?.sequence)
        var m = try managerModel(market)
        m.openShop = "A101"
        #expect(ShopScreen.lines(m).contains { $0.text.contains("#\(inspection)") })
        _ = Dashboard.update(&m, .key(.character("w")))
        #expect(Dashboard.view(m).text.contains("撤回记录"))
        type("abc", into: &m)
        _ = Dashboard.update(&m, .key(.tab))
        type("录错了店铺", into: &m)
        #expect(Dashboard.update(&m, .key(.enter)).isEmpty)
        #expect(Dashboard.view(m).text.contains("记录号应为数字"))
        _ = Dashboard.update(&m, .key(.backTab))
        for _ in 0..<3 { _ = Dashboard.update(&m, .key(.backspace)) }
        type(String(inspection), into: &m)
        let zhuren = try #require(market.users["zhuren"])
        let withdrawal = Withdrawal(target: inspection, reason: "录错了店铺")
        #expect(submitAndConfirm(&m, shows: ["记录号：\(inspection)"]) == [.record(.withdrawn(withdrawal), by: zhuren)])
        // Recorded: the shop page marks the record, the reviews tab lists the proposal.
        let proposal = UInt64(market.eventCount + 1)
        market.apply(Event(actor: "zhuren", at: "2026-11-26T02:00:00Z", key: "withdraw:t", body: .withdrawn(withdrawal)), sequence: proposal)
        var own = try managerModel(market)
        own.openShop = "A101"
        #expect(ShopScreen.lines(own).contains { $0.text.contains("#\(inspection)") && $0.text.contains("〔撤回 #\(proposal) 待复核〕") })
        own.openShop = nil
        _ = Dashboard.update(&own, .key(.character("7")))
        let reviews = WorkScreens.reviews(own)
        let index = try #require(reviews.firstIndex { $0.kind == .amendment })
        #expect(reviews[index].sequence == proposal && reviews[index].shop == "A101")
        own.reviewPosition = ListPosition(selected: index)
        #expect(Dashboard.update(&own, .key(.enter)).isEmpty, "the proposer cannot second it")
        #expect(own.confirmation == nil, "refused before anything is asked")
        #expect(Dashboard.view(own).text.contains("须由另一人复核确认"))
        var other = try managerModel(market, 120, 40, as: "fuzhuren")
        _ = Dashboard.update(&other, .key(.character("7")))
        other.reviewPosition = ListPosition(selected: index)
        #expect(submitAndConfirm(&other, shows: ["复核确认撤回", "原记录：检查", "原因：录错了店铺"])
                == [.record(.withdrawalSeconded(WithdrawalSeconded(target: proposal)), by: try #require(market.users["fuzhuren"]))])
    }

    @Test func aReplyIsRecordedForTheLatestPublishedRatings() throws {
        let market = try demoMarket()
        var m = try managerModel(market)
        m.openShop = "D104"
        _ = Dashboard.update(&m, .key(.character("r")))
        let year = market.ratingsPublished.keys.max() ?? 2026
        #expect(Dashboard.view(m).text.contains("商户回应（\(year) 年度星级）"))
        type("已整改，欢迎监督", into: &m)
        let effects = submitAndConfirm(&m, shows: ["回应：已整改，欢迎监督"])
        #expect(effects == [.record(.replyPublished(ReplyPublished(shop: "D104", year: year, text: "已整改，欢迎监督")), by: try #require(market.users["zhuren"]))])
    }
}

@Suite("Inspections tab and the integrity filter")
struct InspectionsTabTests {
    @Test func openRectificationsFirstAndEnterOpensTheShop() throws {
        let market = try demoMarket()
        var m = try managerModel(market)
        _ = Dashboard.update(&m, .key(.character("6")))
        let all = WorkScreens.inspections(m)
        #expect(all.count == market.inspections.count)
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.date >= $1.date }, "newest first")
        _ = Dashboard.update(&m, .key(.character("o")))
        let open = WorkScreens.inspections(m)
        #expect(!open.isEmpty && open.allSatisfy { $0.open > 0 })
        #expect(Dashboard.view(m).rowText(3).contains(open[0].shop))
        _ = Dashboard.update(&m, .key(.enter))
        #expect(m.screen == .shop && m.openShop == open[0].shop)
        // A secretary sees only their branch's inspections.
        var secretary = try managerModel(market, as: "shuji4")
        _ = Dashboard.update(&secretary, .key(.character("6")))
        #expect(WorkScreens.inspections(secretary).allSatisfy { $0.branch == 4 })
    }

    @Test func theIntegrityFilterShowsShopsWithProblemsThere() throws {
        let market = try demoMarket()
        var m = try managerModel(market)
        _ = Dashboard.update(&m, .key(.character("c")))
        #expect(m.integrityFilter == .consumer)
        let today = m.today
        let withOpenConsumerComplaints = Set(market.complaints.values.filter { $0.state.isOpen && $0.filed.integrity == .consumer }.compactMap(\.filed.shop))
        let shown = Set(m.shownMerchants.map(\.shopNumber))
        #expect(!shown.isEmpty && withOpenConsumerComplaints.isSubset(of: shown))
        for merchant in m.shownMerchants {
            let result = RatingEngine.rate(merchant, in: market, year: today.year, today: today)
            let rectifying = result.rectifications.contains { r in
                r.closedOn == nil && market.checklist?.items.first { $0.id == r.item }?.category == .consumer
            }
            #expect((result.deductionsByIntegrity[.consumer] ?? 0) > 0 || withOpenConsumerComplaints.contains(merchant.shopNumber) || rectifying,
                    "\(merchant.shopNumber) has no consumer-integrity problem")
        }
        #expect(Dashboard.view(m).rowText(23).contains("消费诚信有问题"))
    }
}

@Suite("Complaint actions through forms")
struct ComplaintFormTests {
    /// Issue 17, item 3: a case's latest step is taken back from the action menu, with a reason,
    /// and stays in the case's history marked withdrawn.
    @Test func theLatestStepIsWithdrawnFromTheActionMenu() throws {
        var market = try demoMarket()
        let accepted = try #require(market.complaints.values.first { $0.state == .accepted && $0.filed.shop != nil })
        let step = try #require(accepted.history.last?.sequence)
        var m = try managerModel(market, 120, 40)
        _ = Dashboard.update(&m, .key(.character("4")))
        m.openComplaint = accepted.filed.receipt
        _ = Dashboard.update(&m, .key(.character("a")))
        let names = try #require(m.complaintFlow).list.options
        let index = try #require(names.firstIndex(of: "撤回最后一步（#\(step)）"), "\(names)")
        for _ in 0..<index { _ = Dashboard.update(&m, .key(.down)) }
        _ = Dashboard.update(&m, .key(.enter))
        #expect(Dashboard.view(m).text.contains("撤回最后一步"))
        #expect(Dashboard.update(&m, .key(.enter)).isEmpty, "a reason is needed")
        type("受理录错了投诉", into: &m)
        let withdrawal = Withdrawal(target: step, reason: "受理录错了投诉")
        #expect(submitAndConfirm(&m, shows: ["原因：受理录错了投诉"]) == [.record(.withdrawn(withdrawal), by: try #require(market.users["zhuren"]))])
        let sequence = UInt64(market.eventCount + 1)
        market.apply(Event(actor: "zhuren", at: "2026-11-26T02:00:00Z", key: "withdraw:s", body: .withdrawn(withdrawal)), sequence: sequence)
        var after = try managerModel(market, 120, 40)
        _ = Dashboard.update(&after, .key(.character("4")))
        after.openComplaint = accepted.filed.receipt
        let screen = Dashboard.view(after).text
        #expect(screen.contains("〔已撤回〕") && screen.contains("#\(step)（zhuren 撤回 #\(sequence)：受理录错了投诉）"), "\(screen)")
        #expect(market.complaints[accepted.filed.receipt]?.state == .filed)
    }

    /// Issue 20, item 5: the shop page carries the shop's 满意率 of the year, Core's figure, with its definition.
    @Test func theShopPageShowsTheShopsSatisfactionRate() throws {
        let market = try demoMarket()
        var m = try managerModel(market, 120, 40)
        let tally = market.satisfaction(yearOf: m.today)
        let shop = try #require(market.merchants.first { tally.shop($0.shopNumber).followUps > 0 })
        let rate = tally.shop(shop.shopNumber)
        m.openShop = shop.shopNumber
        let lines = ShopScreen.computeLines(m).map(\.text)
        let expected = "【投诉】 本年满意率 \(OverviewScreens.percent(rate.rate))  满意率 = 满意与基本满意的回访 ÷ 全部回访（\(rate.followUps) 件）"
        #expect(lines.contains(expected), "\(lines)")
    }

    /// Issue 20, item 5: a rejected case can be followed up (it counts in 满意率), from the menu.
    @Test func aRejectedCaseIsFollowedUpFromTheActionMenu() throws {
        let market = try demoMarket()
        let rejected = try #require(market.complaints.values.first { $0.state == .rejected && $0.filed.shop != nil })
        var m = try managerModel(market, 120, 40)
        _ = Dashboard.update(&m, .key(.character("4")))
        m.openComplaint = rejected.filed.receipt
        _ = Dashboard.update(&m, .key(.character("a")))
        let names = try #require(m.complaintFlow).list.options
        #expect(names.first == "回访", "\(names)")
        _ = Dashboard.update(&m, .key(.enter))
        #expect(Dashboard.view(m).text.contains("消费者是否满意"))
        _ = Dashboard.update(&m, .key(.down))
        let effects = submitAndConfirm(&m, shows: ["基本满意"])
        let recorded = effects.contains { effect in
            if case .record(.complaintStep(let step), _) = effect { return step.receipt == rejected.filed.receipt && step.action == .followUp(satisfaction: .partly) }
            return false
        }
        #expect(recorded, "\(effects)")
    }

    @Test func resolveWithAnAmountLinkAndConfirmTheDeduction() throws {
        let market = try demoMarket()
        var m = try managerModel(market)
        let today = m.today
        // A case that can be resolved now.
        let resolvable = try #require(market.complaints.values.first { ComplaintAction.resolve(outcome: "x", amountFen: nil, upheld: true).next(from: $0.state) != nil })
        _ = Dashboard.update(&m, .key(.character("4")))
        m.openComplaint = resolvable.filed.receipt
        _ = Dashboard.update(&m, .key(.character("a")))
        let names = try #require(m.complaintFlow).list.options
        let resolveIndex = try #require(names.firstIndex(of: "调解解决"))
        for _ in 0..<resolveIndex { _ = Dashboard.update(&m, .key(.down)) }
        _ = Dashboard.update(&m, .key(.enter))
        #expect(Dashboard.view(m).text.contains("调解结果"))
        type("退款并道歉", into: &m)
        _ = Dashboard.update(&m, .key(.tab))
        type("680.5", into: &m)
        // Whether it was found true has no default: Enter asks for it, and nothing is recorded.
        var effects = Dashboard.update(&m, .key(.enter))
        #expect(effects.isEmpty)
        let asked = Dashboard.view(m).text
        #expect(asked.contains("是否属实") && asked.contains("必填"))
        _ = Dashboard.update(&m, .key(.right))
        _ = Dashboard.update(&m, .key(.right))
        effects = submitAndConfirm(&m, shows: ["结果：退款并道歉", "金额（元，可空）：680.5", "是否属实：不属实"])
        #expect(effects == [.record(.complaintStep(ComplaintStep(receipt: resolvable.filed.receipt, action: .resolve(outcome: "退款并道歉", amountFen: 68050, upheld: false), date: today)), by: try #require(market.users["zhuren"]))])
        // Mark a duplicate: a wrong receipt is refused in the form.
        _ = Dashboard.update(&m, .key(.character("a")))
        let linkIndex = try #require(m.complaintFlow?.list.options.firstIndex(of: "标为重复投诉"))
        for _ in 0..<linkIndex { _ = Dashboard.update(&m, .key(.down)) }
        _ = Dashboard.update(&m, .key(.enter))
        type("XXXX-0000", into: &m)
        effects = Dashboard.update(&m, .key(.enter))
        #expect(effects.isEmpty && Dashboard.view(m).text.contains("没有受理编号为 XXXX-0000 的投诉"))
        // Esc on a form with something typed asks first; n keeps it, y throws it away.
        _ = Dashboard.update(&m, .key(.escape))
        #expect(m.entry != nil && Dashboard.view(m).text.contains("放弃填写的内容？") && Dashboard.view(m).text.contains("原投诉编号：XXXX-0000"))
        _ = Dashboard.update(&m, .key(.escape))
        #expect(m.confirmation == nil && m.entry?.form.fields.first?.value == "XXXX-0000", "Esc on the question keeps the form")
        _ = Dashboard.update(&m, .key(.escape))
        _ = Dashboard.update(&m, .key(.character("y")))
        #expect(m.entry == nil && m.confirmation == nil)
        // A case resolved as not upheld (不属实) offers no deduction; its history says 不属实.
        let notUpheld = try #require(market.complaints.values.first { c in c.filed.shop != nil && c.resolution != nil && !c.isUpheld },
                                     "the demo has a complaint resolved as not upheld")
        m.openComplaint = notUpheld.filed.receipt
        #expect(Dashboard.view(m).text.contains("调解解决（不属实）"))
        _ = Dashboard.update(&m, .key(.character("a")))
        #expect(m.complaintFlow.map { !$0.list.options.contains("确认扣分") } ?? true)
        m.complaintFlow = nil
        // A case resolved as upheld offers the deduction.
        if let upheld = market.complaints.values.first(where: { c in
            c.filed.shop != nil && market.complaintDeductions[c.filed.receipt] == nil && c.isUpheld
        }) {
            m.openComplaint = upheld.filed.receipt
            _ = Dashboard.update(&m, .key(.character("a")))
            let index = try #require(m.complaintFlow?.list.options.firstIndex(of: "确认扣分"))
            for _ in 0..<index { _ = Dashboard.update(&m, .key(.down)) }
            _ = Dashboard.update(&m, .key(.enter))
            _ = Dashboard.update(&m, .key(.right))
            effects = submitAndConfirm(&m, shows: ["程度：严重"])
            #expect(effects == [.record(.complaintDeductionConfirmed(ComplaintDeductionConfirmed(receipt: upheld.filed.receipt, severity: .serious, date: today)), by: try #require(market.users["zhuren"]))])
        } else {
            Issue.record("the demo has a resolved complaint without a confirmed deduction")
        }
    }
}

@Suite("The complaint search while typing")
struct ComplaintSearchWhileTypingTests {
    /// Each character narrows what the shorter query found, and Backspace shows what that query
    /// showed: always the same list as a search from scratch.
    @Test func narrowingAndTakingBackFindWhatAFreshSearchFinds() throws {
        let market = try demoMarket()
        var m = try managerModel(market)
        _ = Dashboard.update(&m, .key(.character("4")))
        let receipt = try #require(market.complaints.values.first?.filed.receipt)
        _ = Dashboard.update(&m, .key(.character("/")))
        var typed = ""
        func same() -> Bool {
            // An empty query is the queue itself, not a search.
            m.complaintQuery.isEmpty || Dashboard.queue(m).map(\.filed.receipt) == ComplaintSearch.find(m.complaintQuery, in: m).map(\.filed.receipt)
        }
        for c in "A1" + receipt.prefix(4) {
            typed.append(c)
            _ = Dashboard.update(&m, .key(.character(c)))
            #expect(same(), "after typing \(typed)")
        }
        for _ in 0..<6 {
            _ = Dashboard.update(&m, .key(.backspace))
            #expect(same(), "after a Backspace (\(m.complaintQuery))")
        }
        for c in receipt.prefix(6) {
            _ = Dashboard.update(&m, .key(.character(c)))
            #expect(same(), "after typing \(m.complaintQuery)")
        }
        #expect(Dashboard.queue(m).first?.filed.receipt == receipt)
    }
}

@Suite("Overview figures lead to their lists")
struct OverviewLinkTests {
    @Test func starsBranchesAndComplaintFiguresOpenTheirLists() throws {
        let market = try demoMarket()
        var m = try managerModel(market)
        _ = Dashboard.update(&m, .key(.character("1")))
        // Third figure: 3 stars.
        _ = Dashboard.update(&m, .key(.character("j")))
        _ = Dashboard.update(&m, .key(.character("j")))
        let overview = Dashboard.view(m)
        #expect(overview[1, 5].style.reverse, "the selected figure is highlighted")
        _ = Dashboard.update(&m, .key(.enter))
        #expect(m.screen == .merchants && m.starFilter == 3)
        let threeStars = market.merchants.filter { market.rating(of: $0, today: m.today).stars == 3 }.map(\.shopNumber)
        #expect(m.shownMerchants.map(\.shopNumber).sorted() == threeStars.sorted())
        // The overdue figure: only overdue open cases; Esc goes back to the whole queue.
        _ = Dashboard.update(&m, .key(.character("1")))
        m.overviewCursor = OverviewLink.all(market).firstIndex(of: .overdue) ?? 0
        _ = Dashboard.update(&m, .key(.enter))
        #expect(m.screen == .complaints && m.complaintFilter == .overdue)
        let rules = try #require(market.rules(on: m.today)?.value)
        let overdue = Dashboard.queue(m)
        #expect(!overdue.isEmpty && overdue.allSatisfy { $0.isOverdue(today: m.today, rules: rules, calendar: market.calendar) })
        #expect(Dashboard.view(m).rowText(23).contains("筛选：逾期投诉（\(overdue.count) 件）"))
        _ = Dashboard.update(&m, .key(.escape))
        #expect(m.complaintFilter == nil && Dashboard.queue(m).count == market.complaintQueue(today: m.today).count)
        // A branch's coverage: its shops, the longest uninspected first.
        _ = Dashboard.update(&m, .key(.character("1")))
        m.overviewCursor = OverviewLink.all(market).firstIndex(of: .coverage(branch: 2)) ?? 0
        _ = Dashboard.update(&m, .key(.enter))
        #expect(m.screen == .merchants && m.branchFilter == 2 && m.starFilter == nil)
        let dates = m.shownMerchants.map { market.inspections[$0.shopNumber]?.map(\.value.date).max()?.dayNumber ?? Int.min }
        #expect(dates == dates.sorted())
    }
}

@Suite("Inspection notes and dates")
struct InspectionNotesTests {
    @Test func aFailureCarriesItsNoteAndAPaperRecordItsDate() throws {
        let market = try demoMarket()
        var m = try managerModel(market)
        m.openShop = "A101"
        _ = Dashboard.update(&m, .key(.character("i")))
        // A note on a passed item is refused with the reason.
        _ = Dashboard.update(&m, .key(.character("n")))
        #expect(m.inspectionForm?.editing == nil && Dashboard.view(m).text.contains("备注写在不合格项上"))
        _ = Dashboard.update(&m, .key(.character("j")))
        _ = Dashboard.update(&m, .key(.character("3")))
        _ = Dashboard.update(&m, .key(.character("n")))
        type("镜架无合格证", into: &m)
        _ = Dashboard.update(&m, .key(.enter))
        #expect(Dashboard.view(m).text.contains("备注：镜架无合格证"))
        // A date after today is refused; an earlier one is taken, and the deadline follows it.
        _ = Dashboard.update(&m, .key(.character("d")))
        for _ in 0..<10 { _ = Dashboard.update(&m, .key(.backspace)) }
        type("2026-12-01", into: &m)
        _ = Dashboard.update(&m, .key(.enter))
        #expect(Dashboard.view(m).text.contains("检查日期不能晚于今天（2026-11-26）"))
        for _ in 0..<10 { _ = Dashboard.update(&m, .key(.backspace)) }
        type("2026-11-20", into: &m)
        _ = Dashboard.update(&m, .key(.enter))
        let view = Dashboard.view(m)
        let due = market.calendar.addingWorkingDays(market.rules(on: m.today)?.value.rectificationDays.serious ?? 0, to: SimpleDate(iso: "2026-11-20")!)
        #expect(view.rowText(0).contains("2026-11-20（补录）") && view.text.contains("整改期限 \(due)"))
        // Enter shows what will be recorded in the shared question; y records it.
        let effects = submitAndConfirm(&m, shows: ["A101  2026-11-20  不合格 1 项：\(market.checklist!.items[1].id)（严重）"])
        guard case .record(.inspectionRecorded(let inspection), _)? = effects.first else {
            Issue.record("y on the question records the inspection")
            return
        }
        #expect(inspection.date == SimpleDate(iso: "2026-11-20"))
        #expect(inspection.failures.first?.note == "镜架无合格证" && inspection.failures.first?.severity == .serious)
    }
}

@Suite("One rectification deadline")
struct RectificationDeadlineTests {
    /// Issue 19, item 3: a paper record entered after the rules changed shows the deadline of the
    /// rules in force on its date, and the rating engine counts that same deadline.
    @Test func aBackDatedInspectionAcrossARulesChangeHasOneDeadline() throws {
        var market = try demoMarket()
        var faster = try #require(market.rules(on: SimpleDate(iso: "2026-11-26")!)?.value)
        let before = faster.rectificationDays(.serious)
        faster.version += 1
        faster.effectiveFrom = "2026-11-25"
        faster.rectificationDays.serious = max(1, before / 2)
        #expect(faster.rectificationDays.serious != before)
        market.apply(Event(actor: "zhuren", at: "2026-11-25T01:00:00Z", key: nil, body: .rulesPublished(faster)), sequence: UInt64(market.eventCount + 1))
        var m = try managerModel(market)
        m.openShop = "A101"
        _ = Dashboard.update(&m, .key(.character("i")))
        _ = Dashboard.update(&m, .key(.character("j")))
        _ = Dashboard.update(&m, .key(.character("3")))
        // Dated today the new rules apply; dated before the change, the old ones.
        let paper = SimpleDate(iso: "2026-11-20")!
        let today = market.calendar.addingWorkingDays(faster.rectificationDays.serious, to: m.today)
        #expect(Dashboard.view(m).text.contains("整改期限 \(today)"))
        _ = Dashboard.update(&m, .key(.character("d")))
        for _ in 0..<10 { _ = Dashboard.update(&m, .key(.backspace)) }
        type(paper.description, into: &m)
        _ = Dashboard.update(&m, .key(.enter))
        let shown = market.calendar.addingWorkingDays(before, to: paper)
        #expect(shown != market.calendar.addingWorkingDays(faster.rectificationDays.serious, to: paper))
        #expect(Dashboard.view(m).text.contains("整改期限 \(shown)"))
        // Recorded, the engine opens the rectification with the deadline the form showed.
        guard case .record(let body, _)? = submitAndConfirm(&m).first, case .inspectionRecorded(let inspection) = body else {
            Issue.record("the inspection is recorded")
            return
        }
        market.apply(Event(actor: "zhuren", at: "2026-11-26T01:00:00Z", key: nil, body: body), sequence: UInt64(market.eventCount + 1))
        let opened = market.rectifications(of: "A101").filter { $0.openedOn == paper }
        #expect(opened.map(\.item) == inspection.failures.map(\.item) && opened.allSatisfy { $0.deadline == shown })
    }
}

@Suite("Overview complaints by state")
struct OverviewStateTests {
    @Test func thisMonthsComplaintsAreCountedByState() throws {
        let market = try demoMarket()
        var m = try managerModel(market)
        m.today = SimpleDate(iso: "2026-10-20")!
        _ = Dashboard.update(&m, .key(.character("1")))
        let month = market.complaints.values.filter { $0.filed.date.year == 2026 && $0.filed.date.month == 10 }
        #expect(!month.isEmpty)
        let text = Dashboard.view(m).text.replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: " ", with: "")
        #expect(text.contains("本月按状态："))
        for state in Set(month.map(\.state)) {
            #expect(text.contains("\(state.chineseName)\(month.filter { $0.state == state }.count)"), "\(state.chineseName)")
        }
    }
}

@Suite("Merchants: ties and clearing")
struct MerchantTiesTests {
    @Test func descendingSortsKeepTiesInShopOrderAndEscClearsEveryFilter() throws {
        let market = try demoMarket()
        var m = try managerModel(market)
        m.sortBy(column: 6, descending: true)
        let stars = m.shownMerchants.map { market.rating(of: $0, today: m.today).stars ?? 0 }
        #expect(stars == stars.sorted(by: >))
        for (a, b) in zip(m.shownMerchants, m.shownMerchants.dropFirst()) where market.rating(of: a, today: m.today).stars == market.rating(of: b, today: m.today).stars {
            #expect(a.shopNumber < b.shopNumber, "ties in shop order: \(a.shopNumber) before \(b.shopNumber)")
        }
        _ = Dashboard.update(&m, .key(.character("b")))
        _ = Dashboard.update(&m, .key(.character("c")))
        #expect(m.branchFilter == 1 && m.integrityFilter == .consumer)
        _ = Dashboard.update(&m, .key(.escape))
        #expect(m.branchFilter == nil && m.starFilter == nil && m.integrityFilter == nil && m.shown.count == 100)
    }
}

@Suite("Exports from the dashboard")
struct DashboardExportTests {
    @Test func eOffersTheFormatAndPersonalDataToManagersAndShowsProgress() throws {
        let market = try demoMarket()
        var m = try managerModel(market)
        _ = Dashboard.update(&m, .key(.character("e")))
        #expect(Dashboard.view(m).text.contains("导出商户名册"))
        _ = Dashboard.update(&m, .key(.tab))
        _ = Dashboard.update(&m, .key(.right))
        let effects = Dashboard.update(&m, .key(.enter))
        #expect(effects == [.export(.merchants, .csv, withPersonalData: true, by: try #require(market.users["zhuren"]))])
        _ = Dashboard.update(&m, .exportProgress(done: 40, total: 100))
        #expect(Dashboard.view(m).rowText(23).contains("导出中 40/100"))
        _ = Dashboard.update(&m, .key(.character("e")))
        #expect(m.entry == nil && Dashboard.view(m).rowText(23).contains("上一个导出还没有完成"))
        _ = Dashboard.update(&m, .exportFinished("已导出 100 行到 /tmp/x.csv"))
        #expect(m.exportProgress == nil && Dashboard.view(m).rowText(23).contains("已导出 100 行"))
        // A secretary is not offered personal data; the complaints tab exports complaints.
        var secretary = try managerModel(market, as: "shuji1")
        _ = Dashboard.update(&secretary, .key(.character("4")))
        _ = Dashboard.update(&secretary, .key(.character("e")))
        #expect(secretary.entry?.form.fields.count == 1)
        #expect(Dashboard.update(&secretary, .key(.enter)) == [.export(.complaints, .csv, withPersonalData: false, by: try #require(market.users["shuji1"]))])
    }
}

@Suite("Inspection: going to an item; re-inspection")
struct InspectionJumpTests {
    @Test func anItemIsFoundByItsCodeShortOrLongItsNumberOrWords() throws {
        let market = try demoMarket()
        var m = try managerModel(market)
        m.openShop = "A101"
        _ = Dashboard.update(&m, .key(.character("i")))
        let form = try #require(m.inspectionForm)
        func line(_ code: String) -> Int? { form.rows.indices.first { form.items[form.rows[$0]].id == code } }
        for typed in ["p2", "P2", "pri2", "PRI-2", "pri-2", "ｐ２"] {
            #expect(form.find(typed).lines == [line("PRI-2")!] && form.find(typed).complete, "\(typed)")
        }
        #expect(form.find("p").lines.count == 3 && !form.find("p").complete, "the letters alone: every PRI item, none chosen")
        #expect(form.find("12").lines == [11] && form.find("12").complete)
        #expect(form.find("1").lines == [0] && !form.find("1").complete, "1 may yet become 10–17")
        #expect(form.find("验光").lines == [line("PRI-3")!, line("QUA-2")!] && !form.find("验光").complete)
        #expect(form.find("x9").lines.isEmpty && form.find("").lines.isEmpty)
    }

    @Test func twoFailuresWithNotesInThirteenKeysFromTheShopPage() throws {
        let market = try demoMarket()
        var m = try managerModel(market)
        m.openShop = "A101"
        // Counted: every key but the notes' text (typed through an IME, a word at a time).
        var keys = 0
        func press(_ key: Key) -> [DashboardEffect] { keys += 1; return Dashboard.update(&m, .key(key)) }
        func note(_ text: String) { for c in text { _ = Dashboard.update(&m, .key(.character(c))) } }
        for key: Key in [.character("i"), .character("p"), .character("2"), .character("3"), .character("n")] { _ = press(key) }
        note("标价签缺失")
        for key: Key in [.enter, .character("q"), .character("2"), .character("2"), .character("n")] { _ = press(key) }
        note("验光仪过期")
        _ = press(.enter)
        #expect(press(.enter).isEmpty, "Enter shows what will be recorded")
        #expect(m.confirmation != nil && Dashboard.view(m).text.contains("A101  2026-11-26  不合格 2 项：PRI-2（严重）、QUA-2（一般）"))
        let effects = press(.character("y"))
        guard case .record(.inspectionRecorded(let inspection), _)? = effects.first else {
            Issue.record("y on the shared question records the inspection")
            return
        }
        #expect(keys == 13)
        #expect(inspection.failures.map(\.item) == ["PRI-2", "QUA-2"])
        #expect(inspection.failures.map(\.severity) == [.serious, .minor])
        #expect(inspection.failures.map(\.note) == ["标价签缺失", "验光仪过期"])
        #expect(inspection.outcomes.map(\.item) == market.checklist!.items.map(\.id), "recorded in the checklist's order")
    }

    @Test func aCodeThatLeadsNowhereSaysSoAndSlashSearchesWords() throws {
        var m = try managerModel(try demoMarket())
        m.openShop = "A101"
        _ = Dashboard.update(&m, .key(.character("i")))
        // z is no code's letter: the message says so, and the next key acts as itself.
        _ = Dashboard.update(&m, .key(.character("z")))
        #expect(m.inspectionForm?.editing == nil && Dashboard.view(m).text.contains("没有与“z”相符的检查项"))
        _ = Dashboard.update(&m, .key(.character("j")))
        #expect(m.inspectionForm?.cursor == 1)
        // / then words: the cursor follows; Enter stays there, Esc goes back.
        _ = Dashboard.update(&m, .key(.character("/")))
        for c in "验光仪" { _ = Dashboard.update(&m, .key(.character(c))) }
        let form = try #require(m.inspectionForm)
        #expect(form.items[form.item].id == "QUA-2")
        #expect(Dashboard.view(m).rowText(1).contains("转到：验光仪"))
        _ = Dashboard.update(&m, .key(.escape))
        #expect(m.inspectionForm?.cursor == 1 && m.inspectionForm?.editing == nil)
        _ = Dashboard.update(&m, .key(.character("/")))
        for c in "15" { _ = Dashboard.update(&m, .key(.character(c))) }
        #expect(m.inspectionForm?.cursor == 14 && m.inspectionForm?.editing == nil, "a number that can mean nothing longer is taken at once")
        // The help is the table the keys are dispatched from.
        _ = Dashboard.update(&m, .key(.character("?")))
        let help = Dashboard.view(m).text
        #expect(InspectionScreen.table.allSatisfy { help.contains($0.zh.prefix(6)) })
        #expect(Dashboard.bindings(for: .inspection).map(\.keys) == InspectionScreen.table.map(\.keys))
    }

    @Test func reInspectionListsTheItemsUnderRectificationFirst() throws {
        let market = try demoMarket()
        let open = market.rectifications(of: "E104").filter { $0.closedOn == nil }
        #expect(open.map(\.item) == ["PRI-3"])
        for (width, height) in [(80, 24), (120, 40)] {
            var m = try managerModel(market, width, height)
            m.openShop = "E104"
            _ = Dashboard.update(&m, .key(.character("i")))
            let form = try #require(m.inspectionForm)
            #expect(form.items[form.rows[0]].id == "PRI-3" && form.rows.count == form.items.count)
            let view = Dashboard.view(m)
            #expect(view.rowText(1).contains("复查：整改中 1 项列在最前（PRI-3 期限 2026-02-09（已逾期））"))
            #expect(view.rowText(2).contains(" 1 整改 PRI-3 ") && view.rowText(2).contains("合格（整改结束）"))
            #expect(view.rowText(3).contains(" 2      ID-1 "))
            try assertGolden(view, "reinspection-\(width)x\(height)")
            // Passing it ends the rectification: said before it is recorded.
            _ = Dashboard.update(&m, .key(.enter))
            #expect(Dashboard.view(m).text.contains("全部合格；整改结束：PRI-3"))
        }
    }
}

@Suite("Widths and the fold at 80×24")
struct WidthAndFoldTests {
    @Test func inEnglishNamesAreNotCutToTwoCharacters() throws {
        let market = try demoMarket()
        var m = DashboardModel(language: .en, dataDirectory: "/srv/chengxin", market: market, size: Size(width: 80, height: 24), today: SimpleDate(iso: "2026-11-26")!)
        m.logSummary = "652 records · head 0123456789ab"
        _ = Dashboard.update(&m, .authenticated(try #require(market.users["zhuren"])))
        _ = Dashboard.update(&m, .key(.escape))
        let grid = Dashboard.view(m)
        #expect(grid.rowText(1).contains("Name") && grid.rowText(1).contains("Br.") && grid.rowText(1).contains("Insp."))
        #expect(grid.rowText(0).contains("6Inspections 7Reviews 8Members"), "every tab whole: the title gives way")
        #expect(grid.text.contains("远瞻镜架行") && grid.text.contains("鉴明镜架…"), "five characters whole, longer names cut after four")
        try assertGolden(grid, "merchants-en-80x24")
        m.openShop = "D104"
        _ = Dashboard.update(&m, .key(.character("j")))
        _ = Dashboard.update(&m, .key(.character("k")))
        let shop = Dashboard.view(m)
        #expect(shop.text.contains("Rating:") || shop.text.contains("rating:"))
        #expect(shop.text.contains("★★☆☆☆") && shop.rowText(22).contains("PgDn"))
        try assertGolden(shop, "shop-en-80x24")
    }

    @Test func theRatingAndItsExplanationAreOnTheFirstScreen() throws {
        let market = try demoMarket()
        for shop in market.merchants.map(\.shopNumber) {
            var m = try managerModel(market)
            m.openShop = shop
            _ = Dashboard.update(&m, .key(.character("k")))
            let text = Dashboard.view(m).text
            #expect(text.contains("年度星级】") && text.contains("评分规则："), "\(shop)")
        }
    }
}

@Suite("Inspection form without a checklist")
struct EmptyChecklistTests {
    @Test func anEmptyChecklistSaysSoAndEscGoesBack() throws {
        var m = try managerModel(try demoMarket())
        m.openShop = "A101"
        m.inspectionForm = InspectionForm(shop: "A101", items: [])
        #expect(Dashboard.view(m).text.contains("尚未发布检查清单"))
        for key: Key in [.enter, .character("p"), .character("2"), .character("/"), .down] { #expect(Dashboard.update(&m, .key(key)).isEmpty) }
        _ = Dashboard.update(&m, .key(.escape))
        #expect(m.inspectionForm == nil && m.screen == .shop)
    }
}
