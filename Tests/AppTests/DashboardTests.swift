import Foundation
import Testing
@testable import App
import Core
import Terminal
import TestSupport

/// The shipped roster folded into a market state, as `chengxin init` records it.
func shippedMarket() throws -> MarketState {
    var files: [String: String] = [:]
    for name in SeedLoader.fileNames {
        files[name] = try String(contentsOf: packageRoot.appendingPathComponent("seeds/\(name)"), encoding: .utf8)
    }
    return MarketState(events: try SeedLoader.load(files: files).events(actor: "system", at: "2026-11-27T00:00:00Z"))
}

/// Compares a rendered screen with its golden file under __Snapshots__. Set
/// CHENGXIN_UPDATE_GOLDEN=1 to write the golden files anew (then review the diff).
func assertGolden(_ grid: Grid, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__/\(name).txt")
    let mismatch = try goldenMismatch(grid.text + "\n", at: url)
    #expect(mismatch == nil, "screen \(name) differs from its golden file:\n\(grid.text)", sourceLocation: sourceLocation)
}

/// The shipped roster plus the deterministic demo year (users, inspections, complaints, points, an appeal).
func demoMarket() throws -> MarketState {
    var files: [String: String] = [:]
    for name in SeedLoader.fileNames {
        files[name] = try String(contentsOf: packageRoot.appendingPathComponent("seeds/\(name)"), encoding: .utf8)
    }
    let roster = try SeedLoader.load(files: files).events(actor: "system", at: "2026-01-01T00:00:00Z")
    let history = try DemoHistory.events(after: roster) { pin in try PINHash.make(pin: pin, salt: Array(repeating: 1, count: 16), rounds: 1024) }
    return MarketState(events: roster + history)
}

func model(_ market: MarketState?, _ width: Int, _ height: Int, language: Language = .zh) -> DashboardModel {
    var model = DashboardModel(language: language, dataDirectory: "/srv/chengxin", market: market, size: Size(width: width, height: height), today: SimpleDate(iso: "2026-11-27")!)
    if market != nil { model.logSummary = "日志 104 条 · 链头 0123456789ab" }
    return model
}

@Suite("Dashboard screens")
struct DashboardTests {
    @Test func merchantsTableAt80x24CellByCell() throws {
        let market = try shippedMarket()
        let grid = Dashboard.view(model(market, 80, 24))
        // Title bar, table header, 21 rows, status bar.
        #expect(grid.rowText(0).hasPrefix(" 诚信党建  1概览 2商户 3支部 4投诉"))
        #expect(grid.rowText(0).contains("100 家 · 5 个支部"))
        #expect(grid.rowText(1).hasPrefix(" 店铺号▲  店铺名称"))
        let first = market.merchants[0]
        // Row 2 is the first shop: shop number at column 1, its name starting at column 9.
        #expect(grid[1, 2].text == "A")
        #expect(grid[10, 2].text == String(first.name.first!))
        #expect(grid[10, 2].width == 2 && grid[11, 2].width == 0)
        #expect(grid[1, 2].style.reverse, "the selected row is highlighted")
        #expect(!grid[1, 3].style.reverse)
        // Every name column begins at the same display column on every row.
        let nameColumn = 10
        for (i, merchant) in market.merchantsByShopNumber.prefix(21).enumerated() {
            #expect(grid[nameColumn, 2 + i].text == String(merchant.name.first!), "row \(i)")
            #expect(grid.rowText(2 + i).contains("待评定"))
        }
        #expect(grid.rowText(23).contains("1/100"))
        #expect(grid.rowText(23).contains("?帮助  q退出"))
        try assertGolden(grid, "merchants-80x24")
    }

    @Test func merchantsTableAt120x40() throws {
        let market = try shippedMarket()
        let grid = Dashboard.view(model(market, 120, 40))
        // At 120 columns names, branches and plates in full; the business column from 130.
        #expect(!grid.rowText(1).contains("主营") && grid.rowText(2).contains("A101     鉴明镜架批发部    高娟    第一党支部  党员示范岗"))
        #expect(Dashboard.view(model(market, 140, 40)).rowText(1).contains("主营"))
        try assertGolden(grid, "merchants-120x40")
    }

