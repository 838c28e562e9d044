import Codec
import Reports
import Testing
@testable import Core

/// Issue 20, requirement 3: the members' points ledger — panels, entries, the panel's majority,
/// the arithmetic with its caps, the grade and the member's own 一票否决.
@Suite("Members' points: panels, entries, approvals, the yearly ledger")
struct MemberPointsTests {
    /// The shipped roster with a test roster of members: branch 1's secretary 顾 (D1-01, account gu)
    /// co-owns A101 with 张 (D1-02); 李 (D1-03) has the account si; 王 (D1-04) owns A103; 赵 (D1-05);
    /// 钱 (D2-01) is in branch 2.
    struct Ledger {
        var s: Scenario
        let si: User

        init() throws {
            s = try Scenario()
            // In place of the shipped members (seeds/members.csv), the test roster below.
            s.events.removeAll { if case .memberRegistered = $0.body { return true } else { return false } }
            // The rules announced for the years to come (version 2, with members' points), as `init` appends them.
            s.events += try SeedLoader.load(files: try shippedSeedFiles()).laterRuleEvents(actor: "system", at: "2026-01-01T00:00:00Z")
            si = User(name: "si", displayName: "李四", role: .kiosk, pin: s.manager.pin)
            s.add(.userRegistered(si), by: "li")
            let joined = date("2010-07-01")
            let roster = [
                Member(id: "D1-01", name: "顾书记", branch: 1, joined: joined, role: .secretary, shops: ["A101"], user: "gu"),
                Member(id: "D1-02", name: "张三", branch: 1, joined: joined, role: .member, shops: ["A101"]),
                Member(id: "D1-03", name: "李四", branch: 1, joined: joined, role: .committee, user: "si"),
                Member(id: "D1-04", name: "王五", branch: 1, joined: joined, role: .member, shops: ["A103"]),
                Member(id: "D1-05", name: "赵六", branch: 1, joined: joined, role: .member),
                Member(id: "D2-01", name: "钱七", branch: 2, joined: joined, role: .member),
            ]
            for member in roster { s.add(.memberRegistered(member), by: "system") }
        }

        @discardableResult
        mutating func panel(_ members: [String], year: Int = 2026, branch: Int = 1) -> UInt64 {
            s.add(.panelNamed(PanelNamed(branch: branch, year: year, members: members)), by: "li")
        }

        @discardableResult
        mutating func deduct(_ member: String, _ item: String = "meeting-absent", times: Int = 1, on day: String = "2026-05-20", approvedBy: [String] = []) -> UInt64 {
            let entry = s.add(.pointsDeducted(MemberDeduction(member: member, item: item, date: date(day), reason: "无故缺席", occurrences: times)), by: "li")
            for approver in approvedBy { s.add(.pointsApproved(PointsApproved(target: entry, member: approver)), by: "li") }
            return entry
        }

        @discardableResult
        mutating func contribute(_ member: String, _ points: Int, kind: ContributionKind = .service, on day: String = "2026-05-20", approvedBy: [String] = []) -> UInt64 {
            let entry = s.add(.pointsContributed(MemberContribution(member: member, kind: kind, points: points, date: date(day), evidence: "义务验光")), by: "li")
            for approver in approvedBy { s.add(.pointsApproved(PointsApproved(target: entry, member: approver)), by: "li") }
            return entry
        }

        func ledger(_ member: String, year: Int = 2026) -> MemberLedger {
            let state = s.state
            return state.memberLedger(state.members[member]!, year: year)
        }
    }

    func panelBody(_ members: [String], year: Int = 2026, branch: Int = 1) -> EventBody {
        .panelNamed(PanelNamed(branch: branch, year: year, members: members))
    }

