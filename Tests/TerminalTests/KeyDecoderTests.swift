import Testing
import TestSupport
@testable import Terminal

@Suite("Key decoding")
struct KeyDecoderTests {
    private func decode(_ chunks: [[UInt8]], flush: Bool = false) -> [String] {
        var decoder = KeyDecoder()
        var keys = chunks.flatMap { decoder.feed($0) }
        if flush { keys += decoder.flush() }
        return keys.map(\.debugDescription)
    }

    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Each terminal's sequences, alone, back to back in one read, and cut at every byte.
    @Test(arguments: terminalKeySequences.map(\.terminal))
    func everySequenceOfEveryTerminalBecomesItsKey(terminal: String) throws {
        let table = try #require(terminalKeySequences.first { $0.terminal == terminal })
        for (sequence, key) in table.keys {
            #expect(decode([sequence]) == [key], "\(terminal): \(sequence) should be \(key)")
        }
        let expected = table.keys.map(\.key)
        let stream = table.keys.flatMap(\.bytes)
        #expect(decode([stream]) == expected, "\(terminal): back to back")
        #expect(decode(stream.map { [$0] }) == expected, "\(terminal): one byte per read")
        // Every place a read can end inside the stream.
        for cut in 1..<stream.count {
            #expect(decode([Array(stream[..<cut]), Array(stream[cut...])]) == expected, "\(terminal): cut after byte \(cut)")
        }
    }

    @Test func aLoneEscIsEscOnceItsShortWaitRunsOut() {
        var decoder = KeyDecoder()
        #expect(decoder.feed([0x1B]).isEmpty, "Esc waits for a sequence that may follow")
        #expect(decoder.pendingTimeout == KeyDecoder.escapeMilliseconds)
        #expect(KeyDecoder.escapeMilliseconds < 50, "a lone Esc acts within 50 ms")
        #expect(decoder.flush() == [.escape])
        #expect(decoder.isIdle && decoder.pendingTimeout == nil)
        // Esc pressed twice; Esc then Enter (Alt-Enter, which nothing uses, never Esc and then Enter).
        #expect(decode([[0x1B, 0x1B]], flush: true) == ["Esc", "Esc"])
        #expect(decode([[0x1B, 0x0D]], flush: true) == [])
        // `ESC [` and `ESC O` with nothing after them are Alt-[ and Alt-O.
        #expect(decode([bytes("\u{1B}[")], flush: true) == ["alt ["])
        #expect(decode([bytes("\u{1B}O")], flush: true) == ["alt O"])
    }

    @Test func aSequenceCutBetweenReadsWaitsLongerThanALoneEsc() {
        var decoder = KeyDecoder()
        #expect(decoder.feed(bytes("\u{1B}[1")).isEmpty)
        #expect(decoder.pendingTimeout == KeyDecoder.sequenceMilliseconds && KeyDecoder.sequenceMilliseconds > KeyDecoder.escapeMilliseconds)
        #expect(decoder.feed(bytes("~")) == [.home])
        // A Chinese character's bytes in three reads.
        let zhong = bytes("中")
        #expect(decode(zhong.map { [$0] }) == ["char 中"])
        // A started sequence whose rest never comes is dropped; what follows is read as itself.
        #expect(decode([bytes("\u{1B}[1;5")], flush: true) == [])
        #expect(decode([bytes("\u{1B}[1;5\u{03}a")]) == ["Ctrl-C", "char a"])
        // A character cut short is U+FFFD, and the byte after it is read afresh.
        #expect(decode([[0xE4, 0xB8]], flush: true) == ["char \u{FFFD}"])
        #expect(decode([[0xE4, 0x41]]) == ["char \u{FFFD}", "char A"])
    }

    @Test func invalidBytesBecomeTheReplacementCharacter() {
        #expect(decode([[0xFF, 0x80, 0x41]]) == ["char \u{FFFD}", "char \u{FFFD}", "char A"])
        #expect(decode([[0xED, 0xA0, 0x80]]) == ["char \u{FFFD}", "char \u{FFFD}", "char \u{FFFD}"], "a UTF-16 surrogate encoded in UTF-8")
        // Alt with a Chinese character (rare, but never Esc then the character).
        #expect(decode([bytes("\u{1B}中")]) == ["alt 中"])
    }

