import Core
import Terminal

/// What the dashboard and the kiosk show, instead of their screens, in a window made smaller than
/// `Size.smallestUsable` while they run (they refuse to start in one): what is needed, what there is,
/// and what to do. Enlarging the window brings the screen back as it was.
enum WindowTooSmall {
    static func draw(_ size: Size, _ language: Language, advice: String, into grid: inout Grid) {
        let needed = Size.smallestUsable
        let lines = [
            language.pick("窗口太小", "Window too small"),
            language.pick("至少需要 \(needed.width)×\(needed.height)，现为 \(size.width)×\(size.height)",
                          "needs at least \(needed.width)×\(needed.height), is \(size.width)×\(size.height)"),
            advice,
        ]
        for (i, line) in lines.enumerated() {
            let w = DisplayWidth.of(line)
            grid.put(line, x: max(0, (size.width - w) / 2), y: max(0, size.height / 2 - 1 + i), style: Style(bold: i == 0))
        }
    }
}
