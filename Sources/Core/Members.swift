/// Party members as people (docs/domain-model.md, "Members"): a member owns zero, one or several
/// shops; a shop may have no member owner (an ordinary merchant); a member may have a user account.
/// Members are recorded by `member.registered` and changed by `member.corrected` (the earlier record
/// stays in the log); a member who leaves the branch is corrected with the day they left.

/// A member's place in their branch.
public enum MemberRole: String, Sendable, Codable, BilingualChoice {
    /// 支部书记
    case secretary
    /// 支委委员
    case committee
    /// 党员
    case member

    public var chineseName: String {
        switch self {
        case .secretary: return "支部书记"
        case .committee: return "支委委员"
        case .member: return "党员"
        }
    }

    public var englishName: String {
        switch self {
        case .secretary: return "branch secretary"
        case .committee: return "branch committee member"
        case .member: return "member"
        }
    }
}

/// A Party member (党员).
public struct Member: Sendable, Codable, Equatable, Identifiable {
    /// The member's number in the market's roster (ASCII letters, digits, -), e.g. `D1-07`.
    public var id: String
    public var name: String
    public var branch: Int
    /// The day they joined the Party (入党日期).
    public var joined: SimpleDate
    public var role: MemberRole
    /// The shops they own (店铺号), in the roster's order; empty for a member who owns none.
    public var shops: [String]
    /// Their login name, if they have a user account.
    public var user: String?
    /// The day they left the branch (transferred or otherwise); nil while a member.
    public var left: SimpleDate?

    public init(id: String, name: String, branch: Int, joined: SimpleDate, role: MemberRole, shops: [String] = [],
                user: String? = nil, left: SimpleDate? = nil) {
        self.id = id
        self.name = name
        self.branch = branch
        self.joined = joined
        self.role = role
        self.shops = shops
        self.user = user
        self.left = left
    }

    /// Whether the person is a member of the branch on `date` (joined by then, not yet left).
    public func isMember(on date: SimpleDate) -> Bool {
        joined <= date && (left.map { date < $0 } ?? true)
    }
}

/// A member's record as it should be, in place of an earlier one (by its sequence number); the
/// earlier stays in the log.
public struct MemberCorrection: Sendable, Codable, Equatable {
    public var target: UInt64
    public var reason: String
    public var member: Member

    public init(target: UInt64, reason: String, member: Member) {
        self.target = target
        self.reason = reason
        self.member = member
    }
}

extension MarketState {
    /// The member with this number, if recorded.
    public func member(id: String) -> Member? { members[id] }

    /// Members in number order.
    public var membersInOrder: [Member] { members.values.sorted { $0.id < $1.id } }

    /// The members who own a shop (zero for an ordinary shop), in number order; former members too
    /// when `includingFormer`.
    public func memberOwners(of shop: String, includingFormer: Bool = false) -> [Member] {
        (memberOwnersByShop[shop] ?? []).compactMap { members[$0] }.filter { includingFormer || $0.left == nil }
    }

    /// The member behind a user account, if any is linked to it.
    public func member(of user: User) -> Member? {
        memberByUser[user.name].flatMap { members[$0] }
    }

    /// The current record of each member, by the sequence number of its registration or correction.
    public func currentMemberRecord(of id: String) -> UInt64? {
        memberRecords.filter { $0.value == id && amendments[$0.key] == nil }.keys.max()
    }

    package mutating func applyMember(_ body: EventBody, actor: String, at: String, sequence: UInt64) {
        switch body {
        case .memberRegistered(let member):
            guard members[member.id] == nil else { return }
            memberRecords[sequence] = member.id
            members[member.id] = member
        case .memberCorrected(let correction):
            guard memberRecords[correction.target] == correction.member.id, amendments[correction.target] == nil else { return }
            amendments[correction.target] = Amendment(kind: "corrected", by: sequence, actor: actor, at: at, reason: correction.reason)
            memberRecords[sequence] = correction.member.id
            members[correction.member.id] = correction.member
        default:
            return
        }
        rebuildMemberLookups()
    }

    /// Who owns which shop and which account is whose, from `members` (rebuilt when a snapshot is read).
    package mutating func rebuildMemberLookups() {
        var owners: [String: [String]] = [:]
        var byUser: [String: String] = [:]
        for member in members.values.sorted(by: { $0.id < $1.id }) {
            for shop in member.shops { owners[shop, default: []].append(member.id) }
            if let user = member.user, member.left == nil { byUser[user] = member.id }
        }
        memberOwnersByShop = owners
        memberByUser = byUser
    }
}
