/// Colours a theme can use. `.standard` leaves the terminal's own.
public enum Color: Sendable, Hashable {
    case standard, black, red, green, yellow, blue, magenta, cyan, white
}

public struct Style: Sendable, Hashable {
    public var foreground: Color
    public var background: Color
    public var bold: Bool
    public var reverse: Bool
    public var underline: Bool
    public var dim: Bool

    public init(foreground: Color = .standard, background: Color = .standard, bold: Bool = false,
                reverse: Bool = false, underline: Bool = false, dim: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
        self.dim = dim
    }

    public static let plain = Style()
}

/// One terminal cell. A wide glyph occupies its cell (width 2) and the next one (a continuation,
/// width 0, empty text).
public struct Cell: Sendable, Hashable {
    public var text: String
    public var width: Int
    public var style: Style

    public static let blank = Cell(text: " ", width: 1, style: .plain)
    static let continuation = Cell(text: "", width: 0, style: .plain)
}

public struct Position: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) { self.x = x; self.y = y }
}

public struct Size: Sendable, Hashable {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) { self.width = width; self.height = height }

    /// The smallest window the screens are laid out for: the dashboard and the kiosk refuse to
    /// start in a smaller one and, made smaller while running, say so until it is enlarged.
    public static let smallestUsable = Size(width: 80, height: 24)

    /// Whether a window of this size is at least `other` in both directions.
    public func holds(_ other: Size) -> Bool { width >= other.width && height >= other.height }
}

public struct Rect: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
}

/// A screen's worth of cells, drawn by widgets and handed to a backend. All text enters
/// through `put`, which sanitises it and measures it in display columns, so no control
/// character can reach a terminal and no wide glyph is ever split.
public struct Grid: Sendable, Equatable {
    public let size: Size
    public private(set) var cells: [Cell]
    /// Where the terminal's cursor should be shown (for text entry and the IME), if anywhere.
    public var cursor: Position?

    public init(size: Size) {
        self.size = Size(width: max(0, size.width), height: max(0, size.height))
        cells = Array(repeating: .blank, count: self.size.width * self.size.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        cells[y * size.width + x]
    }

    /// Writes text at (x, y), at most `maxWidth` columns (default: to the right edge).
    /// Returns the number of columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, maxWidth: Int? = nil, style: Style = .plain) -> Int {
        guard y >= 0, y < size.height, x < size.width else { return 0 }
        let limit = min(size.width, x + (maxWidth ?? size.width))
        var column = x
        for character in SafeText.sanitize(text) {
            let w = DisplayWidth.of(character)
            if w == 0 { continue }
            if column + w > limit {
                // A wide glyph that does not fit is never split: the last column stays blank.
                if column < limit, column >= 0 { setCell(column, y, Cell(text: " ", width: 1, style: style)) }
                column = limit
                break
            }
            if column >= 0 {
                setCell(column, y, Cell(text: String(character), width: w, style: style))
                if w == 2 { setCell(column + 1, y, Cell(text: "", width: 0, style: style)) }
            }
            column += w
        }
        return max(0, column - max(x, 0))
    }

    private mutating func setCell(_ x: Int, _ y: Int, _ cell: Cell) {
        let i = y * size.width + x
        let old = cells[i]
        // Overwriting either half of a wide glyph blanks the other half.
        if old.width == 2, x + 1 < size.width {
            cells[i + 1] = Cell(text: " ", width: 1, style: cells[i + 1].style)
        }
        if old.width == 0, x > 0 {
            cells[i - 1] = Cell(text: " ", width: 1, style: cells[i - 1].style)
        }
        cells[i] = cell
    }

    /// Fills a rectangle with spaces in a style.
    public mutating func fill(_ rect: Rect, style: Style = .plain) {
        let line = String(repeating: " ", count: max(0, rect.width))
        for y in rect.y..<(rect.y + rect.height) {
            put(line, x: rect.x, y: y, maxWidth: rect.width, style: style)
        }
    }

    /// The text of a row as a person would read it off the screen.
    public func rowText(_ y: Int) -> String {
        var s = ""
        for x in 0..<size.width { s += self[x, y].text }
        return s
    }

    /// All rows, trailing spaces removed, joined by newlines (for golden files).
    public var text: String {
        (0..<size.height).map { rowText($0).replacingTrailingSpaces() }.joined(separator: "\n")
    }

    /// A box border with a title, in box-drawing characters — or in ASCII (+ - |) when box-drawing
    /// characters are two columns wide (East Asian Ambiguous counted wide), so borders stay whole.
    public mutating func box(_ rect: Rect, title: String? = nil, style: Style = .plain, ascii: Bool? = nil) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let plain = ascii ?? (DisplayWidth.of("─") != 1)
        let (h, v, tl, tr, bl, br) = plain ? ("-", "|", "+", "+", "+", "+") : ("─", "│", "┌", "┐", "└", "┘")
        let horizontal = String(repeating: h, count: rect.width - 2)
        put(tl + horizontal + tr, x: rect.x, y: rect.y, maxWidth: rect.width, style: style)
        for y in (rect.y + 1)..<(rect.y + rect.height - 1) {
            put(v, x: rect.x, y: y, style: style)
            put(v, x: rect.x + rect.width - 1, y: y, style: style)
        }
        put(bl + horizontal + br, x: rect.x, y: rect.y + rect.height - 1, maxWidth: rect.width, style: style)
        if let title, rect.width > 4 {
            put(" " + TextLayout.truncate(title, toWidth: rect.width - 6) + " ", x: rect.x + 2, y: rect.y, maxWidth: rect.width - 4, style: style)
        }
    }
}

extension String {
    func replacingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
