import CFreeMemory
import Core
import Terminal

/// The dashboard's state: everything `view` needs, nothing it must compute from outside.
public struct DashboardModel: Sendable, Equatable {
    public enum Screen: Sendable, Equatable, CaseIterable {
        /// No data directory yet: offer to create one from the shipped roster.
        case firstRun
        case merchants
        /// One shop: identity, pledges, duties, guarantees, the rating explained, its records.
        case shop
        case overview
        case branches
        case complaints
        /// User name and PIN, when the data directory has users.
        case login
        /// The inspection form, from the shop screen.
        case inspection
        /// One complaint case, from the queue.
        case complaint
        /// The event history with the chain's state.
        case audit
        /// Every inspection, and the rectifications to follow up.
        case inspections
        /// Points to approve and appeals to decide.
        case reviews
        /// The members' points of the year (MembersScreen.swift).
        case members
        /// One member's ledger, from the members tab.
        case member
    }

    /// The dashboard's tabs, switched with 1–4 or Tab.
    public enum Tab: Int, Sendable, Equatable, CaseIterable {
        case overview = 1, merchants, branches, complaints, audit, inspections, reviews, members

        func title(_ language: Language) -> String {
            switch self {
            case .overview: return language.pick("概览", "Overview")
            case .merchants: return language.pick("商户", "Shops")
            case .branches: return language.pick("支部", "Branches")
            case .complaints: return language.pick("投诉", "Complaints")
            case .audit: return language.pick("记录", "Audit")
            case .inspections: return language.pick("检查", "Inspections")
            case .reviews: return language.pick("审核", "Reviews")
            case .members: return language.pick("党员", "Members")
            }
        }
    }

    public var language: Language
    public var theme: Theme = .dark
    public var dataDirectory: String
    /// Today's date in the market's time zone, from the clock the caller passes in.
    public var today: SimpleDate
    public var market: MarketState?
    public var size: Size
    public var position = ListPosition()
    public var firstRunChoice = 0
    public var showHelp = false
    /// An effect is running off the loop (a PIN check, the history read, a file written): how
    /// many times the screen was redrawn since (the status bar's spinner); nil when none is.
    public var busy: Int?
    /// A one-line message shown in the status bar until the next key (warnings, errors).
    public var notice: String?
    /// The log's state for the status bar: number of records, verified or not.
    public var logSummary: String = ""
    /// The search field while `/` is being typed (on the merchants, complaints or audit tab: what
    /// it finds is that tab's `filter`, `complaintQuery` or `auditQuery`).
    public var search: TextFieldState?
    /// The filter in force (what was typed after `/`); empty for all shops.
    public private(set) var filter = ""
    /// Search keys (shop number, name, owner) per merchant, in the market's order.
    private(set) var searchIndex: [ShopSearch.Keys] = []
    /// Each shop's rectifications as of the last rebuild (see `rebuildIndex`).
    var rectificationCache = RectificationCache(calendar: nil)
    /// Whether the lists wait for a login (see `init`).
    let listsAtLogin: Bool
    /// The roster the search keys were made for.
    private var searchIndexRoster: [Merchant] = []
    /// Indices into `market.merchants` of the shops shown, in order.
    public private(set) var shown: [Int] = []
    /// Each merchant's table row (all columns, the business one included), computed when the
    /// market changes rather than on every key press.
    private var rowCache: [[String]] = []
    /// What the filters and numeric sorts need per merchant, computed with the rows.
    private var facts: [MerchantFacts] = []
    /// Every inspection with its open rectifications, computed when the market changes.
    var inspectionIndex = InspectionIndex()
    /// The overview's and the branches tab's figures, computed when the market changes.
    var overview: OverviewFigures?
    /// Points to approve and appeals to decide, computed when the market changes.
    public private(set) var reviewItems: [ReviewItem] = []
    public var inspectionPosition = ListPosition()
    public var onlyOpenRectifications = false
    public var reviewPosition = ListPosition()
    public var membersPosition = ListPosition()
    /// The member whose ledger the members tab shows (its number).
    public var openMember: String?
    /// The complaint queue as of the last `rebuildIndex` or filter change (see DashboardCaches.swift).
    var queueCache: ComplaintQueueCache?
    /// Only this branch's shops (b cycles), only shops with this many stars, 0 = awaiting (* cycles).
    public private(set) var branchFilter: Int?
    public private(set) var starFilter: Int?
    /// Only shops with a problem in this integrity this year: a deduction, an open complaint or
    /// an open rectification (c cycles).
    public private(set) var integrityFilter: Integrity?

