import Core
import Terminal

/// The overview (the market at a glance) and the complaint queue (the branches compared: CompetitionScreen.swift).
enum OverviewScreens {
    static func percent(_ value: Double?) -> String {
        guard let value else { return "—" }
        return "\(Int((value * 100).rounded()))%"
    }

    static func drawOverview(_ model: DashboardModel, into grid: inout Grid) {
        guard let market = model.market else { return }
        let t = model.t
        Dashboard.drawTitle(model, right: "", into: &grid)
        let today = model.today
        let heading = Style(bold: true)
        let half = model.size.width / 2
        // Stars.
        grid.put(t("\(today.year) 年度星级分布（\(market.merchants.count) 家）", "\(today.year) stars (\(market.merchants.count) shops)"), x: 1, y: 2, style: heading)
        let overview = OverviewFigures.current(model, market)
        let distribution = overview.distribution
        var items: [(label: String, value: Double)] = (1...5).reversed().map { (String(repeating: "★", count: $0), Double(distribution[$0])) }
        items.append((t("待评定", "awaiting"), Double(distribution[0])))
        Charts.render(into: &grid, rect: Rect(x: 1, y: 3, width: half - 2, height: 6), items: items)
        // Complaints this month.
        grid.put(t("本月投诉 \(overview.thisMonth) 件（按诚信类别）", "complaints this month: \(overview.thisMonth)"), x: half + 1, y: 2, style: heading)
        let byIntegrity = zip(Integrity.allCases, overview.thisMonthByIntegrity).map { integrity, n in (integrity.name(model.language), Double(n)) }
        Charts.render(into: &grid, rect: Rect(x: half + 1, y: 3, width: model.size.width - half - 2, height: 4), items: byIntegrity)
        let overdue = overview.overdue
        grid.put(t("办理中 \(overview.open) 件", "open: \(overview.open)"), x: half + 1, y: 7)
        grid.put(t("逾期 \(overdue) 件", "overdue: \(overdue)"), x: half + 14, y: 7,
                 style: overdue > 0 ? model.theme.warning : .plain)
        // This month's complaints by state (those with any), wrapped over two lines.
        var byState: [String] = []
        for (state, n) in overview.thisMonthByState { byState.append("\(state.name(model.language)) \(n)") }
        if !byState.isEmpty {
            let lines = TextLayout.wrap(t("本月按状态：", "by state: ") + byState.joined(separator: " · "), width: model.size.width - half - 2)
            for (i, line) in lines.prefix(2).enumerated() { grid.put(line, x: half + 1, y: 8 + i, style: Style(dim: true)) }
        }
        // Satisfaction and inspections per branch.
        let figures = overview.branches.sorted { $0.branch.number < $1.branch.number }
        let whole = overview.satisfaction.market
        grid.put(t("回访满意率（本年）全市场 \(percent(whole.rate))，各支部：", "satisfaction this year: market \(percent(whole.rate)), by branch: ")
                 + figures.map { "\($0.branch.number):\(percent($0.satisfactionRate))" }.joined(separator: " "),
                 x: 1, y: 10, maxWidth: model.size.width - 2)
        grid.put(whole.definition(model.language), x: 1, y: 11, maxWidth: model.size.width - 2, style: Style(dim: true))
        grid.put(t("检查覆盖率（本年度已检查的商户占比）", "inspection coverage this year"), x: 1, y: 12, style: heading)
        Charts.render(into: &grid, rect: Rect(x: 1, y: 13, width: model.size.width - 2, height: 5),
                      items: figures.map { ($0.branch.shortName, $0.inspectionCoverage * 100) })
        // Twelve months of complaints.
        let series = overview.monthly
        let spark = Charts.sparkline(series.map { Double($0.count) })
        let first = series.first.map { "\($0.year)-\($0.month)" } ?? ""
        grid.put(t("近 12 个月投诉：", "complaints, 12 months: ") + spark + "  (\(first) … \(series.map(\.count).map(String.init).joined(separator: " ")))",
                 x: 1, y: 19, maxWidth: model.size.width - 2)
        grid.put(Dashboard.footer(.screen(.overview), model.language),
                 x: 1, y: model.size.height - 3, maxWidth: model.size.width - 2, style: Style(dim: true))
        // The selected figure, highlighted where it is drawn.
        let links = OverviewLink.all(market)
        guard links.indices.contains(model.overviewCursor) else { return }
        let selected = Style(reverse: true)
        switch links[model.overviewCursor] {
        case .stars(let n): WorkScreens.restyle(&grid, y: 3 + (n == 0 ? 5 : 5 - n), columns: 1..<(half - 1), selected)
        case .integrity(let i): WorkScreens.restyle(&grid, y: 3 + (Integrity.allCases.firstIndex(of: i) ?? 0), columns: (half + 1)..<(model.size.width - 1), selected)
        case .open: WorkScreens.restyle(&grid, y: 7, columns: (half + 1)..<(half + 13), selected)
        case .overdue: WorkScreens.restyle(&grid, y: 7, columns: (half + 14)..<(model.size.width - 1), selected)
        case .coverage(let branch):
            let row = figures.firstIndex { $0.branch.number == branch } ?? 0
            WorkScreens.restyle(&grid, y: 13 + row, columns: 1..<(model.size.width - 1), selected)
        }
    }

