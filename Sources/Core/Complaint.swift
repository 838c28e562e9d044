/// The states of a complaint (投诉), as the market's workflow defines them.
public enum ComplaintState: String, Sendable, Codable, CaseIterable, BilingualChoice {
    case filed, accepted, rejected, mediating, resolved, forwarded, terminated, followedUp = "followed-up", closed

    public var chineseName: String {
        switch self {
        case .filed: return "已登记"
        case .accepted: return "已受理"
        case .rejected: return "不予受理"
        case .mediating: return "调解中"
        case .resolved: return "已调解解决"
        case .forwarded: return "已转交"
        case .terminated: return "终止调解"
        case .followedUp: return "已回访"
        case .closed: return "已办结"
        }
    }

    public var englishName: String { rawValue }

    /// Open cases still need someone to act.
    public var isOpen: Bool { ![.rejected, .closed].contains(self) }
}

/// One step of the workflow, with what the step needs.
public enum ComplaintAction: Sendable, Codable, Equatable {
    case accept
    case reject(reason: String)
    case mediate
    /// A resolution (调解解决): what was agreed, the amount if any, and whether the complaint was
    /// found true (`upheld`, 属实) or not (不属实). Only an upheld complaint may cost its shop points.
    case resolve(outcome: String, amountFen: Int?, upheld: Bool)
    case forward(department: String)
    case terminate(reason: String)
    case followUp(satisfaction: Satisfaction)
    case close

    public enum Satisfaction: String, Sendable, Codable, CaseIterable, BilingualChoice {
        case satisfied, partly, dissatisfied
        public var chineseName: String {
            switch self {
            case .satisfied: return "满意"
            case .partly: return "基本满意"
            case .dissatisfied: return "不满意"
            }
        }
        public var englishName: String { rawValue }
    }

    /// The synthesised shape (`{"resolve":{"amountFen":…,"outcome":…,"upheld":…}}`, the other cases
    /// likewise), except that a resolution recorded before `upheld` existed reads as upheld: that is
    /// what a resolution meant then (docs/log-format.md).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: container.codingPath, debugDescription: "Invalid number of keys found, expected one."))
        }
        switch key {
        case .accept, .mediate, .close:
            // `{}`, as the synthesised decoder wants it: an object.
            _ = try container.nestedContainer(keyedBy: CodingKeys.self, forKey: key)
            self = key == .accept ? .accept : key == .mediate ? .mediate : .close
        case .reject:
            self = .reject(reason: try container.nestedContainer(keyedBy: RejectCodingKeys.self, forKey: key).decode(String.self, forKey: .reason))
        case .forward:
            self = .forward(department: try container.nestedContainer(keyedBy: ForwardCodingKeys.self, forKey: key).decode(String.self, forKey: .department))
        case .terminate:
            self = .terminate(reason: try container.nestedContainer(keyedBy: TerminateCodingKeys.self, forKey: key).decode(String.self, forKey: .reason))
        case .followUp:
            self = .followUp(satisfaction: try container.nestedContainer(keyedBy: FollowUpCodingKeys.self, forKey: key).decode(Satisfaction.self, forKey: .satisfaction))
        case .resolve:
            let values = try container.nestedContainer(keyedBy: ResolveCodingKeys.self, forKey: key)
            self = .resolve(outcome: try values.decode(String.self, forKey: .outcome), amountFen: try values.decodeIfPresent(Int.self, forKey: .amountFen),
                            upheld: try values.decodeIfPresent(Bool.self, forKey: .upheld) ?? true)
        }
    }

    /// How a resolution's finding is shown: 属实 (upheld) or 不属实 (not upheld).
    public static func finding(upheld: Bool) -> (zh: String, en: String) {
        upheld ? ("属实", "upheld") : ("不属实", "not upheld")
    }

    /// A resolution's finding as shown (属实 or 不属实); nil for the other steps.
    public var finding: (zh: String, en: String)? {
        if case .resolve(_, _, let upheld) = self { return Self.finding(upheld: upheld) }
        return nil
    }

    /// The state this step leads to, from `state`; nil when the workflow forbids it.
    public func next(from state: ComplaintState) -> ComplaintState? {
        kind.next(from: state)
    }

    /// The kind of step, without what it carries.
    public var kind: ComplaintStepKind {
        switch self {
        case .accept: return .accept
        case .reject: return .reject
        case .mediate: return .mediate
        case .resolve: return .resolve
        case .forward: return .forward
        case .terminate: return .terminate
        case .followUp: return .followUp
        case .close: return .close
        }
    }

    public var name: (zh: String, en: String) {
        switch self {
        case .accept: return ("受理", "accept")
        case .reject: return ("不予受理", "reject")
        case .mediate: return ("开始调解", "mediate")
        case .resolve: return ("调解解决", "resolve")
        case .forward: return ("转交部门", "forward")
        case .terminate: return ("终止调解", "terminate")
        case .followUp: return ("回访", "follow up")
        case .close: return ("办结", "close")
        }
    }
}

