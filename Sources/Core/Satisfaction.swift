/// 消费者满意率 (domain.md, "Party members' points"): the follow-ups in which the consumer said
/// 满意 (satisfied) or 基本满意 (partly satisfied), over all follow-ups — of every case that was
/// followed up, rejected ones included. This is the one place the rate is defined; every screen and
/// report that shows a satisfaction figure takes it from here and prints `definition` beside it.
public struct SatisfactionRate: Sendable, Equatable {
    public var satisfied = 0
    public var partly = 0
    public var dissatisfied = 0

    public init(satisfied: Int = 0, partly: Int = 0, dissatisfied: Int = 0) {
        self.satisfied = satisfied
        self.partly = partly
        self.dissatisfied = dissatisfied
    }

    /// All follow-ups counted.
    public var followUps: Int { satisfied + partly + dissatisfied }
    /// The follow-ups that count as satisfied: 满意 and 基本满意.
    public var counted: Int { satisfied + partly }
    /// The rate, nil without follow-ups (shown "—", never 0 %).
    public var rate: Double? { followUps == 0 ? nil : Double(counted) / Double(followUps) }

    public subscript(satisfaction: ComplaintAction.Satisfaction) -> Int {
        switch satisfaction {
        case .satisfied: return satisfied
        case .partly: return partly
        case .dissatisfied: return dissatisfied
        }
    }

    public mutating func add(_ satisfaction: ComplaintAction.Satisfaction) {
        switch satisfaction {
        case .satisfied: satisfied += 1
        case .partly: partly += 1
        case .dissatisfied: dissatisfied += 1
        }
    }

    public static func + (a: SatisfactionRate, b: SatisfactionRate) -> SatisfactionRate {
        SatisfactionRate(satisfied: a.satisfied + b.satisfied, partly: a.partly + b.partly, dissatisfied: a.dissatisfied + b.dissatisfied)
    }

    /// The definition, with the number of follow-ups it counted.
    public func definition(_ language: Language) -> String {
        language.pick("满意率 = 满意与基本满意的回访 ÷ 全部回访（\(followUps) 件）",
                      "satisfaction = satisfied and partly satisfied follow-ups ÷ all follow-ups (\(followUps))")
    }

    /// The definition without a count, for a table's legend.
    public static func definition(_ language: Language) -> String {
        language.pick("满意率 = 满意与基本满意的回访 ÷ 全部回访", "satisfaction = satisfied and partly satisfied follow-ups ÷ all follow-ups")
    }
}

/// The follow-ups of a period, tallied per shop, per branch and for the market at once (one pass
/// over the compact step rows), so that a screen showing every branch reads the log once.
public struct SatisfactionTally: Sendable, Equatable {
    public var market = SatisfactionRate()
    public var byShop: [String: SatisfactionRate] = [:]
    public var byBranch: [Int: SatisfactionRate] = [:]

    public func shop(_ number: String) -> SatisfactionRate { byShop[number] ?? SatisfactionRate() }
    public func branch(_ number: Int) -> SatisfactionRate { byBranch[number] ?? SatisfactionRate() }
}

extension MarketState {
    /// 消费者满意率 over the follow-ups recorded from `from` through `through` (by the follow-up's
    /// date), for every shop, every branch (its shops' cases) and the market (every case, those
    /// filed without a shop too).
    public func satisfaction(from: SimpleDate, through: SimpleDate) -> SatisfactionTally {
        let branchOf = Dictionary(merchants.map { ($0.shopNumber, $0.branch) }, uniquingKeysWith: { a, _ in a })
        var tally = SatisfactionTally()
        complaints.forEachFollowUp(from: from, through: through) { shop, satisfaction in
            tally.market.add(satisfaction)
            guard let shop else { return }
            tally.byShop[shop, default: SatisfactionRate()].add(satisfaction)
            if let branch = branchOf[shop] { tally.byBranch[branch, default: SatisfactionRate()].add(satisfaction) }
        }
        return tally
    }

    /// The calendar year of `today`, through `today` (the period of the dashboard's figures).
    public func satisfaction(yearOf today: SimpleDate) -> SatisfactionTally {
        satisfaction(from: Self.yearStart(today), through: today)
    }

    /// One shop's 满意率 over the year of `today` through `today` (the same tally, reading only the
    /// shop's cases: the shop page).
    public func satisfaction(ofShop shop: String, yearOf today: SimpleDate) -> SatisfactionRate {
        var rate = SatisfactionRate()
        complaints.forEachFollowUp(from: Self.yearStart(today), through: today, shop: shop) { _, satisfaction in rate.add(satisfaction) }
        return rate
    }

    private static func yearStart(_ today: SimpleDate) -> SimpleDate { SimpleDate(year: today.year, month: 1, day: 1) ?? today }
}

extension ComplaintsView {
    /// Each follow-up dated from `from` through `through`, with its case's shop, read from the
    /// compact rows without building the cases; only `shop`'s cases when given.
    func forEachFollowUp(from: SimpleDate, through: SimpleDate, shop only: String? = nil, _ body: (String?, ComplaintAction.Satisfaction) -> Void) {
        let first = Int32(from.dayNumber), last = Int32(through.dayNumber)
        var bySymbol: [UInt32: ComplaintAction.Satisfaction] = [:]
        for s in ComplaintAction.Satisfaction.allCases { if let id = history.symbols.existing(s.rawValue) { bySymbol[id] = s } }
        guard !bySymbol.isEmpty else { return }
        let rows: [UInt32]
        if let only {
            guard let id = history.symbols.existing(only) else { return }
            rows = history.casesByShop[id] ?? []
        } else {
            rows = Array(0..<UInt32(history.cases.count))
        }
        for i in rows {
            let row = history.cases[Int(i)]
            var s = row.lastStep
            var shop: String??
            while s != .max, Int(s) < history.steps.count {
                let step = history.steps[Int(s)]
                if step.action == .followUp, step.day >= first, step.day <= last, let satisfaction = bySymbol[step.detail] {
                    if shop == nil { shop = .some(history.symbols.optional(row.shop)) }
                    body(shop ?? nil, satisfaction)
                }
                s = step.previous
            }
        }
    }
}
