/// The bytes real terminals send for the keys chengxin's screens use, and the key each must become
/// (as `Key.debugDescription` writes it). Used by the decoder's unit tests and by the tests that
/// write them into a pseudo-terminal read by the real backend. Sources: xterm's ctlseqs ("PC-Style
/// Function Keys"), the terminfo entries of ncurses 6.4 (`infocmp -x`), tmux's and screen's key
/// tables, PuTTY's manual (4.4.3, function-key modes; Alt as an Esc prefix), the Linux console's
/// keymap, Windows Terminal's documented VT input sequences.
public struct TerminalKeys: Sendable {
    public let terminal: String
    public let keys: [(bytes: [UInt8], key: String)]

    init(_ terminal: String, _ keys: [(String, String)]) {
        self.terminal = terminal
        self.keys = keys.map { (Array($0.0.utf8), $0.1) }
    }
}

private let e = "\u{1B}"

/// Keys every terminal sends alike: text (Chinese too), Enter, Tab, Backspace (DEL, or Ctrl-H),
/// Ctrl keys, Alt plus a letter.
private let common: [(String, String)] = [
    ("a", "char a"), ("中", "char 中"), ("\r", "Enter"), ("\t", "Tab"), ("\u{7F}", "Backspace"), ("\u{08}", "Backspace"),
    ("\u{03}", "Ctrl-C"), ("\u{15}", "Ctrl-U"), ("\(e)x", "alt x"), ("\(e)1", "alt 1"),
]

private let xtermFunctionKeys: [(String, String)] = [
    ("\(e)OP", "F1"), ("\(e)OQ", "F2"), ("\(e)OR", "F3"), ("\(e)OS", "F4"), ("\(e)[15~", "F5"), ("\(e)[17~", "F6"),
    ("\(e)[18~", "F7"), ("\(e)[19~", "F8"), ("\(e)[20~", "F9"), ("\(e)[21~", "F10"), ("\(e)[23~", "F11"), ("\(e)[24~", "F12"),
]

private let vt220Editing: [(String, String)] = [
    ("\(e)[2~", "Ins"), ("\(e)[3~", "Del"), ("\(e)[5~", "PgUp"), ("\(e)[6~", "PgDn"),
]

private let normalArrows: [(String, String)] = [("\(e)[A", "↑"), ("\(e)[B", "↓"), ("\(e)[C", "→"), ("\(e)[D", "←")]
private let applicationArrows: [(String, String)] = [("\(e)OA", "↑"), ("\(e)OB", "↓"), ("\(e)OC", "→"), ("\(e)OD", "←")]
/// xterm's modified keys (Shift 2, Alt 3, Ctrl 5): the key without its modifier.
private let modified: [(String, String)] = [
    ("\(e)[1;5A", "↑"), ("\(e)[1;2B", "↓"), ("\(e)[1;5C", "→"), ("\(e)[1;3D", "←"), ("\(e)[1;5H", "Home"), ("\(e)[1;2F", "End"),
    ("\(e)[1;2P", "F1"), ("\(e)[15;5~", "F5"), ("\(e)[3;5~", "Del"), ("\(e)[Z", "Shift-Tab"),
]

