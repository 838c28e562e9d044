import Core

/// The complaint queue (or what `/` found), kept between key presses: computing it means filtering and sorting every
/// complaint in the market's history (with working-day deadlines), far too slow for a key press
/// once the log holds years of records. It is rebuilt with the dashboard's other caches when the
/// market or the user changes, and ignored (recomputed) if either changed without a rebuild.
struct ComplaintQueueCache: Sendable, Equatable {
    let events: Int
    let user: String?
    let today: SimpleDate
    let filter: ComplaintFilter?
    let query: String
    let cases: [ComplaintCase]
    /// What each recent search found (by its typed text), while the market and the user stay the
    /// same: its case rows, which the next, longer query looks at only, and the list it showed.
    let searches: [String: Found]

    struct Found: Sendable, Equatable {
        let rows: [Int]
        let cases: [ComplaintCase]
    }

    init(_ model: DashboardModel) {
        let events = model.market?.eventCount ?? -1, user = model.user?.name
        self.events = events
        self.user = user
        today = model.today
        filter = model.complaintFilter
        query = model.complaintQuery
        var earlier = model.queueCache.flatMap { $0.events == events && $0.user == user ? $0.searches : nil } ?? [:]
        if model.complaintQuery.isEmpty || model.market == nil {
            cases = Dashboard.computeQueue(model)
        } else if let again = earlier[TypedCode.normalise(model.complaintQuery)] {
            // A query taken back to one just typed (Backspace): its list as it was.
            cases = again.cases
        } else {
            let result = ComplaintSearch.find(model.complaintQuery, in: model, earlier: earlier.mapValues(\.rows))
            cases = result.cases
            // A few recent queries are kept (those being typed and taken back).
            if earlier.count >= 16 { earlier = [:] }
            earlier[result.typed] = Found(rows: result.rows, cases: result.cases)
        }
        searches = earlier
    }

    func isCurrent(for model: DashboardModel) -> Bool {
        events == (model.market?.eventCount ?? -1) && user == model.user?.name && today == model.today && filter == model.complaintFilter
            && query == model.complaintQuery
    }
}

/// The overview's and the branches tab's figures, computed when the market changes (each from
/// the ratings worked out once for the merchants table), not on every frame.
struct OverviewFigures: Sendable, Equatable {
    struct Month: Sendable, Equatable {
        var year: Int
        var month: Int
        var count: Int
    }

    /// Shops per number of stars, index 0 = awaiting.
    var distribution: [Int]
    /// This month's complaints: in all, per integrity (in `Integrity.allCases` order), per state.
    var thisMonth: Int
    var thisMonthByIntegrity: [Int]
    var thisMonthByState: [(ComplaintState, Int)]
    var open: Int
    var overdue: Int
    /// Ranked as `branchFigures` ranks them.
    var branches: [BranchFigures]
    /// 消费者满意率 of the year through today, per shop, branch and market.
    var satisfaction: SatisfactionTally
    var monthly: [Month]

    /// What the figures were computed for.
    let events: Int
    let today: SimpleDate

    /// The cached figures if they are still those of the model's market and day, else fresh ones.
    static func current(_ model: DashboardModel, _ market: MarketState) -> OverviewFigures {
        if let cached = model.overview, cached.events == market.eventCount, cached.today == model.today { return cached }
        // Stale (the day or the market changed without a rebuild): the ratings are worked out afresh.
        return OverviewFigures(market, facts: nil, today: model.today)
    }

    /// `facts`: the merchants' facts (in the market's order) for this market and day, if at hand.
    init(_ market: MarketState, facts: [MerchantFacts]?, today: SimpleDate) {
        events = market.eventCount
        self.today = today
        var distribution = Array(repeating: 0, count: 6)
        var stars: [String: Int?] = [:]
        for (i, merchant) in market.merchants.enumerated() {
            let status = facts.map { $0[i].status } ?? market.rating(of: merchant, today: today)
            distribution[status.stars ?? 0] += 1
            stars[merchant.shopNumber] = status.stars
        }
        self.distribution = distribution
        let summaries = market.complaints.summaries
        let month = summaries.filter { $0.filedOn.year == today.year && $0.filedOn.month == today.month }
        thisMonth = month.count
        thisMonthByIntegrity = Integrity.allCases.map { i in month.filter { $0.integrity == i }.count }
        thisMonthByState = ComplaintState.allCases.map { s in (s, month.filter { $0.state == s }.count) }.filter { $0.1 > 0 }
        let open = summaries.filter { $0.state.isOpen }
        self.open = open.count
        let rules = market.rules(on: today)?.value
        overdue = rules.map { r in open.filter { $0.isOverdue(today: today, rules: r, calendar: market.calendar) }.count } ?? 0
        // The summaries once for all the figures (a decade holds tens of thousands of cases).
        let satisfaction = market.satisfaction(yearOf: today)
        self.satisfaction = satisfaction
        branches = market.branchFigures(today: today, stars: stars, summaries: summaries, satisfaction: satisfaction)
        monthly = market.monthlyComplaints(today: today, summaries: summaries).map { Month(year: $0.year, month: $0.month, count: $0.count) }
    }

    static func == (a: OverviewFigures, b: OverviewFigures) -> Bool {
        a.events == b.events && a.today == b.today && a.distribution == b.distribution && a.thisMonth == b.thisMonth && a.thisMonthByIntegrity == b.thisMonthByIntegrity
            && a.thisMonthByState.map(\.0) == b.thisMonthByState.map(\.0) && a.thisMonthByState.map(\.1) == b.thisMonthByState.map(\.1)
            && a.open == b.open && a.overdue == b.overdue && a.branches == b.branches && a.satisfaction == b.satisfaction && a.monthly == b.monthly
    }
}

/// Each shop's rectifications with what they were worked out from (`MarketState.rectificationKey`)
/// and the calendar (deadlines count working days).
struct RectificationCache: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var key: MarketState.RectificationKey
        var list: [Rectification]
    }

    var calendar: WorkingCalendar?
    var entries: [String: Entry] = [:]
}

/// The open shop's page (its lines and its rating's label), kept between key presses: at a decade
/// of records it walks thousands of inspections, complaints and points, and rates ten past years.
struct ShopPageCache: Sendable, Equatable {
    let shop: String?
    let events: Int
    let user: String?
    let today: SimpleDate
    let language: Language
    let theme: Theme
    /// The lines are wrapped to the screen's width.
    let width: Int
    let lines: [ShopScreen.Line]
    let label: String

    init(_ model: DashboardModel) {
        shop = model.openShop
        events = model.market?.eventCount ?? -1
        user = model.user?.name
        today = model.today
        language = model.language
        theme = model.theme
        width = model.size.width
        lines = ShopScreen.computeLines(model)
        label = ShopScreen.computeLabel(model)
    }

    func isCurrent(for model: DashboardModel) -> Bool {
        shop == model.openShop && events == (model.market?.eventCount ?? -1) && user == model.user?.name && today == model.today
            && language == model.language && theme == model.theme && width == model.size.width
    }
}