    mutating func cycleIntegrityFilter() {
        let all = Integrity.allCases
        if let current = integrityFilter, let i = all.firstIndex(of: current) {
            integrityFilter = i + 1 < all.count ? all[i + 1] : nil
        } else {
            integrityFilter = all.first
        }
        applyFilter(filter)
    }

    /// Sets the filters at once (the overview's figures lead here).
    mutating func showOnly(branch: Int? = nil, stars: Int? = nil, integrity: Integrity? = nil) {
        branchFilter = branch
        starFilter = stars
        integrityFilter = integrity
        filter = ""
        applyFilter("")
    }

    mutating func cycleBranchFilter() {
        let numbers = market?.branches.map(\.number) ?? []
        if let current = branchFilter, let i = numbers.firstIndex(of: current) {
            branchFilter = i + 1 < numbers.count ? numbers[i + 1] : nil
        } else {
            branchFilter = numbers.first
        }
        applyFilter(filter)
    }

    mutating func cycleStarFilter() {
        // 5, 4, 3, 2, 1, awaiting (0), all.
        switch starFilter {
        case nil: starFilter = 5
        case 0?: starFilter = nil
        case let n?: starFilter = n - 1
        }
        applyFilter(filter)
    }

    /// The column the table is sorted by (see `Dashboard.merchantColumns`), and the direction.
    public private(set) var sortColumn = 0
    public private(set) var sortDescending = false

    /// `listsAtLogin`: build the market's lists and figures only once someone has logged in (what
    /// `chengxin` does: its first frame, the login screen, needs none of them).
    public init(language: Language, dataDirectory: String, market: MarketState?, size: Size, today: SimpleDate, listsAtLogin: Bool = false) {
        self.listsAtLogin = listsAtLogin
        self.today = today
        self.language = language
        self.dataDirectory = dataDirectory
        self.market = market
        self.size = size
        rebuildIndex()
    }

    /// The shops shown, after the filter (and, for a secretary, only their branch).
    public var shownMerchants: [Merchant] {
        guard let market else { return [] }
        return shown.map { market.merchants[$0] }
    }

    mutating func rebuildIndex() {
        // Waiting only while the login screen is what is shown (a market without accounts is browsed at once).
        let waiting = listsAtLogin && user == nil && !(market?.users.isEmpty ?? true)
        // Before anyone has logged in, no screen shows the market: its lists are built at login
        // (so that the login screen of a decade-old market is drawn without waiting for them).
        if let market, !waiting {
            var results: [String: RatingResult] = [:]
            // Each shop's rectifications walk its whole history: kept between rebuilds, and worked
            // out again only for the shops with new inspections (or when the rules or calendar change).
            if rectificationCache.calendar != market.calendar { rectificationCache = RectificationCache(calendar: market.calendar) }
            for merchant in market.merchants {
                let key = market.rectificationKey(of: merchant.shopNumber)
                let cached = rectificationCache.entries[merchant.shopNumber].flatMap { $0.key == key ? $0.list : nil }
                let result = RatingEngine.rate(merchant, in: market, year: today.year, today: today, rectifications: cached)
                if cached == nil { rectificationCache.entries[merchant.shopNumber] = .init(key: key, list: result.rectifications) }
                results[merchant.shopNumber] = result
            }
            facts = MerchantFacts.all(market, results: results)
            rowCache = Dashboard.merchantRows(market, language, wide: true, today: today, facts: facts)
            inspectionIndex = InspectionIndex(market, results: results, today: today)
            reviewItems = ReviewItem.pending(market, language, today: today)
            queueCache = ComplaintQueueCache(self)
            overview = OverviewFigures(market, facts: facts, today: today)
            // What building them took and let go of (every complaint's summary, each shop's
            // rating: megabytes at a decade) stays with the C library's heap once a large block
            // has been freed, as a snapshot's reading does (glibc then raises its thresholds):
            // handed back, 12 MiB less resident at 1M events, about 1 ms (docs/performance.md).
            cx_release_free_memory()
        } else {
            reviewItems = []
            overview = nil
            rowCache = []
            facts = []
            inspectionIndex = InspectionIndex()
        }
        if waiting {
            shown = []
        } else {
            applyFilter(filter)
        }
    }

