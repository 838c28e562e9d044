import Core
import Terminal

/// A command's help, in the chosen language, from its declarations: what it does, how it is
/// written, its arguments, its own options, the options every command takes, its subcommands.
public struct HelpPage: Sendable {
    public let root: CommandGrammar
    public let language: Language

    public init(root: CommandGrammar, language: Language) {
        self.root = root
        self.language = language
    }

    func t(_ zh: String, _ en: String) -> String { language.pick(zh, en) }

    public func render(_ path: [String], width: Int) -> String {
        guard let command = root.descendant(at: path) else { return "" }
        let name = (["chengxin"] + path).joined(separator: " ")
        var lines: [String] = []
        lines += TextLayout.wrap(name + (command.abstract.isEmpty ? "" : t(" —— ", " — ") + command.abstract), width: width)
        if !command.discussion.isEmpty {
            lines.append("")
            lines += TextLayout.wrap(command.discussion, width: width)
        }
        lines.append("")
        let usageLabel = t("用法：", "Usage: ")
        lines += TextLayout.wrap(usageLabel + usage(command, name: name), width: width, hangingIndent: DisplayWidth.of(usageLabel))
        let positionals = command.positionals.filter(\.isShown)
        if !positionals.isEmpty {
            lines += section(t("参数：", "Arguments:"), positionals.map { ($0.synopsis, describe($0)) }, width: width)
        }
        let own = command.ownOptions(atRoot: path.isEmpty)
        if !own.isEmpty {
            lines += section(t("选项：", "Options:"), own.map { (names($0), $0.preferredName == "--version" ? versionHelp : describe($0)) }, width: width)
        }
        if (command.subcommands.isEmpty && command.options.contains { $0.section == CommandGrammar.commonSection }) || path.isEmpty {
            lines += section(t("通用选项（每个命令都有）：", "Common options (every command takes them):"),
                             root.commonOptions.map { (names($0), describe($0)) } + [helpRow], width: width)
        }
        let subcommands = command.subcommands.filter { $0.isShown && $0.name != "help" }
        if !subcommands.isEmpty {
            let rows = subcommands.map { sub in
                (sub.name, sub.abstract + (sub.name == command.defaultSubcommand ? t("（默认）", " (the default)") : ""))
            }
            lines += section(path.isEmpty ? t("命令：", "Commands:") : t("子命令：", "Subcommands:"), rows, width: width)
            lines.append("")
            lines += TextLayout.wrap(t("每个命令的说明：\(name) <命令> --help。", "Each command's help: \(name) <COMMAND> --help."), width: width)
        }
        lines.append("")
        lines += TextLayout.wrap(t("英文帮助：加 --lang en。", "In Chinese: add --lang zh (the default)."), width: width)
        return lines.joined(separator: "\n")
    }

    /// `chengxin complaint file --category <category> … [选项]`.
    public func usage(_ command: CommandGrammar, name: String) -> String {
        if !command.subcommands.isEmpty {
            return name + t(" 命令 [选项]", " COMMAND [OPTIONS]")
        }
        let required = command.options.filter { !$0.isOptional }.map(\.synopsis)
        let positionals = command.positionals.map { $0.isOptional ? "[\($0.synopsis)]" : $0.synopsis }
        return ([name] + required + positionals + [t("[选项]", "[OPTIONS]")]).joined(separator: " ")
    }

    /// The options every command takes, as declared in the first command that runs.

    var helpRow: (String, String) {
        ("-h, --help", t("显示这份帮助（加 --lang en 看英文）。", "Show this help (add --lang zh for Chinese)."))
    }

    var versionHelp: String {
        t("显示版本、所读写的日志格式版本和构建信息。", "Show the version, the log format version read and written, and the build.")
    }

    func names(_ argument: ArgumentGrammar) -> String {
        let written = argument.names.joined(separator: ", ")
        return argument.kind == .option ? "\(written) <\(argument.valueName)>" : written
    }

    /// The help, then what is required, allowed, repeatable and the default.
    public func describe(_ argument: ArgumentGrammar) -> String {
        var notes: [String] = []
        if !argument.isOptional && argument.kind == .option { notes.append(t("必填", "required")) }
        if !argument.allowedValues.isEmpty {
            notes.append(t("可选值：", "values: ") + argument.allowedValues.joined(separator: t("、", ", ")))
        }
        if argument.isRepeating { notes.append(t("可重复", "repeatable")) }
        if let value = argument.defaultValue, !value.isEmpty, argument.kind != .flag {
            notes.append(t("默认：", "default: ") + value)
        }
        guard !notes.isEmpty else { return argument.abstract }
        return argument.abstract + t("（" + notes.joined(separator: "；") + "）", " (" + notes.joined(separator: "; ") + ")")
    }

    /// A titled list of names and descriptions in two columns, descriptions wrapped beside them.
    func section(_ title: String, _ rows: [(String, String)], width: Int) -> [String] {
        let column = min(30, (rows.map { DisplayWidth.of($0.0) }.max() ?? 0) + 4)
        var lines = ["", title]
        for (name, text) in rows {
            let wrapped = TextLayout.wrap(text, width: max(20, width - column))
            let label = "  " + name
            if DisplayWidth.of(label) + 2 > column {
                lines.append(label)
                lines += wrapped.map { String(repeating: " ", count: column) + $0 }
            } else {
                let pad = String(repeating: " ", count: column - DisplayWidth.of(label))
                lines += wrapped.enumerated().map { i, line in (i == 0 ? label + pad : String(repeating: " ", count: column)) + line }
                if wrapped.isEmpty { lines.append(label) }
            }
        }
        return lines
    }
}
