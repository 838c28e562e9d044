import Core
import Terminal


/// What the dashboard can be asked to do. Every screen's keys are looked up in its table of
/// `DashboardBinding`s (`Dashboard.bindings(for:)`), and the action found is what is done: the help
/// overlay and the footers are drawn from the same tables, so they cannot say otherwise.
public enum DashboardAction: Sendable, Equatable {
    case moveDown, moveUp, pageDown, pageUp, top, bottom
    case toggleHelp, quit, confirm, back
    case search, clearFilter, openShop, sortNext, sortReverse, inspect
    case cycleBranchFilter, cycleStarFilter, cycleIntegrityFilter
    case addPoints, reply, appeal, withdrawRecord, toggleOpenOnly, export
    /// The branches tab (比发展/比服务/比和谐): the measure beside, the next kind, branches or shops.
    case nextFigure, previousFigure, nextKind, toggleScope
    /// A member's ledger: record a panel member's approval of a waiting entry.
    case approveEntry
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

/// The dashboard's key tables: where keys go, and what each key there does.
extension Dashboard {
    static let tabBindings: [DashboardBinding] = DashboardModel.Tab.allCases.map { tab in
        DashboardBinding(keys: [.character(Character(String(tab.rawValue)))], action: .showTab(tab),
                   zh: "切换到“\(tab.title(.zh))”", en: "show \(tab.title(.en))",
                   hint: tab == .overview ? .init("1–\(DashboardModel.Tab.allCases.count)", "切换标签页", "tabs") : nil)
    } + [
        DashboardBinding(keys: [.tab], action: .nextTab, zh: "下一个标签页", en: "next tab"),
        DashboardBinding(keys: [.backTab], action: .previousTab, zh: "上一个标签页", en: "previous tab"),
    ]

    /// Line, page, first and last row: the same keys in every list.
    static let listMoves: [DashboardBinding] = [
        DashboardBinding(keys: [.down, .character("j")], action: .moveDown, zh: "下移一行", en: "move down"),
        DashboardBinding(keys: [.up, .character("k")], action: .moveUp, zh: "上移一行", en: "move up"),
        DashboardBinding(keys: [.pageDown, .control("f")], action: .pageDown, zh: "下一页", en: "next page"),
        DashboardBinding(keys: [.pageUp, .control("b")], action: .pageUp, zh: "上一页", en: "previous page"),
        DashboardBinding(keys: [.home, .character("g")], action: .top, zh: "第一行", en: "first row"),
        DashboardBinding(keys: [.end, .character("G")], action: .bottom, zh: "最后一行", en: "last row"),
    ]

    /// Line, page, top and bottom of a page that scrolls (a shop, a complaint).
    static let pageMoves: [DashboardBinding] = [
        DashboardBinding(keys: [.down, .character("j")], action: .moveDown, zh: "向下滚动", en: "scroll down", hint: .init("j/k", "滚动", "scroll")),
        DashboardBinding(keys: [.up, .character("k")], action: .moveUp, zh: "向上滚动", en: "scroll up"),
        DashboardBinding(keys: [.pageDown, .control("f")], action: .pageDown, zh: "下一页", en: "next page", hint: .init("PgDn", "翻页", "page")),
        DashboardBinding(keys: [.pageUp, .control("b")], action: .pageUp, zh: "上一页", en: "previous page"),
        DashboardBinding(keys: [.home, .character("g")], action: .top, zh: "回到页首", en: "top of the page"),
        DashboardBinding(keys: [.end, .character("G")], action: .bottom, zh: "到页尾", en: "end of the page"),
    ]

    static let commonBindings: [DashboardBinding] = [
        DashboardBinding(keys: [.character("?")], action: .toggleHelp, zh: "显示或关闭帮助", en: "show or close this help"),
        DashboardBinding(keys: [.character("q"), .control("c")], action: .quit, zh: "退出", en: "quit"),
    ]

