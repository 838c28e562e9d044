/// A multi-line text area: the same grapheme editing as the text field, Enter for a new line,
/// lines wrapped by display width (a wide glyph never split), ↑/↓ by wrapped line.
public struct TextAreaState: Sendable, Equatable {
    public private(set) var field: TextFieldState

    public init(text: String = "", limit: Int = 2000) {
        field = TextFieldState(text: text, limit: limit)
    }

    public var text: String { field.text }
    public var cursor: Int { field.cursor }
    public var truncated: Bool { field.truncated }

    /// A wrapped line: the range of characters it shows.
    struct VisualLine: Equatable {
        let start: Int
        let end: Int
    }

    /// Wraps the text into lines of at most `width` columns; a newline ends a line.
    static func layout(_ characters: [Character], width: Int) -> [VisualLine] {
        var lines: [VisualLine] = []
        var start = 0
        var used = 0
        var i = 0
        while i < characters.count {
            let c = characters[i]
            if c == "\n" || c == "\r\n" {
                lines.append(VisualLine(start: start, end: i))
                start = i + 1
                used = 0
                i += 1
                continue
            }
            let w = DisplayWidth.of(SafeText.sanitize(String(c)).first ?? c)
            if used + w > width && i > start {
                lines.append(VisualLine(start: start, end: i))
                start = i
                used = 0
            }
            used += w
            i += 1
        }
        lines.append(VisualLine(start: start, end: characters.count))
        return lines
    }

    /// Applies an editing key; Enter inserts a new line. `width` is the area's width, for ↑/↓.
    @discardableResult
    public mutating func handle(_ key: Key, width: Int) -> Bool {
        switch key {
        case .enter:
            field.insert("\n")
            return true
        case .paste(let pasted):
            field.insert(TextFieldState.typeable(pasted, lineBreaks: true))
            return true
        case .up, .down:
            let characters = Array(field.text)
            let lines = TextAreaState.layout(characters, width: max(1, width))
            guard let row = lines.lastIndex(where: { $0.start <= cursor }) else { return true }
            let target = key == .up ? row - 1 : row + 1
            guard lines.indices.contains(target) else { return true }
            let column = columns(characters, lines[row].start, cursor)
            var index = lines[target].start
            while index < lines[target].end, columns(characters, lines[target].start, index + 1) <= column { index += 1 }
            field.moveCursor(to: index)
            return true
        default:
            return field.handle(key)
        }
    }

    public mutating func insert(_ text: String) { field.insert(text) }

    func columns(_ characters: [Character], _ from: Int, _ to: Int) -> Int {
        characters[from..<min(to, characters.count)].reduce(0) { $0 + DisplayWidth.of(SafeText.sanitize(String($1)).first ?? $1) }
    }

    /// Draws the area in `rect`, scrolled to keep the cursor's line visible; returns the cursor position.
    @discardableResult
    public func render(into grid: inout Grid, rect: Rect, style: Style = .plain) -> Position {
        let characters = Array(field.text)
        let lines = TextAreaState.layout(characters, width: max(1, rect.width))
        let row = lines.lastIndex(where: { $0.start <= cursor }) ?? 0
        let top = max(0, row - rect.height + 1)
        grid.fill(rect, style: style)
        for (i, line) in lines.dropFirst(top).prefix(rect.height).enumerated() {
            grid.put(String(characters[line.start..<line.end]), x: rect.x, y: rect.y + i, maxWidth: rect.width, style: style)
        }
        return Position(x: rect.x + columns(characters, lines[row].start, cursor), y: rect.y + row - top)
    }
}

extension TextFieldState {
    /// Moves the cursor to a grapheme index (clamped).
    public mutating func moveCursor(to index: Int) {
        let target = max(0, min(text.count, index))
        while cursor < target { handle(.right) }
        while cursor > target { handle(.left) }
    }
}
