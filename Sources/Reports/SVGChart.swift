import Foundation

/// Charts as inline SVG (no script, no external font or image), sized for an A4 column.
public enum SVGChart {
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Double
        /// The figure written at the end of the bar.
        public var text: String

        public init(label: String, value: Double, text: String) {
            self.label = label
            self.value = value
            self.text = text
        }
    }

    static let palette = ["#b22222", "#d2691e", "#2e6f9e", "#3a7d44", "#7b4f9d", "#8a6d3b"]

    /// Horizontal bars, one per row, with their labels on the left and figures on the right.
    public static func bars(_ bars: [Bar], title: String, width: Int = 600, maximum: Double? = nil) -> String {
        let rowHeight = 22, labelWidth = 170, figureWidth = 70, top = 6
        let height = top * 2 + max(1, bars.count) * rowHeight
        let span = Double(width - labelWidth - figureWidth)
        let top_ = maximum ?? (bars.map(\.value).max() ?? 0)
        var out = "<svg width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(Markup.html(title))\">"
        out += "<title>\(Markup.html(title))</title>"
        if bars.isEmpty {
            out += "<text x=\"0\" y=\"\(top + 15)\">—</text>"
        }
        for (i, bar) in bars.enumerated() {
            let y = top + i * rowHeight
            let length = top_ > 0 ? max(0, bar.value) / top_ * span : 0
            out += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(Markup.html(bar.label))</text>"
            out += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(String(format: "%.1f", length))\" height=\"\(rowHeight - 7)\" fill=\"\(palette[i % palette.count])\"/>"
            out += "<text x=\"\(String(format: "%.1f", Double(labelWidth) + length + 5))\" y=\"\(y + 15)\">\(Markup.html(bar.text))</text>"
        }
        return out + "</svg>"
    }

    /// Vertical columns over time (a trend), labels under each column.
    public static func columns(_ bars: [Bar], title: String, width: Int = 600, height: Int = 170) -> String {
        let bottom = 22, top = 16
        let slot = Double(width) / Double(max(1, bars.count))
        let top_ = bars.map(\.value).max() ?? 0
        let span = Double(height - bottom - top)
        var out = "<svg width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(Markup.html(title))\">"
        out += "<title>\(Markup.html(title))</title>"
        out += "<line x1=\"0\" y1=\"\(height - bottom)\" x2=\"\(width)\" y2=\"\(height - bottom)\" stroke=\"#555\" stroke-width=\"1\"/>"
        for (i, bar) in bars.enumerated() {
            let h = top_ > 0 ? max(0, bar.value) / top_ * span : 0
            let x = Double(i) * slot + slot * 0.18
            let y = Double(height - bottom) - h
            out += "<rect x=\"\(String(format: "%.1f", x))\" y=\"\(String(format: "%.1f", y))\" width=\"\(String(format: "%.1f", slot * 0.64))\" height=\"\(String(format: "%.1f", h))\" fill=\"\(i == bars.count - 1 ? "#b22222" : "#2e6f9e")\"/>"
            out += "<text x=\"\(String(format: "%.1f", Double(i) * slot + slot / 2))\" y=\"\(String(format: "%.1f", y - 3))\" text-anchor=\"middle\">\(Markup.html(bar.text))</text>"
            out += "<text x=\"\(String(format: "%.1f", Double(i) * slot + slot / 2))\" y=\"\(height - 6)\" text-anchor=\"middle\">\(Markup.html(bar.label))</text>"
        }
        return out + "</svg>"
    }
}
