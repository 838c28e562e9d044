import Foundation
import Testing
@testable import App
import Core
import Terminal
import TestSupport

/// The demo year with the rules for the years to come, a test roster of members (branch 1: five,
/// its secretary linked to shuji1, two co-owning A101; branch 2: four; branch 3: two, too few for a
/// panel) and the demo's members' points over them.
private func membersMarket() throws -> (market: MarketState, demo: [Event]) {
    var files: [String: String] = [:]
    for name in SeedLoader.fileNames {
        files[name] = try String(contentsOf: packageRoot.appendingPathComponent("seeds/\(name)"), encoding: .utf8)
    }
    var roster = try SeedLoader.load(files: files)
    // In place of the shipped members (seeds/members.csv), the test roster below.
    roster.members = []
    let rosterEvents = roster.events(actor: "system", at: "2026-01-01T00:00:00Z")
    let history = try DemoHistory.events(after: rosterEvents) { pin in try PINHash.make(pin: pin, salt: Array(repeating: 1, count: 16), rounds: 1024) }
    var events = rosterEvents + history + roster.laterRuleEvents(actor: "system", at: "2026-11-26T01:00:00Z")
    #expect(DemoMemberPoints.events(after: events).isEmpty, "with no members the demo adds nothing")
    let joined = try #require(SimpleDate(iso: "2012-07-01"))
    let people: [Member] = [
        Member(id: "D1-01", name: "顾逸飞", branch: 1, joined: joined, role: .secretary, shops: ["A105"], user: "shuji1"),
        Member(id: "D1-02", name: "高娟", branch: 1, joined: joined, role: .committee, shops: ["A101"]),
        Member(id: "D1-03", name: "高明", branch: 1, joined: joined, role: .member, shops: ["A101"]),
        Member(id: "D1-04", name: "贺永福", branch: 1, joined: joined, role: .member, shops: ["A103"]),
        Member(id: "D1-05", name: "陈静", branch: 1, joined: joined, role: .member),
        Member(id: "D2-01", name: "顾晨阳", branch: 2, joined: joined, role: .secretary, user: "shuji2"),
        Member(id: "D2-02", name: "程玉兰", branch: 2, joined: joined, role: .member, shops: ["B101"]),
        Member(id: "D2-03", name: "储云飞", branch: 2, joined: joined, role: .member, shops: ["B102"]),
        Member(id: "D2-04", name: "夏雅琴", branch: 2, joined: joined, role: .member, shops: ["B103"]),
        Member(id: "D3-01", name: "潘涛", branch: 3, joined: joined, role: .secretary),
        Member(id: "D3-02", name: "吴敏", branch: 3, joined: joined, role: .member),
    ]
    events += people.map { Event(actor: "system", at: "2026-11-26T01:00:00Z", key: "test:\($0.id)", body: .memberRegistered($0)) }
    let demo = DemoMemberPoints.events(after: events)
    return (MarketState(events: events + demo), demo)
}

