import App
import ArgumentParser
import Codec
import Core
import Foundation
import Log
import Terminal

extension Language: ExpressibleByArgument {}

/// Options every command takes.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory (default: $CHENGXIN_DATA, else $XDG_DATA_HOME/chengxin, i.e. ~/.local/share/chengxin).")
    var data: String?

    @Option(name: .long, help: "Language of messages: zh or en.")
    var lang: Language = .zh

    @Option(name: .long, help: "Checkpoint signing key, outside the data directory (default: $CHENGXIN_KEY, else ~/.config/chengxin/checkpoint.key).")
    var key: String?

    var dataDirectory: String { Locations.dataDirectory(data) }

    /// The checkpoint files, or a problem when the key would sit inside the data directory.
    func checkpointFiles() throws(CLIProblem) -> CheckpointFiles {
        let path = Locations.keyFile(key)
        if CheckpointFiles.isInside(path, directory: dataDirectory) {
            throw CLIProblem(text: t("签名密钥不能放在数据目录里（\(path)）：能改日志的人也就能重签检查点。请放到数据目录之外。",
                                     "the signing key must not be inside the data directory (\(path)): whoever can rewrite the log could re-sign it. Keep it elsewhere."))
        }
        return CheckpointFiles(keyPath: path)
    }

    func t(_ zh: String, _ en: String) -> String { lang.pick(zh, en) }

    /// The key that authenticates snapshots, derived from this user's checkpoint key (nil without
    /// one: then no snapshot is read or written, and every open replays the log).
    var snapshotKey: SnapshotKey? { (try? checkpointFiles())?.snapshotKey() }

    /// The data directory opened read-only (from its snapshot when authentic and intact); a
    /// problem ends the command.
    func openForReading() throws -> Store {
        let store: Store
        do {
            store = try Store.open(dataDirectory, writable: false, snapshotKey: snapshotKey)
        } catch {
            throw Console.fail(error.text(lang))
        }
        // A fixed clock ($CHENGXIN_TODAY) only on training data.
        do throws(CLIProblem) { try MarketClock.admit(store.market, lang) } catch { throw Console.fail(error.text) }
        // What a damaged log still shows is said to be incomplete, before it is shown.
        if let damage = store.log.damage, case .corrupt = damage { Console.error(damage.text(lang)) }
        return store
    }

    /// Any error as one sentence in the chosen language.
    func describe(_ error: any Error) -> String {
        if let problem = error as? CLIProblem { return problem.text }
        if let logError = error as? LogError { return logError.text(lang) }
        if let message = error as? LocalizedMessage { return message.text(lang) }
        return "\(error)"
    }
}

/// Printing for people: untrusted text is made safe line by line; errors go to stderr.
enum Console {
    static func out(_ text: String) {
        let safe = text.split(separator: "\n", omittingEmptySubsequences: false).map { SafeText.sanitize(String($0)) }.joined(separator: "\n")
        FileHandle.standardOutput.write(Data((safe + "\n").utf8))
    }

