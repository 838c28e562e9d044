import App
import ArgumentParser
import Codec
import Core
import Foundation
import Log
import Storage
import Terminal
import TextSafety

extension Language: ExpressibleByArgument {}

/// Options every command takes.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory (default: $CHENGXIN_DATA, else $XDG_DATA_HOME/chengxin, i.e. ~/.local/share/chengxin).")
    var data: String?

    @Option(name: .long, help: "Language of messages: zh or en.")
    var lang: Language = .zh

    @Option(name: .long, help: "Checkpoint signing key, outside the data directory (default: $CHENGXIN_KEY, else ~/.config/chengxin/checkpoint.key).")
    var key: String?

    /// What opening the data directory needs of these options.
    var storage: StorageOptions { StorageOptions(data: data, key: key, language: lang) }

    var dataDirectory: String { storage.dataDirectory }

    /// The checkpoint files, or a problem when the key would sit inside the data directory.
    func checkpointFiles() throws(CLIProblem) -> CheckpointFiles {
        do throws(LocalizedMessage) {
            return try storage.checkpointFiles()
        } catch {
            throw CLIProblem(text: error.text(lang))
        }
    }

    func t(_ zh: String, _ en: String) -> String { lang.pick(zh, en) }

    /// The key that authenticates snapshots (`StorageOptions.snapshotKey`).
    var snapshotKey: SnapshotKey? { storage.snapshotKey }

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
        do throws(LocalizedMessage) { try MarketClock.admit(store.market) } catch { throw Console.fail(error.text(lang)) }
        // What a damaged log still shows is said to be incomplete, before it is shown.
        if let damage = store.log.damage, case .corrupt = damage { Console.error(damage.text(lang)) }
        return store
    }

    /// Any error as one sentence in the chosen language.
    func describe(_ error: any Error) -> String {
        if let problem = error as? CLIProblem { return problem.text }
        return LocalizedMessage(reason: error).text(lang)
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
            if UnsafeText.isUnsafe(scalar) {
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

    @OptionGroup var operationalLog: OperationalLogOptions

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
        var model = DashboardModel(language: common.lang, dataDirectory: storage.directory, market: storage.store?.market, size: backend.size,
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

/// A problem to tell the user, already in their language.
struct CLIProblem: Error {
    let text: String
}

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
            (store, written) = try DataDirectorySetup.createFromSeeds(directory: directory, seeds: seeds, snapshotKey: common.snapshotKey,
                                                                      checkpoints: try? common.checkpointFiles())
        } catch {
            throw Console.fail(error.text(common.lang))
        }
        for warning in store.log.warnings { Console.error(warning.text(common.lang)) }
        if demo {
            do {
                let added = try DataDirectorySetup.addDemo(to: store)
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
                marked = try DataDirectorySetup.markTraining(store, purpose: demo ? "demo" : "training")
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
                                                               through: through, count: count, destination: "terminal"))
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
