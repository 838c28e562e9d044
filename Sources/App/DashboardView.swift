import Core
import Terminal

/// The dashboard's view: the title bar and tabs, the first-run offer, the merchants table.
extension Dashboard {
    public static func view(_ model: DashboardModel) -> Grid {
        var grid = Grid(size: model.size)
        if !model.size.holds(.smallestUsable) {
            WindowTooSmall.draw(model.size, model.language, advice: model.t("请放大窗口；按 q 退出", "enlarge the window; q quits"), into: &grid)
            return grid
        }
        switch model.screen {
        case .firstRun: drawFirstRun(model, into: &grid)
        case .merchants: drawMerchants(model, into: &grid)
        case .shop: ShopScreen.draw(model, into: &grid)
        case .login: LoginScreen.draw(model, into: &grid)
        case .inspection: InspectionScreen.draw(model, into: &grid)
        case .complaint: ComplaintScreen.draw(model, into: &grid)
        case .audit: AuditScreen.draw(model, into: &grid)
        case .overview: OverviewScreens.drawOverview(model, into: &grid)
        case .branches: CompetitionScreen.draw(model, into: &grid)
        case .complaints: OverviewScreens.drawComplaints(model, into: &grid)
        case .inspections: WorkScreens.drawInspections(model, into: &grid)
        case .reviews: WorkScreens.drawReviews(model, into: &grid)
        case .members: MembersScreen.drawList(model, into: &grid)
        case .member: MembersScreen.drawPage(model, into: &grid)
        }
        if model.entry != nil && model.screen != .login {
            EntryScreen.draw(model, into: &grid)
        }
        if let confirmation = model.confirmation {
            confirmation.dialog.render(into: &grid)
        }
        drawStatusBar(model, into: &grid)
        if model.showHelp {
            // The table the keys are looked up in, as it is.
            KeyBinding.renderHelp(bindings(for: context(model)), model.language, into: &grid)
        }
        return grid
    }

    static func titleText(_ model: DashboardModel) -> String {
        let market = model.market?.committee?.marketName ?? model.t("中国(丹阳)眼镜城", "China (Danyang) Eyewear City")
        let title = model.size.width >= 110 || model.market == nil
            ? model.t("诚信 · \(market) 诚信党建", "chengxin · \(market) integrity programme")
            : model.t("诚信党建", "chengxin")
        // The tabs come first: where the title and the tabs do not both fit (English at 80
        // columns), the title is left out.
        let tabs = model.market == nil || model.screen == .login ? 0
            : DashboardModel.Tab.allCases.reduce(0) { $0 + DisplayWidth.of(tabLabel($1, model.language)) }
        return DisplayWidth.of(title) + 2 + tabs > model.size.width ? " " : " " + title + " "
    }

    /// A tab as the title bar shows it: " 1概览" (one space between tabs, so that eight tabs, the
    /// title and the merchants' count fit in 80 columns).
    static func tabLabel(_ tab: DashboardModel.Tab, _ language: Language) -> String {
        " \(tab.rawValue)\(tab.title(language))"
    }

    /// Where each tab is drawn in the title bar (none on the first-run and login screens).
    static func tabRanges(_ model: DashboardModel) -> [(tab: DashboardModel.Tab, columns: Range<Int>)] {
        guard model.market != nil, model.screen != .login else { return [] }
        var x = DisplayWidth.of(titleText(model))
        return DashboardModel.Tab.allCases.map { tab in
            let width = DisplayWidth.of(tabLabel(tab, model.language))
            defer { x += width }
            return (tab, x..<(x + width))
        }
    }

    static func drawTitle(_ model: DashboardModel, right: String, into grid: inout Grid) {
        let bar = model.theme.title
        grid.fill(Rect(x: 0, y: 0, width: model.size.width, height: 1), style: bar)
        var x = grid.put(titleText(model), x: 0, y: 0, style: bar)
        // The tabs, the current one highlighted.
        for (tab, columns) in tabRanges(model) {
            let current = tab == model.tab && model.openShop == nil
            grid.put(tabLabel(tab, model.language), x: columns.lowerBound, y: 0,
                     style: current ? model.theme.currentTab : bar)
            x = columns.upperBound
        }
        let w = DisplayWidth.of(right)
        if x + w + 1 < model.size.width {
            grid.put(right, x: max(0, model.size.width - w - 1), y: 0, style: bar)
        }
    }
    static func drawFirstRun(_ model: DashboardModel, into grid: inout Grid) {
        drawTitle(model, right: model.t("首次运行", "first run"), into: &grid)
        let width = min(model.size.width - 4, 72)
        let rect = Rect(x: (model.size.width - width) / 2, y: 3, width: width, height: 14)
        grid.box(rect, title: model.t("欢迎", "Welcome"), style: Style(bold: true))
        let x = rect.x + 3
        let inner = width - 6
        grid.put(model.t("还没有数据目录：", "There is no data directory yet:"), x: x, y: rect.y + 2, maxWidth: inner)
        grid.put(model.dataDirectory, x: x + 2, y: rect.y + 3, maxWidth: inner - 2, style: Style(bold: true))
        grid.put(model.t("可以用随附的眼镜城名册创建：5 个党支部、90 多家党员经营户，", "It can be created from the shipped Eyewear City roster:"), x: x, y: rect.y + 5, maxWidth: inner)
        grid.put(model.t("含承诺、职责和保障；星级在首次检查前为“待评定”。", "5 branches, 90+ member shops with pledges, duties, guarantees."), x: x, y: rect.y + 6, maxWidth: inner)
        let choices = [
            model.t("用随附名册创建数据目录", "Create the data directory from the shipped roster"),
            model.t("创建演示数据（名册加一年虚构记录；管理员 zhuren，PIN 111111）", "Create a demo (roster plus a year of fictional history)"),
            model.t("退出", "Quit"),
        ]
        for (i, choice) in choices.enumerated() {
            let selected = i == model.firstRunChoice
            grid.put((selected ? "▶ " : "  ") + choice, x: x, y: rect.y + 8 + i, maxWidth: inner, style: selected ? Style(reverse: true) : .plain)
        }
        grid.put(footer(.screen(.firstRun), model.language), x: x, y: rect.y + 12, maxWidth: inner, style: Style(dim: true))
    }

