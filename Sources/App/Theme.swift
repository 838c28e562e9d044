import Terminal

/// Colours by meaning, so that a light or a colourless terminal stays legible. With NO_COLOR the
/// backend drops colours anyway; `mono` then keeps the emphasis in bold, reverse and underline.
public struct Theme: Sendable, Equatable {
    public var title: Style
    public var currentTab: Style
    public var warning: Style
    public var deduction: Style

    public static let dark = Theme(
        title: Style(foreground: .white, background: .blue, bold: true),
        currentTab: Style(foreground: .blue, background: .white, bold: true),
        warning: Style(foreground: .red, bold: true),
        deduction: Style(foreground: .red))
    public static let light = Theme(
        title: Style(foreground: .black, background: .cyan, bold: true),
        currentTab: Style(foreground: .white, background: .black, bold: true),
        warning: Style(foreground: .red, bold: true, underline: true),
        deduction: Style(foreground: .magenta))
    public static let mono = Theme(
        title: Style(bold: true, reverse: true),
        currentTab: Style(bold: true, underline: true),
        warning: Style(bold: true, underline: true),
        deduction: Style(underline: true))

    /// The themes by the names `--theme` takes.
    public static let byName: [(name: String, theme: Theme)] = [("dark", .dark), ("light", .light), ("mono", .mono)]

    public static func named(_ name: String) -> Theme? {
        byName.first { $0.name == name }?.theme
    }
}
