/// Turns the bytes a terminal sends into keys: UTF-8 text, control keys, and the escape sequences
/// of the terminals people use — xterm in normal and application cursor mode, tmux, screen, rxvt,
/// PuTTY and Xshell (every function-key mode but SCO's), the Linux console and Windows Terminal —
/// for the arrows, Home/End, PgUp/PgDn, Insert/Delete, F1–F12 and Alt plus a key, whatever `TERM`
/// says. A sequence may arrive in pieces: what is incomplete is held until the rest comes, or until
/// `pendingTimeout` passes without a byte, when `flush()` gives what it held (a lone Esc is Esc).
/// Text between the bracketed-paste marks (`ESC [200~` … `ESC [201~`) is one `.paste`: nothing
/// inside it, newline or Esc, acts as a key.
///
/// Pure: no clock, no I/O. The backend feeds it what `read(2)` returned and calls `flush()` when
/// the wait it asked for ran out (docs/architecture.md, "Keys").
public struct KeyDecoder: Sendable {
    /// How long a lone Esc waits for a sequence to follow before it is Esc: well inside the 50 ms
    /// within which Esc must act, and longer than the gap between the bytes of one key press.
    public static let escapeMilliseconds = 30
    /// How long the rest of a started sequence (`ESC [` …, a character's UTF-8 bytes) is waited for.
    public static let sequenceMilliseconds = 500
    /// How long a paste may pause before what came of it is taken as the whole paste (a terminal
    /// that never sends the end mark does not swallow every later key).
    public static let pasteMilliseconds = 2000
    /// The most bytes of one paste that are kept (a text field holds far less); the rest is dropped.
    public static let pasteLimit = 1 << 20
    /// The longest escape sequence taken: longer ones are not keys and are dropped.
    static let sequenceLimit = 64

    private enum State: Sendable, Equatable {
        case ground
        /// Inside a character's UTF-8 bytes (`alt`: Esc came first).
        case utf8(bytes: [UInt8], need: Int, alt: Bool)
        /// After Esc (`twice`: after Esc Esc, which PuTTY sends for Alt plus a special key).
        case escape(twice: Bool)
        /// After `ESC [`: parameter and intermediate bytes so far.
        case csi([UInt8])
        /// After `ESC [ [` (the Linux console's F1–F5).
        case linuxFunction
        /// After `ESC O`: parameter bytes so far.
        case ss3([UInt8])
        /// After `ESC [ M`: the three bytes of an X10 mouse report.
        case x10Mouse([UInt8])
        /// Inside a bracketed paste.
        case paste
        /// Inside a sequence too long to be a key: skipped up to its final byte.
        case skipping
    }

    private var state = State.ground
    private var pasted: [UInt8] = []
    /// How many bytes of the paste's end mark the last bytes matched.
    private var pasteMatched = 0

    public init() {}

    /// Nothing is held back.
    public var isIdle: Bool { state == .ground }

    /// Milliseconds to wait for more bytes before calling `flush()`; nil when nothing is held.
    public var pendingTimeout: Int? {
        switch state {
        case .ground: return nil
        case .escape: return Self.escapeMilliseconds
        case .paste: return Self.pasteMilliseconds
        case .utf8, .csi, .linuxFunction, .ss3, .x10Mouse, .skipping: return Self.sequenceMilliseconds
        }
    }

    /// The keys that `bytes` complete (with what was held before).
    public mutating func feed(_ input: some Collection<UInt8>) -> [Key] {
        let bytes = Array(input)
        var keys: [Key] = []
        var i = 0
        while i < bytes.count {
            if state == .paste, pasteMatched == 0, bytes[i] != 0x1B {
                // The text of a paste up to the next Esc, at once.
                let end = bytes[i...].firstIndex(of: 0x1B) ?? bytes.count
                keep(bytes[i..<end])
                i = end
                continue
            }
            let byte = bytes[i]
            // Enter sent as CR LF (a terminal in new-line mode) is one Enter.
            if byte == 0x0A, i > 0, bytes[i - 1] == 0x0D, state == .ground {
                i += 1
                continue
            }
            take(byte, into: &keys)
            i += 1
        }
        return keys
    }