    static func drawComplaints(_ model: DashboardModel, into grid: inout Grid) {
        guard let market = model.market else { return }
        let t = model.t
        let queue = Dashboard.queue(model)
        Dashboard.drawTitle(model, right: "", into: &grid)
        let rules = market.rules(on: model.today)?.value
        let columns = [
            TableColumn(title: t("受理编号", "Receipt")),
            TableColumn(title: t("登记", "Filed")),
            TableColumn(title: t("商户", "Shop"), flexible: true),
            TableColumn(title: t("类别", "Integrity")),
            TableColumn(title: t("状态", "State")),
            TableColumn(title: t("期限", "Due")),
        ]
        // A deadline counted over a year the calendar does not officially cover is marked 估 (est.),
        // and the warning is said once under the table.
        var uncertain: [Deadline] = []
        let rows = queue.map { c -> [String] in
            let shop = c.filed.shop.map { number in "\(number) \(market.merchant(shopNumber: number)?.name ?? "")" } ?? t("不清楚", "unknown")
            let deadline = rules.flatMap { c.due(rules: $0, calendar: market.calendar) }
            if let deadline, !deadline.isCertain { uncertain.append(deadline) }
            let overdue = deadline.map { model.today > $0.date } ?? false
            let due = deadline.map { "\($0.date.month)-\($0.date.day)" + ($0.isCertain ? "" : t(" 估", " est.")) + (overdue ? t(" 逾期", " late") : "") } ?? "—"
            // Cases filed today are marked: a new case is found at a glance behind the overdue ones.
            let filed = c.filed.date == model.today ? t("今天", "today") : "\(c.filed.date.month)-\(c.filed.date.day)"
            return [c.filed.receipt, filed, shop, c.filed.integrity.name(model.language), c.state.name(model.language), due]
        }
        if rows.isEmpty {
            let clear = Dashboard.keyName(.clearFilter, in: .screen(.complaints))
            grid.put(!model.complaintQuery.isEmpty ? t("没有找到“\(model.complaintQuery)”（\(clear) 回到办理中的投诉队列）", "nothing found for \"\(model.complaintQuery)\" (\(clear) shows the open queue)")
                     : model.complaintFilter == nil ? t("没有办理中的投诉", "no open complaints")
                     : t("没有符合筛选的投诉（\(clear) 回到办理中的投诉队列）", "no complaints match (\(clear) shows the open queue)"), x: 1, y: 2)
            return
        }
        let warning = Deadline.warning(for: uncertain)
        var position = model.queuePosition
        // The warning takes the table's last row: the selected case stays in sight.
        if warning != nil { position.keepVisible(count: rows.count, visibleRows: max(1, Dashboard.visibleRows(model) - 1)) }
        var table = TableView(columns: columns, rows: rows, position: position)
        table.fitColumns(available: model.size.width - 2)
        table.render(into: &grid, rect: Rect(x: 1, y: 1, width: model.size.width - 2, height: model.size.height - (warning == nil ? 2 : 3)))
        if let warning {
            grid.put(t("估：", "est.: ") + warning.text(model.language), x: 1, y: model.size.height - 2, maxWidth: model.size.width - 2, style: model.theme.warning)
        }
        // Overdue rows in the warning colour; today's in bold.
        let overdue = queue.map { c in rules.map { c.isOverdue(today: model.today, rules: $0, calendar: market.calendar) } ?? false }
        WorkScreens.paintOverdue(overdue, position: position, top: 2, model, into: &grid)
        for (i, c) in queue.enumerated() where c.filed.date == model.today && i != position.selected && i >= position.offset {
            let y = 2 + i - position.offset
            guard y < model.size.height - (warning == nil ? 1 : 2) else { break }
            WorkScreens.restyle(&grid, y: y, columns: 1..<(model.size.width - 1), Style(bold: true))
        }
    }
}

/// A figure on the overview that leads to the list behind it.
public enum OverviewLink: Sendable, Equatable {
    /// Shops with this many stars (0: awaiting).
    case stars(Int)
    /// This month's complaints of one integrity.
    case integrity(Integrity)
    /// The open complaints, and the overdue ones.
    case open, overdue
    /// A branch's shops, the longest uninspected first.
    case coverage(branch: Int)

    /// In the order they are drawn: the stars, the complaints, the branches.
    static func all(_ market: MarketState) -> [OverviewLink] {
        [5, 4, 3, 2, 1, 0].map(OverviewLink.stars) + Integrity.allCases.map(OverviewLink.integrity) + [.open, .overdue]
            + market.branches.map(\.number).sorted().map { OverviewLink.coverage(branch: $0) }
    }

    /// Shows the list behind the figure.
    func follow(_ model: inout DashboardModel) {
        model.openShop = nil
        switch self {
        case .stars(let n):
            model.tab = .merchants
            model.showOnly(stars: n)
        case .coverage(let branch):
            model.tab = .merchants
            model.showOnly(branch: branch)
            model.sortBy(column: 9, descending: false)
        case .integrity(let integrity):
            model.tab = .complaints
            model.complaintFilter = .thisMonth(integrity)
        case .open:
            model.tab = .complaints
            model.complaintFilter = nil
        case .overdue:
            model.tab = .complaints
            model.complaintFilter = .overdue
        }
        model.position.moveTo(0, count: model.shown.count, visibleRows: Dashboard.visibleRows(model))
        model.queuePosition = ListPosition()
    }
}

/// Which complaints the complaints tab lists besides the open queue.
public enum ComplaintFilter: Sendable, Equatable {
    /// Every complaint filed this month about one integrity, whatever its state.
    case thisMonth(Integrity)
    /// Open cases past their deadline.
    case overdue
    /// The complaints behind a figure of the branches tab (比发展/比服务/比和谐), by receipt.
    case records(title: String, receipts: [String])
}
