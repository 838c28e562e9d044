/// The rules for the members' points ledger's records (docs/domain-model.md, "Members' points"):
/// who names a panel, who enters what about whom, who approves. `MarketState.validate` calls these.
extension MarketState {
    /// A branch's 考评小组 for a year: named by a market manager, for this year, the last or the
    /// next, of at least the rules' minimum of distinct members of that branch, each a member today.
    public func validate(_ panel: PanelNamed, by user: User, today: SimpleDate) throws(LocalizedMessage) {
        guard case .manager = user.role else {
            throw LocalizedMessage(zh: "考评小组由市场管理方（党委）组建", en: "a market manager names a branch's assessment panel")
        }
        guard branch(panel.branch) != nil else {
            throw LocalizedMessage(zh: "没有第 \(panel.branch) 支部", en: "there is no branch \(panel.branch)")
        }
        if abs(panel.year - today.year) > 1 {
            throw LocalizedMessage(zh: "考评小组只能为今年、去年或明年组建（今天是 \(today)，现为 \(panel.year) 年）",
                                   en: "a panel is named for this year, the last or the next (today is \(today); got \(panel.year))")
        }
        let rules = try memberPointsRulesOrRefuse(year: panel.year)
        if Set(panel.members).count != panel.members.count {
            throw LocalizedMessage(zh: "考评小组成员不能重复", en: "a panel lists each member once")
        }
        if panel.members.count < rules.value.panelMinimum {
            throw LocalizedMessage(zh: "考评小组至少要有 \(rules.value.panelMinimum) 人（规则第 \(rules.sequence) 条记录），现为 \(panel.members.count) 人",
                                   en: "a panel has at least \(rules.value.panelMinimum) members (the rules, record \(rules.sequence)); got \(panel.members.count)")
        }
        for id in panel.members {
            let member = try existingMember(id)
            if member.branch != panel.branch {
                throw LocalizedMessage(zh: "\(member.name)（\(id)）是第 \(member.branch) 支部党员，不能进入第 \(panel.branch) 支部的考评小组",
                                       en: "\(member.name) (\(id)) is a member of branch \(member.branch), not of branch \(panel.branch)")
            }
            if !member.isMember(on: today) {
                throw LocalizedMessage(zh: "\(member.name)（\(id)）今天不是在册党员", en: "\(member.name) (\(id)) is not a member today")
            }
        }
        if let current = memberPoints.panel(branch: panel.branch, year: panel.year), current.value.members == panel.members {
            throw LocalizedMessage(zh: "第 \(panel.branch) 支部 \(panel.year) 年度的考评小组已是这些成员（记录 #\(current.sequence)）",
                                   en: "branch \(panel.branch)'s \(panel.year) panel already has these members (record #\(current.sequence))")
        }
    }

