import Codec
import Reports
import Testing
@testable import Core

/// Issue 20, requirement 6: pledges dated and withdrawable, as events; duties and dated pledges
/// on the public notice.
@Suite("Pledges: dated, made and withdrawn")
struct PledgeTests {
    func made(_ shop: String, _ day: String, _ text: String, _ integrity: Integrity = .price) -> EventBody {
        .pledgeMade(PledgeMade(shop: shop, date: date(day), integrity: integrity, text: text))
    }

    func withdrawn(_ shop: String, _ day: String, _ text: String, reason: String = "已不再适用") -> EventBody {
        .pledgeWithdrawn(PledgeWithdrawn(shop: shop, date: date(day), text: text, reason: reason))
    }

    @Test func rosterPledgesAreDatedByTheirRosterRecordAndNewOnesByTheirOwnDate() throws {
        var s = try Scenario()
        let roster = s.state.datedPledges(of: "A101")
        #expect(!roster.isEmpty && roster.allSatisfy { $0.date == date("2026-01-01") && $0.sequence == nil && $0.stands })
        #expect(refusal(s, made("A101", "2026-06-01", "免费清洗眼镜"), by: s.secretary1, today: "2026-06-01") == nil)
        let record = s.add(made("A101", "2026-06-01", "免费清洗眼镜", .consumer), by: "gu")
        let now = s.state.datedPledges(of: "A101")
        #expect(now.count == roster.count + 1)
        #expect(now.last?.sequence == record && now.last?.date == date("2026-06-01") && now.last?.pledge == Pledge(integrity: .consumer, text: "免费清洗眼镜"))
        #expect(now.last?.label(.zh) == "[消费诚信] 免费清洗眼镜（2026-06-01 起）")
    }

    @Test func makingAPledgeIsRefusedOutsideItsRules() throws {
        var s = try Scenario()
        let kiosk = User(name: "desk9", displayName: "服务台", role: .kiosk, pin: s.manager.pin)
        s.add(.userRegistered(kiosk), by: "li")
        #expect(refusal(s, made("A101", "2026-06-01", "新承诺"), by: kiosk, today: "2026-06-01") != nil)
        #expect(refusal(s, made("A101", "2026-06-01", "新承诺"), by: s.secretary2, today: "2026-06-01")?.contains("只能处理本支部") == true)
        #expect(refusal(s, made("Z999", "2026-06-01", "新承诺"), by: s.manager, today: "2026-06-01")?.contains("没有店铺号") == true)
        #expect(refusal(s, made("A101", "2026-06-02", "新承诺"), by: s.manager, today: "2026-06-01")?.contains("晚于今天") == true)
        #expect(refusal(s, made("A101", "2026-06-01", "  "), by: s.manager, today: "2026-06-01") != nil)
        #expect(refusal(s, made("A101", "2026-06-01", String(repeating: "诚", count: 501)), by: s.manager, today: "2026-06-01") != nil)
        let existing = try #require(s.state.merchant(shopNumber: "A101")?.pledges.first?.text)
        #expect(refusal(s, made("A101", "2026-06-01", existing), by: s.manager, today: "2026-06-01")?.contains("已有这条承诺") == true)
        #expect(refusal(s, made("A101", "2026-06-01", "新承诺"), by: s.manager, today: "2026-06-01") == nil)
    }

    @Test func aWithdrawnPledgeIsKeptMarkedAndLeavesThePublicBoard() throws {
        var s = try Scenario()
        let rosterText = try #require(s.state.merchant(shopNumber: "A101")?.pledges.first?.text)
        s.add(made("A101", "2026-05-01", "免费清洗眼镜"), by: "gu")
        // Refusals: no reason, no such standing pledge, before the pledge, another branch's secretary.
        #expect(refusal(s, withdrawn("A101", "2026-06-01", "免费清洗眼镜", reason: " "), by: s.secretary1, today: "2026-06-01")?.contains("原因") == true)
        #expect(refusal(s, withdrawn("A101", "2026-06-01", "没有这条"), by: s.secretary1, today: "2026-06-01")?.contains("没有内容为") == true)
        #expect(refusal(s, withdrawn("A101", "2026-04-30", "免费清洗眼镜"), by: s.secretary1, today: "2026-05-02")?.contains("早于承诺日期") == true)
        #expect(refusal(s, withdrawn("A101", "2026-06-01", "免费清洗眼镜"), by: s.secretary2, today: "2026-06-01") != nil)
        let record = s.add(withdrawn("A101", "2026-06-01", "免费清洗眼镜", reason: "并入新的服务承诺"), by: "gu")
        s.add(withdrawn("A101", "2026-06-01", rosterText), by: "li")
        let state = s.state
        let all = state.datedPledges(of: "A101")
        let gone = try #require(all.first { $0.pledge.text == "免费清洗眼镜" })
        #expect(gone.withdrawal?.sequence == record && gone.withdrawnBy == "gu" && gone.withdrawal?.value.reason == "并入新的服务承诺")
        #expect(gone.label(.zh) == "[价格诚信] 免费清洗眼镜（2026-05-01 起）——2026-06-01 撤回：并入新的服务承诺")
        #expect(all.first { $0.pledge.text == rosterText }?.stands == false, "a roster pledge is withdrawn the same way")
        #expect(!state.standingPledges(of: "A101").contains { $0.pledge.text == "免费清洗眼镜" || $0.pledge.text == rosterText })
        // Withdrawn once: a second withdrawal finds no standing pledge.
        #expect(refusal(s, withdrawn("A101", "2026-06-01", "免费清洗眼镜"), by: s.manager, today: "2026-06-01") != nil)
        // The record survives a snapshot; the notice shows the standing pledges with their dates only.
        let snapshot = try #require(MarketSnapshot.decode(try MarketSnapshot.encode(state)))
        #expect(snapshot.datedPledges(of: "A101") == all)
        let md = PublicNotice.render(state, asOf: date("2026-06-30"), format: .md)
        let row = md.split(separator: "\n").first { $0.hasPrefix("| A101 |") }.map(String.init) ?? ""
        #expect(!row.contains("免费清洗眼镜") && !row.contains(rosterText) && row.contains("（2026-01-01 登记）"))
    }
}