    /// Said before a long replay (no usable snapshot: the first open after an upgrade, or a damaged
    /// snapshot), so that a person does not look at an empty terminal for seconds.
    static func announceReplay(_ language: Language) -> (Int) -> Void {
        { size in
            guard size > 20_000_000 else { return }
            let mib = size / 1_048_576
            FileHandle.standardError.write(Data((language.pick("正在逐条读取日志（\(mib) MiB，没有可用的快照），请稍候…",
                                                               "reading every record of the log (\(mib) MiB, no usable snapshot), please wait…") + "\n").utf8))
        }
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("chengxin: " + SafeText.sanitize(text) + "\n").utf8))
    }

    /// JSON text with every scalar that must not reach a terminal written as a \u escape.
    static func jsonEscapingUnsafe(_ json: String) -> String {
        var out = ""
        for scalar in json.unicodeScalars {
            if SafeText.needsReplacement(scalar) {
                out += String(format: "\\u%04x", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Prints a problem and exits with status 1.
    static func fail(_ text: String) -> ExitCode {
        error(text)
        return ExitCode(1)
    }

    /// A terminal the screens cannot use: said in both languages (the chosen one first; a terminal
    /// that cannot show Chinese still shows the English), exit status 2.
    static func refuse(_ unusable: NcursesBackend.Unusable, _ language: Language) -> ExitCode {
        error(language.pick(unusable.zh, unusable.en))
        error(language.pick(unusable.en, unusable.zh))
        return ExitCode(2)
    }
}

@main
struct Chengxin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chengxin",
        abstract: "诚信 — the integrity programme of the China (Danyang) Eyewear City.",
        subcommands: [Dashboard.self, Initialize.self, Verify.self, MakeCheckpoint.self, PrintLog.self, MerchantCommand.self,
                      InspectionCommand.self, ComplaintCommand.self, PointsCommand.self, UserCommand.self,
                      VetoCommand.self, RecordCommand.self, RatingsCommand.self, AppealCommand.self, ReplyCommand.self, KioskCommand.self,
                      ExportCommand.self, ReportCommand.self, ImportCommand.self, CalendarCommand.self],
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

struct Dashboard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard", abstract: "The dashboard for market managers and branch secretaries (the default).")

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "Folder of the shipped roster (default: found beside the program).")
    var seeds: String?

    @Flag(name: .long, help: "Count East Asian ambiguous characters (★ ─ │) as two columns.")
    var wideAmbiguous = false

    @Option(name: .long, help: "Colours: dark (default), light or mono; NO_COLOR turns colours off.")
    var theme: String = "dark"

    @Flag(name: .long, help: "Leave the mouse to the terminal (for selecting text); clicks and the wheel are on by default.")
    var noMouse = false

    func validate() throws {
        if Theme.named(theme) == nil {
            throw ValidationError(common.t("--theme 应为 dark、light 或 mono", "--theme must be dark, light or mono"))
        }
    }

    func run() throws {
        // A terminal that cannot serve is said first, before the log is opened.
        do {
            try NcursesBackend.check(minimum: .smallestUsable)
        } catch {
            throw Console.refuse(error, common.lang)
        }
        DisplayWidth.ambiguousIsWide = wideAmbiguous
        let directory = common.dataDirectory
        // A key inside the data directory is refused here too (it could re-sign a rewritten log).
        do {
            _ = try common.checkpointFiles()
        } catch {
            throw Console.fail(error.text)
        }
        var store: Store?
        if FileManager.default.fileExists(atPath: EventLog.logPath(in: directory)) {
            do {
                // The chain is checked below, on another thread, whether the state comes from
                // the snapshot or from replaying every record.
                store = try Store.open(directory, snapshotKey: common.snapshotKey, beforeReplay: Console.announceReplay(common.lang), chainCheck: .deferred)
            } catch {
                throw Console.fail(error.text(common.lang))
            }
            if let market = store?.market {
                do throws(CLIProblem) { try MarketClock.admit(market, common.lang) } catch { throw Console.fail(error.text) }
            }
        }
        let backend: NcursesBackend
        do {
            backend = try NcursesBackend(mouse: !noMouse)
        } catch {
            throw Console.refuse(error, common.lang)
        }
        defer { backend.shutdown() }
        var model = DashboardModel(language: common.lang, dataDirectory: directory, market: store?.market, size: backend.size, today: MarketClock.today(), listsAtLogin: true)
        model.theme = ProcessInfo.processInfo.environment["NO_COLOR"] != nil ? .mono : (Theme.named(theme) ?? .dark)
        // The signed checkpoints are part of the start-up check (a rolled-back log is not written to).
        if let files = try? common.checkpointFiles() { store?.enableCheckpoints(files) }
        if let store {
            // The whole log is checked once at start-up, in the background (the status bar says
            // 校验中… until it is done, then 已校验 or what is wrong); a write waits for it.
            store.startVerification()
            model.logSummary = store.summary(common.lang)
            if let warning = store.log.warnings.first { model.notice = warning.text(common.lang) }
        }
        let environment = LiveDashboard(directory: directory, seeds: seeds, common: common, store: store)
        // inotify wakes the loop as soon as another process appends; without it, poll every second.
        let watcher = environment.watcher
        backend.wakeDescriptor = watcher?.descriptor
        let tick = watcher?.descriptor == nil ? 1000 : 5000
        store?.writesSnapshotsInBackground = true
        DashboardProgram.run(backend: backend, model: &model, environment: environment, tickMilliseconds: tick)
        environment.store?.finishSnapshot()
    }
}

/// The dashboard's link to the data directory: creates it from the seeds when asked and reads
/// what other processes append.
final class LiveDashboard: DashboardEnvironment {
    let directory: String
    let seeds: String?
    let language: Language
    /// Snapshots are read and written with it (none without a checkpoint key; the first run
    /// creates the key, as `chengxin init` does).
    private(set) var snapshotKey: SnapshotKey?
    /// The signed checkpoints, checked before the first append and extended every 1,000 records.
    let checkpointFiles: CheckpointFiles?
    /// Snapshots are written on another thread while the dashboard is open.
    var store: Store? {
        didSet { store?.writesSnapshotsInBackground = true }
    }

    init(directory: String, seeds: String?, common: CommonOptions, store: Store?) {
        self.directory = directory
        self.seeds = seeds
        self.language = common.lang
        self.snapshotKey = common.snapshotKey
        self.checkpointFiles = try? common.checkpointFiles()
        self.store = store
    }

    /// The start-up chain check is still running (its result is taken by `poll`).
    var working: Bool { store?.verifying ?? false }

    func perform(_ effect: DashboardEffect) -> DashboardMessage? {
        switch effect {
        case .quit:
            return nil
        case .record(let body, let user):
            guard let store else { return nil }
            do {
                let today = MarketClock.today()
                try store.append(events: { market in
                    do throws(LocalizedMessage) {
                        try market.validate(body, by: user, today: today)
                    } catch {
                        throw CLIProblem(text: error.text(self.language))
                    }
                    return [Event(actor: user.name, at: Event.timestamp(Date()), key: "\(body.type):\(UUID().uuidString)", body: body)]
                })
                return .marketChanged(store.market, logSummary: store.summary(language))
            } catch {
                return .failed((error as? CLIProblem)?.text ?? (error as? LogError)?.text(language) ?? "\(error)")
            }
        case .loadAudit:
            // The history is read from the log itself (the store keeps only the folded state).
            guard let log = try? EventLog.open(directory: directory, writable: false) else { return nil }
            let rows = log.records.reversed().map { record -> AuditRow in
                guard let event = try? EventCodec.decode(Data(record.payload)) else {
                    return AuditRow(sequence: record.sequence, at: "", actor: "", type: language.pick("（无法解码）", "(undecodable)"), subject: "")
                }
                return AuditRow(sequence: record.sequence, event: event)
            }
            let chain: String
            if let report = try? LogVerifier.verify(directory: directory) {
                chain = (report.intact ? language.pick("完好", "intact") : language.pick("已损坏", "damaged")) + language.pick("，\(report.recordCount) 条，链头 ", ", \(report.recordCount) records, head ") + hexString(report.headHash)
            } else {
                chain = language.pick("无法校验", "cannot be verified")
            }
            return .auditLoaded(Array(rows), chain: chain)
        case .export(let kind, let format, let withPersonalData, let user):
            guard let store else { return nil }
            let request = ExportRequest(kind: kind, format: format, withPersonalData: withPersonalData)
            let today = MarketClock.today()
            do throws(CLIProblem) {
                let path = request.defaultPath(today: today)
                try exports.start(request, market: store.market, today: today, user: user, path: path, language: language)
                if let disclosed = exports.disclosure {
                    // Recorded before the file is written; if it cannot be recorded, nothing is exported.
                    do throws(CLIProblem) {
                        try Disclosure.record(store, by: user, DataDisclosed(via: .dashboard, command: "export \(kind.rawValue)", fields: disclosed.fields,
                                                                             from: nil, through: store.log.lastSequence, count: disclosed.rows,
                                                                             destination: path), language: language)
                    } catch {
                        exports.cancel()
                        throw error
                    }
                }
                return try exportSlice(rows: 0)
            } catch {
                return .failed(error.text)
            }
        case .authenticate(let name, let pin):
            guard let store else { return nil }
            // The one sign-in (SignIn.swift): throttled across processes, a wrong PIN recorded; a
            // damaged (read-only) log is still opened for reading, without the record.
            let user: User
            do throws(CLIProblem) {
                user = try SignIn.check(store, name: name, pin: pin, via: .dashboard, command: nil, language: language,
                                        consequence: ("未登录", "not signed in"), allowUnrecorded: true)
            } catch {
                return .authenticationFailed(error.text)
            }
            if user.role == .kiosk {
                return .authenticationFailed(language.pick("服务台账号请使用 chengxin kiosk", "kiosk accounts use chengxin kiosk"))
            }
            return .authenticated(user)
        case .createFromShippedRoster, .createDemo:
            if effect == .createFromShippedRoster, MarketClock.override != nil {
                return .failed(language.pick("设置了 \(MarketClock.variable) 时不能建正式数据目录；请取消它，或选择演示数据。",
                                             "a production data directory cannot be made while \(MarketClock.variable) is set; unset it, or choose the demo."))
            }
            do {
                // As `chengxin init`: the checkpoint key first (snapshots are authenticated with it),
                // then the records, then the first signed checkpoint.
                let key = try checkpointFiles.map { try $0.loadOrCreateKey().key }
                if let key { snapshotKey = SnapshotKey(checkpointKey: key) }
                let (created, _) = try Initialize.createFromSeeds(directory: directory, seeds: seeds, language: language,
                                                                  snapshotKey: snapshotKey, checkpoints: checkpointFiles)
                if effect == .createDemo {
                    try Initialize.addDemo(to: created)
                    try Initialize.markTraining(created, purpose: "demo", language: language)
                }
                if let key, let files = checkpointFiles {
                    try created.log.writeCheckpoint(files: files, key: key, at: Event.timestamp(Date()))
                }
                created.verifyChain()
                created.writeSnapshot()
                store = created
                return .marketChanged(created.market, logSummary: created.summary(language))
            } catch {
                return .failed((error as? CLIProblem)?.text ?? "\(error)")
            }
        }
    }

    /// Watches the data directory (or, before it exists, nothing: the loop then polls).
    private(set) lazy var watcher: LogWatcher? = FileManager.default.fileExists(atPath: directory) ? LogWatcher(directory: directory) : nil

    /// The export the dashboard asked for, written a slice at a time between key presses.
    let exports = ExportRunner()

    private func exportSlice(rows: Int) throws(CLIProblem) -> DashboardMessage {
        let (done, total, finished) = try exports.step(rows: rows)
        return finished.map(DashboardMessage.exportFinished) ?? .exportProgress(done: done, total: total)
    }

    func poll() -> DashboardMessage? {
        if exports.isRunning {
            do throws(CLIProblem) {
                return try exportSlice(rows: 500)
            } catch {
                return .failed(error.text)
            }
        }
        _ = watcher?.drain()
        guard let store else {
            // Another process (chengxin init in another terminal) may have created the log.
            guard FileManager.default.fileExists(atPath: EventLog.logPath(in: directory)),
                  let opened = try? Store.open(directory, snapshotKey: snapshotKey) else { return nil }
            do throws(CLIProblem) { try MarketClock.admit(opened.market, language) } catch { return .failed(error.text) }
            if let checkpointFiles { opened.enableCheckpoints(checkpointFiles) }
            opened.verifyChain()
            self.store = opened
            return .marketChanged(opened.market, logSummary: opened.summary(language))
        }
        do {
            let verified = store.collectVerification()
            guard try store.refresh() else {
                return verified ? .logSummaryChanged(store.summary(language)) : nil
            }
            _ = store.collectVerification()
            return .marketChanged(store.market, logSummary: store.summary(language))
        } catch {
            return .failed(error.text(language))
        }
    }
}

/// A problem to tell the user, already in their language.
struct CLIProblem: Error {
    let text: String
}

/// Anything with a Chinese and an English sentence, shown in the user's language.
protocol BilingualText {
    var zh: String { get }
    var en: String { get }
}

extension BilingualText {
    func text(_ language: Language) -> String { language.pick(zh, en) }
}

extension LogError: BilingualText {}
extension LogWarning: BilingualText {}
extension CheckpointProblem: BilingualText {}

struct Initialize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create the data directory from seeds/ (roster, rules, checklist).")

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "Folder of the roster to record (default: the shipped seeds/).")
    var seeds: String?

    @Flag(name: .long, help: "Also add a year (2026) of generated, clearly fictional history, with demo users and published demo PINs (training data).")
    var demo = false

    @Flag(name: .long, help: "Mark a new data directory as training data, where $CHENGXIN_TODAY may fix the date (never on production data).")
    var training = false

    func run() throws {
        let directory = common.dataDirectory
        let store: Store
        let written: Int
        // The checkpoint key first: the snapshots written from the start are authenticated with it.
        var keyCreated = false
        if let files = try? common.checkpointFiles(), let (_, created) = try? files.loadOrCreateKey() { keyCreated = created }
        do {
            (store, written) = try Initialize.createFromSeeds(directory: directory, seeds: seeds, language: common.lang,
                                                              snapshotKey: common.snapshotKey, checkpoints: try? common.checkpointFiles())
        } catch {
            throw Console.fail(error.text)
        }
        for warning in store.log.warnings { Console.error(warning.text(common.lang)) }
        if demo {
            do {
                let added = try Initialize.addDemo(to: store)
                Console.out(common.t("已加入演示数据：\(added) 条事件（2026 年，虚构）。演示用户与 PIN：", "added demo history: \(added) events (2026, fictional). Demo users and PINs:"))
                for user in DemoHistory.users {
                    Console.out("  \(user.name)  PIN \(user.pin)  \(user.role.name(common.lang))")
                }
            } catch let skipped as DemoHistory.Skipped {
                throw Console.fail("demo: " + skipped.messages.joined(separator: "; "))
            } catch {
                throw Console.fail(common.describe(error))
            }
        }
        var marked = false
        if demo || training {
            do {
                marked = try Initialize.markTraining(store, purpose: demo ? "demo" : "training", language: common.lang)
                if marked {
                    Console.out(common.t("已标为培训数据：可以用 CHENGXIN_TODAY 固定日期。", "marked as training data: CHENGXIN_TODAY may fix the date."))
                }
            } catch {
                throw Console.fail(common.describe(error))
            }
        }
        let market = store.market
        if written == 0 && !marked {
            Console.out(common.t("数据目录 \(directory) 已经记录了这份名册，未做任何改动（日志 \(store.log.lastSequence) 条记录）。",
                                 "the data directory \(directory) already holds this roster; nothing was changed (\(store.log.lastSequence) records)."))
            return
        }
        do {
            let files = try common.checkpointFiles()
            let (key, created) = try files.loadOrCreateKey()
            let checkpoint = try store.log.writeCheckpoint(files: files, key: key, at: Event.timestamp(Date()))
            if created || keyCreated {
                Console.out(common.t("已创建检查点签名密钥：\(files.keyPath)（请妥善保管，勿放入数据目录）",
                                     "created the checkpoint signing key: \(files.keyPath) (keep it safe, outside the data directory)"))
            }
            Console.out(common.t("已签名检查点：第 \(checkpoint.sequence) 条", "signed checkpoint at record \(checkpoint.sequence)"))
        } catch {
            Console.error(common.t("未能写入检查点：", "could not write a checkpoint: ") + common.describe(error))
        }
        Console.out(common.t(
            "数据目录：\(directory)\n已记录：\(market.branches.count) 个党支部，\(market.merchants.count) 家党员经营户，评级规则与检查清单。\n日志共 \(store.log.lastSequence) 条记录，链头哈希 \(hexString(store.log.headHash))",
            "data directory: \(directory)\nrecorded: \(market.branches.count) branches, \(market.merchants.count) member shops, rating rules and checklist.\nthe log holds \(store.log.lastSequence) records; head hash \(hexString(store.log.headHash))"))
    }

    /// Appends the demo history after the roster (idempotent by its keys). Returns the events added.
    @discardableResult
    static func addDemo(to store: Store) throws -> Int {
        // The demo numbers its records after the roster's: it goes only into a log that holds the roster alone.
        let full = try EventLog.open(directory: store.log.directory, writable: false)
        let existing = full.records.compactMap { try? EventCodec.decode(Data($0.payload)) }
        if existing.contains(where: { ($0.key ?? "").hasPrefix("demo:") }) { return 0 }
        guard existing.count == full.records.count, existing.allSatisfy({ ($0.key ?? "").hasPrefix("init:") }) else {
            throw CLIProblem(text: "演示数据只能加到只含名册的新数据目录中（the demo goes only into a new data directory that holds just the roster）")
        }
        let roster = existing
        let history = try DemoHistory.events(after: roster) { pin in
            try PINHash.make(pin: pin, salt: (0..<16).map { _ in UInt8.random(in: 0...255) })
        }
        return try store.append(history)
    }

    /// Marks the data directory as training data (`market.training`, key `init:training`), when it
    /// holds nothing but the roster and the demo: a directory with real records stays production
    /// data. Returns whether the mark was written now (false: it was there already).
    @discardableResult
    static func markTraining(_ store: Store, purpose: String, language: Language) throws -> Bool {
        if store.market.training != nil { return false }
        let full = try EventLog.open(directory: store.log.directory, writable: false)
        let keys = full.records.map { (try? EventCodec.decode(Data($0.payload)))?.key ?? "" }
        guard keys.allSatisfy({ $0.hasPrefix("init:") || $0.hasPrefix("demo:") }) else {
            throw CLIProblem(text: language.pick("只有新建的数据目录（只有名册或演示数据）可以标为培训数据；这个目录已有正式记录，仍是正式数据。",
                                                 "only a new data directory (the roster or the demo alone) can be marked as training data; this one holds real records and stays production data."))
        }
        let mark = Event(actor: "system", at: Event.timestamp(Date()), key: "init:training", body: .trainingMarked(TrainingMarked(purpose: purpose)))
        return try store.append([mark]) == 1
    }

    /// Creates (or completes) a data directory from the seeds. Idempotent: events already
    /// recorded (by their keys) are not recorded again.
    static func createFromSeeds(directory: String, seeds: String?, language: Language, snapshotKey: SnapshotKey?,
                                checkpoints: CheckpointFiles?) throws(CLIProblem) -> (Store, Int) {
        guard let folder = Locations.seedsDirectory(seeds) else {
            throw CLIProblem(text: language.pick("找不到随附名册（seeds 文件夹）。请用 --seeds 指定，或设置 CHENGXIN_SEEDS。",
                                                 "cannot find the shipped roster (the seeds folder); pass --seeds or set CHENGXIN_SEEDS."))
        }
        let roster: Roster
        do {
            roster = try SeedFiles.load(folder)
        } catch {
            throw CLIProblem(text: language.pick("名册有问题，未做任何改动：\n", "the roster has problems; nothing was changed:\n") + error.text(language))
        }
        do {
            let store: Store
            if FileManager.default.fileExists(atPath: EventLog.logPath(in: directory)) {
                store = try Store.open(directory, snapshotKey: snapshotKey)
            } else {
                store = Store(log: try EventLog.create(directory: directory), snapshotKey: snapshotKey)
            }
            if let checkpoints { store.enableCheckpoints(checkpoints) }
            let written = try store.append(roster.events(actor: "system", at: Event.timestamp(Date())))
            return (store, written)
        } catch let error as LogError {
            throw CLIProblem(text: error.text(language))
        } catch {
            throw CLIProblem(text: language.pick("写入失败：\(error)", "write failed: \(error)"))
        }
    }
}

