/// Receipt codes handed to consumers: eight characters from an alphabet without look-alikes
/// (no 0/O, 1/I/L, U), shown as XXXX-XXXX.
public enum ReceiptCode {
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTVWXYZ")

    public static func make<G: RandomNumberGenerator>(using generator: inout G) -> String {
        let chars = (0..<8).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return String(chars[0..<4]) + "-" + String(chars[4..<8])
    }

    /// Accepts lower case, a missing dash and full-width letters and digits (ＫＸ７Ｑ), as people type codes.
    public static func normalise(_ text: String) -> String {
        let typed = TypedCode.normalise(text)
        let cleaned = typed.uppercased().filter { $0 != "-" && $0 != " " }
        guard cleaned.count == 8 else { return typed.uppercased() }
        return String(cleaned.prefix(4)) + "-" + String(cleaned.suffix(4))
    }
}
