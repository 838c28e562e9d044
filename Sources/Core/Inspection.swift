/// How serious a failed inspection item is.
public enum Severity: String, Sendable, Codable, BilingualChoice {
    case minor
    case serious

    public var chineseName: String { self == .minor ? "一般" : "严重" }
    public var englishName: String { rawValue }
}

/// The result of one checklist item at one inspection.
public struct ItemOutcome: Sendable, Codable, Equatable {
    public enum Result: String, Sendable, Codable, CaseIterable {
        case pass, fail, notApplicable = "na"
    }

    public var item: String
    public var result: Result
    public var severity: Severity?
    public var note: String?

    public init(item: String, result: Result, severity: Severity? = nil, note: String? = nil) {
        self.item = item
        self.result = result
        self.severity = severity
        self.note = note
    }
}

/// One inspection of one shop on one date by one inspector (检查).
public struct Inspection: Sendable, Codable, Equatable {
    public var shop: String
    public var date: SimpleDate
    public var inspector: String
    public var checklistVersion: Int
    public var outcomes: [ItemOutcome]

    public init(shop: String, date: SimpleDate, inspector: String, checklistVersion: Int, outcomes: [ItemOutcome]) {
        self.shop = shop
        self.date = date
        self.inspector = inspector
        self.checklistVersion = checklistVersion
        self.outcomes = outcomes
    }

    public var failures: [ItemOutcome] { outcomes.filter { $0.result == .fail } }
}

/// A confirmed serious violation (一票否决): counterfeit goods, tax evasion, a criminal case.
public struct VetoConfirmed: Sendable, Codable, Equatable {
    public var shop: String
    public var kind: String
    public var date: SimpleDate
    public var reason: String
    /// The record that found it: an inspection of the shop, or a complaint filed about it.
    public var evidence: UInt64?

    public init(shop: String, kind: String, date: SimpleDate, reason: String, evidence: UInt64? = nil) {
        self.shop = shop
        self.kind = kind
        self.date = date
        self.reason = reason
        self.evidence = evidence
    }
}

/// A second market manager's confirmation of a veto: only then does it count.
public struct VetoSeconded: Sendable, Codable, Equatable {
    /// The veto's record number.
    public var target: UInt64

    public init(target: UInt64) {
        self.target = target
    }
}

/// A failed item waiting to be put right (整改), derived from inspections: opened by a failure,
/// closed when a later inspection passes the same item.
public struct Rectification: Sendable, Equatable {
    public var item: String
    public var severity: Severity
    public var openedBy: UInt64
    public var openedOn: SimpleDate
    public var deadline: SimpleDate
    public var closedBy: UInt64?
    public var closedOn: SimpleDate?

    /// Open past its deadline on `today`.
    public func isOverdue(on today: SimpleDate) -> Bool {
        closedOn.map { $0 > deadline } ?? (today > deadline)
    }
}

extension MarketState {
    /// The checks a new inspection must pass: a known shop, a date that is not in the future,
    /// items that are on the checklist, each failure with a severity, the inspector allowed.
    /// `replacing`: the record a correction puts this one in place of.
    public func validate(_ inspection: Inspection, by user: User, today: SimpleDate, replacing: UInt64? = nil) throws(LocalizedMessage) {
        let merchant = try recordedShop(inspection.shop)
        try Action.recordInspection(branch: merchant.branch).check(user.role)
        try refuseOwnShop(user, shop: inspection.shop, doing: "检查", "inspect")
        try checkRecordDate(inspection.date, today: today, replacing: replacing, what: "检查日期", "inspection date")
        // One inspector, one shop, one day: a second inspection would contradict the first.
        if let earlier = inspections[inspection.shop]?.first(where: {
            $0.value.inspector == inspection.inspector && $0.value.date == inspection.date && $0.sequence != replacing && stands($0.sequence)
        }) {
            throw LocalizedMessage(zh: "\(inspection.inspector)已于 \(inspection.date) 检查过 \(inspection.shop)（记录 #\(earlier.sequence)），同一天不能再记一次；如有错漏请更正原记录（chengxin record correct \(earlier.sequence)）",
                                   en: "\(inspection.inspector) already inspected \(inspection.shop) on \(inspection.date) (record #\(earlier.sequence)); a second inspection that day is refused — correct the first instead (chengxin record correct \(earlier.sequence))")
        }
        guard let checklist else {
            throw LocalizedMessage(zh: "还没有检查清单", en: "there is no checklist yet")
        }
        let known = Set(checklist.items.map(\.id))
        var seen: Set<String> = []
        for outcome in inspection.outcomes {
            if !known.contains(outcome.item) {
                throw LocalizedMessage(zh: "检查清单中没有“\(outcome.item)”这一项（现有：\(checklist.items.map(\.id).joined(separator: "、"))）",
                                       en: "\"\(outcome.item)\" is not on the checklist (items: \(checklist.items.map(\.id).joined(separator: ", ")))")
            }
            if !seen.insert(outcome.item).inserted {
                throw LocalizedMessage(zh: "检查项 \(outcome.item) 出现了两次", en: "item \(outcome.item) appears twice")
            }
            if outcome.result != .notApplicable, let item = checklist.items.first(where: { $0.id == outcome.item }), !item.applies(to: merchant) {
                throw LocalizedMessage(zh: "\(inspection.shop) 是普通商户（无党员挂牌），亮身份检查项 \(outcome.item) 不适用，应记为不适用",
                                       en: "\(inspection.shop) is an ordinary shop (no member plate): identity item \(outcome.item) does not apply; record it as not applicable")
            }
            if outcome.result == .fail && outcome.severity == nil {
                throw LocalizedMessage(zh: "不合格项 \(outcome.item) 需要注明一般或严重", en: "failed item \(outcome.item) needs a severity (minor or serious)")
            }
        }
        if inspection.outcomes.isEmpty {
            throw LocalizedMessage(zh: "检查没有任何结果", en: "the inspection has no results")
        }
    }
}