    /// A deduction: an item of the year's rules, at least once, no more times than the item's yearly
    /// cap allows in one entry, with a reason.
    public func validate(_ deduction: MemberDeduction, by user: User, today: SimpleDate) throws(LocalizedMessage) {
        let rules = try checkLedgerEntry(member: deduction.member, date: deduction.date, by: user, today: today)
        guard let item = rules.value.item(deduction.item) else {
            let codes = rules.value.deductionItems.map { "\($0.code)（\($0.name)）" }.joined(separator: "、")
            throw LocalizedMessage(zh: "扣分项“\(deduction.item)”不在规则中（\(codes)）",
                                   en: "deduction item \"\(deduction.item)\" is not in the rules (\(rules.value.deductionItems.map(\.code).joined(separator: ", ")))")
        }
        if deduction.occurrences < 1 || deduction.occurrences * item.points > item.capPerYear {
            throw LocalizedMessage(zh: "次数应为 1 到 \(item.capPerYear / item.points)（每次 \(item.points) 分，每年最多扣 \(item.capPerYear) 分），现为 \(deduction.occurrences)",
                                   en: "occurrences must be 1–\(item.capPerYear / item.points) (\(item.points) points each, at most \(item.capPerYear) a year); got \(deduction.occurrences)")
        }
        if deduction.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw LocalizedMessage(zh: "扣分必须写明理由", en: "a deduction needs a reason")
        }
    }

    /// Contribution points: 1 to the year's cap, with evidence.
    public func validate(_ contribution: MemberContribution, by user: User, today: SimpleDate) throws(LocalizedMessage) {
        let rules = try checkLedgerEntry(member: contribution.member, date: contribution.date, by: user, today: today)
        let cap = rules.value.contributionCap
        if contribution.points < 1 || contribution.points > cap {
            throw LocalizedMessage(zh: "贡献分应为 1 到 \(cap) 之间的整数，现为 \(contribution.points)", en: "contribution points must be 1–\(cap), got \(contribution.points)")
        }
        if contribution.evidence.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw LocalizedMessage(zh: "贡献分必须附上依据（证明材料）", en: "contribution points need evidence")
        }
    }

    /// The appraisal's points: only where the rules give the appraisal a share, 0 to that share,
    /// once per member and year (withdraw the standing one to enter it again).
    public func validate(_ appraisal: MemberAppraisal, by user: User, today: SimpleDate) throws(LocalizedMessage) {
        let rules = try checkLedgerEntry(member: appraisal.member, date: appraisal.date, by: user, today: today)
        let share = rules.value.appraisalShare
        if share == 0 {
            throw LocalizedMessage(zh: "规则（第 \(rules.sequence) 条记录）不给民主评议计分（appraisalShare 为 0）",
                                   en: "the rules (record \(rules.sequence)) give the democratic appraisal no points (appraisalShare is 0)")
        }
        if appraisal.points < 0 || appraisal.points > share {
            throw LocalizedMessage(zh: "民主评议得分应为 0 到 \(share)，现为 \(appraisal.points)", en: "appraisal points must be 0–\(share), got \(appraisal.points)")
        }
        if appraisal.evidence.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw LocalizedMessage(zh: "民主评议得分必须附上依据（评议记录）", en: "appraisal points need evidence (the appraisal's record)")
        }
        if let standing = memberPoints.entries(of: appraisal.member, year: appraisal.date.year).first(where: {
            if case .appraisal = $0.record, withdrawal(of: $0.sequence) == nil { return true }
            return false
        }) {
            throw LocalizedMessage(zh: "\(appraisal.member) \(appraisal.date.year) 年度已有民主评议得分（记录 #\(standing.sequence)），须先撤回",
                                   en: "\(appraisal.member) already has appraisal points for \(appraisal.date.year) (record #\(standing.sequence)); withdraw them first")
        }
    }

    /// An approval: by a member of the branch's current panel for the entry's year, recorded by that
    /// member's own account or (the panel's vote on paper) by a market manager or the branch's
    /// secretary; never by one who has left the branch, the member the entry is about, one who co-owns a shop with them, or the
    /// one who entered it; once per panel member; not of a withdrawn entry or one that counts already.
    public func validate(_ approval: PointsApproved, by user: User) throws(LocalizedMessage) {
        guard let entry = memberPoints.entries[approval.target] else {
            throw LocalizedMessage(zh: "第 \(approval.target) 条记录不是党员积分登记", en: "record \(approval.target) is not a members' points entry")
        }
        let subject = try existingMember(entry.record.member)
        let approver = try existingMember(approval.member)
        let year = entry.record.date.year
        if self.member(of: user)?.id != approver.id {
            try checkRecordsFor(subject, by: user, doing: "代录考评小组的审批", "record the panel's approvals")
        }
        if case .withdrawn(let amendment) = ledgerStatus(entry) {
            throw LocalizedMessage(zh: "第 \(approval.target) 条积分已撤回（第 \(amendment.by) 条）", en: "entry \(approval.target) was withdrawn (record \(amendment.by))")
        }
        guard let panel = memberPoints.panel(branch: subject.branch, year: year) else {
            throw LocalizedMessage(zh: "第 \(subject.branch) 支部尚未组建 \(year) 年度考评小组（chengxin panel name）",
                                   en: "branch \(subject.branch) has no assessment panel for \(year) yet (chengxin panel name)")
        }
        if !panel.value.members.contains(approver.id) {
            throw LocalizedMessage(zh: "\(approver.name)（\(approver.id)）不是第 \(subject.branch) 支部 \(year) 年度考评小组成员（记录 #\(panel.sequence)）",
                                   en: "\(approver.name) (\(approver.id)) is not on branch \(subject.branch)'s \(year) panel (record #\(panel.sequence))")
        }
        if let left = approver.left {
            throw LocalizedMessage(zh: "\(approver.name)（\(approver.id)）已于 \(left) 离开支部，不能再审批（请重新组建考评小组）",
                                   en: "\(approver.name) (\(approver.id)) left the branch on \(left) and may no longer approve (name the panel again)")
        }
        if approver.id == subject.id {
            throw LocalizedMessage(zh: "\(approver.name)不能审批关于自己的积分（利益冲突）", en: "\(approver.name) may not approve an entry about themselves (a conflict of interest)")
        }
        if let shop = approver.shops.first(where: subject.shops.contains) {
            throw LocalizedMessage(zh: "\(approver.name)与\(subject.name)共同经营 \(shop)，不能审批其积分（利益冲突）",
                                   en: "\(approver.name) co-owns \(shop) with \(subject.name) and may not approve their entries (a conflict of interest)")
        }
        if approver.user == entry.enteredBy || users[entry.enteredBy].flatMap({ self.member(of: $0) })?.id == approver.id {
            throw LocalizedMessage(zh: "\(approver.name)登记了第 \(approval.target) 条积分，不能自己审批", en: "\(approver.name) entered entry \(approval.target) and may not approve it")
        }
        if let earlier = entry.approvals.first(where: { $0.member == approver.id }) {
            throw LocalizedMessage(zh: "\(approver.name)已审批过第 \(approval.target) 条积分（记录 #\(earlier.sequence)）",
                                   en: "\(approver.name) approved entry \(approval.target) already (record #\(earlier.sequence))")
        }
        if case .counted(let since, _, let have, let of) = ledgerStatus(entry) {
            throw LocalizedMessage(zh: "第 \(approval.target) 条积分已获考评小组过半数通过（\(have)/\(of)，第 \(since) 条起计入）",
                                   en: "entry \(approval.target) already has the panel's majority (\(have) of \(of); counts from record \(since))")
        }
    }

    /// What every ledger entry needs: a member who belongs to the branch on the entry's date,
    /// entered by someone who may record for them, dated within the recording window, in a year
    /// the rules have members' points for. Returns those rules.
    func checkLedgerEntry(member id: String, date: SimpleDate, by user: User, today: SimpleDate) throws(LocalizedMessage) -> Sequenced<MemberPointsRules> {
        let member = try existingMember(id)
        try checkRecordsFor(member, by: user, doing: "登记积分", "enter points")
        if !member.isMember(on: date) {
            throw LocalizedMessage(zh: "\(member.name)（\(id)）在 \(date) 不是在册党员（\(member.joined) 入党\(member.left.map { "，\($0) 离开" } ?? "")）",
                                   en: "\(member.name) (\(id)) was not a member on \(date) (joined \(member.joined)\(member.left.map { ", left \($0)" } ?? ""))")
        }
        try checkRecordDate(date, today: today, what: "积分日期", "date of the entry")
        return try memberPointsRulesOrRefuse(year: date.year)
    }

    /// Who records for a member (enters points, records the panel's vote): a market manager or the
    /// secretary of the member's branch, never about themselves.
    func checkRecordsFor(_ member: Member, by user: User, doing zh: String, _ en: String) throws(LocalizedMessage) {
        switch user.role {
        case .manager:
            break
        case .secretary(let own):
            if own != member.branch {
                throw LocalizedMessage(zh: "第 \(own) 支部书记只能为本支部党员\(zh)（\(member.name)属于第 \(member.branch) 支部）",
                                       en: "the secretary of branch \(own) may \(en) only for members of that branch (\(member.name) is in branch \(member.branch))")
            }
        case .kiosk:
            throw LocalizedMessage(zh: "服务台不能\(zh)", en: "kiosk staff may not \(en)")
        }
        if self.member(of: user)?.id == member.id {
            throw LocalizedMessage(zh: "\(user.displayName)不能为自己\(zh)（利益冲突），请由他人办理", en: "\(user.displayName) may not \(en) for themselves (a conflict of interest); someone else must")
        }
    }

    func existingMember(_ id: String) throws(LocalizedMessage) -> Member {
        guard let member = members[id] else {
            throw LocalizedMessage(zh: "没有编号为 \(id) 的党员", en: "there is no member \(id)")
        }
        return member
    }

    func memberPointsRulesOrRefuse(year: Int) throws(LocalizedMessage) -> Sequenced<MemberPointsRules> {
        guard let rules = memberPointsRules(year: year) else {
            throw LocalizedMessage(zh: "已发布的规则都没有党员积分的规定（memberPoints），不能登记", en: "no published version of the rules has members' points (memberPoints); nothing can be entered")
        }
        return rules
    }

    /// A withdrawal of a ledger entry: by someone who may record for its member (not the member),
    /// counting once a market manager other than the proposer seconds it (it changes a member's points).
    func validateLedgerWithdrawal(_ entry: MemberLedgerEntry, by user: User) throws(LocalizedMessage) {
        try checkRecordsFor(try existingMember(entry.record.member), by: user, doing: "撤回积分", "withdraw points")
        if let pending = withdrawalsProposed.first(where: { $0.value.target == entry.sequence }) {
            throw LocalizedMessage(zh: "第 \(entry.sequence) 条积分已有撤回申请（第 \(pending.key) 条），等待复核确认",
                                   en: "entry \(entry.sequence) already has a withdrawal (record \(pending.key)) waiting for its second")
        }
    }
}
