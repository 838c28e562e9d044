import ArgumentParser
import CommandSurface
import Core
import Foundation

/// `chengxin`: every command under one root (each family in its own file: DashboardCommand, InitCommand,
/// VerifyCommand, LogCommands, MerchantCommands, …); the dashboard is the default.
@main
struct Chengxin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chengxin",
        abstract: localized("诚信：中国（丹阳）眼镜城的诚信党建：看板、投诉服务台、可验证的日志。",
                            "the integrity programme (诚信) of the China (Danyang) Eyewear City: dashboard, complaint kiosk, verifiable log."),
        version: BuildInfo.versionText(CommandLineLanguage.chosen),
        subcommands: [Dashboard.self, Initialize.self, Verify.self, MakeCheckpoint.self, PrintLog.self, MerchantCommand.self, MemberCommand.self,
                      InspectionCommand.self, ComplaintCommand.self, PointsCommand.self, PanelCommand.self, UserCommand.self,
                      VetoCommand.self, RecordCommand.self, RatingsCommand.self, AppealCommand.self, ReplyCommand.self, PledgeCommand.self, ConductCommand.self, RulesCommand.self, ChecklistCommand.self, KioskCommand.self,
                      ExportCommand.self, ReportCommand.self, CompareCommand.self, ImportCommand.self, CalendarCommand.self, StoreCommand.self,
                      MirrorCommand.self, RestoreCommand.self, CompletionCommand.self, ManualCommand.self],
        defaultSubcommand: Dashboard.self
    )

    /// The commands' tree without their arguments (names, abstracts, subcommands, the root's
    /// `--version`), read from the commands' configurations: enough to find the command a line
    /// names, without reading every command's declarations (some 20 ms) on each run.
    static func outline(_ type: ParsableCommand.Type = Chengxin.self) -> CommandGrammar {
        let configuration = type.configuration
        let version = configuration.version.isEmpty ? [] : [ArgumentGrammar(kind: .flag, names: ["--version"], valueName: "version")]
        return CommandGrammar(
            name: type._commandName, abstract: configuration.abstract, discussion: configuration.discussion,
            isShown: configuration.shouldDisplay, defaultSubcommand: configuration.defaultSubcommand?._commandName,
            subcommands: configuration.subcommands.map { outline($0) }, arguments: type == Chengxin.self ? version : [])
    }

    /// The command at `path` with its arguments, from its own declarations only (at the root:
    /// every command's, for the help and the manual page).
    static func declarations(at path: [String]) -> CommandGrammar? {
        var type: ParsableCommand.Type = Chengxin.self
        for name in path {
            guard let next = type.configuration.subcommands.first(where: { $0._commandName == name }) else { return nil }
            type = next
        }
        return try? CommandGrammar(dumpedHelp: type._dumpHelp())
    }

    /// Runs the command. The arguments are checked against the declarations first
    /// (`ArgumentCheck`): a mistake is said in the chosen language and exits with status 2
    /// (docs/cli.md), `--help` shows `HelpPage`, `--version` the build.
    static func main() {
        // Past `ulimit -f` a write then fails with EFBIG (reported, nothing partial kept) instead
        // of SIGXFSZ killing the process in the middle of a record.
        signal(SIGXFSZ, SIG_IGN)
        let language = CommandLineLanguage.chosen
        // An argument that is not valid UTF-8 is refused before parsing (Swift would turn its bad
        // bytes into U+FFFD and record something nobody typed).
        if let problem = RawArguments.invalidUTF8Problem() { refuse(problem, language) }
        let arguments = Array(CommandLine.arguments.dropFirst())
        // swift-argument-parser's own entry points (the completion scripts call `---completion`).
        if let first = arguments.first, ["---completion", "--generate-completion-script", "--experimental-dump-help"].contains(first) {
            return parseAndRun(arguments, language)
        }
        switch ArgumentCheck(root: outline(), declarations: declarations(at:)).check(arguments) {
        case .run(let path, let checked):
            parseAndRun(checked, language, path: path)
        case .help(let path):
            guard let root = declarations(at: []) else { unreadableDeclarations() }
            Console.out(HelpPage(root: root, language: language).render(path, width: helpWidth()))
        case .version:
            Console.out(BuildInfo.versionText(language))
        case .usage(let problem):
            refuse(problem, language)
        }
    }

    static func parseAndRun(_ arguments: [String], _ language: Language, path: [String] = []) {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let error as ValidationError {
            // The commands' own checks (`validate()`), already in the chosen language.
            Console.error(error.message)
            Foundation.exit(2)
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            refuse(UsageProblem(parserMessage: message(for: error), of: declarations(at: path)), language)
        }
    }

    /// The declarations did not read back (a fault of the build, not of the user).
    static func unreadableDeclarations() -> Never {
        Console.error("the command line's declarations could not be read")
        Foundation.exit(70)
    }

    static func refuse(_ problem: UsageProblem, _ language: Language) -> Never {
        Console.error(problem.message.text(language))
        Foundation.exit(2)
    }

    /// The terminal's width for the help (COLUMNS, else the terminal's own, else 80), at most 100.
    static func helpWidth() -> Int {
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 20 { return min(columns, 100) }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return min(Int(size.ws_col), 100) }
        return 80
    }
}
