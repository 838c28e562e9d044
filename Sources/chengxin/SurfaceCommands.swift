import ArgumentParser
import CBuildInfo
import CommandSurface
import Core
import Log

/// What `chengxin --version` says: the version, the log format it reads and writes, the build.
enum BuildInfo {
    /// The package's version (tools/package builds it in); empty in a build from a checkout.
    static var version: String { String(cString: chengxin_build_version()) }
    static var commit: String { String(cString: chengxin_build_commit()) }

    static func versionText(_ language: Language) -> String {
        #if DEBUG
        let configuration = "debug"
        #else
        let configuration = "release"
        #endif
        let version = self.version.isEmpty ? language.pick("开发版（从源码构建）", "development (built from a checkout)") : self.version
        let commit = self.commit.isEmpty ? language.pick("未记录提交", "commit not recorded") : language.pick("提交 ", "commit ") + self.commit
        return language.pick("chengxin \(version)\n日志格式：第 \(LogFormat.version) 版（读写此版本）\n构建：\(commit)，\(configuration)",
                             "chengxin \(version)\nlog format: version \(LogFormat.version) (reads and writes this version)\nbuild: \(commit), \(configuration)")
    }
}

/// `chengxin completion bash|zsh|fish`: the shell's completion script, made by
/// swift-argument-parser from the same declarations as the help (docs/cli.md, "Completions").
struct CompletionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: localized("打印 bash、zsh 或 fish 的命令行补全脚本（说明见 README）。",
                            "Print the command-line completion script for bash, zsh or fish (see the README)."))

    enum Shell: String, CaseIterable, ExpressibleByArgument {
        case bash, zsh, fish
    }

    @Argument(help: localized("bash、zsh 或 fish。", "bash, zsh or fish.")) var shell: Shell
    @Option(name: .long, help: localized("补全说明的语言：zh 或 en。", "Language of the completions' descriptions: zh or en.")) var lang: Language = .zh

    func run() throws {
        guard let shell = CompletionShell(rawValue: shell.rawValue) else { throw ExitCode(2) }
        print(Chengxin.completionScript(for: shell), terminator: "")
    }
}

/// `chengxin manual`: the manual page chengxin(1) in roff, from the same declarations.
struct ManualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual",
        abstract: localized("打印手册页 chengxin(1)（roff 格式；看：chengxin manual | man -l -）。",
                            "Print the manual page chengxin(1) in roff (read it with: chengxin manual --lang en | man -l -)."))

    @Option(name: .long, help: localized("手册页的语言：zh 或 en。", "Language of the manual page: zh or en.")) var lang: Language = .zh

    func run() throws {
        let version = BuildInfo.version.isEmpty ? "development" : BuildInfo.version
        guard let root = Chengxin.declarations(at: []) else { Chengxin.unreadableDeclarations() }
        print(ManualPage(root: root, language: lang, version: version).render(), terminator: "")
    }
}
