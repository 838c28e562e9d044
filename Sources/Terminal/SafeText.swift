import TextSafety

/// Untrusted text made safe to draw: control characters (C0, DEL, C1) become visible symbols,
/// bidirectional overrides and isolates are shown as a visible mark instead of acting, and
/// nothing else is changed. Invalid UTF-8 never reaches here: decoding makes it U+FFFD.
public enum SafeText {
    /// Whether a scalar must not be sent to a terminal as it is.
    public static func needsReplacement(_ s: Unicode.Scalar) -> Bool {
        UnsafeText.isUnsafe(s)
    }

    /// The visible stand-in for a scalar that must not reach the terminal.
    public static func replacement(for s: Unicode.Scalar) -> Character {
        let v = s.value
        if v < 0x20 {
            return Character(Unicode.Scalar(0x2400 + v) ?? "?")  // ␀ … ␟
        }
        if v == 0x7F { return "␡" }
        if UnsafeText.isBidiControl(s) { return "¶" }
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
