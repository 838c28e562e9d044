import Core
import Reports
import Terminal

/// The branches tab: 比发展/比服务/比和谐 — the branches (or shops) ranked on measures from the
/// record (Core's `competition`), one kind at a time, with the method beside the ranking; a
/// figure selected leads to the records behind it (complaints on the complaints tab, other
/// records on the records tab).
enum CompetitionScreen {
    /// The screen's own keys (the tab's table adds the tabs and the common keys).
    static let bindings: [DashboardBinding] = [
        DashboardBinding(keys: [.down, .character("j")], action: .moveDown, zh: "下一行", en: "next row", hint: .init("↑↓←→", "选择数字", "choose a figure")),
        DashboardBinding(keys: [.up, .character("k")], action: .moveUp, zh: "上一行", en: "previous row"),
        DashboardBinding(keys: [.pageDown, .control("f")], action: .pageDown, zh: "下一页", en: "next page"),
        DashboardBinding(keys: [.pageUp, .control("b")], action: .pageUp, zh: "上一页", en: "previous page"),
        DashboardBinding(keys: [.home, .character("g")], action: .top, zh: "第一行", en: "first row"),
        DashboardBinding(keys: [.end, .character("G")], action: .bottom, zh: "最后一行", en: "last row"),
        DashboardBinding(keys: [.right, .character("l")], action: .nextFigure, zh: "右边一项指标", en: "next measure"),
        DashboardBinding(keys: [.left, .character("h")], action: .previousFigure, zh: "左边一项指标", en: "previous measure"),
        DashboardBinding(keys: [.enter], action: .openShop, zh: "查看所选数字背后的记录", en: "show the records behind the figure",
                         hint: .init("Enter", "查看其背后的记录", "records behind it")),
        DashboardBinding(keys: [.character("n")], action: .nextKind, zh: "切换比发展/比服务/比和谐", en: "development, service, harmony (cycles)", hint: .init("n", "比发展/比服务/比和谐", "next kind")),
        DashboardBinding(keys: [.character("s")], action: .toggleScope, zh: "比较支部 / 比较商户", en: "compare branches / shops", hint: .init("s", "支部/商户", "branches/shops")),
        DashboardBinding(keys: [.character("b")], action: .cycleBranchFilter, zh: "比较商户时只比一个支部", en: "shops of one branch only (cycles)"),
    ]

    /// The ranking shown, as the model's cache holds it (worked out when the market, the day or
    /// the scope changes: see `CompetitionCache`).
    static func standing(_ model: DashboardModel) -> CompetitionStanding? {
        if let cache = model.competition, cache.isCurrent(for: model) { return cache.standing }
        return model.market.map { _ in CompetitionCache(model).standing }
    }

    static func ranking(_ model: DashboardModel) -> CompetitionRanking? {
        standing(model)?.ranking(model.competitionKind)
    }

    /// The lines under the table: the selected figure, the method, and the measures' definitions
    /// when the whole table still fits with them (else the table keeps the room).
    static func notes(_ model: DashboardModel, _ standing: CompetitionStanding, _ ranking: CompetitionRanking) -> [(text: String, style: Style)] {
        let essential = notes(model, standing, ranking, definitions: false)
        let full = notes(model, standing, ranking, definitions: true)
        let room = DashboardLayout.body(model.size).inset(1).height - 3
        return ranking.rows.count + 1 + full.count <= room ? full : essential
    }

    static func notes(_ model: DashboardModel, _ standing: CompetitionStanding, _ ranking: CompetitionRanking, definitions: Bool) -> [(text: String, style: Style)] {
        let width = model.size.width - 2
        var lines: [(String, Style)] = []
        if let (row, entry, figure) = selected(model, ranking) {
            let count = figure.receipts.isEmpty ? figure.records.count : figure.receipts.count
            let what = figure.receipts.isEmpty ? model.t("\(count) 条记录", "\(count) records") : model.t("\(count) 件投诉", "\(count) complaints")
            lines.append(("\(row.name) · \(entry.measure.name(model.language))" + model.t("：", ": ") + "\(figure.text(model.language))  " + (count == 0 ? model.t("背后没有记录", "no records behind it") : model.t("背后 \(what)，Enter 查看", "behind it: \(what), Enter shows them")), Style(bold: true)))
        }
        lines += TextLayout.wrap(standing.methodLine(model.language), width: width).map { ($0, Style(dim: true)) }
        for entry in ranking.measures where definitions {
            lines += TextLayout.wrap(entry.measure.legend(entry.better, model.language), width: width).map { ($0, Style(dim: true)) }
        }
        return lines
    }

