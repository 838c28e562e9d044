import Core
import Terminal

/// One inspection in the inspections tab, with the state of the rectifications it opened.
public struct InspectionRow: Sendable, Equatable {
    public var sequence: UInt64
    public var date: SimpleDate
    public var shop: String
    public var shopName: String
    public var branch: Int
    public var inspector: String
    public var failures: Int
    /// Rectifications this inspection opened that are still open, and the earliest deadline among them.
    public var open: Int
    public var earliestDeadline: SimpleDate?
    public var overdue: Bool
    public var overdueItems: Int

    /// The row of an inspection, with the rectifications it opened that are still open.
    static func make(_ summary: InspectionSummary, merchant: Merchant?, opened: [Rectification], today: SimpleDate) -> InspectionRow {
        InspectionRow(sequence: summary.sequence, date: summary.date, shop: summary.shop, shopName: merchant?.name ?? "",
                      branch: merchant?.branch ?? 0, inspector: summary.inspector, failures: summary.failures,
                      open: opened.count, earliestDeadline: opened.map(\.deadline).min(), overdue: opened.contains { today > $0.deadline },
                      overdueItems: opened.filter { today > $0.deadline }.count)
    }
}

/// The inspections tab's lists, computed when the market changes: every inspection of the listed
/// shops newest first, as positions in the market's history (rows are built when drawn, so that
/// years of inspections cost a few bytes each), and those with open rectifications, built.
struct InspectionIndex: Sendable, Equatable {
    /// Newest first; per branch as well, for secretaries.
    var all: [Int] = []
    var byBranch: [Int: [Int]] = [:]
    /// Inspections that opened rectifications still open, newest first.
    var open: [InspectionRow] = []
    /// The open rectifications by the inspection that opened them.
    var opened: [UInt64: [Rectification]] = [:]

    init() {}

    init(_ market: MarketState, results: [String: RatingResult], today: SimpleDate) {
        var merchants: [String: Merchant] = [:]
        for merchant in market.merchants {
            merchants[merchant.shopNumber] = merchant
            for r in results[merchant.shopNumber]?.rectifications ?? [] where r.closedOn == nil { opened[r.openedBy, default: []].append(r) }
        }
        (all, byBranch) = market.inspections.newestFirst(groupedBy: { merchants[$0]?.branch })
        for position in all {
            guard let rectifications = opened[market.inspections.sequence(at: position)] else { continue }
            let summary = market.inspections.summary(at: position)
            open.append(InspectionRow.make(summary, merchant: merchants[summary.shop], opened: rectifications, today: today))
        }
    }
}

/// A list of inspection rows, built one by one as they are read.
struct InspectionRows: RandomAccessCollection {
    let market: MarketState?
    let positions: [Int]
    let built: [InspectionRow]
    let opened: [UInt64: [Rectification]]
    let today: SimpleDate

    var startIndex: Int { 0 }
    var endIndex: Int { market == nil ? built.count : positions.count }

    subscript(i: Int) -> InspectionRow {
        guard let market else { return built[i] }
        let summary = market.inspections.summary(at: positions[i])
        return InspectionRow.make(summary, merchant: market.merchant(shopNumber: summary.shop), opened: opened[summary.sequence] ?? [], today: today)
    }
}

