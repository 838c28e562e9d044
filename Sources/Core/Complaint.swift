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
        // A rejected case is followed up too (domain.md: 消费者满意率 counts every follow-up).
        case (.followUp, .resolved), (.followUp, .forwarded), (.followUp, .terminated), (.followUp, .rejected): return .followedUp
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