    @Test func theRulesCarryTheLedgersNumbersAndAYearWithoutThemUsesTheFirstVersionThatHasThem() throws {
        let l = try Ledger()
        let state = l.s.state
        #expect(state.rules(on: date("2026-12-31"))?.value.memberPoints == nil, "rules version 1 has no members' points")
        let found = state.memberPointsRules(year: 2026)
        let rules = try #require(found)
        #expect(rules.sequence == state.ruleVersions[1].sequence)
        #expect(rules.value.basePoints == 60 && rules.value.contributionCap == 40 && rules.value.appraisalShare == 0 && rules.value.panelMinimum == 3)
        #expect(rules.value.deductionItems.map(\.code) == ["meeting-absent", "theme-day-absent", "dues-late", "study-incomplete"])
        #expect([90, 89, 75, 74, 60, 59].map { rules.value.grade(forScore: $0) } == [.excellent, .qualified, .qualified, .basicallyQualified, .basicallyQualified, .unqualified])
        #expect(state.memberPointsRules(year: 2027)?.sequence == rules.sequence)
        var broken = rules.value
        broken.deductionItems[0].capPerYear = 1
        #expect(throws: LocalizedMessage.self) { try broken.validate() }
    }

    @Test func aPanelIsNamedByAManagerFromTheBranchsMembers() throws {
        var l = try Ledger()
        let s = l.s
        #expect(refusal(s, panelBody(["D1-01", "D1-03", "D1-04"]), by: s.secretary1, today: "2026-06-01") == "考评小组由市场管理方（党委）组建")
        #expect(refusal(s, panelBody(["D1-01", "D1-03"]), by: s.manager, today: "2026-06-01")?.contains("至少要有 3 人") == true)
        #expect(refusal(s, panelBody(["D1-01", "D1-03", "D1-03"]), by: s.manager, today: "2026-06-01") == "考评小组成员不能重复")
        #expect(refusal(s, panelBody(["D1-01", "D1-03", "D2-01"]), by: s.manager, today: "2026-06-01")?.contains("是第 2 支部党员") == true)
        #expect(refusal(s, panelBody(["D1-01", "D1-03", "X-9"]), by: s.manager, today: "2026-06-01") == "没有编号为 X-9 的党员")
        #expect(refusal(s, panelBody(["D1-01", "D1-03", "D1-04"], year: 2030), by: s.manager, today: "2026-06-01")?.contains("只能为今年、去年或明年") == true)
        #expect(refusal(s, panelBody(["D1-01", "D1-03", "D1-04"], branch: 9), by: s.manager, today: "2026-06-01") == "没有第 9 支部")
        #expect(refusal(s, panelBody(["D1-01", "D1-03", "D1-04"]), by: s.manager, today: "2026-06-01") == nil)
        let first = l.panel(["D1-01", "D1-03", "D1-04"])
        #expect(refusal(l.s, panelBody(["D1-01", "D1-03", "D1-04"]), by: s.manager, today: "2026-06-01")?.contains("已是这些成员（记录 #\(first)）") == true)
        let second = l.panel(["D1-03", "D1-04", "D1-05"])
        #expect(l.s.state.memberPoints.panel(branch: 1, year: 2026)?.sequence == second)
        #expect(l.s.state.memberPoints.panel(branch: 1, year: 2026, before: second)?.sequence == first)
    }

