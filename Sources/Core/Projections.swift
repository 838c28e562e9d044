/// Figures for one branch (比发展/比服务/比和谐), for the screens and reports.
public struct BranchFigures: Sendable, Equatable {
    public var branch: Branch
    public var members: Int
    public var rated: Int
    /// Average stars of the rated shops (nil when none is rated yet).
    public var averageStars: Double?
    public var complaintsByIntegrity: [Integrity: Int]
    public var openComplaints: Int
    public var overdueComplaints: Int
    /// 消费者满意率 of the branch's shops over the year (`MarketState.satisfaction`).
    public var satisfaction: SatisfactionRate
    /// The rate (nil without follow-ups).
    public var satisfactionRate: Double? { satisfaction.rate }
    /// Shops inspected this year over members.
    public var inspectionCoverage: Double
    public var contributionPoints: Int
}

extension MarketState {
    public func ratingLabel(of merchant: Merchant, today: SimpleDate, language: Language) -> String {
        ratingLabel(rating(of: merchant, today: today), shop: merchant.shopNumber, today: today, language: language)
    }

    /// The label of a rating already worked out (so that a screen rates each shop once).
    public func ratingLabel(_ status: RatingStatus, shop: String, today: SimpleDate, language: Language) -> String {
        let label = status.label(language)
        return isUnderReview(shop, year: today.year) ? label + language.pick(" 复核中", " under review") : label
    }

    /// The figures of every branch for the year of `today`, ranked by average stars, then
    /// satisfaction. `stars` gives each shop's stars when already worked out (else each is rated).
    /// `summaries`: the complaints' summaries when already at hand (else they are built);
    /// `satisfaction`: the year's follow-ups (`satisfaction(yearOf:)`) when already tallied.
    public func branchFigures(today: SimpleDate, stars known: [String: Int?]? = nil, summaries all: [ComplaintSummary]? = nil,
                              satisfaction tallied: SatisfactionTally? = nil) -> [BranchFigures] {
        let year = today.year
        let rules = rules(on: today)?.value
        let summaries = (all ?? complaints.summaries).filter { $0.filedOn.year == year && $0.shop != nil }
        let branchOf = Dictionary(merchants.map { ($0.shopNumber, $0.branch) }, uniquingKeysWith: { a, _ in a })
        let satisfaction = tallied ?? satisfaction(yearOf: today)
        let casesByBranch = Dictionary(grouping: summaries.filter { branchOf[$0.shop ?? ""] != nil }, by: { branchOf[$0.shop ?? ""] ?? 0 })
        return branches.map { branch in
            let shops = merchants.filter { $0.branch == branch.number }
            let stars = shops.compactMap { shop in known.flatMap { $0[shop.shopNumber] } ?? rating(of: shop, today: today).stars }
            let cases = casesByBranch[branch.number] ?? []
            var byIntegrity: [Integrity: Int] = [:]
            for c in cases { byIntegrity[c.integrity, default: 0] += 1 }
            let inspected = shops.filter { inspections.inspected(shop: $0.shopNumber, in: year, through: today) }.count
            let points = shops.reduce(0) { $0 + approvedPoints(of: $1.shopNumber, in: year) }
            return BranchFigures(
                branch: branch, members: shops.count, rated: stars.count,
                averageStars: stars.isEmpty ? nil : Double(stars.reduce(0, +)) / Double(stars.count),
                complaintsByIntegrity: byIntegrity,
                openComplaints: cases.filter { $0.state.isOpen }.count,
                overdueComplaints: rules.map { r in cases.filter { $0.isOverdue(today: today, rules: r, calendar: calendar) }.count } ?? 0,
                satisfaction: satisfaction.branch(branch.number),
                inspectionCoverage: shops.isEmpty ? 0 : Double(inspected) / Double(shops.count),
                contributionPoints: points)
        }
        .sorted { a, b in
            ((a.averageStars ?? -1), (a.satisfactionRate ?? -1), -a.branch.number) > ((b.averageStars ?? -1), (b.satisfactionRate ?? -1), -b.branch.number)
        }
    }

    /// How many shops have each number of stars (index 0 = awaiting rating).
    public func starDistribution(today: SimpleDate) -> [Int] {
        var counts = Array(repeating: 0, count: 6)
        for merchant in merchants { counts[rating(of: merchant, today: today).stars ?? 0] += 1 }
        return counts
    }

    /// Complaints filed per month for the twelve months ending with `today`'s month, oldest first.
    public func monthlyComplaints(today: SimpleDate, summaries: [ComplaintSummary]? = nil) -> [(year: Int, month: Int, count: Int)] {
        var months: [(Int, Int)] = []
        var y = today.year, m = today.month
        for _ in 0..<12 {
            months.append((y, m))
            m -= 1
            if m == 0 { m = 12; y -= 1 }
        }
        months.reverse()
        var counts: [Int: Int] = [:]
        for c in summaries ?? complaints.summaries { counts[c.filedOn.year * 100 + c.filedOn.month, default: 0] += 1 }
        return months.map { (year: $0.0, month: $0.1, count: counts[$0.0 * 100 + $0.1] ?? 0) }
    }

    /// Open complaint cases, overdue first, then by deadline.
    public func complaintQueue(today: SimpleDate) -> [ComplaintCase] {
        guard let rules = rules(on: today)?.value else { return [] }
        // Each case's deadline once (working-day arithmetic), then sort: overdue first, then by
        // deadline; only the open cases are built.
        let open = complaints.summaries.filter { $0.state.isOpen }.map { c -> (deadline: SimpleDate?, overdue: Bool, c: ComplaintCase) in
            let deadline = c.deadline(rules: rules, calendar: calendar)
            return (deadline, deadline.map { today > $0 } ?? false, complaints.complaint(c))
        }
        return open.sorted { a, b in
            if a.overdue != b.overdue { return a.overdue }
            switch (a.deadline, b.deadline) {
            case let (x?, y?) where x != y: return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.c.filed.receipt < b.c.filed.receipt
            }
        }.map(\.c)
    }
}
