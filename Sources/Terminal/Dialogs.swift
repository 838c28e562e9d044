/// A yes/no question in a box: y or Enter on 是 confirms; n, Esc or Enter on 否 declines.
public struct ConfirmDialog: Sendable, Equatable {
    public var title: String
    public var message: String
    public var yes: String
    public var no: String
    /// Whether 是 (yes) is highlighted.
    public var yesSelected = false

    public init(title: String, message: String, yes: String = "是", no: String = "否") {
        self.title = title
        self.message = message
        self.yes = yes
        self.no = no
    }

    public enum Outcome: Equatable { case none, confirmed, declined }

    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .character("y"), .character("Y"): return .confirmed
        case .character("n"), .character("N"), .escape: return .declined
        case .left, .right, .tab, .backTab, .character("h"), .character("l"): yesSelected.toggle()
        case .enter: return yesSelected ? .confirmed : .declined
        default: break
        }
        return .none
    }

    public func render(into grid: inout Grid) {
        let buttons = "[ \(yes) ]   [ \(no) ]"
        let inner = max(DisplayWidth.of(message), DisplayWidth.of(buttons), DisplayWidth.of(title) + 4)
        let width = min(grid.size.width - 2, inner + 6)
        let rect = Rect(x: (grid.size.width - width) / 2, y: max(1, grid.size.height / 2 - 3), width: width, height: 6)
        grid.fill(rect)
        grid.box(rect, title: title, style: Style(bold: true))
        grid.put(message, x: rect.x + 3, y: rect.y + 2, maxWidth: width - 6)
        let x = rect.x + (width - DisplayWidth.of(buttons)) / 2
        let yesText = "[ \(yes) ]"
        grid.put(yesText, x: x, y: rect.y + 4, style: yesSelected ? Style(reverse: true) : .plain)
        grid.put("[ \(no) ]", x: x + DisplayWidth.of(yesText) + 3, y: rect.y + 4, style: yesSelected ? .plain : Style(reverse: true))
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

    public init(fields: [Field]) {
        self.fields = fields
    }

    /// Moves focus with Tab/Shift-Tab; gives other keys to the focused input. Returns false for
    /// keys the form does not use (Enter on a one-line field, Esc), which the screen handles.
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        guard fields.indices.contains(focus) else { return false }
        switch key {
        case .tab: focus = (focus + 1) % fields.count; return true
        case .backTab: focus = (focus + fields.count - 1) % fields.count; return true
        default: break
        }
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
