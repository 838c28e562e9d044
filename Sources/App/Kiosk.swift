import Core
import Terminal

/// A kind of problem in the words a consumer uses, mapped to a complaint category and to one of
/// the four integrities (the dashboard and the ratings count complaints by integrity).
public struct KioskProblem: Sendable, Equatable {
    public var zh: String
    public var en: String
    public var category: String
    public var integrity: Integrity

    /// The choices of the second filing step, in the order shown.
    public static let all: [KioskProblem] = [
        KioskProblem(zh: "价钱不对：标价不清、乱收费、结账和标价不一样", en: "Price: unclear labels, overcharging, till price differs", category: "price", integrity: .price),
        KioskProblem(zh: "东西有质量问题：镜片、镜架坏了或是假货", en: "Quality: faulty or fake lenses or frames", category: "quality", integrity: .quality),
        KioskProblem(zh: "验光不准，配的眼镜戴着不对", en: "Eye test wrong, the glasses do not suit", category: "optometry", integrity: .quality),
        KioskProblem(zh: "说的和卖的不一样：虚假宣传、以次充好", en: "Not as described: false claims, inferior goods", category: "fraud", integrity: .consumer),
        KioskProblem(zh: "不给退货、换货", en: "Refused a return or an exchange", category: "refund", integrity: .consumer),
        KioskProblem(zh: "服务态度不好", en: "Rude or unhelpful service", category: "service", integrity: .consumer),
        KioskProblem(zh: "不开发票、不给收据", en: "No invoice or receipt given", category: "invoice", integrity: .tax),
        KioskProblem(zh: "其他问题", en: "Something else", category: "other", integrity: .consumer),
    ]

    public func text(_ language: Language) -> String { language.pick(zh, en) }
}

/// The filing steps, in order.
public enum KioskStep: Int, Sendable, Equatable, CaseIterable {
    case shop = 1, problem, story, amount, wants, contact, review

    func title(_ language: Language) -> String {
        switch self {
        case .shop: return language.pick("店铺", "Shop")
        case .problem: return language.pick("问题", "Problem")
        case .story: return language.pick("经过", "Story")
        case .amount: return language.pick("金额", "Amount")
        case .wants: return language.pick("诉求", "Wants")
        case .contact: return language.pick("联系", "Contact")
        case .review: return language.pick("核对", "Review")
        }
    }
}

/// What the consumer wants, in the order shown (codes of `ComplaintCodes.wants`).
public let kioskWants = ["refund", "exchange", "repair", "apology", "compensation"]

/// A complaint being filed: what has been typed or chosen so far. Cleared when the form is
/// submitted, abandoned, or left idle.
public struct KioskDraft: Sendable, Equatable {
    public var shopQuery = TextFieldState(limit: 20)
    public var shopPosition = ListPosition()
    /// nil until chosen; `.some(nil)` when the consumer does not know the shop.
    public var shop: String??
    public var problemSelected = 0
    public var problem: Int?
    public var story = TextAreaState(limit: 2000)
    public var amount = TextFieldState(limit: 12)
    public var wantsSelected = 0
    public var wants: Set<String> = []
    public var name = TextFieldState(limit: 40)
    public var phone = TextFieldState(limit: 20)
    /// Whether the consumer agrees to be contacted, when asked (y/n, Space); nil until then, when
    /// a phone number left is the consent (`consents`): nobody leaves a number not to be called.
    public var consent: Bool?
    /// 0 = name, 1 = phone, 2 = consent.
    public var contactFocus = 0

    public init() {}

    /// The consent recorded: the answer given, else yes exactly when a phone number was left.
    public var consents: Bool {
        consent ?? !phone.text.trimmingCharacters(in: .whitespaces).isEmpty
    }
}

/// What the environment is asked to record: the complaint as filed, without its receipt code
/// (made under the log's lock, where it can be checked to be new).
public struct KioskSubmission: Sendable, Equatable {
    public var shop: String?
    public var category: String
    public var integrity: Integrity
    public var text: String
    public var amountFen: Int?
    public var wants: [String]
    public var consumerName: String?
    public var consumerPhone: String?
    public var consentToContact: Bool

