import Foundation

/// The market's Party committee (党委).
public struct Committee: Sendable, Codable, Equatable {
    public var marketName: String
    public var name: String
    public var secretary: String

    public init(marketName: String, name: String, secretary: String) {
        self.marketName = marketName
        self.name = name
        self.secretary = secretary
    }
}

/// One of the Party branches (党支部), numbered from 1.
public struct Branch: Sendable, Codable, Equatable, Identifiable {
    public var number: Int
    public var name: String
    public var secretary: String
    public var id: Int { number }

    public init(number: Int, name: String, secretary: String) {
        self.number = number
        self.name = name
        self.secretary = secretary
    }
}

/// The plate a member shop hangs to show its identity (亮身份); `none` for an ordinary shop
/// (普通商户), which has no member owner and hangs no plate (docs/domain-model.md, "Members").
public enum PlateType: String, Sendable, Codable, BilingualChoice {
    /// 党员示范岗
    case demonstrationPost = "demonstration-post"
    /// 党员经营户
    case memberBusiness = "member-business"
    /// 普通商户（无挂牌）
    case none

    /// Whether the shop hangs a Party-member plate (and so should have a member owner).
    public var isMemberPlate: Bool { self != .none }

    /// For narrow tables: 示范岗 / 经营户.
    public func shortName(_ language: Language) -> String {
        switch self {
        case .demonstrationPost: return language.pick("示范岗", "model")
        case .memberBusiness: return language.pick("经营户", "member")
        case .none: return language.pick("普通", "none")
        }
    }

    public var chineseName: String {
        switch self {
        case .demonstrationPost: return "党员示范岗"
        case .memberBusiness: return "党员经营户"
        case .none: return "普通商户"
        }
    }

    public var englishName: String {
        switch self {
        case .demonstrationPost: return "Party-member model post"
        case .memberBusiness: return "Party-member business"
        case .none: return "ordinary shop (no plate)"
        }
    }

    /// The code or Chinese name; 无挂牌 also means `none`.
    public init?(text: String) {
        if text.trimmingCharacters(in: .whitespaces) == "无挂牌" {
            self = .none
            return
        }
        guard let match = PlateType.matching(text) else { return nil }
        self = match
    }

    /// What a roster file's 挂牌类型 may be, for its error messages.
    public static let allowedText = (zh: "“党员示范岗”“党员经营户”或“普通商户”（无挂牌）", en: "党员示范岗, 党员经营户 or 普通商户 (no plate)")
}

/// A published pledge (亮承诺), tagged with one of the four integrities.
public struct Pledge: Sendable, Codable, Equatable {
    public var integrity: Integrity
    public var text: String

    public init(integrity: Integrity, text: String) {
        self.integrity = integrity
        self.text = text
    }
}

/// A member shop: identity, pledges, duties and guarantees.
public struct Merchant: Sendable, Codable, Equatable, Identifiable {
    public var shopNumber: String
    public var name: String
    public var owner: String
    public var branch: Int
    public var plate: PlateType
    public var creditCode: String
    public var business: String
    public var pledges: [Pledge]
    public var duties: [String]
    public var guarantees: [String]
    public var id: String { shopNumber }

    public init(
        shopNumber: String, name: String, owner: String, branch: Int, plate: PlateType,
        creditCode: String, business: String, pledges: [Pledge] = [], duties: [String] = [],
        guarantees: [String] = []
    ) {
        self.shopNumber = shopNumber
        self.name = name
        self.owner = owner
        self.branch = branch
        self.plate = plate
        self.creditCode = creditCode
        self.business = business
        self.pledges = pledges
        self.duties = duties
        self.guarantees = guarantees
    }
}

/// One item of the inspection checklist. `category` is one of the four integrities or identity display.
public struct ChecklistItem: Sendable, Codable, Equatable {
    public enum Category: String, Sendable, Codable, BilingualChoice {
        case identity
        case consumer
        case price
        case tax
        case quality

        public var chineseName: String {
            switch self {
            case .identity: return "亮身份"
            case .consumer: return Integrity.consumer.chineseName
            case .price: return Integrity.price.chineseName
            case .tax: return Integrity.tax.chineseName
            case .quality: return Integrity.quality.chineseName
            }
        }

        public var englishName: String {
            switch self {
            case .identity: return "identity display"
            case .consumer: return Integrity.consumer.englishName
            case .price: return Integrity.price.englishName
            case .tax: return Integrity.tax.englishName
            case .quality: return Integrity.quality.englishName
            }
        }

        public init?(text: String) {
            guard let match = Category.matching(text) else { return nil }
            self = match
        }
    }

    public var id: String
    public var category: Category
    public var text: String
    /// The article of the code of conduct (定守则, numbered from 1) the item checks, if it cites one.
    public var article: Int?

    public init(id: String, category: Category, text: String, article: Int? = nil) {
        self.id = id
        self.category = category
        self.text = text
        self.article = article
    }

    /// Whether the item is checked at the shop: the 亮身份 items (the member plate, the pledges and
    /// duties it displays) concern member shops only — at an ordinary shop they are recorded
    /// 不适用, and the gate refuses them passed or failed (docs/domain-model.md, "Members").
    public func applies(to merchant: Merchant) -> Bool {
        category != .identity || merchant.plate.isMemberPlate
    }

    /// The outcome an item gets when the inspector marks nothing: passed, or not applicable
    /// where it does not apply.
    public func defaultOutcome(at merchant: Merchant?) -> ItemOutcome {
        ItemOutcome(item: id, result: merchant.map(applies(to:)) == false ? .notApplicable : .pass)
    }

    /// `（守则第 3 条）` for an item citing an article; empty otherwise.
    public func citation(_ language: Language) -> String {
        article.map { language.pick("（守则第 \($0) 条）", " (code art. \($0))") } ?? ""
    }
}

/// Everything `chengxin init` records from the seeds.
public struct Roster: Sendable, Equatable {
    public var committee: Committee
    public var branches: [Branch]
    public var merchants: [Merchant]
    /// The versions of the rating rules, oldest first (`rules.json`: one object or a list).
    public var ruleVersions: [RatingRules]
    public var checklist: [ChecklistItem]
    public var calendar: WorkingCalendar
    public var conduct: CodeOfConduct
    /// The Party members (members.csv), in the file's order.
    public var members: [Member]

    public init(
        committee: Committee, branches: [Branch], merchants: [Merchant], ruleVersions: [RatingRules],
        checklist: [ChecklistItem], calendar: WorkingCalendar, conduct: CodeOfConduct, members: [Member] = []
    ) {
        self.members = members
        self.conduct = conduct
        self.calendar = calendar
        self.committee = committee
        self.branches = branches
        self.merchants = merchants
        self.ruleVersions = ruleVersions
        self.checklist = checklist
    }
}

extension Branch {
    /// The name without its area note in brackets and without the market prefix: 第一党支部.
    public var shortName: String {
        var name = name
        if let cut = name.firstIndex(where: { $0 == "（" || $0 == "(" }) { name = String(name[..<cut]) }
        for prefix in ["眼镜城"] where name.hasPrefix(prefix) && name.count > prefix.count {
            name = String(name.dropFirst(prefix.count))
        }
        return name
    }
}
