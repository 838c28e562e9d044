import Core
import Foundation

/// The market's clock: today's date in China Standard Time (UTC+8), the market's own zone.
/// `$CHENGXIN_TODAY` (YYYY-MM-DD) fixes the date, for training sessions and tests.
enum MarketClock {
    static func today(now: Date = Date()) -> SimpleDate {
        if let fixed = ProcessInfo.processInfo.environment["CHENGXIN_TODAY"], let date = SimpleDate(iso: fixed) {
            return date
        }
        let seconds = Int(now.timeIntervalSince1970.rounded(.down)) + 8 * 3600
        return SimpleDate(dayNumber: Int((Double(seconds) / 86_400).rounded(.down)))
    }
}