    @Test func entriesAreMadeByAManagerOrTheBranchsSecretaryNeverAboutThemselves() throws {
        let l = try Ledger()
        let s = l.s
        func deduction(_ member: String, item: String = "meeting-absent", times: Int = 1, day: String = "2026-05-20", reason: String = "缺席") -> EventBody {
            .pointsDeducted(MemberDeduction(member: member, item: item, date: date(day), reason: reason, occurrences: times))
        }
        func contribution(_ member: String, _ points: Int, evidence: String = "调解纠纷") -> EventBody {
            .pointsContributed(MemberContribution(member: member, kind: .harmony, points: points, date: date("2026-05-20"), evidence: evidence))
        }
        #expect(refusal(s, deduction("D1-02"), by: s.secretary1, today: "2026-06-01") == nil)
        #expect(refusal(s, deduction("D1-01"), by: s.secretary1, today: "2026-06-01") == "顾书记不能为自己登记积分（利益冲突），请由他人办理")
        #expect(refusal(s, deduction("D2-01"), by: s.secretary1, today: "2026-06-01") == "第 1 支部书记只能为本支部党员登记积分（钱七属于第 2 支部）")
        #expect(refusal(s, deduction("D1-02"), by: l.si, today: "2026-06-01") == "服务台不能登记积分")
        #expect(refusal(s, deduction("X-1"), by: s.manager, today: "2026-06-01") == "没有编号为 X-1 的党员")
        #expect(refusal(s, deduction("D1-02", item: "late"), by: s.manager, today: "2026-06-01")?.hasPrefix("扣分项“late”不在规则中") == true)
        #expect(refusal(s, deduction("D1-02", times: 0), by: s.manager, today: "2026-06-01")?.hasPrefix("次数应为 1 到 5") == true)
        #expect(refusal(s, deduction("D1-02", times: 6), by: s.manager, today: "2026-06-01")?.hasPrefix("次数应为 1 到 5") == true)
        #expect(refusal(s, deduction("D1-02", reason: " "), by: s.manager, today: "2026-06-01") == "扣分必须写明理由")
        #expect(refusal(s, deduction("D1-02", day: "2026-06-02"), by: s.manager, today: "2026-06-01")?.contains("晚于今天") == true)
        #expect(refusal(s, deduction("D1-02", day: "2009-06-02"), by: s.manager, today: "2009-06-03")?.contains("不是在册党员") == true)
        #expect(refusal(s, contribution("D1-02", 41), by: s.manager, today: "2026-06-01") == "贡献分应为 1 到 40 之间的整数，现为 41")
        #expect(refusal(s, contribution("D1-02", 0), by: s.manager, today: "2026-06-01") == "贡献分应为 1 到 40 之间的整数，现为 0")
        #expect(refusal(s, contribution("D1-02", 5, evidence: ""), by: s.manager, today: "2026-06-01") == "贡献分必须附上依据（证明材料）")
        #expect(refusal(s, contribution("D1-02", 5), by: s.manager, today: "2026-06-01") == nil)
        let appraisal = EventBody.pointsAppraised(MemberAppraisal(member: "D1-02", date: date("2026-05-20"), points: 10, evidence: "评议表"))
        #expect(refusal(s, appraisal, by: s.manager, today: "2026-06-01")?.contains("不给民主评议计分") == true)
    }

    @Test func anApprovalComesFromThePanelNeverFromThoseWithAStake() throws {
        var l = try Ledger()
        let entryBeforePanel = l.contribute("D1-02", 10)
        func approve(_ target: UInt64, _ member: String) -> EventBody { .pointsApproved(PointsApproved(target: target, member: member)) }
        #expect(refusal(l.s, approve(entryBeforePanel, "D1-03"), by: l.s.manager, today: "2026-06-01") == "第 1 支部尚未组建 2026 年度考评小组（chengxin panel name）")
        l.panel(["D1-01", "D1-03", "D1-04", "D1-02"])
        let aboutZhang = l.contribute("D1-02", 10)
        let aboutZhao = l.s.add(.pointsContributed(MemberContribution(member: "D1-05", kind: .service, points: 5, date: date("2026-05-20"), evidence: "义务验光")), by: "gu")
        let s = l.s
        #expect(refusal(s, approve(aboutZhang, "D1-02"), by: s.manager, today: "2026-06-01") == "张三不能审批关于自己的积分（利益冲突）")
        #expect(refusal(s, approve(aboutZhang, "D1-01"), by: s.secretary1, today: "2026-06-01") == "顾书记与张三共同经营 A101，不能审批其积分（利益冲突）")
        #expect(refusal(s, approve(aboutZhao, "D1-01"), by: s.secretary1, today: "2026-06-01") == "顾书记登记了第 \(aboutZhao) 条积分，不能自己审批")
        #expect(refusal(s, approve(aboutZhang, "D1-05"), by: s.manager, today: "2026-06-01")?.contains("不是第 1 支部 2026 年度考评小组成员") == true)
        #expect(refusal(s, approve(aboutZhang, "D1-03"), by: s.secretary2, today: "2026-06-01") == "第 2 支部书记只能为本支部党员代录考评小组的审批（张三属于第 1 支部）")
        #expect(refusal(s, approve(99_999, "D1-03"), by: s.manager, today: "2026-06-01") == "第 99999 条记录不是党员积分登记")
        // Their own account (a kiosk account here: the member's own approval), or the panel's vote recorded by the secretary.
        #expect(refusal(s, approve(aboutZhang, "D1-03"), by: l.si, today: "2026-06-01") == nil)
        #expect(refusal(s, approve(aboutZhang, "D1-04"), by: l.si, today: "2026-06-01") == "服务台不能代录考评小组的审批")
        #expect(refusal(s, approve(aboutZhang, "D1-04"), by: s.secretary1, today: "2026-06-01") == nil)
        l.s.add(approve(aboutZhang, "D1-03"), by: "si")
        #expect(refusal(l.s, approve(aboutZhang, "D1-03"), by: l.si, today: "2026-06-01")?.hasPrefix("李四已审批过第 \(aboutZhang) 条积分") == true)
        l.s.add(approve(aboutZhang, "D1-04"), by: "gu")
        var gone = try #require(l.s.state.members["D1-05"])
        gone.left = date("2026-05-25")
        let record = try #require(l.s.state.currentMemberRecord(of: "D1-05"))
        var left = l
        left.panel(["D1-03", "D1-04", "D1-05"])
        left.s.add(.memberCorrected(MemberCorrection(target: record, reason: "组织关系转出", member: gone)), by: "li")
        #expect(refusal(left.s, approve(aboutZhang, "D1-05"), by: s.manager, today: "2026-06-01")?.contains("已于 2026-05-25 离开支部，不能再审批") == true)
        // Four on the panel: two approvals are not yet a majority; three are.
        #expect(l.s.state.ledgerStatus(l.s.state.memberPoints.entries[aboutZhang]!) == .pending(approvals: 2, needed: 3, panel: l.s.state.memberPoints.panel(branch: 1, year: 2026)?.sequence))
        // Named again with three: the two approvals by its members are a majority from the naming on.
        let renamed = l.panel(["D1-01", "D1-03", "D1-04"])
        #expect(l.s.state.ledgerStatus(l.s.state.memberPoints.entries[aboutZhang]!) == .counted(since: renamed, panel: renamed, approvals: 2, of: 3))
    }

