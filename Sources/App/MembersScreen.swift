import Core
import Terminal

/// The members tab (党员: the members' points ledger, docs/guide-manager.md): every member of the
/// branches this user follows — all for a manager, their own for a secretary, none for kiosk
/// staff — with this year's points, grade and entries waiting; Enter opens a member's ledger
/// with its arithmetic, where `a` records a panel member's approval.
enum MembersScreen {
    /// The branch this user follows (nil: every branch), or why they may not see the ledger.
    static func scope(_ model: DashboardModel) -> Result<Int?, LocalizedMessage> {
        switch model.user?.role {
        case .kiosk?: return .failure(LocalizedMessage(zh: "服务台不能查看党员积分", en: "kiosk staff do not see members' points"))
        case .secretary(let branch)?: return .success(branch)
        default: return .success(nil)
        }
    }

    /// This year's ledgers of the members shown, by branch and number: the cached ones while they
    /// are current (`MembersLedgerCache`), else worked out.
    static func ledgers(_ model: DashboardModel) -> [MemberLedger] {
        if let cache = model.membersLedgers, cache.isCurrent(for: model) { return cache.ledgers }
        return computeLedgers(model)
    }

    static func computeLedgers(_ model: DashboardModel) -> [MemberLedger] {
        guard let market = model.market, case .success(let only) = scope(model) else { return [] }
        let year = model.today.year
        return market.branches.map(\.number).filter { only == nil || $0 == only }
            .flatMap { market.ledgerMembers(branch: $0, year: year, today: model.today) }
            .map { market.memberLedger($0, year: year) }
    }

    static func handleList(_ action: DashboardAction, _ model: inout DashboardModel) {
        let list = ledgers(model)
        let rows = DashboardLayout.rows(in: DashboardLayout.tableUnderLine(model.size))
        switch action {
        case _ where model.membersPosition.follow(action, count: list.count, visibleRows: rows): break
        case .openShop:
            guard model.membersPosition.selected < list.count else { break }
            model.openMember = list[model.membersPosition.selected].member.id
            model.detailScroll = 0
        default: break
        }
    }

    static func handlePage(_ action: DashboardAction, _ model: inout DashboardModel) {
        let page = ShopScreen.pageHeight(model)
        let count = lines(model).count
        if let delta = Dashboard.scrollDelta(action, page: page, lines: count) {
            model.detailScroll = PageScroll.scrolled(model.detailScroll, by: delta, lines: count, visibleRows: page)
            return
        }
        switch action {
        case .back: model.openMember = nil
        case .approveEntry: openApproval(&model)
        default: break
        }
    }

    /// `a`: the form for a panel member's approval of one of the member's waiting entries.
    static func openApproval(_ model: inout DashboardModel) {
        guard let market = model.market, let id = model.openMember, let member = market.members[id] else { return }
        guard let user = model.user else {
            model.notice = model.t("需要先登录", "log in first")
            return
        }
        let year = model.today.year
        guard let panel = market.memberPoints.panel(branch: member.branch, year: year) else {
            model.notice = model.t("第 \(member.branch) 支部尚未组建 \(year) 年度考评小组（chengxin panel name）", "branch \(member.branch) has no \(year) panel yet (chengxin panel name)")
            return
        }
        let waiting = waitingEntries(market, member: member, year: year)
        guard let first = waiting.first else {
            model.notice = model.t("\(member.name)没有待审批的积分", "\(member.name) has no entry waiting")
            return
        }
        let own = market.member(of: user)?.id
        EntryScreen.open(.approveLedger(member: id, panel: panel.value.members, first: first.sequence, own: own), &model)
    }

    /// The member's entries of the year still waiting for the panel's majority.
    static func waitingEntries(_ market: MarketState, member: Member, year: Int) -> [MemberLedgerEntry] {
        market.memberPoints.entries(of: member.id, year: year).filter {
            if case .pending = market.ledgerStatus($0) { return true }
            return false
        }
    }

    /// The member's page: who, the total and grade, then the ledger's lines (points and record first).
    static func lines(_ model: DashboardModel) -> [ShopScreen.Line] {
        guard let market = model.market, let id = model.openMember, let member = market.members[id] else { return [] }
        let t = model.t
        let ledger = market.memberLedger(member, year: model.today.year)
        let heading = Style(bold: true, underline: true)
        var out: [ShopScreen.Line] = []
        out.append(ShopScreen.Line(text: t("支部：", "Branch: ") + (market.branch(member.branch)?.name ?? "\(member.branch)") + "　" + member.role.name(model.language)
                                   + t("　入党：", "   joined: ") + member.joined.description))
        out.append(ShopScreen.Line(text: t("店铺：", "Shops: ") + (member.shops.isEmpty ? t("无", "none") : member.shops.joined(separator: " "))))
        out.append(ShopScreen.Line(text: ""))
        out.append(ShopScreen.Line(text: t("【\(ledger.year) 年度党员积分】 \(ledger.total) 分 \(gradeText(ledger, model))", "\(ledger.year) points: \(ledger.total)  \(gradeText(ledger, model))"), style: heading))
        out += ledger.lines.map { ShopScreen.explained($0, model) }
        return ShopScreen.wrapped(out, width: model.size.width - 2)
    }