/// The kinds of workflow step (`ComplaintAction` without what each carries): what the workflow
/// decides on, and what a step row of the compact history keeps, in one byte (`rawValue`, which
/// the snapshot writes: the numbers must not change, docs/log-format.md).
public enum ComplaintStepKind: UInt8, Sendable, CaseIterable {
    case accept = 0, reject = 1, mediate = 2, resolve = 3, forward = 4, terminate = 5, followUp = 6, close = 7

    /// The workflow: the state a step of this kind leads to from `state`, nil when forbidden.
    public func next(from state: ComplaintState) -> ComplaintState? {
        switch (self, state) {
        case (.accept, .filed): return .accepted
        case (.reject, .filed): return .rejected
        case (.mediate, .accepted): return .mediating
        case (.resolve, .mediating), (.resolve, .accepted): return .resolved
        case (.forward, .accepted), (.forward, .mediating): return .forwarded
        case (.terminate, .mediating): return .terminated
        case (.followUp, .resolved), (.followUp, .forwarded), (.followUp, .terminated): return .followedUp
        case (.close, .followedUp): return .closed
        default: return nil
        }
    }
}

/// Coded reasons and departments (data the screens offer as choices).
public enum ComplaintCodes {
    public static let rejectReasons: [String: String] = [
        "not-member-business": "不属于本市场经营范围",
        "no-evidence": "缺少基本事实或证据",
        "already-handled": "已由其他部门受理或处理",
        "not-consumer-dispute": "不属于消费纠纷",
        "anonymous-unreachable": "无法联系投诉人且信息不全",
        "filed-in-error": "登记有误（重复登记、测试或登错店铺，正确的另行登记）",
    ]
    public static let terminateReasons: [String: String] = [
        "consumer-withdrew": "消费者撤回投诉",
        "no-agreement": "双方无法达成一致",
        "unreachable": "联系不上当事人",
        "litigation": "已进入诉讼或仲裁",
    ]
    public static let departments: [String: String] = [
        "market-regulator": "市场监督管理局",
        "tax-office": "税务局",
        "consumer-association": "消费者协会",
        "quality-inspection": "质量技术监督部门",
    ]
    public static let categories: [String: String] = [
        "price": "价格问题", "quality": "质量问题", "service": "服务态度", "refund": "退换货",
        "fraud": "虚假宣传", "invoice": "发票问题", "optometry": "验光配镜", "other": "其他",
    ]
    public static let wants: [String: String] = [
        "refund": "退货退款", "exchange": "换货", "repair": "维修", "apology": "赔礼道歉", "compensation": "赔偿",
    ]
}

/// What the consumer told the service desk (投诉登记).
public struct ComplaintFiled: Sendable, Codable, Equatable {
    public var receipt: String
    public var shop: String?
    public var category: String
    public var integrity: Integrity
    public var text: String
    public var amountFen: Int?
    public var wants: [String]
    public var consumerName: String?
    public var consumerPhone: String?
    public var consentToContact: Bool
    public var date: SimpleDate