    public func filed(receipt: String, date: SimpleDate) -> ComplaintFiled {
        ComplaintFiled(receipt: receipt, shop: shop, category: category, integrity: integrity, text: text, amountFen: amountFen,
                       wants: wants, consumerName: consumerName, consumerPhone: consumerPhone, consentToContact: consentToContact, date: date)
    }
}

/// The receipt shown after filing.
public struct KioskReceipt: Sendable, Equatable {
    public var code: String
    /// The last working day for an answer on acceptance, and how many working days that is.
    public var answerBy: SimpleDate?
    public var workingDays: Int?
    /// Said under the date when the calendar does not officially cover the days counted
    /// (`Deadline.consumerNote`): the date is an estimate.
    public var estimateNote: LocalizedMessage?

    public init(code: String, answerBy: SimpleDate?, workingDays: Int?, estimateNote: LocalizedMessage? = nil) {
        self.code = code
        self.answerBy = answerBy
        self.workingDays = workingDays
        self.estimateNote = estimateNote
    }

    /// The receipt of a complaint filed on `date`: the answer on acceptance is due the rules'
    /// working days after it, an estimate when the calendar does not officially cover them.
    public static func make(code: String, market: MarketState, filedOn date: SimpleDate) -> KioskReceipt {
        let days = market.rules(on: date)?.value.complaintDeadlines.acceptWorkingDays
        let answerBy = ComplaintCase.answerDue(filedOn: date, in: market)
        return KioskReceipt(code: code, answerBy: answerBy?.date, workingDays: days, estimateNote: answerBy?.consumerNote)
    }
}

public enum KioskMessage: Sendable, Equatable {
    case key(Key)
    /// Time passed without a key (the loop's tick): the idle timer is checked.
    case tick
    case resized(Size)
    /// Another process appended events, or the date changed.
    case marketChanged(MarketState, today: SimpleDate)
    /// The complaint was recorded; the market as it stands with it (so that a look-up finds it at once).
    case filed(KioskReceipt, market: MarketState?)
    case failed(String)
    /// Text that arrived all at once with line breaks or Esc among it (a paste; see `KioskPaste`):
    /// typed into the field in front of the staff, never taken as keys.
    case pasted(String)
}

public enum KioskEffect: Sendable, Equatable {
    /// Record the complaint (as the kiosk's account); answers `.filed` or `.failed`.
    case submit(KioskSubmission)
}

/// The kiosk's state. Its update never ends the program: no key leads out of the kiosk.
public struct KioskModel: Sendable, Equatable {
    public enum Screen: Sendable, Equatable {
        case home
        case file(KioskStep)
        case receipt
        case status
        case board
        case boardShop(String)
    }

    public var language: Language
    public var theme: Theme = .dark
    public var size: Size
    public var today: SimpleDate
    public var market: MarketState?
    /// Seconds without a key after which a half-filled form is cleared and the home screen returns.
    public var idleSeconds: Double
    /// The clock (seconds, monotonic) as of the last message, and when the last key came.
    public private(set) var now: Double = 0
    public private(set) var lastActivity: Double = 0

    public var screen: Screen = .home
    public var homeChoice = 0
    public var draft = KioskDraft()
    /// The step the review screen sent the staff back to (Enter then returns to the review).
    public var editingFromReview = false
    /// A message for the current screen (a refusal, a problem), shown until the next key.
    public var notice: String?
    public var submitting = false
    public var receipt: KioskReceipt?
    /// The key help (F1, or `?` where nothing is typed) is shown over the screen.
    public var showHelp = false

    public var codeField = TextFieldState(limit: 12)
    /// The lines of the last progress look-up (no personal data).
    public var lookup: [String]?
    /// When wrong receipt codes were entered (kept across resets: it slows guessing).
    public private(set) var wrongCodes: [Double] = []

    public var boardQuery = TextFieldState(limit: 20)
    public var boardBranch: Int?
    public var boardPosition = ListPosition()
    public var boardScroll = 0

    /// Search keys (shop number, name, owner) per merchant, in the market's order.
    private var searchIndex: [ShopSearch.Keys] = []

    public init(language: Language, size: Size, today: SimpleDate, market: MarketState?, idleSeconds: Double = 120) {
        self.language = language
        self.size = size
        self.today = today
        self.market = market
        self.idleSeconds = idleSeconds
        rebuildIndex()
    }

    func t(_ zh: String, _ en: String) -> String { language.pick(zh, en) }

