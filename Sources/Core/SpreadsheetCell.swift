import Foundation
import TextSafety

/// Spreadsheet cells, safe against formula injection (OWASP "CSV injection") and against control
/// characters reaching a terminal that shows the file.
public enum SpreadsheetCell {
    /// First characters that make Excel, LibreOffice or WPS read a cell as a formula (with their
    /// full-width forms, which some versions also accept), and the apostrophe itself so that the
    /// escape can be undone exactly.
    static let triggers: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠", "'"]

    /// Scalars that never go into a file for people: C0 controls other than line feed and tab,
    /// DEL, C1 controls and bidirectional overrides (they become U+FFFD).
    package static func isUnsafe(_ s: Unicode.Scalar) -> Bool {
        s != "\n" && s != "\t" && UnsafeText.isUnsafe(s)
    }

    /// The cell as it goes into a CSV file: line ends normalised, unsafe scalars replaced, a
    /// formula-looking start neutralised with a leading apostrophe, quoted where RFC 4180 needs it.
    public static func escape(_ value: String) -> String {
        var text = value.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        if text.unicodeScalars.contains(where: isUnsafe) {
            var scalars = String.UnicodeScalarView()
            for s in text.unicodeScalars { scalars.append(isUnsafe(s) ? "\u{FFFD}" : s) }
            text = String(scalars)
        }
        if let first = text.first, triggers.contains(first) { text = "'" + text }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }

    /// Undoes the apostrophe that `escape` added (the CSV reader has removed the quoting already).
    public static func unescape(_ field: String) -> String {
        guard field.first == "'", let second = field.dropFirst().first, triggers.contains(second) else { return field }
        return String(field.dropFirst())
    }
}