    static func gradeText(_ ledger: MemberLedger, _ model: DashboardModel) -> String {
        (ledger.grade?.name(model.language) ?? "—") + (ledger.vetoes.isEmpty ? "" : model.t("（一票否决）", " (veto)"))
    }

    static func drawList(_ model: DashboardModel, into grid: inout Grid) {
        guard model.market != nil else { return }
        let t = model.t
        Dashboard.drawTitle(model, right: "", into: &grid)
        if case .failure(let why) = scope(model) {
            grid.put(why.text(model.language), x: 1, y: 2)
            return
        }
        let list = ledgers(model)
        let waiting = list.reduce(0) { $0 + $1.pending }
        grid.put(t("\(model.today.year) 年度党员积分 · \(list.count) 人 · 待审批 \(waiting) 条 · Enter 查看明细", "\(model.today.year) members' points · \(list.count) members · \(waiting) entries waiting · Enter: the ledger"),
                 x: 1, y: 1, maxWidth: model.size.width - 2, style: Style(bold: true))
        if list.isEmpty {
            grid.put(t("尚无党员记录（名册导入党员后显示）", "no members on record yet (they appear once the roster's members are imported)"), x: 1, y: 3, maxWidth: model.size.width - 2)
            return
        }
        let columns = [
            TableColumn(title: t("编号", "No.")),
            TableColumn(title: t("姓名", "Name")),
            TableColumn(title: t("支部", "Br.")),
            TableColumn(title: t("职务", "Role"), flexible: true),
            TableColumn(title: t("积分", "Points")),
            TableColumn(title: t("等次", "Grade"), flexible: true),
            TableColumn(title: t("待审批", "Waiting")),
        ]
        let cells = list.map { ledger -> [String] in
            [ledger.member.id, ledger.member.name, String(ledger.member.branch), ledger.member.role.name(model.language), String(ledger.total),
             gradeText(ledger, model), ledger.pending == 0 ? "" : String(ledger.pending)]
        }
        var table = TableView(columns: columns, rows: cells, position: model.membersPosition)
        table.fitColumns(available: model.size.width - 2)
        table.render(into: &grid, rect: DashboardLayout.tableUnderLine(model.size))
    }

    static func drawPage(_ model: DashboardModel, into grid: inout Grid) {
        guard let market = model.market, let id = model.openMember, let member = market.members[id] else { return }
        let bar = model.theme.title
        grid.fill(Rect(x: 0, y: 0, width: model.size.width, height: 1), style: bar)
        grid.put(" \(member.id)  \(member.name)", x: 0, y: 0, style: bar)
        let all = lines(model)
        let height = ShopScreen.pageHeight(model)
        let hint = Dashboard.footer(.screen(.member), model.language)
        grid.put(hint, x: 1, y: DashboardLayout.shopPage(model.size).keys.y, maxWidth: model.size.width - 2, style: Style(dim: true))
        let area = DashboardLayout.shopPage(model.size).lines
        for (i, line) in all.dropFirst(model.detailScroll).prefix(height).enumerated() {
            grid.put(TextLayout.truncate(line.text, toWidth: area.width), x: area.x, y: area.y + i, maxWidth: area.width, style: line.style)
        }
    }
}

extension ReviewItem {
    /// One line for a members' points entry (what a panel member is asked to approve).
    static func describeLedger(_ record: MemberLedgerRecord, _ language: Language) -> String {
        switch record {
        case .deduction(let d): return language.pick("扣分 ", "deduction ") + "\(d.date) \(d.item) ×\(d.occurrences)  \(d.reason)"
        case .contribution(let c): return language.pick("贡献分 ", "points ") + "\(c.date) \(c.kind.name(language)) +\(c.points)  \(c.evidence)"
        case .appraisal(let a): return language.pick("民主评议 ", "appraisal ") + "\(a.date) +\(a.points)  \(a.evidence)"
        }
    }
}

/// The members tab's ledgers as of the last change of the market, the day or the viewer (every
/// member's ledger walks their year's entries: not on every key).
struct MembersLedgerCache: Sendable, Equatable {
    let events: Int
    let today: SimpleDate
    let user: String?
    let ledgers: [MemberLedger]

    init(_ model: DashboardModel) {
        events = model.market?.eventCount ?? -1
        today = model.today
        user = model.user?.name
        ledgers = MembersScreen.computeLedgers(model)
    }

    func isCurrent(for model: DashboardModel) -> Bool {
        events == (model.market?.eventCount ?? -1) && today == model.today && user == model.user?.name
    }
}

extension DashboardModel {
    /// Works the members tab's ledgers out again when the tab is shown and they are no longer current.
    mutating func refreshMembersLedgers() {
        guard screen == .members || screen == .member, market != nil, !(membersLedgers?.isCurrent(for: self) ?? false) else { return }
        membersLedgers = MembersLedgerCache(self)
    }
}