    /// The keys of a screen, or of what is open over it.
    public static func bindings(for context: KeyContext) -> [DashboardBinding] {
        switch context {
        case .screen(let screen):
            return bindings(for: screen)
        case .search:
            return [
                DashboardBinding(keys: [.enter], action: .confirm, zh: "确定（只找到一件投诉时直接打开）", en: "done (a single complaint found opens)", hint: .init("Enter", "确定", "ok")),
                DashboardBinding(keys: [.escape], action: .back, zh: "取消查找", en: "cancel the search", hint: .init("Esc", "取消", "cancel")),
                DashboardBinding(keys: [], action: .type, zh: "输入要查找的内容（上次的内容已选中，输入即替换）", en: "type what to find (the last query is selected: typing replaces it)", typing: true),
            ]
        case .entry:
            return [
                DashboardBinding(keys: [.tab], action: .nextField, zh: "下一项", en: "next field", hint: .init("Tab", "下一项", "next")),
                DashboardBinding(keys: [.backTab], action: .previousField, zh: "上一项", en: "previous field"),
                DashboardBinding(keys: [.left, .right], action: .type, zh: "在选项之间选择（文字里移动光标）", en: "choose an option (in text: move the cursor)", hint: .init("←→", "选择", "choose")),
                DashboardBinding(keys: [.enter], action: .confirm, zh: "提交：先显示要记录的内容，确认后才记录", en: "submit: shows what will be recorded, recorded once confirmed", hint: .init("Enter", "提交", "submit")),
                DashboardBinding(keys: [.escape], action: .back, zh: "取消（填了内容时先问一句）", en: "cancel (asks first when something was entered)", hint: .init("Esc", "取消", "cancel")),
                DashboardBinding(keys: [.control("c")], action: .quit, zh: "退出", en: "quit"),
                DashboardBinding(keys: [], action: .type, zh: "在当前一项输入", en: "type into the field", typing: true),
            ]
        case .actionMenu:
            return [
                DashboardBinding(keys: [.down, .character("j")], action: .moveDown, zh: "下一项", en: "next"),
                DashboardBinding(keys: [.up, .character("k")], action: .moveUp, zh: "上一项", en: "previous"),
                DashboardBinding(keys: [.home, .character("g")], action: .top, zh: "第一项", en: "first"),
                DashboardBinding(keys: [.end, .character("G")], action: .bottom, zh: "最后一项", en: "last"),
                DashboardBinding(keys: [.enter], action: .confirm, zh: "选定（记录前先确认）", en: "choose (asks before recording)", hint: .init("Enter", "确定", "ok")),
                DashboardBinding(keys: [.escape, .left, .character("h")], action: .back, zh: "取消", en: "cancel", hint: .init("Esc", "取消", "cancel")),
            ]
        case .confirmation:
            return [
                DashboardBinding(keys: [.character("y"), .character("Y")], action: .yes, zh: "是：记录（或放弃所填的内容）", en: "yes: record (or discard what was entered)"),
                DashboardBinding(keys: [.character("n"), .character("N"), .escape], action: .no, zh: "否：返回，不记录也不放弃", en: "no: go back; nothing is recorded or discarded"),
                DashboardBinding(keys: [.left, .right, .tab, .backTab, .character("h"), .character("l")], action: .toggleAnswer, zh: "在两个按钮之间切换", en: "switch between the buttons"),
                DashboardBinding(keys: [.enter], action: .confirm, zh: "按高亮的按钮（先是“否”）", en: "press the highlighted button (no at first)"),
            ]
        }
    }

