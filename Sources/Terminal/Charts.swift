/// Bar charts and sparklines in Unicode blocks, with an ASCII fallback for terminals or fonts
/// that lack them.
public enum Charts {
    static let eighths: [Character] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let asciiLevels: [Character] = [".", ":", "-", "=", "+", "*", "#", "@"]

    /// A horizontal bar `value / maximum` of `width` columns, in eighths of a column.
    public static func bar(_ value: Double, maximum: Double, width: Int, ascii: Bool = false) -> String {
        guard width > 0, maximum > 0 else { return String(repeating: " ", count: max(0, width)) }
        let fraction = min(1, max(0, value / maximum))
        if ascii {
            let filled = Int((fraction * Double(width)).rounded())
            return String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        }
        let total = Int((fraction * Double(width * 8)).rounded())
        let full = total / 8
        var text = String(repeating: "█", count: full)
        if full < width {
            text.append(eighths[total % 8])
            text += String(repeating: " ", count: width - full - 1)
        }
        return text
    }

    /// One character per value, scaled between the smallest and the largest.
    public static func sparkline(_ values: [Double], ascii: Bool = false) -> String {
        guard let low = values.min(), let high = values.max() else { return "" }
        let chars = ascii ? asciiLevels : levels
        return String(values.map { value -> Character in
            guard high > low else { return chars[0] }
            let index = Int(((value - low) / (high - low) * Double(chars.count - 1)).rounded())
            return chars[min(chars.count - 1, max(0, index))]
        })
    }

    /// Labelled horizontal bars, one per line, labels aligned by display width, values after the bar.
    public static func render(into grid: inout Grid, rect: Rect, items: [(label: String, value: Double)], ascii: Bool = false, style: Style = .plain) {
        guard rect.width > 0, rect.height > 0 else { return }
        let labelWidth = min(rect.width / 3, items.map { DisplayWidth.of($0.label) }.max() ?? 0)
        let maximum = items.map(\.value).max() ?? 0
        let numbers: [String] = items.map { item in
            if item.value == item.value.rounded() { return String(Int(item.value)) }
            let tenths = Int((item.value * 10).rounded())
            return "\(tenths / 10).\(abs(tenths % 10))"
        }
        let numberWidth = numbers.map(\.count).max() ?? 0
        let barWidth = max(1, rect.width - labelWidth - numberWidth - 2)
        for (i, item) in items.prefix(rect.height).enumerated() {
            let line = TextLayout.fit(item.label, width: labelWidth) + " " + bar(item.value, maximum: maximum, width: barWidth, ascii: ascii)
                + " " + TextLayout.fit(numbers[i], width: numberWidth, alignment: .right)
            grid.put(line, x: rect.x, y: rect.y + i, maxWidth: rect.width, style: style)
        }
    }
}