    public init(receipt: String, shop: String?, category: String, integrity: Integrity, text: String, amountFen: Int?,
                wants: [String], consumerName: String?, consumerPhone: String?, consentToContact: Bool, date: SimpleDate) {
        self.receipt = receipt
        self.shop = shop
        self.category = category
        self.integrity = integrity
        self.text = text
        self.amountFen = amountFen
        self.wants = wants
        self.consumerName = consumerName
        self.consumerPhone = consumerPhone
        self.consentToContact = consentToContact
        self.date = date
    }
}

public struct ComplaintStep: Sendable, Codable, Equatable {
    public var receipt: String
    public var action: ComplaintAction
    public var date: SimpleDate
    public var note: String?

    public init(receipt: String, action: ComplaintAction, date: SimpleDate, note: String? = nil) {
        self.receipt = receipt
        self.action = action
        self.date = date
        self.note = note
    }
}

/// A complaint case as the state keeps it: what was filed and every step since.
public struct ComplaintCase: Sendable, Codable, Equatable {
    public struct HistoryEntry: Sendable, Codable, Equatable {
        public var sequence: UInt64
        public var actor: String
        public var date: SimpleDate
        public var action: ComplaintAction?
        public var state: ComplaintState
        public var note: String?
    }

    public var filed: ComplaintFiled
    public var filedSequence: UInt64
    public var state: ComplaintState
    public var acceptedOn: SimpleDate?
    public var handler: String?
    public var history: [HistoryEntry]
    public var duplicateOf: String?

    /// The deadline of the current stage: accept or reject after filing; mediate after acceptance.
    public func deadline(rules: RatingRules, calendar: WorkingCalendar) -> SimpleDate? {
        Self.deadline(state: state, filedOn: filed.date, acceptedOn: acceptedOn, rules: rules, calendar: calendar)
    }

    /// The same deadline with the calendar's coverage of the days it counted (what is shown).
    public func due(rules: RatingRules, calendar: WorkingCalendar) -> Deadline? {
        Self.due(state: state, filedOn: filed.date, acceptedOn: acceptedOn, rules: rules, calendar: calendar)
    }

    static func deadline(state: ComplaintState, filedOn: SimpleDate, acceptedOn: SimpleDate?, rules: RatingRules, calendar: WorkingCalendar) -> SimpleDate? {
        stage(state: state, filedOn: filedOn, acceptedOn: acceptedOn, rules: rules).map { calendar.addingWorkingDays($0.days, to: $0.from) }
    }

    static func due(state: ComplaintState, filedOn: SimpleDate, acceptedOn: SimpleDate?, rules: RatingRules, calendar: WorkingCalendar) -> Deadline? {
        stage(state: state, filedOn: filedOn, acceptedOn: acceptedOn, rules: rules).map { calendar.deadline($0.days, after: $0.from) }
    }

    /// The current stage's working days and the day they count from.
    private static func stage(state: ComplaintState, filedOn: SimpleDate, acceptedOn: SimpleDate?, rules: RatingRules) -> (days: Int, from: SimpleDate)? {
        switch state {
        case .filed: return (rules.complaintDeadlines.acceptWorkingDays, filedOn)
        case .accepted, .mediating: return acceptedOn.map { (rules.complaintDeadlines.mediationWorkingDays, $0) }
        default: return nil
        }
    }

    /// When a complaint filed on `date` must be answered (accepted or rejected), by the rules in
    /// force that day: what its receipt says, at the kiosk and on the command line.
    public static func answerDue(filedOn date: SimpleDate, in market: MarketState) -> Deadline? {
        market.rules(on: date).flatMap { due(state: .filed, filedOn: date, acceptedOn: nil, rules: $0.value, calendar: market.calendar) }
    }

    public func isOverdue(today: SimpleDate, rules: RatingRules, calendar: WorkingCalendar) -> Bool {
        deadline(rules: rules, calendar: calendar).map { today > $0 } ?? false
    }

    /// The step that resolved the case (调解解决), if it was resolved.
    public var resolution: HistoryEntry? {
        history.last { if case .resolve = $0.action { return true } else { return false } }
    }

