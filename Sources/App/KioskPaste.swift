import Core
import Terminal

/// Keys that arrive together, faster than anyone types: a paste. Without the terminal's bracketed
/// paste, the kiosk tells one by its keys: read one after another without waiting (`KioskProgram`),
/// at least two of them characters other than spaces, and among them, after the first
/// character, a key that would act (Enter, Esc, Tab, an arrow, a control key). Such a burst is text for the field in front of the
/// staff: its line breaks never go on to the next step, its Esc never goes back or clears the
/// form, and on a step without a text field it is ignored. A burst of characters alone (an IME's
/// commit) is typed key by key, which is the same thing.
public enum KioskPaste {
    /// Keys read without waiting within this many seconds of each other belong together: they
    /// were in the terminal's input before the first of them was read (the time only covers the
    /// wait for the rest of an escape sequence; a key typed by hand comes after the next frame).
    public static let together = 0.1
    /// The most keys taken as one burst (the fields' limits cut a long paste further).
    public static let limit = 200_000

    /// The messages for keys that arrived together. Keys before the first character are keys
    /// typed before the text came (Tab to a field, then a paste), and act.
    public static func messages(_ burst: [Key]) -> [KioskMessage] {
        let lead = burst.prefix { if case .character = $0 { return false } else { return true } }
        let rest = Array(burst.dropFirst(lead.count))
        return lead.map { .key($0) } + (isPaste(rest) ? [.pasted(text(rest))] : rest.map { .key($0) })
    }

    static func isPaste(_ burst: [Key]) -> Bool {
        var characters = 0
        var acting = false
        for key in burst {
            switch key {
            case .character(let c): if !c.isWhitespace { characters += 1 }
            case .resize, .mouse: break
            default: acting = true
            }
        }
        return characters >= 2 && acting
    }

    /// A burst as text: characters as they came, Enter a line break, Tab a space; Esc and every
    /// other key left out.
    static func text(_ burst: [Key]) -> String {
        var text = ""
        for key in burst {
            switch key {
            case .character(let c): text.append(c)
            case .enter: text.append("\n")
            case .tab: text.append(" ")
            default: break
            }
        }
        return text
    }

    /// The text on one line (a search or a name): line breaks and tabs as spaces.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }

    /// Only the characters `allowed` keeps (full-width forms folded); whether any other was dropped.
    static func only(_ text: String, _ allowed: (Character) -> Bool) -> (String, dropped: Bool) {
        let folded = text.map(TypedCode.fold)
        let kept = folded.filter(allowed)
        return (String(kept), folded.contains { !allowed($0) && !$0.isWhitespace })
    }

    /// Pasted text, put into the text field of the screen shown; elsewhere it does nothing.
    static func insert(_ pasted: String, _ model: inout KioskModel) {
        // Control characters (a bracketed paste carries them as they were) are never typed.
        let text = TextFieldState.typeable(pasted, lineBreaks: true)
        switch model.screen {
        case .file(.shop):
            let before = model.draft.shopQuery.text
            model.draft.shopQuery.insert(oneLine(text))
            KioskFiling.shopQueryEdited(from: before, &model)
        case .file(.story):
            // The story keeps the pasted line breaks (Enter typed by hand goes on).
            model.draft.story.insert(text)
            if model.draft.story.truncated { model.notice = model.t("已达 2000 字上限", "the 2000-character limit is reached") }
        case .file(.amount):
            let (digits, dropped) = only(text) { $0.isASCII && ($0.isNumber || $0 == ".") }
            model.draft.amount.insert(digits)
            if dropped { model.notice = model.t("金额只能输入数字和小数点；不清楚可以留空", "digits and a decimal point only; leave it empty if unknown") }
        case .file(.contact) where model.draft.contactFocus == 0:
            model.draft.name.insert(oneLine(text))
        case .file(.contact) where model.draft.contactFocus == 1:
            let (digits, dropped) = only(text) { $0.isASCII && ($0.isNumber || $0 == "-" || $0 == " ") }
            model.draft.phone.insert(digits)
            if dropped { model.notice = model.t("电话只能输入数字和短横线", "digits and a dash only in a phone number") }
        case .status:
            let (code, dropped) = only(text) { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            model.codeField.insert(code)
            model.lookup = nil
            if dropped { model.notice = model.t("受理编号只含字母、数字和短横线", "a receipt code has letters, digits and a dash only") }
        case .board:
            let before = model.boardQuery.text
            model.boardQuery.insert(oneLine(text))
            if model.boardQuery.text != before { model.boardPosition = ListPosition() }
        case .home, .file, .receipt, .boardShop:
            break
        }
    }
}