    /// Rows of the shown shops, in order; without the business column unless `wide`.
    func shownRows(wide: Bool, compact: Bool = false) -> [[String]] {
        shown.map { i in
            var row = rowCache[i]
            if compact, let merchant = market?.merchants[i] {
                // Narrow: the branch by its number, the plate by its short name.
                row[3] = String(merchant.branch)
                row[4] = merchant.plate.shortName(language)
            }
            if !wide { row.remove(at: 5) }
            return row
        }
    }

    mutating func applyFilter(_ query: String) {
        filter = query
        var ownBranch: Int?
        if case .secretary(let branch)? = user?.role { ownBranch = branch }
        if !query.isEmpty { makeSearchIndex() }
        let matching = rowCache.indices.filter { i in
            if let ownBranch, market?.merchants[i].branch != ownBranch { return false }
            if let branch = branchFilter, market?.merchants[i].branch != branch { return false }
            if let stars = starFilter, facts[i].stars != stars { return false }
            if let integrity = integrityFilter, !facts[i].problems.contains(integrity) { return false }
            return query.isEmpty || (i < searchIndex.count && searchIndex[i].matches(query))
        }
        let column = sortColumn
        let descending = sortDescending
        shown = matching.sorted { x, y in
            // By the column (highest first when descending); ties always in shop-number order.
            let c = compareKey(x, y, column)
            if c != 0 { return descending ? c > 0 : c < 0 }
            return rowCache[x][0] < rowCache[y][0]
        }
    }

    /// The search keys (pinyin: an ICU transliteration per character) are made when a search is
    /// first typed, and again only when the roster changes.
    private mutating func makeSearchIndex() {
        let merchants = market?.merchants ?? []
        guard searchIndexRoster != merchants else { return }
        searchIndexRoster = merchants
        searchIndex = merchants.map(ShopSearch.Keys.init)
    }

    /// What `/` finds on the complaints tab (see `ComplaintSearch`); empty for the queue.
    public private(set) var complaintQuery = ""

    mutating func applyComplaintQuery(_ query: String) {
        complaintQuery = query
        if !query.isEmpty { makeSearchIndex() }
        if market != nil { queueCache = ComplaintQueueCache(self) }
    }

