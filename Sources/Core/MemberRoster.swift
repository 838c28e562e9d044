/// The members' roster as a table — seeds/members.csv, `chengxin import members`, `chengxin export
/// members` — and the rules of a member record (docs/domain-model.md, "Members"). One layout, read
/// and written here; the rules are checked by `Member.problems` (no log needed: the seeds use it)
/// and, for what a person records, by `MarketState.validate` (Recording.swift) through
/// `memberRecordProblems`.
public enum MemberTable {
    /// The columns, in order: Chinese header and the English key an import also accepts.
    public static let columns: [(zh: String, en: String)] = [
        ("党员编号", "id"), ("姓名", "name"), ("支部编号", "branch"), ("入党日期", "joined"), ("支部职务", "role"),
        ("店铺号", "shops"), ("用户名", "user"), ("离开日期", "left"),
    ]
    /// Columns a file must have; 用户名 and 离开日期 may be left out (a file without them keeps none).
    static let required = ["党员编号", "姓名", "支部编号", "入党日期", "支部职务", "店铺号"]
    /// Between the shops of one member in the 店铺号 cell (an ideographic enumeration comma).
    public static let shopSeparator = "、"

    /// The Chinese header line (`党员编号,姓名,…`).
    public static var header: [String] { columns.map(\.zh) }

    /// Where each column is (by its Chinese name), or what the header lacks.
    public static func index(_ header: [String]) throws(LocalizedMessage) -> [String: Int] {
        var index: [String: Int] = [:]
        for column in columns {
            if let i = header.firstIndex(where: { $0 == column.zh || $0 == column.en }) { index[column.zh] = i }
        }
        let missing = required.filter { index[$0] == nil }
        if !missing.isEmpty {
            throw LocalizedMessage(zh: "表头缺少列 \(missing.joined(separator: "、"))（需要 \(required.joined(separator: ","))，可另有 用户名,离开日期）",
                                   en: "the header lacks column(s) \(missing.joined(separator: ", ")) (needed: \(required.joined(separator: ",")), optionally 用户名,离开日期)")
        }
        return index
    }

    /// One row as a member, or what is wrong with its cells (each message naming the column and the
    /// value). `cell` gives a column's trimmed text ("" when absent). Only the format: the rules of
    /// a record are `Member.problems`.
    public static func member(_ cell: (String) -> String) -> (member: Member?, problems: [LocalizedMessage]) {
        var problems: [LocalizedMessage] = []
        func required(_ column: String) -> String {
            let value = cell(column)
            if value.isEmpty { problems.append(LocalizedMessage(zh: "“\(column)”不能为空", en: "\"\(column)\" must not be empty")) }
            return value
        }
        func date(_ column: String, _ text: String) -> SimpleDate? {
            guard !text.isEmpty else { return nil }
            guard let date = SimpleDate(iso: text) else {
                problems.append(LocalizedMessage(zh: "“\(column)”“\(text)”不是有效日期（应为 YYYY-MM-DD，如 2015-07-01）",
                                                 en: "\"\(column)\" \"\(text)\" is not a valid date (YYYY-MM-DD, like 2015-07-01)"))
                return nil
            }
            return date
        }
        let id = required("党员编号"), name = required("姓名"), branchText = required("支部编号")
        let joinedText = required("入党日期"), roleText = required("支部职务")
        let branch = Int(branchText)
        if !branchText.isEmpty && branch == nil {
            problems.append(LocalizedMessage(zh: "“支部编号”“\(branchText)”应为整数", en: "\"支部编号\" \"\(branchText)\" must be a whole number"))
        }
        let joined = date("入党日期", joinedText)
        let left = date("离开日期", cell("离开日期"))
        let role = MemberRole.matching(roleText)
        if !roleText.isEmpty && role == nil {
            problems.append(LocalizedMessage(zh: "“支部职务”应为支部书记、支委委员或党员，现为“\(roleText)”",
                                             en: "\"支部职务\" must be 支部书记, 支委委员 or 党员, is \"\(roleText)\""))
        }
        let shops = cell("店铺号").split(whereSeparator: { String($0) == shopSeparator || $0 == "," || $0 == "，" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let user = cell("用户名")
        guard problems.isEmpty, let branch, let joined, let role else { return (nil, problems) }
        return (Member(id: id, name: name, branch: branch, joined: joined, role: role, shops: shops, user: user.isEmpty ? nil : user, left: left), [])
    }

    /// A member as a row of the table; `maskName` masks the name as personal data (docs/privacy.md).
    public static func row(_ member: Member, maskName: Bool) -> [String] {
        [member.id, maskName ? PersonalData.maskName(member.name) : member.name, String(member.branch), member.joined.description,
         member.role.chineseName, member.shops.joined(separator: shopSeparator), member.user ?? "", member.left?.description ?? ""]
    }
}

extension Member {
    /// A member's number: 1 to 16 ASCII letters, digits or -, beginning with a letter or digit (D1-07).
    public static func idProblem(_ id: String) -> LocalizedMessage? {
        let ok = (1...16).contains(id.count) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } && id.first != "-"
        return ok ? nil : LocalizedMessage(zh: "党员编号“\(id)”格式不对：应为 1 到 16 个英文字母、数字或 -，如 D1-07",
                                           en: "member number \"\(id)\" is invalid: use 1–16 letters, digits or -, like D1-07")
    }

    /// The rules of a member record that need only the roster: a valid number, a name, a branch
    /// that exists, joined not after `today` (when known), each shop existing and listed once, a
    /// valid user name, left neither before joined nor after `today`.
    public func problems(branchExists: (Int) -> Bool, shopExists: (String) -> Bool, today: SimpleDate?) -> [LocalizedMessage] {
        var problems: [LocalizedMessage] = []
        if let problem = Member.idProblem(id) { problems.append(problem) }
        if name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.append(LocalizedMessage(zh: "党员 \(id) 的姓名不能为空", en: "member \(id) needs a name"))
        }
        if !branchExists(branch) {
            problems.append(LocalizedMessage(zh: "支部编号“\(branch)”不存在", en: "branch \"\(branch)\" does not exist"))
        }
        if let today, joined > today {
            problems.append(LocalizedMessage(zh: "入党日期 \(joined) 晚于今天（\(today)）", en: "the day joined, \(joined), is after today (\(today))"))
        }
        var seen: Set<String> = []
        for shop in shops {
            if !shopExists(shop) {
                problems.append(LocalizedMessage(zh: "店铺号“\(shop)”不存在", en: "shop \"\(shop)\" does not exist"))
            } else if !seen.insert(shop).inserted {
                problems.append(LocalizedMessage(zh: "店铺号 \(shop) 重复列出", en: "shop \(shop) is listed twice"))
            }
        }
        if let user, let problem = User.nameProblem(user) { problems.append(problem) }
        if let left {
            if left < joined {
                problems.append(LocalizedMessage(zh: "离开日期 \(left) 早于入党日期 \(joined)", en: "the day left, \(left), is before the day joined, \(joined)"))
            }
            if let today, left > today {
                problems.append(LocalizedMessage(zh: "离开日期 \(left) 晚于今天（\(today)），不能预先登记", en: "the day left, \(left), is after today (\(today)); nothing is recorded ahead of time"))
            }
        }
        return problems
    }
}

