import CommandSurface
import Foundation
import Testing
import TestSupport

/// Issue 23: the command line answers in the user's language, names what was typed, suggests the
/// nearest names, takes values that begin with `-`, says its version, and its help, completions
/// and manual page come from the same declarations.
@Suite("The command line's surface: mistakes, values, version, help, completions, manual")
struct CommandLineSurfaceTests {
    static func prepared() throws -> DomainCLI {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        #expect(try cli.run(["init", "--training", "--seeds", packageRoot.appendingPathComponent("seeds").path]).status == 0)
        #expect(try cli.run(["user", "add", "li", "--role", "manager"], newPIN: "123456").status == 0)
        return cli
    }

    struct Mistake: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let zh: String
        let en: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let mistakes: [Mistake] = [
        Mistake(arguments: ["dashbord"], zh: "没有「dashbord」这个命令；是不是要用 dashboard？",
                en: "there is no command 'dashbord'; did you mean dashboard?"),
        Mistake(arguments: ["merchnt", "list"], zh: "没有「merchnt」这个命令；是不是要用 merchant？",
                en: "there is no command 'merchnt'; did you mean merchant?"),
        Mistake(arguments: ["merchant", "lst"], zh: "chengxin merchant 没有「lst」这个子命令；是不是要用 list？",
                en: "chengxin merchant has no subcommand 'lst'; did you mean list?"),
        Mistake(arguments: ["zzzz"], zh: "没有「zzzz」这个命令；可用的见 chengxin --help",
                en: "there is no command 'zzzz'; see chengxin --help"),
        Mistake(arguments: ["merchant", "list", "--fromat", "csv"], zh: "chengxin merchant list 没有 --fromat 这个选项；是不是要用 --format？",
                en: "chengxin merchant list has no option --fromat; did you mean --format?"),
        Mistake(arguments: ["verify", "--qqqq"], zh: "chengxin verify 没有 --qqqq 这个选项；可用的见 chengxin verify --help",
                en: "chengxin verify has no option --qqqq; see chengxin verify --help"),
        Mistake(arguments: ["merchant", "list", "——format", "csv"], zh: "「——format」开头不是两个半角连字符（是不是用中文输入法打的？）；应写作 --format",
                en: "'——format' does not begin with two ASCII hyphens (typed with a Chinese input method?); write --format"),
        Mistake(arguments: ["－－lang", "en", "verify"], zh: "「－－lang」开头不是两个半角连字符（是不是用中文输入法打的？）；应写作 --lang",
                en: "'－－lang' does not begin with two ASCII hyphens (typed with a Chinese input method?); write --lang"),
        Mistake(arguments: ["merchant", "list", "--format", "xml"], zh: "--format 的值「xml」无效，应为 table、csv 或 json",
                en: "'xml' is not a value of --format: use table, csv or json"),
        Mistake(arguments: ["merchant", "list", "--format", "jsn"], zh: "--format 的值「jsn」无效，应为 table、csv 或 json；是不是要用 json？",
                en: "'jsn' is not a value of --format: use table, csv or json; did you mean json?"),
        Mistake(arguments: ["export", "merchant"], zh: "KIND 的值「merchant」无效，应为 merchants、complaints、inspections 或 members；是不是要用 merchants？",
                en: "'merchant' is not a value of KIND: use merchants, complaints, inspections or members; did you mean merchants?"),
        Mistake(arguments: ["complaint", "file", "--text"], zh: "选项 --text 后面缺少值", en: "option --text needs a value after it"),
        Mistake(arguments: ["complaint", "file", "--text", "--category", "price"], zh: "选项 --text 后面缺少值（紧跟的「--category」是另一个选项）",
                en: "option --text needs a value after it (the next argument, '--category', is another option)"),
        Mistake(arguments: ["veto", "confirm", "--merchant", "A101", "--kind", "fraud"],
                zh: "chengxin veto confirm 还缺少 --reason <reason>（说明见 chengxin veto confirm --help）",
                en: "chengxin veto confirm also needs --reason <reason> (see chengxin veto confirm --help)"),
        Mistake(arguments: ["complaint", "file", "--category", "price"],
                zh: "chengxin complaint file 还缺少 --integrity <integrity> 和 --text <text>（说明见 chengxin complaint file --help）",
                en: "chengxin complaint file also needs --integrity <integrity> and --text <text> (see chengxin complaint file --help)"),
        Mistake(arguments: ["merchant"], zh: "chengxin merchant 后面要跟一个子命令：list 或 show", en: "chengxin merchant needs a subcommand: list or show"),
        Mistake(arguments: ["merchant", "show"], zh: "chengxin merchant show 还缺少 SHOP（说明见 chengxin merchant show --help）",
                en: "chengxin merchant show also needs SHOP (see chengxin merchant show --help)"),
        Mistake(arguments: ["merchant", "show", "A101", "B202"], zh: "chengxin merchant show 只接受 SHOP，多了「B202」",
                en: "chengxin merchant show takes only SHOP, and 'B202' is one too many"),
        Mistake(arguments: ["merchant", "list", "extra"], zh: "chengxin merchant list 不接受参数，多了「extra」",
                en: "chengxin merchant list takes no arguments, but was given 'extra'"),
        Mistake(arguments: ["init", "--demo=yes"], zh: "--demo 是开关，不带值（却给了「yes」）", en: "--demo is a switch and takes no value (it was given 'yes')"),
        Mistake(arguments: ["verify", "--lang", "fr"], zh: "--lang 的值「fr」无效，应为 zh 或 en", en: "'fr' is not a value of --lang: use zh or en"),
        Mistake(arguments: ["log", "--since", "abc"], zh: "--since 的值「abc」无效（", en: "'abc' is not a valid value of --since ("),
        Mistake(arguments: ["points", "approve", "x1"], zh: "ENTRY 的值「x1」无效（", en: "'x1' is not a valid value of ENTRY ("),
    ]