    mutating func rebuildIndex() {
        searchIndex = (market?.merchants ?? []).map(ShopSearch.Keys.init)
    }

    /// Shops whose number, name or owner matches `query` (pinyin initials too), by shop number;
    /// only branch `branch` when given.
    func matchingShops(_ query: String, branch: Int? = nil) -> [Merchant] {
        guard let market else { return [] }
        let q = query.trimmingCharacters(in: .whitespaces)
        return market.merchants.indices.filter { i in
            if let branch, market.merchants[i].branch != branch { return false }
            return q.isEmpty || searchIndex[i].matches(q)
        }
        .map { market.merchants[$0] }
        .sorted { $0.shopNumber < $1.shopNumber }
    }

    /// Nothing typed, nothing shown but the home screen: an idle reset has nothing to clear.
    public var isPristine: Bool {
        screen == .home && homeChoice == 0 && draft == KioskDraft() && notice == nil && receipt == nil
            && codeField.text.isEmpty && lookup == nil && boardQuery.text.isEmpty && boardBranch == nil && !showHelp
    }

    /// Seconds left before the idle reset, when it is near (the last 15 seconds, or half the idle time
    /// when that is shorter) and would clear something.
    public var idleCountdown: Int? {
        guard !isPristine, !submitting else { return nil }
        let left = idleSeconds - (now - lastActivity)
        return left <= min(15, idleSeconds / 2) ? max(0, Int(left.rounded(.up))) : nil
    }

    /// Back to the home screen with everything typed or shown forgotten; the market, the clock
    /// and the count of wrong codes stay.
    public mutating func resetToHome() {
        var fresh = KioskModel(language: language, size: size, today: today, market: nil, idleSeconds: idleSeconds)
        fresh.market = market
        fresh.searchIndex = searchIndex
        fresh.theme = theme
        fresh.now = now
        fresh.lastActivity = lastActivity
        fresh.wrongCodes = wrongCodes
        self = fresh
    }

    /// Until when look-ups are refused after wrong codes: three wrong codes within ten minutes
    /// lock look-ups for 15 s, each further one doubles that, up to five minutes.
    public var lookupLockedUntil: Double? {
        let recent = wrongCodes.filter { now - $0 < 600 }
        guard recent.count >= 3, let last = recent.last else { return nil }
        let exponent = min(recent.count - 3, 5)
        let wait = min(300, 15 * Double(1 << exponent))
        return last + wait > now ? last + wait : nil
    }

    mutating func noteWrongCode() {
        wrongCodes = wrongCodes.filter { now - $0 < 600 } + [now]
    }
}

/// The kiosk's behaviour: `update` (keys and messages to state and effects) and `view` (in KioskView.swift).
public enum Kiosk {
    /// `now` is a monotonic clock in seconds (the loop's; tests pass their own).
    public static func update(_ model: inout KioskModel, _ message: KioskMessage, now: Double) -> [KioskEffect] {
        model.setClock(now)
        switch message {
        case .tick:
            if !model.submitting, now - model.lastActivity >= model.idleSeconds, !model.isPristine {
                model.resetToHome()
            }
            return []
        case .resized(let size):
            model.size = size
            return []
        case .marketChanged(let market, let today):
            model.market = market
            model.today = today
            model.rebuildIndex()
            return []
        case .filed(let receipt, let market):
            if let market {
                model.market = market
                model.rebuildIndex()
            }
            model.submitting = false
            model.draft = KioskDraft()
            model.editingFromReview = false
            model.receipt = receipt
            model.screen = .receipt
            model.notice = nil
            return []
        case .failed(let text):
            model.submitting = false
            model.notice = text
            return []
        case .pasted(let text):
            model.markActivity()
            if model.submitting || !model.size.holds(.smallestUsable) { return [] }
            model.notice = nil
            KioskPaste.insert(text, &model)
            return []
        case .key(.paste(let text)):
            // Bracketed paste is text, as a burst of keys taken for one (KioskPaste): one way in.
            return update(&model, .pasted(text), now: now)
        case .key(let key):
            model.markActivity()
            if key == .resize { return [] }
            // A window too small shows only what is needed (WindowTooSmall): no key acts unseen behind it.
            if !model.size.holds(.smallestUsable) { return [] }
            if model.submitting { return [] }
            model.notice = nil
            if model.showHelp {
                // Any key closes the help; it does not act behind it.
                model.showHelp = false
                return []
            }
            // The key is looked up in the table of where the keys go now; what it finds is done.
            guard let binding = KioskKeys.binding(for: key, model) else { return [] }
            return KioskKeys.perform(binding.action, key: key, &model)
        }
    }

