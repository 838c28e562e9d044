/// 比发展/比服务/比和谐 as rules data (`competition` in a version of `seeds/rules.json`): which
/// measures each kind compares, which way each is better, and how the ranking is made
/// (docs/domain-model.md, "比发展/比服务/比和谐"). A version without the object applies
/// `CompetitionRules.standard`, domain.md's measures by the rank-sum method.
public struct CompetitionRules: Sendable, Codable, Equatable {
    /// One measure of a kind and its direction.
    public struct Entry: Sendable, Codable, Equatable {
        public var measure: CompetitionMeasure
        public var better: Better

        public init(_ measure: CompetitionMeasure, _ better: Better) {
            self.measure = measure
            self.better = better
        }
    }

    /// Which way a measure is better.
    public enum Better: String, Sendable, Codable, Equatable {
        case higher, lower

        public func name(_ language: Language) -> String {
            switch self {
            case .higher: return language.pick("越高越好", "higher is better")
            case .lower: return language.pick("越低越好", "lower is better")
            }
        }
    }

    /// How the places are made from the measures.
    public enum Method: String, Sendable, Codable, Equatable {
        /// 名次相加: each measure ranks the units (tied figures share the better rank, 1-2-2-4;
        /// a unit without a figure ranks after every unit with one); a unit's ranks over its
        /// kind's measures are added up; the smaller sum places first, equal sums share a place.
        case rankSum = "rank-sum"

        public func description(_ language: Language) -> String {
            switch self {
            case .rankSum:
                return language.pick(
                    "排名方法（名次相加）：每项指标按优劣排出名次，数值相同者名次相同（如 1、2、2、4），没有数据（“—”）者排在有数据者之后；同一类的各项名次相加，和小者在前，和相同者并列同一名次。",
                    "Ranking (rank sum): each measure ranks the units, equal figures sharing the better rank (1, 2, 2, 4) and a unit without a figure (—) ranking after all that have one; a unit's ranks in the kind are added up, the smaller sum placing first, equal sums sharing a place.")
            }
        }
    }

    public var method: Method
    public var development: [Entry]
    public var service: [Entry]
    public var harmony: [Entry]

    public init(method: Method, development: [Entry], service: [Entry], harmony: [Entry]) {
        self.method = method
        self.development = development
        self.service = service
        self.harmony = harmony
    }

    /// The measures of a kind, in the order the rules list them.
    public func entries(_ kind: ContributionKind) -> [Entry] {
        switch kind {
        case .development: return development
        case .service: return service
        case .harmony: return harmony
        }
    }

    /// What applies when the rules in force carry no `competition` object: the measures of
    /// domain.md ("Party members' points"), ranked by rank sum (docs/domain-model.md).
    public static let standard = CompetitionRules(
        method: .rankSum,
        development: [Entry(.scoreGained, .higher), Entry(.rectificationsOnTime, .higher), Entry(.platesEarned, .higher)],
        service: [Entry(.satisfaction, .higher), Entry(.medianHandlingDays, .lower), Entry(.complaintsPerShop, .lower)],
        harmony: [Entry(.mediatedToSatisfaction, .higher), Entry(.escalated, .lower), Entry(.vetoes, .lower)])

    /// Every kind names at least one measure, none twice.
    public func validate() throws(LocalizedMessage) {
        for kind in ContributionKind.allCases {
            let measures = entries(kind).map(\.measure)
            if measures.isEmpty {
                throw LocalizedMessage(zh: "competition.\(kind.rawValue) 至少要有一项指标", en: "competition.\(kind.rawValue) needs at least one measure")
            }
            if Set(measures).count != measures.count {
                throw LocalizedMessage(zh: "competition.\(kind.rawValue) 的指标重复", en: "competition.\(kind.rawValue) names a measure twice")
            }
        }
    }
}