    @Test func anEntryCountsOnceAMajorityOfThePanelApproved() throws {
        var l = try Ledger()
        let panel = l.panel(["D1-03", "D1-04", "D1-05"])
        let one = l.contribute("D1-02", 10, approvedBy: ["D1-03"])
        let two = l.contribute("D1-02", 10, approvedBy: ["D1-03", "D1-04"])
        let state = l.s.state
        #expect(state.ledgerStatus(state.memberPoints.entries[one]!) == .pending(approvals: 1, needed: 2, panel: panel))
        #expect(state.ledgerStatus(state.memberPoints.entries[two]!) == .counted(since: two + 2, panel: panel, approvals: 2, of: 3))
        #expect(refusal(l.s, .pointsApproved(PointsApproved(target: two, member: "D1-05")), by: l.s.manager, today: "2026-06-01")?.contains("已获考评小组过半数通过") == true)
        let ledger = l.ledger("D1-02")
        #expect(ledger.contributed == 10 && ledger.pending == 1 && ledger.total == 70 && ledger.grade == .basicallyQualified)
        #expect(ledger.lines.contains { $0.sequence == one && $0.zh.contains("待审批：1/2 人同意，不计") && $0.points == 0 })
        #expect(ledger.lines.contains { $0.sequence == two && $0.zh.contains("计入：考评小组（#\(panel)）2/3 人同意") && $0.zh.contains("李四（D1-03）#") && $0.points == 10 })
        #expect(ledger.lines.last?.zh == "合计 60 − 0 + 10 = 70，等次：基本合格（另有 1 条待审批）")
    }

    @Test func deductionsAreCappedPerItemAndContributionsTogether() throws {
        var l = try Ledger()
        l.panel(["D1-03", "D1-04", "D1-05"])
        let yes = ["D1-03", "D1-04"]
        l.deduct("D1-02", times: 4, approvedBy: yes)  // 8 of meeting-absent's 10
        let over = l.deduct("D1-02", times: 3, approvedBy: yes)  // 6 more: only 2 count
        l.deduct("D1-02", "dues-late", times: 1, approvedBy: yes)  // 3
        l.contribute("D1-02", 30, kind: .development, approvedBy: yes)
        let capped = l.contribute("D1-02", 25, kind: .harmony, approvedBy: yes)  // 10 of 25 under the cap of 40
        let ledger = l.ledger("D1-02")
        #expect(ledger.deducted == 13 && ledger.contributed == 40)
        #expect(ledger.contributionsByKind == [.development: 30, .harmony: 10])
        #expect(ledger.total == 87 && ledger.grade == .qualified)
        #expect(ledger.lines.contains { $0.sequence == over && $0.points == -2 && $0.zh.contains("该项每年最多扣 10 分，只计 2") })
        #expect(ledger.lines.contains { $0.sequence == capped && $0.points == 10 && $0.zh.contains("超出上限 40，只计 10") })
        #expect(ledger.lines.last?.zh == "合计 60 − 13 + 40 = 87，等次：合格")
        // Every line's points add up to the total (the base, the entries).
        #expect(ledger.lines.dropLast().compactMap(\.points).reduce(0, +) == ledger.total)
    }

