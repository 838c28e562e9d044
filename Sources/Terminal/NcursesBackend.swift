import CNcursesw
#if canImport(Glibc)
import Glibc
#endif

/// The only file that touches ncurses. Draws grids with the wide-character API; reads the
/// keyboard itself (`read(2)` on standard input, decoded by `KeyDecoder`): ncurses' keypad is off,
/// so that every terminal's sequences reach the one decoder (docs/architecture.md, "Keys").
/// Use it from one thread only.
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
    private var decoder = KeyDecoder()
    private var pending: [Key] = []
    private var pendingStart = 0
    /// When the last byte came (milliseconds on the monotonic clock), for the decoder's waits.
    private var lastByte = 0
    private var inputClosed = false

    /// Whether this terminal can serve the full-screen screens, checked before anything else is
    /// done (before a PIN is asked or the log opened): standard input and output are a terminal,
    /// `TERM` names one that terminfo knows and that can address the cursor (not `dumb`, not the
    /// Linux console, which cannot show Chinese), the locale's character set is UTF-8, and the
    /// window is at least `minimum`. Sets the character-type locale from the environment; where the
    /// environment names a UTF-8 locale that is not installed, C.UTF-8 stands in (the same
    /// encoding; docs/architecture.md, "Terminals that cannot serve").
    public static func check(minimum: Size) throws(Unusable) {
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw Unusable(zh: "标准输入或输出不是终端，全屏界面无法运行；请直接在终端里运行（各命令见 chengxin --help）。",
                           en: "standard input or output is not a terminal, so the full-screen screens cannot run; run it in a terminal (chengxin --help lists the commands).")
        }
        let term = environment("TERM") ?? ""
        let shown = String(term.prefix(40))
        if term.isEmpty {
            throw Unusable(zh: "没有设置终端类型 TERM，全屏界面无法运行；请设置 TERM（例如 TERM=xterm-256color）后重试。",
                           en: "the terminal type TERM is not set, so the full-screen screens cannot run; set it (e.g. TERM=xterm-256color) and retry.")
        }
        if term == "linux" {
            throw Unusable(zh: "Linux 控制台（TERM=linux）无法显示中文；请在图形终端（如 GNOME 终端、xterm）或 tmux、SSH 客户端中运行。",
                           en: "the Linux console (TERM=linux) cannot show Chinese; run it in a graphical terminal (GNOME Terminal, xterm), tmux or an SSH client.")
        }
        switch cx_term_usable(term) {
        case 1:
            break
        case 0:
            throw Unusable(zh: "本机的 terminfo 里没有终端类型 TERM=\(shown)；请设置 TERM=xterm-256color 后重试。",
                           en: "the terminal type TERM=\(shown) is not in this machine's terminfo; set TERM=xterm-256color and retry.")
        case -1:
            throw Unusable(zh: "找不到 terminfo 数据库，无法识别终端 TERM=\(shown)；请安装 ncurses-base（Debian：apt install ncurses-base）后重试。",
                           en: "the terminfo database cannot be found, so TERM=\(shown) cannot be looked up; install ncurses-base (Debian: apt install ncurses-base) and retry.")
        default:
            throw Unusable(zh: "终端类型 TERM=\(shown) 不能移动光标，全屏界面无法运行；请在 xterm、PuTTY、Windows 终端等终端里运行，或设置 TERM=xterm-256color。",
                           en: "the terminal type TERM=\(shown) cannot move the cursor, so the full-screen screens cannot run; use a terminal such as xterm, PuTTY or Windows Terminal, or set TERM=xterm-256color.")
        }
        try checkLocale()
        if let window = windowSize, window.width < minimum.width || window.height < minimum.height {
            throw Unusable(zh: "窗口只有 \(window.width)×\(window.height)，至少需要 \(minimum.width)×\(minimum.height)；请放大窗口（或调小字号）后重试。",
                           en: "the window is \(window.width)×\(window.height), smaller than the \(minimum.width)×\(minimum.height) needed; enlarge it (or use a smaller font) and retry.")
        }
    }

    /// The window's size as the terminal driver tells it for standard output; nil when it does not.
    public static var windowSize: Size? {
        var rows: Int32 = 0, columns: Int32 = 0
        guard cx_tty_size(1, &rows, &columns) == 0 else { return nil }
        return Size(width: Int(columns), height: Int(rows))
    }

    /// The locale setting that decides the character type, as `NAME=value`: the first of
    /// `LC_ALL`, `LC_CTYPE` and `LANG` that is set and not empty; nil when none is.
    public static var localeSetting: String? { localeVariable.map { "\($0.name)=\($0.value)" } }

    private static var localeVariable: (name: String, value: String)? {
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            if let value = environment(name), !value.isEmpty { return (name, value) }
        }
        return nil
    }

    /// The character type from the environment (LC_ALL, LC_CTYPE, LANG): UTF-8, or refused. The
    /// locale is the only word on how the terminal encodes what it shows and what is typed; taken
    /// as UTF-8 when it says otherwise, a GBK terminal would show garbage and a complaint typed in
    /// it would be recorded, for good, as U+FFFD.
    private static func checkLocale() throws(Unusable) {
        let variable = localeVariable
        let named = variable?.value ?? ""
        let accepted = setlocale(LC_CTYPE, "") != nil
        if accepted, DisplayWidth.isUTF8Codeset() { return }
        let saysUTF8 = String(named.lowercased().filter { $0 != "-" }).contains("utf8")
        if saysUTF8, setlocale(LC_CTYPE, "C.UTF-8") != nil, DisplayWidth.isUTF8Codeset() { return }
        let setting = variable.map { "\($0.name)=\($0.value.prefix(40))" }
        throw Unusable(zh: "区域设置（\(setting ?? "未设置 LANG")）不是 UTF-8，中文无法正确显示和输入；请设置 LANG=zh_CN.UTF-8 或 LANG=C.UTF-8 后重试。",
                       en: "the locale (\(setting ?? "LANG not set")) is not UTF-8, so Chinese can be neither shown nor typed correctly; set LANG=zh_CN.UTF-8 or LANG=C.UTF-8 and retry.")
    }

    /// Called by the handler of a signal that ends the program (SIGTERM, SIGHUP…), after the
    /// terminal is given back and before `_exit`, with the signal's number: it must do only what a
    /// signal handler may (the executable's operational log writes its last line with `write(2)`).
    /// Set before the backend starts.
    nonisolated(unsafe) public static var beforeSignalExit: (@convention(c) (Int32) -> Void)?

    /// Starts curses on the controlling terminal, after `check(minimum:)`.
    /// `lockdown` (the kiosk) ignores SIGINT, SIGQUIT, SIGTSTP, SIGTTIN and SIGTTOU for the whole
    /// process, so that neither a key combination nor a signal of those kinds stops the program;
    /// raw mode already delivers Ctrl-C, Ctrl-Z, Ctrl-\\ and Ctrl-S/Ctrl-Q as keys. SIGTERM and SIGHUP
    /// still end it, after giving the terminal back (without lockdown, SIGINT and SIGQUIT too).
    public init(mouse: Bool = true, lockdown: Bool = false, minimum: Size = .smallestUsable) throws(Unusable) {
        try Self.check(minimum: minimum)
        // Caught before curses starts, so that ncurses does not install its own handler.
        _ = cx_catch_winch()
        let term = Self.environment("TERM") ?? ""
        guard cx_newterm(term) != nil else {
            throw Unusable(zh: "无法初始化终端 TERM=\(term.prefix(40))；请设置 TERM=xterm-256color 后重试。",
                           en: "cannot start the terminal TERM=\(term.prefix(40)); set TERM=xterm-256color and retry.")
        }
        running = true
        // After newterm, which installs its own SIGINT/SIGTERM/SIGTSTP handlers when they are at the default.
        if lockdown {
            for number in [SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU] { _ = signal(number, SIG_IGN) }
        }
        // SIGTERM (how a service is stopped) and SIGHUP (the terminal went away) end it, with the
        // terminal given back first (bracketed paste off too, which ncurses' own handlers leave on).
        // Unblocked too, with SIGWINCH: a mask inherited from the parent would otherwise keep them
        // pending (a kiosk started from a program whose threads block them never saw a resize).
        var unblocked = sigset_t()
        // Read once here, so that the handler never runs the lazy initialisation of a static.
        _ = Self.beforeSignalExit
        sigemptyset(&unblocked)
        sigaddset(&unblocked, SIGWINCH)
        for number in lockdown ? [SIGTERM, SIGHUP] : [SIGTERM, SIGHUP, SIGINT, SIGQUIT] {
            sigaddset(&unblocked, number)
            _ = signal(number) { number in
                cx_leave()
                NcursesBackend.beforeSignalExit?(number)
                _exit(0)
            }
        }
        _ = pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
        raw()
        noecho()
        nonl()
        // Drawing is never cut short because keys are waiting (a long paste, a held arrow).
        _ = cx_typeahead_off()
        curs_set(0)
        useColor = has_colors() && getenv("NO_COLOR") == nil
        if mouse { cx_enable_mouse() }
        if useColor {
            start_color()
            use_default_colors()
        }
        cx_bracketed_paste_on()
        lastByte = Self.milliseconds()
    }

    deinit { shutdown() }

    /// Gives the terminal back to the shell.
    public func shutdown() {
        if running {
            cx_leave()
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

    /// Told the bytes of each read of the keyboard, before they are decoded (`chengxin-keys --reads`).
    public var onRead: ((ArraySlice<UInt8>) -> Void)?

    /// The next key: one already decoded, else what standard input brings within the timeout. A
    /// sequence cut between reads is completed by the next read; when the decoder's own wait runs
    /// out first (a lone Esc after 30 ms), it gives what it held.
    public func nextInput(timeoutMilliseconds: Int) -> InputEvent {
        let start = Self.milliseconds()
        while true {
            if cx_take_winch() != 0 {
                var rows: Int32 = 0, columns: Int32 = 0
                if cx_tty_size(1, &rows, &columns) == 0 { _ = cx_resizeterm(rows, columns) }
                previous = nil
                return .key(.resize)
            }
            if pendingStart < pending.count {
                defer {
                    pendingStart += 1
                    if pendingStart == pending.count { pending.removeAll(keepingCapacity: true); pendingStart = 0 }
                }
                return .key(pending[pendingStart])
            }
            if inputClosed { return .closed }
            let now = Self.milliseconds()
            var wait = timeoutMilliseconds < 0 ? -1 : max(0, timeoutMilliseconds - (now - start))
            if let hold = decoder.pendingTimeout {
                let left = max(0, hold - (now - lastByte))
                wait = wait < 0 ? left : min(wait, left)
            }
            var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0)]
            if let wake = wakeDescriptor { fds.append(pollfd(fd: wake, events: Int16(POLLIN), revents: 0)) }
            // Interrupted by SIGWINCH: the loop reports the resize.
            if poll(&fds, nfds_t(fds.count), Int32(clamping: wait)) < 0 { continue }
            if fds[0].revents != 0 {
                let count = read(0, &buffer, buffer.count)
                if count > 0 {
                    lastByte = Self.milliseconds()
                    onRead?(buffer[0..<count])
                    pending += decoder.feed(buffer[0..<count])
                    continue
                }
                if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    // The terminal is gone.
                    inputClosed = true
                    pending += decoder.flush()
                    continue
                }
            }
            if let hold = decoder.pendingTimeout, Self.milliseconds() - lastByte >= hold {
                pending += decoder.flush()
                continue
            }
            if fds.count > 1, fds[1].revents != 0 { return .wake }
            if timeoutMilliseconds >= 0, Self.milliseconds() - start >= timeoutMilliseconds { return .timeout }
        }
    }

    private var buffer = [UInt8](repeating: 0, count: 4096)

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    private static func milliseconds() -> Int {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int(spec.tv_sec) * 1000 + Int(spec.tv_nsec) / 1_000_000
    }
}