/// Issue 20, requirement 6: a new version of the code of conduct, and checklist items citing its articles.
@Suite("Code of conduct: new versions, articles cited by the checklist")
struct ConductTests {
    func version(_ n: Int, _ from: String, articles: Int) -> EventBody {
        .conductPublished(CodeOfConduct(version: n, effectiveFrom: date(from), articles: (1...max(1, articles)).map { "第 \($0) 条内容" }.prefix(articles).map { $0 }))
    }

    @Test func theShippedChecklistCitesArticlesOfTheShippedCode() throws {
        let s = try Scenario()
        let items = try #require(s.state.checklist?.items)
        let articles = try #require(s.state.conduct?.value.articles.count)
        #expect(items.allSatisfy { ($0.article ?? 0) >= 1 && ($0.article ?? 0) <= articles })
        #expect(items.first { $0.id == "PRI-1" }?.citation(.zh) == "（守则第 2 条）")
        #expect(ChecklistItem(id: "X", category: .price, text: "t").citation(.zh).isEmpty)
    }

    @Test func aSeedCitingAnArticleTheCodeLacksIsRefused() throws {
        var files = try shippedSeedFiles()
        files["checklist.csv"] = "编号,类别,检查项,守则条款\nPRI-1,价格诚信,明码标价,99\n"
        #expect(throws: SeedProblems.self) { try SeedLoader.load(files: files) }
        files["checklist.csv"] = "编号,类别,检查项,守则条款\nPRI-1,价格诚信,明码标价,二\n"
        #expect(throws: SeedProblems.self) { try SeedLoader.load(files: files) }
        files["checklist.csv"] = "编号,类别,检查项\nPRI-1,价格诚信,明码标价\n"
        #expect(try SeedLoader.load(files: files).checklist.first?.article == nil, "the column is optional")
    }

    @Test func aNewVersionIsPublishedByAManagerUnderItsRules() throws {
        var s = try Scenario()
        let current = try #require(s.state.conduct?.value)
        let cited = try #require(s.state.checklist?.items.compactMap(\.article).max())
        let today = "2026-06-01"
        #expect(refusal(s, version(current.version + 1, "2026-07-01", articles: 9), by: s.secretary1, today: today) != nil)
        #expect(refusal(s, version(current.version + 2, "2026-07-01", articles: 9), by: s.manager, today: today)?.contains("应为第 \(current.version + 1) 版") == true)
        #expect(refusal(s, version(current.version + 1, current.effectiveFrom.description, articles: 9), by: s.manager, today: today)?.contains("之后施行") == true)
        #expect(refusal(s, version(current.version + 1, "2026-01-02", articles: 9), by: s.manager, today: today)?.contains("天前") == true)
        #expect(refusal(s, version(current.version + 1, "2026-07-01", articles: 0), by: s.manager, today: today)?.contains("至少要有一条") == true)
        #expect(refusal(s, version(current.version + 1, "2026-07-01", articles: cited - 1), by: s.manager, today: today)?.contains("引用守则第 \(cited) 条") == true)
        #expect(refusal(s, version(current.version + 1, "2026-07-01", articles: 9), by: s.manager, today: today) == nil)
        let record = s.add(version(current.version + 1, "2026-07-01", articles: 9), by: "li")
        let state = s.state
        #expect(state.conduct?.sequence == record && state.conduct?.value.version == current.version + 1 && state.conduct?.value.articles.count == 9)
        #expect(refusal(s, version(current.version + 1, "2026-08-01", articles: 9), by: s.manager, today: today) != nil, "each version once")
    }
}
