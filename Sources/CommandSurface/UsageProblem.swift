import Core

/// A mistake on the command line, said in one sentence in either language: it names the command,
/// the option and the value typed, and the nearest names when there are any. Every such mistake
/// ends the program with status 2 (docs/cli.md).
public enum UsageProblem: Error, Equatable, Sendable {
    case unknownCommand(String, path: [String], suggestions: [String])
    case missingSubcommand(path: [String], subcommands: [String])
    case unknownOption(String, path: [String], suggestions: [String])
    case missingValue(String, next: String?)
    case flagTakesNoValue(String, value: String)
    case notAChoice(String, value: String, choices: [String], suggestions: [String])
    case unexpectedArgument(String, path: [String], expected: [String])
    case missingRequired([String], path: [String])
    /// An option written with dashes that are not ASCII hyphens (`——format` for `--format`).
    case wideDashes(String, meant: String)
    /// A value the option's type does not take (`--points abc`), found by the parser itself.
    case invalidValue(String, value: String, help: String)
    /// An argument that is not UTF-8 text (its position from 1, and the option it is the value of).
    case notUTF8(position: Int, option: String?)
    /// Anything else the parser refused, in its own (English) words.
    case other(String)

    public var message: LocalizedMessage {
        switch self {
        case .unknownCommand(let word, let path, let suggestions):
            let (zhHead, enHead) = path.isEmpty
                ? ("没有「\(word)」这个命令", "there is no command '\(word)'")
                : ("\(Self.command(path)) 没有「\(word)」这个子命令", "\(Self.command(path)) has no subcommand '\(word)'")
            return LocalizedMessage(zh: zhHead + Self.didYouMean(suggestions, orSee: path, .zh),
                                    en: enHead + Self.didYouMean(suggestions, orSee: path, .en))
        case .missingSubcommand(let path, let subcommands):
            return LocalizedMessage(zh: "\(Self.command(path)) 后面要跟一个子命令：\(Self.list(subcommands, .zh))",
                                    en: "\(Self.command(path)) needs a subcommand: \(Self.list(subcommands, .en))")
        case .unknownOption(let name, let path, let suggestions):
            return LocalizedMessage(zh: "\(Self.command(path)) 没有 \(name) 这个选项" + Self.didYouMean(suggestions, orSee: path, .zh),
                                    en: "\(Self.command(path)) has no option \(name)" + Self.didYouMean(suggestions, orSee: path, .en))
        case .missingValue(let name, let next):
            guard let next else {
                return LocalizedMessage(zh: "选项 \(name) 后面缺少值", en: "option \(name) needs a value after it")
            }
            return LocalizedMessage(zh: "选项 \(name) 后面缺少值（紧跟的「\(next)」是另一个选项）",
                                    en: "option \(name) needs a value after it (the next argument, '\(next)', is another option)")
        case .flagTakesNoValue(let name, let value):
            return LocalizedMessage(zh: "\(name) 是开关，不带值（却给了「\(value)」）",
                                    en: "\(name) is a switch and takes no value (it was given '\(value)')")
        case .notAChoice(let name, let value, let choices, let suggestions):
            let hint = suggestions.first.map { ("；是不是要用 \($0)？", "; did you mean \($0)?") } ?? ("", "")
            return LocalizedMessage(zh: "\(name) 的值「\(value)」无效，应为 \(Self.list(choices, .zh))" + hint.0,
                                    en: "'\(value)' is not a value of \(name): use \(Self.list(choices, .en))" + hint.1)
        case .unexpectedArgument(let value, let path, let expected):
            if expected.isEmpty {
                return LocalizedMessage(zh: "\(Self.command(path)) 不接受参数，多了「\(value)」",
                                        en: "\(Self.command(path)) takes no arguments, but was given '\(value)'")
            }
            return LocalizedMessage(zh: "\(Self.command(path)) 只接受 \(expected.joined(separator: " "))，多了「\(value)」",
                                    en: "\(Self.command(path)) takes only \(expected.joined(separator: " ")), and '\(value)' is one too many")
        case .missingRequired(let names, let path):
            return LocalizedMessage(zh: "\(Self.command(path)) 还缺少 \(Self.list(names, .zh, and: true))（说明见 \(Self.command(path)) --help）",
                                    en: "\(Self.command(path)) also needs \(Self.list(names, .en, and: true)) (see \(Self.command(path)) --help)")
        case .wideDashes(let typed, let meant):
            return LocalizedMessage(zh: "「\(typed)」开头不是两个半角连字符（是不是用中文输入法打的？）；应写作 \(meant)",
                                    en: "'\(typed)' does not begin with two ASCII hyphens (typed with a Chinese input method?); write \(meant)")
        case .invalidValue(let name, let value, let help):
            let (zhHelp, enHelp) = help.isEmpty ? ("", "") : ("（\(help)）", " (\(help))")
            return LocalizedMessage(zh: "\(name) 的值「\(value)」无效\(zhHelp)", en: "'\(value)' is not a valid value of \(name)\(enHelp)")
        case .notUTF8(let position, let option):
            return LocalizedMessage(
                zh: "第 \(position) 个参数\(option.map { "（\($0) 的值）" } ?? "")不是有效的 UTF-8 文字，未做任何改动（终端或脚本是否用了别的编码？）",
                en: "argument \(position)\(option.map { " (the value of \($0))" } ?? "") is not valid UTF-8 text; nothing was done (is the terminal or the script in another encoding?)")
        case .other(let english):
            return LocalizedMessage(zh: "命令行有误：\(english)", en: english)
        }
    }

    static func command(_ path: [String]) -> String {
        (["chengxin"] + path).joined(separator: " ")
    }

    static func didYouMean(_ suggestions: [String], orSee path: [String], _ language: Language) -> String {
        if suggestions.isEmpty {
            return language.pick("；可用的见 \(command(path)) --help", "; see \(command(path)) --help")
        }
        return language.pick("；是不是要用 \(list(suggestions, .zh))？", "; did you mean \(list(suggestions, .en))?")
    }

    /// `a、b 或 c` / `a, b or c` (`和`/`and` for things all wanted).
    static func list(_ items: [String], _ language: Language, and: Bool = false) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        let head = items.dropLast()
        switch language {
        case .zh: return head.joined(separator: "、") + (and ? " 和 " : " 或 ") + last
        case .en: return head.joined(separator: ", ") + (and ? " and " : " or ") + last
        }
    }
}

extension UsageProblem {
    /// What the parser still refuses once the arguments passed `ArgumentCheck`: a value its type
    /// does not take (`--points abc`), said as `invalidValue` with the option's help; anything
    /// else in the parser's words.
    public init(parserMessage: String, of command: CommandGrammar?) {
        let pattern = /^The value '(?<value>.*)' is invalid for '(?<name>[^' ]+)[^']*'/
        guard let match = parserMessage.firstMatch(of: pattern) else {
            self = .other(parserMessage)
            return
        }
        let name = String(match.name)
        let argument = command?.arguments.first { $0.names.contains(name) || "<\($0.valueName)>" == name }
        self = .invalidValue(argument.map { $0.kind == .positional ? $0.synopsis : name } ?? name, value: String(match.value),
                             help: argument?.abstract ?? "")
    }
}