    /// The merchants table's columns and rows, as text (also used by `merchant list`). `compact`:
    /// the titles of a narrow table, where the branch is a number (English words are long).
    public static func merchantColumns(_ language: Language, wide: Bool, compact: Bool = false) -> [TableColumn] {
        var columns = [
            TableColumn(title: language.pick("店铺号", "Shop")),
            TableColumn(title: language.pick("店铺名称", "Name"), flexible: true),
            TableColumn(title: language.pick("经营者", "Owner"), flexible: true),
            TableColumn(title: language.pick("支部", compact ? "Br." : "Branch"), flexible: true),
            TableColumn(title: language.pick("挂牌", "Plate"), flexible: true),
        ]
        if wide { columns.append(TableColumn(title: language.pick("主营", "Business"), flexible: true)) }
        columns.append(TableColumn(title: language.pick("星级", "Stars")))
        columns.append(TableColumn(title: language.pick("分数", "Score"), alignment: .right))
        columns.append(TableColumn(title: language.pick("投诉", "Open"), alignment: .right))
        columns.append(TableColumn(title: language.pick("最近检查", compact ? "Insp." : "Inspected")))
        return columns
    }

    /// Whether the merchants table is drawn narrow (branch numbers, short plate names): below 100
    /// columns, and below 120 in English, whose words take more room than Chinese.
    static func compactTable(_ model: DashboardModel) -> Bool {
        model.size.width < (model.language == .en ? 120 : 100)
    }

    public static func merchantRows(_ market: MarketState, _ language: Language, wide: Bool, today: SimpleDate, facts given: [MerchantFacts]? = nil) -> [[String]] {
        let facts = given ?? MerchantFacts.all(market, results: Dictionary(uniqueKeysWithValues: market.merchants.map {
            ($0.shopNumber, RatingEngine.rate($0, in: market, year: today.year, today: today))
        }))
        return zip(market.merchants, facts).map { merchant, fact in
            var row = [
                merchant.shopNumber,
                merchant.name,
                merchant.owner,
                market.branch(merchant.branch).map { language == .zh ? $0.shortName : "Branch \($0.number)" } ?? String(merchant.branch),
                merchant.plate.name(language),
            ]
            if wide { row.append(merchant.business) }
            row.append(market.ratingLabel(fact.status, shop: merchant.shopNumber, today: today, language: language))
            row.append(fact.score.map(String.init) ?? "—")
            row.append(fact.openComplaints == 0 ? "" : String(fact.openComplaints))
            row.append(fact.lastInspection.map { $0.year == today.year ? "\(twoDigits($0.month))-\(twoDigits($0.day))" : $0.description } ?? "—")
            return row
        }
    }

    static func drawMerchants(_ model: DashboardModel, into grid: inout Grid) {
        guard let market = model.market else { return }
        let branchCount = market.branches.count
        let right = model.size.width >= 110
            ? model.t("商户 \(market.merchants.count) 家 · 党支部 \(branchCount) 个", "\(market.merchants.count) shops · \(branchCount) branches")
            : model.t("\(market.merchants.count) 家 · \(branchCount) 个支部", "\(market.merchants.count) shops · \(branchCount) branches")
        drawTitle(model, right: right, into: &grid)
        // The business column only where the names still fit in full beside it.
        let wide = model.size.width >= 130
        let compact = compactTable(model)
        var columns = merchantColumns(model.language, wide: wide, compact: compact)
        // Mark the sorted column.
        let logical = wide ? model.sortColumn : (model.sortColumn >= 6 ? model.sortColumn - 1 : model.sortColumn)
        if logical < columns.count { columns[logical].title += model.sortDescending ? "▼" : "▲" }
        var table = TableView(columns: columns, rows: model.shownRows(wide: wide, compact: compact), position: model.position)
        table.fitColumns(available: model.size.width - 2)
        table.render(into: &grid, rect: DashboardLayout.table(model.size))
    }
}
