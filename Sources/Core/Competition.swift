/// 比发展/比服务/比和谐 (domain.md, "Party members' points"; docs/domain-model.md): branches or shops
/// compared on measures computed from the record over a period, ranked by the method of the rules
/// in force (CompetitionRules.swift). Every figure keeps the records behind it.

/// A plate changed by a merchant correction (亮身份): 比发展 counts the 示范岗 plates earned.
public struct PlateChange: Sendable, Codable, Equatable {
    /// The correction's record.
    public var sequence: UInt64
    public var shop: String
    /// The market's day of the correction.
    public var date: SimpleDate
    public var from: PlateType
    public var to: PlateType

    public init(sequence: UInt64, shop: String, date: SimpleDate, from: PlateType, to: PlateType) {
        self.sequence = sequence
        self.shop = shop
        self.date = date
        self.from = from
        self.to = to
    }
}

extension Event {
    /// The market's day (China Standard Time) of a `timestamp`; nil for text that is not one.
    public static func marketDate(_ timestamp: String) -> SimpleDate? {
        moment(timestamp).map { SimpleDate(dayNumber: Int((($0.timeIntervalSince1970 + Double(marketOffsetSeconds)) / 86_400).rounded(.down))) }
    }
}

extension MarketState {
    /// Keeps a correction's plate change (called before the corrected record replaces the shop's).
    mutating func notePlateChange(_ corrected: Merchant, sequence: UInt64, at: String) {
        guard let before = merchant(shopNumber: corrected.shopNumber), before.plate != corrected.plate,
              let date = Event.marketDate(at) else { return }
        plateChanges.append(PlateChange(sequence: sequence, shop: corrected.shopNumber, date: date, from: before.plate, to: corrected.plate))
    }
}

/// The period a comparison covers: a calendar year or month, through a day in it (today while it runs).
public struct CompetitionPeriod: Sendable, Equatable {
    /// A calendar year or a calendar month.
    public enum Span: Sendable, Equatable { case year, month }

    public var from: SimpleDate
    public var through: SimpleDate
    public var span: Span
    /// The last day of the period before (the previous year's or month's end): 分数提高 compares with it.
    public var before: SimpleDate { from.adding(days: -1) }

    public init(from: SimpleDate, through: SimpleDate, span: Span = .year) {
        self.from = from
        self.through = through
        self.span = span
    }

    /// The calendar year of `today`, through `today`.
    public static func year(of today: SimpleDate) -> CompetitionPeriod {
        CompetitionPeriod(from: SimpleDate(year: today.year, month: 1, day: 1) ?? today, through: today)
    }

    /// A calendar month through `through` (its last day, or today while it runs).
    public static func month(_ year: Int, _ month: Int, through: SimpleDate) -> CompetitionPeriod {
        let first = SimpleDate(year: year, month: month, day: 1) ?? through
        return CompetitionPeriod(from: first, through: min(through, SimpleDate(year: year, month: month, day: SimpleDate.daysIn(month: month, year: year)) ?? through), span: .month)
    }

    public func contains(_ date: SimpleDate) -> Bool { date >= from && date <= through }

    public func label(_ language: Language) -> String {
        language.pick("\(from) 至 \(through)", "\(from) to \(through)")
    }
}

/// What is compared: the branches, or the shops (of one branch, or of the market).
public enum CompetitionScope: Sendable, Equatable {
    case branches
    case shops(branch: Int?)
}

/// One measure's figure for one unit, with the records behind it.
public struct CompetitionFigure: Sendable, Equatable {
    public var measure: CompetitionMeasure
    /// The value ranked (nil: nothing to measure, shown "—").
    public var value: Double?
    /// The count over the total it was made of, where it is one (on time / settled, satisfied /
    /// follow-ups, complaints / shops, shops averaged for the score gained, cases for the median).
    public var count: Int
    public var total: Int
    /// The records behind it (log sequence numbers: inspections, complaint steps and filings,
    /// corrections, vetoes), ascending.
    public var records: [UInt64]
    /// The complaints behind it, by receipt, when it is made of complaints.
    public var receipts: [String]

    /// The figure as shown ("75%（3/4）", "2 个工作日（5 件）", "+3.5（12 户）", "—").
    public func text(_ language: Language) -> String {
        guard let value else { return "—" }
        switch measure {
        case .rectificationsOnTime, .satisfaction:
            return "\(Int((value * 100).rounded()))%" + language.pick("（\(count)/\(total)）", " (\(count)/\(total))")
        case .scoreGained:
            return (value >= 0 ? "+" : "") + Self.oneDecimal(value) + language.pick("（\(total) 户）", " (\(total) shops)")
        case .medianHandlingDays:
            return Self.oneDecimal(value) + language.pick(" 天（\(total) 件）", " d (\(total))")
        case .complaintsPerShop:
            return Self.twoDecimals(value) + language.pick("（\(count)/\(total)）", " (\(count)/\(total))")
        case .platesEarned, .mediatedToSatisfaction, .escalated, .vetoes:
            return "\(count)"
        }
    }