    /// The selected row and figure.
    static func selected(_ model: DashboardModel, _ ranking: CompetitionRanking) -> (CompetitionRanking.Row, CompetitionRules.Entry, CompetitionFigure)? {
        guard ranking.rows.indices.contains(model.competitionPosition.selected), ranking.measures.indices.contains(model.competitionMeasure) else { return nil }
        let row = ranking.rows[model.competitionPosition.selected]
        return (row, ranking.measures[model.competitionMeasure], row.figures[model.competitionMeasure])
    }

    /// The table's rectangle: under the heading, above the notes and the keys' line.
    static func tableRect(_ model: DashboardModel, notes: Int, rows: Int) -> Rect {
        var bands = DashboardLayout.body(model.size)
        bands.top(1)
        bands.bottom(1)
        let body = bands.inset(1)
        // From under the heading (and a blank line) to the last line above the keys, the notes
        // under a blank line after the table.
        let top = body.y + 1, last = model.size.height - 3
        let height = min(rows + 1, max(3, last - top + 1 - notes - 1))
        return Rect(x: body.x, y: top, width: body.width, height: height)
    }

    static func visibleRows(_ model: DashboardModel) -> Int {
        guard let standing = standing(model), let ranking = standing.ranking(model.competitionKind) else { return 1 }
        return DashboardLayout.rows(in: tableRect(model, notes: notes(model, standing, ranking).count, rows: ranking.rows.count))
    }

    static func draw(_ model: DashboardModel, into grid: inout Grid) {
        Dashboard.drawTitle(model, right: "", into: &grid)
        guard let standing = standing(model), let ranking = standing.ranking(model.competitionKind) else { return }
        let l = model.language
        let kinds = ContributionKind.allCases
        let index = (kinds.firstIndex(of: ranking.kind) ?? 0) + 1
        grid.put(CompetitionTables.caption(standing, ranking.kind, l) + "  \(index)/\(kinds.count)", x: 1, y: 1, maxWidth: model.size.width - 2, style: Style(bold: true))
        let compact = model.size.width < 100
        let headers = CompetitionTables.headers(ranking, scope: standing.scope, l, compact: compact)
        var columns = headers.enumerated().map { i, title in TableColumn(title: title, alignment: i == 1 ? .left : .right, flexible: i == 1) }
        if columns.indices.contains(model.competitionMeasure + 2) { columns[model.competitionMeasure + 2].title = "▸" + headers[model.competitionMeasure + 2] }
        let notes = notes(model, standing, ranking)
        let rect = tableRect(model, notes: notes.count, rows: ranking.rows.count)
        // Narrow: the values alone (the selected figure's line below says what it is made of).
        let rows = CompetitionTables.rows(ranking, scope: standing.scope, l, compact: compact)
        var table = TableView(columns: columns, rows: rows, position: model.competitionPosition)
        table.fitColumns(available: rect.width)
        table.render(into: &grid, rect: rect, selectedStyle: Style(bold: true))
        // The selected figure, highlighted in its row.
        let selectedY = rect.y + 1 + model.competitionPosition.selected - model.competitionPosition.offset
        let column = model.competitionMeasure + 2
        if table.columns.indices.contains(column), selectedY > rect.y, selectedY < rect.y + rect.height {
            let x = rect.x + table.columns[..<column].reduce(0) { $0 + $1.width + table.gap }
            WorkScreens.restyle(&grid, y: selectedY, columns: x..<(x + table.columns[column].width), Style(reverse: true))
        }
        var y = rect.y + rect.height + 1
        let last = model.size.height - 3
        for (text, style) in notes where y <= last {
            grid.put(text, x: 1, y: y, maxWidth: model.size.width - 2, style: style)
            y += 1
        }
        grid.put(Dashboard.footer(.screen(.branches), l), x: 1, y: model.size.height - 2, maxWidth: model.size.width - 2, style: Style(dim: true))
    }

