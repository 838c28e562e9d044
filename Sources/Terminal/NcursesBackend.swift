import CNcursesw
#if canImport(Glibc)
import Glibc
#endif

/// The only file that touches ncurses. Draws grids with the wide-character API and reads keys
/// with `get_wch`. Use it from one thread only.
public final class NcursesBackend: TerminalBackend {
    /// Why the terminal cannot be used, in both languages.
    public struct Unusable: Error, Sendable {
        public let zh: String
        public let en: String
    }

    private var previous: Grid?
    private var pairs: [Int: Int32] = [:]
    private let useColor: Bool
    private var running = false

    /// Starts curses on the controlling terminal. Sets the locale first; a terminal whose
    /// locale is not UTF-8 is switched to C.UTF-8 when possible, else refused.
    /// `lockdown` (the kiosk) ignores SIGINT, SIGQUIT, SIGTSTP, SIGTTIN and SIGTTOU for the whole
    /// process, so that neither a key combination nor a signal of those kinds stops the program;
    /// raw mode already delivers Ctrl-C, Ctrl-Z, Ctrl-\ and Ctrl-S/Ctrl-Q as keys. SIGTERM and SIGHUP
    /// still end it, after giving the terminal back.
    public init(mouse: Bool = true, lockdown: Bool = false) throws(Unusable) {
        _ = setlocale(LC_ALL, "")
        if !DisplayWidth.isUTF8Codeset() {
            _ = setlocale(LC_ALL, "C.UTF-8")
        }
        guard DisplayWidth.isUTF8Codeset() else {
            throw Unusable(zh: "终端的字符集不是 UTF-8，无法显示中文。请设置 LANG=C.UTF-8 或 zh_CN.UTF-8 后重试。",
                           en: "the terminal's character set is not UTF-8, so Chinese cannot be shown; set LANG=C.UTF-8 or zh_CN.UTF-8 and retry.")
        }
        if let term = getenv("TERM").map({ String(cString: $0) }), term == "linux" {
            throw Unusable(zh: "Linux 控制台无法显示中文。请在图形终端（如 GNOME 终端、xterm）或 tmux、SSH 客户端中运行。",
                           en: "the Linux console cannot show Chinese; run chengxin in a graphical terminal (GNOME Terminal, xterm), tmux or an SSH client.")
        }
        guard initscr() != nil else {
            throw Unusable(zh: "无法初始化终端（TERM 设置不对？）", en: "cannot initialise the terminal (is TERM set correctly?)")
        }
        running = true
        if lockdown {
            // After initscr, which installs its own SIGINT/SIGTSTP handlers when they are at the default.
            for number in [SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU] { _ = signal(number, SIG_IGN) }
            // SIGTERM (how a service is stopped) and SIGHUP (the terminal went away) still end it,
            // with the terminal given back first.
            // Unblocked too: a mask inherited from the parent would otherwise keep them pending.
            var stopping = sigset_t()
            sigemptyset(&stopping)
            for number in [SIGTERM, SIGHUP] {
                sigaddset(&stopping, number)
                _ = signal(number) { _ in
                    endwin()
                    _exit(0)
                }
            }
            _ = pthread_sigmask(SIG_UNBLOCK, &stopping, nil)
        }
        raw()
        noecho()
        nonl()
        _ = cx_keypad_on()
        set_escdelay(25)
        curs_set(0)
        useColor = has_colors() && getenv("NO_COLOR") == nil
        if mouse { cx_enable_mouse() }
        if useColor {
            start_color()
            use_default_colors()
        }
    }

    deinit { shutdown() }

    /// Gives the terminal back to the shell.
    public func shutdown() {
        if running {
            endwin()
            running = false
        }
    }

    public var size: Size {
        Size(width: Int(cx_cols()), height: Int(cx_lines()))
    }

