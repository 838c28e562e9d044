import App
import ArgumentParser
import Core
import Foundation
import Log
import Logging
import OperationalLog
import Storage
import Terminal

/// `--oplog FILE`: where the dashboard and the kiosk keep their operational log.
struct OperationalLogOptions: ParsableArguments {
    @Option(name: .long, help: localized("运行日志，放在数据目录之外（默认：$CHENGXIN_OPLOG，否则 $XDG_STATE_HOME/chengxin/chengxin.log，即 ~/.local/state/chengxin/chengxin.log）。", "The operational log, outside the data directory (default: $CHENGXIN_OPLOG, else $XDG_STATE_HOME/chengxin/chengxin.log, i.e. ~/.local/state/chengxin/chengxin.log)."))
    var oplog: String?
}

/// The operational log of a long-running screen program (the dashboard, the kiosk): its start and
/// end, sign-ins (the user name only), each effect and how long it took, what failed, the start-up
/// chain check, what other processes appended, the window's size. Never a consumer's name, phone
/// or story, never a PIN (`OperationalLog.redacted`). A file that cannot be written is said once
/// on stderr, before the screen starts, and the program goes on without it.
struct OperationalLogging {
    let logger: Logger

    /// The signals that end a screen program after giving the terminal back (NcursesBackend).
    private static let signals: [(Int32, String)] = [(SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP"), (SIGINT, "SIGINT"), (SIGQUIT, "SIGQUIT")]

    /// Opens the operational log of `process` (`dashboard`, `kiosk`) and says "start": which build,
    /// the data directory, the terminal (`TERM`, the locale, the window's size), the language.
    init(_ options: OperationalLogOptions, process: String, common: CommonOptions) {
        let path = Locations.operationalLog(options.oplog)
        let line = OperationalLine(process: process, pid: getpid(), offsetSeconds: Event.marketOffsetSeconds)
        var file: OperationalLogFile?
        if CheckpointFiles.isInside(path, directory: common.dataDirectory) {
            Console.error(common.t("运行日志不能放在数据目录里（\(path)），这次不记运行日志。",
                                   "the operational log must not be inside the data directory (\(path)); none is kept this time."))
        } else {
            do throws(OperationalLogFile.Unwritable) {
                file = try OperationalLogFile(path: path, feedsExitNote: true)
            } catch {
                Console.error(common.t("无法写运行日志 \(path)（\(error.reason)），这次不记运行日志。",
                                       "cannot write the operational log \(path) (\(error.reason)); none is kept this time."))
            }
        }
        logger = OperationalLog.logger(file, line)
        if let file {
            ExitNote.prepare(file: file, line: line, signals: Self.signals)
            NcursesBackend.beforeSignalExit = { ExitNote.write(signal: $0) }
        }
        let size = NcursesBackend.windowSize.map { "\($0.width)x\($0.height)" }
        logger.info("start", metadata: ["build": .string(Self.build), "data": .string(common.dataDirectory), "lang": .string(common.lang.rawValue),
                                        "term": .string(ProcessInfo.processInfo.environment["TERM"] ?? ""),
                                        "locale": .string(NcursesBackend.localeSetting ?? ""), "size": .string(size ?? "unknown")])
    }

    /// Which build is running: there is no version number yet (docs/cli.md), so the executable's
    /// modification time stands for it.
    private static var build: String {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return "unknown" }
        var bytes = [UInt8](repeating: 0, count: OperationalTime.width)
        bytes.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress {
                OperationalTime.write(seconds: Int(info.st_mtim.tv_sec), milliseconds: 0, offsetSeconds: Event.marketOffsetSeconds, into: base)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The program stops before its screen started (the sentence it printed).
    func refused(_ text: String, _ more: Logger.Metadata = [:]) {
        logger.warning("did not start", metadata: more.merging(["reason": .string(OperationalLog.redacted(text))]) { $1 })
    }

    /// The screen ended and the program returns (a signal's end is the exit note's).
    func ended() {
        logger.notice("exit")
    }

    /// The start-up check of the whole log, as it ended.
    func checked(_ store: Store) { Self.checked(store, logger) }

    static func checked(_ store: Store, _ logger: Logger) {
        if let damage = store.log.damage {
            logger.error("start-up check found damage", metadata: ["records": "\(store.log.lastSequence)", "damage": .string(damage.en)])
        } else {
            logger.info("start-up check ended", metadata: ["records": "\(store.log.lastSequence)",
                                                           "verified": .string(store.verifiedUpTo.map { "\($0)" } ?? "no")])
        }
    }

    /// What a poll's new market came from: the data directory another process created, records
    /// other processes appended, or (the kiosk) a new day.
    static func changed(_ logger: Logger, from before: UInt64?, to after: UInt64?) {
        guard let after, after != before else {
            logger.info("the date changed")
            return
        }
        logger.info(before == nil ? "data directory opened" : "the log grew", metadata: ["from": .string(before.map { "\($0)" } ?? "none"), "records": "\(after)"])
    }

    static func readingFailed(_ logger: Logger, _ text: String) {
        logger.warning("reading the log failed", metadata: ["reason": .string(OperationalLog.redacted(text))])
    }

    /// How long `work` took, in milliseconds, with its answer.
    static func timed<Answer>(_ work: () -> Answer) -> (Answer, String) {
        let clock = ContinuousClock()
        let start = clock.now
        let answer = work()
        let elapsed = clock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        return (answer, String(format: "%.1f", milliseconds))
    }
}

/// The terminal with its size changes and the end of its input logged.
final class LoggedBackend: TerminalBackend {
    let backend: any TerminalBackend
    let logger: Logger
    private var logged: Size

    init(_ backend: any TerminalBackend, _ logger: Logger) {
        self.backend = backend
        self.logger = logger
        logged = backend.size
    }

    var size: Size { backend.size }

    func draw(_ grid: Grid) { backend.draw(grid) }

    func nextInput(timeoutMilliseconds: Int) -> InputEvent {
        let input = backend.nextInput(timeoutMilliseconds: timeoutMilliseconds)
        if input == .key(.resize), backend.size != logged {
            logged = backend.size
            logger.info("window resized", metadata: ["size": "\(logged.width)x\(logged.height)"])
        } else if input == .closed {
            logger.notice("input closed")
        }
        return input
    }
}

/// The dashboard's effects logged with how long they took, and what `poll` brought (another
/// process's appends, the end of the start-up check, a failure).
final class LoggedDashboard: DashboardEnvironment {
    let live: LiveDashboard
    let logger: Logger
    /// The start-up check was running and its end is not logged yet.
    private var checking: Bool

    init(_ live: LiveDashboard, _ logger: Logger) {
        self.live = live
        self.logger = logger
        checking = live.working
    }

    var working: Bool { live.working }

    private var records: UInt64? { live.storage.store?.log.lastSequence }

    func perform(_ effect: DashboardEffect) -> DashboardMessage? {
        var metadata: Logger.Metadata = [:]
        let name: String
        switch effect {
        case .quit:
            name = "quit"
        case .record(let body, let user):
            name = "record"
            metadata = ["type": .string(body.type), "user": .string(user.name)]
        case .loadAudit:
            name = "load audit"
        case .authenticate(let user, _):
            name = "sign-in"
            // Only a name the market knows: what was typed there may be a PIN typed in the wrong field.
            metadata = ["user": .string(live.storage.store?.market.users[user] != nil ? user : "(not a user)")]
        case .export(let kind, let format, let withPersonalData, let user):
            name = "export"
            metadata = ["kind": .string(kind.rawValue), "format": .string(format.rawValue), "personal": .string(withPersonalData ? "yes" : "no"),
                        "user": .string(user.name)]
        case .createFromShippedRoster, .createDemo:
            name = "create data directory"
            metadata = ["demo": .string(effect == .createDemo ? "yes" : "no")]
        }
        let (answer, milliseconds) = OperationalLogging.timed { live.perform(effect) }
        metadata["ms"] = .string(milliseconds)
        switch answer {
        case .failed(let text)?:
            metadata["reason"] = .string(OperationalLog.redacted(text))
            logger.warning("\(name) failed", metadata: metadata)
        case .authenticationFailed(let text)?:
            metadata["reason"] = .string(OperationalLog.redacted(text))
            logger.notice("sign-in refused", metadata: metadata)
        case .authenticated(let user)?:
            metadata["user"] = .string(user.name)
            metadata["role"] = .string(user.role.name(.en))
            logger.info("signed in", metadata: metadata)
        case .auditLoaded(let rows, _)?:
            metadata["rows"] = "\(rows.count)"
            logger.info("\(name) done", metadata: metadata)
        default:
            if let records { metadata["records"] = "\(records)" }
            logger.info("\(name) done", metadata: metadata)
        }
        noteCheckEnded()
        return answer
    }

    func poll() -> DashboardMessage? {
        let before = records
        let answer = live.poll()
        switch answer {
        case .marketChanged?: OperationalLogging.changed(logger, from: before, to: records)
        case .failed(let text)?: OperationalLogging.readingFailed(logger, text)
        case .exportFinished?: logger.info("export finished", metadata: records.map { ["records": "\($0)"] } ?? [:])
        default: break
        }
        noteCheckEnded()
        return answer
    }

    /// The start-up check ends on `poll` or inside an effect (a sign-in waits for it).
    private func noteCheckEnded() {
        guard checking, !live.working, let store = live.storage.store else { return }
        checking = false
        OperationalLogging.checked(store, logger)
    }
}

/// The kiosk's filings logged with how long they took (never what the consumer typed), and what
/// `poll` brought.
final class LoggedKiosk: KioskEnvironment {
    let live: LiveKiosk
    let logger: Logger

    init(_ live: LiveKiosk, _ logger: Logger) {
        self.live = live
        self.logger = logger
    }

    var watcher: (any ChangeWatcher)? { live.watcher }

    func now() -> Double { live.now() }

    private var records: UInt64 { live.storage.store.log.lastSequence }

    func perform(_ effect: KioskEffect) -> KioskMessage {
        let (answer, milliseconds) = OperationalLogging.timed { live.perform(effect) }
        switch (effect, answer) {
        case (.submit, .filed):
            logger.info("complaint filed", metadata: ["records": "\(records)", "ms": .string(milliseconds)])
        case (.submit(let submission), .failed(let text)):
            let personal = [submission.consumerName, submission.consumerPhone, submission.text].compactMap { $0 }
            logger.warning("complaint not filed", metadata: ["reason": .string(OperationalLog.redacted(text, removing: personal)),
                                                             "ms": .string(milliseconds)])
        default:
            logger.info("effect done", metadata: ["ms": .string(milliseconds)])
        }
        return answer
    }

    func poll() -> KioskMessage? {
        let before = records
        let answer = live.poll()
        switch answer {
        case .marketChanged?: OperationalLogging.changed(logger, from: before, to: records)
        case .failed(let text)?: OperationalLogging.readingFailed(logger, text)
        default: break
        }
        return answer
    }
}
