/// Selection and scroll position of a list, kept in the screen's model.
public struct ListPosition: Sendable, Equatable {
    public var selected: Int
    public var offset: Int

    public init(selected: Int = 0, offset: Int = 0) {
        self.selected = selected
        self.offset = offset
    }

    /// Moves the selection by `delta` rows, clamped, and scrolls so it stays visible.
    public mutating func move(by delta: Int, count: Int, visibleRows: Int) {
        guard count > 0 else { selected = 0; offset = 0; return }
        selected = min(max(0, selected + delta), count - 1)
        keepVisible(count: count, visibleRows: visibleRows)
    }

    public mutating func moveTo(_ index: Int, count: Int, visibleRows: Int) {
        move(by: index - selected, count: count, visibleRows: visibleRows)
    }

    public mutating func keepVisible(count: Int, visibleRows: Int) {
        let rows = max(1, visibleRows)
        if count == 0 { selected = 0; offset = 0; return }
        selected = min(max(0, selected), count - 1)
        if selected < offset { offset = selected }
        if selected >= offset + rows { offset = selected - rows + 1 }
        offset = max(0, min(offset, max(0, count - rows)))
    }
}

/// Where a page without a selection starts (a shop's page, a complaint, an entry of the public
/// board): the one rule for scrolling such a page.
public enum PageScroll {
    /// The first line shown after scrolling `delta` lines from `top`: never above the first line,
    /// never past where the last line is at the bottom.
    public static func scrolled(_ top: Int, by delta: Int, lines: Int, visibleRows: Int) -> Int {
        max(0, min(top + delta, lines - max(1, visibleRows)))
    }
}

/// A column of a table: a title, a width in display columns, an alignment.
public struct TableColumn: Sendable, Equatable {
    public var title: String
    public var width: Int
    public var alignment: TextLayout.Alignment
    /// Columns that may shrink (with an ellipsis) when the screen is narrow.
    public var flexible: Bool

    public init(title: String, width: Int = 0, alignment: TextLayout.Alignment = .left, flexible: Bool = false) {
        self.title = title
        self.width = width
        self.alignment = alignment
        self.flexible = flexible
    }
}

/// A table drawn into a grid: a header row and rows of cells, aligned by display width,
/// the selected row highlighted, scrolled by a `ListPosition`.
public struct TableView {
    public var columns: [TableColumn]
    public var rows: [[String]]
    public var position: ListPosition
    public var gap: Int = 2

    public init(columns: [TableColumn], rows: [[String]], position: ListPosition) {
        self.columns = columns
        self.rows = rows
        self.position = position
    }

    /// Sets each column's width to its widest cell (title included), then shrinks flexible
    /// columns, widest first, until the table fits `available` columns.
    public mutating func fitColumns(available: Int) {
        for i in columns.indices {
            var widest = DisplayWidth.of(columns[i].title)
            for row in rows where i < row.count {
                widest = max(widest, DisplayWidth.of(row[i]))
            }
            columns[i].width = widest
        }
        let gaps = gap * max(0, columns.count - 1)
        var total = columns.reduce(0) { $0 + $1.width } + gaps
        while total > available {
            guard let i = columns.indices.filter({ columns[$0].flexible && columns[$0].width > 4 })
                .max(by: { columns[$0].width < columns[$1].width }) else { break }
            columns[i].width -= 1
            total -= 1
        }
    }

    /// Draws header and rows inside `rect`. The header takes the first line.
    public func render(into grid: inout Grid, rect: Rect, headerStyle: Style = Style(bold: true, underline: true),
                       selectedStyle: Style = Style(reverse: true)) {
        guard rect.height > 0 else { return }
        grid.put(line(columns.map(\.title)), x: rect.x, y: rect.y, maxWidth: rect.width, style: headerStyle)
        let visible = rect.height - 1
        for i in 0..<max(0, visible) {
            let index = position.offset + i
            guard index < rows.count else { break }
            let style: Style = index == position.selected ? selectedStyle : .plain
            grid.put(line(rows[index]), x: rect.x, y: rect.y + 1 + i, maxWidth: rect.width, style: style)
        }
    }

    /// The header and every row as plain lines (for printing a table outside the screen).
    public func lines() -> [String] {
        ([columns.map(\.title)] + rows).map { line($0).replacingTrailingSpaces() }
    }