    /// The value alone, for narrow columns ("75%", "+3.5", "2", "0.60", "—").
    public func shortText() -> String {
        guard let value else { return "—" }
        switch measure {
        case .rectificationsOnTime, .satisfaction: return "\(Int((value * 100).rounded()))%"
        case .scoreGained: return (value >= 0 ? "+" : "") + Self.oneDecimal(value)
        case .medianHandlingDays: return Self.oneDecimal(value)
        case .complaintsPerShop: return Self.twoDecimals(value)
        case .platesEarned, .mediatedToSatisfaction, .escalated, .vetoes: return "\(count)"
        }
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((abs(value) * 10).rounded())
        return (value < 0 && tenths > 0 ? "-" : "") + "\(tenths / 10)" + (tenths % 10 == 0 ? "" : ".\(tenths % 10)")
    }

    static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let rest = hundredths % 100
        return "\(hundredths / 100)." + (rest < 10 ? "0" : "") + "\(rest)"
    }
}

/// One kind's ranking: the units in place order with their figures and ranks.
public struct CompetitionRanking: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        /// The branch's number as text, or the shop's number.
        public var unit: String
        /// The branch's short name, or the shop's name.
        public var name: String
        /// One per measure of the kind, in the rules' order.
        public var figures: [CompetitionFigure]
        /// The unit's rank on each measure.
        public var ranks: [Int]
        public var rankSum: Int
        /// The place (equal sums share one).
        public var place: Int
        /// Whether another unit shares the place.
        public var tied: Bool
    }

    public var kind: ContributionKind
    public var measures: [CompetitionRules.Entry]
    public var rows: [Row]
}

/// The three rankings of a period, with the rules that made them.
public struct CompetitionStanding: Sendable, Equatable {
    public var scope: CompetitionScope
    public var period: CompetitionPeriod
    public var rules: CompetitionRules
    /// The rating rules' version the competition rules come from (nil: no rules recorded).
    public var rulesVersion: Int?
    /// Whether the rules in force carry a `competition` object (else `CompetitionRules.standard`).
    public var fromRulesData: Bool
    public var rankings: [CompetitionRanking]

    public func ranking(_ kind: ContributionKind) -> CompetitionRanking? { rankings.first { $0.kind == kind } }

    /// The method line printed beside the rankings, with where the rules come from.
    public func methodLine(_ language: Language) -> String {
        let source = fromRulesData
            ? language.pick("（评定规则第 \(rulesVersion ?? 0) 版）", " (rules version \(rulesVersion ?? 0))")
            : language.pick("（规则未载明，按默认）", " (the rules name none: the default)")
        return rules.method.description(language) + source
    }

    /// The figure of `unit` on `measure` in the kind's ranking.
    public func figure(_ kind: ContributionKind, unit: String, measure: CompetitionMeasure) -> CompetitionFigure? {
        guard let ranking = ranking(kind), let i = ranking.measures.firstIndex(where: { $0.measure == measure }) else { return nil }
        return ranking.rows.first { $0.unit == unit }?.figures[i]
    }
}

/// What one shop did in the period, the raw material of every measure (a branch adds its shops').
struct CompetitionFacts {
    var scoreNow: Int?
    var scoreBefore: Int?
    var scoreRecords: [UInt64] = []
    /// Each rectification settled in the period by its records (the inspection that opened it, the one that closed it).
    var rectificationsOnTime: [[UInt64]] = []
    var rectificationsLate: [[UInt64]] = []
    var plates: [UInt64] = []
    var satisfaction = SatisfactionRate()
    var followUps: [(receipt: String, sequence: UInt64)] = []
    var handlingDays: [(days: Int, receipt: String, sequence: UInt64)] = []
    var filed: [(receipt: String, sequence: UInt64)] = []
    var mediated: [(receipt: String, sequences: [UInt64])] = []
    var forwarded: [(receipt: String, sequence: UInt64)] = []
    var vetoes: [UInt64] = []
}