    @Test func enterSentAsCRLFIsOneEnter() {
        #expect(decode([bytes("\r\n")]) == ["Enter"])
        #expect(decode([bytes("\r\r")]) == ["Enter", "Enter"])
        #expect(decode([bytes("\n")]) == ["Enter"])
    }

    @Test func aBracketedPasteIsOneKeyWhateverItHolds() {
        let inside = "第一行\r\n第二行\u{1B}[A\u{1B}\u{03}\u{1B}[200~q"
        let pasted = bytes("\u{1B}[200~" + inside + "\u{1B}[201~")
        #expect(decode([pasted + bytes("a")]) == [Key.paste(inside).debugDescription, "char a"])
        // Cut anywhere, the end mark too.
        for cut in 1..<pasted.count {
            #expect(decode([Array(pasted[..<cut]), Array(pasted[cut...])]) == [Key.paste(inside).debugDescription], "cut after byte \(cut)")
        }
        // An end mark's beginning inside the text is text.
        #expect(decode([bytes("\u{1B}[200~a\u{1B}[20b\u{1B}\u{1B}[201~")]) == [Key.paste("a\u{1B}[20b\u{1B}").debugDescription])
        // A stray end mark is nothing.
        #expect(decode([bytes("\u{1B}[201~x")]) == ["char x"])
        // While pasting, the decoder waits long; a paste that never ends is ended by the wait.
        var decoder = KeyDecoder()
        #expect(decoder.feed(bytes("\u{1B}[200~abc")).isEmpty)
        #expect(decoder.pendingTimeout == KeyDecoder.pasteMilliseconds)
        #expect(decoder.flush() == [.paste("abc")])
        #expect(decoder.feed(bytes("j")) == [.character("j")])
    }

    @Test func aHugePasteIsCutAtTheLimitAndStillEnds() {
        var decoder = KeyDecoder()
        let text = String(repeating: "镜", count: KeyDecoder.pasteLimit / 3 + 1000)
        var keys = decoder.feed(bytes("\u{1B}[200~"))
        let body = bytes(text)
        var offset = 0
        while offset < body.count {
            keys += decoder.feed(body[offset..<min(body.count, offset + 4096)])
            offset += 4096
        }
        keys += decoder.feed(bytes("\u{1B}[201~k"))
        #expect(keys.count == 2)
        guard case .paste(let kept)? = keys.first else { Issue.record("no paste: \(keys.prefix(2))"); return }
        #expect(kept == String(repeating: "镜", count: KeyDecoder.pasteLimit / 3), "cut at the limit, at a character's end")
        #expect(keys.last == .character("k"))
    }

    @Test func mouseReportsInBothEncodings() {
        #expect(decode([bytes("\u{1B}[<0;10;5M")]) == ["mouse left 9,4"])
        #expect(decode([bytes("\u{1B}[<0;10;5m")]) == [], "a release is nothing")
        #expect(decode([bytes("\u{1B}[<64;3;4M\u{1B}[<65;3;4M")]) == ["mouse wheelUp 2,3", "mouse wheelDown 2,3"])
        #expect(decode([bytes("\u{1B}[<2;3;4M\u{1B}[<32;3;4M")]) == [], "right button and motion")
        // X10: button, column and row as bytes + 32; a release is button 3.
        #expect(decode([bytes("\u{1B}[M !!")]) == ["mouse left 0,0"])
        #expect(decode([bytes("\u{1B}[M`+%\u{1B}[M#!!")]) == ["mouse wheelUp 10,4"])
        // Coordinates past 95 are bytes that are not UTF-8 on their own.
        #expect(decode([[0x1B, 0x5B, 0x4D, 0x20, 0xC8, 0x35]]) == ["mouse left 167,20"])
    }

    @Test func repliesAndUnknownSequencesAreNotKeys() {
        #expect(decode([bytes("\u{1B}[?1;2c\u{1B}[>0;10;1c\u{1B}[I\u{1B}[O\u{1B}[99~\u{1B}Oz")]) == [])
        let long = "\u{1B}[" + String(repeating: "1;", count: 40) + "A" + "b"
        #expect(decode([bytes(long)]) == ["char b"], "a sequence too long to be a key is skipped whole")
        // Ctrl keys without a letter (Ctrl-\, Ctrl-]) and NUL are nothing.
        #expect(decode([[0x00, 0x1C, 0x1D, 0x61]]) == ["char a"])
    }
}
