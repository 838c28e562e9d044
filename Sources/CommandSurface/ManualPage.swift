import Foundation
import Core

/// The manual page chengxin(1), in roff, made from the same declarations as the help: every
/// command with its usage, its arguments and options, then the common options, the exit status,
/// the environment and the files of a system install.
public struct ManualPage: Sendable {
    public let help: HelpPage
    public let version: String

    public init(root: CommandGrammar, language: Language, version: String) {
        help = HelpPage(root: root, language: language)
        self.version = version
    }

    func t(_ zh: String, _ en: String) -> String { help.language.pick(zh, en) }

    public func render() -> String {
        let root = help.root
        var out = [
            // The encoding, for man-db's manconv and groff's preconv (the text has Chinese in it).
            ".\\\" -*- coding: UTF-8 -*-",
            ".TH CHENGXIN 1 \"\" \"chengxin \(Self.escape(version))\" \"\(t("用户命令", "User Commands"))\"",
            // Left-aligned, not hyphenated: justified Chinese spreads a line across the page.
            ".ad l", ".nh",
            ".SH " + t("名称", "NAME"),
            "chengxin \\- " + Self.escape(root.abstract),
            ".SH " + t("概要", "SYNOPSIS"),
            ".B chengxin",
            t("[\\fI命令\\fR [\\fI子命令\\fR]] [\\fI参数\\fR] [\\fI选项\\fR]", "[\\fICOMMAND\\fR [\\fISUBCOMMAND\\fR]] [\\fIARGUMENTS\\fR] [\\fIOPTIONS\\fR]"),
            ".SH " + t("说明", "DESCRIPTION"),
        ]
        if !root.discussion.isEmpty { out.append(Self.escape(root.discussion)) }
        if let name = root.defaultSubcommand {
            out.append(".PP")
            out.append(Self.escape(t("不带命令时运行 chengxin \(name)。", "With no command, chengxin runs chengxin \(name).")))
        }
        out.append(".SH " + t("命令", "COMMANDS"))
        for (path, command) in root.all().dropFirst() where command.subcommands.isEmpty && command.name != "help" {
            let name = (["chengxin"] + path).joined(separator: " ")
            out.append(".SS \"\(Self.escape(name))\"")
            if !command.abstract.isEmpty { out.append(Self.escape(command.abstract)) }
            if !command.discussion.isEmpty { out += [".PP", Self.escape(command.discussion)] }
            out += [".PP", ".nf", Self.escape(help.usage(command, name: name)), ".fi"]
            let own = command.ownOptions(atRoot: false)
            for argument in command.arguments where argument.kind == .positional ? argument.isShown : own.contains(argument) {
                out += item(argument)
            }
        }
        out.append(".SH " + t("通用选项", "COMMON OPTIONS"))
        for argument in root.commonOptions { out += item(argument) }
        out += [".TP", "\\fB\\-h\\fR, \\fB\\-\\-help\\fR", Self.escape(help.helpRow.1)]
        out += [".TP", "\\fB\\-\\-version\\fR", Self.escape(help.versionHelp)]
        out += fixedSections()
        return out.joined(separator: "\n") + "\n"
    }

    func item(_ argument: ArgumentGrammar) -> [String] {
        let label: String
        switch argument.kind {
        case .positional: label = "\\fI\(Self.escape(argument.synopsis))\\fR"
        case .flag: label = argument.names.map { "\\fB\(Self.escape($0))\\fR" }.joined(separator: ", ")
        case .option: label = argument.names.map { "\\fB\(Self.escape($0))\\fR" }.joined(separator: ", ") + " \\fI<\(Self.escape(argument.valueName))>\\fR"
        }
        return [".TP", label, Self.escape(help.describe(argument))]
    }