extension MarketState {
    /// The three rankings (比发展/比服务/比和谐) of `scope` over `period`, by the competition rules
    /// of the rating rules in force on the period's last day.
    public func competition(_ scope: CompetitionScope, period: CompetitionPeriod) -> CompetitionStanding {
        let inForce = rules(on: period.through)?.value
        let rules = inForce?.effectiveCompetition ?? .standard
        let facts = competitionFacts(period: period)
        var units: [(unit: String, name: String, shops: [String])] = []
        switch scope {
        case .branches:
            units = branches.map { branch in (String(branch.number), branch.shortName, merchants.filter { $0.branch == branch.number }.map(\.shopNumber)) }
        case .shops(let branch):
            units = merchantsByShopNumber.filter { branch == nil || $0.branch == branch }.map { ($0.shopNumber, $0.name, [$0.shopNumber]) }
        }
        let rankings = ContributionKind.allCases.map { kind -> CompetitionRanking in
            let entries = rules.entries(kind)
            let figures = units.map { unit in entries.map { Self.figure($0.measure, shops: unit.shops.compactMap { facts[$0] }, count: unit.shops.count) } }
            return Self.rank(kind: kind, entries: entries, units: units.map { ($0.unit, $0.name) }, figures: figures, method: rules.method)
        }
        return CompetitionStanding(scope: scope, period: period, rules: rules, rulesVersion: inForce?.version,
                                   fromRulesData: inForce?.competition != nil, rankings: rankings)
    }

    /// Places the units of one kind by `method` (CompetitionRules.Method).
    static func rank(kind: ContributionKind, entries: [CompetitionRules.Entry], units: [(unit: String, name: String)],
                     figures: [[CompetitionFigure]], method: CompetitionRules.Method) -> CompetitionRanking {
        // Each measure: 1 + the number of units strictly better; without a figure, after all that have one.
        var ranks = Array(repeating: [Int](), count: units.count)
        for (m, entry) in entries.enumerated() {
            let values = figures.map { $0[m].value }
            let present = values.compactMap { $0 }
            for (u, value) in values.enumerated() {
                guard let value else { ranks[u].append(present.count + 1); continue }
                let better = present.filter { entry.better == .higher ? $0 > value + 1e-9 : $0 < value - 1e-9 }.count
                ranks[u].append(better + 1)
            }
        }
        let sums = ranks.map { $0.reduce(0, +) }
        let order = units.indices.sorted { a, b in sums[a] != sums[b] ? sums[a] < sums[b] : Self.unitOrder(units[a].unit, units[b].unit) }
        let rows = order.map { u in
            CompetitionRanking.Row(unit: units[u].unit, name: units[u].name, figures: figures[u], ranks: ranks[u], rankSum: sums[u],
                                   place: sums.filter { $0 < sums[u] }.count + 1, tied: sums.filter { $0 == sums[u] }.count > 1)
        }
        return CompetitionRanking(kind: kind, measures: entries, rows: rows)
    }

    /// Units sharing a place are listed by number (branch 2 before 10; shop numbers as text).
    static func unitOrder(_ a: String, _ b: String) -> Bool {
        if let x = Int(a), let y = Int(b) { return x < y }
        return a < b
    }

    /// The figure of `measure` over some shops' facts (`count`: how many shops the unit has).
    static func figure(_ measure: CompetitionMeasure, shops: [CompetitionFacts], count: Int) -> CompetitionFigure {
        func make(_ value: Double?, _ n: Int, _ total: Int, _ records: [UInt64], _ receipts: [String] = []) -> CompetitionFigure {
            CompetitionFigure(measure: measure, value: value, count: n, total: total, records: Array(Set(records)).sorted(), receipts: Array(Set(receipts)).sorted())
        }
        switch measure {
        case .scoreGained:
            let both = shops.filter { $0.scoreNow != nil && $0.scoreBefore != nil }
            let gain = both.reduce(0) { $0 + ($1.scoreNow ?? 0) - ($1.scoreBefore ?? 0) }
            return make(both.isEmpty ? nil : Double(gain) / Double(both.count), gain, both.count, both.flatMap(\.scoreRecords))
        case .rectificationsOnTime:
            let onTime = shops.flatMap(\.rectificationsOnTime), late = shops.flatMap(\.rectificationsLate)
            let settled = onTime.count + late.count
            // Each rectification is named by its opening inspection (and its closing one, if any).
            return make(settled == 0 ? nil : Double(onTime.count) / Double(settled), onTime.count, settled, (onTime + late).flatMap { $0 })
        case .platesEarned:
            let plates = shops.flatMap(\.plates)
            return make(Double(plates.count), plates.count, plates.count, plates)
        case .satisfaction:
            let rate = shops.reduce(SatisfactionRate()) { $0 + $1.satisfaction }
            let steps = shops.flatMap(\.followUps)
            return make(rate.rate, rate.counted, rate.followUps, steps.map(\.sequence), steps.map(\.receipt))
        case .medianHandlingDays:
            let cases = shops.flatMap(\.handlingDays)
            return make(median(cases.map(\.days)), cases.count, cases.count, cases.map(\.sequence), cases.map(\.receipt))
        case .complaintsPerShop:
            let filed = shops.flatMap(\.filed)
            return make(count == 0 ? nil : Double(filed.count) / Double(count), filed.count, count, filed.map(\.sequence), filed.map(\.receipt))
        case .mediatedToSatisfaction:
            let cases = shops.flatMap(\.mediated)
            return make(Double(cases.count), cases.count, cases.count, cases.flatMap(\.sequences), cases.map(\.receipt))
        case .escalated:
            let cases = shops.flatMap(\.forwarded)
            return make(Double(cases.count), cases.count, cases.count, cases.map(\.sequence), cases.map(\.receipt))
        case .vetoes:
            let vetoes = shops.flatMap(\.vetoes)
            return make(Double(vetoes.count), vetoes.count, vetoes.count, vetoes)
        }
    }