/// One item waiting for a decision in the reviews tab: contribution points to approve, an appeal
/// to decide, a withdrawal or correction to second.
public struct ReviewItem: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case points, appeal, amendment }
    public var kind: Kind
    public var sequence: UInt64
    public var shop: String
    public var branch: Int
    public var date: SimpleDate
    public var by: String
    public var text: String

    static func pending(_ market: MarketState, _ language: Language, today: SimpleDate) -> [ReviewItem] {
        var items: [ReviewItem] = []
        // Entries made by corrections are approved by the correction's second; withdrawn ones by nobody.
        for c in market.contributions.pending where market.correctionCountsFrom(c.sequence) == nil && market.amendments[c.sequence] == nil {
            let branch = market.merchant(shopNumber: c.entry.shop)?.branch ?? 0
            items.append(ReviewItem(kind: .points, sequence: c.sequence, shop: c.entry.shop, branch: branch, date: c.entry.date, by: c.enteredBy,
                                    text: "\(c.entry.kind.name(language)) +\(c.entry.points)  \(c.entry.evidence)"))
        }
        for (shop, appeals) in market.appeals {
            let branch = market.merchant(shopNumber: shop)?.branch ?? 0
            for a in appeals where a.isOpen {
                let deadline = market.decisionDue(of: a)
                let estimate = deadline.isCertain ? "" : language.pick("（估）", " (est.)")
                let due = market.isOverdue(a, on: today)
                    ? language.pick("【逾期】应于 \(deadline.date)\(estimate) 前决定 · ", "[overdue] due \(deadline.date)\(estimate) · ")
                    : language.pick("应于 \(deadline.date)\(estimate) 前决定 · ", "due \(deadline.date)\(estimate) · ")
                items.append(ReviewItem(kind: .appeal, sequence: a.sequence, shop: shop, branch: branch, date: a.filed.date, by: a.filedBy,
                                        text: due + language.pick("\(a.filed.year) 年度：", "\(a.filed.year): ") + a.filed.reason))
            }
        }
        for (sequence, proposal) in market.withdrawalsProposed where proposal.secondedBy == nil {
            // A members' points entry's withdrawal: under the member's number, in the member's branch.
            if let entry = market.ledgerEntry(proposal.target), let member = market.members[entry.record.member], let day = SimpleDate(iso: String(proposal.at.prefix(10))) {
                items.append(ReviewItem(kind: .amendment, sequence: sequence, shop: member.id, branch: member.branch, date: day, by: proposal.actor,
                                        text: language.pick("撤回党员积分 #\(proposal.target)：", "withdraw member's points #\(proposal.target): ") + proposal.reason))
                continue
            }
            guard let shop = market.shopOfRatingRecord(proposal.target), let day = SimpleDate(iso: String(proposal.at.prefix(10))) else { continue }
            let what = proposal.isCorrection == true ? language.pick("更正 #\(proposal.target)：", "correct #\(proposal.target): ") : language.pick("撤回 #\(proposal.target)：", "withdraw #\(proposal.target): ")
            items.append(ReviewItem(kind: .amendment, sequence: sequence, shop: shop, branch: market.merchant(shopNumber: shop)?.branch ?? 0, date: day, by: proposal.actor,
                                    text: what + proposal.reason))
        }
        return items.sorted { ($0.date, $0.sequence) < ($1.date, $1.sequence) }
    }

    /// One line for a record that counts in a rating (what a second person is asked to confirm).
    static func describe(_ record: CorrectedRecord?, _ language: Language) -> String {
        switch record {
        case .inspection(let value)?:
            let fails = value.failures.map { "\($0.item)(\($0.severity?.name(language) ?? ""))" }.joined(separator: " ")
            return language.pick("检查 \(value.date) \(value.inspector) ", "inspection \(value.date) \(value.inspector) ")
                + (fails.isEmpty ? language.pick("全部合格", "all passed") : language.pick("不合格：", "failed: ") + fails)
        case .contribution(let value)?:
            return language.pick("贡献分 ", "points ") + "\(value.date) \(value.kind.name(language)) +\(value.points)  \(value.evidence)"
        case .veto(let value)?:
            return language.pick("一票否决 ", "veto ") + "\(value.date) \(RatingEngine.vetoKindName(value.kind))  \(value.reason)"
        case .deduction(let value)?:
            return language.pick("投诉扣分 ", "deduction ") + "\(value.date) \(value.receipt) \(value.severity.name(language))"
        case nil:
            return "—"
        }
    }
}

/// The inspections tab (检查: every inspection, rectifications to follow up) and the reviews tab
/// (审核: points awaiting a second person, appeals awaiting an uninvolved decision).
enum WorkScreens {
    /// The inspections this user follows: all for a manager, their branch's for a secretary,
    /// only those with open rectifications when `o` is on.
    static func inspections(_ model: DashboardModel) -> InspectionRows {
        let index = model.inspectionIndex
        var branch: Int?
        if case .secretary(let b)? = model.user?.role { branch = b }
        if model.onlyOpenRectifications {
            let rows = index.open.filter { branch == nil || $0.branch == branch }
                .sorted { ($0.earliestDeadline ?? $0.date, $0.sequence) < ($1.earliestDeadline ?? $1.date, $1.sequence) }
            return InspectionRows(market: nil, positions: [], built: rows, opened: [:], today: model.today)
        }
        let positions = branch.map { index.byBranch[$0] ?? [] } ?? index.all
        return InspectionRows(market: model.market, positions: positions, built: [], opened: index.opened, today: model.today)
    }

    static func reviews(_ model: DashboardModel) -> [ReviewItem] {
        let all = model.reviewItems
        guard case .secretary(let branch)? = model.user?.role else { return all }
        return all.filter { $0.branch == branch }
    }

