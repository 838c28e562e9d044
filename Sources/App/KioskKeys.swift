import Core
import Terminal

/// What the kiosk can be asked to do. Every key is looked up in the table of where the keys go
/// (`KioskKeys.bindings(for:)`) and the action found is what is done; the help (F1, and `?` where
/// nothing is typed) and the footer are drawn from the same table.
public enum KioskAction: Sendable, Equatable {
    case moveDown, moveUp, pageDown, pageUp
    /// Enter: open, go on, look up, submit.
    case confirm
    /// Esc: one step back, or home.
    case back
    /// A digit: the option with that number (the key pressed says which).
    case choose
    /// Space: tick or untick a want; switch the consent.
    case toggle
    case nextField, previousField
    case consentYes, consentNo
    case nextBranch, previousBranch
    /// Text typed into the field in front of the staff.
    case type
    case toggleHelp
}

/// A line of the kiosk's key tables.
public typealias KioskBinding = KeyBinding<KioskAction>

/// Where the kiosk's keys go.
public enum KioskContext: Sendable, Equatable {
    case home
    case step(KioskStep)
    /// The contact step with the focus on the consent (y/n answer it; on the name or the phone they are typed).
    case consent
    case receipt
    case status
    case board
    case boardShop

    /// Every context, for the tests that walk the tables.
    public static var all: [KioskContext] {
        [.home] + KioskStep.allCases.map(KioskContext.step) + [.consent, .receipt, .status, .board, .boardShop]
    }
}

public enum KioskKeys {
    public static func context(_ model: KioskModel) -> KioskContext {
        switch model.screen {
        case .home: return .home
        case .file(.contact) where model.draft.contactFocus == 2: return .consent
        case .file(let step): return .step(step)
        case .receipt: return .receipt
        case .status: return .status
        case .board: return .board
        case .boardShop: return .boardShop
        }
    }

    static let help = KioskBinding(keys: [.function(1), .character("?")], action: .toggleHelp, zh: "显示或关闭按键帮助", en: "show or close this help",
                                   hint: .init("?", "帮助", "help"))
    /// Where text is typed, `?` is text: F1 alone shows the help.
    static let helpWhileTyping = KioskBinding(keys: [.function(1)], action: .toggleHelp, zh: "显示或关闭按键帮助", en: "show or close this help",
                                              hint: .init("F1", "帮助", "help"))
    static let nextStep = KioskBinding(keys: [.enter], action: .confirm, zh: "下一步（先检查这一步）", en: "next step (this one is checked first)",
                                       hint: .init("Enter", "下一步", "next"))
    static let previousStep = KioskBinding(keys: [.escape], action: .back, zh: "上一步（从核对页来的：回到核对页）", en: "previous step (back to the review when sent from it)",
                                           hint: .init("Esc", "上一步", "back"))
    static let listMoves: [KioskBinding] = [
        KioskBinding(keys: [.down], action: .moveDown, zh: "下一个", en: "next", hint: .init("↑↓", "选择", "choose")),
        KioskBinding(keys: [.up], action: .moveUp, zh: "上一个", en: "previous"),
        KioskBinding(keys: [.pageDown], action: .pageDown, zh: "下一页", en: "next page"),
        KioskBinding(keys: [.pageUp], action: .pageUp, zh: "上一页", en: "previous page"),
    ]