extension PlateType {
    /// A shop's plate against its member owners (current ones): a plate needs at least one, an
    /// ordinary shop has none. Refused in the seeds; in a market reported, never refused — a
    /// member leaving makes it happen, and the roster is then set right (docs/domain-model.md, "Members").
    public func ownershipProblem(shop: String, memberOwners: Int) -> LocalizedMessage? {
        if isMemberPlate && memberOwners == 0 {
            return LocalizedMessage(zh: "\(shop) 挂“\(chineseName)”牌，但没有在册的党员经营者（应改为普通商户或补登党员）",
                                    en: "\(shop) hangs the \(englishName) plate but has no current member owner (make it an ordinary shop or register the member)")
        }
        if !isMemberPlate && memberOwners > 0 {
            return LocalizedMessage(zh: "\(shop) 是普通商户，却有 \(memberOwners) 位党员经营者（应挂党员牌）",
                                    en: "\(shop) is an ordinary shop but has \(memberOwners) member owner(s) (it should hang a member plate)")
        }
        return nil
    }
}

extension MarketState {
    /// The shops whose plate and current member owners disagree, in shop-number order (reported by
    /// `merchant show`, the shop page and the member import).
    public var ownershipMismatches: [(shop: String, problem: LocalizedMessage)] {
        merchantsByShopNumber.compactMap { merchant in ownershipProblem(of: merchant).map { (merchant.shopNumber, $0) } }
    }

    public func ownershipProblem(of merchant: Merchant) -> LocalizedMessage? {
        merchant.plate.ownershipProblem(shop: merchant.shopNumber, memberOwners: memberOwners(of: merchant.shopNumber).count)
    }

