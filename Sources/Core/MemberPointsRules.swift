/// The numbers of the members' points ledger (党员积分, docs/domain-model.md "Members' points"): an
/// optional `memberPoints` object in a version of the rules (seeds/rules.json). None of them is in code.
public struct MemberPointsRules: Sendable, Codable, Equatable {
    /// A reason base points are taken (三会一课缺席, 主题党日缺席, 党费未按期缴纳, 学习未完成 …).
    public struct DeductionItem: Sendable, Codable, Equatable {
        /// The code a deduction names (`meeting-absent`).
        public var code: String
        public var name: String
        public var nameEn: String
        /// Points taken per occurrence.
        public var points: Int
        /// The most this item may take from one member in one year.
        public var capPerYear: Int
    }

    public struct GradeThreshold: Sendable, Codable, Equatable {
        public var grade: MemberGrade
        public var minScore: Int
    }

    /// Base points (deduction only).
    public var basePoints: Int
    /// The most contribution points (比发展/比服务/比和谐 together) one member earns in a year.
    public var contributionCap: Int
    /// The democratic appraisal's (民主评议) share of the 100: 0 when the appraisal gives no points.
    public var appraisalShare: Int
    public var deductionItems: [DeductionItem]
    /// Highest first or not: the grade is the one of the highest threshold reached; below every
    /// threshold, 不合格.
    public var grades: [GradeThreshold]
    /// The fewest members a branch's 考评小组 may have.
    public var panelMinimum: Int

    public func item(_ code: String) -> DeductionItem? { deductionItems.first { $0.code == code } }

    /// The grade of a total.
    public func grade(forScore score: Int) -> MemberGrade {
        for threshold in grades.sorted(by: { $0.minScore > $1.minScore }) where score >= threshold.minScore {
            return threshold.grade
        }
        return .unqualified
    }

    /// Checks that the numbers make sense, with a message naming the field.
    public func validate() throws(LocalizedMessage) {
        func fail(_ zh: String, _ en: String) -> LocalizedMessage { LocalizedMessage(zh: "memberPoints：" + zh, en: "memberPoints: " + en) }
        if basePoints < 0 || contributionCap < 0 || appraisalShare < 0 || basePoints + contributionCap + appraisalShare > 100 {
            throw fail("basePoints、contributionCap、appraisalShare 不能为负，合计不能超过 100", "basePoints, contributionCap and appraisalShare must not be negative nor add up to more than 100")
        }
        if panelMinimum < 1 {
            throw fail("panelMinimum（考评小组最少人数）至少为 1", "panelMinimum must be at least 1")
        }
        var codes = Set<String>()
        for item in deductionItems {
            if item.code.isEmpty || !codes.insert(item.code).inserted || item.name.isEmpty {
                throw fail("扣分项的代码须唯一且不为空，名称不为空（\(item.code)）", "deduction items need a unique code and a name (\(item.code))")
            }
            if item.points <= 0 || item.capPerYear < item.points {
                throw fail("扣分项 \(item.code) 的分值须为正数，年度上限不小于分值", "deduction item \(item.code): points must be positive and the yearly cap at least the points")
            }
        }
        if grades.isEmpty || Set(grades.map(\.grade)).count != grades.count {
            throw fail("grades（等次）须列出且不重复", "grades must be listed, each once")
        }
    }
}

/// The yearly grade of a member (民主评议的等次).
public enum MemberGrade: String, Sendable, Codable, BilingualChoice, CaseIterable {
    case excellent, qualified, basicallyQualified = "basically-qualified", unqualified

    public var chineseName: String {
        switch self {
        case .excellent: return "优秀"
        case .qualified: return "合格"
        case .basicallyQualified: return "基本合格"
        case .unqualified: return "不合格"
        }
    }

    public var englishName: String {
        switch self {
        case .excellent: return "excellent"
        case .qualified: return "qualified"
        case .basicallyQualified: return "basically qualified"
        case .unqualified: return "unqualified"
        }
    }
}

extension MarketState {
    /// The members' points rules for a year: those of the version in force on the year's last day;
    /// when that version has no `memberPoints` (rules version 1 had none),
    /// those of the earliest published version that has them; nil when none has — then no ledger is
    /// kept and nothing can be entered.
    public func memberPointsRules(year: Int) -> Sequenced<MemberPointsRules>? {
        guard let yearEnd = SimpleDate(year: year, month: 12, day: 31) else { return nil }
        if let inForce = rules(on: yearEnd), let points = inForce.value.memberPoints {
            return Sequenced(sequence: inForce.sequence, value: points)
        }
        return ruleVersions.lazy.compactMap { version in version.value.memberPoints.map { Sequenced(sequence: version.sequence, value: $0) } }.first
    }
}
