import Terminal

/// Where the dashboard's screens put things, said once (Bands): the update's page sizes and the
/// view's rectangles come from here.
enum DashboardLayout {
    /// Between the title bar (the top row) and the status bar (the bottom row).
    static func body(_ size: Size) -> Bands {
        var bands = Bands(size)
        bands.top(1)
        bands.bottom(1)
        return bands
    }

    /// The merchants' table: its header under the title bar, its rows down to the status bar.
    static func table(_ size: Size) -> Rect { body(size).inset(1) }

    /// A table under one line of its own (the audit's chain, a list's filter or warning).
    static func tableUnderLine(_ size: Size) -> Rect {
        var bands = body(size)
        bands.top(1)
        return bands.inset(1)
    }

    /// The rows of a table drawn in `rect` (its first row is the header).
    static func rows(in rect: Rect) -> Int { max(1, rect.height - 1) }

    /// A shop's page: its lines under the title bar, the keys on the row above the status bar.
    static func shopPage(_ size: Size) -> (lines: Rect, keys: Rect) {
        var bands = body(size)
        let keys = bands.bottom(1)
        return (bands.inset(1), keys)
    }

    /// A complaint's page: a blank row under the title, its lines, the keys above the status bar.
    static func casePage(_ size: Size) -> (lines: Rect, keys: Rect) {
        var bands = body(size)
        bands.top(1)
        let keys = bands.bottom(1)
        return (bands.inset(1), keys)
    }
}

/// Where the kiosk's screens put things, said once.
enum KioskLayout {
    /// Below the list: a blank row, the notice row and the keys.
    static let below = 3

    /// A filing step: the title, the steps, a blank row, the question, a blank row, the step's
    /// field, a blank row, then its list down to the notice.
    static func filing(_ size: Size) -> (field: Rect, list: Rect) {
        var bands = Bands(size)
        bands.top(5)
        let field = bands.top(1)
        bands.top(1)
        bands.bottom(below)
        return (field, bands.rest)
    }

    /// The public board: the title, the branches, the search, a blank row, the table's header
    /// and its rows down to the notice and the keys.
    static func board(_ size: Size) -> (header: Rect, rows: Rect) {
        var bands = Bands(size)
        bands.top(4)
        let header = bands.top(1)
        bands.bottom(2)
        return (header, bands.rest)
    }

    /// A shop on the board: the title, its name, then its page down to the notice and the keys.
    static func boardPage(_ size: Size) -> Rect {
        var bands = Bands(size)
        bands.top(2)
        bands.bottom(2)
        return bands.rest
    }
}