    public static func bindings(for screen: DashboardModel.Screen) -> [DashboardBinding] {
        switch screen {
        case .complaint:
            return [
                DashboardBinding(keys: [.character("a")], action: .act, zh: "办理：受理、调解、转交、回访、办结……（记录前先确认）", en: "act: accept, mediate, forward, close… (asks first)",
                           hint: .init("a", "办理", "act")),
            ] + pageMoves + [
                DashboardBinding(keys: [.escape, .left, .character("h")], action: .back, zh: "返回投诉队列", en: "back to the queue", hint: .init("Esc", "返回", "back")),
            ] + commonBindings
        case .inspection:
            return InspectionScreen.bindings
        case .login:
            return [
                DashboardBinding(keys: [.tab, .down, .backTab, .up], action: .nextField, zh: "在用户名和 PIN 之间切换", en: "switch between user and PIN", hint: .init("Tab", "切换", "switch")),
                DashboardBinding(keys: [.enter], action: .confirm, zh: "登录（在用户名上按：到 PIN）", en: "log in (on the user name: go to the PIN)", hint: .init("Enter", "登录", "log in")),
                DashboardBinding(keys: [.escape], action: .back, zh: "清空重填", en: "clear both fields"),
                DashboardBinding(keys: [.control("c")], action: .quit, zh: "退出", en: "quit", hint: .init("Ctrl-C", "退出", "quit")),
                DashboardBinding(keys: [], action: .type, zh: "输入用户名或 PIN（PIN 只含数字）", en: "type the user name or the PIN (digits only)", typing: true),
            ]
        case .overview:
            return [
                DashboardBinding(keys: [.down, .character("j")], action: .moveDown, zh: "下一个数字", en: "next figure", hint: .init("↑↓", "选择数字", "choose a figure")),
                DashboardBinding(keys: [.up, .character("k")], action: .moveUp, zh: "上一个数字", en: "previous figure"),
                DashboardBinding(keys: [.home, .character("g")], action: .top, zh: "第一个数字", en: "first figure"),
                DashboardBinding(keys: [.end, .character("G")], action: .bottom, zh: "最后一个数字", en: "last figure"),
                DashboardBinding(keys: [.enter], action: .openShop, zh: "查看该数字背后的名单", en: "show the list behind the figure", hint: .init("Enter", "查看其背后的名单", "shows the list behind it")),
            ] + tabBindings + commonBindings
        case .branches:
            return CompetitionScreen.bindings + tabBindings + commonBindings
        case .inspections, .reviews:
            let own = screen == .inspections ? [
                DashboardBinding(keys: [.enter], action: .openShop, zh: "打开该商户（按 i 复查）", en: "open the shop (i re-inspects)"),
                DashboardBinding(keys: [.character("o")], action: .toggleOpenOnly, zh: "只看待整改 / 全部", en: "open rectifications only / all"),
                DashboardBinding(keys: [.character("e")], action: .export, zh: "导出全部检查记录（CSV 或 JSON）", en: "export every inspection (CSV or JSON)"),
            ] : [
                DashboardBinding(keys: [.enter], action: .openShop, zh: "审批贡献分、决定复核或确认撤回（记录前先确认）", en: "approve the points, decide the appeal or second the amendment (asks before recording)"),
            ]
            return listMoves + own + tabBindings + commonBindings
        case .members:
            return listMoves + [
                DashboardBinding(keys: [.enter], action: .openShop, zh: "查看该党员的积分明细（每条积分及计算）", en: "open the member's ledger (every entry and the arithmetic)"),
            ] + tabBindings + commonBindings
        case .member:
            return pageMoves + [
                DashboardBinding(keys: [.character("a")], action: .approveEntry, zh: "记录考评小组成员对一条待审批积分的同意（记录前先确认）", en: "record a panel member's approval of a waiting entry (asks first)",
                                 hint: .init("a", "审批", "approve")),
                DashboardBinding(keys: [.escape, .left, .character("h")], action: .back, zh: "返回党员列表", en: "back to the members", hint: .init("Esc", "返回", "back")),
            ] + commonBindings
        case .audit:
            return listMoves + [
                DashboardBinding(keys: [.character("/")], action: .search, zh: "按操作人、事件类型、店铺号或受理编号筛选", en: "filter by actor, type, shop or receipt"),
                DashboardBinding(keys: [.escape], action: .clearFilter, zh: "清除筛选（及“查看其背后的记录”的限定）", en: "clear the filter (and the limit to the records behind a figure)"),
            ] + tabBindings + commonBindings
        case .complaints:
            return listMoves + [
                DashboardBinding(keys: [.character("/")], action: .search, zh: "查找：受理编号（前几位即可）、店铺、内容", en: "find: receipt code (its start will do), shop or text"),
                DashboardBinding(keys: [.enter], action: .openShop, zh: "打开所选投诉（经过与办理）", en: "open the selected complaint"),
                DashboardBinding(keys: [.escape], action: .clearFilter, zh: "回到办理中的投诉队列（清除查找和筛选）", en: "back to the open queue (clear the search and the filter)"),
                DashboardBinding(keys: [.character("e")], action: .export, zh: "导出全部投诉（CSV 或 JSON）", en: "export every complaint (CSV or JSON)"),
            ] + tabBindings + commonBindings
        case .firstRun:
            return [
                DashboardBinding(keys: [.down, .character("j")], action: .moveDown, zh: "下一项", en: "next choice", hint: .init("↑↓", "选择", "choose")),
                DashboardBinding(keys: [.up, .character("k")], action: .moveUp, zh: "上一项", en: "previous choice"),
                DashboardBinding(keys: [.enter], action: .confirm, zh: "确认所选", en: "confirm the choice", hint: .init("Enter", "确认", "confirm")),
                DashboardBinding(keys: [.character("?")], action: .toggleHelp, zh: "显示或关闭帮助", en: "show or close this help"),
                DashboardBinding(keys: [.character("q"), .control("c")], action: .quit, zh: "退出", en: "quit", hint: .init("q", "退出", "quit")),
            ]
        case .merchants:
            return listMoves + [
                DashboardBinding(keys: [.character("/")], action: .search, zh: "查找店铺（支持拼音）", en: "find: shop number, name, owner, pinyin initials or full pinyin"),
                DashboardBinding(keys: [.enter], action: .openShop, zh: "打开所选商户", en: "open the selected shop"),
                DashboardBinding(keys: [.character("s")], action: .sortNext, zh: "按下一列排序（拼音序）", en: "sort by the next column (Chinese by pinyin)"),
                DashboardBinding(keys: [.character("S")], action: .sortReverse, zh: "倒序", en: "reverse the order"),
                DashboardBinding(keys: [.character("b")], action: .cycleBranchFilter, zh: "只看一个支部（依次切换）", en: "one branch only (cycles)"),
                DashboardBinding(keys: [.character("*")], action: .cycleStarFilter, zh: "只看一个星级（依次切换）", en: "one star level only (cycles)"),
                DashboardBinding(keys: [.character("c")], action: .cycleIntegrityFilter, zh: "只看有某类诚信问题的", en: "one integrity's problems only: deductions, open complaints, rectifications (cycles)"),
                DashboardBinding(keys: [.escape], action: .clearFilter, zh: "清除查找和筛选", en: "clear the search and the filters"),
                DashboardBinding(keys: [.character("e")], action: .export, zh: "导出名册（CSV/JSON）", en: "export the roster (CSV or JSON)"),
            ] + tabBindings + commonBindings
        case .shop:
            return pageMoves + [
                DashboardBinding(keys: [.escape, .left, .character("h")], action: .back, zh: "返回商户列表", en: "back to the list"),
                DashboardBinding(keys: [.character("i")], action: .inspect, zh: "记录一次检查（管理方或本支部书记）", en: "record an inspection (manager or the branch's secretary)"),
                DashboardBinding(keys: [.character("p")], action: .addPoints, zh: "登记贡献分（附依据，另一人审批）", en: "enter contribution points (with evidence; someone else approves)"),
                DashboardBinding(keys: [.character("r")], action: .reply, zh: "记录商户对星级的回应", en: "record the shop's reply to its rating"),
                DashboardBinding(keys: [.character("f")], action: .appeal, zh: "登记商户的复核申请", en: "record the shop's appeal"),
                DashboardBinding(keys: [.character("w")], action: .withdrawRecord, zh: "撤回一条计分记录（记录号和原因；另一人复核后生效）", en: "withdraw a record that counts (its number and why; counts once someone else seconds it)"),
            ] + commonBindings
        }
    }

    /// The binding a key finds where the keys go now: the first that lists it, else the typing
    /// binding when the field with the focus takes the key. Nil: the key does nothing here.
    static func binding(for key: Key, _ model: DashboardModel) -> DashboardBinding? {
        DashboardBinding.find(key, in: bindings(for: context(model))) { takesText($0, model) }
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
    static func footer(_ context: KeyContext, _ language: Language, include: (DashboardBinding) -> Bool = { _ in true }) -> String {
        KeyBinding.footer(bindings(for: context).filter(include), language)
    }

    /// How the first key of the context's binding for `action` is written ("y"), for buttons that name it.
    static func keyName(_ action: DashboardAction, in context: KeyContext) -> String {
        bindings(for: context).first { $0.action == action }?.keys.first?.description ?? ""
    }
}
