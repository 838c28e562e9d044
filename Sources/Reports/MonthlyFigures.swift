import Core
import Foundation

/// A calendar month, as `--month YYYY-MM` names it.
public struct ReportMonth: Sendable, Equatable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1900...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(year: y, month: m)
    }

    public var first: SimpleDate { SimpleDate(year: year, month: month, day: 1) ?? SimpleDate(dayNumber: 0) }
    public var last: SimpleDate { SimpleDate(year: year, month: month, day: SimpleDate.daysIn(month: month, year: year)) ?? first }
    public var previous: ReportMonth { month == 1 ? ReportMonth(year: year - 1, month: 12) ?? self : ReportMonth(year: year, month: month - 1) ?? self }
    public var description: String { String(format: "%04d-%02d", year, month) }

    public func contains(_ date: SimpleDate) -> Bool { date.year == year && date.month == month }
}

/// The month's figures, computed once for both the HTML and the Markdown report (and for tests).
public struct MonthlyFigures: Sendable {
    public struct BranchRow: Sendable, Equatable {
        public var branch: Branch
        public var members: Int
        public var rated: Int
        public var averageStars: Double?
        public var complaints: Int
        /// The branch's 满意率 over the month's follow-ups.
        public var satisfaction: SatisfactionRate
        public var inspections: Int
        public var openRectifications: Int
    }

    public struct StarChange: Sendable, Equatable {
        public var merchant: Merchant
        public var before: RatingStatus
        public var after: RatingStatus
    }

    public var month: ReportMonth
    /// The day figures are taken at: the month's last day, or today while the month runs.
    public var asOf: SimpleDate
    public var complaintsFiled: Int
    public var previousComplaintsFiled: Int
    public var byIntegrity: [(Integrity, Int)]
    /// States of the month's complaints on `asOf`.
    public var byState: [(ComplaintState, Int)]
    /// Working days from filing to resolution (resolve, forward or terminate) of the cases settled this month.
    public var daysToSettle: [Int]
    /// 消费者满意率 over the month's follow-ups (through `asOf`), and the previous month's.
    public var satisfaction: SatisfactionRate
    public var previousSatisfaction: SatisfactionRate
    public var inspections: Int
    public var shopsInspected: Int
    public var itemsFailed: Int
    public var rectificationsOpened: Int
    public var rectificationsClosed: Int
    public var rectificationsOverdue: Int
    public var starChanges: [StarChange]
    /// Shops per star count on `asOf` (index 0 = awaiting rating).
    public var starDistribution: [Int]
    public var branches: [BranchRow]
    /// Complaints filed in each of the twelve months ending with this one.
    public var trend: [(year: Int, month: Int, count: Int)]
    /// Set when a figure counted working days in a year the calendar does not officially cover
    /// (rectification deadlines, time to settle): those figures may be wrong.
    public var calendarWarning: LocalizedMessage?
    /// 比发展/比服务/比和谐: the branches ranked on the month's measures (Core's `competition`).
    public var competition: CompetitionStanding

    public var medianDaysToSettle: Double? { MarketState.median(daysToSettle) }

    public init(_ market: MarketState, month: ReportMonth, today: SimpleDate) {
        self.month = month
        let asOf = min(month.last, today)
        self.asOf = asOf
        let cases = market.complaints.values
        let filed = cases.filter { month.contains($0.filed.date) }
        complaintsFiled = filed.count
        previousComplaintsFiled = cases.filter { month.previous.contains($0.filed.date) }.count
        byIntegrity = Integrity.allCases.map { i in (i, filed.filter { $0.filed.integrity == i }.count) }
        var states: [ComplaintState: Int] = [:]
        for c in filed {
            let state = c.history.last(where: { $0.date <= asOf })?.state ?? .filed
            states[state, default: 0] += 1
        }
        byState = ComplaintState.allCases.compactMap { s in states[s].map { (s, $0) } }
        var days: [Int] = []
        var counted: [Deadline] = []
        for c in cases {
            if let settled = c.history.first(where: { entry in
                switch entry.action {
                case .resolve?, .forward?, .terminate?: return true
                default: return false
                }
            }), month.contains(settled.date), settled.date <= asOf {
                days.append(settled.date <= c.filed.date ? 0 : market.calendar.workingDays(after: c.filed.date, through: settled.date))
                counted.append(market.calendar.deadline(from: c.filed.date, to: settled.date))
            }
        }
        daysToSettle = days
        let tally = market.satisfaction(from: month.first, through: asOf)
        satisfaction = tally.market
        previousSatisfaction = market.satisfaction(from: month.previous.first, through: month.previous.last).market

        var count = 0, shops = Set<String>(), failed = 0, opened = 0, closed = 0, overdue = 0
        var openByShop: [String: Int] = [:]
        var inspectionsByShop: [String: Int] = [:]
        for (shop, list) in market.inspections.byShop {
            let ordered = list.sorted { ($0.value.date, $0.sequence) < ($1.value.date, $1.sequence) }
            for i in ordered where month.contains(i.value.date) && i.value.date <= asOf {
                count += 1
                shops.insert(shop)
                failed += i.value.failures.count
                inspectionsByShop[shop, default: 0] += 1
            }
            for r in market.rectifications(of: shop, through: asOf) {
                if month.contains(r.openedOn) || r.closedOn == nil { counted.append(market.calendar.deadline(from: r.openedOn, to: r.deadline)) }
                if month.contains(r.openedOn) { opened += 1 }
                if let on = r.closedOn, month.contains(on) { closed += 1 }
                if r.closedOn == nil {
                    openByShop[shop, default: 0] += 1
                    if r.deadline < asOf { overdue += 1 }
                }
            }
        }
        inspections = count
        shopsInspected = shops.count
        itemsFailed = failed
        rectificationsOpened = opened
        rectificationsClosed = closed
        rectificationsOverdue = overdue
        calendarWarning = Deadline.warning(for: counted)

        let before = month.previous.last
        var changes: [StarChange] = []
        var distribution = Array(repeating: 0, count: 6)
        var ratings: [String: RatingStatus] = [:]
        for m in market.merchantsByShopNumber {
            let now = market.rating(of: m, today: asOf)
            let then = market.rating(of: m, today: before)
            ratings[m.shopNumber] = now
            distribution[now.stars ?? 0] += 1
            if now.stars != then.stars { changes.append(StarChange(merchant: m, before: then, after: now)) }
        }
        starChanges = changes
        starDistribution = distribution
        branches = market.branches.map { branch in
            let members = market.merchants.filter { $0.branch == branch.number }
            let numbers = Set(members.map(\.shopNumber))
            let stars = members.compactMap { ratings[$0.shopNumber]?.stars }
            let theirs = cases.filter { $0.filed.shop.map(numbers.contains) ?? false }
            return BranchRow(branch: branch, members: members.count, rated: stars.count,
                             averageStars: stars.isEmpty ? nil : Double(stars.reduce(0, +)) / Double(stars.count),
                             complaints: theirs.filter { month.contains($0.filed.date) }.count, satisfaction: tally.branch(branch.number),
                             inspections: members.reduce(0) { $0 + (inspectionsByShop[$1.shopNumber] ?? 0) },
                             openRectifications: members.reduce(0) { $0 + (openByShop[$1.shopNumber] ?? 0) })
        }
        trend = market.monthlyComplaints(today: month.last)
        competition = market.competition(.branches, period: .month(month.year, month.month, through: asOf))
    }
}