    @Test func theGradesBoundariesFollowTheRules() throws {
        for (points, grade) in [(30, MemberGrade.excellent), (29, .qualified), (15, .qualified), (14, .basicallyQualified), (0, .basicallyQualified)] {
            var l = try Ledger()
            l.panel(["D1-03", "D1-04", "D1-05"])
            if points > 0 { l.contribute("D1-02", points, approvedBy: ["D1-03", "D1-04"]) }
            #expect(l.ledger("D1-02").grade == grade, "60 + \(points)")
        }
        var l = try Ledger()
        l.panel(["D1-03", "D1-04", "D1-05"])
        l.deduct("D1-02", times: 1, approvedBy: ["D1-03", "D1-04"])
        #expect(l.ledger("D1-02").total == 58 && l.ledger("D1-02").grade == .unqualified)
    }

    @Test func aSecondedVetoOfTheMembersShopMakesTheYearUnqualified() throws {
        var l = try Ledger()
        l.panel(["D1-03", "D1-04", "D1-05"])
        l.contribute("D1-01", 35, approvedBy: ["D1-03", "D1-04"])
        let veto = l.s.add(.vetoConfirmed(VetoConfirmed(shop: "A101", kind: "counterfeit", date: date("2026-04-01"), reason: "售卖假冒品牌镜架")), by: "li")
        #expect(l.ledger("D1-01").grade == .excellent, "a veto counts once seconded")
        l.s.add(.vetoSeconded(VetoSeconded(target: veto)), by: "wang")
        for member in ["D1-01", "D1-02"] {
            let ledger = l.ledger(member)
            #expect(ledger.grade == .unqualified && ledger.vetoes.map(\.sequence) == [veto], "\(member) owns A101")
            #expect(ledger.lines.contains { $0.sequence == veto && $0.zh.contains("一票否决：A101") && $0.zh.contains("本年度评为不合格") })
        }
        #expect(l.ledger("D1-01").total == 95, "the total stands; the grade is the veto's")
        #expect(l.ledger("D1-04").grade == .basicallyQualified && l.ledger("D1-01", year: 2027).vetoes.isEmpty)
    }

    @Test func aWithdrawnEntryStopsCountingOnceSecondedAndSaysWhy() throws {
        var l = try Ledger()
        l.panel(["D1-03", "D1-04", "D1-05"])
        let entry = l.deduct("D1-02", times: 2, approvedBy: ["D1-03", "D1-04"])
        let withdrawal = EventBody.withdrawn(Withdrawal(target: entry, reason: "已请假"))
        #expect(refusal(l.s, withdrawal, by: l.s.secretary2, today: "2026-06-01")?.hasPrefix("第 2 支部书记只能为本支部党员撤回积分") == true)
        #expect(refusal(l.s, withdrawal, by: l.s.secretary1, today: "2026-06-01") == nil)
        let proposed = l.s.add(withdrawal, by: "gu")
        #expect(refusal(l.s, withdrawal, by: l.s.manager, today: "2026-06-01")?.contains("已有撤回申请") == true)
        var ledger = l.ledger("D1-02")
        #expect(ledger.deducted == 4 && ledger.lines.contains { $0.sequence == entry && $0.zh.contains("撤回申请 #\(proposed) 待复核，复核前仍计入") })
        let second = EventBody.withdrawalSeconded(WithdrawalSeconded(target: proposed))
        #expect(refusal(l.s, second, by: l.s.secretary1, today: "2026-06-01") != nil, "a market manager seconds")
        #expect(refusal(l.s, second, by: l.s.manager, today: "2026-06-01") == nil)
        l.s.add(second, by: "li")
        ledger = l.ledger("D1-02")
        #expect(ledger.deducted == 0 && ledger.total == 60)
        #expect(ledger.lines.contains { $0.sequence == entry && $0.zh.contains("已撤回（#\(proposed)，gu：已请假），不计") })
        #expect(refusal(l.s, .pointsApproved(PointsApproved(target: entry, member: "D1-05")), by: l.s.manager, today: "2026-06-01")?.contains("已撤回") == true)
        // A correction of a ledger entry is a withdrawal and a new entry.
        let correction = EventBody.recordCorrected(RecordCorrection(target: entry, reason: "录错", record: .contribution(ContributionRecorded(shop: "A101", kind: .service, points: 1, date: date("2026-05-20"), evidence: "x"))))
        #expect(refusal(l.s, correction, by: l.s.manager, today: "2026-06-01") != nil)
    }

