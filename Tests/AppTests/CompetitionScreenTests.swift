import Core
import Reports
import Terminal
import Testing
@testable import App

/// The branches tab: 比发展/比服务/比和谐 with their measures, the method beside the ranking, shops
/// compared likewise, and each figure leading to the records behind it.
@Suite("Branches tab: 比发展/比服务/比和谐")
struct CompetitionScreenTests {
    private func signedIn(_ market: MarketState, _ language: Language, _ width: Int, _ height: Int) throws -> DashboardModel {
        var m = DashboardModel(language: language, dataDirectory: "/srv/chengxin", market: market, size: Size(width: width, height: height), today: SimpleDate(iso: "2026-11-26")!)
        m.logSummary = language.pick("日志 652 条 · 链头 0123456789ab", "652 records · head 0123456789ab")
        _ = Dashboard.update(&m, .authenticated(try #require(market.users["zhuren"])))
        _ = Dashboard.update(&m, .key(.character("3")))
        return m
    }

    @Test func eachKindWithItsMeasuresAndTheMethodInBothLanguages() throws {
        let market = try demoMarket()
        let standing = market.competition(.branches, period: .year(of: SimpleDate(iso: "2026-11-26")!))
        for language in [Language.zh, .en] {
            for (width, height) in [(80, 24), (120, 40)] {
                var m = try signedIn(market, language, width, height)
                #expect(m.screen == .branches)
                let suffix = (language == .en ? "en-" : "") + "\(width)x\(height)"
                for kind in ContributionKind.allCases {
                    let screen = Dashboard.view(m)
                    let ranking = try #require(standing.ranking(kind))
                    // The kind's caption, its measures as columns, the first place, the method.
                    #expect(screen.text.contains(CompetitionTables.caption(standing, kind, language)))
                    for entry in ranking.measures { #expect(screen.text.contains(entry.measure.name(language))) }
                    #expect(screen.rowText(4).contains(try #require(ranking.rows.first).name))
                    #expect(screen.text.contains(language.pick("排名方法（名次相加）", "Ranking (rank sum)")))
                    if kind == .development { try assertGolden(screen, "branches-\(suffix)") }
                    if kind == .service && language == .zh { try assertGolden(screen, "branches-service-\(suffix)") }
                    _ = Dashboard.update(&m, .key(.character("n")))
                }
                #expect(m.competitionKind == .development, "n cycles back")
            }
        }
    }

    @Test func theDemoRankingIsNotTheStarsRanking() throws {
        // Issue 20: the branch first by average stars (第四党支部) had the lowest satisfaction and
        // the most complaints: ranked on service it is last.
        let market = try demoMarket()
        let today = SimpleDate(iso: "2026-11-26")!
        let byStars = try #require(market.branchFigures(today: today).first)
        let service = try #require(market.competition(.branches, period: .year(of: today)).ranking(.service))
        #expect(service.rows.last?.unit == String(byStars.branch.number))
    }

    @Test func aFigureLeadsToTheRecordsBehindIt() throws {
        let market = try demoMarket()
        var m = try signedIn(market, .zh, 80, 24)
        // 比服务, the first row, 满意率: complaints, on the complaints tab limited to them.
        _ = Dashboard.update(&m, .key(.character("n")))
        let ranking = try #require(CompetitionScreen.ranking(m))
        let figure = ranking.rows[0].figures[0]
        #expect(!figure.receipts.isEmpty)
        _ = Dashboard.update(&m, .key(.enter))
        #expect(m.screen == .complaints)
        #expect(Dashboard.queue(m).map(\.filed.receipt).sorted() == figure.receipts)
        #expect(Dashboard.view(m).rowText(23).contains("依据：比服务"))
        _ = Dashboard.update(&m, .key(.escape))
        #expect(m.complaintFilter == nil)
        // 比发展, 整改按期率 of the first row: inspections, on the records tab limited to them.
        _ = Dashboard.update(&m, .key(.character("3")))
        _ = Dashboard.update(&m, .key(.character("n")))
        _ = Dashboard.update(&m, .key(.character("n")))
        #expect(m.competitionKind == .development)
        _ = Dashboard.update(&m, .key(.right))
        let development = try #require(CompetitionScreen.ranking(m))
        let onTime = development.rows[0].figures[1]
        #expect(onTime.measure == .rectificationsOnTime && !onTime.records.isEmpty && onTime.receipts.isEmpty)
        let effects = Dashboard.update(&m, .key(.enter))
        #expect(m.screen == .audit && effects == [.loadAudit])
        let rows = (1...700).map { AuditRow(sequence: UInt64($0), at: "2026-11-26T01:00:00Z", actor: "zhuren", type: "inspection.recorded", subject: "A101") }
        _ = Dashboard.update(&m, .auditLoaded(rows.reversed(), chain: "完好"))
        #expect(Set(AuditScreen.rows(m).map(\.sequence)) == Set(onTime.records))
        #expect(Dashboard.view(m).rowText(1).contains("依据：比发展"))
        _ = Dashboard.update(&m, .key(.escape))
        #expect(m.auditRecords == nil && AuditScreen.rows(m).count == 700)
        // A figure without records says so.
        _ = Dashboard.update(&m, .key(.character("3")))
        _ = Dashboard.update(&m, .key(.left))
        _ = Dashboard.update(&m, .key(.enter))
        #expect(m.screen == .branches && m.notice == "这个数字背后没有记录")
    }

    @Test func shopsComparedInTheMarketOrOneBranch() throws {
        let market = try demoMarket()
        var m = try signedIn(market, .zh, 80, 24)
        _ = Dashboard.update(&m, .key(.character("s")))
        #expect(m.competitionScope == .shops(branch: nil))
        #expect(CompetitionScreen.ranking(m)?.rows.count == market.merchants.count)
        try assertGolden(Dashboard.view(m), "branches-shops-80x24")
        _ = Dashboard.update(&m, .key(.character("b")))
        #expect(m.competitionScope == .shops(branch: 1))
        #expect(CompetitionScreen.ranking(m)?.rows.allSatisfy { market.merchant(shopNumber: $0.unit)?.branch == 1 } == true)
        // The list scrolls to its last row.
        _ = Dashboard.update(&m, .key(.end))
        #expect(m.competitionPosition.selected == market.merchants.filter { $0.branch == 1 }.count - 1)
        _ = Dashboard.update(&m, .key(.character("s")))
        #expect(m.competitionScope == .branches)
        // A secretary compares their own branch's shops.
        var secretary = DashboardModel(language: .zh, dataDirectory: "/srv", market: market, size: Size(width: 80, height: 24), today: m.today)
        _ = Dashboard.update(&secretary, .authenticated(try #require(market.users["shuji2"])))
        _ = Dashboard.update(&secretary, .key(.character("3")))
        _ = Dashboard.update(&secretary, .key(.character("s")))
        _ = Dashboard.update(&secretary, .key(.character("b")))
        #expect(secretary.competitionScope == .shops(branch: 2))
    }
}
