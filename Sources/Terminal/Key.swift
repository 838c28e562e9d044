/// A key press (or a terminal event that arrives like one), as the screens see it.
public enum Key: Sendable, Hashable, CustomStringConvertible {
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end, insert
    case enter, escape, tab, backTab, backspace, delete
    /// Ctrl plus a letter, e.g. `.control("c")`.
    case control(Character)
    /// Alt plus a character (the terminal sends Esc and the character; no screen binds one, and it
    /// is never taken as Esc).
    case alt(Character)
    /// Text pasted in one piece (bracketed paste), exactly as it came: text fields insert it, and
    /// nothing in it — a newline, an Esc — acts as a key.
    case paste(String)
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
        case .insert: return "Ins"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .control(let c): return "Ctrl-" + String(c).uppercased()
        case .alt(let c): return "Alt-" + String(c)
        case .paste: return "粘贴"
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

extension Key: CustomDebugStringConvertible {
    /// The key without ambiguity, on one line (text shown with `\n`, `\e`… for its control
    /// characters): what the key tests and `chengxin-keys` print.
    public var debugDescription: String {
        func visible(_ text: String) -> String {
            text.unicodeScalars.map { scalar -> String in
                switch scalar {
                case "\n": return "\\n"
                case "\r": return "\\r"
                case "\t": return "\\t"
                case "\u{1B}": return "\\e"
                case "\\": return "\\\\"
                case _ where scalar.value < 0x20 || scalar.value == 0x7F: return "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                default: return String(scalar)
                }
            }.joined()
        }
        switch self {
        case .character(let c): return "char " + visible(String(c))
        case .alt(let c): return "alt " + visible(String(c))
        case .paste(let text): return "paste " + visible(text)
        case .mouse(let button, let x, let y): return "mouse \(button) \(x),\(y)"
        default: return description
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
