/// A list of choices in a box, one selected; j/k or arrows move, Enter chooses, Esc cancels.
public struct SelectList: Sendable, Equatable {
    public var title: String
    public var options: [String]
    public var selected = 0

    public init(title: String, options: [String]) {
        self.title = title
        self.options = options
    }

    public enum Outcome: Equatable { case none, chosen(Int), cancelled }

    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .down, .character("j"): selected = min(options.count - 1, selected + 1)
        case .up, .character("k"): selected = max(0, selected - 1)
        case .home: selected = 0
        case .end: selected = max(0, options.count - 1)
        case .enter: return options.isEmpty ? .cancelled : .chosen(selected)
        case .escape: return .cancelled
        default: break
        }
        return .none
    }

    /// Draws the list as a centred box over the screen.
    public func render(into grid: inout Grid, footer: String) {
        let inner = max(DisplayWidth.of(title) + 4, DisplayWidth.of(footer), (options.map { DisplayWidth.of($0) }.max() ?? 0) + 2)
        let width = min(grid.size.width - 2, inner + 4)
        let height = min(grid.size.height - 2, options.count + 4)
        let rect = Rect(x: (grid.size.width - width) / 2, y: max(1, (grid.size.height - height) / 2), width: width, height: height)
        grid.fill(rect)
        grid.box(rect, title: title, style: Style(bold: true))
        let visible = height - 4
        let offset = max(0, min(selected - visible + 1, options.count - visible))
        for (row, i) in (offset..<min(options.count, offset + visible)).enumerated() {
            let marker = i == selected ? "▶ " : "  "
            grid.put(marker + options[i], x: rect.x + 2, y: rect.y + 1 + row, maxWidth: width - 4,
                     style: i == selected ? Style(reverse: true) : .plain)
        }
        grid.put(footer, x: rect.x + 2, y: rect.y + height - 2, maxWidth: width - 4, style: Style(dim: true))
    }
}
