import Core

/// What the command line asked for, decided before swift-argument-parser reads it, so that every
/// mistake is answered in the user's language, names what was typed, and suggests the nearest
/// names (docs/cli.md, "Errors and help").
public enum CommandLineOutcome: Equatable, Sendable {
    /// Run the command: the arguments as the parser should read them (the subcommands' path first,
    /// then every option as `--name=value`, so that a value may begin with `-`, then `--` and the
    /// positional arguments).
    case run(path: [String], arguments: [String])
    /// Show the help of the command at this path.
    case help([String])
    case version
    case usage(UsageProblem)
}

/// The check of the arguments against the declarations (`CommandGrammar`).
public struct ArgumentCheck {
    /// The commands' tree: every command's name, abstract and subcommands, and the root's own
    /// options; the other commands' arguments may be left out and read with `declarations`.
    public let root: CommandGrammar
    /// The command at a path with its arguments (read only for the command that runs, so that a
    /// command does not pay for reading every command's declarations).
    let declarations: ([String]) -> CommandGrammar?

    public init(root: CommandGrammar, declarations: @escaping ([String]) -> CommandGrammar?) {
        self.root = root
        self.declarations = declarations
    }

    /// With every command's arguments in `root`.
    public init(root: CommandGrammar) {
        self.init(root: root) { root.descendant(at: $0) }
    }

    public func check(_ arguments: [String]) -> CommandLineOutcome {
        let beforeTerminator = arguments.prefix { $0 != "--" }
        let helpAsked = beforeTerminator.contains { $0 == "--help" || $0 == "-h" }
        var node = root
        var path: [String] = []
        var early: [String] = []
        var index = 0
        // The subcommands' path: the words that name subcommands, wherever options stand among
        // them. Before the command is known, a word after an option (`--lang en`) that names no
        // subcommand is taken as its value; the command's own check reads these options again.
        while index < arguments.count, arguments[index] != "--" {
            let argument = arguments[index]
            if typedAsOption(argument) {
                if argument == "--version", root.option(named: argument) != nil { return .version }
                early.append(argument)
                index += 1
                continue
            }
            if node.subcommands.isEmpty { break }
            if path.isEmpty, argument == "help" {
                return helpPath(Array(arguments[(index + 1)...]).filter { !isOptionLike($0) })
            }
            guard let next = node.subcommand(argument), next.isShown else {
                if let option = early.last, typedAsOption(option), !option.contains("="), index > 0, arguments[index - 1] == option {
                    early.append(argument)
                    index += 1
                    continue
                }
                return .usage(.unknownCommand(argument, path: path, suggestions: suggestions(argument, among: node.subcommands)))
            }
            node = next
            path.append(argument)
            index += 1
        }
        if !node.subcommands.isEmpty {
            if let name = node.defaultSubcommand, let command = node.subcommand(name), !helpAsked {
                node = command
                path.append(name)
            } else if helpAsked {
                return .help(path)
            } else {
                return .usage(.missingSubcommand(path: path, subcommands: node.subcommands.filter(\.isShown).map(\.name)))
            }
        }
        if helpAsked { return .help(path) }
        return checkArguments(early + arguments[index...], of: declarations(path) ?? node, at: path)
    }

    /// `chengxin help merchant list`: the help of the command named (a wrong name is a usage problem).
    func helpPath(_ words: [String]) -> CommandLineOutcome {
        var node = root
        var path: [String] = []
        for word in words {
            guard let next = node.subcommand(word), next.isShown, word != "help" || !path.isEmpty else {
                if node.subcommands.isEmpty { break }
                return .usage(.unknownCommand(word, path: path, suggestions: suggestions(word, among: node.subcommands)))
            }
            node = next
            path.append(word)
        }
        return .help(path)
    }

