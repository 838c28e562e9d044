import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The real backend (`chengxin-keys`: NcursesBackend printing each key it decodes) on a pseudo-
/// terminal, sent the raw bytes each terminal sends: the keys that come out, sequences cut between
/// reads, bracketed paste, the mouse, a resize, and the terminal given back at the end.
@Suite("Keys through a pseudo-terminal", .serialized)
struct TerminalKeyTests {
    /// The harness on a fresh pseudo-terminal, once it has started.
    final class Harness {
        let terminal: PseudoTerminal
        let output = temporaryPath("keys") + ".txt"

        init(_ options: [String] = [], columns: Int = 80, rows: Int = 24) throws {
            let binary = try #require(builtProduct("chengxin-keys"), "chengxin-keys is built beside the tests")
            FileManager.default.createFile(atPath: output, contents: nil)
            terminal = try PseudoTerminal([binary, output] + options, environment: ["TERM=xterm-256color", "LANG=C.UTF-8"], columns: columns, rows: rows)
            _ = try waitFor("the harness to start") { $0.first?.hasPrefix("ready") == true }
        }

        deinit { unlink(output) }

        /// Every line written so far.
        var lines: [String] {
            ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        /// The keys decoded so far (not the start line, nor the traces of reads).
        var keys: [String] { lines.filter { !$0.hasPrefix("ready") && !$0.hasPrefix("read ") } }

        /// How many reads of the keyboard the backend has made (with `--reads`).
        var reads: Int { lines.filter { $0.hasPrefix("read ") }.count }

        func waitFor(_ what: String, _ condition: ([String]) -> Bool) throws -> [String] {
            var last: [String] = []
            let done = waitUntil(timeout: 30) {
                last = lines
                return condition(last)
            }
            if !done { Issue.record("timed out waiting for \(what); the harness wrote:\n\(last.joined(separator: "\n"))") }
            return last
        }

        /// Sends bytes and waits until `count` more keys have come out; returns them.
        func keys(after bytes: [UInt8], count: Int) throws -> [String] {
            let before = keys.count
            terminal.send(bytes)
            _ = try waitFor("\(count) keys") { $0.filter { !$0.hasPrefix("ready") && !$0.hasPrefix("read ") }.count >= before + count }
            return Array(keys.dropFirst(before))
        }
    }

    @Test(arguments: terminalKeySequences.map(\.terminal))
    func theBytesOfEachTerminalBecomeTheirKeys(terminal: String) throws {
        let table = try #require(terminalKeySequences.first { $0.terminal == terminal })
        let harness = try Harness()
        // One key press at a time, as a person types.
        for (bytes, key) in table.keys {
            #expect(try harness.keys(after: bytes, count: 1) == [key], "\(terminal): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
        }
        // All of them at once (typed ahead over a slow link, or a key held down).
        let all = table.keys.flatMap(\.bytes)
        #expect(try harness.keys(after: all, count: table.keys.count) == table.keys.map(\.key), "\(terminal): back to back")
    }

    /// A sequence whose first bytes are read on their own is completed by the next read; a lone
    /// Esc acts with nothing after it.
    @Test func sequencesCutBetweenReadsAndALoneEsc() throws {
        let harness = try Harness(["--reads"])
        let cuts: [([UInt8], [UInt8], String)] = [
            (Array("\u{1B}[".utf8), Array("1~".utf8), "Home"),
            (Array("\u{1B}[4".utf8), Array("~".utf8), "End"),
            (Array("\u{1B}O".utf8), Array("A".utf8), "↑"),
            (Array("\u{1B}[1".utf8), Array("5~".utf8), "F5"),
            (Array("\u{1B}[[".utf8), Array("B".utf8), "F2"),
            ([0xE4, 0xB8], [0xAD], "char 中"),
            (Array("\u{1B}[200~质量\r".utf8), Array("问题\u{1B}[201~".utf8), "paste 质量\\r问题"),
            (Array("\u{1B}[200~ab\u{1B}[20".utf8), Array("1~".utf8), "paste ab"),
        ]
        for (first, rest, key) in cuts {
            let reads = harness.reads
            let before = harness.keys.count
            harness.terminal.send(first)
            _ = try harness.waitFor("the first part to be read alone") { $0.filter { $0.hasPrefix("read ") }.count > reads }
            #expect(harness.keys.count == before, "nothing decoded from \(first) alone")
            #expect(try harness.keys(after: rest, count: 1) == [key])
        }
        // A lone Esc: nothing follows, and Esc comes out.
        #expect(try harness.keys(after: [0x1B], count: 1) == ["Esc"])
        // Esc and then a key a moment later stay two keys when they are read apart.
        #expect(try harness.keys(after: Array("j".utf8), count: 1) == ["char j"])
    }

    /// Bracketed paste is switched on at start and off again, at a normal end and when SIGTERM
    /// ends the program; a paste is one key, whatever it holds; the mouse and a resize are decoded.
    @Test func pasteMouseResizeAndTheTerminalGivenBack() throws {
        let harness = try Harness()
        let started = harness.terminal.text
        #expect(started.contains("\u{1B}[?2004h"), "bracketed paste switched on")
        #expect(started.contains("1000h"), "mouse reporting switched on")
        #expect(try harness.keys(after: Array("\u{1B}[200~店名\r\n第二行\u{1B}[A\u{1B}\u{03}1\u{1B}[201~".utf8), count: 1)
                == ["paste 店名\\r\\n第二行\\e[A\\e\\x031"])
        #expect(try harness.keys(after: Array("\u{1B}[<0;12;3M\u{1B}[<0;12;3m\u{1B}[<65;1;1M".utf8), count: 2) == ["mouse left 11,2", "mouse wheelDown 0,0"])
        harness.terminal.resize(columns: 100, rows: 30)
        _ = try harness.waitFor("the resize") { $0.last == "resize 100x30" }

        // Ctrl-Q ends the harness as q ends the dashboard: through shutdown().
        harness.terminal.send([0x11])
        #expect(harness.terminal.waitForExit() == 0)
        let given = harness.terminal.text
        let on = try #require(given.range(of: "\u{1B}[?2004h", options: .backwards))
        #expect(given[on.upperBound...].contains("\u{1B}[?2004l"), "bracketed paste switched off at the end")
        #expect(harness.lines.last == "closed")
    }

    @Test(arguments: [false, true])
    func sigtermGivesTheTerminalBack(lockdown: Bool) throws {
        let harness = try Harness(lockdown ? ["--lockdown", "--no-mouse"] : [])
        #expect(try harness.keys(after: [0x03, 0x1A], count: 2) == ["Ctrl-C", "Ctrl-Z"], "raw mode: keys, not signals")
        harness.terminal.terminate()
        #expect(harness.terminal.waitForExit() == 0)
        let given = harness.terminal.text
        let on = try #require(given.range(of: "\u{1B}[?2004h", options: .backwards))
        #expect(given[on.upperBound...].contains("\u{1B}[?2004l"), "bracketed paste switched off on SIGTERM")
        #expect(given[on.upperBound...].contains("\u{1B}[?1049l"), "the screen given back (rmcup)")
    }
}
