/// A key press (or a terminal event that arrives like one), as the screens see it.
public enum Key: Sendable, Hashable, CustomStringConvertible {
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete
    /// Ctrl plus a letter, e.g. `.control("c")`.
    case control(Character)
    case function(Int)
    case resize
    /// A mouse press at a cell.
    case mouse(MouseButton, x: Int, y: Int)

    /// How the key is written in help texts.
    public var description: String {
        switch self {
        case .character(" "): return "Space"
        case .character(let c): return String(c)
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .control(let c): return "Ctrl-" + String(c).uppercased()
        case .function(let n): return "F\(n)"
        case .resize: return "resize"
        case .mouse(let button, _, _):
            switch button {
            case .left: return "鼠标点击"
            case .wheelUp: return "滚轮上"
            case .wheelDown: return "滚轮下"
            }
        }
    }

    /// Maps a code point read from the terminal (not a function key) to a key.
    public static func fromCharacterCode(_ code: UInt32) -> Key? {
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return Unicode.Scalar(code + 96).map { .control(Character($0)) }
        case 0..<32: return nil
        default: return Unicode.Scalar(code).map { .character(Character($0)) }
        }
    }
}

public enum MouseButton: Sendable, Hashable {
    case left, wheelUp, wheelDown
}

/// What waiting for input produced.
public enum InputEvent: Sendable, Equatable {
    case key(Key)
    /// The timeout passed without a key.
    case timeout
    /// The wake descriptor became readable (e.g. another process appended to the log).
    case wake
    /// No more input will come (a test's keys ran out).
    case closed
}

/// Where frames go and keys come from: ncursesw for people, memory for tests.
public protocol TerminalBackend: AnyObject {
    var size: Size { get }
    /// Shows a frame (only what changed since the last one needs to reach the terminal).
    func draw(_ grid: Grid)
    /// The next key, or `.timeout` when `timeoutMilliseconds` pass without one (-1 waits forever).
    func nextInput(timeoutMilliseconds: Int) -> InputEvent
}

/// A terminal in memory: frames are kept, keys are queued by the test.
public final class MemoryBackend: TerminalBackend {
    public var size: Size
    public private(set) var frames: [Grid] = []
    public var pendingKeys: [Key]

    public init(size: Size, keys: [Key] = []) {
        self.size = size
        self.pendingKeys = keys
    }

    public var lastFrame: Grid? { frames.last }

    public func draw(_ grid: Grid) {
        frames.append(grid)
    }

    /// Set by a test to resize the terminal: the next input is `.resize`.
    public func resize(to newSize: Size) {
        size = newSize
        pendingKeys.insert(.resize, at: 0)
    }

    public func nextInput(timeoutMilliseconds: Int) -> InputEvent {
        pendingKeys.isEmpty ? .closed : .key(pendingKeys.removeFirst())
    }

    /// Queues the characters of a string as key presses (Chinese included).
    public func type(_ text: String) {
        pendingKeys += text.map { Key.character($0) }
    }
}
