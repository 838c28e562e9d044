import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Terminals that cannot serve the dashboard or the kiosk: `TERM` unset, `dumb` or unknown, a locale
/// that is not UTF-8, a window smaller than 80×24, no terminal at all. Each is told in one sentence
/// in Chinese and in English, with exit status 2, before the screen is taken over (and, at the kiosk,
/// before the PIN is asked).
@Suite("Terminals that cannot serve", .serialized)
struct TerminalRefusalTests {
    /// The dashboard and the kiosk (no $CHENGXIN_PIN: a PIN prompt would show).
    static let programs: [[String]] = [[], ["kiosk", "--as", "desk1"]]

    static let base = ["TERM=xterm-256color", "LANG=C.UTF-8", "CHENGXIN_TODAY=2026-03-03", "PATH=/usr/bin:/bin"]

    /// Runs a program on a pseudo-terminal and returns its exit status and everything it printed.
    static func run(_ arguments: [String], _ cli: DomainCLI, environment: [String], columns: Int = 80, rows: Int = 24) throws -> (status: Int32?, text: String) {
        let terminal = try PseudoTerminal([cli.binary] + arguments, environment: environment + ["CHENGXIN_DATA=\(cli.data)", "CHENGXIN_KEY=\(cli.key)"],
                                          columns: columns, rows: rows)
        let status = terminal.waitForExit(timeout: 30)
        if status == nil { terminal.terminate() }
        return (status, terminal.text)
    }

    static func replacing(_ name: String, with value: String?) -> [String] {
        base.filter { !$0.hasPrefix(name + "=") } + (value.map { ["\(name)=\($0)"] } ?? [])
    }

    @Test(arguments: programs)
    func eachUnusableTerminalIsSaidInBothLanguagesWithExitStatus2(program: [String]) throws {
        let (_, cli) = try KioskTmuxTests.prepared()
        let cases: [(environment: [String], columns: Int, rows: Int, zh: String, en: String)] = [
            (Self.replacing("TERM", with: nil), 80, 24, "没有设置终端类型 TERM", "the terminal type TERM is not set"),
            (Self.replacing("TERM", with: "dumb"), 80, 24, "终端类型 TERM=dumb 不能移动光标", "the terminal type TERM=dumb cannot move the cursor"),
            (Self.replacing("TERM", with: "no-such-terminal"), 80, 24, "本机的 terminfo 里没有终端类型 TERM=no-such-terminal", "the terminal type TERM=no-such-terminal is not in this machine's terminfo"),
            (Self.replacing("TERM", with: "linux"), 80, 24, "Linux 控制台（TERM=linux）无法显示中文", "the Linux console (TERM=linux) cannot show Chinese"),
            (Self.replacing("LANG", with: "C"), 80, 24, "区域设置（LANG=C）不是 UTF-8", "the locale (LANG=C) is not UTF-8"),
            (Self.base + ["LC_ALL=C"], 80, 24, "区域设置（LC_ALL=C）不是 UTF-8", "the locale (LC_ALL=C) is not UTF-8"),
            (Self.replacing("LANG", with: "zh_CN.GBK"), 80, 24, "区域设置（LANG=zh_CN.GBK）不是 UTF-8", "the locale (LANG=zh_CN.GBK) is not UTF-8"),
            (Self.replacing("LANG", with: nil), 80, 24, "区域设置（未设置 LANG）不是 UTF-8", "the locale (LANG not set) is not UTF-8"),
            (Self.base, 79, 24, "窗口只有 79×24，至少需要 80×24", "the window is 79×24, smaller than the 80×24 needed"),
            (Self.base, 120, 23, "窗口只有 120×23，至少需要 80×24", "the window is 120×23, smaller than the 80×24 needed"),
        ]
        for refusal in cases {
            let (status, text) = try Self.run(program, cli, environment: refusal.environment, columns: refusal.columns, rows: refusal.rows)
            #expect(status == 2, "\(program) \(refusal.zh): exit status \(String(describing: status)); printed:\n\(text)")
            #expect(text.contains("chengxin: " + refusal.zh) && text.contains("chengxin: " + refusal.en), "\(program): printed:\n\(text)")
            #expect(text.firstRange(of: refusal.zh)?.lowerBound ?? text.endIndex < text.firstRange(of: refusal.en)?.lowerBound ?? text.startIndex,
                    "Chinese first by default")
            #expect(!text.contains("\u{1B}[?1049h"), "the screen was not taken over")
            #expect(!text.contains("PIN："), "nothing asked first")
        }
        // --lang en puts the English sentence first.
        let english = try Self.run(program + ["--lang", "en"], cli, environment: Self.replacing("TERM", with: "dumb"))
        #expect(english.status == 2)
        let en = try #require(english.text.range(of: "the terminal type TERM=dumb cannot move the cursor"))
        let zh = try #require(english.text.range(of: "终端类型 TERM=dumb 不能移动光标"))
        #expect(en.lowerBound < zh.lowerBound)
    }

    @Test(arguments: programs)
    func withoutATerminalTheScreensDoNotStart(program: [String]) throws {
        let binary = try #require(builtProduct("chengxin"))
        let (_, cli) = try KioskTmuxTests.prepared()
        let result = try runToCompletion(["/usr/bin/env", "-i"] + Self.base + ["CHENGXIN_DATA=\(cli.data)", "CHENGXIN_KEY=\(cli.key)", binary] + program)
        #expect(result.status == 2)
        #expect(result.errors.contains("标准输入或输出不是终端") && result.errors.contains("standard input or output is not a terminal"), "\(result.errors)")
    }

    /// A UTF-8 locale that is not installed on this machine: C.UTF-8 (the same encoding) stands in,
    /// and the dashboard starts and quits as usual.
    @Test func anUninstalledUTF8LocaleFallsBackToCUTF8() throws {
        let binary = try #require(builtProduct("chengxin"))
        let (_, cli) = try KioskTmuxTests.prepared()
        let environment = Self.replacing("LANG", with: "xx_YY.UTF-8") + ["CHENGXIN_DATA=\(cli.data)", "CHENGXIN_KEY=\(cli.key)"]
        let terminal = try PseudoTerminal([binary], environment: environment)
        #expect(waitUntil(timeout: 30) { terminal.text.contains("\u{1B}[?1049h") && terminal.text.contains("用户名") }, "the login screen:\n\(terminal.text)")
        terminal.send([0x03])
        #expect(terminal.waitForExit(timeout: 30) == 0)
    }
}
