import Core
import Foundation

/// The market's clock: today's date in China Standard Time (UTC+8), the market's own zone.
/// `$CHENGXIN_TODAY` (YYYY-MM-DD) fixes the date, for training sessions and tests — and only
/// there: every command that opens a data directory first calls `admit`, which refuses the
/// override unless the directory is training data (`market.training`, recorded by
/// `chengxin init --demo` or `--training`). A production record is never dated by a fixed clock.
public enum MarketClock {
    public static let variable = "CHENGXIN_TODAY"

    public static func today(now: Date = Date()) -> SimpleDate {
        if let fixed = override, let date = SimpleDate(iso: fixed) {
            return date
        }
        let seconds = Int(now.timeIntervalSince1970.rounded(.down)) + Event.marketOffsetSeconds
        return SimpleDate(dayNumber: Int((Double(seconds) / 86_400).rounded(.down)))
    }

    /// The override, when it is set (even to something that is not a date).
    public static var override: String? { ProcessInfo.processInfo.environment[variable] }

    /// Refuses a fixed clock on data that is not training data, and a fixed "date" that is not one.
    public static func admit(_ market: MarketState) throws(LocalizedMessage) {
        guard let fixed = override else { return }
        guard market.training != nil else {
            throw LocalizedMessage(
                zh: "这是正式数据目录，不能用 \(variable) 固定日期；请取消这个环境变量（只有 chengxin init --demo 或 --training 建的培训数据可以固定日期）。",
                en: "this is a production data directory, where \(variable) may not fix the date; unset it (only training data made by chengxin init --demo or --training may fix the date).")
        }
        guard SimpleDate(iso: fixed) != nil else {
            throw LocalizedMessage(zh: "\(variable)=“\(fixed)”不是有效日期（应为 YYYY-MM-DD）", en: "\(variable)=\"\(fixed)\" is not a valid date (YYYY-MM-DD)")
        }
    }
}