    @Test func keysMoveSelectionAndScroll() throws {
        var m = model(try shippedMarket(), 80, 24)
        for _ in 0..<25 { _ = Dashboard.update(&m, .key(.character("j"))) }
        #expect(m.position == ListPosition(selected: 25, offset: 5))
        _ = Dashboard.update(&m, .key(.pageDown))
        #expect(m.position.selected == 46)
        _ = Dashboard.update(&m, .key(.character("G")))
        #expect(m.position.selected == 99)
        let grid = Dashboard.view(m)
        #expect(grid.rowText(22).contains(m.market!.merchantsByShopNumber[99].name))
        #expect(grid[1, 22].style.reverse)
        _ = Dashboard.update(&m, .key(.up))
        _ = Dashboard.update(&m, .key(.pageUp))
        #expect(m.position.selected == 77)
        _ = Dashboard.update(&m, .key(.home))
        #expect(m.position == ListPosition(selected: 0, offset: 0))
        #expect(Dashboard.update(&m, .key(.character("q"))) == [.quit])
    }

    @Test func helpOverlayListsTheActualBindings() throws {
        var m = model(try shippedMarket(), 80, 24)
        _ = Dashboard.update(&m, .key(.character("?")))
        let grid = Dashboard.view(m)
        let text = grid.text
        // At 80×24 every binding is listed (two columns, long descriptions cut with an ellipsis)…
        for binding in Dashboard.bindings(for: .merchants) {
            let keys = binding.keys.map(\.description).joined(separator: " / ")
            #expect(text.contains(keys + " "), "help lists \(keys)")
            #expect(text.contains(String(binding.zh.prefix(4))), "help describes \(keys)")
        }
        #expect(text.contains("↓ / j"))
        try assertGolden(grid, "help-80x24")
        // …and at 120×40 in full.
        var wide = model(try shippedMarket(), 120, 40)
        _ = Dashboard.update(&wide, .key(.character("?")))
        let wideText = Dashboard.view(wide).text
        for binding in Dashboard.bindings(for: .merchants) {
            #expect(wideText.contains(binding.zh), "help lists \(binding.zh)")
        }
        // Any key closes the help without acting behind it.
        #expect(Dashboard.update(&m, .key(.character("q"))) == [])
        #expect(!m.showHelp)
    }

    @Test func firstRunOffersTheShippedRoster() throws {
        var m = model(nil, 80, 24)
        let grid = Dashboard.view(m)
        #expect(grid.text.contains("还没有数据目录"))
        #expect(grid.text.contains("▶ 用随附名册创建数据目录"))
        try assertGolden(grid, "first-run-80x24")
        #expect(Dashboard.update(&m, .key(.enter)) == [.createFromShippedRoster])
        _ = Dashboard.update(&m, .key(.down))
        #expect(Dashboard.update(&m, .key(.enter)) == [.createDemo])
        #expect(Dashboard.view(m).text.contains("▶ 创建演示数据"))
        _ = Dashboard.update(&m, .key(.character("j")))
        _ = Dashboard.update(&m, .key(.character("j")))
        #expect(Dashboard.update(&m, .key(.enter)) == [.quit])
        _ = Dashboard.update(&m, .marketChanged(try shippedMarket(), logSummary: "x"))
        #expect(m.screen == .merchants)
    }

    @Test func englishOnRequest() throws {
        let grid = Dashboard.view(model(try shippedMarket(), 80, 24, language: .en))
        #expect(grid.rowText(1).contains("Shop"))
        #expect(grid.rowText(2).contains("awaiting"))
    }