    /// Each mistake: status 2, nothing on stdout, one line on stderr in Chinese by default and in
    /// English with `--lang en` (given first, so that it is not read as a value), naming what was
    /// typed; nothing is recorded.
    @Test(arguments: mistakes) func eachMistakeIsOneSentenceInTheChosenLanguage(_ mistake: Mistake) throws {
        let cli = try Self.prepared()
        let log = try cli.run(["log"]).output
        for (arguments, expected) in [(mistake.arguments, mistake.zh), (["--lang", "en"] + mistake.arguments, mistake.en)] {
            let answer = try cli.run(arguments)
            #expect(answer.status == 2, "\(arguments): \(answer.errors)")
            #expect(answer.output.isEmpty, "\(answer.output)")
            let lines = answer.errors.split(separator: "\n")
            #expect(lines.count == 1, "\(answer.errors)")
            if expected.hasSuffix("（") || expected.hasSuffix("(") {
                #expect(answer.errors.hasPrefix("chengxin: " + expected), "\(answer.errors)")
            } else {
                #expect(answer.errors == "chengxin: " + expected + "\n", "\(answer.errors)")
            }
        }
        #expect(try cli.run(["log"]).output == log)
    }

    /// A value that begins with `-` is taken where a value is expected and it is not an option:
    /// the complaint is recorded with the text as typed; a negative amount reaches the command's
    /// own check; a receipt code that begins with `-` is looked up.
    @Test func valuesThatBeginWithADashAreTaken() throws {
        let cli = try Self.prepared()
        let complaint = ["complaint", "file", "--merchant", "A101", "--category", "price", "--integrity", "price", "--as", "li"]
        let filed = try cli.run(complaint + ["--text", "-2+3 元的差价", "--name", "-小王"], pin: "123456")
        #expect(filed.status == 0, "\(filed.errors)")
        let log = try cli.run(["log", "--jsonl"]).output
        #expect(log.contains("\"text\":\"-2+3 元的差价\""), "\(log.suffix(600))")
        let negative = try cli.run(complaint + ["--text", "多收钱", "--amount", "-5"], pin: "123456")
        #expect(negative.status == 1 && negative.errors == "chengxin: --amount 的值「-5」不是有效的金额（例如 680 或 680.50）\n", "\(negative.errors)")
        // A command's own choices are refused in the same words, naming the option, the value and
        // the nearest choice (status 1: the command refused the input).
        let integrity = try cli.run(["complaint", "file", "--merchant", "A101", "--category", "price", "--integrity", "pric", "--text", "x", "--as", "li"], pin: "123456")
        #expect(integrity.status == 1 && integrity.errors == "chengxin: --integrity 的值「pric」无效，应为 consumer、price、tax 或 quality；是不是要用 price？\n", "\(integrity.errors)")
        let date = try cli.run(["inspection", "record", "--merchant", "A101", "--pass-all", "--date", "2026-02-30", "--as", "li", "--lang", "en"], pin: "123456")
        #expect(date.status == 1 && date.errors == "chengxin: '2026-02-30' is not a valid value of --date (a real date, YYYY-MM-DD)\n", "\(date.errors)")
        let equals = try cli.run(complaint + ["--text=--fromat", "--amount=5"], pin: "123456")
        #expect(equals.status == 0, "\(equals.errors)")
        #expect(try cli.run(["log", "--jsonl"]).output.contains("\"text\":\"--fromat\""))
        let receipt = try cli.run(["complaint", "status", "-5"])
        #expect(receipt.status == 1 && receipt.errors.contains("-5"), "\(receipt.errors)")
    }

