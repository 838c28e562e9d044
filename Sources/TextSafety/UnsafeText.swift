/// The one policy for characters that must never act on a reader's screen or in their files:
/// the terminal (SafeText), the exports (CSV, JSON), the HTML reports and `chengxin log` all ask
/// here, and each only decides how such a character is shown (a visible symbol, U+FFFD, a \u
/// escape) and which of them its format carries itself (a line feed in a CSV cell).
public enum UnsafeText {
    /// C0 controls (line feed and tab among them), DEL, C1 controls, and the bidirectional
    /// overrides, embeddings, isolates and marks (they reorder what follows them on a line).
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || isBidiControl(scalar)
    }

    /// The bidirectional controls: U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C.
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F || v == 0x061C
    }
}