    @Test func tooSmallSaysSoInsteadOfABrokenLayout() throws {
        let grid = Dashboard.view(model(try shippedMarket(), 60, 20))
        #expect(grid.text.contains("至少需要 80×24，现为 60×20"))
        #expect(!grid.text.contains("店铺号"))
    }
}

@Suite("Finding shops with /")
struct SearchTests {
    @Test func pinyinInitialsFilterTheTableAndTheCursorFollowsTheText() throws {
        var m = model(try shippedMarket(), 80, 24)
        _ = Dashboard.update(&m, .key(.character("/")))
        for c in "gj" { _ = Dashboard.update(&m, .key(.character(c))) }
        #expect(m.shownMerchants.contains { $0.owner == "高娟" })
        #expect(m.shownMerchants.allSatisfy { Pinyin.Key($0.name).matches("gj") || Pinyin.Key($0.owner).matches("gj") || Pinyin.Key($0.shopNumber).matches("gj") })
        var grid = Dashboard.view(m)
        #expect(grid.rowText(23).hasPrefix(" / 查找：gj"))
        #expect(grid.cursor == Position(x: DisplayWidth.of(" / 查找：") + 2, y: 23))
        _ = Dashboard.update(&m, .key(.enter))
        grid = Dashboard.view(m)
        #expect(grid.cursor == nil)
        #expect(grid.rowText(23).contains("查找“gj”：\(m.shown.count) 家"))
        _ = Dashboard.update(&m, .key(.escape))
        #expect(m.shown.count == 100 && m.filter.isEmpty)
    }

    @Test func chineseTypedThroughTheIMEFindsByName() throws {
        var m = model(try shippedMarket(), 80, 24)
        _ = Dashboard.update(&m, .key(.character("/")))
        for c in "老花镜" { _ = Dashboard.update(&m, .key(.character(c))) }
        #expect(!m.shownMerchants.isEmpty)
        #expect(m.shownMerchants.allSatisfy { $0.name.contains("老花镜") })
        let grid = Dashboard.view(m)
        #expect(grid.rowText(23).hasPrefix(" / 查找：老花镜"))
        #expect(grid.cursor?.x == DisplayWidth.of(" / 查找：老花镜"))
        #expect(grid.rowText(2).contains("老花镜"))
        _ = Dashboard.update(&m, .key(.escape))
        #expect(m.search == nil && m.shown.count == 100)
    }
}

@Suite("The shop screen")
struct ShopScreenTests {
    func marketWithHistory() throws -> MarketState {
        var files: [String: String] = [:]
        for name in SeedLoader.fileNames {
            files[name] = try String(contentsOf: packageRoot.appendingPathComponent("seeds/\(name)"), encoding: .utf8)
        }
        var events = try SeedLoader.load(files: files).events(actor: "system", at: "2026-01-01T00:00:00Z")
        let day = SimpleDate(iso: "2026-03-02")!
        events.append(Event(actor: "gu", at: "t", key: "i1", body: .inspectionRecorded(Inspection(
            shop: "A101", date: day, inspector: "gu", checklistVersion: 1,
            outcomes: [ItemOutcome(item: "PRI-1", result: .fail, severity: .serious, note: nil), ItemOutcome(item: "QUA-1", result: .pass)]))))
        events.append(Event(actor: "desk1", at: "t", key: "c1", body: .complaintFiled(ComplaintFiled(
            receipt: "K7QX-9M2A", shop: "A101", category: "price", integrity: .price, text: "标价不符", amountFen: 100, wants: ["refund"],
            consumerName: "张三丰", consumerPhone: "13812341234", consentToContact: true, date: day))))
        return MarketState(events: events)
    }

