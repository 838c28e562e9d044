import Core
import Terminal

/// One line of a screen's key table: the keys, what they do, how the help says it, and how the
/// footer names it. The dashboard (`DashboardBinding`) and the kiosk (`KioskBinding`) look every key
/// up in such a table and do what it finds; their help and their footers are drawn from the same
/// tables, so that they cannot say otherwise.
public struct KeyBinding<Action: Sendable & Equatable>: Sendable, Equatable {
    public var keys: [Key]
    public var action: Action
    public var zh: String
    public var en: String
    /// How the binding is named in the screen's footer, if it is (see `footer`).
    public var hint: Hint?
    /// Typing: characters and the editing keys of the field with the focus perform the action.
    public var typing: Bool

    /// "Enter 打开": the keys as the footer writes them (nil: the first key; empty: the words alone)
    /// and a word or two.
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

    public init(keys: [Key], action: Action, zh: String, en: String, hint: Hint? = nil, typing: Bool = false) {
        self.keys = keys
        self.action = action
        self.zh = zh
        self.en = en
        self.hint = hint
        self.typing = typing
    }

    /// The binding a key finds in `table`: the first that lists it, else the typing binding when
    /// `takesText` says the field with the focus takes the key. Nil: the key does nothing here.
    static func find(_ key: Key, in table: [KeyBinding], takesText: (Key) -> Bool) -> KeyBinding? {
        if let binding = table.first(where: { $0.keys.contains(key) }) { return binding }
        guard let typing = table.first(where: \.typing), takesText(key) else { return nil }
        return typing
    }

    /// A footer naming keys ("a 办理 · Esc 返回"): the hints of `table`, in its order.
    static func footer(_ table: [KeyBinding], _ language: Language) -> String {
        table.compactMap { binding in
            binding.hint.map { hint in
                let keys = hint.keys ?? binding.keys.first?.description ?? ""
                return (keys.isEmpty ? "" : keys + " ") + language.pick(hint.zh, hint.en)
            }
        }.joined(separator: " · ")
    }

    /// The help over the screen: every binding of `table`, in the words of the table.
    static func renderHelp(_ table: [KeyBinding], _ language: Language, into grid: inout Grid) {
        let entries = table.map { binding in
            let keys = binding.keys.map(\.description) + (binding.typing ? [language.pick("输入文字", "typing")] : [])
            return HelpEntry(keys: keys.joined(separator: " / "), action: language.pick(binding.zh, binding.en))
        }
        HelpOverlay.render(into: &grid, title: language.pick("按键帮助", "Keys"), entries: entries,
                           footer: language.pick("按任意键关闭", "press any key to close"))
    }
}

/// A line of the dashboard's key tables (`Dashboard.bindings(for:)`).
public typealias DashboardBinding = KeyBinding<DashboardAction>
