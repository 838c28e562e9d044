/// A list of choices in a box, one selected. The keys that move and choose belong to the screen
/// that shows it (its key table), which calls these moves and reads `chosen`.
public struct SelectList: Sendable, Equatable {
    public var title: String
    public var options: [String]
    public var selected = 0

    public init(title: String, options: [String]) {
        self.title = title
        self.options = options
    }

    /// Moves the selection by `delta` rows, within the list.
    public mutating func move(by delta: Int) {
        selected = max(0, min(options.count - 1, selected + delta))
    }

    public mutating func moveToFirst() { selected = 0 }

    public mutating func moveToLast() { selected = max(0, options.count - 1) }

    /// The option chosen with the selection where it is (nil for an empty list).
    public var chosen: Int? { options.indices.contains(selected) ? selected : nil }

    /// Draws the list as a centred box over the screen.
    public func render(into grid: inout Grid, footer: String) {
        let inner = max(DisplayWidth.of(title) + 4, DisplayWidth.of(footer), (options.map { DisplayWidth.of($0) }.max() ?? 0) + 2)
        let width = min(grid.size.width - 2, inner + 4)
        let height = min(grid.size.height - 2, options.count + 4)
        let rect = Rect(x: (grid.size.width - width) / 2, y: max(1, (grid.size.height - height) / 2), width: width, height: height)
        grid.fill(rect)
        grid.box(rect, title: title, style: Style(bold: true))
        let visible = height - 4
        var position = ListPosition(selected: selected)
        position.keepVisible(count: options.count, visibleRows: visible)
        let offset = position.offset
        for (row, i) in (offset..<min(options.count, offset + visible)).enumerated() {
            let marker = i == selected ? "▶ " : "  "
            grid.put(marker + options[i], x: rect.x + 2, y: rect.y + 1 + row, maxWidth: width - 4,
                     style: i == selected ? Style(reverse: true) : .plain)
        }
        grid.put(footer, x: rect.x + 2, y: rect.y + height - 2, maxWidth: width - 4, style: Style(dim: true))
    }
}
