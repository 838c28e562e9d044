/// Amounts of money: typed in yuan (680 or 680.5), kept in fen (integers, no rounding).
public enum Money {
    /// Yuan as typed (680, 680.5, 680.50) to fen; nil when it is not an amount (or too many digits); Int.max when the fen overflow.
    public static func fen(fromYuan text: String) -> Int? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].allSatisfy(\.isASCIIDigit) else { return nil }
        guard let whole = Int(parts[0]) else { return nil }
        var cents = 0
        if parts.count == 2 {
            guard (1...2).contains(parts[1].count), parts[1].allSatisfy(\.isASCIIDigit), let c = Int(parts[1]) else { return nil }
            cents = parts[1].count == 1 ? c * 10 : c
        }
        let (total, overflow) = whole.multipliedReportingOverflow(by: 100)
        return overflow ? Int.max : total + cents
    }

    /// Fen as yuan with two decimals: 68050 → "680.50".
    public static func yuan(fen: Int) -> String {
        let cents = fen % 100
        return "\(fen / 100)." + (cents < 10 ? "0\(cents)" : "\(cents)")
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
