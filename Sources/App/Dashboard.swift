import Core
import Reports
import Terminal


public enum DashboardMessage: Sendable, Equatable {
    case key(Key)
    case resized(Size)
    /// The data directory was created or the log grew: the new state to show.
    case marketChanged(MarketState, logSummary: String)
    /// The log's state changed (a background check finished): the status bar's new line.
    case logSummaryChanged(String)
    case failed(String)
    /// The event history, newest first, with the chain's state.
    case auditLoaded([AuditRow], chain: String)
    /// The PIN was right.
    case authenticated(User)
    /// The PIN was wrong, or the user unknown: what to tell the person.
    case authenticationFailed(String)
    /// An export advanced by a slice.
    case exportProgress(done: Int, total: Int)
    /// An export was written: the sentence to show.
    case exportFinished(String)
}

/// Work that `update` asks the program to do outside it.
public enum DashboardEffect: Sendable, Equatable {
    case quit
    case createFromShippedRoster
    /// The shipped roster plus a year of fictional demo history with demo users.
    case createDemo
    /// Record what a person entered on a screen (an inspection, a complaint step, points, an
    /// appeal, a decision, a reply); validated again under the log's lock with
    /// `MarketState.validate(_:by:today:)`. The new state or the refusal comes back as a message.
    case record(EventBody, by: User)
    /// Read the event history for the audit tab; the rows come back as a message.
    case loadAudit
    /// Check a user's PIN (one scrypt derivation, throttled and recorded by the environment); the answer comes back as a message.
    case authenticate(user: String, pin: String)
    /// Write a file for others (merchants, complaints or inspections); progress comes back as
    /// messages, the next slice on each tick, until it is finished.
    case export(ExportKind, ExportFormat, withPersonalData: Bool, by: User)
}

/// The dashboard's behaviour: `update` turns a message (a key, a reply from the environment) into
/// a new model and the effects to carry out. Its key tables are in DashboardKeys.swift, its view in
/// DashboardView.swift and StatusBar.swift, each screen's own part in the screen's file.
public enum Dashboard {
    /// The complaint queue this user handles: every open case for a manager; for a secretary,
    /// the cases about shops of their branch.
    static func queue(_ model: DashboardModel) -> [ComplaintCase] {
        if let cache = model.queueCache, cache.isCurrent(for: model) { return cache.cases }
        return computeQueue(model)
    }

    static func computeQueue(_ model: DashboardModel) -> [ComplaintCase] {
        guard let market = model.market else { return [] }
        // A search finds any case this user handles, whatever its state (ComplaintSearch).
        if !model.complaintQuery.isEmpty { return ComplaintSearch.find(model.complaintQuery, in: model) }
        var all: [ComplaintCase]
        switch model.complaintFilter {
        case nil:
            all = market.complaintQueue(today: model.today)
        case .overdue:
            let rules = market.rules(on: model.today)?.value
            all = market.complaintQueue(today: model.today).filter { c in rules.map { c.isOverdue(today: model.today, rules: $0, calendar: market.calendar) } ?? false }
        case .records(_, let receipts):
            all = receipts.compactMap { market.complaints[$0] }
        case .thisMonth(let integrity):
            all = market.complaints.summaries.filter {
                $0.integrity == integrity && $0.filedOn.year == model.today.year && $0.filedOn.month == model.today.month
            }.sorted { $0.filedSequence > $1.filedSequence }.map { market.complaints.complaint($0) }
        }
        guard case .secretary(let branch)? = model.user?.role else { return all }
        return all.filter { c in c.filed.shop.flatMap { market.merchant(shopNumber: $0)?.branch } == branch }
    }

    /// Mouse: a click selects a row of a list (a second click on it opens the shop); the wheel scrolls.
    static func mouse(_ button: MouseButton, column x: Int, row y: Int, _ model: inout DashboardModel) -> [DashboardEffect] {
        switch (model.screen, button) {
        case (_, .left) where y == 0:
            // A click on a tab in the title bar.
            if let tab = tabRanges(model).first(where: { $0.columns.contains(x) })?.tab {
                model.openShop = nil
                return perform(.showTab(tab), on: &model)
            }
        case (.merchants, .left):
            let index = model.position.offset + (y - 2)
            guard y >= 2, y < model.size.height - 1, index < model.shown.count else { return [] }
            if index == model.position.selected {
                return perform(.openShop, on: &model)
            }
            model.position.moveTo(index, count: model.shown.count, visibleRows: visibleRows(model))
        case (.merchants, .wheelDown): model.position.move(by: 3, count: model.shown.count, visibleRows: visibleRows(model))
        case (.merchants, .wheelUp): model.position.move(by: -3, count: model.shown.count, visibleRows: visibleRows(model))
        case (.shop, .wheelDown): for _ in 0..<3 { _ = perform(.moveDown, on: &model) }
        case (.shop, .wheelUp): for _ in 0..<3 { _ = perform(.moveUp, on: &model) }
        default: break
        }
        return []
    }

