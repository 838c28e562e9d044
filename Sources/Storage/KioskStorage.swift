import Core
import Foundation
import Log

/// What the kiosk does with its data directory: appends complaints as the kiosk account, through
/// `Writer.record` (the path `complaint file` takes), and follows what other processes append
/// (for the board and for look-ups). The kiosk's `KioskEnvironment` (in the executable) turns each
/// answer into a message for the screens.
public final class KioskStorage {
    public let store: Store
    public let user: User
    public let language: Language
    private var today: SimpleDate

    public init(store: Store, user: User, language: Language) {
        self.store = store
        self.user = user
        self.language = language
        self.today = MarketClock.today()
    }

    public private(set) lazy var watcher: (any ChangeWatcher)? = ChangeWatchers.make(for: store)

    /// A complaint recorded: its receipt code and the day its deadlines count from.
    public struct Filed {
        public let receipt: String
        public let filedOn: SimpleDate
    }

    /// Records `complaint` (its receipt code and date are made here, under the lock: a code no case
    /// has, today's date), validated against the caught-up state. A retry of the same complaint
    /// after a failure keeps its idempotency key, so that an append that did reach the log before
    /// the failure was reported is not made twice; its receipt is then the answer.
    public func file(_ complaint: ComplaintFiled) throws(LocalizedMessage) -> Filed {
        let date = MarketClock.today()
        let content = KioskStorage.content(of: complaint)
        let key: String
        if let pending, pending.content == content {
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
                var filed = complaint
                (filed.receipt, filed.date) = (receipt, date)
                try market.validate(filed, today: date)
                return Event(actor: self.user.name, at: Event.timestamp(Date()), key: key, body: .complaintFiled(filed))
            }
        } catch {
            if let retry = error as? AlreadyRecorded, case .complaintFiled(let filed) = retry.original.event.body {
                // The first attempt was recorded after all: its receipt, counted from its date, is the answer.
                (receipt, filedOn) = (filed.receipt, filed.date)
            } else if error is AlreadyRecorded, let earlier = earlierReceipt(for: content) {
                receipt = earlier
            } else {
                pending = (content, key)
                if let message = error as? LocalizedMessage { throw message }
                let reason = LocalizedMessage(reason: error)
                throw LocalizedMessage(zh: "未能记录，请重试或改用纸质登记：" + reason.zh, en: "not recorded; retry or use the paper form: " + reason.en)
            }
        }
        pending = nil
        return Filed(receipt: receipt, filedOn: filedOn)
    }

    /// What was typed, without the receipt code and date made when it is recorded.
    private static func content(of complaint: ComplaintFiled) -> ComplaintFiled {
        var content = complaint
        (content.receipt, content.date) = ("", SimpleDate(dayNumber: 0))
        return content
    }

    /// The last failed complaint and its idempotency key.
    private var pending: (content: ComplaintFiled, key: String)?

    /// The receipt of the latest complaint the log holds with exactly this content (a retry whose
    /// first attempt was recorded after all).
    private func earlierReceipt(for content: ComplaintFiled) -> String? {
        store.market.complaints.values
            .filter { KioskStorage.content(of: $0.filed) == content }
            .max { $0.filedSequence < $1.filedSequence }?.filed.receipt
    }

    /// Reads what other processes appended, and notices a new day. Returns the market and today's
    /// date when either changed, nil when nothing did; throws when the log cannot be read.
    public func poll() throws(LocalizedMessage) -> (market: MarketState, today: SimpleDate)? {
        _ = watcher?.drain()
        let date = MarketClock.today()
        var changed = date != today
        today = date
        do throws(LogError) {
            if ChangeWatchers.worthRefreshing(store, woken: watcher), try store.refresh() { changed = true }
        } catch {
            throw LocalizedMessage(reason: error)
        }
        return changed ? (store.market, date) : nil
    }
}