    /// Whether the case was resolved and found true (属实): only such a case can cost its shop points.
    public var isUpheld: Bool {
        if case .resolve(_, _, true)? = resolution?.action { return true }
        return false
    }
}

/// Masking personal data for everyone but the person handling the case.
public enum PersonalData {
    /// 13812341234 → 138****1234; anything else keeps its first and last characters.
    public static func maskPhone(_ phone: String) -> String {
        let chars = Array(phone)
        guard chars.count >= 7 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(3)) + "****" + String(chars.suffix(4))
    }

    /// 张三丰 → 张**
    public static func maskName(_ name: String) -> String {
        guard let first = name.first else { return "" }
        return String(first) + String(repeating: "*", count: max(1, name.count - 1))
    }

    /// A mainland mobile number (11 digits starting 1[3-9]) or a landline with area code (0xx-xxxxxxx).
    public static func isPlausiblePhone(_ phone: String) -> Bool {
        let digits = phone.filter { $0 != "-" && $0 != " " }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        if digits.count == 11, digits.hasPrefix("1"), let second = digits.dropFirst().first, "3456789".contains(second) { return true }
        return digits.hasPrefix("0") && (10...12).contains(digits.count)
    }
}

extension MarketState {
    /// Checks a new complaint: the shop (when named) exists, the text says something, the amount is
    /// possible, the phone is a phone, the codes are known, the receipt is new.
    public func validate(_ complaint: ComplaintFiled, today: SimpleDate) throws(LocalizedMessage) {
        if let shop = complaint.shop, merchant(shopNumber: shop) == nil {
            throw LocalizedMessage(zh: "没有店铺号为 \(shop) 的商户（不清楚店铺时可以不填）", en: "there is no shop \(shop) (leave it out if the shop is not known)")
        }
        if complaints[complaint.receipt] != nil {
            throw LocalizedMessage(zh: "受理编号 \(complaint.receipt) 已存在", en: "receipt \(complaint.receipt) exists already")
        }
        if ComplaintCodes.categories[complaint.category] == nil {
            throw LocalizedMessage(zh: "投诉类别“\(complaint.category)”不存在（可选：\(ComplaintCodes.categories.keys.sorted().joined(separator: "、"))）",
                                   en: "unknown category \"\(complaint.category)\" (choose from \(ComplaintCodes.categories.keys.sorted().joined(separator: ", ")))")
        }
        let text = complaint.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty {
            throw LocalizedMessage(zh: "请写明发生了什么（投诉内容不能为空）", en: "say what happened: the complaint text is empty")
        }
        try TextLimits.check(complaint.text, .complaintText)
        if let amount = complaint.amountFen, amount < 0 || amount > 100_000_000 {
            throw LocalizedMessage(zh: "涉及金额应在 0 到 100 万元之间", en: "the amount must be between 0 and 1,000,000 yuan")
        }
        if let phone = complaint.consumerPhone, !PersonalData.isPlausiblePhone(phone) {
            throw LocalizedMessage(zh: "电话号码“\(phone)”格式不对（手机 11 位，座机带区号）", en: "\"\(phone)\" is not a phone number (11-digit mobile, or a landline with area code)")
        }
        if complaint.consumerPhone != nil && !complaint.consentToContact {
            throw LocalizedMessage(zh: "留电话需要消费者同意被联系", en: "a phone number needs the consumer's consent to be contacted")
        }
        if let unknown = complaint.wants.first(where: { ComplaintCodes.wants[$0] == nil }) {
            throw LocalizedMessage(zh: "诉求“\(unknown)”不存在", en: "unknown request \"\(unknown)\"")
        }
        if complaint.date > today {
            throw LocalizedMessage(zh: "日期 \(complaint.date) 晚于今天", en: "the date \(complaint.date) is after today")
        }
    }

