import CLocaleWidth
#if canImport(Glibc)
import Glibc
#endif

/// Display width in terminal columns, by the same rule ncurses uses: the C library's `wcwidth`
/// in a UTF-8 locale, per grapheme cluster (Swift's `Character`).
public enum DisplayWidth {
    /// Makes sure `wcwidth` answers for Unicode: if the process's character type locale is not
    /// UTF-8, switch LC_CTYPE to the environment's, then to C.UTF-8. Runs once.
    public static let localeIsUTF8: Bool = {
        if isUTF8Codeset() { return true }
        _ = setlocale(LC_CTYPE, "")
        if isUTF8Codeset() { return true }
        _ = setlocale(LC_CTYPE, "C.UTF-8")
        return isUTF8Codeset()
    }()

    static func isUTF8Codeset() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    /// When true, East Asian Ambiguous characters (★ ☆ ─ │ ① ·) count as 2 columns,
    /// as many CJK terminal set-ups draw them. Set once at start-up.
    nonisolated(unsafe) public static var ambiguousIsWide = false

    /// Width of one grapheme cluster: 0, 1 or 2. Controls count as 1 because they are drawn
    /// as a visible replacement (see `SafeText`).
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if first.value < 0x7F {
            return 1
        }
        _ = localeIsUTF8
        if SafeText.needsReplacement(first) { return 1 }
        var width = Int(cx_wcwidth(first.value))
        if width < 0 { width = 1 }
        if width == 1 && ambiguousIsWide && isAmbiguous(first.value) { width = 2 }
        // An emoji presentation selector widens a narrow base (e.g. ❤️), as terminals draw it.
        if width == 1 && scalars.contains(where: { $0.value == 0xFE0F }) { width = 2 }
        // A cluster that starts with a combining mark stands alone: give it a column.
        if width == 0 { width = 1 }
        return min(width, 2)
    }

    public static func of(_ text: String) -> Int {
        var total = 0
        for c in text { total += of(c) }
        return total
    }

    /// The East Asian Ambiguous ranges that matter for this program's text and borders.
    static func isAmbiguous(_ v: UInt32) -> Bool {
        switch v {
        case 0x00A1, 0x00A4, 0x00A7, 0x00A8, 0x00AA, 0x00AD, 0x00AE, 0x00B0...0x00B4, 0x00B6...0x00BA,
             0x00BC...0x00BF, 0x00D7, 0x00F7, 0x2010, 0x2013...0x2016, 0x2018, 0x2019, 0x201C, 0x201D,
             0x2020...0x2022, 0x2024...0x2027, 0x2030, 0x2032, 0x2033, 0x2035, 0x203B, 0x203E,
             0x2103, 0x2105, 0x2109, 0x2116, 0x2121, 0x2122, 0x2160...0x216B, 0x2170...0x2179,
             0x2190...0x2199, 0x21D2, 0x21D4, 0x2460...0x24E9, 0x24EB...0x254B, 0x2550...0x2573,
             0x2580...0x258F, 0x2592...0x2595, 0x25A0, 0x25A1, 0x25A3...0x25A9, 0x25B2, 0x25B3,
             0x25B6, 0x25B7, 0x25BC, 0x25BD, 0x25C0, 0x25C1, 0x25C6...0x25C8, 0x25CB, 0x25CE...0x25D1,
             0x25E2...0x25E5, 0x25EF, 0x2605, 0x2606, 0x2609, 0x260E, 0x260F, 0x261C, 0x261E, 0x2640,
             0x2642, 0x2660, 0x2661, 0x2663...0x2665, 0x2667...0x266A, 0x266C, 0x266D, 0x266F, 0x2026:
            return true
        default:
            return false
        }
    }
}

/// Cutting and padding text by display columns, never splitting a wide glyph.
public enum TextLayout {
    public static let ellipsis: Character = "…"

    /// The text cut to at most `width` columns; an ellipsis marks a cut.
    public static func truncate(_ text: String, toWidth width: Int) -> String {
        guard width > 0 else { return "" }
        if DisplayWidth.of(text) <= width { return text }
        let ellipsisWidth = DisplayWidth.of(ellipsis)
        var result = ""
        var used = 0
        for c in text {
            let w = DisplayWidth.of(c)
            if used + w + ellipsisWidth > width { break }
            result.append(c)
            used += w
        }
        if used + ellipsisWidth <= width { result.append(ellipsis) }
        return result
    }