    /// The sections that are not made from the declarations: exit status, environment, files.
    func fixedSections() -> [String] {
        let lines = [
            ".SH " + t("退出状态", "EXIT STATUS"),
            ".TP", "0", t("成功。", "Success."),
            ".TP", "1", t("检查或操作发现了问题（记录损坏、输入被拒），并已说明。", "The check or the operation found a problem (a damaged record, refused input), and said which."),
            ".TP", "2", t("用法错误：命令、选项或值写错了，什么也没有做。", "A usage error: a command, an option or a value was mistyped; nothing was done."),
            ".SH " + t("环境变量", "ENVIRONMENT"),
            ".TP", "CHENGXIN_DATA", t("数据目录（没有 --data 时）。", "The data directory (without --data)."),
            ".TP", "CHENGXIN_STORE", t("PostgreSQL 中的共享记录库（没有 --store 时）。", "The shared record in PostgreSQL (without --store)."),
            ".TP", "CHENGXIN_KEY", t("检查点的签名密钥（没有 --key 时）。", "The checkpoint signing key (without --key)."),
            ".TP", "CHENGXIN_PIN", t("--as 所指用户的 PIN（否则在终端上询问）。", "The PIN of the user named by --as (else asked on the terminal)."),
            ".SH " + t("文件", "FILES"),
            ".TP", "/etc/chengxin/chengxin.env",
            t("系统安装的数据目录、密钥和运行日志（/var/lib/chengxin、/var/log/chengxin，账户 chengxin），由下面的服务读取；个人运行 chengxin 时仍用自己账户的目录。",
              "The system install's data directory, key and operational log (under /var/lib/chengxin and /var/log/chengxin, account chengxin), read by the units below; a person running chengxin keeps the folders of their own account."),
            ".TP", "/etc/chengxin/kiosk.env",
            t("chengxin-kiosk@.service 的服务台 PIN 和选项（由管理员填写）。", "The kiosk's PIN and options for chengxin-kiosk@.service (written by the administrator)."),
            ".TP", "/lib/systemd/system/chengxin-kiosk@.service",
            t("开机时在虚拟控制台上运行服务台：systemctl enable --now chengxin-kiosk@tty1.service",
              "The kiosk on a virtual console at boot: systemctl enable --now chengxin-kiosk@tty1.service"),
            ".TP", "/usr/share/chengxin/seeds",
            t("随软件提供的名册、规则和检查清单，由 init 记入。", "The shipped roster, rules and checklist that init records."),
            ".TP", "/usr/share/bash-completion/completions/chengxin, /usr/share/zsh/vendor-completions/_chengxin, /usr/share/fish/vendor_completions.d/chengxin.fish",
            t("命令行补全（chengxin completion bash|zsh|fish 生成）。", "Shell completions (made by chengxin completion bash|zsh|fish)."),
            ".SH " + t("另见", "SEE ALSO"),
            t("/usr/share/doc/chengxin/cli.md（每个选项、退出状态和环境变量），以及同目录下的 guide-admin.md、guide-kiosk.md、guide-manager.md、guide-secretary.md。",
              "/usr/share/doc/chengxin/cli.md (every option, exit status and environment variable), guide-admin.md, guide-kiosk.md, guide-manager.md, guide-secretary.md beside it."),
        ]
        return lines.map { $0.hasPrefix(".") ? $0 : Self.escape($0) }
    }

    /// Text shown as it is: backslashes escaped, dashes as dashes, no line read as a request, and
    /// a break point (`\:`) after each Chinese character, which groff cannot find by itself.
    static func escape(_ text: String) -> String {
        var breakable = ""
        for character in text.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-") {
            breakable.append(character)
            if let scalar = character.unicodeScalars.first, (0x3000...0x9FFF).contains(scalar.value) || (0xFF00...0xFFEF).contains(scalar.value) {
                breakable += "\\:"
            }
        }
        return breakable
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") || $0.hasPrefix("'") ? "\\&" + $0 : String($0) }
            .joined(separator: "\n")
    }
}