    @Test func enterOpensTheShopWithItsRatingExplainedAndEscGoesBack() throws {
        var m = model(try marketWithHistory(), 80, 24)
        _ = Dashboard.update(&m, .key(.enter))
        #expect(m.screen == .shop && m.openShop == "A101")
        let grid = Dashboard.view(m)
        let text = grid.text
        #expect(grid.rowText(0).hasPrefix(" A101  鉴明镜架批发部"))
        // At 80×24 the first screen has who the shop is, its stars and how they are reached.
        #expect(text.contains("【亮身份】") && text.contains("年度星级】") && text.contains("评定结果："))
        #expect(text.contains("+60  #2    基础分"))
        #expect(grid.rowText(22).contains("PgDn 下一页"), "the keys say there is more below")
        let all = ShopScreen.lines(m).map(\.text).joined(separator: "\n")
        #expect(all.contains("【亮承诺】") && all.contains("【亮职责】") && all.contains("【保障】"))
        #expect(all.contains("-5   #") && all.contains("2026-03-02 检查不合格（严重）：PRI-1"))
        #expect(all.contains("PRI-1（严重）期限 2026-03-09：已逾期"))
        // No line is cut: a long one wraps under its text.
        #expect(ShopScreen.lines(m).allSatisfy { DisplayWidth.of($0.text) <= 78 })
        try assertGolden(grid, "shop-80x24")
        // Scroll to the complaints: the consumer's name is masked, the phone never shown.
        for _ in 0..<40 { _ = Dashboard.update(&m, .key(.character("j"))) }
        let scrolled = Dashboard.view(m).text
        #expect(scrolled.contains("K7QX-9M2A") && scrolled.contains("张**"))
        #expect(!scrolled.contains("张三丰") && !scrolled.contains("1381234"))
        _ = Dashboard.update(&m, .key(.escape))
        #expect(m.screen == .merchants && m.position.selected == 0)
    }
}