    public enum Alignment: Sendable {
        case left, right, center
    }

    /// The text broken into lines of at most `width` columns, newlines kept, each line broken as
    /// `wrap(_:width:hangingIndent:)` breaks them (Chinese between any two characters; a number or
    /// an English word kept whole; a closing mark never first).
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { wrap(String($0), width: width, hangingIndent: 0) }
    }

    /// As many of `parts` as fit in `width` columns, joined by `separator`, in their order: a part
    /// that would not fit is left out and the next tried (so list the parts most important first,
    /// e.g. a footer's keys). Nothing is cut in the middle.
    public static func joinFitting(_ parts: [String], separator: String, width: Int) -> String {
        var result = ""
        var used = 0
        let gap = DisplayWidth.of(separator)
        for part in parts where !part.isEmpty {
            let w = DisplayWidth.of(part) + (result.isEmpty ? 0 : gap)
            guard used + w <= width else { continue }
            result += (result.isEmpty ? "" : separator) + part
            used += w
        }
        return result
    }

    /// The text broken into lines of at most `width` columns, the lines after the first indented
    /// by `indent` spaces (a hanging indent: a list's text under its text, not under its marker).
    /// Chinese breaks between any two characters; a run of other ASCII characters (an English
    /// word with its comma, a user name, a date) goes down whole when it starts in the line's
    /// second half; a closing mark (）。，) never starts a line, an opening one (（「) never ends one.
    public static func wrap(_ text: String, width: Int, hangingIndent indent: Int) -> [String] {
        guard width > 0 else { return [] }
        let indent = min(max(0, indent), width / 2)
        func isWord(_ c: Character) -> Bool { c.isASCII && !c.isWhitespace }
        var lines: [String] = []
        var rest = Substring(text)
        var room = width
        var pad = ""
        while !rest.isEmpty {
            if DisplayWidth.of(String(rest)) <= room {
                lines.append(pad + rest)
                break
            }
            // The longest head that fits (at least one character, however wide).
            var used = 0
            var end = rest.startIndex
            while end < rest.endIndex, used + DisplayWidth.of(rest[end]) <= room {
                used += DisplayWidth.of(rest[end])
                end = rest.index(after: end)
            }
            if end == rest.startIndex { end = rest.index(after: end) }
            var word = end
            while word > rest.startIndex, end < rest.endIndex, isWord(rest[end]), isWord(rest[rest.index(before: word)]) {
                word = rest.index(before: word)
            }
            if word < end, word > rest.startIndex, DisplayWidth.of(String(rest[..<word])) >= room / 2 {
                // The word goes down whole.
                end = word
            } else {
                // A closing mark never starts a line: the character before it goes down with it
                // (and before that one, when it is a closing mark too: "）、").
                while end < rest.endIndex, "）」』】》，。、；：！？)]},.;:!?".contains(rest[end]), rest.index(before: end) > rest.startIndex {
                    end = rest.index(before: end)
                }
            }
            // An opening mark never ends a line: it goes down with what it opens.
            while end < rest.endIndex, "（「『【《".contains(rest[rest.index(before: end)]), rest.index(before: end) > rest.startIndex {
                end = rest.index(before: end)
            }
            var line = pad + rest[..<end]
            while line.last == " " { line.removeLast() }
            lines.append(line)
            rest = rest[end...].drop { $0 == " " }
            pad = String(repeating: " ", count: indent)
            room = width - indent
        }
        return lines.isEmpty ? [""] : lines
    }

    /// Truncated, then padded with spaces to exactly `width` columns.
    public static func fit(_ text: String, width: Int, alignment: Alignment = .left) -> String {
        let cut = truncate(text, toWidth: width)
        let gap = max(0, width - DisplayWidth.of(cut))
        switch alignment {
        case .left: return cut + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + cut
        case .center:
            let left = gap / 2
            return String(repeating: " ", count: left) + cut + String(repeating: " ", count: gap - left)
        }
    }
}
