import Core
import Reports
import Terminal

/// What the dashboard can be asked to do. Every screen's keys are looked up in its table of
/// `KeyBinding`s (`Dashboard.bindings(for:)`), and the action found is what is done: the help
/// overlay and the footers are drawn from the same tables, so they cannot say otherwise.
public enum DashboardAction: Sendable, Equatable {
    case moveDown, moveUp, pageDown, pageUp, top, bottom
    case toggleHelp, quit, confirm, back
    case search, clearFilter, openShop, sortNext, sortReverse, inspect
    case cycleBranchFilter, cycleStarFilter, cycleIntegrityFilter
    case addPoints, reply, appeal, withdrawRecord, toggleOpenOnly, export
    case showTab(DashboardModel.Tab), nextTab, previousTab
    /// The complaint page: choose the next step.
    case act
    /// The inspection form: mark the item, cycle its mark, write its note, change the date.
    case mark(InspectionForm.Mark), cycleMark, note, changeDate
    /// Text typed into the field that has the focus (characters and editing keys).
    case type
    /// Between the fields of a form.
    case nextField, previousField
    /// A question: answered yes or no, or the highlight moved to the other button.
    case yes, no, toggleAnswer
}

public struct KeyBinding: Sendable, Equatable {
    public var keys: [Key]
    public var action: DashboardAction
    public var zh: String
    public var en: String
    /// How the binding is named in the screen's footer, if it is (see `Dashboard.footer`).
    public var hint: Hint?
    /// Typing: characters and the editing keys of the field with the focus perform the action.
    public var typing: Bool

    /// "Enter 打开": the keys as the footer writes them (nil: the first key) and a word or two.
    public struct Hint: Sendable, Equatable {
        public var keys: String?
        public var zh: String
        public var en: String

        public init(_ keys: String? = nil, _ zh: String, _ en: String) {
            self.keys = keys
            self.zh = zh
            self.en = en
        }
    }

    public init(keys: [Key], action: DashboardAction, zh: String, en: String, hint: Hint? = nil, typing: Bool = false) {
        self.keys = keys
        self.action = action
        self.zh = zh
        self.en = en
        self.hint = hint
        self.typing = typing
    }
}

/// Where keys go: a screen, or what is open over it and takes the keys first.
public enum KeyContext: Sendable, Equatable {
    case screen(DashboardModel.Screen)
    /// The `/` field of the merchants, complaints and audit tabs.
    case search
    /// A form over the screen (points, a reply, a resolution…).
    case entry
    /// The list of a complaint's next steps.
    case actionMenu
    /// The question before recording something or throwing away what was typed.
    case confirmation