    public static func bindings(for context: KioskContext) -> [KioskBinding] {
        switch context {
        case .home:
            return [
                KioskBinding(keys: ["1", "2", "3"].map(Key.character), action: .choose, zh: "打开第几项：1 投诉登记，2 进度查询，3 诚信公示",
                             en: "open an item: 1 file a complaint, 2 progress, 3 the public board", hint: .init("1 / 2 / 3", "选择", "choose")),
                KioskBinding(keys: [.down, .tab, .character("j")], action: .moveDown, zh: "下一项", en: "next item", hint: .init("↑↓", "移动", "move")),
                KioskBinding(keys: [.up, .backTab, .character("k")], action: .moveUp, zh: "上一项", en: "previous item"),
                KioskBinding(keys: [.enter], action: .confirm, zh: "进入所选的一项", en: "open the selected item", hint: .init("Enter", "进入", "open")),
                help,
            ]
        case .receipt:
            return [
                KioskBinding(keys: [.enter, .escape], action: .confirm, zh: "完成，回到首页", en: "done, back home", hint: .init("Enter", "完成，回到首页", "done, back home")),
                help,
            ]
        case .status:
            return [
                KioskBinding(keys: [], action: .type, zh: "输入受理编号（字母、数字、短横线）", en: "type the receipt code (letters, digits, a dash)",
                             hint: .init("", "输入受理编号", "Type the receipt code"), typing: true),
                KioskBinding(keys: [.enter], action: .confirm, zh: "查询进度", en: "look up the progress", hint: .init("Enter", "查询", "look up")),
                KioskBinding(keys: [.escape], action: .back, zh: "回到首页", en: "back home", hint: .init("Esc", "首页", "home")),
                helpWhileTyping,
            ]
        case .board:
            return [
                KioskBinding(keys: [], action: .type, zh: "打字查找：店号、店名、经营者或拼音首字母", en: "type to find: shop number, name, owner or pinyin initials",
                             hint: .init("", "打字查找", "Type to search"), typing: true),
            ] + listMoves + [
                KioskBinding(keys: [.right, .tab], action: .nextBranch, zh: "下一个支部", en: "next branch", hint: .init("←→", "支部", "branch")),
                KioskBinding(keys: [.left, .backTab], action: .previousBranch, zh: "上一个支部", en: "previous branch"),
                KioskBinding(keys: [.enter], action: .confirm, zh: "查看所选的商户", en: "open the selected shop", hint: .init("Enter", "查看", "open")),
                KioskBinding(keys: [.escape], action: .back, zh: "回到首页", en: "back home", hint: .init("Esc", "首页", "home")),
                helpWhileTyping,
            ]
        case .boardShop:
            return [
                KioskBinding(keys: [.down], action: .moveDown, zh: "向下翻看", en: "scroll down", hint: .init("↑↓", "翻看", "scroll")),
                KioskBinding(keys: [.up], action: .moveUp, zh: "向上翻看", en: "scroll up"),
                KioskBinding(keys: [.pageDown, .character(" ")], action: .pageDown, zh: "下一页", en: "next page"),
                KioskBinding(keys: [.pageUp], action: .pageUp, zh: "上一页", en: "previous page"),
                KioskBinding(keys: [.escape, .enter, .backspace], action: .back, zh: "返回列表", en: "back to the list", hint: .init("Esc", "返回列表", "back to the list")),
                help,
            ]
        case .step(.shop):
            return [
                KioskBinding(keys: [], action: .type, zh: "打字查找：店号、店名、经营者或拼音首字母", en: "type to find: shop number, name, owner or pinyin initials",
                             hint: .init("", "打字查找", "Type to search"), typing: true),
            ] + listMoves + [
                KioskBinding(keys: [.enter], action: .confirm, zh: "选定这家店，下一步", en: "this shop; next step", hint: .init("Enter", "下一步", "next")),
                KioskBinding(keys: [.escape], action: .back, zh: "回到首页（已填的内容不保留）", en: "back home (nothing entered is kept)", hint: .init("Esc", "首页", "home")),
                helpWhileTyping,
            ]
        case .step(.problem):
            return [
                KioskBinding(keys: [.down, .tab], action: .moveDown, zh: "下一个", en: "next", hint: .init("↑↓", "选择", "choose")),
                KioskBinding(keys: [.up, .backTab], action: .moveUp, zh: "上一个", en: "previous"),
                KioskBinding(keys: (1...KioskProblem.all.count).map { Key.character(Character("\($0)")) }, action: .choose, zh: "选第几个问题", en: "choose a problem by its number",
                             hint: .init("1–\(KioskProblem.all.count)", "按号选", "by number")),
                nextStep, previousStep, help,
            ]
        case .step(.story):
            return [
                KioskBinding(keys: [], action: .type, zh: "写下发生了什么（可用输入法输入中文）", en: "type what happened (an IME for Chinese)",
                             hint: .init("", "可用输入法输入中文", "Type (IME for Chinese)"), typing: true),
                nextStep, previousStep, helpWhileTyping,
            ]
        case .step(.amount):
            return [
                KioskBinding(keys: [], action: .type, zh: "输入金额：数字和小数点（不清楚可留空）", en: "type the amount: digits and a point (may be empty)",
                             hint: .init("", "输入金额（可留空）", "Amount (may be empty)"), typing: true),
                nextStep, previousStep, helpWhileTyping,
            ]
        case .step(.wants):
            return [
                KioskBinding(keys: [.down, .tab], action: .moveDown, zh: "下一个", en: "next", hint: .init("↑↓", "移动", "move")),
                KioskBinding(keys: [.up, .backTab], action: .moveUp, zh: "上一个", en: "previous"),
                KioskBinding(keys: [.character(" ")], action: .toggle, zh: "勾选或取消所选的一项", en: "tick or untick the selected item", hint: .init("空格", "勾选", "tick")),
                KioskBinding(keys: (1...kioskWants.count).map { Key.character(Character("\($0)")) }, action: .choose, zh: "按号勾选或取消", en: "tick or untick by number"),
                nextStep, previousStep, help,
            ]
        case .step(.contact):
            return [
                KioskBinding(keys: [], action: .type, zh: "输入姓名或电话（都可以不留）", en: "type the name or the phone (both optional)", typing: true),
                KioskBinding(keys: [.tab, .down], action: .nextField, zh: "下一栏", en: "next field", hint: .init("Tab", "换栏", "field")),
                KioskBinding(keys: [.backTab, .up], action: .previousField, zh: "上一栏", en: "previous field"),
                KioskBinding(keys: [.enter], action: .confirm, zh: "在姓名上：到电话；在电话上：下一步", en: "on the name: to the phone; on the phone: next step",
                             hint: .init("Enter", "下一步", "next")),
                previousStep, helpWhileTyping,
            ]
        case .consent:
            return [
                KioskBinding(keys: [.tab, .down], action: .nextField, zh: "下一栏", en: "next field", hint: .init("Tab", "换栏", "field")),
                KioskBinding(keys: [.backTab, .up], action: .previousField, zh: "上一栏", en: "previous field"),
                KioskBinding(keys: [.character("y"), .character("Y")], action: .consentYes, zh: "同意被联系", en: "consents to be contacted", hint: .init("y/n", "是否同意", "consent")),
                KioskBinding(keys: [.character("n"), .character("N")], action: .consentNo, zh: "不同意被联系（电话要删去）", en: "no contact (the phone must be deleted)"),
                KioskBinding(keys: [.character(" "), .left, .right], action: .toggle, zh: "在同意和不同意之间切换", en: "switch between yes and no"),
                KioskBinding(keys: [.enter], action: .confirm, zh: "下一步", en: "next step", hint: .init("Enter", "下一步", "next")),
                previousStep, help,
            ]
        case .step(.review):
            let steps = KioskStep.allCases.filter { $0 != .review }
            return [
                KioskBinding(keys: [.enter], action: .confirm, zh: "提交，当场拿到受理编号", en: "submit; the receipt code is shown at once", hint: .init("Enter", "提交", "submit")),
                KioskBinding(keys: steps.map { Key.character(Character("\($0.rawValue)")) }, action: .choose, zh: "修改第几步（改完按 Enter 回到这里）", en: "change a step (Enter brings you back here)",
                             hint: .init("1–\(steps.count)", "修改", "change")),
                previousStep, help,
            ]
        }
    }

