/// Large characters, five rows high and five columns wide, for text that must be read (or
/// photographed) from a distance: the kiosk's receipt code and its menu numbers.
/// Covers 0–9, A–Z and the dash; anything else is drawn as a blank glyph.
public enum BigText {
    public static let height = 5
    public static let glyphWidth = 5
    /// Columns between two glyphs.
    public static let gap = 1

    private static let glyphs: [Character: [String]] = [
        "0": [" ### ", "#   #", "#   #", "#   #", " ### "],
        "1": ["  #  ", " ##  ", "  #  ", "  #  ", " ### "],
        "2": [" ### ", "#   #", "  ## ", " #   ", "#####"],
        "3": ["#### ", "    #", " ### ", "    #", "#### "],
        "4": ["#   #", "#   #", "#####", "    #", "    #"],
        "5": ["#####", "#    ", "#### ", "    #", "#### "],
        "6": [" ### ", "#    ", "#### ", "#   #", " ### "],
        "7": ["#####", "    #", "   # ", "  #  ", "  #  "],
        "8": [" ### ", "#   #", " ### ", "#   #", " ### "],
        "9": [" ### ", "#   #", " ####", "    #", " ### "],
        "A": [" ### ", "#   #", "#####", "#   #", "#   #"],
        "B": ["#### ", "#   #", "#### ", "#   #", "#### "],
        "C": [" ####", "#    ", "#    ", "#    ", " ####"],
        "D": ["#### ", "#   #", "#   #", "#   #", "#### "],
        "E": ["#####", "#    ", "#### ", "#    ", "#####"],
        "F": ["#####", "#    ", "#### ", "#    ", "#    "],
        "G": [" ####", "#    ", "#  ##", "#   #", " ### "],
        "H": ["#   #", "#   #", "#####", "#   #", "#   #"],
        "I": [" ### ", "  #  ", "  #  ", "  #  ", " ### "],
        "J": ["  ###", "   # ", "   # ", "#  # ", " ##  "],
        "K": ["#   #", "#  # ", "###  ", "#  # ", "#   #"],
        "L": ["#    ", "#    ", "#    ", "#    ", "#####"],
        "M": ["#   #", "## ##", "# # #", "#   #", "#   #"],
        "N": ["#   #", "##  #", "# # #", "#  ##", "#   #"],
        "O": [" ### ", "#   #", "#   #", "#   #", " ### "],
        "P": ["#### ", "#   #", "#### ", "#    ", "#    "],
        "Q": [" ### ", "#   #", "# # #", "#  # ", " ## #"],
        "R": ["#### ", "#   #", "#### ", "#  # ", "#   #"],
        "S": [" ####", "#    ", " ### ", "    #", "#### "],
        "T": ["#####", "  #  ", "  #  ", "  #  ", "  #  "],
        "U": ["#   #", "#   #", "#   #", "#   #", " ### "],
        "V": ["#   #", "#   #", "#   #", " # # ", "  #  "],
        "W": ["#   #", "#   #", "# # #", "## ##", "#   #"],
        "X": ["#   #", " # # ", "  #  ", " # # ", "#   #"],
        "Y": ["#   #", " # # ", "  #  ", "  #  ", "  #  "],
        "Z": ["#####", "   # ", "  #  ", " #   ", "#####"],
        "-": ["     ", "     ", " ### ", "     ", "     "],
    ]

    /// The display width of `text` drawn large.
    public static func width(of text: String) -> Int {
        let count = text.count
        return count == 0 ? 0 : count * glyphWidth + (count - 1) * gap
    }

    /// The rows of `text` drawn large, with `ink` for the strokes. The full block (█) is used
    /// when it is one column wide; where East Asian ambiguous characters count as two columns it
    /// would not line up, so `#` is used instead (as box borders fall back to ASCII).
    public static func rows(_ text: String, ink: Character? = nil) -> [String] {
        let mark = ink ?? (DisplayWidth.of("█") == 1 ? "█" : "#")
        let spacer = String(repeating: " ", count: gap)
        return (0..<height).map { row in
            text.uppercased().map { character -> String in
                let line = glyphs[character]?[row] ?? String(repeating: " ", count: glyphWidth)
                return String(line.map { $0 == "#" ? mark : " " })
            }.joined(separator: spacer)
        }
    }

    /// Draws `text` large with its top-left corner at (x, y); returns the columns used.
    /// When it does not fit the grid's width, the text is drawn at its normal size instead.
    @discardableResult
    public static func draw(_ text: String, x: Int, y: Int, into grid: inout Grid, style: Style = .plain) -> Int {
        guard x + width(of: text) <= grid.size.width, y + height <= grid.size.height else {
            return grid.put(text, x: x, y: y, style: style)
        }
        for (i, line) in rows(text).enumerated() {
            grid.put(line, x: x, y: y + i, style: style)
        }
        return width(of: text)
    }
}
