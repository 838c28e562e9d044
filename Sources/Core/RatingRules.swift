import Foundation

/// The rating rules (定星级) as data: every number comes from `seeds/rules.json`, none from code.
public struct RatingRules: Sendable, Codable, Equatable {
    public struct Deductions: Sendable, Codable, Equatable {
        public var minor: Int
        public var serious: Int
    }
    public struct IntegrityCap: Sendable, Codable, Equatable {
        public var threshold: Int
        public var maxStars: Int
    }
    public struct Veto: Sendable, Codable, Equatable {
        public var stars: Int
        public var kinds: [String]
    }
    public struct StarThreshold: Sendable, Codable, Equatable {
        public var stars: Int
        public var minScore: Int
    }
    public struct RectificationDays: Sendable, Codable, Equatable {
        public var minor: Int
        public var serious: Int
    }
    public struct ComplaintDeadlines: Sendable, Codable, Equatable {
        public var acceptWorkingDays: Int
        public var mediationWorkingDays: Int
    }
    public struct Appeal: Sendable, Codable, Equatable {
        public var fileWithinWorkingDays: Int
        public var decideWithinWorkingDays: Int
    }

    public var version: Int
    public var effectiveFrom: String
    public var period: String
    public var basePoints: Int
    public var contributionCap: Int
    public var deductions: Deductions
    public var overdueRectificationRepeats: Bool
    public var integrityCap: IntegrityCap
    public var veto: Veto
    public var starThresholds: [StarThreshold]
    public var rectificationDays: RectificationDays
    public var complaintDeadlines: ComplaintDeadlines
    public var appeal: Appeal
    /// How many days back a person may date what they record (absent in rules before version 2:
    /// `defaultRecordWithinDays`).
    public var recordWithinDays: Int?

    /// How the score is made (absent in rules before version 2: `.contribution`, their meaning).
    public var scheme: Scheme?

    /// 比发展/比服务/比和谐's measures and ranking method (absent: `CompetitionRules.standard`).
    public var competition: CompetitionRules?
    /// The members' points ledger's numbers (MemberPointsRules.swift); absent in rules version 1:
    /// a year whose version lacks them is ledgered by the earliest version that has them.
    public var memberPoints: MemberPointsRules?

    public static let defaultRecordWithinDays = 30

    /// The competition rules these rules apply (`CompetitionRules.standard` when the object is absent).
    public var effectiveCompetition: CompetitionRules { competition ?? .standard }

    /// The ways a score is made. Rules name theirs, so that a year rated under earlier rules stays
    /// explainable under them (docs/domain-model.md, "The rating").
    public enum Scheme: String, Sendable, Codable, Equatable {
        /// 贡献计分 (rules version 1): base points + approved contribution points (capped) − deductions.
        case contribution
        /// 诚信计分 (domain.md's default): base points (100) − deductions; contribution points belong to
        /// the members' ledger and do not count in the stars.
        case integrity

        public var chineseName: String {
            switch self {
            case .contribution: return "贡献计分：基础分加贡献分减扣分"
            case .integrity: return "诚信计分：基础分减扣分，贡献分不计入星级"
            }
        }

        public var englishName: String {
            switch self {
            case .contribution: return "contribution scheme: base plus contribution points minus deductions"
            case .integrity: return "integrity scheme: base minus deductions; contribution points do not count in the stars"
            }
        }
    }

    /// The scheme these rules apply (`.contribution` when the field is absent).
    public var effectiveScheme: Scheme { scheme ?? .contribution }

    /// Whether approved contribution points add to the score under these rules.
    public var contributionsCount: Bool { effectiveScheme == .contribution }

    /// Working days to rectify an item failed with `severity`, by these rules.
    public func rectificationDays(_ severity: Severity) -> Int {
        severity == .minor ? rectificationDays.minor : rectificationDays.serious
    }

    /// Stars for a score, by the thresholds (highest first); below every threshold, one star.
    public func stars(forScore score: Int) -> Int {
        for threshold in starThresholds.sorted(by: { $0.minScore > $1.minScore }) where score >= threshold.minScore {
            return threshold.stars
        }
        return 1
    }

    /// Checks that the numbers make sense, with a message naming the field.
    public func validate() throws(LocalizedMessage) {
        func fail(_ zh: String, _ en: String) -> LocalizedMessage { LocalizedMessage(zh: zh, en: en) }
        if basePoints < 0 || basePoints > 100 {
            throw fail("basePoints 应在 0 到 100 之间，现为 \(basePoints)", "basePoints must be 0–100, is \(basePoints)")
        }
        if contributionCap < 0 || (contributionsCount && basePoints + contributionCap > 100) {
            throw fail("basePoints 与 contributionCap 之和不能超过 100", "basePoints + contributionCap must not exceed 100")
        }
        if deductions.minor < 0 || deductions.serious < 0 {
            throw fail("扣分值不能为负数", "deductions must not be negative")
        }
        if starThresholds.isEmpty || starThresholds.contains(where: { !(1...5).contains($0.stars) }) {
            throw fail("starThresholds 的星级应为 1 到 5", "starThresholds stars must be 1–5")
        }
        if !(1...5).contains(integrityCap.maxStars) || !(1...5).contains(veto.stars) {
            throw fail("星级上限应为 1 到 5", "star caps must be 1–5")
        }
        if SimpleDate(iso: effectiveFrom) == nil {
            throw fail("effectiveFrom 不是有效日期：\(effectiveFrom)", "effectiveFrom is not a valid date: \(effectiveFrom)")
        }
        if let days = recordWithinDays, days < 0 || days > 366 {
            throw fail("recordWithinDays（可补登的天数）应在 0 到 366 之间，现为 \(days)", "recordWithinDays must be 0–366, is \(days)")
        }
        try competition?.validate()
        try memberPoints?.validate()
    }
}

/// A calendar date without time or zone (yyyy-MM-dd), validated.
public struct SimpleDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1900...9999).contains(year), (1...12).contains(month), day >= 1,
              day <= SimpleDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public init?(iso: String) {
        let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        default:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        }
    }

    /// `YYYY-MM-DD`, as `String(format: "%04d-%02d-%02d")` writes it, without the cost of a
    /// format string (every event's date goes through this when it is encoded).
    public var description: String {
        SimpleDate.padded(year, 4) + "-" + SimpleDate.padded(month, 2) + "-" + SimpleDate.padded(day, 2)
    }

    /// `value` in decimal, zero-padded to `width` characters as printf's `%0Nd` does (a minus sign
    /// counts towards the width).
    static func padded(_ value: Int, _ width: Int) -> String {
        if value < 0 { return "-" + padded(0 - value, width - 1) }
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Days since 1970-01-01 (negative before it).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `dayNumber` days after 1970-01-01.
    public init(dayNumber: Int) {
        let (y, m, d) = Event.civilFromDays(dayNumber)
        self.year = y
        self.month = m
        self.day = d
    }

    /// 1 = Monday … 7 = Sunday (ISO 8601).
    public var weekday: Int { Self.weekday(ofDayNumber: dayNumber) }

    /// The weekday of the date `dayNumber` days after 1970-01-01 (a Thursday).
    static func weekday(ofDayNumber dayNumber: Int) -> Int {
        (dayNumber % 7 + 7 + 3) % 7 + 1
    }

    public func adding(days: Int) -> SimpleDate {
        SimpleDate(dayNumber: dayNumber + days)
    }

    public static func < (a: SimpleDate, b: SimpleDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = SimpleDate(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid date \(text)"))
        }
        self = date
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