    func checkArguments(_ tokens: [String], of command: CommandGrammar, at path: [String]) -> CommandLineOutcome {
        var options: [String] = []
        var positionals: [String] = []
        var given = Set<String>()
        var index = 0
        var terminated = false
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            if terminated {
                positionals.append(token)
                continue
            }
            if token == "--" {
                terminated = true
                continue
            }
            // An option typed with a Chinese input method's dashes (——format, －－format).
            if let ascii = Self.typedWithWideDashes(token), command.option(named: split(ascii).name) != nil {
                return .usage(.wideDashes(token, meant: ascii))
            }
            // A word, or a value such as -5 where a positional argument is expected.
            guard isOptionLike(token), !(looksLikeValue(token) && command.option(named: token) == nil) else {
                positionals.append(token)
                continue
            }
            let (name, inline) = split(token)
            if name == "--version", inline == nil, root.option(named: name) != nil { return .version }
            guard let option = command.option(named: name) else {
                let names = command.options.filter(\.isShown).flatMap(\.names).filter { $0 != "-h" && $0 != "--version" }
                return .usage(.unknownOption(name, path: path, suggestions: Suggestions.nearest(name, among: names)))
            }
            given.insert(option.synopsis)
            if option.kind == .flag {
                if let inline { return .usage(.flagTakesNoValue(name, value: inline)) }
                options.append(name)
                continue
            }
            let value: String
            if let inline {
                value = inline
            } else {
                guard index < tokens.count else { return .usage(.missingValue(name, next: nil)) }
                let next = tokens[index]
                if next == "--" || (isOptionLike(next) && command.option(named: split(next).name) != nil) {
                    return .usage(.missingValue(name, next: next))
                }
                value = next
                index += 1
            }
            if let problem = choiceProblem(value, for: option, named: name) { return .usage(problem) }
            options.append(name + "=" + value)
        }
        let expected = command.positionals
        if positionals.count > expected.count, !(expected.last?.isRepeating ?? false) {
            return .usage(.unexpectedArgument(positionals[expected.count], path: path, expected: expected.map(\.synopsis)))
        }
        for (value, argument) in zip(positionals, expected) {
            if let problem = choiceProblem(value, for: argument, named: argument.synopsis) { return .usage(problem) }
        }
        let missing = expected.dropFirst(positionals.count).filter { !$0.isOptional }.map(\.synopsis)
            + command.options.filter { !$0.isOptional && !given.contains($0.synopsis) }.map(\.synopsis)
        if !missing.isEmpty { return .usage(.missingRequired(missing, path: path)) }
        return .run(path: path, arguments: path + options + (positionals.isEmpty ? [] : ["--"] + positionals))
    }

    func choiceProblem(_ value: String, for argument: ArgumentGrammar, named name: String) -> UsageProblem? {
        guard !argument.allowedValues.isEmpty, !argument.allowedValues.contains(value) else { return nil }
        return .notAChoice(name, value: value, choices: argument.allowedValues,
                           suggestions: Suggestions.nearest(value, among: argument.allowedValues))
    }

    func suggestions(_ word: String, among commands: [CommandGrammar]) -> [String] {
        Suggestions.nearest(word, among: commands.filter { $0.isShown && $0.name != "help" }.map(\.name))
    }

    /// `--name` or `--name=value` → the name and the value written after `=`.
    func split(_ token: String) -> (name: String, inline: String?) {
        guard token.hasPrefix("--"), let equals = token.firstIndex(of: "=") else { return (token, nil) }
        return (String(token[..<equals]), String(token[token.index(after: equals)...]))
    }

    /// `——format`, `－－format`, `—format`: dashes a Chinese input method or a word processor
    /// types for `--`, followed by a name; the option as it should be written (`--format`).
    static func typedWithWideDashes(_ token: String) -> String? {
        let dashes: Set<Character> = ["—", "－", "–", "―", "ー"]
        let name = token.drop { dashes.contains($0) }
        guard name.count < token.count, let first = name.first, first.isASCII, first.isLetter else { return nil }
        return "--" + name
    }

    /// An option, or one typed with an input method's dashes (the command's check says which).
    func typedAsOption(_ token: String) -> Bool {
        isOptionLike(token) || Self.typedWithWideDashes(token) != nil
    }

    func isOptionLike(_ token: String) -> Bool {
        token.hasPrefix("-") && token.count > 1 && token != "--"
    }

    /// `-5`, `-2+3`, `-.5`: a dash and no letter after it, which no option is called.
    func looksLikeValue(_ token: String) -> Bool {
        guard !token.hasPrefix("--"), let second = token.dropFirst().first else { return false }
        return !second.isLetter
    }
}