    /// Every context, for the tests that walk the tables.
    public static var all: [KeyContext] {
        DashboardModel.Screen.allCases.map(KeyContext.screen) + [.search, .entry, .actionMenu, .confirmation]
    }
}

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
    }

    /// The dashboard's tabs, switched with 1–4 or Tab.
    public enum Tab: Int, Sendable, Equatable, CaseIterable {
        case overview = 1, merchants, branches, complaints, audit, inspections, reviews

        func title(_ language: Language) -> String {
            switch self {
            case .overview: return language.pick("概览", "Overview")
            case .merchants: return language.pick("商户", "Shops")
            case .branches: return language.pick("支部", "Branches")
            case .complaints: return language.pick("投诉", "Complaints")
            case .audit: return language.pick("记录", "Audit")
            case .inspections: return language.pick("检查", "Inspections")
            case .reviews: return language.pick("审核", "Reviews")
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
    private(set) var searchIndex: [[Pinyin.Key]] = []
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
            return query.isEmpty || (i < searchIndex.count && searchIndex[i].contains { $0.matches(query) })
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
        searchIndex = merchants.map { [Pinyin.Key($0.shopNumber), Pinyin.Key($0.name), Pinyin.Key($0.owner)] }
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

    public var screen: Screen {
        guard let market else { return .firstRun }
        if user == nil && !market.users.isEmpty { return .login }
        if inspectionForm != nil { return .inspection }
        if openComplaint != nil && tab == .complaints { return .complaint }
        if openShop != nil { return .shop }
        switch tab {
        case .overview: return .overview
        case .merchants: return .merchants
        case .branches: return .branches
        case .complaints: return .complaints
        case .audit: return .audit
        case .inspections: return .inspections
        case .reviews: return .reviews
        }
    }

    func t(_ zh: String, _ en: String) -> String { language.pick(zh, en) }
}

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

public enum Dashboard {
    /// The header takes one row, the table header one, the status bar one.
    static let chromeRows = 3

    static let tabBindings: [KeyBinding] = DashboardModel.Tab.allCases.map { tab in
        KeyBinding(keys: [.character(Character(String(tab.rawValue)))], action: .showTab(tab),
                   zh: "切换到“\(tab.title(.zh))”", en: "show \(tab.title(.en))",
                   hint: tab == .overview ? .init("1–\(DashboardModel.Tab.allCases.count)", "切换标签页", "tabs") : nil)
    } + [
        KeyBinding(keys: [.tab], action: .nextTab, zh: "下一个标签页", en: "next tab"),
        KeyBinding(keys: [.backTab], action: .previousTab, zh: "上一个标签页", en: "previous tab"),
    ]

    /// Line, page, first and last row: the same keys in every list.
    static let listMoves: [KeyBinding] = [
        KeyBinding(keys: [.down, .character("j")], action: .moveDown, zh: "下移一行", en: "move down"),
        KeyBinding(keys: [.up, .character("k")], action: .moveUp, zh: "上移一行", en: "move up"),
        KeyBinding(keys: [.pageDown, .control("f")], action: .pageDown, zh: "下一页", en: "next page"),
        KeyBinding(keys: [.pageUp, .control("b")], action: .pageUp, zh: "上一页", en: "previous page"),
        KeyBinding(keys: [.home, .character("g")], action: .top, zh: "第一行", en: "first row"),
        KeyBinding(keys: [.end, .character("G")], action: .bottom, zh: "最后一行", en: "last row"),
    ]

    /// Line, page, top and bottom of a page that scrolls (a shop, a complaint).
    static let pageMoves: [KeyBinding] = [
        KeyBinding(keys: [.down, .character("j")], action: .moveDown, zh: "向下滚动", en: "scroll down", hint: .init("j/k", "滚动", "scroll")),
        KeyBinding(keys: [.up, .character("k")], action: .moveUp, zh: "向上滚动", en: "scroll up"),
        KeyBinding(keys: [.pageDown, .control("f")], action: .pageDown, zh: "下一页", en: "next page", hint: .init("PgDn", "翻页", "page")),
        KeyBinding(keys: [.pageUp, .control("b")], action: .pageUp, zh: "上一页", en: "previous page"),
        KeyBinding(keys: [.home, .character("g")], action: .top, zh: "回到页首", en: "top of the page"),
        KeyBinding(keys: [.end, .character("G")], action: .bottom, zh: "到页尾", en: "end of the page"),
    ]

    static let commonBindings: [KeyBinding] = [
        KeyBinding(keys: [.character("?")], action: .toggleHelp, zh: "显示或关闭帮助", en: "show or close this help"),
        KeyBinding(keys: [.character("q"), .control("c")], action: .quit, zh: "退出", en: "quit"),
    ]

    /// The keys of a screen, or of what is open over it.
    public static func bindings(for context: KeyContext) -> [KeyBinding] {
        switch context {
        case .screen(let screen):
            return bindings(for: screen)
        case .search:
            return [
                KeyBinding(keys: [.enter], action: .confirm, zh: "确定（只找到一件投诉时直接打开）", en: "done (a single complaint found opens)", hint: .init("Enter", "确定", "ok")),
                KeyBinding(keys: [.escape], action: .back, zh: "取消查找", en: "cancel the search", hint: .init("Esc", "取消", "cancel")),
                KeyBinding(keys: [], action: .type, zh: "输入要查找的内容（上次的内容已选中，输入即替换）", en: "type what to find (the last query is selected: typing replaces it)", typing: true),
            ]
        case .entry:
            return [
                KeyBinding(keys: [.tab], action: .nextField, zh: "下一项", en: "next field", hint: .init("Tab", "下一项", "next")),
                KeyBinding(keys: [.backTab], action: .previousField, zh: "上一项", en: "previous field"),
                KeyBinding(keys: [.left, .right], action: .type, zh: "在选项之间选择（文字里移动光标）", en: "choose an option (in text: move the cursor)", hint: .init("←→", "选择", "choose")),
                KeyBinding(keys: [.enter], action: .confirm, zh: "提交：先显示要记录的内容，确认后才记录", en: "submit: shows what will be recorded, recorded once confirmed", hint: .init("Enter", "提交", "submit")),
                KeyBinding(keys: [.escape], action: .back, zh: "取消（填了内容时先问一句）", en: "cancel (asks first when something was entered)", hint: .init("Esc", "取消", "cancel")),
                KeyBinding(keys: [.control("c")], action: .quit, zh: "退出", en: "quit"),
                KeyBinding(keys: [], action: .type, zh: "在当前一项输入", en: "type into the field", typing: true),
            ]
        case .actionMenu:
            return [
                KeyBinding(keys: [.down, .character("j")], action: .moveDown, zh: "下一项", en: "next"),
                KeyBinding(keys: [.up, .character("k")], action: .moveUp, zh: "上一项", en: "previous"),
                KeyBinding(keys: [.home, .character("g")], action: .top, zh: "第一项", en: "first"),
                KeyBinding(keys: [.end, .character("G")], action: .bottom, zh: "最后一项", en: "last"),
                KeyBinding(keys: [.enter], action: .confirm, zh: "选定（记录前先确认）", en: "choose (asks before recording)", hint: .init("Enter", "确定", "ok")),
                KeyBinding(keys: [.escape, .left, .character("h")], action: .back, zh: "取消", en: "cancel", hint: .init("Esc", "取消", "cancel")),
            ]
        case .confirmation:
            return [
                KeyBinding(keys: [.character("y"), .character("Y")], action: .yes, zh: "是：记录（或放弃所填的内容）", en: "yes: record (or discard what was entered)"),
                KeyBinding(keys: [.character("n"), .character("N"), .escape], action: .no, zh: "否：返回，不记录也不放弃", en: "no: go back; nothing is recorded or discarded"),
                KeyBinding(keys: [.left, .right, .tab, .backTab, .character("h"), .character("l")], action: .toggleAnswer, zh: "在两个按钮之间切换", en: "switch between the buttons"),
                KeyBinding(keys: [.enter], action: .confirm, zh: "按高亮的按钮（先是“否”）", en: "press the highlighted button (no at first)"),
            ]
        }
    }

    public static func bindings(for screen: DashboardModel.Screen) -> [KeyBinding] {
        switch screen {
        case .complaint:
            return [
                KeyBinding(keys: [.character("a")], action: .act, zh: "办理：受理、调解、转交、回访、办结……（记录前先确认）", en: "act: accept, mediate, forward, close… (asks first)",
                           hint: .init("a", "办理", "act")),
            ] + pageMoves + [
                KeyBinding(keys: [.escape, .left, .character("h")], action: .back, zh: "返回投诉队列", en: "back to the queue", hint: .init("Esc", "返回", "back")),
            ] + commonBindings
        case .inspection:
            return InspectionScreen.bindings
        case .login:
            return [
                KeyBinding(keys: [.tab, .down, .backTab, .up], action: .nextField, zh: "在用户名和 PIN 之间切换", en: "switch between user and PIN", hint: .init("Tab", "切换", "switch")),
                KeyBinding(keys: [.enter], action: .confirm, zh: "登录（在用户名上按：到 PIN）", en: "log in (on the user name: go to the PIN)", hint: .init("Enter", "登录", "log in")),
                KeyBinding(keys: [.escape], action: .back, zh: "清空重填", en: "clear both fields"),
                KeyBinding(keys: [.control("c")], action: .quit, zh: "退出", en: "quit", hint: .init("Ctrl-C", "退出", "quit")),
                KeyBinding(keys: [], action: .type, zh: "输入用户名或 PIN（PIN 只含数字）", en: "type the user name or the PIN (digits only)", typing: true),
            ]
        case .overview:
            return [
                KeyBinding(keys: [.down, .character("j")], action: .moveDown, zh: "下一个数字", en: "next figure", hint: .init("↑↓", "选择数字", "choose a figure")),
                KeyBinding(keys: [.up, .character("k")], action: .moveUp, zh: "上一个数字", en: "previous figure"),
                KeyBinding(keys: [.home, .character("g")], action: .top, zh: "第一个数字", en: "first figure"),
                KeyBinding(keys: [.end, .character("G")], action: .bottom, zh: "最后一个数字", en: "last figure"),
                KeyBinding(keys: [.enter], action: .openShop, zh: "查看该数字背后的名单", en: "show the list behind the figure", hint: .init("Enter", "查看其背后的名单", "shows the list behind it")),
            ] + tabBindings + commonBindings
        case .branches:
            return tabBindings + commonBindings
        case .inspections, .reviews:
            let own = screen == .inspections ? [
                KeyBinding(keys: [.enter], action: .openShop, zh: "打开该商户（按 i 复查）", en: "open the shop (i re-inspects)"),
                KeyBinding(keys: [.character("o")], action: .toggleOpenOnly, zh: "只看待整改 / 全部", en: "open rectifications only / all"),
                KeyBinding(keys: [.character("e")], action: .export, zh: "导出全部检查记录（CSV 或 JSON）", en: "export every inspection (CSV or JSON)"),
            ] : [
                KeyBinding(keys: [.enter], action: .openShop, zh: "审批贡献分、决定复核或确认撤回（记录前先确认）", en: "approve the points, decide the appeal or second the amendment (asks before recording)"),
            ]
            return listMoves + own + tabBindings + commonBindings
        case .audit:
            return listMoves + [
                KeyBinding(keys: [.character("/")], action: .search, zh: "按操作人、事件类型、店铺号或受理编号筛选", en: "filter by actor, type, shop or receipt"),
                KeyBinding(keys: [.escape], action: .clearFilter, zh: "清除筛选", en: "clear the filter"),
            ] + tabBindings + commonBindings
        case .complaints:
            return listMoves + [
                KeyBinding(keys: [.character("/")], action: .search, zh: "查找：受理编号（前几位即可）、店铺、内容", en: "find: receipt code (its start will do), shop or text"),
                KeyBinding(keys: [.enter], action: .openShop, zh: "打开所选投诉（经过与办理）", en: "open the selected complaint"),
                KeyBinding(keys: [.escape], action: .clearFilter, zh: "回到办理中的投诉队列（清除查找和筛选）", en: "back to the open queue (clear the search and the filter)"),
                KeyBinding(keys: [.character("e")], action: .export, zh: "导出全部投诉（CSV 或 JSON）", en: "export every complaint (CSV or JSON)"),
            ] + tabBindings + commonBindings
        case .firstRun:
            return [
                KeyBinding(keys: [.down, .character("j")], action: .moveDown, zh: "下一项", en: "next choice", hint: .init("↑↓", "选择", "choose")),
                KeyBinding(keys: [.up, .character("k")], action: .moveUp, zh: "上一项", en: "previous choice"),
                KeyBinding(keys: [.enter], action: .confirm, zh: "确认所选", en: "confirm the choice", hint: .init("Enter", "确认", "confirm")),
                KeyBinding(keys: [.character("?")], action: .toggleHelp, zh: "显示或关闭帮助", en: "show or close this help"),
                KeyBinding(keys: [.character("q"), .control("c")], action: .quit, zh: "退出", en: "quit", hint: .init("q", "退出", "quit")),
            ]
        case .merchants:
            return listMoves + [
                KeyBinding(keys: [.character("/")], action: .search, zh: "查找店铺（支持拼音）", en: "find: shop number, name, owner, pinyin initials or full pinyin"),
                KeyBinding(keys: [.enter], action: .openShop, zh: "打开所选商户", en: "open the selected shop"),
                KeyBinding(keys: [.character("s")], action: .sortNext, zh: "按下一列排序（拼音序）", en: "sort by the next column (Chinese by pinyin)"),
                KeyBinding(keys: [.character("S")], action: .sortReverse, zh: "倒序", en: "reverse the order"),
                KeyBinding(keys: [.character("b")], action: .cycleBranchFilter, zh: "只看一个支部（依次切换）", en: "one branch only (cycles)"),
                KeyBinding(keys: [.character("*")], action: .cycleStarFilter, zh: "只看一个星级（依次切换）", en: "one star level only (cycles)"),
                KeyBinding(keys: [.character("c")], action: .cycleIntegrityFilter, zh: "只看有某类诚信问题的", en: "one integrity's problems only: deductions, open complaints, rectifications (cycles)"),
                KeyBinding(keys: [.escape], action: .clearFilter, zh: "清除查找和筛选", en: "clear the search and the filters"),
                KeyBinding(keys: [.character("e")], action: .export, zh: "导出名册（CSV/JSON）", en: "export the roster (CSV or JSON)"),
            ] + tabBindings + commonBindings
        case .shop:
            return pageMoves + [
                KeyBinding(keys: [.escape, .left, .character("h")], action: .back, zh: "返回商户列表", en: "back to the list"),
                KeyBinding(keys: [.character("i")], action: .inspect, zh: "记录一次检查（管理方或本支部书记）", en: "record an inspection (manager or the branch's secretary)"),
                KeyBinding(keys: [.character("p")], action: .addPoints, zh: "登记贡献分（附依据，另一人审批）", en: "enter contribution points (with evidence; someone else approves)"),
                KeyBinding(keys: [.character("r")], action: .reply, zh: "记录商户对星级的回应", en: "record the shop's reply to its rating"),
                KeyBinding(keys: [.character("f")], action: .appeal, zh: "登记商户的复核申请", en: "record the shop's appeal"),
                KeyBinding(keys: [.character("w")], action: .withdrawRecord, zh: "撤回一条计分记录（记录号和原因；另一人复核后生效）", en: "withdraw a record that counts (its number and why; counts once someone else seconds it)"),
            ] + commonBindings
        }
    }

    /// The binding a key finds where the keys go now: the first that lists it, else the typing
    /// binding when the field with the focus takes the key. Nil: the key does nothing here.
    static func binding(for key: Key, _ model: DashboardModel) -> KeyBinding? {
        let table = bindings(for: context(model))
        if let binding = table.first(where: { $0.keys.contains(key) }) { return binding }
        guard let typing = table.first(where: \.typing), takesText(key, model) else { return nil }
        return typing
    }

    /// Whether the field with the focus takes `key` (a character or an editing key; ←/→ on a choice;
    /// on the inspection form's list, a letter that starts an item's code).
    static func takesText(_ key: Key, _ model: DashboardModel) -> Bool {
        if context(model) == .entry, var form = model.entry?.form { return form.handle(key) }
        if context(model) == .screen(.inspection), model.inspectionForm?.editing == nil { return InspectionScreen.startsCode(key) }
        return TextFieldState.edits(key)
    }

    /// Where the keys go now: the question if one is asked, else the form, the menu or the search
    /// field open over the screen, else the screen.
    public static func context(_ model: DashboardModel) -> KeyContext {
        let screen = model.screen
        if model.confirmation != nil { return .confirmation }
        if screen == .login || screen == .firstRun { return .screen(screen) }
        if model.entry != nil { return .entry }
        if screen == .complaint, model.complaintFlow != nil { return .actionMenu }
        if model.search != nil, [.merchants, .complaints, .audit].contains(screen) { return .search }
        return .screen(screen)
    }

    /// A footer naming keys ("a 办理 · Esc 返回"): the hints of the context's bindings that `include` keeps.
    static func footer(_ context: KeyContext, _ language: Language, include: (KeyBinding) -> Bool = { _ in true }) -> String {
        bindings(for: context).filter { $0.hint != nil && include($0) }.compactMap { binding in
            binding.hint.map { ($0.keys ?? binding.keys.first?.description ?? "") + " " + language.pick($0.zh, $0.en) }
        }.joined(separator: " · ")
    }

    /// How the first key of the context's binding for `action` is written ("y"), for buttons that name it.
    static func keyName(_ action: DashboardAction, in context: KeyContext) -> String {
        bindings(for: context).first { $0.action == action }?.keys.first?.description ?? ""
    }

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
        max(1, model.size.height - chromeRows)
    }

    public static func update(_ model: inout DashboardModel, _ message: DashboardMessage) -> [DashboardEffect] {
        let effects = handle(message, &model)
        // The open shop's page is worked out when the shop, the market or the viewer changes, not
        // on every key (it walks the shop's whole history).
        if model.openShop != nil, !(model.shopPage?.isCurrent(for: model) ?? false) {
            model.shopPage = ShopPageCache(model)
        }
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
        case .branches, .login, .inspection, .complaint:
            break
        case .audit:
            let count = AuditScreen.rows(model).count
            switch action {
            // The chain's line, the table's header, the status bar and a spare row.
            case _ where model.auditPosition.follow(action, count: count, visibleRows: max(1, model.size.height - 5)): break
            case .search: model.search = TextFieldState(text: model.auditQuery, limit: 40, selected: true)
            case .clearFilter where !model.auditQuery.isEmpty:
                model.auditQuery = ""
                model.auditPosition = ListPosition()
            default: break
            }
        case .inspections, .reviews:
            WorkScreens.handle(action, &model)
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
            let page = max(1, model.size.height - 5)
            let last = max(0, ShopScreen.lines(model).count - page)
            switch action {
            case .moveDown: model.detailScroll = min(last, model.detailScroll + 1)
            case .moveUp: model.detailScroll = max(0, model.detailScroll - 1)
            case .pageDown: model.detailScroll = min(last, model.detailScroll + page)
            case .pageUp: model.detailScroll = max(0, model.detailScroll - page)
            case .top: model.detailScroll = 0
            case .bottom: model.detailScroll = last
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

    // MARK: - View

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
        case .branches: OverviewScreens.drawBranches(model, into: &grid)
        case .complaints: OverviewScreens.drawComplaints(model, into: &grid)
        case .inspections: WorkScreens.drawInspections(model, into: &grid)
        case .reviews: WorkScreens.drawReviews(model, into: &grid)
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
            let entries = bindings(for: context(model)).map { binding in
                let keys = binding.keys.map(\.description) + (binding.typing ? [model.t("输入文字", "typing")] : [])
                return HelpEntry(keys: keys.joined(separator: " / "), action: model.language.pick(binding.zh, binding.en))
            }
            HelpOverlay.render(into: &grid, title: model.t("按键帮助", "Keys"), entries: entries, footer: model.t("按任意键关闭", "press any key to close"))
        }
        return grid
    }

    static func titleText(_ model: DashboardModel) -> String {
        let market = model.market?.committee?.marketName ?? model.t("中国(丹阳)眼镜城", "China (Danyang) Eyewear City")
        let title = model.size.width >= 110 || model.market == nil
            ? model.t("诚信 · \(market) 诚信党建", "chengxin · \(market) integrity programme")
            : model.t("诚信党建", "chengxin")
        return " " + title + " "
    }

    /// Where each tab is drawn in the title bar (none on the first-run and login screens).
    static func tabRanges(_ model: DashboardModel) -> [(tab: DashboardModel.Tab, columns: Range<Int>)] {
        guard model.market != nil, model.screen != .login else { return [] }
        var x = DisplayWidth.of(titleText(model))
        return DashboardModel.Tab.allCases.map { tab in
            let width = DisplayWidth.of(" \(tab.rawValue)\(tab.title(model.language)) ")
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
            grid.put(" \(tab.rawValue)\(tab.title(model.language)) ", x: columns.lowerBound, y: 0,
                     style: current ? model.theme.currentTab : bar)
            x = columns.upperBound
        }
        let w = DisplayWidth.of(right)
        if x + w + 1 < model.size.width {
            grid.put(right, x: max(0, model.size.width - w - 1), y: 0, style: bar)
        }
    }

    static func drawStatusBar(_ model: DashboardModel, into grid: inout Grid) {
        let y = model.size.height - 1
        let bar = Style(reverse: true)
        grid.fill(Rect(x: 0, y: y, width: model.size.width, height: 1), style: bar)
        var right = model.t("?帮助  q退出 ", "? help  q quit ")
        if model.screen == .merchants, model.market != nil {
            let count = model.shown.count
            right = (count > 0 ? "\(model.position.selected + 1)/\(count)  " : "0/0  ") + right
        }
        let rightWidth = DisplayWidth.of(right)
        var left = " "
        if context(model) == .search, let field = model.search {
            let label = model.screen == .audit ? model.t(" / 筛选：", " / filter: ") : model.t(" / 查找：", " / find: ")
            grid.put(label, x: 0, y: y, style: bar)
            let x = DisplayWidth.of(label)
            let cursor = field.render(into: &grid, x: x, y: y, width: max(10, model.size.width - x - 24), style: Style(underline: true))
            grid.put("  " + footer(.search, model.language), x: x + max(10, model.size.width - x - 24), y: y, style: bar)
            grid.cursor = cursor
            return
        }
        // The key that clears a search or a filter, as the screen's table has it (looked up only when one is shown).
        var clear: String { keyName(.clearFilter, in: .screen(model.screen)) }
        if model.screen == .merchants, !model.filter.isEmpty {
            left += model.t("查找“\(model.filter)”：\(model.shown.count) 家  \(clear) 清除  ", "find \"\(model.filter)\": \(model.shown.count) shops  \(clear) clears  ")
        }
        if model.screen == .merchants, model.branchFilter != nil || model.starFilter != nil || model.integrityFilter != nil {
            var parts: [String] = []
            if let b = model.branchFilter { parts.append(model.t("第 \(b) 支部", "branch \(b)")) }
            if let s = model.starFilter { parts.append(s == 0 ? model.t("待评定", "awaiting") : model.t("\(s) 星", "\(s) stars")) }
            if let i = model.integrityFilter { parts.append(model.t("\(i.chineseName)有问题", "\(i.englishName) problems")) }
            left += model.t("筛选：", "only: ") + parts.joined(separator: "、") + model.t("（\(model.shown.count) 家）  ", " (\(model.shown.count))  ")
        }
        if model.screen == .complaints, !model.complaintQuery.isEmpty {
            let count = queue(model).count
            let more = count >= ComplaintSearch.limit ? model.t("（只列前 \(count) 件）", " (first \(count))") : ""
            left += model.t("查找“\(model.complaintQuery)”：\(count) 件\(more)  \(clear) 清除  ", "find \"\(model.complaintQuery)\": \(count)\(more)  \(clear) clears  ")
        } else if model.screen == .complaints, let filter = model.complaintFilter {
            let count = queue(model).count
            switch filter {
            case .overdue: left += model.t("筛选：逾期投诉（\(count) 件） \(clear) 清除  ", "only overdue (\(count))  \(clear) clears  ")
            case .thisMonth(let i): left += model.t("筛选：本月\(i.chineseName)投诉（\(count) 件） \(clear) 清除  ", "only this month's \(i.englishName) (\(count))  \(clear) clears  ")
            }
        }
        if let progress = model.exportProgress {
            let fraction = progress.total > 0 ? Double(progress.done) / Double(progress.total) : 0
            left += model.t("导出中 \(progress.done)/\(progress.total) ", "exporting \(progress.done)/\(progress.total) ") + Charts.bar(fraction, maximum: 1, width: 10, ascii: false) + "  "
        }
        if let notice = model.notice {
            left += notice
        } else {
            // Who, then the log's state, then where: the most important first, as the width allows.
            if let user = model.user { left += user.displayName + "（" + user.role.name(model.language) + "）  " }
            if !model.logSummary.isEmpty { left += model.logSummary + "  " }
            left += model.t("数据：", "data: ") + model.dataDirectory
        }
        grid.put(TextLayout.truncate(left, toWidth: model.size.width - rightWidth - 1), x: 0, y: y, style: bar)
        grid.put(right, x: model.size.width - rightWidth, y: y, style: bar)
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
            ? model.t("党员经营户 \(market.merchants.count) 家 · 党支部 \(branchCount) 个", "\(market.merchants.count) member shops · \(branchCount) branches")
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
        table.render(into: &grid, rect: Rect(x: 1, y: 1, width: model.size.width - 2, height: model.size.height - 2))
    }
}

/// What the dashboard needs from the world outside `update`: carrying out effects and noticing
/// that the log grew. The CLI provides the real one; tests provide their own.
public protocol DashboardEnvironment: AnyObject {
    /// Carries out an effect other than quitting; returns the message it produced, if any.
    func perform(_ effect: DashboardEffect) -> DashboardMessage?
    /// Called when the log watcher woke the loop, or no key came within a tick: a message if
    /// other processes appended events.
    func poll() -> DashboardMessage?
    /// Whether work is going on in the background whose end `poll` reports (the start-up chain
    /// check): the loop then polls every 200 ms instead of every tick.
    var working: Bool { get }
}

extension DashboardEnvironment {
    public var working: Bool { false }
}

/// The main loop: draw, wait for a key or a tick, update, carry out effects.
public enum DashboardProgram {
    public static func run(backend: any TerminalBackend, model: inout DashboardModel, environment: any DashboardEnvironment,
                           tickMilliseconds: Int = 400) {
        while true {
            backend.draw(Dashboard.view(model))
            // While an export runs, the next slice is taken as soon as no key is waiting.
            let timeout = model.exportProgress != nil ? 0 : (environment.working ? min(200, tickMilliseconds) : tickMilliseconds)
            switch backend.nextInput(timeoutMilliseconds: timeout) {
            case .closed:
                return
            case .timeout, .wake:
                if let message = environment.poll() { _ = Dashboard.update(&model, message) }
            case .key(.resize):
                _ = Dashboard.update(&model, .resized(backend.size))
            case .key(let key):
                for effect in Dashboard.update(&model, .key(key)) {
                    if effect == .quit { return }
                    if let message = environment.perform(effect) { _ = Dashboard.update(&model, message) }
                }
            }
        }
    }
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