public let terminalKeySequences: [TerminalKeys] = [
    TerminalKeys("xterm (normal cursor keys)", common + normalArrows + [("\(e)[H", "Home"), ("\(e)[F", "End")] + vt220Editing + xtermFunctionKeys + modified),
    TerminalKeys("xterm (application cursor keys)", common + applicationArrows + [("\(e)OH", "Home"), ("\(e)OF", "End")] + vt220Editing + xtermFunctionKeys + modified),
    TerminalKeys("tmux", common + applicationArrows + normalArrows + [("\(e)[1~", "Home"), ("\(e)[4~", "End")] + vt220Editing + xtermFunctionKeys
        + [("\(e)[1;5A", "↑"), ("\(e)[Z", "Shift-Tab"), ("\(e)\(e)[A", "↑")]),
    TerminalKeys("screen", common + applicationArrows + normalArrows + [("\(e)[1~", "Home"), ("\(e)[4~", "End")] + vt220Editing + xtermFunctionKeys),
    TerminalKeys("rxvt", common + normalArrows + applicationArrows + [("\(e)[7~", "Home"), ("\(e)[8~", "End")] + vt220Editing + [
        ("\(e)[11~", "F1"), ("\(e)[12~", "F2"), ("\(e)[13~", "F3"), ("\(e)[14~", "F4"), ("\(e)[15~", "F5"), ("\(e)[17~", "F6"),
        ("\(e)[18~", "F7"), ("\(e)[19~", "F8"), ("\(e)[20~", "F9"), ("\(e)[21~", "F10"), ("\(e)[23~", "F11"), ("\(e)[24~", "F12"),
        // Shift-arrows, Ctrl-arrows, Shift-Ins, Ctrl-Home, Ctrl-Shift-End.
        ("\(e)[a", "↑"), ("\(e)[d", "←"), ("\(e)Ob", "↓"), ("\(e)Oc", "→"), ("\(e)[2$", "Ins"), ("\(e)[7^", "Home"), ("\(e)[8@", "End"),
    ]),
    TerminalKeys("PuTTY and Xshell (ESC[n~, the default)", common + normalArrows + applicationArrows + [("\(e)[1~", "Home"), ("\(e)[4~", "End")] + vt220Editing + [
        ("\(e)[11~", "F1"), ("\(e)[12~", "F2"), ("\(e)[13~", "F3"), ("\(e)[14~", "F4"), ("\(e)[15~", "F5"), ("\(e)[17~", "F6"),
        ("\(e)[18~", "F7"), ("\(e)[19~", "F8"), ("\(e)[20~", "F9"), ("\(e)[21~", "F10"), ("\(e)[23~", "F11"), ("\(e)[24~", "F12"),
        // Alt with a special key: Esc, then the key's sequence.
        ("\(e)\(e)[A", "↑"), ("\(e)\(e)[17~", "F6"), ("\(e)\(e)[1~", "Home"),
    ]),
    TerminalKeys("PuTTY (Linux and VT100+ function keys, Xterm R6)", [
        ("\(e)[[A", "F1"), ("\(e)[[B", "F2"), ("\(e)[[C", "F3"), ("\(e)[[D", "F4"), ("\(e)[[E", "F5"),
        ("\(e)OP", "F1"), ("\(e)OT", "F5"), ("\(e)OU", "F6"), ("\(e)OV", "F7"), ("\(e)OW", "F8"), ("\(e)OX", "F9"),
        ("\(e)OY", "F10"), ("\(e)OZ", "F11"), ("\(e)O[", "F12"),
        ("\(e)[17;3~", "F6"),
    ]),
    TerminalKeys("Linux console", common + normalArrows + [("\(e)[1~", "Home"), ("\(e)[4~", "End")] + vt220Editing + [
        ("\(e)[[A", "F1"), ("\(e)[[B", "F2"), ("\(e)[[C", "F3"), ("\(e)[[D", "F4"), ("\(e)[[E", "F5"), ("\(e)[17~", "F6"),
        ("\(e)[18~", "F7"), ("\(e)[19~", "F8"), ("\(e)[20~", "F9"), ("\(e)[21~", "F10"), ("\(e)[23~", "F11"), ("\(e)[24~", "F12"),
    ]),
    TerminalKeys("Windows Terminal", common + normalArrows + applicationArrows + [("\(e)[H", "Home"), ("\(e)[F", "End")] + vt220Editing + xtermFunctionKeys + [
        ("\(e)[1;5A", "↑"), ("\(e)[1;5D", "←"), ("\(e)[Z", "Shift-Tab"), ("\(e)[1;3C", "→"),
    ]),
]