/// `chengxin checkpoint`: sign the current head now.
struct MakeCheckpoint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint", abstract: "Sign the log's current head with the key kept outside the data directory.")

    @OptionGroup var common: CommonOptions

    func run() throws {
        do {
            let files = try common.checkpointFiles()
            // A signature is a write: it is refused, as an append is, on a log with damage anywhere
            // or that disagrees with the checkpoints signed before (a rollback is never blessed).
            let log = try Writer.open(common).log
            let (key, created) = try files.loadOrCreateKey()
            if created {
                Console.out(common.t("已创建检查点签名密钥：\(files.keyPath)", "created the checkpoint signing key: \(files.keyPath)"))
            }
            let checkpoint = try log.writeCheckpoint(files: files, key: key, at: Event.timestamp(Date()))
            Console.out(common.t("已签名检查点：第 \(checkpoint.sequence) 条，链头哈希 \(hexString(checkpoint.headHash))\n公钥：\(hexString(checkpoint.publicKey))（指纹 \(checkpoint.keyFingerprint)）",
                                 "signed checkpoint at record \(checkpoint.sequence), head hash \(hexString(checkpoint.headHash))\npublic key: \(hexString(checkpoint.publicKey)) (fingerprint \(checkpoint.keyFingerprint))"))
        } catch {
            throw Console.fail(common.describe(error))
        }
    }
}