    static func perform(_ action: DashboardAction, _ model: inout DashboardModel) -> [DashboardEffect] {
        let count = ranking(model)?.rows.count ?? 0
        let measures = ranking(model)?.measures.count ?? 0
        switch action {
        case _ where model.competitionPosition.follow(action, count: count, visibleRows: visibleRows(model)): break
        case .nextFigure: model.competitionMeasure = min(max(0, measures - 1), model.competitionMeasure + 1)
        case .previousFigure: model.competitionMeasure = max(0, model.competitionMeasure - 1)
        case .nextKind:
            let kinds = ContributionKind.allCases
            model.competitionKind = kinds[((kinds.firstIndex(of: model.competitionKind) ?? 0) + 1) % kinds.count]
            model.competitionMeasure = 0
        case .toggleScope:
            model.competitionShops.toggle()
            model.competitionPosition = ListPosition()
            model.refreshCompetition()
        case .cycleBranchFilter where model.competitionShops:
            if case .secretary? = model.user?.role { break }
            let numbers = model.market?.branches.map(\.number) ?? []
            if let current = model.competitionBranch, let i = numbers.firstIndex(of: current) {
                model.competitionBranch = i + 1 < numbers.count ? numbers[i + 1] : nil
            } else {
                model.competitionBranch = numbers.first
            }
            model.competitionPosition = ListPosition()
            model.refreshCompetition()
        case .openShop:
            return openRecords(&model)
        default: break
        }
        return []
    }

    /// The records behind the selected figure: its complaints on the complaints tab, its other
    /// records on the records tab, each list limited to them until Esc.
    static func openRecords(_ model: inout DashboardModel) -> [DashboardEffect] {
        guard let ranking = ranking(model), let (row, entry, figure) = selected(model, ranking) else { return [] }
        let title = "\(ranking.kind.name(model.language)) · \(row.name) · \(entry.measure.name(model.language)) \(figure.shortText())"
        if !figure.receipts.isEmpty {
            model.tab = .complaints
            model.applyComplaintQuery("")
            model.complaintFilter = .records(title: title, receipts: figure.receipts)
            model.queuePosition = ListPosition()
            return []
        }
        guard !figure.records.isEmpty else {
            model.notice = model.t("这个数字背后没有记录", "no records behind this figure")
            return []
        }
        model.tab = .audit
        model.auditRecords = AuditSelection(title: title, sequences: Set(figure.records))
        model.auditPosition = ListPosition()
        return [.loadAudit]
    }
}

/// The records tab limited to the records behind a figure (until Esc).
public struct AuditSelection: Sendable, Equatable {
    public var title: String
    public var sequences: Set<UInt64>
}

/// The branches tab's ranking as of the last change of the market, the day or the scope.
struct CompetitionCache: Sendable, Equatable {
    let events: Int
    let today: SimpleDate
    let scope: CompetitionScope
    let standing: CompetitionStanding

    init(_ model: DashboardModel) {
        events = model.market?.eventCount ?? -1
        today = model.today
        scope = model.competitionScope
        standing = (model.market ?? MarketState()).competition(scope, period: .year(of: model.today))
    }

    func isCurrent(for model: DashboardModel) -> Bool {
        events == (model.market?.eventCount ?? -1) && today == model.today && scope == model.competitionScope
    }
}

extension DashboardModel {
    /// What the branches tab compares: the branches, or shops (a secretary's own branch's).
    var competitionScope: CompetitionScope {
        guard competitionShops else { return .branches }
        if case .secretary(let branch)? = user?.role { return .shops(branch: branch) }
        return .shops(branch: competitionBranch)
    }

    /// Works the ranking out again when it is shown and no longer current.
    mutating func refreshCompetition() {
        guard screen == .branches, market != nil, !(competition?.isCurrent(for: self) ?? false) else { return }
        competition = CompetitionCache(self)
        let count = competition?.standing.ranking(competitionKind)?.rows.count ?? 0
        competitionPosition.keepVisible(count: count, visibleRows: max(1, CompetitionScreen.visibleRows(self)))
    }
}