    static func home(_ action: KioskAction, key: Key, _ model: inout KioskModel) {
        switch action {
        case .moveUp: model.homeChoice = max(0, model.homeChoice - 1)
        case .moveDown: model.homeChoice = min(2, model.homeChoice + 1)
        case .choose: if let n = KioskKeys.digit(key), (1...3).contains(n) { open(n - 1, &model) }
        case .confirm: open(model.homeChoice, &model)
        default: break
        }
    }

    static func open(_ choice: Int, _ model: inout KioskModel) {
        model.homeChoice = choice
        switch choice {
        case 0:
            model.draft = KioskDraft()
            model.screen = .file(.shop)
        case 1:
            model.codeField = TextFieldState(limit: 12)
            model.lookup = nil
            model.screen = .status
        default:
            model.boardQuery = TextFieldState(limit: 20)
            model.boardBranch = nil
            model.boardPosition = ListPosition()
            model.screen = .board
        }
    }

    /// Progress by receipt code: state, dates and outcome, never the consumer's name, phone or story.
    static func status(_ action: KioskAction, key: Key, _ model: inout KioskModel) {
        switch action {
        case .back:
            model.resetToHome()
        case .confirm:
            if let until = model.lookupLockedUntil {
                let seconds = Int((until - model.now).rounded(.up))
                model.notice = model.t("错误次数过多，请 \(seconds) 秒后再试", "too many wrong codes; try again in \(seconds) s")
                return
            }
            let code = ReceiptCode.normalise(model.codeField.text)
            guard ReceiptCode.isWellFormed(code) else {
                model.lookup = nil
                model.notice = model.t("受理编号是 8 位字母和数字，例如 K7QM-3XH9（没有 0、1、I、L、O、U）",
                                       "a receipt code is 8 letters and digits, e.g. K7QM-3XH9 (no 0, 1, I, L, O, U)")
                return
            }
            guard let complaint = model.market?.complaints[code] else {
                model.noteWrongCode()
                model.lookup = nil
                model.notice = model.t("没有受理编号为 \(code) 的投诉，请核对后重试", "there is no complaint \(code); check the code and retry")
                return
            }
            model.lookup = progressLines(complaint, model)
            model.codeField = TextFieldState(text: code, limit: 12)
        case .type:
            if case .character(let c) = key, !(c.isASCII && (c.isLetter || c.isNumber || c == "-")) {
                model.notice = model.t("受理编号只含字母、数字和短横线", "a receipt code has letters, digits and a dash only")
                return
            }
            if model.codeField.handle(key) { model.lookup = nil }
        default: break
        }
    }

    /// The consumer's view of the case; its deadline and steps read as on the case page (ComplaintProgress).
    static func progressLines(_ complaint: ComplaintCase, _ model: KioskModel) -> [String] {
        let t = model.t
        var lines = [t("受理编号：", "Receipt: ") + complaint.filed.receipt,
                     t("登记日期：", "Filed on: ") + complaint.filed.date.description,
                     t("当前状态：", "State: ") + complaint.state.name(model.language)]
        if let deadline = ComplaintProgress.deadline(complaint, market: model.market, today: model.today, model.language) {
            lines.append(deadline)
        }
        lines.append("")
        lines.append(t("办理经过：", "Progress:"))
        for entry in complaint.history {
            lines.append("  \(entry.date)  " + ComplaintProgress.step(entry.action, model.language))
        }
        return lines
    }
}

extension KioskModel {
    mutating func setClock(_ time: Double) { now = time }
    mutating func markActivity() { lastActivity = now }
}

extension ReceiptCode {
    /// Whether `code` (normalised) has the shape of a receipt code: XXXX-XXXX from the code alphabet.
    static func isWellFormed(_ code: String) -> Bool {
        let allowed = Set("23456789ABCDEFGHJKMNPQRSTVWXYZ")
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { $0.count == 4 && $0.allSatisfy(allowed.contains) }
    }
}