    public func draw(_ grid: Grid) {
        let fullRedraw = previous?.size != grid.size
        if fullRedraw { erase() }
        for y in 0..<grid.size.height {
            var x = 0
            while x < grid.size.width {
                let cell = grid[x, y]
                defer { x += max(1, cell.width) }
                if cell.width == 0 { continue }
                if !fullRedraw, let previous, previous[x, y] == cell,
                   cell.width == 1 || previous[x + 1, y] == grid[x + 1, y] {
                    continue
                }
                _ = cx_attrset(attributes(cell.style))
                var wide = cell.text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
                wide.append(0)
                _ = wide.withUnsafeBufferPointer { buffer in
                    cx_addnwstr_at(Int32(y), Int32(x), buffer.baseAddress, Int32(wide.count - 1))
                }
            }
        }
        _ = cx_attrset(0)
        if let cursor = grid.cursor {
            curs_set(1)
            _ = cx_move(Int32(cursor.y), Int32(cursor.x))
        } else {
            curs_set(0)
        }
        refresh()
        previous = grid
    }

    private func attributes(_ style: Style) -> Int32 {
        var a: Int32 = 0
        if style.bold { a |= cx_attr_bold() }
        if style.reverse { a |= cx_attr_reverse() }
        if style.underline { a |= cx_attr_underline() }
        if style.dim { a |= cx_attr_dim() }
        if useColor && (style.foreground != .standard || style.background != .standard) {
            a |= cx_color_pair(pair(style.foreground, style.background))
        }
        return a
    }

    private func pair(_ fg: Color, _ bg: Color) -> Int32 {
        let key = number(fg) * 16 + number(bg) + 17
        if let existing = pairs[Int(key)] { return existing }
        let next = Int32(pairs.count + 1)
        init_pair(Int16(next), Int16(number(fg)), Int16(number(bg)))
        pairs[Int(key)] = next
        return next
    }

    private func number(_ color: Color) -> Int32 {
        switch color {
        case .standard: return -1
        case .black: return 0
        case .red: return 1
        case .green: return 2
        case .yellow: return 3
        case .blue: return 4
        case .magenta: return 5
        case .cyan: return 6
        case .white: return 7
        }
    }

    /// A descriptor to watch beside the keyboard (the log watcher's): when it becomes readable,
    /// `nextInput` returns `.wake` at once.
    public var wakeDescriptor: Int32?

    public func nextInput(timeoutMilliseconds: Int) -> InputEvent {
        // A key ncurses already holds comes first.
        if let key = readKey() { return .key(key) }
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0)]
        if let wake = wakeDescriptor { fds.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
        _ = poll(&fds, nfds_t(fds.count), Int32(timeoutMilliseconds))
        // After poll: a key, or a resize (SIGWINCH interrupts poll; ncurses then reports KEY_RESIZE).
        if let key = readKey() { return .key(key) }
        if fds.count > 1, fds[1].revents != 0 { return .wake }
        return .timeout
    }

    private func readKey() -> Key? {
        _ = cx_timeout_ms(0)
        var value: wint_t = 0
        let result = cx_get_wch(&value)
        if result == cx_err() { return nil }
        return translate(result, value)
    }

    private func translate(_ result: Int32, _ value: wint_t) -> Key? {
        if result == cx_key_code_yes() {
            let code = Int32(value)
            if code == cx_key_mouse() {
                var x: Int32 = 0, y: Int32 = 0
                switch cx_get_mouse(&x, &y) {
                case 1: return .mouse(.left, x: Int(x), y: Int(y))
                case 4: return .mouse(.wheelUp, x: Int(x), y: Int(y))
                case 5: return .mouse(.wheelDown, x: Int(x), y: Int(y))
                default: return nil
                }
            }
            if code == cx_key_resize() {
                previous = nil
                return .resize
            }
            switch code {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_NPAGE: return .pageDown
            case KEY_PPAGE: return .pageUp
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_ENTER: return .enter
            case KEY_BACKSPACE: return .backspace
            case KEY_DC: return .delete
            case KEY_BTAB: return .backTab
            case KEY_F0 + 1...KEY_F0 + 12: return .function(Int(code - KEY_F0))
            default: return nil
            }
        }
        return Key.fromCharacterCode(UInt32(value))
    }
}