    /// The wait ran out: what is held becomes keys. A lone Esc is Esc (Esc Esc, two), `ESC [` or
    /// `ESC O` alone is Alt plus that letter, a cut UTF-8 character is U+FFFD, a paste ends with what
    /// came; the rest of a cut sequence is dropped.
    public mutating func flush() -> [Key] {
        defer { state = .ground }
        switch state {
        case .ground: return []
        case .escape(let twice): return twice ? [.escape, .escape] : [.escape]
        case .utf8(_, _, let alt): return [alt ? .alt("\u{FFFD}") : .character("\u{FFFD}")]
        case .csi(let bytes): return bytes.isEmpty ? [.alt("[")] : []
        case .ss3(let bytes): return bytes.isEmpty ? [.alt("O")] : []
        case .linuxFunction, .x10Mouse, .skipping: return []
        case .paste: return [endPaste()]
        }
    }

    private mutating func take(_ byte: UInt8, into keys: inout [Key]) {
        switch state {
        case .ground:
            ground(byte, &keys)
        case .utf8(var bytes, let need, let alt):
            guard byte & 0xC0 == 0x80 else {
                // Cut short: the character is unreadable, the byte starts afresh.
                keys.append(alt ? .alt("\u{FFFD}") : .character("\u{FFFD}"))
                state = .ground
                ground(byte, &keys)
                return
            }
            bytes.append(byte)
            if bytes.count < need {
                state = .utf8(bytes: bytes, need: need, alt: alt)
                return
            }
            state = .ground
            for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
                keys.append(alt ? .alt(Character(scalar)) : .character(Character(scalar)))
            }
        case .escape(let twice):
            escape(byte, twice: twice, &keys)
        case .csi(var bytes):
            if bytes.isEmpty, byte == UInt8(ascii: "[") { state = .linuxFunction; return }
            if bytes.isEmpty, byte == UInt8(ascii: "M") { state = .x10Mouse([]); return }
            switch byte {
            // rxvt ends a shifted key with `$` (an intermediate byte in ECMA-48): taken as final.
            case 0x24 where bytes.last.map({ $0 >= 0x30 && $0 <= 0x39 }) == true:
                state = .ground
                if let key = Self.csiKey(bytes, final: byte) { keys.append(key) }
            case 0x20...0x3F:
                bytes.append(byte)
                state = bytes.count > Self.sequenceLimit ? .skipping : .csi(bytes)
            case 0x40...0x7E:
                state = .ground
                if byte == UInt8(ascii: "~"), bytes == Array("200".utf8) {
                    state = .paste
                    pasted = []
                    pasteMatched = 0
                } else if let key = Self.csiKey(bytes, final: byte) {
                    keys.append(key)
                }
            default:
                // Not a sequence after all: dropped, and the byte read afresh.
                state = .ground
                ground(byte, &keys)
            }
        case .linuxFunction:
            state = .ground
            if (UInt8(ascii: "A")...UInt8(ascii: "E")).contains(byte) {
                keys.append(.function(Int(byte - UInt8(ascii: "A")) + 1))
            } else if byte < 0x20 || byte >= 0x7F {
                ground(byte, &keys)
            }
        case .ss3(var bytes):
            switch byte {
            case 0x30...0x39, UInt8(ascii: ";"):
                bytes.append(byte)
                state = bytes.count > Self.sequenceLimit ? .skipping : .ss3(bytes)
            case 0x40...0x7E:
                state = .ground
                if let key = Self.ss3Key(byte) { keys.append(key) }
            default:
                state = .ground
                ground(byte, &keys)
            }
        case .x10Mouse(var bytes):
            bytes.append(byte)
            if bytes.count < 3 {
                state = .x10Mouse(bytes)
                return
            }
            state = .ground
            if let key = Self.mouse(button: Int(bytes[0]) - 32, x: Int(bytes[1]) - 32, y: Int(bytes[2]) - 32, press: true) {
                keys.append(key)
            }
        case .paste:
            pasteByte(byte, &keys)
        case .skipping:
            switch byte {
            case 0x20...0x3F: break
            case 0x40...0x7E: state = .ground
            default:
                state = .ground
                ground(byte, &keys)
            }
        }
    }

    private mutating func ground(_ byte: UInt8, _ keys: inout [Key]) {
        switch byte {
        case 0x1B:
            state = .escape(twice: false)
        case 0x00..<0x80:
            if let key = Key.fromCharacterCode(UInt32(byte)) { keys.append(key) }
        default:
            startCharacter(byte, alt: false, &keys)
        }
    }

    private mutating func startCharacter(_ byte: UInt8, alt: Bool, _ keys: inout [Key]) {
        let need: Int
        switch byte {
        case 0xC2...0xDF: need = 2
        case 0xE0...0xEF: need = 3
        case 0xF0...0xF4: need = 4
        default:
            // A stray continuation byte or one that never starts UTF-8.
            keys.append(alt ? .alt("\u{FFFD}") : .character("\u{FFFD}"))
            return
        }
        state = .utf8(bytes: [byte], need: need, alt: alt)
    }

    private mutating func escape(_ byte: UInt8, twice: Bool, _ keys: inout [Key]) {
        switch byte {
        case UInt8(ascii: "["):
            state = .csi([])
        case UInt8(ascii: "O"):
            state = .ss3([])
        case 0x1B:
            if twice { keys.append(.escape) }
            state = .escape(twice: true)
        case 0x20..<0x7F:
            state = .ground
            if twice { keys.append(.escape) }
            keys.append(.alt(Character(Unicode.Scalar(byte))))
        case 0x80...0xFF:
            state = .ground
            if twice { keys.append(.escape) }
            startCharacter(byte, alt: true, &keys)
        default:
            // Alt with Enter, Tab, Backspace or a Ctrl key: no screen uses it, and taking it as
            // Esc and then the key could go back a step and act there.
            state = .ground
            if twice { keys.append(.escape) }
        }
    }

    private static let pasteEnd = Array("\u{1B}[201~".utf8)

    /// A byte of a paste: kept (up to the limit) unless it belongs to the end mark. The mark starts
    /// with the only Esc in it, so a mismatch restarts the match at this byte.
    private mutating func pasteByte(_ byte: UInt8, _ keys: inout [Key]) {
        if byte == Self.pasteEnd[pasteMatched] {
            pasteMatched += 1
            if pasteMatched == Self.pasteEnd.count {
                pasteMatched = 0
                state = .ground
                keys.append(endPaste())
            }
            return
        }
        keep(Self.pasteEnd[0..<pasteMatched])
        pasteMatched = 0
        if byte == Self.pasteEnd[0] {
            pasteMatched = 1
        } else {
            keep(CollectionOfOne(byte))
        }
    }

    private mutating func keep(_ bytes: some Collection<UInt8>) {
        let room = Self.pasteLimit - pasted.count
        if room > 0 { pasted.append(contentsOf: bytes.prefix(room)) }
    }

    private mutating func endPaste() -> Key {
        keep(Self.pasteEnd[0..<pasteMatched])
        pasteMatched = 0
        if pasted.count >= Self.pasteLimit {
            // Cut at the limit: a character the cut went through is left out whole.
            var start = pasted.count - 1
            while start > 0, pasted[start] & 0xC0 == 0x80 { start -= 1 }
            let lead = pasted[start]
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
            if pasted.count - start < length { pasted.removeSubrange(start...) }
        }
        let text = String(decoding: pasted, as: UTF8.self)
        pasted = []
        return .paste(text)
    }

    /// The key of `ESC [` parameters final. Modifiers (`;2` Shift, `;3` Alt, `;5` Ctrl …) are
    /// dropped: Ctrl-→ moves as → does. Terminals' replies and unknown sequences are nil.
    static func csiKey(_ parameters: [UInt8], final: UInt8) -> Key? {
        let text = String(decoding: parameters, as: UTF8.self)
        if text.hasPrefix("<") {
            // SGR mouse report: `<` button ; x ; y, `M` pressed, `m` released.
            let numbers = text.dropFirst().split(separator: ";").compactMap { Int($0) }
            guard numbers.count == 3, final == UInt8(ascii: "M") || final == UInt8(ascii: "m") else { return nil }
            return mouse(button: numbers[0], x: numbers[1], y: numbers[2], press: final == UInt8(ascii: "M"))
        }
        // Replies and private sequences (`?`, `>`, `=`), and anything with intermediates.
        guard text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ";") }) else { return nil }
        let numbers = text.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) }
        let first = numbers.first.flatMap { $0 } ?? 1
        if let key = cursorKey(final) { return key }
        switch Character(Unicode.Scalar(final)) {
        case "Z": return .backTab
        case "P": return .function(1)
        case "Q": return .function(2)
        case "R": return .function(3)
        case "S": return .function(4)
        case "M":
            // rxvt's mouse report (mode 1015): button + 32 ; x ; y.
            guard numbers.count == 3, let b = numbers[0], let x = numbers[1], let y = numbers[2] else { return nil }
            return mouse(button: b - 32, x: x, y: y, press: true)
        case "~", "$", "^", "@":
            switch first {
            case 1, 7: return .home
            case 2: return .insert
            case 3: return .delete
            case 4, 8: return .end
            case 5: return .pageUp
            case 6: return .pageDown
            case 11...15: return .function(first - 10)
            case 17...21: return .function(first - 11)
            case 23, 24: return .function(first - 12)
            default: return nil
            }
        default:
            return nil
        }
    }

    /// The arrows, Home and End, as both `ESC [` and `ESC O` end them (lower case: rxvt's
    /// Ctrl-arrows, taken as the arrows).
    static func cursorKey(_ final: UInt8) -> Key? {
        switch Character(Unicode.Scalar(final)) {
        case "A", "a": return .up
        case "B", "b": return .down
        case "C", "c": return .right
        case "D", "d": return .left
        case "H": return .home
        case "F": return .end
        default: return nil
        }
    }

    /// The key of `ESC O` final: application cursor keys, F1–F4 (PuTTY's VT100+ mode: F1–F12),
    /// the keypad in application mode (as the characters printed on it), rxvt's Ctrl-arrows.
    static func ss3Key(_ final: UInt8) -> Key? {
        if let key = cursorKey(final) { return key }
        switch Character(Unicode.Scalar(final)) {
        case "M": return .enter
        case "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z", "[":
            return .function(Int(final - UInt8(ascii: "P")) + 1)
        case "j": return .character("*")
        case "k": return .character("+")
        case "l": return .character(",")
        case "m": return .character("-")
        case "n": return .character(".")
        case "o": return .character("/")
        case "p"..."y": return .character(Character(Unicode.Scalar(final - UInt8(ascii: "p") + UInt8(ascii: "0"))))
        default: return nil
        }
    }

    /// A press of the left button or a turn of the wheel at a 1-based cell; other buttons, motion
    /// and releases are nil.
    static func mouse(button: Int, x: Int, y: Int, press: Bool) -> Key? {
        guard press, x >= 1, y >= 1, button & 32 == 0 else { return nil }
        switch button & ~(4 | 8 | 16) {
        case 0: return .mouse(.left, x: x - 1, y: y - 1)
        case 64: return .mouse(.wheelUp, x: x - 1, y: y - 1)
        case 65: return .mouse(.wheelDown, x: x - 1, y: y - 1)
        default: return nil
        }
    }
}
