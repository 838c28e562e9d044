import App
import ArgumentParser
import Core
import Foundation
import Log
import Storage
import Terminal
#if canImport(Glibc)
import Glibc
#endif

/// `chengxin kiosk`: the service desk's screen in the market hall. Signs in a kiosk account once
/// (PIN from $CHENGXIN_PIN, else asked before the screen starts); every complaint is then
/// recorded as that account, through the same path as `chengxin complaint file`.
struct KioskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: localized("诚信服务台：投诉登记、进度查询、诚信公示。锁定运行：按任何键都不会退出。", "The service-desk kiosk: file complaints, check progress, the public board. Locked down: no key leaves it."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    @Option(name: .customLong("as"), help: localized("登记投诉的服务台账号（角色 kiosk）；PIN 从 $CHENGXIN_PIN 读取，否则只询问一次。", "The kiosk account (role kiosk) that records complaints; its PIN is read from $CHENGXIN_PIN, else asked once."))
    var user: String = "fuwutai"

    @Option(name: .long, help: localized("多少秒没有按键后，清空填了一半的表单并回到首页（10–3600）。", "Seconds without a key after which a half-filled form is cleared and the home screen returns (10–3600)."))
    var idle: Int = 120

    @Flag(name: .long, help: localized("把东亚宽度不明的字符（★ ─ │）算作两列宽。", "Count East Asian ambiguous characters (★ ─ │) as two columns."))
    var wideAmbiguous = false

    @Option(name: .long, help: localized("配色：dark（深色，默认）、light（浅色）或 mono（单色）；设置 NO_COLOR 则不用颜色。", "Colours: dark (default), light or mono; NO_COLOR turns colours off."))
    var theme: String = "dark"

    @OptionGroup var operationalLog: OperationalLogOptions

    func validate() throws {
        if !(10...3600).contains(idle) {
            throw ValidationError(common.t("--idle 应在 10 到 3600 秒之间", "--idle must be between 10 and 3600 seconds"))
        }
        if Theme.named(theme) == nil {
            throw ValidationError(common.notAChoice("--theme", theme, Theme.byName.map(\.name)).text)
        }
    }

    func run() throws {
        // A terminal that cannot serve (the window smaller than 80×24 included) is said first,
        // before the PIN is asked.
        do {
            try NcursesBackend.check(minimum: .smallestUsable)
        } catch {
            throw Console.refuse(error, common.lang)
        }
        // The operational log from here on (a terminal that cannot serve was told on the spot).
        let oplog = OperationalLogging(operationalLog, process: "kiosk", common: common)
        DisplayWidth.ambiguousIsWide = wideAmbiguous
        // With a shared record the copy is made by the open below (which says if the record holds no log).
        guard common.storage.sharedStore != nil || FileManager.default.fileExists(atPath: EventLog.logPath(in: common.dataDirectory)) else {
            let missing = common.t("数据目录 \(common.dataDirectory) 还没有创建；请先运行 chengxin init", "the data directory \(common.dataDirectory) does not exist yet; run chengxin init first")
            oplog.refused(missing)
            throw Console.fail(missing)
        }
        let store: Store
        let me: User
        do {
            store = try Writer.open(common)
            oplog.checked(store)
            me = try KioskCommand.signIn(user, store, common)
        } catch {
            oplog.refused(common.describe(error), ["user": .string(user)])
            throw Console.fail(common.describe(error))
        }
        oplog.logger.info("signed in", metadata: ["user": .string(me.name), "role": .string(me.role.name(.en))])
        let backend: NcursesBackend
        do {
            backend = try NcursesBackend(mouse: false, lockdown: true)
        } catch {
            oplog.refused(common.lang.pick(error.zh, error.en))
            throw Console.refuse(error, common.lang)
        }
        defer { backend.shutdown() }
        defer { oplog.ended() }
        let environment = LoggedKiosk(LiveKiosk(KioskStorage(store: store, user: me, language: common.lang)), oplog.logger)
        var model = KioskModel(language: common.lang, size: backend.size, today: MarketClock.today(), market: store.market, idleSeconds: Double(idle))
        model.theme = ProcessInfo.processInfo.environment["NO_COLOR"] != nil ? .mono : (Theme.named(theme) ?? .dark)
        // The operator hears of an unfinished record cut off at start-up (Writer.open cut it).
        if let cut = store.log.lastTailCut {
            model.notice = cut.text(common.lang)
        }
        backend.wakeDescriptor = environment.watcher?.descriptor
        store.writesSnapshotsInBackground = true
        KioskProgram.run(backend: LoggedBackend(backend, oplog.logger), model: &model, environment: environment)
        store.finishSnapshot()
    }

    /// The kiosk account after checking its PIN (SignIn.swift: throttled, a wrong PIN recorded).
    /// Only an account with the kiosk role may run the kiosk: a manager's or a secretary's session
    /// must never be left open in the market hall. The role is told only after the PIN is right.
    static func signIn(_ name: String, _ store: Store, _ common: CommonOptions) throws(CLIProblem) -> User {
        // The PIN is not left in the environment of a program that runs for days.
        let user = try SignIn.prompted(store, name: name, common: common, via: .kiosk, consequence: ("服务台未启动", "the kiosk did not start"),
                                       afterReading: { unsetenv("CHENGXIN_PIN") })
        guard user.role == .kiosk else {
            throw CLIProblem(text: common.t("“\(name)”不是服务台账号；chengxin kiosk 只能用服务台账号（角色 kiosk）运行",
                                            "\"\(name)\" is not a kiosk account; chengxin kiosk runs only with a kiosk account (role kiosk)"))
        }
        return user
    }
}

/// The kiosk's effects carried out by its storage (`KioskStorage`), each answer made a message for
/// the screens; and the monotonic clock of the idle reset and the look-up lock.
final class LiveKiosk: KioskEnvironment {
    let storage: KioskStorage

    init(_ storage: KioskStorage) {
        self.storage = storage
    }

    var watcher: (any ChangeWatcher)? { storage.watcher }

    func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    func perform(_ effect: KioskEffect) -> KioskMessage {
        switch effect {
        case .submit(let submission):
            do throws(LocalizedMessage) {
                // The receipt code and the date are made when it is recorded.
                let filed = try storage.file(submission.filed(receipt: "", date: MarketClock.today()))
                let market = storage.store.market
                return .filed(KioskReceipt.make(code: filed.receipt, market: market, filedOn: filed.filedOn), market: market)
            } catch {
                return .failed(error.text(storage.language))
            }
        }
    }

    func poll() -> KioskMessage? {
        do throws(LocalizedMessage) {
            return try storage.poll().map { KioskMessage.marketChanged($0.market, today: $0.today) }
        } catch {
            return .failed(error.text(storage.language))
        }
    }
}
