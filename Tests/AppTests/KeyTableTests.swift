import Testing
@testable import App
import Core
import Terminal

/// A manager (or `name`) logged in on the demo market at 2026-11-26, on the merchants tab.
private func signedIn(_ market: MarketState, _ width: Int = 80, _ height: Int = 24, as name: String = "zhuren") throws -> DashboardModel {
    var m = DashboardModel(language: .zh, dataDirectory: "/srv/chengxin", market: market, size: Size(width: width, height: height), today: SimpleDate(iso: "2026-11-26")!)
    _ = Dashboard.update(&m, .authenticated(try #require(market.users[name])))
    m.notice = nil
    return m
}

private func press(_ keys: [Key], _ m: inout DashboardModel) -> [DashboardEffect] {
    keys.flatMap { Dashboard.update(&m, .key($0)) }
}

private func type(_ text: String, _ m: inout DashboardModel) {
    for c in text { _ = Dashboard.update(&m, .key(.character(c))) }
}

/// Every key a person can press that the tables could list: printable ASCII, a Chinese character
/// and a full-width letter as an IME sends them, the named keys, Ctrl plus a letter, F1–F12.
private let everyKey: [Key] = (32...126).compactMap { Unicode.Scalar($0).map { Key.character(Character($0)) } }
    + [.character("镜"), .character("Ｋ")]
    + [.up, .down, .left, .right, .pageUp, .pageDown, .home, .end, .enter, .escape, .tab, .backTab, .backspace, .delete]
    + "abcdefghijklmnopqrstuvwxyz".map { Key.control($0) } + (1...12).map { Key.function($0) }

/// The dashboard in each place keys can go, on the demo market.
private func model(in context: KeyContext, _ market: MarketState) throws -> DashboardModel {
    var m = try signedIn(market)
    let complaint = try #require(market.complaintQueue(today: m.today).first { $0.state == .filed }).filed.receipt
    switch context {
    case .screen(.firstRun):
        m = DashboardModel(language: .zh, dataDirectory: "/srv", market: nil, size: Size(width: 80, height: 24), today: m.today)
    case .screen(.login):
        m = DashboardModel(language: .zh, dataDirectory: "/srv", market: market, size: Size(width: 80, height: 24), today: m.today)
    case .screen(.merchants): break
    case .screen(.shop): m.openShop = "D104"
    case .screen(.inspection):
        m.openShop = "D104"
        _ = press([.character("i")], &m)
    case .screen(.complaint):
        m.tab = .complaints
        m.openComplaint = complaint
    case .screen(.overview): m.tab = .overview
    case .screen(.branches): m.tab = .branches
    case .screen(.complaints): m.tab = .complaints
    case .screen(.audit):
        _ = press([.character("5")], &m)
        let rows = (1...40).map { AuditRow(sequence: UInt64(41 - $0), at: "2026-11-26T01:00:00Z", actor: $0 % 2 == 0 ? "zhuren" : "shuji1", type: "inspection.recorded", subject: "A101") }
        _ = Dashboard.update(&m, .auditLoaded(rows, chain: "完好"))
    case .screen(.inspections): m.tab = .inspections
    case .screen(.reviews): m.tab = .reviews
    case .screen(.members): m.tab = .members
    case .screen(.member):
        m.tab = .members
        m.openMember = market.membersInOrder.first?.id ?? "D1-01"
    case .search: _ = press([.character("/")], &m)
    case .entry:
        m.openShop = "D104"
        _ = press([.character("p")], &m)
    case .actionMenu:
        m.tab = .complaints
        m.openComplaint = complaint
        _ = press([.character("a")], &m)
    case .confirmation:
        m.tab = .complaints
        m.openComplaint = complaint
        _ = press([.character("a"), .enter], &m)
    }
    m.notice = nil
    // The open shop's page as `update` keeps it.
    _ = Dashboard.update(&m, .resized(m.size))
    return m
}

@Suite("Keys mean what ? says")
struct KeyTableTests {
    /// Issue 18, item 2: on every screen (and in every form, menu, search field and question over
    /// one) the keys are looked up in the table the help is drawn from. Each binding's keys find
    /// that binding's action, and pressing one does exactly what performing the action does; a key
    /// the table's typing entry takes (a field's characters; a letter that starts an item's code on
    /// the inspection form) does what typing does; any other key changes nothing and asks for nothing.
    @Test func everyContextsTableIsWhatItsKeysDo() throws {
        let market = try demoMarket()
        for context in KeyContext.all {
            let m = try model(in: context, market)
            #expect(Dashboard.context(m) == context, "the model for \(context) is there")
            let table = Dashboard.bindings(for: context)
            #expect(!table.isEmpty)
            for binding in table {
                for key in binding.keys {
                    #expect(Dashboard.binding(for: key, m)?.action == binding.action, "\(context): \(key) finds \(binding.action)")
                    var pressed = m, performed = m
                    let effects = Dashboard.update(&pressed, .key(key))
                    let expected = Dashboard.perform(binding.action, key: key, on: &performed)
                    #expect(effects == expected && pressed.withoutCaches == performed.withoutCaches, "\(context): \(key) does what \(binding.action) does")
                }
            }
            for key in everyKey where Dashboard.binding(for: key, m)?.typing == true {
                var pressed = m, performed = m
                let effects = Dashboard.update(&pressed, .key(key))
                let expected = Dashboard.perform(.type, key: key, on: &performed)
                #expect(effects == expected && pressed.withoutCaches == performed.withoutCaches, "\(context): \(key) types")
            }
            for key in everyKey where Dashboard.binding(for: key, m) == nil {
                var pressed = m
                let effects = Dashboard.update(&pressed, .key(key))
                #expect(effects.isEmpty && pressed == m, "\(context): \(key) is in no binding and does nothing")
            }
        }
    }

    /// The typing binding takes what the focused field takes: characters and editing keys, never
    /// the keys the table lists for something else.
    @Test func typingGoesToTheFieldAndListedKeysDoNot() throws {
        let market = try demoMarket()
        // The points form opens on its points (a line; its kind, a choice, takes ←→, not letters).
        for context in [KeyContext.search, .entry, .screen(.login), .screen(.inspection)] {
            let m = try model(in: context, market)
            #expect(Dashboard.binding(for: .character("x"), m)?.action == .type, "\(context)")
            #expect(Dashboard.binding(for: .character("镜"), m)?.action == .type, "\(context)")
            #expect(Dashboard.binding(for: .enter, m)?.action != .type && Dashboard.binding(for: .escape, m)?.action != .type, "\(context)")
        }
        // A screen without a field types nothing.
        #expect(Dashboard.binding(for: .character("x"), try model(in: .screen(.merchants), market)) == nil)
        // The inspection form: a letter its table lists is that key, any other starts an item's code.
        var form = try model(in: .screen(.inspection), market)
        #expect(Dashboard.binding(for: .character("j"), form)?.action == .moveDown && Dashboard.binding(for: .character("q"), form)?.action == .type)
        _ = press([.character("q")], &form)
        #expect(Dashboard.view(form).rowText(1).contains("转到：q"))
    }

    /// The help lists every binding of where the keys go, in the words of the table.
    @Test func theHelpIsTheTable() throws {
        let market = try demoMarket()
        for context in KeyContext.all {
            var m = try model(in: context, market)
            guard Dashboard.bindings(for: context).contains(where: { $0.action == .toggleHelp }) else { continue }
            m.size = Size(width: 200, height: 60)
            _ = Dashboard.update(&m, .key(.character("?")))
            let text = Dashboard.view(m).text
            for binding in Dashboard.bindings(for: context) {
                #expect(text.contains(binding.zh), "\(context): the help says \(binding.zh)")
            }
        }
    }

    /// Home and End go to the first and last row of every list (and the first and last figure of
    /// the overview, the top and bottom of a page), as the help says; they never switch tabs.
    @Test func homeAndEndAreFirstAndLastRowInEveryList() throws {
        let market = try demoMarket()
        func check(_ context: KeyContext, _ position: (DashboardModel) -> Int, last: (DashboardModel) -> Int) throws {
            var m = try model(in: context, market)
            let tab = m.tab
            _ = press([.end], &m)
            #expect(position(m) == last(m) && last(m) > 0 && m.tab == tab, "\(context): End goes to the last row")
            _ = press([.home], &m)
            #expect(position(m) == 0 && m.tab == tab, "\(context): Home goes to the first row")
        }
        try check(.screen(.merchants), { $0.position.selected }, last: { $0.shown.count - 1 })
        try check(.screen(.complaints), { $0.queuePosition.selected }, last: { Dashboard.queue($0).count - 1 })
        try check(.screen(.inspections), { $0.inspectionPosition.selected }, last: { WorkScreens.inspections($0).count - 1 })
        try check(.screen(.reviews), { $0.reviewPosition.selected }, last: { WorkScreens.reviews($0).count - 1 })
        try check(.screen(.audit), { $0.auditPosition.selected }, last: { AuditScreen.rows($0).count - 1 })
        try check(.screen(.overview), { $0.overviewCursor }, last: { OverviewLink.all($0.market ?? MarketState()).count - 1 })
        try check(.screen(.shop), { $0.detailScroll }, last: { max(0, ShopScreen.lines($0).count - ShopScreen.pageHeight($0)) })
        try check(.actionMenu, { $0.complaintFlow?.list.selected ?? -1 }, last: { ($0.complaintFlow?.list.options.count ?? 0) - 1 })
    }

    /// The footers name keys from the same tables.
    @Test func footersComeFromTheTables() throws {
        let market = try demoMarket()
        let complaint = try model(in: .screen(.complaint), market)
        #expect(Dashboard.view(complaint).text.contains(Dashboard.footer(.screen(.complaint), .zh) { ![.moveDown, .pageDown].contains($0.action) }))
        let entry = try model(in: .entry, market)
        #expect(Dashboard.view(entry).text.contains("Tab 下一项 · ←→ 选择 · Enter 提交 · Esc 取消"))
        let search = try model(in: .search, market)
        #expect(Dashboard.view(search).rowText(23).contains("Enter 确定 · Esc 取消"))
        let login = try model(in: .screen(.login), market)
        #expect(Dashboard.view(login).text.contains("Tab 切换 · Enter 登录 · Ctrl-C 退出"))
        let question = try model(in: .confirmation, market)
        #expect(Dashboard.view(question).text.contains("[ 记录（y） ]   [ 返回（n） ]"))
    }
}

@Suite("The complaint queue: search, today's cases, the case page")
struct ComplaintQueueSearchTests {
    /// The demo market with one more complaint, filed today about D104, behind every overdue case.
    private func marketWithTodaysCase() throws -> (MarketState, String) {
        var market = try demoMarket()
        let receipt = "K7QM-3XH9"
        #expect(market.complaints[receipt] == nil)
        market.apply(Event(actor: "fuwutai", at: "2026-11-26T01:00:00Z", key: "today", body: .complaintFiled(ComplaintFiled(
            receipt: receipt, shop: "D104", category: "quality", integrity: .quality, text: "镜架断裂，要求换货", amountFen: 68_000,
            wants: ["exchange"], consumerName: "王五", consumerPhone: "13912345678", consentToContact: true, date: SimpleDate(iso: "2026-11-26")!))),
                     sequence: UInt64(market.eventCount + 1))
        return (market, receipt)
    }

    @Test func slashFindsACaseByItsReceiptHoweverItIsTyped() throws {
        let (market, receipt) = try marketWithTodaysCase()
        var m = try signedIn(market)
        _ = press([.character("4")], &m)
        let queue = Dashboard.queue(m)
        let position = try #require(queue.firstIndex { $0.filed.receipt == receipt })
        #expect(position > 0, "today's case sits behind the overdue ones")
        // Marked as today's in the queue.
        var tall = m
        tall.size = Size(width: 120, height: 80)
        let row = Dashboard.view(tall).text.split(separator: "\n").first { $0.contains(receipt) }
        #expect(row?.contains("今天") == true, "\(row ?? "")")
        // Its first characters, without the dash, in lower case or full-width (as an IME types them).
        for typed in ["k7qm", "K7QM-3", "k7qm3xh9", "ｋ７ｑｍ", "3XH9", "K7QM-3XH9"] {
            var s = m
            _ = press([.character("/")], &s)
            type(typed, &s)
            #expect(Dashboard.queue(s).first?.filed.receipt == receipt, "\(typed) finds it first")
            #expect(Dashboard.view(s).rowText(23).contains("/ 查找：" + typed))
        }
        // Enter with one case found opens it: from the queue, / k7qm Enter.
        _ = press([.character("/")], &m)
        type("k7qm", &m)
        #expect(Dashboard.queue(m).count == 1)
        _ = press([.enter], &m)
        #expect(m.screen == .complaint && m.openComplaint == receipt)
        // Back in the queue the search stays (Esc clears it); / opens it again selected.
        _ = press([.escape], &m)
        #expect(m.screen == .complaints && Dashboard.view(m).rowText(23).contains("查找“k7qm”：1 件"))
        _ = press([.character("/")], &m)
        #expect(m.search?.selectedAll == true && m.search?.text == "k7qm")
        type("D10", &m)
        #expect(m.complaintQuery == "D10" && Dashboard.queue(m).count > 1, "typing replaced the selected query")
        _ = press([.enter, .escape], &m)
        #expect(m.complaintQuery.isEmpty && Dashboard.queue(m).count == market.complaintQueue(today: m.today).count)
    }

    @Test func slashFindsByShopAndTextAndClosedCasesToo() throws {
        let (market, receipt) = try marketWithTodaysCase()
        var m = try signedIn(market)
        _ = press([.character("4"), .character("/")], &m)
        type("D104", &m)
        let byShop = Dashboard.queue(m)
        #expect(!byShop.isEmpty && byShop.allSatisfy { $0.filed.shop == "D104" })
        #expect(byShop.count == market.complaints.of(shop: "D104").count, "every case of the shop, open or not")
        // By the shop's name (pinyin initials work as on the merchants tab).
        let name = try #require(market.merchant(shopNumber: "D104")?.name)
        _ = press([.control("u")], &m)
        type(name, &m)
        #expect(Set(Dashboard.queue(m).compactMap(\.filed.shop)).contains("D104"))
        // By the text.
        _ = press([.control("u")], &m)
        type("镜架断裂", &m)
        #expect(Dashboard.queue(m).map(\.filed.receipt) == [receipt])
        // A closed case is found by its code, though the queue lists only open ones.
        let closed = try #require(market.complaints.values.first { !$0.state.isOpen })
        _ = press([.control("u")], &m)
        type(closed.filed.receipt, &m)
        #expect(Dashboard.queue(m).first?.filed.receipt == closed.filed.receipt)
        #expect(!market.complaintQueue(today: m.today).contains { $0.filed.receipt == closed.filed.receipt })
        // Nothing found says so.
        _ = press([.control("u")], &m)
        type("ZZZZ", &m)
        _ = press([.enter], &m)
        #expect(Dashboard.view(m).text.contains("没有找到“ZZZZ”"))
    }

    @Test func aSecretaryFindsOnlyTheBranchsCases() throws {
        let (market, receipt) = try marketWithTodaysCase()
        // D104 is a shop of branch 4.
        var other = try signedIn(market, as: "shuji1")
        _ = press([.character("4"), .character("/")], &other)
        type("k7qm", &other)
        #expect(Dashboard.queue(other).isEmpty)
        var own = try signedIn(market, as: "shuji4")
        _ = press([.character("4"), .character("/")], &own)
        type("k7qm", &own)
        #expect(Dashboard.queue(own).map(\.filed.receipt) == [receipt])
    }

    /// The case page shows everything the kiosk's look-up shows the consumer (every step with its
    /// outcome, amount, finding and the follow-up's answer, the deadline) and the handler's view.
    @Test func theCasePageShowsWhatTheKioskShowsAndMore() throws {
        let (base, receipt) = try marketWithTodaysCase()
        var market = base
        let day = SimpleDate(iso: "2026-11-26")!
        let steps: [ComplaintAction] = [.accept, .resolve(outcome: "免费更换镜架", amountFen: 68_000, upheld: true), .followUp(satisfaction: .partly)]
        for (i, action) in steps.enumerated() {
            market.apply(Event(actor: "shuji4", at: "2026-11-26T0\(i + 2):00:00Z", key: "s\(i)", body: .complaintStep(ComplaintStep(receipt: receipt, action: action, date: day))),
                         sequence: UInt64(market.eventCount + 1))
        }
        var m = try signedIn(market, 80, 24, as: "shuji4")
        m.tab = .complaints
        m.openComplaint = receipt
        let page = Dashboard.view(m).rowText(0) + "\n" + ComplaintScreen.lines(m).map(\.text).joined(separator: "\n")
        let kiosk = KioskModel(language: .zh, size: Size(width: 80, height: 24), today: day, market: market)
        let complaint = try #require(market.complaints[receipt])
        // The kiosk's lines: "label：value" (the value is what must be on the page) or "  date  step".
        let kioskLines = Kiosk.progressLines(complaint, kiosk)
        #expect(kioskLines.contains("  2026-11-26  回访：基本满意"), "\(kioskLines)")
        for line in kioskLines where !line.isEmpty && line != "办理经过：" {
            let shown = line.hasPrefix(" ") ? String(line.dropFirst(14)) : String(line.split(separator: "：", maxSplits: 1).last ?? "")
            #expect(!shown.isEmpty && page.contains(shown), "the case page shows \(shown)")
        }
        for text in ["调解解决（属实）：免费更换镜架（金额 680.00 元）", "回访：基本满意", "经办人：shuji4", "13912345678", "镜架断裂，要求换货", "同意联系", "#"] {
            #expect(page.contains(text), "the case page shows \(text)")
        }
        // While a deadline runs, the page says it as the kiosk does.
        var filed = try signedIn(base, as: "shuji4")
        filed.tab = .complaints
        filed.openComplaint = receipt
        let filedCase = try #require(base.complaints[receipt])
        let filedLines = Kiosk.progressLines(filedCase, KioskModel(language: .zh, size: Size(width: 80, height: 24), today: day, market: base))
        let due = try #require(filedLines.first { $0.hasPrefix("办理期限：") })
        #expect(ComplaintScreen.lines(filed).contains { $0.text == due }, "\(due)")
        // The page scrolls when it is longer than the screen.
        var short = m
        short.size = Size(width: 80, height: 24)
        let lines = ComplaintScreen.lines(short).count
        _ = press([.end], &short)
        #expect(short.caseScroll == max(0, lines - ComplaintScreen.pageRows(short)))
        _ = press([.home], &short)
        #expect(short.caseScroll == 0)
    }
}

@Suite("Nothing lost, nothing recorded by one slip")
struct ConfirmationTests {
    /// 受理 and 办结 from the menu, and every other step recorded at once, ask first, showing what
    /// will be recorded; Enter alone (on 否) and n go back to the menu, y records.
    @Test func aStepFromTheMenuIsRecordedOnlyOnceConfirmed() throws {
        let market = try demoMarket()
        var m = try signedIn(market)
        let receipt = try #require(market.complaintQueue(today: m.today).first { $0.state == .filed }).filed.receipt
        m.tab = .complaints
        m.openComplaint = receipt
        #expect(press([.character("a"), .enter], &m).isEmpty)
        let question = Dashboard.view(m).text
        #expect(question.contains("确认记录：受理 \(receipt)") && question.contains("受理（已登记 → 已受理）") && question.contains("记录人：李主任（演示）"), "\(question)")
        #expect(press([.enter], &m).isEmpty && m.confirmation == nil && m.complaintFlow != nil, "Enter on 否: back to the menu")
        #expect(press([.enter, .character("n")], &m).isEmpty && m.complaintFlow != nil)
        // ← moves to 是, Enter records.
        let user = try #require(market.users["zhuren"])
        let accept = DashboardEffect.record(.complaintStep(ComplaintStep(receipt: receipt, action: .accept, date: m.today)), by: user)
        #expect(press([.enter, .left, .enter], &m) == [accept])
        #expect(m.complaintFlow == nil && m.confirmation == nil && m.notice == "已提交：受理")
        // A step the log would refuse is refused before anything is asked.
        var kiosk = try signedIn(market, as: "fuwutai")
        kiosk.tab = .complaints
        kiosk.openComplaint = receipt
        _ = press([.character("a")], &kiosk)
        #expect(kiosk.confirmation == nil && kiosk.complaintFlow == nil)
    }

    /// Esc on a form asks before throwing away what was entered; with nothing entered it just closes.
    @Test func escOnAFormAsksOnlyWhenSomethingWasEntered() throws {
        let market = try demoMarket()
        var m = try signedIn(market)
        m.openShop = "D104"
        // Opened and left at once: the date filled in is not something the person entered.
        _ = press([.character("p"), .escape], &m)
        #expect(m.entry == nil && m.confirmation == nil)
        // The form opens on the points.
        _ = press([.character("p")], &m)
        type("20", &m)
        _ = press([.escape], &m)
        let asked = Dashboard.view(m).text
        #expect(m.entry != nil && asked.contains("放弃填写的内容？") && asked.contains("分值（1–40）：20"), "\(asked)")
        _ = press([.character("n")], &m)
        #expect(m.entry?.form.fields[1].value == "20", "n: the form as it was")
        _ = press([.escape, .character("y")], &m)
        #expect(m.entry == nil && m.openShop == "D104", "y: thrown away, still on the shop")
        // The inspection form asks the same question once an item is marked.
        _ = press([.character("i"), .escape], &m)
        #expect(m.inspectionForm == nil, "nothing marked: closed at once")
        _ = press([.character("i"), .character("j"), .character("2"), .escape], &m)
        #expect(m.inspectionForm != nil && Dashboard.view(m).text.contains("放弃填写的内容？"))
        _ = press([.escape], &m)
        #expect(m.inspectionForm?.marks[1] == .minor, "Esc on the question keeps the form")
        _ = press([.escape, .character("y")], &m)
        #expect(m.inspectionForm == nil)
    }

    /// The search box opens with its last query selected: typing replaces it (the issue's
    /// 查找“wxlyhl”：0 家 came from typing after the old query).
    @Test func theSearchBoxReopensWithItsTextSelected() throws {
        var m = try signedIn(try demoMarket())
        _ = press([.character("/")], &m)
        type("wxly", &m)
        _ = press([.enter, .character("/")], &m)
        #expect(m.search?.selectedAll == true)
        type("gj", &m)
        #expect(m.filter == "gj")
        _ = press([.enter], &m)
        #expect(Dashboard.view(m).rowText(23).contains("查找“gj”"))
        // Backspace clears a selected query; the arrows keep it for editing.
        _ = press([.character("/"), .backspace], &m)
        #expect(m.filter.isEmpty)
        _ = press([.escape, .character("/")], &m)
        type("abc", &m)
        _ = press([.enter, .character("/"), .end], &m)
        type("d", &m)
        #expect(m.filter == "abcd")
    }
}

extension DashboardModel {
    /// The model without what `Dashboard.update` works out after every key (the shop page, the
    /// ranking, the members' ledgers): what a key's action itself changed.
    var withoutCaches: DashboardModel {
        var copy = self
        copy.shopPage = nil
        copy.competition = nil
        copy.membersLedgers = nil
        return copy
    }
}