/// The measures 比发展/比服务/比和谐 can compare, each computed from the record for a set of shops
/// over a period (Competition.swift).
public enum CompetitionMeasure: String, Sendable, Codable, Hashable, CaseIterable, BilingualChoice {
    /// 星级分数提高: the shops' score at the period's end minus their score at the end of the
    /// period before (the previous year, or month), averaged over the shops rated at both.
    case scoreGained = "score-gained"
    /// 整改按期完成率: rectifications settled in the period (closed in it, or past a deadline that
    /// fell in it) closed on or before their deadline, over all of them.
    case rectificationsOnTime = "rectifications-on-time"
    /// 新挂示范岗: shops whose plate a merchant correction changed to 党员示范岗 in the period.
    case platesEarned = "plates-earned"
    /// 满意率 (Satisfaction.swift) over the follow-ups dated in the period.
    case satisfaction
    /// 办理用时中位数: working days from filing to closing (已办结) of the cases closed in the period.
    case medianHandlingDays = "median-handling-days"
    /// 户均投诉: complaints filed in the period (a linked duplicate not counted) per shop.
    case complaintsPerShop = "complaints-per-shop"
    /// 调解满意: cases resolved by mediation whose follow-up in the period was 满意 or 基本满意.
    case mediatedToSatisfaction = "mediated-to-satisfaction"
    /// 转交上级: cases forwarded to a department in the period.
    case escalated
    /// 一票否决: vetoes dated in the period that count (seconded, not withdrawn).
    case vetoes

    public var chineseName: String {
        switch self {
        case .scoreGained: return "分数提高"
        case .rectificationsOnTime: return "整改按期率"
        case .platesEarned: return "新挂示范岗"
        case .satisfaction: return "满意率"
        case .medianHandlingDays: return "办理用时中位数"
        case .complaintsPerShop: return "户均投诉"
        case .mediatedToSatisfaction: return "调解满意"
        case .escalated: return "转交上级"
        case .vetoes: return "一票否决"
        }
    }

    public var englishName: String {
        switch self {
        case .scoreGained: return "score gained"
        case .rectificationsOnTime: return "rectified on time"
        case .platesEarned: return "model plates earned"
        case .satisfaction: return "satisfaction"
        case .medianHandlingDays: return "median handling days"
        case .complaintsPerShop: return "complaints per shop"
        case .mediatedToSatisfaction: return "mediated to satisfaction"
        case .escalated: return "escalated"
        case .vetoes: return "vetoes"
        }
    }

    /// For narrow columns: the Chinese name, or a short English one.
    public func shortName(_ language: Language) -> String {
        switch self {
        case .scoreGained: return language.pick(chineseName, "gained")
        case .rectificationsOnTime: return language.pick(chineseName, "on time")
        case .platesEarned: return language.pick(chineseName, "plates")
        case .satisfaction: return language.pick(chineseName, "satisf.")
        case .medianHandlingDays: return language.pick(chineseName, "days")
        case .complaintsPerShop: return language.pick(chineseName, "per shop")
        case .mediatedToSatisfaction: return language.pick(chineseName, "mediated")
        case .escalated: return language.pick(chineseName, "escalated")
        case .vetoes: return language.pick(chineseName, "vetoes")
        }
    }

    /// The name with its direction and definition, for a legend: "满意率（越高越好）：…".
    public func legend(_ better: CompetitionRules.Better, _ language: Language) -> String {
        language.pick("\(chineseName)（\(better.name(language))）：\(definition(language))", "\(englishName) (\(better.name(language))): \(definition(language))")
    }

    /// How the figure is made, for the legend beside a ranking.
    public func definition(_ language: Language) -> String {
        switch self {
        case .scoreGained: return language.pick("期末分数减上期末分数，取两期都有评分的商户的平均", "score at the period's end minus at the previous period's end, averaged over the shops rated at both")
        case .rectificationsOnTime: return language.pick("本期了结的整改（本期完成，或期限在本期且已过）中按期完成的比例", "of the rectifications settled in the period (closed, or past a deadline in it), the share closed by the deadline")
        case .platesEarned: return language.pick("本期经更正改挂“党员示范岗”的商户数", "shops whose plate a correction changed to 党员示范岗 in the period")
        case .satisfaction: return SatisfactionRate.definition(language)
        case .medianHandlingDays: return language.pick("本期办结的投诉从登记到办结的工作日数（中国工作日历）的中位数", "median working days (Chinese calendar) from filing to closing, cases closed in the period")
        case .complaintsPerShop: return language.pick("本期登记的投诉（关联的重复投诉不计）÷ 商户数", "complaints filed in the period (linked duplicates not counted) ÷ shops")
        case .mediatedToSatisfaction: return language.pick("经调解解决、本期回访满意或基本满意的投诉件数", "cases resolved by mediation and followed up satisfied or partly in the period")
        case .escalated: return language.pick("本期转交有关部门的投诉件数", "cases forwarded to a department in the period")
        case .vetoes: return language.pick("本期生效的一票否决（已复核确认、未撤销）", "vetoes in the period that count (seconded, not withdrawn)")
        }
    }
}