    public static func visibleRows(_ model: DashboardModel) -> Int {
        DashboardLayout.rows(in: DashboardLayout.table(model.size))
    }

    public static func update(_ model: inout DashboardModel, _ message: DashboardMessage) -> [DashboardEffect] {
        let effects = handle(message, &model)
        // The open shop's page is worked out when the shop, the market or the viewer changes, not
        // on every key (it walks the shop's whole history).
        if model.openShop != nil, !(model.shopPage?.isCurrent(for: model) ?? false) {
            model.shopPage = ShopPageCache(model)
        }
        // Likewise the branches tab's ranking and the members tab's ledgers, when shown.
        model.refreshCompetition()
        model.refreshMembersLedgers()
        return effects
    }

    private static func handle(_ message: DashboardMessage, _ model: inout DashboardModel) -> [DashboardEffect] {
        switch message {
        case .resized(let size):
            model.size = size
            model.position.keepVisible(count: model.shown.count, visibleRows: visibleRows(model))
            return []
        case .marketChanged(let market, let summary):
            model.market = market
            model.logSummary = summary
            model.rebuildIndex()
            model.position.keepVisible(count: model.shown.count, visibleRows: visibleRows(model))
            return []
        case .logSummaryChanged(let summary):
            model.logSummary = summary
            return []
        case .failed(let text):
            model.notice = text
            model.exportProgress = nil
            return []
        case .auditLoaded(let rows, let chain):
            model.audit = rows
            model.auditChain = chain
            return []
        case .authenticated(let user):
            model.user = user
            model.login = LoginForm()
            model.notice = model.t("欢迎，\(user.displayName)（\(user.role.name(.zh))）", "welcome, \(user.displayName) (\(user.role.name(.en)))")
            model.rebuildIndex()
            model.position.moveTo(0, count: model.shown.count, visibleRows: visibleRows(model))
            return []
        case .exportProgress(let done, let total):
            model.exportProgress = ExportProgress(done: done, total: total)
            return []
        case .exportFinished(let text):
            model.exportProgress = nil
            model.notice = text
            return []
        case .authenticationFailed(let text):
            model.login.message = text
            model.login.pin = TextFieldState(limit: 8)
            return []
        case .key(let key):
            model.notice = nil
            // A window too small shows only what is needed (WindowTooSmall): nothing acts unseen
            // behind it but quitting.
            if !model.size.holds(.smallestUsable) {
                return key == .control("c") || key == .character("q") ? [.quit] : []
            }
            if model.showHelp {
                // Any key closes the help; q and ? only close it, they do not act behind it.
                model.showHelp = false
                return []
            }
            if case .mouse(let button, let x, let y) = key {
                guard case .screen(let screen) = context(model), ![.firstRun, .login, .inspection, .complaint].contains(screen) else { return [] }
                return Dashboard.mouse(button, column: x, row: y, &model)
            }
            // The inspection form dispatches every key from its own table, the one `?` shows
            // (InspectionForm.swift): its letters start an item's code, a note or a date takes all.
            if context(model) == .screen(.inspection) {
                return InspectionScreen.handle(key, &model)
            }
            // The key is looked up in the table of where the keys go now; what it finds is done.
            guard let binding = binding(for: key, model) else { return [] }
            return perform(binding.action, key: key, on: &model)
        }
    }

    /// How many lines a page without a selection scrolls for `action` (nil: the action is no scroll).
    static func scrollDelta(_ action: DashboardAction, page: Int, lines: Int) -> Int? {
        switch action {
        case .moveDown: return 1
        case .moveUp: return -1
        case .pageDown: return page
        case .pageUp: return -page
        case .top: return -lines
        case .bottom: return lines
        default: return nil
        }
    }

