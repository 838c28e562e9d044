/// A one-line text field's content and cursor, edited by grapheme cluster (a Chinese character,
/// an emoji with its modifiers, a letter with its accents each move and delete as one).
/// Text is kept exactly as typed; it is sanitised only when drawn.
public struct TextFieldState: Sendable, Equatable {
    public private(set) var text: String
    /// The cursor, as a count of grapheme clusters from the start.
    public private(set) var cursor: Int
    /// The whole text is selected (a search box reopened on its last query): what is typed or
    /// pasted replaces it, Backspace or Delete clears it, any other key only deselects it.
    public private(set) var selectedAll = false
    /// The most characters the field holds; longer pastes are cut, and `truncated` says so.
    public let limit: Int
    public private(set) var truncated = false
    private var undo: [Snapshot] = []

    private struct Snapshot: Sendable, Equatable {
        let text: String
        let cursor: Int
    }

    /// `selected`: the text starts selected, so that typing replaces it.
    public init(text: String = "", limit: Int = 200, selected: Bool = false) {
        self.limit = limit
        let clipped = String(text.prefix(limit))
        self.text = clipped
        self.cursor = clipped.count
        self.selectedAll = selected && !clipped.isEmpty
    }

    /// Whether `key` is one a text field uses (a character or an editing key); the screens give
    /// such keys to the field that has the focus.
    public static func edits(_ key: Key) -> Bool {
        var probe = TextFieldState()
        return probe.handle(key)
    }

    /// Drops a selected text (before it is replaced or cleared).
    private mutating func takeSelection() -> Bool {
        guard selectedAll else { return false }
        selectedAll = false
        remember()
        text = ""
        cursor = 0
        return true
    }

    private mutating func remember() {
        undo.append(Snapshot(text: text, cursor: cursor))
        if undo.count > 100 { undo.removeFirst() }
    }

    /// Inserts text at the cursor (typing or a paste), up to the limit.
    public mutating func insert(_ typed: String) {
        guard !typed.isEmpty else { return }
        // Replacing a selection is one step to undo.
        if !takeSelection() { remember() }
        let room = max(0, limit - text.count)
        let piece = String(typed.prefix(room))
        truncated = piece.count < typed.count
        let index = text.index(text.startIndex, offsetBy: cursor)
        text.insert(contentsOf: piece, at: index)
        // Re-count: a combining mark typed after a letter joins its cluster.
        cursor = text[..<text.index(text.startIndex, offsetBy: min(text.count, cursor + piece.count))].count
        cursor = min(cursor, text.count)
    }

    /// Pasted text as it can be typed into a field: a line break (CR, LF or CR LF) becomes a space,
    /// or a newline where `lineBreaks` allows them, a tab a space; other control characters (Esc,
    /// Ctrl keys, DEL) are dropped, as typing them inserts nothing either.
    public static func typeable(_ pasted: String, lineBreaks: Bool) -> String {
        var out = String.UnicodeScalarView()
        var afterCR = false
        for scalar in pasted.unicodeScalars {
            defer { afterCR = scalar == "\r" }
            switch scalar {
            case "\n" where afterCR:
                continue
            case "\r", "\n":
                out.append(lineBreaks ? "\n" : " ")
            case "\t":
                out.append(" ")
            case "\u{00}"..."\u{1F}", "\u{7F}":
                continue
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Applies an editing key. Returns false for keys the field does not use.
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        if selectedAll, key == .backspace || key == .delete {
            _ = takeSelection()
            return true
        }
        switch key {
        case .character(let c):
            insert(String(c))
        case .paste(let pasted):
            insert(Self.typeable(pasted, lineBreaks: false))
        case .backspace:
            guard cursor > 0 else { return true }
            remember()
            let i = text.index(text.startIndex, offsetBy: cursor - 1)
            text.remove(at: i)
            cursor -= 1
        case .delete:
            guard cursor < text.count else { return true }
            remember()
            text.remove(at: text.index(text.startIndex, offsetBy: cursor))
        case .left:
            selectedAll = false
            cursor = max(0, cursor - 1)
        case .right:
            selectedAll = false
            cursor = min(text.count, cursor + 1)
        case .home, .control("a"):
            selectedAll = false
            cursor = 0
        case .end, .control("e"):
            selectedAll = false
            cursor = text.count
        case .control("u"):
            selectedAll = false
            guard !text.isEmpty else { return true }
            remember()
            text = ""
            cursor = 0
        case .control("z"):
            selectedAll = false
            if let last = undo.popLast() {
                text = last.text
                cursor = last.cursor
            }
        default:
            return false
        }
        return true
    }

    /// Draws the field at (x, y), `width` columns wide, scrolled so that the cursor is visible,
    /// and returns the display column of the cursor (where the terminal cursor and the IME's
    /// candidate window belong).
    @discardableResult
    public func render(into grid: inout Grid, x: Int, y: Int, width: Int, style: Style = Style(underline: true)) -> Position {
        guard width > 0 else { return Position(x: x, y: y) }
        let characters = Array(SafeText.sanitize(text))
        let safeCursor = min(cursor, characters.count)
        // Scroll: keep the cursor within the field, with a column to spare for it at the end.
        var start = 0
        func columns(_ from: Int, _ to: Int) -> Int { characters[from..<to].reduce(0) { $0 + DisplayWidth.of($1) } }
        while columns(start, safeCursor) > width - 1, start < safeCursor { start += 1 }
        var visible = ""
        var used = 0
        for c in characters[start...] {
            let w = DisplayWidth.of(c)
            if used + w > width { break }
            visible.append(c)
            used += w
        }
        grid.put(String(repeating: " ", count: width), x: x, y: y, maxWidth: width, style: style)
        var textStyle = style
        // A selected text stands out (reversed), as selections do in other programs.
        if selectedAll { textStyle.reverse.toggle() }
        grid.put(visible, x: x, y: y, maxWidth: width, style: textStyle)
        return Position(x: x + columns(start, safeCursor), y: y)
    }
}
