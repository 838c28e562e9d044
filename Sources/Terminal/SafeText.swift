/// Untrusted text made safe to draw: control characters (C0, DEL, C1) become visible symbols,
/// bidirectional overrides and isolates are shown as a visible mark instead of acting, and
/// nothing else is changed. Invalid UTF-8 never reaches here: decoding makes it U+FFFD.
public enum SafeText {
    /// Whether a scalar must not be sent to a terminal as it is.
    public static func needsReplacement(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || isBidiControl(v)
    }

    static func isBidiControl(_ v: UInt32) -> Bool {
        (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F || v == 0x061C
    }

    /// The visible stand-in for a scalar that must not reach the terminal.
    public static func replacement(for s: Unicode.Scalar) -> Character {
        let v = s.value
        if v < 0x20 {
            return Character(Unicode.Scalar(0x2400 + v) ?? "?")  // ␀ … ␟
        }
        if v == 0x7F { return "␡" }
        if isBidiControl(v) { return "¶" }
        return "\u{FFFD}"  // C1 controls
    }

    /// The text with every unsafe scalar replaced; one replacement per unsafe scalar.
    public static func sanitize(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsReplacement) else { return text }
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if needsReplacement(s) {
                out.append(contentsOf: String(replacement(for: s)).unicodeScalars)
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    /// Decodes bytes as UTF-8, turning every invalid sequence into U+FFFD.
    public static func decode(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