    static func handle(_ action: DashboardAction, _ model: inout DashboardModel) {
        let rows = DashboardLayout.rows(in: DashboardLayout.tableUnderLine(model.size))
        switch model.tab {
        case .inspections:
            let list = inspections(model)
            switch action {
            case _ where model.inspectionPosition.follow(action, count: list.count, visibleRows: rows): break
            case .toggleOpenOnly:
                model.onlyOpenRectifications.toggle()
                model.inspectionPosition = ListPosition()
            case .openShop:
                guard model.inspectionPosition.selected < list.count else { break }
                model.openShop = list[model.inspectionPosition.selected].shop
                model.detailScroll = 0
            default: break
            }
        case .reviews:
            let list = reviews(model)
            switch action {
            case _ where model.reviewPosition.follow(action, count: list.count, visibleRows: rows): break
            case .openShop:
                guard model.reviewPosition.selected < list.count else { break }
                guard model.user != nil else {
                    model.notice = model.t("需要先登录", "log in first")
                    break
                }
                let item = list[model.reviewPosition.selected]
                switch item.kind {
                case .points: EntryScreen.open(.approvePoints(target: item.sequence), &model)
                case .appeal: EntryScreen.open(.decideAppeal(target: item.sequence), &model)
                case .amendment: EntryScreen.open(.secondAmendment(target: item.sequence), &model)
                }
            default: break
            }
        default: break
        }
    }

    static func drawInspections(_ model: DashboardModel, into grid: inout Grid) {
        guard model.market != nil else { return }
        let t = model.t
        let rows = inspections(model)
        var branch: Int?
        if case .secretary(let b)? = model.user?.role { branch = b }
        let open = model.inspectionIndex.open.filter { branch == nil || $0.branch == branch }
        Dashboard.drawTitle(model, right: "", into: &grid)
        let mine = branch.map { model.inspectionIndex.byBranch[$0]?.count ?? 0 } ?? model.inspectionIndex.all.count
        let openItems = open.reduce(0) { $0 + $1.open }, lateItems = open.reduce(0) { $0 + $1.overdueItems }
        let summary = t("检查 \(mine) 次 · 待整改 \(openItems) 项，其中逾期 \(lateItems) 项",
                        "\(mine) inspections · \(openItems) items to rectify, \(lateItems) overdue")
            + (model.onlyOpenRectifications ? t(" · 只看待整改（o 切换）", " · open only (o toggles)") : t(" · o 只看待整改", " · o: open only"))
        grid.put(summary, x: 1, y: 1, maxWidth: model.size.width - 2, style: Style(bold: true))
        if rows.isEmpty {
            grid.put(model.onlyOpenRectifications ? t("没有待整改的项目（o 显示全部检查）", "nothing to rectify (o shows every inspection)") : t("没有检查记录", "no inspections"), x: 1, y: 3)
            return
        }
        let columns = [
            TableColumn(title: t("日期", "Date")),
            TableColumn(title: t("商户", "Shop"), flexible: true),
            TableColumn(title: t("检查人", "Inspector")),
            TableColumn(title: t("结果", "Result")),
            TableColumn(title: t("待整改", "To rectify"), flexible: true),
        ]
        // Only the rows on screen are built (years of inspections stand behind the list).
        // A deadline counted over a year the calendar does not officially cover is marked 估 (est.),
        // and the warning takes the table's last row.
        func due(_ row: InspectionRow) -> Deadline? {
            guard row.open > 0, let market = model.market else { return nil }
            return row.earliestDeadline.map { market.calendar.deadline(from: row.date, to: $0) }
        }
        func slice(_ visible: Int) -> (ListPosition, [InspectionRow]) {
            var position = model.inspectionPosition
            position.keepVisible(count: rows.count, visibleRows: visible)
            return (position, Array(rows[position.offset..<min(rows.count, position.offset + visible)]))
        }
        var visible = Dashboard.visibleRows(model)
        var (position, window) = slice(visible)
        var warning = Deadline.warning(for: window.compactMap(due))
        if warning != nil {
            visible = max(1, visible - 1)
            (position, window) = slice(visible)
            warning = Deadline.warning(for: window.compactMap(due))
        }
        let cells = window.map { row -> [String] in
            let result = row.failures == 0 ? t("全部合格", "all passed") : t("\(row.failures) 项不合格", "\(row.failures) failed")
            let estimated = due(row).map { !$0.isCertain } ?? false
            let rectify = row.open == 0 ? (row.failures == 0 ? "" : t("已整改", "done"))
                : t("\(row.open) 项，期限 ", "\(row.open), due ") + (row.earliestDeadline?.description ?? "") + (estimated ? t(" 估", " est.") : "")
                    + (row.overdue ? t(" 逾期", " late") : "")
            return [row.date.description, "\(row.shop) \(row.shopName)", row.inspector, result, rectify]
        }
        let shown = ListPosition(selected: position.selected - position.offset, offset: 0)
        var table = TableView(columns: columns, rows: cells, position: shown)
        table.fitColumns(available: model.size.width - 2)
        table.render(into: &grid, rect: Rect(x: 1, y: 2, width: model.size.width - 2, height: model.size.height - (warning == nil ? 3 : 4)))
        paintOverdue(window.map(\.overdue), position: shown, top: 3, model, into: &grid)
        if let warning {
            grid.put(t("估：", "est.: ") + warning.text(model.language), x: 1, y: model.size.height - 2, maxWidth: model.size.width - 2, style: model.theme.warning)
        }
    }