struct PrintLog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print events; consumers' names and phones masked and PIN hashes withheld unless a market manager asks with --jsonl --as (recorded first).")

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "Only events with a sequence number of at least SEQ.")
    var since: UInt64 = 1

    @Flag(name: .long, help: "One JSON object per line: {\"seq\":N,\"event\":{…}}, with \"masked\":true where personal data was masked or withheld.")
    var jsonl = false

    @Option(name: .customLong("as"), help: "A market manager, to print --jsonl unmasked (the PIN from $CHENGXIN_PIN, else asked); the disclosure is recorded before anything is printed.")
    var user: String?

    func validate() throws {
        if user != nil && !jsonl {
            throw ValidationError(common.t("--as 只用于 --jsonl：表格本身不含个人信息", "--as goes with --jsonl only: the table holds no personal data"))
        }
    }

    func run() throws {
        if let user {
            try printUnmasked(as: user)
            return
        }
        let log: EventLog
        do {
            log = try EventLog.open(directory: common.dataDirectory, writable: false)
        } catch {
            throw Console.fail(error.text(common.lang))
        }
        for record in log.records where record.sequence >= since {
            if jsonl {
                Console.out(PrintLog.maskedLine(record))
            } else if let event = try? EventCodec.decode(Data(record.payload)) {
                Console.out("\(record.sequence)  \(event.at)  \(event.actor)  \(event.type)  \(event.key ?? "-")")
            } else {
                Console.out("\(record.sequence)  " + common.t("（无法解码的事件）", "(undecodable event)"))
            }
        }
        if let damage = log.damage, case .corrupt = damage {
            throw Console.fail(damage.text(common.lang))
        }
    }

    /// One record as a JSON line. The payload is JSON already; characters unsafe for a terminal
    /// (bidi overrides, C1 controls that JSON leaves raw) become \u escapes, which keep the data exact.
    static func line(_ sequence: UInt64, _ payload: [UInt8], masked: Bool = false) -> String {
        "{\"seq\":\(sequence),\"event\":" + Console.jsonEscapingUnsafe(String(decoding: payload, as: UTF8.self)) + (masked ? ",\"masked\":true}" : "}")
    }

    /// A record as anyone may see it (docs/privacy.md): consumers' names and phones masked, PIN
    /// hashes withheld, the data of a type this version does not know withheld, and an unreadable
    /// payload withheld whole (`"event":null`) — each such line marked `"masked":true`.
    static func maskedLine(_ record: LogRecord) -> String {
        guard let event = try? EventCodec.decode(record.payload) else {
            return "{\"seq\":\(record.sequence),\"event\":null,\"masked\":true}"
        }
        if case .unknown = event.body, let bytes = try? EventCodec.encodeBytes(event) {
            return line(record.sequence, bytes, masked: true)
        }
        guard let masked = PersonalData.masked(event) else { return line(record.sequence, record.payload) }
        guard let bytes = try? EventCodec.encodeBytes(masked) else { return "{\"seq\":\(record.sequence),\"event\":null,\"masked\":true}" }
        return line(record.sequence, bytes, masked: true)
    }

    /// `log --jsonl --as MANAGER`: the PIN checked (a wrong one recorded), the disclosure recorded,
    /// and only then every record up to the head at that moment, unmasked.
    func printUnmasked(as name: String) throws {
        do {
            let store = try Writer.open(common)
            let me = try SignIn.prompted(store, name: name, common: common, via: .cli, consequence: ("未显示任何内容", "nothing was shown"))
            do throws(LocalizedMessage) {
                try Action.exportPersonalData.check(me.role)
            } catch {
                throw CLIProblem(text: common.t("只有市场管理方可以查看未打码的个人信息（\(me.role.name(.zh))不可以），未显示任何内容",
                                                "only a market manager may see unmasked personal data (not a \(me.role.name(.en))); nothing was shown"))
            }
            let log = try EventLog.open(directory: common.dataDirectory, writable: false)
            let through = log.lastSequence
            let shown = log.records.filter { $0.sequence >= since && $0.sequence <= through }
            var fields = Set<String>()
            var count = 0
            for record in shown {
                // What cannot be read is shown as it stands: counted as personal, to be safe.
                let found = (try? EventCodec.decode(record.payload)).map(PersonalData.personalFields) ?? ["unreadable"]
                if !found.isEmpty { count += 1 }
                fields.formUnion(found)
            }
            try Disclosure.record(store, by: me, DataDisclosed(via: .cli, command: "log --jsonl", fields: fields.sorted(), from: since,
                                                               through: through, count: count, destination: "terminal"), language: common.lang)
            for record in shown { Console.out(PrintLog.line(record.sequence, record.payload)) }
        } catch {
            throw common.failure(error)
        }
    }
}