private func signedIn(_ market: MarketState, _ width: Int = 80, _ height: Int = 24, as name: String = "zhuren", language: Language = .zh) throws -> DashboardModel {
    var m = DashboardModel(language: language, dataDirectory: "/srv/chengxin", market: market, size: Size(width: width, height: height), today: SimpleDate(iso: "2026-11-26")!)
    m.logSummary = "日志 700 条 · 链头 0123456789ab"
    _ = Dashboard.update(&m, .authenticated(try #require(market.users[name])))
    _ = Dashboard.update(&m, .key(.character("8")))
    m.notice = nil
    return m
}

@Suite("The members tab and the demo's members' points")
struct MembersScreenTests {
    @Test func theDemoNamesPanelsWhereThereAreMembersEnoughAndItsEntriesPassTheGate() throws {
        let (market, demo) = try membersMarket()
        #expect(market.memberPoints.panels.map { "\($0.value.branch):\($0.value.members.joined(separator: ","))" } == ["1:D1-01,D1-02,D1-03", "2:D2-01,D2-02,D2-03"])
        let entries = market.memberPoints.entries.values
        #expect(entries.count >= 6 && entries.contains { market.ledgerStatus($0).counts } && entries.contains { !market.ledgerStatus($0).counts })
        #expect(!entries.contains { $0.record.member.hasPrefix("D3") }, "branch 3 has no panel")
        // Nobody approved an entry about themselves or a co-owner, nor one they entered.
        for entry in entries {
            #expect(!entry.approvals.contains { $0.member == entry.record.member })
            #expect(!(entry.record.member == "D1-03" && entry.approvals.contains { $0.member == "D1-02" }))
        }
        #expect(demo.allSatisfy { ($0.key ?? "").hasPrefix("demo:points:") })
        let ledger = market.memberLedger(try #require(market.members["D1-04"]), year: 2026)
        #expect(ledger.total == 60 - 3 + 30 && ledger.grade == .qualified, "\(ledger.lines.map(\.zh))")
        // 高娟's entries wait: she may not approve her own, 高明 co-owns A101 with her — one vote of three.
        let blocked = market.memberLedger(try #require(market.members["D1-02"]), year: 2026)
        #expect(blocked.pending == 2 && blocked.total == 60, "\(blocked.lines.map(\.zh))")
    }

    @Test func managersSeeEveryBranchSecretariesTheirOwnKioskStaffNone() throws {
        let (market, _) = try membersMarket()
        for (width, height) in [(80, 24), (120, 40)] {
            let m = try signedIn(market, width, height)
            #expect(m.screen == .members)
            try assertGolden(Dashboard.view(m), "members-\(width)x\(height)")
        }
        try assertGolden(Dashboard.view(try signedIn(market, language: .en)), "members-en-80x24")
        let secretary = try signedIn(market, as: "shuji2")
        #expect(MembersScreen.ledgers(secretary).map(\.member.id) == ["D2-01", "D2-02", "D2-03", "D2-04"])
        let kiosk = try signedIn(market, as: "fuwutai")
        #expect(MembersScreen.ledgers(kiosk).isEmpty && Dashboard.view(kiosk).text.contains("服务台不能查看党员积分"))
    }

    @Test func enterOpensTheLedgerWithItsArithmeticAndAApproves() throws {
        let (market, _) = try membersMarket()
        for (width, height) in [(80, 24), (120, 40)] {
            var m = try signedIn(market, width, height)
            for _ in 0..<3 { _ = Dashboard.update(&m, .key(.down)) }
            _ = Dashboard.update(&m, .key(.enter))
            #expect(m.screen == .member && m.openMember == "D1-04")
            let page = Dashboard.view(m)
            #expect(page.text.contains("合计 60 − 3 + 30 = 87，等次：合格"), "\(page.text)")
            try assertGolden(page, "member-ledger-\(width)x\(height)")
        }
        // 储云飞 (D2-03) has an entry with the secretary's approval: a records 程玉兰's (D2-02), asking first.
        var m = try signedIn(market, as: "shuji2")
        let row = try #require(MembersScreen.ledgers(m).firstIndex { $0.member.id == "D2-03" })
        for _ in 0..<row { _ = Dashboard.update(&m, .key(.down)) }
        _ = Dashboard.update(&m, .key(.enter))
        _ = Dashboard.update(&m, .key(.character("a")))
        guard case .approveLedger(let member, let panel, _, let own)? = m.entry?.purpose else {
            Issue.record("a opens the approval form")
            return
        }
        #expect(member == "D2-03" && panel == ["D2-01", "D2-02", "D2-03"] && own == "D2-01")
        _ = Dashboard.update(&m, .key(.tab))
        _ = Dashboard.update(&m, .key(.right))
        try assertGolden(Dashboard.view(m), "member-approve-80x24")
        _ = Dashboard.update(&m, .key(.enter))
        #expect(m.confirmation != nil, "the record is shown before it is made: \(m.entry?.refusal ?? "")")
        // Esc on the page goes back to the list.
        var back = try signedIn(market)
        _ = Dashboard.update(&back, .key(.enter))
        _ = Dashboard.update(&back, .key(.escape))
        #expect(back.screen == .members && back.openMember == nil)
    }

    @Test func aLedgerEntrysWithdrawalWaitsInTheReviewsTabForAManagersSecond() throws {
        var (market, _) = try membersMarket()
        let entry = try #require(market.memberPoints.entries.values.filter { $0.record.member == "D1-04" }.map(\.sequence).min())
        let proposal = UInt64(market.eventCount + 1)
        market.apply(Event(actor: "shuji1", at: "2026-11-26T03:00:00Z", key: "test:withdraw", body: .withdrawn(Withdrawal(target: entry, reason: "已请假，不应扣分"))), sequence: proposal)
        var m = try signedIn(market, as: "fuzhuren")
        _ = Dashboard.update(&m, .key(.character("7")))
        let items = WorkScreens.reviews(m)
        let item = try #require(items.first { $0.sequence == proposal })
        #expect(item.kind == .amendment && item.shop == "D1-04" && item.branch == 1 && item.text == "撤回党员积分 #\(entry)：已请假，不应扣分")
        m.reviewPosition.moveTo(try #require(items.firstIndex { $0.sequence == proposal }), count: items.count, visibleRows: 10)
        _ = Dashboard.update(&m, .key(.enter))
        #expect(m.confirmation != nil, "a manager other than the proposer seconds it: \(m.entry?.refusal ?? "")")
        #expect(m.confirmation?.dialog.details.contains { $0.contains("原记录：扣分") && $0.contains("（D1-04）") } == true)
    }
}