    /// The middle value (the mean of the two middle ones for an even count); nil for none.
    public static func median(_ values: [Int]) -> Double? {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return nil }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[mid]) : Double(sorted[mid - 1] + sorted[mid]) / 2
    }

    /// Every shop's facts over `period`, in one pass over each kind of record.
    func competitionFacts(period: CompetitionPeriod) -> [String: CompetitionFacts] {
        var facts: [String: CompetitionFacts] = [:]
        for merchant in merchants {
            var f = CompetitionFacts()
            let now = RatingEngine.rate(merchant, in: self, year: period.through.year, today: period.through)
            if case .rated(_, let score, _) = now.status {
                f.scoreNow = score
                if case .rated(_, let before, _) = rating(of: merchant, today: period.before) {
                    f.scoreBefore = before
                    f.scoreRecords = now.lines.compactMap(\.sequence)
                }
            }
            for r in rectifications(of: merchant.shopNumber, through: period.through) {
                let closedIn = r.closedOn.map(period.contains) ?? false
                let lapsedIn = period.contains(r.deadline) && r.deadline < period.through && (r.closedOn.map { $0 > period.through } ?? true)
                guard closedIn || lapsedIn else { continue }
                let records = [r.openedBy] + (r.closedBy.map { [$0] } ?? [])
                if closedIn, let closed = r.closedOn, closed <= r.deadline { f.rectificationsOnTime.append(records) } else { f.rectificationsLate.append(records) }
            }
            for veto in vetoes[merchant.shopNumber] ?? [] where period.contains(veto.value.date) && vetoCounts(veto.sequence) && stands(veto.sequence) {
                f.vetoes.append(veto.sequence)
            }
            facts[merchant.shopNumber] = f
        }
        for change in plateChanges where change.to == .demonstrationPost && change.from != .demonstrationPost && period.contains(change.date) {
            facts[change.shop]?.plates.append(change.sequence)
        }
        // Only the cases the period touches (filed or a step dated in it): a case outside adds nothing.
        for c in complaints.touching(from: period.from, through: period.through) {
            guard let shop = c.filed.shop, facts[shop] != nil else { continue }
            var f = facts[shop] ?? CompetitionFacts()
            let receipt = c.filed.receipt
            if period.contains(c.filed.date), c.duplicateOf == nil { f.filed.append((receipt, c.filedSequence)) }
            var resolvedBy: UInt64?
            for step in c.history {
                switch step.action {
                case .resolve?: resolvedBy = step.sequence
                case .forward? where period.contains(step.date): f.forwarded.append((receipt, step.sequence))
                case .followUp(let satisfaction)? where period.contains(step.date):
                    f.followUps.append((receipt, step.sequence))
                    if let resolvedBy, satisfaction != .dissatisfied { f.mediated.append((receipt, [resolvedBy, step.sequence])) }
                case .close? where period.contains(step.date):
                    let days = step.date <= c.filed.date ? 0 : calendar.workingDays(after: c.filed.date, through: step.date)
                    f.handlingDays.append((days, receipt, step.sequence))
                default: break
                }
            }
            facts[shop] = f
        }
        // 满意率 as Satisfaction.swift tallies it (the follow-ups above are the records behind it).
        let tally = satisfaction(from: period.from, through: period.through)
        for (shop, rate) in tally.byShop where facts[shop] != nil { facts[shop]?.satisfaction = rate }
        return facts
    }
}