    func line(_ cells: [String]) -> String {
        var parts: [String] = []
        for (i, column) in columns.enumerated() {
            let text = i < cells.count ? cells[i] : ""
            parts.append(TextLayout.fit(text, width: column.width, alignment: column.alignment))
        }
        return parts.joined(separator: String(repeating: " ", count: gap))
    }
}

/// One line of the help overlay: the keys and what they do.
public struct HelpEntry: Sendable, Equatable {
    public var keys: String
    public var action: String

    public init(keys: String, action: String) {
        self.keys = keys
        self.action = action
    }
}

/// A centred box listing key bindings, drawn over the screen.
public enum HelpOverlay {
    public static func render(into grid: inout Grid, title: String, entries: [HelpEntry], footer: String) {
        // One column when the entries fit the screen's height, else two side by side.
        let columns = entries.count + 4 > grid.size.height ? 2 : 1
        let rows = (entries.count + columns - 1) / columns
        let parts = stride(from: 0, to: entries.count, by: max(1, rows)).map { Array(entries[$0..<min(entries.count, $0 + rows)]) }
        let keyWidths = parts.map { $0.map { DisplayWidth.of($0.keys) }.max() ?? 0 }
        let needed = zip(parts, keyWidths).map { part, keys in keys + 3 + (part.map { DisplayWidth.of($0.action) }.max() ?? 0) }
        let inner = max(needed.reduce(0, +) + 3 * (parts.count - 1), DisplayWidth.of(footer), DisplayWidth.of(title) + 4)
        let width = min(grid.size.width, inner + 4)
        let height = min(grid.size.height, rows + 4)
        let rect = Rect(x: max(0, (grid.size.width - width) / 2), y: max(0, (grid.size.height - height) / 2), width: width, height: height)
        // Two columns share the room by what they need: the narrower keeps its width when it can.
        var cells = [width - 4]
        if parts.count == 2 {
            let available = width - 4 - 3
            let right = min(needed[1], max(available / 2, available - needed[0]))
            cells = [available - right, right]
        }
        grid.fill(rect)
        grid.box(rect, title: title, style: Style(bold: true))
        var x = rect.x + 2
        for (column, part) in parts.enumerated() where column < cells.count {
            for (row, entry) in part.enumerated() where row + 1 < height - 2 {
                let text = TextLayout.fit(entry.keys, width: keyWidths[column]) + "   " + entry.action
                grid.put(TextLayout.truncate(text, toWidth: cells[column]), x: x, y: rect.y + 1 + row, maxWidth: cells[column])
            }
            x += cells[column] + 3
        }
        grid.put(footer, x: rect.x + 2, y: rect.y + height - 2, maxWidth: width - 4, style: Style(dim: true))
    }
}

/// A screen cut into bands, from the top and from the bottom. A screen says once which rows hold
/// what, and both its update (how many rows a list or a page shows, how far a page key moves) and
/// its view (where it draws them) ask that one layout, instead of each counting rows by hand.
public struct Bands: Sendable, Equatable {
    /// What is left between the bands taken so far.
    public private(set) var rest: Rect

    public init(_ rect: Rect) { rest = rect }

    public init(_ size: Size) { rest = Rect(x: 0, y: 0, width: size.width, height: size.height) }

    /// The next `rows` rows from the top.
    @discardableResult
    public mutating func top(_ rows: Int) -> Rect {
        let taken = max(0, min(rows, rest.height))
        defer { rest = Rect(x: rest.x, y: rest.y + taken, width: rest.width, height: rest.height - taken) }
        return Rect(x: rest.x, y: rest.y, width: rest.width, height: taken)
    }

    /// The next `rows` rows from the bottom.
    @discardableResult
    public mutating func bottom(_ rows: Int) -> Rect {
        let taken = max(0, min(rows, rest.height))
        defer { rest = Rect(x: rest.x, y: rest.y, width: rest.width, height: rest.height - taken) }
        return Rect(x: rest.x, y: rest.y + rest.height - taken, width: rest.width, height: taken)
    }

    /// The rest, `columns` in from each side.
    public func inset(_ columns: Int) -> Rect {
        Rect(x: rest.x + columns, y: rest.y, width: max(0, rest.width - 2 * columns), height: rest.height)
    }
}