    /// Options given before the command belong to it (`chengxin --lang en verify`).
    @Test func optionsBeforeTheCommandBelongToIt() throws {
        let cli = try Self.prepared()
        let verified = try cli.run(["--lang", "en", "verify"])
        #expect(verified.status == 0, "\(verified.errors)")
        #expect(verified.output.contains("intact"), "\(verified.output)")
        let chinese = try cli.run(["--lang=zh", "merchant", "show", "A101"])
        #expect(chinese.status == 0 && chinese.output.hasPrefix("A101"), "\(chinese.errors)")
    }

    @Test func theVersionNamesTheLogFormatAndTheBuild() throws {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        let zh = try cli.run(["--version"])
        #expect(zh.status == 0)
        let lines = zh.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 3 && lines[0].hasPrefix("chengxin "), "\(zh.output)")
        #expect(lines[1] == "日志格式：第 1 版（读写此版本）")
        #expect(lines[2].hasPrefix("构建：") && (lines[2].hasSuffix("debug") || lines[2].hasSuffix("release")))
        let en = try cli.run(["--version", "--lang", "en"])
        #expect(en.output.contains("log format: version 1 (reads and writes this version)\nbuild: "), "\(en.output)")
        #expect(try cli.run(["verify", "--version"]).output == zh.output)
    }

    /// `--help` (and `help COMMAND`) in Chinese by default and in English with `--lang en`.
    @Test func helpIsInTheChosenLanguage() throws {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        let zh = try cli.run(["merchant", "list", "--help"])
        #expect(zh.status == 0)
        #expect(zh.output.hasPrefix("chengxin merchant list —— "), "\(zh.output)")
        #expect(zh.output.contains("用法：chengxin merchant list [选项]") && zh.output.contains("  --format <format>")
                && zh.output.contains("通用选项（每个命令都有）：") && zh.output.contains("  --lang <lang>"), "\(zh.output)")
        #expect(try cli.run(["help", "merchant", "list"]).output == zh.output)
        #expect(try cli.run(["merchant", "list", "-h"]).output == zh.output)
        let en = try cli.run(["merchant", "list", "--help", "--lang", "en"])
        #expect(en.output.hasPrefix("chengxin merchant list — ") && en.output.contains("Usage: chengxin merchant list [OPTIONS]")
                && en.output.contains("Common options (every command takes them):"), "\(en.output)")
        // The root lists every command; a required option shows in the usage line.
        let root = try cli.run(["--help"]).output
        for command in ["dashboard", "kiosk", "verify", "merchant", "complaint", "completion", "manual"] {
            #expect(root.contains("\n  \(command) "), "\(command)")
        }
        let usage = try cli.run(["complaint", "file", "--help", "--lang", "en"]).output.replacing(/\n +/, with: " ")
        #expect(usage.contains("Usage: chengxin complaint file --category <category> --integrity <integrity> --text <text> [OPTIONS]"), "\(usage)")
        // A wrong name after help is a mistake like any other.
        let wrong = try cli.run(["help", "merchnt"])
        #expect(wrong.status == 2 && wrong.errors == "chengxin: 没有「merchnt」这个命令；是不是要用 merchant？\n")
    }

    /// Every command the declarations hold is found by its path (the command line finds a command
    /// from the commands' outline and reads only its own declarations) and shows its help.
    @Test func everyDeclaredCommandIsFoundByItsPath() throws {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        let root = try CommandGrammar(dumpedHelp: try cli.run(["--experimental-dump-help"]).output)
        let paths = root.all().map(\.path).filter { !$0.isEmpty && $0.first != "help" }
        #expect(paths.count > 60, "\(paths.count)")
        for path in paths {
            let help = try cli.run(path + ["--help"])
            #expect(help.status == 0 && help.output.hasPrefix((["chengxin"] + path).joined(separator: " ") + " —— "), "\(path): \(help.errors)")
        }
    }

    /// Every command's and option's description is in the language asked for: each item of the
    /// Chinese manual page has Chinese in it, and the English one differs from it.
    @Test func everyDescriptionIsInBothLanguages() throws {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        func items(_ page: String) -> [String] {
            let lines = page.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var found: [String] = []
            for (i, line) in lines.enumerated() where line == ".TP" && i + 2 < lines.count { found.append(lines[i + 2]) }
            for (i, line) in lines.enumerated() where line.hasPrefix(".SS ") && i + 1 < lines.count { found.append(lines[i + 1]) }
            return found
        }
        let zh = items(try cli.run(["manual"]).output)
        let en = items(try cli.run(["manual", "--lang", "en"]).output)
        #expect(zh.count > 300 && zh.count == en.count, "\(zh.count) \(en.count)")
        let hasChinese = { (text: String) in text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }
        let untranslated = zh.filter { !hasChinese($0) && !["0", "1", "2"].contains($0) }
        #expect(untranslated.isEmpty, "\(untranslated.prefix(10))")
        let same = zip(zh, en).filter { $0 == $1 && !["0", "1", "2"].contains($0) }.map(\.0)
        #expect(same.isEmpty, "\(same.prefix(10))")
    }

    /// The completion scripts are made from the declarations and complete with the real shells.
    @Test func completionScriptsCompleteCommandsOptionsAndValues() throws {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        let folder = temporaryPath("completions")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (shell, option) in [("bash", "--format"), ("zsh", "'--format["), ("fish", "'format='")] {
            let script = try cli.run(["completion", shell])
            #expect(script.status == 0 && script.output.contains("merchant") && script.output.contains(option), "\(shell)")
            try script.output.write(toFile: "\(folder)/\(shell)", atomically: true, encoding: .utf8)
        }
        func complete(_ words: [String]) throws -> [String] {
            let line = words.joined(separator: " ")
            let script = "source \(folder)/bash; COMP_WORDS=(\(line)); COMP_CWORD=\(words.count - 1); COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}; "
                + "_chengxin chengxin '\(words.last ?? "")' '\(words.dropLast().last ?? "")'; printf '%s\\n' \"${COMPREPLY[@]}\""
            let done = try runToCompletion(["/bin/bash", "-c", script])
            #expect(done.status == 0, "\(done.errors)")
            return done.output.split(separator: "\n").map(String.init)
        }
        #expect(try complete(["chengxin", "merchant", "l"]) == ["list"])
        #expect(try complete(["chengxin", "merc"]).contains("merchant"))
        #expect(try complete(["chengxin", "merchant", "list", "--format", ""]).sorted() == ["csv", "json", "table"])
        #expect(try complete(["chengxin", "verify", "--anc"]).sorted() == ["--anchor", "--anchors"])

        if FileManager.default.isExecutableFile(atPath: "/usr/bin/fish") {
            let fish = try runToCompletion(["/usr/bin/fish", "-c", "source \(folder)/fish; complete -C 'chengxin merchant l'; complete -C 'chengxin merchant list --format '"])
            #expect(fish.status == 0, "\(fish.errors)")
            let words = fish.output.split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") }
            #expect(words.contains("list") && words.contains("csv") && words.contains("table"), "\(fish.output)")
        } else {
            Issue.record("fish is not installed (.ci/run installs it): the fish script was not tried")
        }
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/zsh") {
            let zsh = try runToCompletion(["/usr/bin/zsh", "-n", "\(folder)/zsh"])
            #expect(zsh.status == 0, "\(zsh.errors)")
        } else {
            Issue.record("zsh is not installed (.ci/run installs it): the zsh script was not read")
        }
    }

    /// The manual page: valid roff (no warning from groff), every command in it, both languages.
    @Test func theManualPageHasEveryCommand() throws {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        let folder = temporaryPath("manual")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for language in ["zh", "en"] {
            let page = try cli.run(["manual", "--lang", language])
            #expect(page.status == 0)
            try page.output.write(toFile: "\(folder)/chengxin.1", atomically: true, encoding: .utf8)
            let groff = try runToCompletion(["/usr/bin/env", "LANG=C.UTF-8", "groff", "-k", "-man", "-Tutf8", "-ww", "-z", "\(folder)/chengxin.1"])
            #expect(groff.status == 0 && groff.errors.isEmpty, "\(language): \(groff.errors)")
            let shown = try runToCompletion(["/usr/bin/env", "LANG=C.UTF-8", "MANWIDTH=100", "man", "-l", "\(folder)/chengxin.1"])
            #expect(shown.status == 0 && shown.errors.isEmpty, "\(shown.errors)")
            for command in ["chengxin merchant list", "chengxin complaint file", "chengxin store copy", "chengxin completion", "--format <format>"] {
                #expect(shown.output.contains(command), "\(language): \(command)")
            }
            #expect(shown.output.contains(language == "zh" ? "退出状态" : "EXIT STATUS"))
        }
    }

    /// The nearest names: a typo, a swap, an abbreviation; nothing for a word unlike any.
    @Test func suggestionsAreTheNearestNames() {
        let commands = ["dashboard", "init", "verify", "merchant", "member", "complaint", "kiosk"]
        #expect(Suggestions.nearest("dashbord", among: commands) == ["dashboard"])
        #expect(Suggestions.nearest("merchnat", among: commands) == ["merchant"])
        #expect(Suggestions.nearest("memebr", among: commands) == ["member"])
        #expect(Suggestions.nearest("compl", among: commands) == ["complaint"])
        #expect(Suggestions.nearest("xyz", among: commands).isEmpty)
        #expect(Suggestions.nearest("--fromat", among: ["--format", "--branch"]) == ["--format"])
    }
}
