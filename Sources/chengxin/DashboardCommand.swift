import App
import ArgumentParser
import Core
import Foundation
import Storage
import Terminal

struct Dashboard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard", abstract: localized("市场管理方和支部书记用的看板。", "The dashboard for market managers and branch secretaries."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    @Option(name: .long, help: localized("随附名册所在的文件夹（默认：在程序旁边查找）。", "Folder of the shipped roster (default: found beside the program)."))
    var seeds: String?

    @Flag(name: .long, help: localized("把东亚宽度不明的字符（★ ─ │）算作两列宽。", "Count East Asian ambiguous characters (★ ─ │) as two columns."))
    var wideAmbiguous = false

    @Option(name: .long, help: localized("配色：dark（深色，默认）、light（浅色）或 mono（单色）；设置 NO_COLOR 则不用颜色。", "Colours: dark (default), light or mono; NO_COLOR turns colours off."))
    var theme: String = "dark"

    @Flag(name: .long, help: localized("把鼠标留给终端（便于选中文字）；默认可以点击和使用滚轮。", "Leave the mouse to the terminal (for selecting text); clicks and the wheel are on by default."))
    var noMouse = false

    @OptionGroup var operationalLog: OperationalLogOptions

    func validate() throws {
        if Theme.named(theme) == nil {
            throw ValidationError(common.notAChoice("--theme", theme, Theme.byName.map(\.name)).text)
        }
    }

    func run() throws {
        // A terminal that cannot serve is said first, before the log is opened.
        do {
            try NcursesBackend.check(minimum: .smallestUsable)
        } catch {
            throw Console.refuse(error, common.lang)
        }
        // The operational log from here on (a terminal that cannot serve was told on the spot).
        let oplog = OperationalLogging(operationalLog, process: "dashboard", common: common)
        DisplayWidth.ambiguousIsWide = wideAmbiguous
        // A key inside the data directory is refused here too (it could re-sign a rewritten log);
        // the chain is checked below, on another thread, whether the state comes from the
        // snapshot or from replaying every record.
        let storage: DashboardStorage
        do throws(LocalizedMessage) {
            storage = try DashboardStorage.open(common.storage, seeds: seeds, beforeReplay: Console.announceReplay(common.lang))
        } catch {
            oplog.refused(error.text(common.lang))
            throw Console.fail(error.text(common.lang))
        }
        let backend: NcursesBackend
        do {
            backend = try NcursesBackend(mouse: !noMouse)
        } catch {
            oplog.refused(common.lang.pick(error.zh, error.en))
            throw Console.refuse(error, common.lang)
        }
        defer { backend.shutdown() }
        defer { oplog.ended() }
        var model = DashboardModel(language: common.lang, dataDirectory: storage.options.shownLocation, market: storage.store?.market, size: backend.size,
                                   today: MarketClock.today(), listsAtLogin: true)
        model.theme = ProcessInfo.processInfo.environment["NO_COLOR"] != nil ? .mono : (Theme.named(theme) ?? .dark)
        storage.startVerification()
        if let store = storage.store {
            model.logSummary = store.summary(common.lang)
            if let warning = store.log.warnings.first { model.notice = warning.text(common.lang) }
        }
        let environment = LoggedDashboard(LiveDashboard(storage), oplog.logger)
        // inotify wakes the loop as soon as another process appends; without it, poll every second.
        let watcher = storage.watcher
        backend.wakeDescriptor = watcher?.descriptor
        let tick = watcher?.descriptor == nil ? 1000 : 5000
        DashboardProgram.run(backend: LoggedBackend(backend, oplog.logger), model: &model, environment: environment, tickMilliseconds: tick)
        storage.store?.finishSnapshot()
    }
}

/// The dashboard's effects carried out by its storage (`DashboardStorage`), each answer made a
/// message for the screens.
final class LiveDashboard: DashboardEnvironment {
    let storage: DashboardStorage

    init(_ storage: DashboardStorage) {
        self.storage = storage
    }

    var working: Bool { storage.working }

    func perform(_ effect: DashboardEffect) -> DashboardMessage? {
        let language = storage.language
        switch effect {
        case .quit:
            return nil
        case .record(let body, let user):
            do throws(LocalizedMessage) {
                return try storage.record(body, by: user).map(LiveDashboard.marketChanged)
            } catch {
                return .failed(error.text(language))
            }
        case .loadAudit:
            guard let history = storage.history() else { return nil }
            let rows = history.records.map { sequence, event -> AuditRow in
                guard let event else {
                    return AuditRow(sequence: sequence, at: "", actor: "", type: language.pick("（无法解码）", "(undecodable)"), subject: "")
                }
                return AuditRow(sequence: sequence, event: event)
            }
            return .auditLoaded(rows, chain: history.chain)
        case .export(let kind, let format, let withPersonalData, let user):
            do throws(LocalizedMessage) {
                return try storage.export(ExportRequest(kind: kind, format: format, withPersonalData: withPersonalData), by: user)
                    .map(LiveDashboard.exportMessage)
            } catch {
                return .failed(error.text(language))
            }
        case .authenticate(let name, let pin):
            do throws(LocalizedMessage) {
                return try storage.signIn(name: name, pin: pin).map(DashboardMessage.authenticated)
            } catch {
                return .authenticationFailed(error.text(language))
            }
        case .createFromShippedRoster, .createDemo:
            do throws(LocalizedMessage) {
                return LiveDashboard.marketChanged(try storage.create(demo: effect == .createDemo))
            } catch {
                return .failed(error.text(language))
            }
        }
    }

    func poll() -> DashboardMessage? {
        switch storage.poll() {
        case nil: return nil
        case .export(let step)?: return LiveDashboard.exportMessage(step)
        case .marketChanged(let change)?: return LiveDashboard.marketChanged(change)
        case .logSummaryChanged(let summary)?: return .logSummaryChanged(summary)
        case .failed(let text)?: return .failed(text)
        }
    }

    private static func marketChanged(_ change: DashboardStorage.MarketChange) -> DashboardMessage {
        .marketChanged(change.market, logSummary: change.logSummary)
    }

    private static func exportMessage(_ step: DashboardStorage.ExportStep) -> DashboardMessage {
        switch step {
        case .progress(let done, let total): return .exportProgress(done: done, total: total)
        case .finished(let sentence): return .exportFinished(sentence)
        }
    }
}
