/// A yes/no question in a box, with the lines it is about: 否 (no) is highlighted until the person
/// moves to 是 (yes). Which keys answer it is the asking screen's business (its key table): the
/// screen calls `toggle` and reads `yesSelected`.
public struct ConfirmDialog: Sendable, Equatable {
    public var title: String
    public var message: String
    /// What the question is about (what will be recorded, what would be lost), above the message.
    public var details: [String]
    public var yes: String
    public var no: String
    /// Whether 是 (yes) is highlighted.
    public var yesSelected = false

    public init(title: String, message: String, details: [String] = [], yes: String = "是", no: String = "否") {
        self.title = title
        self.message = message
        self.details = details
        self.yes = yes
        self.no = no
    }

    /// Moves the highlight to the other button.
    public mutating func toggle() {
        yesSelected.toggle()
    }

    public func render(into grid: inout Grid) {
        let buttons = "[ \(yes) ]   [ \(no) ]"
        let lines = details.isEmpty ? [message] : details + ["", message]
        let inner = max(lines.map { DisplayWidth.of($0) }.max() ?? 0, DisplayWidth.of(buttons), DisplayWidth.of(title) + 4)
        let width = min(grid.size.width - 2, inner + 6)
        // Border, a blank line, the lines, a blank line, the buttons, border; the lines cut to fit.
        let shown = min(lines.count, max(1, grid.size.height - 7))
        let height = shown + 5
        let rect = Rect(x: (grid.size.width - width) / 2, y: max(1, (grid.size.height - height) / 2), width: width, height: height)
        grid.fill(rect)
        grid.box(rect, title: title, style: Style(bold: true))
        for (i, line) in lines.prefix(shown).enumerated() {
            grid.put(TextLayout.truncate(line, toWidth: width - 6), x: rect.x + 3, y: rect.y + 2 + i, maxWidth: width - 6)
        }
        let x = rect.x + (width - DisplayWidth.of(buttons)) / 2
        let yesText = "[ \(yes) ]"
        grid.put(yesText, x: x, y: rect.y + height - 2, style: yesSelected ? Style(reverse: true) : .plain)
        grid.put("[ \(no) ]", x: x + DisplayWidth.of(yesText) + 3, y: rect.y + height - 2, style: yesSelected ? .plain : Style(reverse: true))
    }
}

/// A form: labelled fields, Tab/Shift-Tab between them, required fields and inline messages.
public struct Form: Sendable, Equatable {
    public enum Input: Sendable, Equatable {
        case line(TextFieldState)
        case area(TextAreaState, height: Int)
        /// One of `options`; `selected` may be `Form.noChoice` (nothing highlighted, the value
        /// empty, so a required field is refused until a choice is made with ←/→).
        case choice([String], selected: Int)
    }

    /// The `selected` of a choice nobody has made yet.
    public static let noChoice = -1

    public struct Field: Sendable, Equatable {
        public var label: String
        public var input: Input
        public var required: Bool
        /// The message shown under the field after validation, if any.
        public var message: String?

        public init(label: String, input: Input, required: Bool = false) {
            self.label = label
            self.input = input
            self.required = required
        }

        public var value: String {
            switch input {
            case .line(let f): return f.text
            case .area(let a, _): return a.text
            case .choice(let options, let i): return options.indices.contains(i) ? options[i] : ""
            }
        }
    }

    public var fields: [Field]
    public var focus = 0
    /// The width of the input column when the form was last drawn (for ↑/↓ in text areas).
    public var inputWidth = 40
    /// The values the form was opened with (a date filled in, a reply being revised).
    private let initialValues: [String]

    public init(fields: [Field]) {
        self.fields = fields
        self.initialValues = fields.map(\.value)
    }

    /// Whether anything was entered or changed since the form was opened (what Esc would lose).
    public var hasChanges: Bool {
        fields.map(\.value) != initialValues
    }

    /// The focus on the next field (after the last, the first), or the one before.
    public mutating func focusNext() {
        guard !fields.isEmpty else { return }
        focus = (focus + 1) % fields.count
    }

    public mutating func focusPrevious() {
        guard !fields.isEmpty else { return }
        focus = (focus + fields.count - 1) % fields.count
    }

    /// Gives a key to the focused input (moving between fields is `focusNext`/`focusPrevious`,
    /// which the screen's key table calls). Returns false for keys the input does not use (Enter
    /// on a one-line field, Esc), which the screen handles.
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        guard fields.indices.contains(focus) else { return false }
        switch fields[focus].input {
        case .line(var f):
            let before = f.text
            let used = f.handle(key)
            fields[focus].input = .line(f)
            // What was wrong is no longer shown once the person edits the field.
            if f.text != before { fields[focus].message = nil }
            return used
        case .area(var a, let height):
            if key == .escape { return false }
            let used = a.handle(key, width: inputWidth)
            fields[focus].input = .area(a, height: height)
            return used
        case .choice(let options, let i):
            let chosen: Int
            switch key {
            case .left, .up: chosen = max(0, i - 1)
            case .right, .down, .character(" "): chosen = min(options.count - 1, i + 1)
            default: return false
            }
            fields[focus].input = .choice(options, selected: chosen)
            // A choice made answers "required" (or whatever was said about the last one).
            if chosen != i { fields[focus].message = nil }
            return true
        }
    }

    /// Marks empty required fields (and anything `check` objects to); focuses the first problem.
    /// Returns true when the form is complete.
    public mutating func validate(requiredMessage: String, _ check: (Int, String) -> String? = { _, _ in nil }) -> Bool {
        var first: Int?
        for i in fields.indices {
            let value = fields[i].value.filter { !$0.isWhitespace }
            fields[i].message = fields[i].required && value.isEmpty ? requiredMessage : check(i, fields[i].value)
            if fields[i].message != nil && first == nil { first = i }
        }
        if let first { focus = first }
        return first == nil
    }

    /// Draws labels and inputs in `rect`; returns the cursor position of the focused input.
    @discardableResult
    public mutating func render(into grid: inout Grid, rect: Rect) -> Position? {
        let labelWidth = (fields.map { DisplayWidth.of($0.label) }.max() ?? 0) + 2
        inputWidth = max(4, rect.width - labelWidth - 1)
        var y = rect.y
        var cursor: Position?
        for (i, field) in fields.enumerated() where y < rect.y + rect.height {
            let focused = i == focus
            grid.put(TextLayout.fit(field.label + (field.required ? "*" : ""), width: labelWidth), x: rect.x, y: y, style: focused ? Style(bold: true) : .plain)
            let x = rect.x + labelWidth + 1
            switch field.input {
            case .line(let f):
                let at = f.render(into: &grid, x: x, y: y, width: inputWidth, style: Style(underline: true))
                if focused { cursor = at }
                y += 1
            case .area(let a, let height):
                let at = a.render(into: &grid, rect: Rect(x: x, y: y, width: inputWidth, height: height), style: Style(underline: true))
                if focused { cursor = at }
                y += height
            case .choice(let options, let selected):
                var cx = x
                for (j, option) in options.enumerated() {
                    cx += grid.put(" \(option) ", x: cx, y: y, style: j == selected ? Style(reverse: true) : .plain) + 1
                }
                y += 1
            }
            if let message = field.message {
                grid.put("  " + message, x: x, y: y, maxWidth: inputWidth, style: Style(foreground: .red, bold: true))
                y += 1
            }
        }
        return cursor
    }
}