    /// Does `action` where the keys go now; `key` is the key pressed, for typing.
    static func perform(_ action: DashboardAction, key: Key? = nil, on model: inout DashboardModel) -> [DashboardEffect] {
        switch action {
        case .quit: return [.quit]
        case .toggleHelp: model.showHelp.toggle(); return []
        case .export:
            guard model.user != nil else {
                model.notice = model.t("导出需要先登录", "log in to export")
                return []
            }
            guard model.exportProgress == nil else {
                model.notice = model.t("上一个导出还没有完成", "the previous export is still running")
                return []
            }
            let kind: ExportKind = model.screen == .complaints ? .complaints : (model.screen == .inspections ? .inspections : .merchants)
            EntryScreen.open(.export(kind), &model)
            return []
        case .showTab(let tab):
            model.tab = tab
            return tab == .audit ? [.loadAudit] : []
        case .nextTab:
            model.tab = DashboardModel.Tab(rawValue: model.tab.rawValue % DashboardModel.Tab.allCases.count + 1) ?? .overview
            return model.tab == .audit ? [.loadAudit] : []
        case .previousTab:
            let count = DashboardModel.Tab.allCases.count
            model.tab = DashboardModel.Tab(rawValue: (model.tab.rawValue + count - 2) % count + 1) ?? .overview
            return model.tab == .audit ? [.loadAudit] : []
        default: break
        }
        switch context(model) {
        case .confirmation: return Confirm.perform(action, &model)
        case .entry: return EntryScreen.perform(action, key: key, &model)
        case .actionMenu: return ComplaintScreen.performInMenu(action, &model)
        case .search: return performInSearch(action, key: key, &model)
        case .screen(.login): return LoginScreen.perform(action, key: key, &model)
        case .screen(.inspection):
            // The form's keys, let through by its table, are its own (InspectionForm.swift).
            return key.map { InspectionScreen.handle($0, &model) } ?? []
        case .screen(.complaint): return ComplaintScreen.perform(action, &model)
        case .screen: break
        }
        switch model.screen {
        case .firstRun:
            let choices: [DashboardEffect] = [.createFromShippedRoster, .createDemo, .quit]
            switch action {
            case .moveDown: model.firstRunChoice = min(choices.count - 1, model.firstRunChoice + 1)
            case .moveUp: model.firstRunChoice = max(0, model.firstRunChoice - 1)
            case .confirm: return [choices[model.firstRunChoice]]
            default: break
            }
        case .merchants:
            let count = model.shown.count
            let rows = visibleRows(model)
            switch action {
            case .search: model.search = TextFieldState(text: model.filter, limit: 40, selected: true)
            case .cycleBranchFilter, .cycleStarFilter, .cycleIntegrityFilter:
                switch action {
                case .cycleBranchFilter: model.cycleBranchFilter()
                case .cycleStarFilter: model.cycleStarFilter()
                default: model.cycleIntegrityFilter()
                }
                model.position.moveTo(0, count: model.shown.count, visibleRows: rows)
            case .sortNext, .sortReverse:
                model.changeSort(reverse: action == .sortReverse)
                model.position.moveTo(0, count: model.shown.count, visibleRows: rows)
            case .clearFilter:
                model.showOnly()
                model.position.moveTo(0, count: model.shown.count, visibleRows: rows)
            case .pageDown:
                model.position.offset = min(max(0, count - rows), model.position.offset + rows)
                model.position.move(by: rows, count: count, visibleRows: rows)
            case .pageUp:
                model.position.offset = max(0, model.position.offset - rows)
                model.position.move(by: -rows, count: count, visibleRows: rows)
            case _ where model.position.follow(action, count: count, visibleRows: rows): break
            case .openShop:
                if model.position.selected < model.shownMerchants.count {
                    model.openShop = model.shownMerchants[model.position.selected].shopNumber
                    model.detailScroll = 0
                }
            default: break
            }
        case .overview:
            let links = OverviewLink.all(model.market ?? MarketState())
            switch action {
            case .moveDown: model.overviewCursor = min(links.count - 1, model.overviewCursor + 1)
            case .moveUp: model.overviewCursor = max(0, model.overviewCursor - 1)
            case .top: model.overviewCursor = 0
            case .bottom: model.overviewCursor = max(0, links.count - 1)
            case .openShop where links.indices.contains(model.overviewCursor): links[model.overviewCursor].follow(&model)
            default: break
            }
        case .branches:
            return CompetitionScreen.perform(action, &model)
        case .login, .inspection, .complaint:
            break
        case .audit:
            let count = AuditScreen.rows(model).count
            switch action {
            // The chain's line, the table's header, the status bar and a spare row.
            case _ where model.auditPosition.follow(action, count: count, visibleRows: DashboardLayout.rows(in: DashboardLayout.tableUnderLine(model.size))): break
            case .search: model.search = TextFieldState(text: model.auditQuery, limit: 40, selected: true)
            case .clearFilter where !model.auditQuery.isEmpty || model.auditRecords != nil:
                model.auditQuery = ""
                model.auditRecords = nil
                model.auditPosition = ListPosition()
            default: break
            }
        case .inspections, .reviews:
            WorkScreens.handle(action, &model)
        case .members:
            MembersScreen.handleList(action, &model)
        case .member:
            MembersScreen.handlePage(action, &model)
        case .complaints:
            let count = queue(model).count
            let rows = visibleRows(model)
            switch action {
            case _ where model.queuePosition.follow(action, count: count, visibleRows: rows): break
            case .search: model.search = TextFieldState(text: model.complaintQuery, limit: 40, selected: true)
            case .clearFilter where model.complaintFilter != nil || !model.complaintQuery.isEmpty:
                model.complaintFilter = nil
                model.applyComplaintQuery("")
                model.queuePosition = ListPosition()
            case .openShop:
                let cases = queue(model)
                if model.queuePosition.selected < cases.count { model.openComplaint = cases[model.queuePosition.selected].filed.receipt }
            default: break
            }
        case .shop:
            let page = ShopScreen.pageHeight(model)
            let lines = ShopScreen.lines(model).count
            if let delta = scrollDelta(action, page: page, lines: lines) {
                model.detailScroll = PageScroll.scrolled(model.detailScroll, by: delta, lines: lines, visibleRows: page)
                return []
            }
            switch action {
            case .back: model.openShop = nil
            case .inspect, .addPoints, .reply, .appeal, .withdrawRecord:
                // Every action on a shop needs someone logged in who may act for its branch.
                guard let market = model.market, let shop = model.openShop, let merchant = market.merchant(shopNumber: shop) else { break }
                guard let user = model.user else {
                    model.notice = model.t("需要先登录（先用 chengxin user add 添加用户）", "log in first (add users with chengxin user add)")
                    break
                }
                do throws(LocalizedMessage) {
                    try (action == .inspect ? Action.recordInspection(branch: merchant.branch) : Action.actForShop(branch: merchant.branch)).check(user.role)
                } catch {
                    model.notice = error.text(model.language)
                    break
                }
                if action == .inspect {
                    model.inspectionForm = InspectionScreen.make(shop: shop, market)
                    break
                }
                // Replies and appeals concern the latest published ratings (this year's before any).
                let year = market.ratingsPublished.keys.max() ?? model.today.year
                switch action {
                case .addPoints: EntryScreen.open(.points(shop: shop), &model)
                case .withdrawRecord: EntryScreen.open(.withdrawRecord(shop: shop), &model)
                case .reply: EntryScreen.open(.reply(shop: shop, year: year), &model)
                default:
                    guard market.ratingsPublished[year] != nil else {
                        model.notice = model.t("星级尚未公示，还不能申请复核", "no ratings have been published; there is nothing to appeal yet")
                        break
                    }
                    EntryScreen.open(.appeal(shop: shop, year: year), &model)
                }
            default: break
            }
        }
        return []
    }

    /// The `/` field: what is typed finds at once (the tab's filter follows the field); Enter
    /// keeps it — and opens the complaint when the search found just one —, Esc drops it.
    static func performInSearch(_ action: DashboardAction, key: Key?, _ model: inout DashboardModel) -> [DashboardEffect] {
        guard var field = model.search else { return [] }
        func find(_ text: String) {
            switch model.screen {
            case .merchants:
                model.applyFilter(text)
                model.position.moveTo(0, count: model.shown.count, visibleRows: visibleRows(model))
            case .complaints:
                model.applyComplaintQuery(text)
                model.queuePosition = ListPosition()
            case .audit:
                model.auditQuery = text
                model.auditPosition = ListPosition()
            default: break
            }
        }
        switch action {
        case .type:
            guard let key else { break }
            field.handle(key)
            model.search = field
            find(field.text)
        case .confirm:
            model.search = nil
            if model.screen == .complaints, !model.complaintQuery.isEmpty, queue(model).count == 1, let only = queue(model).first {
                model.openComplaint = only.filed.receipt
            }
        case .back:
            model.search = nil
            find("")
        default: break
        }
        return []
    }
}