@Suite("Tabs: overview, branches, complaint queue")
struct TabTests {
    @Test func everyTabAt80x24And120x40() throws {
        let market = try demoMarket()
        for (width, height) in [(80, 24), (120, 40)] {
            var m = DashboardModel(language: .zh, dataDirectory: "/srv/chengxin", market: market, size: Size(width: width, height: height), today: SimpleDate(iso: "2026-11-26")!)
            m.logSummary = "日志 652 条 · 链头 0123456789ab"
            #expect(m.screen == .login, "the demo has users")
            _ = Dashboard.update(&m, .authenticated(try #require(market.users["zhuren"])))
            _ = Dashboard.update(&m, .key(.character("1")))
            #expect(m.screen == .overview)
            let overview = Dashboard.view(m)
            #expect(overview.text.contains("2026 年度星级分布（100 家）"))
            #expect(overview.text.contains("近 12 个月投诉："))
            try assertGolden(overview, "overview-\(width)x\(height)")
            _ = Dashboard.update(&m, .key(.tab))
            #expect(m.screen == .merchants)
            _ = Dashboard.update(&m, .key(.tab))
            let branches = Dashboard.view(m)
            #expect(m.screen == .branches)
            #expect(branches.text.contains("名次") && branches.text.contains("第一党支部"))
            try assertGolden(branches, "branches-\(width)x\(height)")
            _ = Dashboard.update(&m, .key(.character("4")))
            let queue = Dashboard.view(m)
            let open = market.complaintQueue(today: m.today)
            #expect(queue.rowText(2).contains(open[0].filed.receipt), "overdue first")
            #expect(queue.rowText(2).contains("逾期"))
            try assertGolden(queue, "complaints-\(width)x\(height)")
            _ = Dashboard.update(&m, .key(.backTab))
            #expect(m.screen == .branches)
        }
    }
}

@Suite("Sorting the merchants table")
struct SortTests {
    @Test func byAnyColumnChineseByPinyinStarsHighestFirst() throws {
        var m = model(try shippedMarket(), 120, 40)
        _ = Dashboard.update(&m, .key(.character("s")))
        #expect(m.sortColumn == 1)
        let names = m.shownMerchants.map(\.name)
        #expect(names == names.sorted(by: Pinyin.ascending))
        _ = Dashboard.update(&m, .key(.character("s")))
        let owners = m.shownMerchants.map(\.owner)
        #expect(owners == owners.sorted(by: Pinyin.ascending))
        #expect(Dashboard.view(m).rowText(1).contains("经营者▲"))
        _ = Dashboard.update(&m, .key(.character("S")))
        #expect(m.shownMerchants.map(\.owner) == owners.reversed())
        #expect(Dashboard.view(m).rowText(1).contains("经营者▼"))
        for _ in 0..<3 { _ = Dashboard.update(&m, .key(.character("s"))) }
        #expect(m.sortColumn == 6 && m.sortDescending, "stars sort highest first")
        #expect(Dashboard.view(m).rowText(1).contains("星级▼"))
    }
}

@Suite("Login and roles")
struct LoginTests {
    func marketWithUsers() throws -> (MarketState, User, User) {
        var files: [String: String] = [:]
        for name in SeedLoader.fileNames {
            files[name] = try String(contentsOf: packageRoot.appendingPathComponent("seeds/\(name)"), encoding: .utf8)
        }
        var events = try SeedLoader.load(files: files).events(actor: "system", at: "2026-01-01T00:00:00Z")
        let hash = try PINHash.make(pin: "123456", salt: Array(repeating: 2, count: 16), rounds: 1024)
        let manager = User(name: "li", displayName: "李主任", role: .manager, pin: hash)
        let secretary = User(name: "wang", displayName: "王书记", role: .secretary(branch: 2), pin: hash)
        events.append(Event(actor: "system", at: "t", key: "u1", body: .userRegistered(manager)))
        events.append(Event(actor: "li", at: "t", key: "u2", body: .userRegistered(secretary)))
        return (MarketState(events: events), manager, secretary)
    }

    @Test func theLoginFormTypesANameAndAMaskedPIN() throws {
        let (market, _, secretary) = try marketWithUsers()
        var m = model(market, 80, 24)
        #expect(m.screen == .login)
        for c in "wang" { _ = Dashboard.update(&m, .key(.character(c))) }
        _ = Dashboard.update(&m, .key(.tab))
        for c in "12a34" { _ = Dashboard.update(&m, .key(.character(c))) }
        var grid = Dashboard.view(m)
        #expect(grid.text.contains("wang"))
        #expect(grid.rowText(8).contains("●●●●") && !grid.rowText(8).contains("1"))
        #expect(grid.text.contains("PIN 只含数字"))
        try assertGolden(grid, "login-80x24")
        #expect(Dashboard.update(&m, .key(.enter)) == [.authenticate(user: "wang", pin: "1234")])
        _ = Dashboard.update(&m, .authenticationFailed("用户名或 PIN 不正确（第 1 次）"))
        #expect(m.login.pin.text.isEmpty && Dashboard.view(m).text.contains("用户名或 PIN 不正确"))
        // The secretary sees the shops of their own branch.
        _ = Dashboard.update(&m, .authenticated(secretary))
        #expect(m.screen == .merchants)
        #expect(m.shownMerchants.count == market.merchants.filter { $0.branch == 2 }.count)
        #expect(m.shownMerchants.allSatisfy { $0.branch == 2 })
        grid = Dashboard.view(m)
        #expect(grid.rowText(23).contains("王书记（第 2 支部书记）") || grid.rowText(23).contains("欢迎，王书记"))
    }

    @Test func aManagerSeesEveryShop() throws {
        let (market, manager, _) = try marketWithUsers()
        var m = model(market, 80, 24)
        _ = Dashboard.update(&m, .authenticated(manager))
        #expect(m.shown.count == 100)
        _ = Dashboard.update(&m, .key(.character("j")))
        #expect(Dashboard.view(m).rowText(23).contains("李主任（市场管理方）"))
    }
}

@Suite("Recording an inspection from the shop screen")
struct InspectionFormTests {
    @Test func failuresWithTheirDeadlineRecordedAfterSeeingWhatIsRecorded() throws {
        let (market, manager, secretary) = try LoginTests().marketWithUsers()
        var m = model(market, 80, 24)
        _ = Dashboard.update(&m, .authenticated(manager))
        _ = Dashboard.update(&m, .key(.enter))
        #expect(m.openShop == "A101")
        _ = Dashboard.update(&m, .key(.character("i")))
        #expect(m.screen == .inspection)
        _ = Dashboard.update(&m, .key(.character("j")))
        _ = Dashboard.update(&m, .key(.character("3")))
        let grid = Dashboard.view(m)
        let item = market.checklist!.items[1]
        #expect(grid.text.contains("\(item.id) "))
        #expect(grid.text.contains("不合格（严重）整改期限 \(market.calendar.addingWorkingDays(5, to: m.today))"))
        try assertGolden(grid, "inspection-80x24")
        // Enter asks (the one shared question), showing what will be recorded; Enter again (否 is
        // highlighted) goes back to the form, y records.
        #expect(Dashboard.update(&m, .key(.enter)).isEmpty)
        var asked = Dashboard.view(m).text
        #expect(asked.contains("确认记录") && asked.contains("A101  \(m.today)  不合格 1 项：\(item.id)（严重）") && asked.contains("记录（y）"), "\(asked)")
        #expect(Dashboard.update(&m, .key(.enter)).isEmpty)
        #expect(m.confirmation == nil && m.screen == .inspection)
        // Esc asks before throwing away what was entered; Enter keeps the form (否 is highlighted).
        _ = Dashboard.update(&m, .key(.escape))
        asked = Dashboard.view(m).text
        #expect(asked.contains("放弃填写的内容？") && asked.contains("\(item.id)（严重）"), "\(asked)")
        _ = Dashboard.update(&m, .key(.enter))
        #expect(m.screen == .inspection && m.inspectionForm?.marks.contains(.serious) == true)
        _ = Dashboard.update(&m, .key(.enter))
        let effects = Dashboard.update(&m, .key(.character("y")))
        guard case .record(.inspectionRecorded(let inspection), let by)? = effects.first else {
            Issue.record("Enter records the inspection")
            return
        }
        #expect(by == manager && inspection.shop == "A101" && inspection.date == m.today)
        #expect(inspection.failures.map(\.item) == [item.id] && inspection.failures.first?.severity == .serious)
        #expect(inspection.outcomes.count == market.checklist!.items.count)
        #expect(m.screen == .shop)
        // A secretary of another branch is refused on the spot.
        var other = model(market, 80, 24)
        _ = Dashboard.update(&other, .authenticated(secretary))
        _ = Dashboard.update(&other, .key(.escape))
        other.openShop = "A101"
        _ = Dashboard.update(&other, .key(.character("i")))
        #expect(other.screen == .shop)
        #expect(other.notice?.contains("只能为本支部的商户记录检查") == true)
    }
}

@Suite("Mouse")
struct MouseTests {
    @Test func clickSelectsClickAgainOpensWheelScrollsAndTabsAreClickable() throws {
        var m = model(try shippedMarket(), 80, 24)
        _ = Dashboard.update(&m, .key(.mouse(.left, x: 5, y: 6)))
        #expect(m.position.selected == 4)
        _ = Dashboard.update(&m, .key(.mouse(.left, x: 20, y: 6)))
        #expect(m.screen == .shop && m.openShop == m.market!.merchants[4].shopNumber)
        _ = Dashboard.update(&m, .key(.mouse(.wheelDown, x: 5, y: 6)))
        #expect(m.detailScroll == 3)
        _ = Dashboard.update(&m, .key(.escape))
        _ = Dashboard.update(&m, .key(.mouse(.wheelDown, x: 5, y: 6)))
        #expect(m.position.selected == 7)
        // Clicks outside the rows change nothing.
        _ = Dashboard.update(&m, .key(.mouse(.left, x: 5, y: 23)))
        #expect(m.position.selected == 7 && m.screen == .merchants)
        // A click on "3支部" in the title bar.
        let branches = Dashboard.tabRanges(m).first { $0.tab == .branches }!.columns
        _ = Dashboard.update(&m, .key(.mouse(.left, x: branches.lowerBound + 1, y: 0)))
        #expect(m.screen == .branches)
    }
}

@Suite("Handling a complaint in the dashboard")
struct ComplaintScreenTests {
    @Test func theQueueOpensACaseAndOffersOnlyTheAllowedSteps() throws {
        let (base, manager, _) = try LoginTests().marketWithUsers()
        let events: [Event] = []
        _ = events
        var m = model(base, 80, 24)
        _ = Dashboard.update(&m, .authenticated(manager))
        // A case filed at the kiosk.
        var market = base
        market.apply(Event(actor: "desk1", at: "t", key: "c1", body: .complaintFiled(ComplaintFiled(
            receipt: "K7QX-9M2A", shop: "A101", category: "quality", integrity: .quality, text: "镜片有划痕", amountFen: 68_050,
            wants: ["exchange"], consumerName: "张三丰", consumerPhone: "13812341234", consentToContact: true, date: m.today))), sequence: 200)
        _ = Dashboard.update(&m, .marketChanged(market, logSummary: "x"))
        _ = Dashboard.update(&m, .key(.character("4")))
        _ = Dashboard.update(&m, .key(.enter))
        #expect(m.screen == .complaint)
        var text = Dashboard.view(m).text
        #expect(text.contains("消费者：张**  138****1234"), "masked: li is not handling the case")
        #expect(text.contains("金额：680.50"))
        _ = Dashboard.update(&m, .key(.character("a")))
        text = Dashboard.view(m).text
        #expect(text.contains("▶ 受理") && text.contains("不予受理") && !text.contains("办结"))
        // Reject with a coded reason.
        _ = Dashboard.update(&m, .key(.character("j")))
        _ = Dashboard.update(&m, .key(.enter))
        #expect(Dashboard.view(m).text.contains("不予受理的原因"))
        // The reason chosen, the question shows what will be recorded; Enter alone says no.
        #expect(Dashboard.update(&m, .key(.enter)).isEmpty)
        text = Dashboard.view(m).text
        #expect(text.contains("确认记录：不予受理 K7QX-9M2A") && text.contains("投诉 K7QX-9M2A · A101") && text.contains("已登记 → 不予受理"), "\(text)")
        #expect(Dashboard.update(&m, .key(.enter)).isEmpty && m.confirmation == nil && m.complaintFlow != nil, "no is the default: back to the reasons")
        _ = Dashboard.update(&m, .key(.enter))
        let effects = Dashboard.update(&m, .key(.character("y")))
        guard case .record(.complaintStep(let step), let by)? = effects.first else {
            Issue.record("a step is submitted")
            return
        }
        #expect(by == manager && step.receipt == "K7QX-9M2A")
        if case .reject(let reason) = step.action {
            #expect(ComplaintCodes.rejectReasons[reason] != nil)
        } else {
            Issue.record("reject chosen")
        }
        _ = Dashboard.update(&m, .key(.escape))
        #expect(m.screen == .complaints)
    }
}

@Suite("Themes")
struct ThemeTests {
    @Test func monoKeepsEmphasisWithoutColours() throws {
        var m = model(try shippedMarket(), 80, 24)
        m.theme = .mono
        let grid = Dashboard.view(m)
        #expect(grid[1, 0].style.foreground == .standard && grid[1, 0].style.background == .standard)
        #expect(grid[1, 0].style.reverse, "the title bar still stands out")
        let current = Dashboard.tabRanges(m).first { $0.tab == .merchants }!.columns.lowerBound + 1
        #expect(grid[current, 0].style.underline, "the current tab is underlined")
        m.theme = .light
        #expect(Dashboard.view(m)[1, 0].style.background == .cyan)
        #expect(Theme.named("dark") == .dark && Theme.named("sepia") == nil)
    }
}

@Suite("A secretary's queue")
struct SecretaryQueueTests {
    @Test func onlyComplaintsAboutTheBranchsShops() throws {
        let market = try demoMarket()
        var m = DashboardModel(language: .zh, dataDirectory: "/srv", market: market, size: Size(width: 80, height: 24), today: SimpleDate(iso: "2026-11-26")!)
        _ = Dashboard.update(&m, .authenticated(try #require(market.users["shuji1"])))
        let queue = Dashboard.queue(m)
        #expect(!queue.isEmpty)
        #expect(queue.count < market.complaintQueue(today: m.today).count)
        #expect(queue.allSatisfy { c in c.filed.shop.flatMap { market.merchant(shopNumber: $0)?.branch } == 1 })
    }
}

@Suite("The audit tab")
struct AuditTests {
    @Test func historyFilteredByActorTypeOrSubjectWithTheChainsState() throws {
        var m = model(try shippedMarket(), 80, 24)
        #expect(Dashboard.update(&m, .key(.character("5"))) == [.loadAudit])
        #expect(Dashboard.view(m).text.contains("正在读取记录"))
        let rows = [
            AuditRow(sequence: 3, at: "2026-03-03T02:00:00Z", actor: "li", type: "inspection.recorded", subject: "A101"),
            AuditRow(sequence: 2, at: "2026-03-02T02:00:00Z", actor: "desk1", type: "complaint.filed", subject: "K7QX-9M2A A102"),
            AuditRow(sequence: 1, at: "2026-01-01T00:00:00Z", actor: "system", type: "merchant.registered", subject: "A101"),
        ]
        _ = Dashboard.update(&m, .auditLoaded(rows, chain: "完好，3 条，链头 abc"))
        var grid = Dashboard.view(m)
        #expect(grid.rowText(1).contains("哈希链：完好，3 条，链头 abc"))
        // What happened in people's words, when in the market's time (UTC+8).
        #expect(grid.rowText(3).contains("2026-03-03 10:00") && grid.rowText(3).contains("记录检查") && !grid.text.contains("inspection.recorded"))
        #expect(grid.rowText(2).contains("时间（北京时间）"))
        _ = Dashboard.update(&m, .key(.character("/")))
        for c in "a101" { _ = Dashboard.update(&m, .key(.character(c))) }
        #expect(Dashboard.view(m).rowText(23).hasPrefix(" / 筛选：a101"), "the filter is shown while typed")
        _ = Dashboard.update(&m, .key(.enter))
        grid = Dashboard.view(m)
        #expect(AuditScreen.rows(m).map(\.sequence) == [3, 1])
        #expect(!grid.text.contains("complaint.filed"))
        _ = Dashboard.update(&m, .key(.escape))
        #expect(AuditScreen.rows(m).count == 3)
        _ = Dashboard.update(&m, .key(.character("1")))
        #expect(m.screen == .overview)
    }
}

@Suite("Filtering by branch and stars")
struct FilterTests {
    @Test func bCyclesBranchesAndStarCyclesStarLevels() throws {
        var m = model(try shippedMarket(), 80, 24)
        _ = Dashboard.update(&m, .key(.character("b")))
        #expect(m.branchFilter == 1 && m.shownMerchants.allSatisfy { $0.branch == 1 })
        #expect(Dashboard.view(m).rowText(23).contains("筛选：第 1 支部（\(m.shown.count) 家）"))
        for _ in 0..<5 { _ = Dashboard.update(&m, .key(.character("b"))) }
        #expect(m.branchFilter == nil && m.shown.count == 100)
        _ = Dashboard.update(&m, .key(.character("*")))
        #expect(m.starFilter == 5 && m.shown.isEmpty, "nobody is rated before an inspection")
        for _ in 0..<5 { _ = Dashboard.update(&m, .key(.character("*"))) }
        #expect(m.starFilter == 0 && m.shown.count == 100, "all awaiting")
        _ = Dashboard.update(&m, .key(.character("*")))
        #expect(m.starFilter == nil)
    }
}