    /// Checks a workflow step against the case's state, the codes, the date and the role; nobody
    /// handles a complaint about their own shop.
    /// Who may handle a complaint: a market manager, or the secretary of the shop's branch — not
    /// kiosk staff, and nobody a complaint about their own shop.
    func checkHandles(_ complaint: ComplaintCase, by user: User) throws(LocalizedMessage) {
        if user.role == .kiosk {
            throw LocalizedMessage(zh: "服务台不能处理投诉，只能登记和查询", en: "kiosk staff file and look up complaints; they do not handle them")
        }
        if case .secretary(let branch) = user.role {
            let shopBranch = complaint.filed.shop.flatMap { merchant(shopNumber: $0)?.branch }
            if shopBranch != branch {
                throw LocalizedMessage(zh: "第 \(branch) 支部书记只能处理本支部商户的投诉", en: "the secretary of branch \(branch) handles complaints about that branch's shops only")
            }
        }
        if let shop = complaint.filed.shop { try refuseOwnShop(user, shop: shop, doing: "处理针对", "handle a complaint about") }
    }

    /// Why the complaint step recorded as `sequence` cannot be withdrawn, nil if it can: only a
    /// case's latest step is taken back (steps after it were built on it), and never a resolution
    /// whose deduction stands (withdraw the deduction first). The gate and the fold both ask this.
    public func stepWithdrawalProblem(_ sequence: UInt64) -> (receipt: String?, problem: LocalizedMessage?) {
        guard let (row, step) = history.caseWithLatestStep(sequence: sequence) else {
            return (nil, LocalizedMessage(zh: "记录 #\(sequence) 不是某件投诉当前的最后一步；只能从最后一步起逐步撤回",
                                          en: "record #\(sequence) is not a complaint's latest step; steps are withdrawn from the latest back"))
        }
        let receipt = history.text.string(history.cases[row].receipt) ?? ""
        if history.steps[step].action == .resolve, let deduction = complaintDeductions[receipt], stands(deduction.sequence) {
            return (receipt, LocalizedMessage(zh: "投诉 \(receipt) 的扣分（记录 #\(deduction.sequence)）依据这次调解结果，请先撤回扣分",
                                              en: "complaint \(receipt)'s deduction (record #\(deduction.sequence)) rests on this resolution; withdraw the deduction first"))
        }
        return (receipt, nil)
    }

    public func validate(_ step: ComplaintStep, by user: User, today: SimpleDate) throws(LocalizedMessage) {
        guard let complaint = complaints[step.receipt] else {
            throw LocalizedMessage(zh: "没有受理编号为 \(step.receipt) 的投诉", en: "there is no complaint \(step.receipt)")
        }
        try checkHandles(complaint, by: user)
        guard let next = step.action.next(from: complaint.state) else {
            throw LocalizedMessage(zh: "投诉 \(step.receipt) 目前“\(complaint.state.chineseName)”，不能“\(step.action.name.zh)”",
                                   en: "complaint \(step.receipt) is \(complaint.state.rawValue); it cannot \(step.action.name.en) now")
        }
        _ = next
        switch step.action {
        case .reject(let reason) where ComplaintCodes.rejectReasons[reason] == nil:
            throw LocalizedMessage(zh: "不予受理的原因代码“\(reason)”不存在（可选：\(ComplaintCodes.rejectReasons.keys.sorted().joined(separator: "、"))）",
                                   en: "unknown reject reason \"\(reason)\" (choose from \(ComplaintCodes.rejectReasons.keys.sorted().joined(separator: ", ")))")
        case .terminate(let reason) where ComplaintCodes.terminateReasons[reason] == nil:
            throw LocalizedMessage(zh: "终止原因代码“\(reason)”不存在（可选：\(ComplaintCodes.terminateReasons.keys.sorted().joined(separator: "、"))）",
                                   en: "unknown termination reason \"\(reason)\" (choose from \(ComplaintCodes.terminateReasons.keys.sorted().joined(separator: ", ")))")
        case .forward(let department) where ComplaintCodes.departments[department] == nil:
            throw LocalizedMessage(zh: "部门代码“\(department)”不存在（可选：\(ComplaintCodes.departments.keys.sorted().joined(separator: "、"))）",
                                   en: "unknown department \"\(department)\" (choose from \(ComplaintCodes.departments.keys.sorted().joined(separator: ", ")))")
        case .resolve(let outcome, let amount, _):
            if outcome.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw LocalizedMessage(zh: "调解解决需要写明结果", en: "a resolution needs an outcome")
            }
            if let amount, amount < 0 || amount > 100_000_000 {
                throw LocalizedMessage(zh: "金额应在 0 到 100 万元之间", en: "the amount must be between 0 and 1,000,000 yuan")
            }
        default:
            break
        }
        if step.date < complaint.filed.date {
            throw LocalizedMessage(zh: "日期 \(step.date) 早于登记日期 \(complaint.filed.date)", en: "the date \(step.date) is before the filing date \(complaint.filed.date)")
        }
        try checkRecordDate(step.date, today: today, what: "办理日期", "date of the step")
    }
}