    /// The binding a key finds where the keys go now, or nil: the key does nothing here.
    public static func binding(for key: Key, _ model: KioskModel) -> KioskBinding? {
        let context = context(model)
        return KioskBinding.find(key, in: bindings(for: context)) { key in
            switch key {
            case .character: return true
            // The story is several lines: ↑↓ move between them.
            case .up, .down: return context == .step(.story)
            default: return TextFieldState.edits(key)
            }
        }
    }

    /// The keys of the screen, as its footer names them.
    static func footer(_ model: KioskModel) -> String {
        KioskBinding.footer(bindings(for: context(model)), model.language)
    }

    /// Does `action` where the keys go now; `key` is the key pressed (a digit, or what is typed).
    public static func perform(_ action: KioskAction, key: Key, _ model: inout KioskModel) -> [KioskEffect] {
        if action == .toggleHelp {
            model.showHelp.toggle()
            return []
        }
        switch model.screen {
        case .home: Kiosk.home(action, key: key, &model)
        case .file(let step): return KioskFiling.perform(action, key: key, step: step, &model)
        case .receipt: if action == .confirm { model.resetToHome() }
        case .status: Kiosk.status(action, key: key, &model)
        case .board, .boardShop: KioskBoard.perform(action, key: key, &model)
        }
        return []
    }

    /// The digit a key is, if it is one.
    static func digit(_ key: Key) -> Int? {
        if case .character(let c) = key, c.isASCII { return c.wholeNumberValue }
        return nil
    }
}