    /// How merchants a and b compare by `column` alone: -1, 0 or 1.
    private func compareKey(_ a: Int, _ b: Int, _ column: Int) -> Int {
        func order<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (y < x ? 1 : 0) }
        switch column {
        case 0: return order(rowCache[a][0], rowCache[b][0])
        case 3: return order(market?.merchants[a].branch ?? 0, market?.merchants[b].branch ?? 0)
        case 6: return order(facts[a].stars, facts[b].stars)
        case 7: return order(facts[a].score ?? Int.min, facts[b].score ?? Int.min)
        case 8: return order(facts[a].openComplaints, facts[b].openComplaints)
        case 9: return order(facts[a].lastInspection?.dayNumber ?? Int.min, facts[b].lastInspection?.dayNumber ?? Int.min)
        default:
            let x = rowCache[a][column], y = rowCache[b][column]
            return x == y ? 0 : (Pinyin.ascending(x, y) ? -1 : 1)
        }
    }

    /// Sorts by one column (the overview's coverage figures sort by the last inspection).
    mutating func sortBy(column: Int, descending: Bool) {
        sortColumn = column
        sortDescending = descending
        applyFilter(filter)
    }

    /// Sorts by the next column (s) or reverses the order (S).
    mutating func changeSort(reverse: Bool) {
        if reverse {
            sortDescending.toggle()
        } else {
            // Columns: shop number, name, owner, branch, plate, (business), stars, score, open
            // complaints, last inspection; numbers and dates sort highest first.
            let order = [0, 1, 2, 3, 4, 6, 7, 8, 9]
            sortColumn = order[((order.firstIndex(of: sortColumn) ?? 0) + 1) % order.count]
            sortDescending = sortColumn >= 6
        }
        applyFilter(filter)
    }

    /// Who is logged in (nil before login, or when the data directory has no users yet).
    public var user: User?
    /// The login form, while the data directory has users and nobody is logged in.
    public var login = LoginForm()

    /// The shop open on the shop screen, by shop number.
    public var openShop: String?
    /// The inspection being recorded, on the shop screen.
    public var inspectionForm: InspectionForm?
    /// The audit tab's rows (newest first) once loaded, its filter and position.
    public var audit: [AuditRow]?
    public var auditQuery = ""
    public var auditPosition = ListPosition()
    public var auditChain = ""

    /// A small form over the screen for one record (points, reply, appeal, decision…).
    public var entry: EntryForm?
    /// An export being written, slice by slice (shown in the status bar).
    public var exportProgress: ExportProgress?

    /// The complaint open from the queue, by receipt.
    public var openComplaint: String? {
        didSet { if openComplaint != oldValue { caseScroll = 0 } }
    }
    /// How far the complaint page is scrolled, in lines.
    public var caseScroll = 0
    /// An action being chosen for the open complaint.
    public var complaintFlow: ComplaintActionFlow?
    /// The question asked before recording something or throwing away what was typed (see
    /// Confirmation.swift); it takes the keys until it is answered.
    public var confirmation: Confirmation?
    /// How far the shop screen is scrolled, in lines.
    public var detailScroll = 0
    /// The open shop's page as of the last update (see DashboardCaches.swift).
    var shopPage: ShopPageCache?

    /// The tab shown (the merchants table first, as the office opens it most).
    public var tab: Tab = .merchants
    /// Selection in the complaint queue.
    public var queuePosition = ListPosition()
    /// The complaints tab's list when reached from an overview figure (nil: the open queue).
    public var complaintFilter: ComplaintFilter? {
        didSet { if market != nil { queueCache = ComplaintQueueCache(self) } }
    }
    /// The figure selected on the overview.
    public var overviewCursor = 0
    /// The branches tab (CompetitionScreen.swift): the kind shown, branches or shops (of one
    /// branch or all), the row and the measure selected, and the ranking worked out.
    public var competitionKind: ContributionKind = .development
    public var competitionShops = false
    public var competitionBranch: Int?
    public var competitionPosition = ListPosition()
    public var competitionMeasure = 0
    var competition: CompetitionCache?
    /// The members tab's ledgers as of the last change of the market, the day or the viewer.
    var membersLedgers: MembersLedgerCache?
    /// The records tab limited to the records behind a figure (nil: every record).
    public var auditRecords: AuditSelection?

    public var screen: Screen {
        guard let market else { return .firstRun }
        if user == nil && !market.users.isEmpty { return .login }
        if inspectionForm != nil { return .inspection }
        if openComplaint != nil && tab == .complaints { return .complaint }
        if openMember != nil && tab == .members { return .member }
        if openShop != nil { return .shop }
        switch tab {
        case .overview: return .overview
        case .merchants: return .merchants
        case .branches: return .branches
        case .complaints: return .complaints
        case .audit: return .audit
        case .inspections: return .inspections
        case .reviews: return .reviews
        case .members: return .members
        }
    }

    func t(_ zh: String, _ en: String) -> String { language.pick(zh, en) }
}

/// What the merchants table shows and filters on beyond the roster, per merchant.
public struct MerchantFacts: Sendable, Equatable {
    public var status: RatingStatus
    /// Stars this year, 0 while awaiting.
    public var stars: Int
    public var score: Int?
    public var openComplaints: Int
    public var lastInspection: SimpleDate?
    /// Integrities with a problem this year: a deduction, an open complaint, an open rectification.
    public var problems: Set<Integrity>

    /// The facts of every merchant, in the market's order, from their ratings.
    public static func all(_ market: MarketState, results: [String: RatingResult]) -> [MerchantFacts] {
        let open = market.complaints.openByShop
        let categories = Dictionary((market.checklist?.items ?? []).map { ($0.id, $0.category) }, uniquingKeysWith: { a, _ in a })
        return market.merchants.map { merchant in
            let result = results[merchant.shopNumber]
            var problems = Set(open[merchant.shopNumber] ?? [])
            for (integrity, points) in result?.deductionsByIntegrity ?? [:] where points > 0 { problems.insert(integrity) }
            for r in result?.rectifications ?? [] where r.closedOn == nil {
                if let integrity = categories[r.item].flatMap(RatingEngine.integrity(of:)) { problems.insert(integrity) }
            }
            var score: Int?
            if case .rated(_, let points, _)? = result?.status { score = points }
            return MerchantFacts(status: result?.status ?? .awaiting, stars: result?.status.stars ?? 0, score: score, openComplaints: open[merchant.shopNumber]?.count ?? 0,
                                 lastInspection: market.inspections.latestDate(of: merchant.shopNumber), problems: problems)
        }
    }
}

/// Two digits, zero-padded (months and days).
func twoDigits(_ value: Int) -> String {
    value < 10 ? "0\(value)" : "\(value)"
}

/// How far an export has got.
public struct ExportProgress: Sendable, Equatable {
    public var done: Int
    public var total: Int
}