/// An upheld complaint's deduction, confirmed by a person before it counts in the rating.
public struct ComplaintDeductionConfirmed: Sendable, Codable, Equatable {
    public var receipt: String
    public var severity: Severity
    public var date: SimpleDate

    public init(receipt: String, severity: Severity, date: SimpleDate) {
        self.receipt = receipt
        self.severity = severity
        self.date = date
    }
}

extension MarketState {
    /// A deduction is confirmed once, for a complaint about a known shop that was resolved as upheld
    /// (属实; resolved, or followed up or closed since), by a manager or the shop's secretary other
    /// than whoever resolved it. `replacing`: the record a correction puts this one in place of.
    public func validate(_ deduction: ComplaintDeductionConfirmed, by user: User, today: SimpleDate, replacing: UInt64? = nil) throws(LocalizedMessage) {
        guard let complaint = complaints[deduction.receipt] else {
            throw LocalizedMessage(zh: "没有受理编号为 \(deduction.receipt) 的投诉", en: "there is no complaint \(deduction.receipt)")
        }
        guard let shop = complaint.filed.shop, let merchant = merchant(shopNumber: shop) else {
            throw LocalizedMessage(zh: "投诉 \(deduction.receipt) 没有对应的商户，不能扣分", en: "complaint \(deduction.receipt) names no shop; nothing to deduct from")
        }
        try Action.actForShop(branch: merchant.branch).check(user.role)
        try refuseOwnShop(user, shop: shop, doing: "确认", "confirm a deduction of")
        try checkRecordDate(deduction.date, today: today, replacing: replacing, what: "确认日期", "date of the confirmation")
        guard let resolution = complaint.resolution else {
            throw LocalizedMessage(zh: "投诉 \(deduction.receipt) 尚未调解解决（属实），不能确认扣分", en: "complaint \(deduction.receipt) has not been resolved as upheld; no deduction can be confirmed")
        }
        // Only a complaint found true costs the shop anything.
        guard complaint.isUpheld else {
            throw LocalizedMessage(zh: "投诉 \(deduction.receipt) 调解解决时认定不属实（记录 #\(resolution.sequence)），不能确认扣分",
                                   en: "complaint \(deduction.receipt) was resolved as not upheld (record #\(resolution.sequence)); no deduction can be confirmed")
        }
        // Four eyes: whoever resolved the case proposed the deduction; someone else confirms it.
        if resolution.actor == user.name {
            throw LocalizedMessage(zh: "\(user.displayName)办理了这件投诉（记录 #\(resolution.sequence)），扣分须由另一人确认",
                                   en: "\(user.displayName) handled this complaint (record #\(resolution.sequence)); someone else must confirm its deduction")
        }
        if replacing == nil, complaintDeductions[deduction.receipt] != nil {
            throw LocalizedMessage(zh: "投诉 \(deduction.receipt) 的扣分已经确认过", en: "the deduction for complaint \(deduction.receipt) was confirmed already")
        }
        // One matter, one deduction: a complaint linked as a duplicate shares its group's.
        let matter = matter(of: deduction.receipt)
        if let counted = (deductionsByShop[shop] ?? []).first(where: { self.matter(of: $0) == matter && (replacing == nil || $0 != deduction.receipt) }) {
            throw LocalizedMessage(zh: "投诉 \(deduction.receipt) 与 \(counted) 是同一件事（重复投诉），\(counted) 已扣过分，同一件事只扣一次",
                                   en: "complaint \(deduction.receipt) is the same matter as \(counted) (a duplicate), which was deducted already; one matter is deducted once")
        }
    }
}

