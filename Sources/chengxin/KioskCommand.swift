import App
import ArgumentParser
import Core
import Foundation
import Log
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
        abstract: "The service-desk kiosk: file complaints, check progress, the public board. Locked down: no key leaves it.")

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("as"), help: "The kiosk account (role kiosk) that records complaints; its PIN is read from $CHENGXIN_PIN, else asked once.")
    var user: String = "fuwutai"

    @Option(name: .long, help: "Seconds without a key after which a half-filled form is cleared and the home screen returns (10–3600).")
    var idle: Int = 120

    @Flag(name: .long, help: "Count East Asian ambiguous characters (★ ─ │) as two columns.")
    var wideAmbiguous = false

    @Option(name: .long, help: "Colours: dark (default), light or mono; NO_COLOR turns colours off.")
    var theme: String = "dark"

    func validate() throws {
        if !(10...3600).contains(idle) {
            throw ValidationError(common.t("--idle 应在 10 到 3600 秒之间", "--idle must be between 10 and 3600 seconds"))
        }
        if Theme.named(theme) == nil {
            throw ValidationError(common.t("--theme 应为 dark、light 或 mono", "--theme must be dark, light or mono"))
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
        DisplayWidth.ambiguousIsWide = wideAmbiguous
        guard FileManager.default.fileExists(atPath: EventLog.logPath(in: common.dataDirectory)) else {
            throw Console.fail(common.t("数据目录 \(common.dataDirectory) 还没有创建；请先运行 chengxin init", "the data directory \(common.dataDirectory) does not exist yet; run chengxin init first"))
        }
        let store: Store
        let me: User
        do {
            store = try Writer.open(common)
            me = try KioskCommand.signIn(user, store, common)
        } catch {
            throw Console.fail(common.describe(error))
        }
        let backend: NcursesBackend
        do {
            backend = try NcursesBackend(mouse: false, lockdown: true)
        } catch {
            throw Console.refuse(error, common.lang)
        }
        defer { backend.shutdown() }
        let environment = LiveKiosk(store: store, user: me, language: common.lang)
        var model = KioskModel(language: common.lang, size: backend.size, today: MarketClock.today(), market: store.market, idleSeconds: Double(idle))
        model.theme = ProcessInfo.processInfo.environment["NO_COLOR"] != nil ? .mono : (Theme.named(theme) ?? .dark)
        // The operator hears of an unfinished record cut off at start-up (Writer.open cut it).
        if let cut = store.log.lastTailCut {
            model.notice = cut.text(common.lang)
        }
        backend.wakeDescriptor = environment.watcher?.descriptor
        store.writesSnapshotsInBackground = true
        KioskProgram.run(backend: backend, model: &model, environment: environment)
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

/// The kiosk's link to the data directory: appends complaints as the kiosk account and follows
/// what other processes append (for the board and for look-ups).
final class LiveKiosk: KioskEnvironment {
    let store: Store
    let user: User
    let language: Language
    private var today: SimpleDate

    init(store: Store, user: User, language: Language) {
        self.store = store
        self.user = user
        self.language = language
        self.today = MarketClock.today()
    }

    private(set) lazy var watcher: LogWatcher? = LogWatcher(directory: store.log.directory)

    func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    func perform(_ effect: KioskEffect) -> KioskMessage {
        switch effect {
        case .submit(let submission):
            let date = MarketClock.today()
            // A retry of the same complaint after a failure keeps its idempotency key, so that an
            // append that did reach the log before the failure was reported is not made twice.
            let key: String
            if let pending, pending.submission == submission {
                key = pending.key
            } else {
                key = "kiosk-complaint:\(UUID().uuidString)"
            }
            var receipt = ""
            var filedOn = date
            do {
                _ = try Writer.record(store, key: key) { market in
                    var generator = SystemRandomNumberGenerator()
                    repeat { receipt = ReceiptCode.make(using: &generator) } while market.complaints[receipt] != nil
                    let filed = submission.filed(receipt: receipt, date: date)
                    do throws(LocalizedMessage) {
                        try market.validate(filed, today: date)
                    } catch {
                        throw CLIProblem(text: error.text(self.language))
                    }
                    return Event(actor: self.user.name, at: Event.timestamp(Date()), key: key, body: .complaintFiled(filed))
                }
            } catch {
                if let retry = error as? AlreadyRecorded, case .complaintFiled(let filed) = retry.original.event.body {
                    // The first attempt was recorded after all: its receipt, counted from its date, is the answer.
                    (receipt, filedOn) = (filed.receipt, filed.date)
                } else if error is AlreadyRecorded, let earlier = earlierReceipt(for: submission) {
                    receipt = earlier
                } else {
                    pending = (submission, key)
                    if let problem = error as? CLIProblem { return .failed(problem.text) }
                    if let message = error as? LocalizedMessage { return .failed(message.text(language)) }
                    let reason = (error as? LogError)?.text(language) ?? "\(error)"
                    return .failed(language.pick("未能记录，请重试或改用纸质登记：", "not recorded; retry or use the paper form: ") + reason)
                }
            }
            pending = nil
            return .filed(KioskReceipt.make(code: receipt, market: store.market, filedOn: filedOn), market: store.market)
        }
    }

    /// The last failed submission and its idempotency key.
    private var pending: (submission: KioskSubmission, key: String)?

    /// The receipt of the latest complaint the log holds with exactly this content (a retry whose
    /// first attempt was recorded after all).
    private func earlierReceipt(for submission: KioskSubmission) -> String? {
        store.market.complaints.values
            .filter { $0.filed == submission.filed(receipt: $0.filed.receipt, date: $0.filed.date) }
            .max { $0.filedSequence < $1.filedSequence }?.filed.receipt
    }

    func poll() -> KioskMessage? {
        _ = watcher?.drain()
        let date = MarketClock.today()
        var changed = date != today
        today = date
        do {
            if try store.refresh() { changed = true }
        } catch {
            return .failed(error.text(language))
        }
        return changed ? .marketChanged(store.market, today: date) : nil
    }
}