struct MerchantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merchant", abstract: "Member shops.", subcommands: [MerchantList.self, MerchantShow.self])
}

struct MerchantList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List member shops.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
    }

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "table, csv or json.")
    var format: Format = .table

    @Option(name: .long, help: "Only shops of branch N.")
    var branch: Int?

    @Option(name: .long, help: "Only shops rated N stars.")
    var stars: Int?

    func validate() throws {
        if let stars, !(1...5).contains(stars) {
            throw ValidationError(common.t("--stars 应为 1 到 5", "--stars must be 1 to 5"))
        }
    }

    func run() throws {
        let store = try common.openForReading()
        var market = store.market
        if let branch, market.branch(branch) == nil {
            throw Console.fail(common.t("没有第 \(branch) 支部（现有 \(market.branches.map { String($0.number) }.joined(separator: "、"))）",
                                        "there is no branch \(branch) (there are \(market.branches.map { String($0.number) }.joined(separator: ", ")))"))
        }
        let today = MarketClock.today()
        let merchants = market.merchants.filter { merchant in
            if let branch, merchant.branch != branch { return false }
            if let stars, market.rating(of: merchant, today: today).stars != stars { return false }
            return true
        }
        market = market.restricted(to: merchants)
        switch format {
        case .table:
            let table = TableView(columns: App.Dashboard.merchantColumns(common.lang, wide: true),
                                  rows: App.Dashboard.merchantRows(market, common.lang, wide: true, today: today), position: ListPosition())
            var fitted = table
            fitted.fitColumns(available: Int.max)
            Console.out(fitted.lines().joined(separator: "\n"))
        case .csv:
            let header = ["shop_number", "name", "owner", "branch", "plate", "rating"]
            var lines = [header.joined(separator: ",")]
            for merchant in market.merchants {
                let row = [merchant.shopNumber, merchant.name, merchant.owner, String(merchant.branch),
                           merchant.plate.chineseName, market.ratingLabel(of: merchant, today: today, language: .zh)]
                lines.append(row.map(CSVField.escape).joined(separator: ","))
            }
            Console.out(lines.joined(separator: "\n"))
        case .json:
            struct Row: Encodable {
                let shopNumber: String, name: String, owner: String, branch: Int, branchName: String
                let plate: String, rating: String, stars: Int?
            }
            let rows = market.merchants.map { merchant -> Row in
                let rating = market.rating(of: merchant, today: today)
                let stars = rating.stars
                return Row(shopNumber: merchant.shopNumber, name: merchant.name, owner: merchant.owner, branch: merchant.branch,
                           branchName: market.branch(merchant.branch)?.name ?? "", plate: merchant.plate.chineseName,
                           rating: rating == .awaiting ? "awaiting" : "rated", stars: stars)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Console.out(String(decoding: try encoder.encode(rows), as: UTF8.self))
        }
    }
}

/// CSV cells as spreadsheets read them, safe against formula injection: the one rule of the
/// exports (Core/SpreadsheetCell.swift), so that `merchant list --format csv` and `export` agree.
enum CSVField {
    static func escape(_ value: String) -> String {
        SpreadsheetCell.escape(value)
    }
}