/// A complaint marked as a duplicate of another (the same matter filed twice).
public struct ComplaintLinked: Sendable, Codable, Equatable {
    public var receipt: String
    public var duplicateOf: String

    public init(receipt: String, duplicateOf: String) {
        self.receipt = receipt
        self.duplicateOf = duplicateOf
    }
}

extension MarketState {
    /// The first complaint of the matter `receipt` belongs to: following its duplicate links back
    /// (complaints linked as duplicates share it; a matter is deducted once).
    public func matter(of receipt: String) -> String {
        var root = receipt
        var seen: Set<String> = [receipt]
        while let next = complaints[root]?.duplicateOf, seen.insert(next).inserted { root = next }
        return root
    }

    /// A link marks a complaint as a duplicate of another about the same shop, by someone allowed
    /// to act for that shop's branch; it is never replaced (a wrong link is corrected, not overwritten).
    public func validate(_ link: ComplaintLinked, by user: User) throws(LocalizedMessage) {
        for receipt in [link.receipt, link.duplicateOf] where complaints[receipt] == nil {
            throw LocalizedMessage(zh: "没有受理编号为 \(receipt) 的投诉", en: "there is no complaint \(receipt)")
        }
        if link.receipt == link.duplicateOf {
            throw LocalizedMessage(zh: "投诉不能是自己的重复", en: "a complaint cannot duplicate itself")
        }
        let shop = complaints[link.receipt]?.filed.shop, original = complaints[link.duplicateOf]?.filed.shop
        guard let shop, shop == original else {
            throw LocalizedMessage(zh: "只能把同一家店铺的投诉标为重复（\(link.receipt) 针对 \(shop ?? "不明店铺")，\(link.duplicateOf) 针对 \(original ?? "不明店铺")）",
                                   en: "only complaints about the same shop can be linked (\(link.receipt) is about \(shop ?? "an unknown shop"), \(link.duplicateOf) about \(original ?? "an unknown shop"))")
        }
        if let branch = merchant(shopNumber: shop)?.branch { try Action.actForShop(branch: branch).check(user.role) }
        if let existing = complaints[link.receipt]?.duplicateOf {
            throw LocalizedMessage(zh: "投诉 \(link.receipt) 已标为 \(existing) 的重复，不会被改写；如标错了，请先撤回原来的标记（chengxin record withdraw 记录号）",
                                   en: "complaint \(link.receipt) is already marked a duplicate of \(existing); it is not overwritten — withdraw the first link (chengxin record withdraw SEQ)")
        }
        var seen: Set<String> = [link.receipt]
        var next: String? = link.duplicateOf
        while let current = next {
            if !seen.insert(current).inserted {
                throw LocalizedMessage(zh: "这样链接会形成循环", en: "the link would make a cycle")
            }
            next = complaints[current]?.duplicateOf
        }
    }
}

/// Receipt codes handed to consumers: eight characters from an alphabet without look-alikes
/// (no 0/O, 1/I/L, U), shown as XXXX-XXXX.
public enum ReceiptCode {
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTVWXYZ")

    public static func make<G: RandomNumberGenerator>(using generator: inout G) -> String {
        let chars = (0..<8).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return String(chars[0..<4]) + "-" + String(chars[4..<8])
    }

    /// Accepts lower case, a missing dash and full-width letters and digits (ＫＸ７Ｑ), as people type codes.
    public static func normalise(_ text: String) -> String {
        let typed = TypedCode.normalise(text)
        let cleaned = typed.uppercased().filter { $0 != "-" && $0 != " " }
        guard cleaned.count == 8 else { return typed.uppercased() }
        return String(cleaned.prefix(4)) + "-" + String(cleaned.suffix(4))
    }
}