    /// Everything wrong with a member record about to be registered (`correcting` nil) or put in
    /// place of record `correcting`, as of `today`: the record's own rules, the linked user (exists,
    /// not linked to another current member), one registration per number, a correction of the
    /// member's current record keeping its number. The role is checked by `validate`.
    public func memberRecordProblems(_ member: Member, correcting target: UInt64?, today: SimpleDate) -> [LocalizedMessage] {
        var problems = member.problems(branchExists: { branch($0) != nil }, shopExists: { merchant(shopNumber: $0) != nil }, today: today)
        if let name = member.user, User.nameProblem(name) == nil {
            if users[name] == nil {
                problems.append(LocalizedMessage(zh: "用户 \(name) 不存在（先用 chengxin user add 建立账户）", en: "there is no user \(name) (create the account first with chengxin user add)"))
            } else if member.left == nil, let other = memberByUser[name], other != member.id {
                problems.append(LocalizedMessage(zh: "用户 \(name) 已关联党员 \(other)（\(members[other]?.name ?? "")）", en: "user \(name) is linked to member \(other) already"))
            }
        }
        if let target {
            guard let about = memberRecords[target] else {
                problems.append(LocalizedMessage(zh: "第 \(target) 条记录不是党员登记", en: "record \(target) is not a member's record"))
                return problems
            }
            if about != member.id {
                problems.append(LocalizedMessage(zh: "更正不能改变党员编号（第 \(target) 条是 \(about) 的记录，更正写的是 \(member.id)）",
                                                 en: "a correction keeps the member's number (record \(target) is \(about)'s; the correction says \(member.id))"))
            } else if let current = currentMemberRecord(of: about), current != target {
                problems.append(LocalizedMessage(zh: "第 \(target) 条不是 \(about) 的现行记录（现行记录是第 \(current) 条）",
                                                 en: "record \(target) is not \(about)'s current record (record \(current) is)"))
            } else if members[about] == member {
                problems.append(LocalizedMessage(zh: "更正与 \(about) 的现行记录完全相同，没有可更正之处", en: "the correction is identical to \(about)'s current record; there is nothing to correct"))
            }
        } else if members[member.id] != nil {
            let record = currentMemberRecord(of: member.id).map { "（第 \($0) 条）" } ?? ""
            problems.append(LocalizedMessage(zh: "党员编号 \(member.id) 已登记\(record)，请更正该记录而不是再次登记",
                                             en: "member \(member.id) is registered already; correct that record instead of registering again"))
        }
        return problems
    }

    /// `member.registered` and `member.corrected` (with a reason): by a market manager, passing
    /// `memberRecordProblems`.
    public func validateMember(_ body: EventBody, by user: User, today: SimpleDate) throws(LocalizedMessage) {
        guard case .manager = user.role else {
            throw LocalizedMessage(zh: "只有市场管理方可以登记或更正党员（\(user.role.name(.zh))不可以）", en: "only a market manager may register or correct members (not a \(user.role.name(.en)))")
        }
        let member: Member, target: UInt64?
        switch body {
        case .memberRegistered(let registered): (member, target) = (registered, nil)
        case .memberCorrected(let correction):
            if correction.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw LocalizedMessage(zh: "更正党员记录必须写明原因", en: "a correction of a member's record needs a reason")
            }
            (member, target) = (correction.member, correction.target)
        default:
            return
        }
        if let problem = memberRecordProblems(member, correcting: target, today: today).first { throw problem }
    }
}

extension MarketState {
    /// A shop's member owners as the shop page and `merchant show` list them — 魏晓琳（D1-04，党员）,
    /// one a line, or 普通商户（无党员经营者） — followed by the ownership problem, if any.
    public func memberOwnerLines(of merchant: Merchant, _ language: Language) -> [String] {
        let owners = memberOwners(of: merchant.shopNumber)
        var lines = owners.map { language.pick("\($0.name)（\($0.id)，\($0.role.chineseName)）", "\($0.name) (\($0.id), \($0.role.englishName))") }
        if owners.isEmpty && !merchant.plate.isMemberPlate {
            lines.append(language.pick("普通商户（无党员经营者）", "ordinary shop (no member owner)"))
        }
        if let problem = ownershipProblem(of: merchant) { lines.append("⚠ " + problem.text(language)) }
        return lines
    }

    /// One member as `member show` and the members' list describe them.
    public func memberLines(_ member: Member, _ language: Language) -> [String] {
        let branchName = branch(member.branch)?.name ?? String(member.branch)
        let shops = member.shops.map { shop in merchant(shopNumber: shop).map { "\(shop) \($0.name)" } ?? shop }
        var lines = [
            "\(member.id)  \(member.name)",
            language.pick("支部：", "branch: ") + branchName,
            language.pick("支部职务：", "role: ") + member.role.name(language),
            language.pick("入党日期：", "joined: ") + member.joined.description,
            language.pick("离开日期：", "left: ") + (member.left?.description ?? language.pick("（在册）", "(a current member)")),
            language.pick("用户账户：", "user account: ") + (member.user ?? language.pick("（无）", "(none)")),
            language.pick("经营店铺：", "shops owned: ") + (shops.isEmpty ? language.pick("（无）", "(none)") : ""),
        ]
        lines += shops.map { "  " + $0 }
        if let record = currentMemberRecord(of: member.id) { lines.append(language.pick("现行记录：第 \(record) 条", "current record: #\(record)")) }
        return lines
    }
}
