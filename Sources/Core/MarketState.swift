/// The rating a merchant shows. At this stage every shop is awaiting its first inspection.
public enum RatingStatus: Sendable, Equatable {
    /// 待评定: no inspection yet in the period.
    case awaiting
    case rated(stars: Int, score: Int)

    public func label(_ language: Language) -> String {
        switch self {
        case .awaiting: return language.pick("待评定", "awaiting")
        case .rated(let stars, _):
            return String(repeating: "★", count: stars) + String(repeating: "☆", count: max(0, 5 - stars))
        }
    }
}

/// The read model folded from events: the screens and the CLI ask it their questions.
public struct MarketState: Sendable, Equatable, Codable {
    /// Bumped whenever the shape of the state changes, so that older snapshots are rebuilt.
    public static let snapshotVersion = 1

    public private(set) var committee: Committee?
    public private(set) var branches: [Branch] = []
    public private(set) var merchants: [Merchant] = []
    public private(set) var rules: RatingRules?
    public private(set) var checklist: ChecklistPublished?
    public private(set) var eventCount = 0
    public private(set) var idempotencyKeys: Set<String> = []
    private var merchantPosition: [String: Int] = [:]

    public init() {}

    public init(events: [Event]) {
        for event in events { apply(event) }
    }

    public mutating func apply(_ event: Event) {
        eventCount += 1
        if let key = event.key { idempotencyKeys.insert(key) }
        switch event.body {
        case .committeeRegistered(let value):
            committee = value
        case .branchRegistered(let value):
            if let i = branches.firstIndex(where: { $0.number == value.number }) {
                branches[i] = value
            } else {
                branches.append(value)
                branches.sort { $0.number < $1.number }
            }
        case .merchantRegistered(let value):
            if let i = merchantPosition[value.shopNumber] {
                merchants[i] = value
            } else {
                merchantPosition[value.shopNumber] = merchants.count
                merchants.append(value)
            }
        case .rulesPublished(let value):
            rules = value
        case .checklistPublished(let value):
            checklist = value
        case .unknown:
            break
        }
    }

    public func merchant(shopNumber: String) -> Merchant? {
        merchantPosition[shopNumber].map { merchants[$0] }
    }

    public func branch(_ number: Int) -> Branch? {
        branches.first { $0.number == number }
    }

    public func rating(of merchant: Merchant) -> RatingStatus {
        .awaiting
    }

    /// Merchants ordered by shop number (the order of the market's floor plan).
    public var merchantsByShopNumber: [Merchant] {
        merchants.sorted { $0.shopNumber < $1.shopNumber }
    }
}

extension MarketState {
    /// The same state showing only the given merchants (for filtered lists).
    public func restricted(to subset: [Merchant]) -> MarketState {
        var copy = self
        copy.merchants = subset
        copy.merchantPosition = Dictionary(uniqueKeysWithValues: subset.enumerated().map { ($1.shopNumber, $0) })
        return copy
    }
}