    static func drawReviews(_ model: DashboardModel, into grid: inout Grid) {
        guard model.market != nil else { return }
        let t = model.t
        let items = reviews(model)
        Dashboard.drawTitle(model, right: "", into: &grid)
        let points = items.filter { $0.kind == .points }.count, amendments = items.filter { $0.kind == .amendment }.count
        let appeals = items.count - points - amendments
        // With withdrawals and corrections waiting too, the counts go without their units to fit 80 columns.
        let header = amendments == 0
            ? t("待审批贡献分 \(points) 条 · 待决定复核 \(appeals) 件 · Enter 办理（灰色的您不能办理）",
                "\(points) points to approve · \(appeals) appeals to decide · Enter acts (dimmed: not yours to act on)")
            : t("待审批贡献分 \(points) · 待决定复核 \(appeals) · 待确认撤回更正 \(amendments) · Enter 办理（灰色不可办）",
                "points \(points) · appeals \(appeals) · amendments to second \(amendments) · Enter acts (dimmed: not yours)")
        grid.put(header,
                 x: 1, y: 1, maxWidth: model.size.width - 2, style: Style(bold: true))
        if items.isEmpty {
            grid.put(t("没有待办事项", "nothing waiting"), x: 1, y: 3)
            return
        }
        let columns = [
            TableColumn(title: t("事项", "Item")),
            TableColumn(title: t("日期", "Date")),
            TableColumn(title: t("店铺", "Shop")),
            TableColumn(title: t("登记人", "By")),
            TableColumn(title: t("内容", "Details"), flexible: true),
        ]
        let cells = items.map { item -> [String] in
            [item.kind == .points ? t("贡献分", "points") : item.kind == .appeal ? t("复核", "appeal") : t("撤回更正", "amendment"), item.date.description, item.shop, item.by, item.text]
        }
        var table = TableView(columns: columns, rows: cells, position: model.reviewPosition)
        table.fitColumns(available: model.size.width - 2)
        table.render(into: &grid, rect: DashboardLayout.tableUnderLine(model.size))
        // Rows this user may not act on (their own points, appeals they are involved in) are dimmed.
        guard let user = model.user, let market = model.market else { return }
        let visible = DashboardLayout.rows(in: DashboardLayout.tableUnderLine(model.size))
        for i in model.reviewPosition.offset..<min(items.count, model.reviewPosition.offset + visible) where i != model.reviewPosition.selected {
            let item = items[i]
            let body: EventBody
            switch item.kind {
            case .points: body = .contributionApproved(ContributionApproved(target: item.sequence))
            case .appeal: body = .appealDecided(AppealDecided(target: item.sequence, outcome: .upheld, reason: "-", date: model.today))
            case .amendment: body = .withdrawalSeconded(WithdrawalSeconded(target: item.sequence))
            }
            if (try? market.validate(body, by: user, today: model.today)) == nil {
                restyle(&grid, y: 3 + i - model.reviewPosition.offset, columns: 1..<(model.size.width - 1), Style(dim: true))
            }
        }
    }

    /// Rows flagged overdue, other than the selected one, in the warning colour.
    static func paintOverdue(_ overdue: [Bool], position: ListPosition, top: Int, _ model: DashboardModel, into grid: inout Grid) {
        for (i, late) in overdue.enumerated() where late && i != position.selected && i >= position.offset {
            let y = top + i - position.offset
            guard y < model.size.height - 1 else { break }
            restyle(&grid, y: y, columns: 1..<(model.size.width - 1), model.theme.warning)
        }
    }

    /// Draws the text already in these cells again with another style.
    static func restyle(_ grid: inout Grid, y: Int, columns: Range<Int>, _ style: Style) {
        for x in columns where x < grid.size.width && grid[x, y].width > 0 {
            grid.put(grid[x, y].text, x: x, y: y, style: style)
        }
    }
}

extension ListPosition {
    /// Moves for the list actions (line, page, first, last); false for any other action.
    mutating func follow(_ action: DashboardAction, count: Int, visibleRows rows: Int) -> Bool {
        switch action {
        case .moveDown: move(by: 1, count: count, visibleRows: rows)
        case .moveUp: move(by: -1, count: count, visibleRows: rows)
        case .pageDown: move(by: rows, count: count, visibleRows: rows)
        case .pageUp: move(by: -rows, count: count, visibleRows: rows)
        case .top: moveTo(0, count: count, visibleRows: rows)
        case .bottom: moveTo(count - 1, count: count, visibleRows: rows)
        default: return false
        }
        return true
    }
}