    @Test func theLedgerSurvivesASnapshotAndReplaysAlike() throws {
        var l = try Ledger()
        l.panel(["D1-03", "D1-04", "D1-05"])
        l.deduct("D1-02", approvedBy: ["D1-03", "D1-04"])
        l.contribute("D1-02", 12, approvedBy: ["D1-05"])
        let state = l.s.state
        let snapshot = try #require(MarketSnapshot.decode(try MarketSnapshot.encode(state)))
        #expect(snapshot == state)
        #expect(snapshot.memberLedger(snapshot.members["D1-02"]!, year: 2026) == l.ledger("D1-02"))
    }

    @Test func theAppraisalSheetListsTheBranchsMembersWithTheirPointsGradesAndVetoes() throws {
        var l = try Ledger()
        l.panel(["D1-03", "D1-04", "D1-05"])
        l.contribute("D1-02", 20, kind: .harmony, approvedBy: ["D1-03", "D1-04"])
        l.contribute("D1-02", 5, approvedBy: ["D1-03"])
        l.deduct("D1-03", "study-incomplete", times: 2, approvedBy: ["D1-04", "D1-05"])
        let veto = l.s.add(.vetoConfirmed(VetoConfirmed(shop: "A103", kind: "counterfeit", date: date("2026-04-01"), reason: "售假")), by: "li")
        l.s.add(.vetoSeconded(VetoSeconded(target: veto)), by: "wang")
        let state = l.s.state
        let md = AppraisalSheet.render(state, branch: 1, year: 2026, today: date("2026-06-30"), format: .md)
        let rows = md.split(separator: "\n").filter { $0.hasPrefix("| D") }.map(String.init)
        #expect(rows == [
            "| D1-01 | 顾书记 | 支部书记 | 60 | 0 | 0 | 0 | 0 | 60 | 基本合格 |  |  |",
            "| D1-02 | 张三 | 党员 | 60 | 0 | 0 | 0 | 20 | 80 | 合格 | 1 |  |",
            "| D1-03 | 李四 | 支委委员 | 60 | −4 | 0 | 0 | 0 | 56 | 不合格 |  |  |",
            "| D1-04 | 王五 | 党员 | 60 | 0 | 0 | 0 | 0 | 60 | 不合格（一票否决） |  |  |",
            "| D1-05 | 赵六 | 党员 | 60 | 0 | 0 | 0 | 0 | 60 | 基本合格 |  |  |",
        ], "\(md)")
        #expect(md.contains("考评小组（记录 \\#") && md.contains("李四（D1-03）、王五（D1-04）、赵六（D1-05）"))
        #expect(md.contains("在册党员 5 人：优秀 0，合格 1，基本合格 2，不合格 2；待审批的积分 1 条（不计入）"))
        #expect(md.contains("等次：优秀 ≥90，合格 ≥75，基本合格 ≥60，其余不合格") && md.contains("支部书记签字"))
        #expect(!md.contains("钱七"), "another branch's member is not on the sheet")
        let html = AppraisalSheet.render(state, branch: 1, year: 2026, today: date("2026-06-30"), format: .html, language: .en)
        #expect(html.contains("<td>unqualified (veto)</td>") && html.contains("<th class=\"num\">Total</th>") && html.hasPrefix("<!DOCTYPE html>"))
    }
}
