import ArgumentParser
import Foundation
import Terminal

/// `chengxin`: every command under one root (each family in its own file: DashboardCommand, InitCommand,
/// VerifyCommand, LogCommands, MerchantCommands, …); the dashboard is the default.
@main
struct Chengxin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chengxin",
        abstract: localized("诚信——中国（丹阳）眼镜城诚信党建。", "诚信 — the integrity programme of the China (Danyang) Eyewear City."),
        subcommands: [Dashboard.self, Initialize.self, Verify.self, MakeCheckpoint.self, PrintLog.self, MerchantCommand.self, MemberCommand.self,
                      InspectionCommand.self, ComplaintCommand.self, PointsCommand.self, PanelCommand.self, UserCommand.self,
                      VetoCommand.self, RecordCommand.self, RatingsCommand.self, AppealCommand.self, ReplyCommand.self, PledgeCommand.self, ConductCommand.self, RulesCommand.self, ChecklistCommand.self, KioskCommand.self,
                      ExportCommand.self, ReportCommand.self, CompareCommand.self, ImportCommand.self, CalendarCommand.self, StoreCommand.self,
                      MirrorCommand.self, RestoreCommand.self],
        defaultSubcommand: Dashboard.self
    )

    /// Runs the command; usage errors exit with status 2 (docs/cli.md), not ArgumentParser's 64.
    static func main() {
        // Past `ulimit -f` a write then fails with EFBIG (reported, nothing partial kept) instead
        // of SIGXFSZ killing the process in the middle of a record.
        signal(SIGXFSZ, SIG_IGN)
        // An argument that is not valid UTF-8 is refused before parsing (Swift would turn its bad
        // bytes into U+FFFD and record something nobody typed).
        if let problem = RawArguments.invalidUTF8Problem() {
            FileHandle.standardError.write(Data(("chengxin: " + problem + "\n").utf8))
            Foundation.exit(1)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                // The message may quote what was typed: made safe for the terminal like all output.
                let message = fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false).map { SafeText.sanitize(String($0)) }.joined(separator: "\n")
                FileHandle.standardError.write(Data((message + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
