/// A member's points for a year (党员积分, docs/domain-model.md "Members' points"), with every
/// entry's line: base − deductions (each item capped per year, never below zero) + contribution
/// points (approved, together capped) + the appraisal's points (where the rules give it a share);
/// the grade by the rules' thresholds, 不合格 whatever the total when a veto of a shop the member
/// owns counts in the year (their own 一票否决).
public struct MemberLedger: Sendable, Equatable {
    public var member: Member
    public var year: Int
    /// The rules the year is ledgered by (nil: no published version has members' points).
    public var rules: Sequenced<MemberPointsRules>?
    /// The branch's panel for the year now (nil: none named yet).
    public var panel: Sequenced<PanelNamed>?
    public var base: Int
    /// Deduction points that count (after the items' caps and the floor at zero).
    public var deducted: Int
    /// Contribution points that count, by kind, and together (after the cap).
    public var contributionsByKind: [ContributionKind: Int]
    public var contributed: Int
    public var appraisal: Int
    public var total: Int
    public var grade: MemberGrade?
    /// The member's own 一票否决: the counting vetoes of their shops dated in the year.
    public var vetoes: [Sequenced<VetoConfirmed>]
    /// Entries waiting for the panel's majority.
    public var pending: Int
    public var lines: [ExplanationLine]
}

extension MarketState {
    /// The ledger of `member` for `year`.
    public func memberLedger(_ member: Member, year: Int) -> MemberLedger {
        var lines: [ExplanationLine] = []
        func line(_ zh: String, _ en: String, _ points: Int? = nil, _ sequence: UInt64? = nil) {
            lines.append(ExplanationLine(zh: zh, en: en, points: points, sequence: sequence))
        }
        let panel = memberPoints.panel(branch: member.branch, year: year)
        guard let rules = memberPointsRules(year: year) else {
            line("已发布的规则都没有党员积分的规定（memberPoints）：不记分", "no published rules have members' points (memberPoints): nothing is scored")
            return MemberLedger(member: member, year: year, rules: nil, panel: panel, base: 0, deducted: 0, contributionsByKind: [:], contributed: 0,
                                appraisal: 0, total: 0, grade: nil, vetoes: [], pending: 0, lines: lines)
        }
        let r = rules.value
        line("党员积分规则：第 \(rules.sequence) 条记录（基础分 \(r.basePoints)，贡献分上限 \(r.contributionCap)，民主评议 \(r.appraisalShare) 分）",
             "members' points rules: record \(rules.sequence) (base \(r.basePoints), contribution cap \(r.contributionCap), appraisal share \(r.appraisalShare))",
             nil, rules.sequence)
        if let panel {
            line("第 \(member.branch) 支部 \(year) 年度考评小组：\(panel.value.members.map(memberLabel).joined(separator: "、"))，过半数为 \(panel.value.members.count / 2 + 1) 人",
                 "branch \(member.branch)'s \(year) panel: \(panel.value.members.map(memberLabel).joined(separator: ", ")); a majority is \(panel.value.members.count / 2 + 1)",
                 nil, panel.sequence)
        } else {
            line("第 \(member.branch) 支部尚未组建 \(year) 年度考评小组：积分都待审批", "branch \(member.branch) has no \(year) panel yet: every entry waits", nil, nil)
        }
        line("基础分", "base points", r.basePoints, rules.sequence)

        var deductedByItem: [String: Int] = [:]
        var deducted = 0
        var byKind: [ContributionKind: Int] = [:]
        var contributed = 0
        var appraisal: Int?
        var pending = 0
        for entry in memberPoints.entries(of: member.id, year: year) {
            let status = ledgerStatus(entry)
            let who = entryWho(entry)
            let (why, whyEn) = statusText(status, entry: entry)
            let (head, headEn) = entryHead(entry.record, rules: r, who: who)
            // An entry that does not count (waiting, withdrawn) is listed with why, for nothing.
            guard status.counts else {
                if case .pending = status { pending += 1 }
                line(head + "——" + why, headEn + " — " + whyEn, 0, entry.sequence)
                continue
            }
            switch entry.record {
            case .deduction(let d):
                let item = r.item(d.item)
                guard let item else {
                    line(head + "——规则中没有此扣分项，不计", headEn + " — the rules have no such item; not counted", 0, entry.sequence)
                    continue
                }
                let amount = item.points * d.occurrences
                let room = max(0, item.capPerYear - deductedByItem[d.item, default: 0])
                let floor = max(0, r.basePoints - deducted)
                let counted = min(amount, room, floor)
                deductedByItem[d.item, default: 0] += counted
                deducted += counted
                var note = "", noteEn = ""
                if counted < amount && room <= floor {
                    note = "（该项每年最多扣 \(item.capPerYear) 分，只计 \(counted)）"
                    noteEn = " (this item takes at most \(item.capPerYear) a year: counts \(counted))"
                } else if counted < amount {
                    note = "（基础分已扣完，只计 \(counted)）"
                    noteEn = " (the base points are used up: counts \(counted))"
                }
                line(head + "——" + why + note, headEn + " — " + whyEn + noteEn, -counted, entry.sequence)
            case .contribution(let c):
                let counted = min(c.points, max(0, r.contributionCap - contributed))
                contributed += counted
                byKind[c.kind, default: 0] += counted
                let note = counted < c.points ? "（超出上限 \(r.contributionCap)，只计 \(counted)）" : ""
                let noteEn = counted < c.points ? " (cap \(r.contributionCap): counts \(counted))" : ""
                line(head + "——" + why + note, headEn + " — " + whyEn + noteEn, counted, entry.sequence)
            case .appraisal(let a):
                if r.appraisalShare == 0 || appraisal != nil {
                    let reason = r.appraisalShare == 0 ? ("规则不给民主评议计分", "the rules give the appraisal no points") : ("每年只计一次民主评议得分", "one appraisal counts a year")
                    line(head + "——" + reason.0 + "，不计", headEn + " — " + reason.1 + "; not counted", 0, entry.sequence)
                    continue
                }
                let counted = min(a.points, r.appraisalShare)
                appraisal = counted
                line(head + "——" + why, headEn + " — " + whyEn, counted, entry.sequence)
            }
        }
        if deducted == 0 && contributed == 0 && appraisal == nil && pending == 0 {
            line("本年度尚无计入的扣分或贡献分", "no entry counts this year", 0, nil)
        }
        let total = r.basePoints - deducted + contributed + (appraisal ?? 0)
        let vetoes = memberVetoes(member, year: year)
        var grade = r.grade(forScore: total)
        for veto in vetoes {
            grade = .unqualified
            line("一票否决：\(veto.value.shop) \(veto.value.date) \(veto.value.reason)（经复核确认）——本年度评为不合格",
                 "veto: \(veto.value.shop) \(veto.value.date) \(veto.value.reason) (seconded) — the year is graded unqualified", nil, veto.sequence)
        }
        line("合计 \(r.basePoints) − \(deducted) + \(contributed)" + (r.appraisalShare > 0 ? " + \(appraisal ?? 0)" : "") + " = \(total)，等次：\(grade.chineseName)"
             + (pending > 0 ? "（另有 \(pending) 条待审批）" : ""),
             "total \(r.basePoints) − \(deducted) + \(contributed)" + (r.appraisalShare > 0 ? " + \(appraisal ?? 0)" : "") + " = \(total), grade: \(grade.englishName)"
             + (pending > 0 ? " (\(pending) more waiting for approval)" : ""), total, nil)
        return MemberLedger(member: member, year: year, rules: rules, panel: panel, base: r.basePoints, deducted: deducted, contributionsByKind: byKind,
                            contributed: contributed, appraisal: appraisal ?? 0, total: total, grade: grade, vetoes: vetoes, pending: pending, lines: lines)
    }

    /// The member's own 一票否决 in a year: counting vetoes, dated in the year, of the shops the
    /// member's record names.
    public func memberVetoes(_ member: Member, year: Int) -> [Sequenced<VetoConfirmed>] {
        member.shops.flatMap { vetoes[$0] ?? [] }.filter { $0.value.date.year == year && stands($0.sequence) && vetoCounts($0.sequence) }
            .sorted { $0.sequence < $1.sequence }
    }

    /// `张三（D1-01）`, or the number alone for a member not recorded.
    func memberLabel(_ id: String) -> String { members[id].map { "\($0.name)（\(id)）" } ?? id }

    /// Who entered an entry and who approved it.
    func entryWho(_ entry: MemberLedgerEntry) -> (zh: String, en: String) {
        let approvals = entry.approvals.map { a in
            (memberLabel(a.member) + "#\(a.sequence)" + (members[a.member]?.user == a.by ? "" : "，\(a.by) 代录"),
             memberLabel(a.member) + " #\(a.sequence)" + (members[a.member]?.user == a.by ? "" : ", recorded by \(a.by)"))
        }
        return ("\(entry.enteredBy) 登记" + (approvals.isEmpty ? "" : "；审批：" + approvals.map(\.0).joined(separator: "、")),
                "entered by \(entry.enteredBy)" + (approvals.isEmpty ? "" : "; approved by " + approvals.map(\.1).joined(separator: ", ")))
    }

    /// Why an entry counts or not, in words.
    func statusText(_ status: LedgerEntryStatus, entry: MemberLedgerEntry) -> (String, String) {
        let waiting = withdrawalsProposed.first { $0.value.target == entry.sequence && $0.value.secondedBy == nil }
        let note = waiting.map { ("；撤回申请 #\($0.key) 待复核，复核前仍计入", "; withdrawal #\($0.key) waits for its second and counts until then") } ?? ("", "")
        switch status {
        case .counted(let since, let panel, let have, let of):
            return ("计入：考评小组（#\(panel)）\(have)/\(of) 人同意，自 #\(since) 起" + note.0, "counts: \(have) of \(of) of the panel (#\(panel)) approved, from #\(since)" + note.1)
        case .pending(let have, let needed, _):
            guard let needed else { return ("待审批：尚未组建考评小组，不计", "waiting: no panel named yet; not counted") }
            return ("待审批：\(have)/\(needed) 人同意，不计", "waiting: \(have) of the \(needed) approvals needed; not counted")
        case .withdrawn(let amendment):
            return ("已撤回（#\(amendment.by)，\(amendment.actor)：\(amendment.reason)），不计", "withdrawn (#\(amendment.by), \(amendment.actor): \(amendment.reason)); not counted")
        }
    }

    /// How an entry's line begins: what it is, its date, its reason or evidence, who entered it.
    func entryHead(_ record: MemberLedgerRecord, rules r: MemberPointsRules, who: (zh: String, en: String)) -> (String, String) {
        switch record {
        case .deduction(let d):
            let item = r.item(d.item)
            return ("扣分 \(item?.name ?? d.item) ×\(d.occurrences) \(d.date)：\(d.reason)（\(who.zh)）",
                    "deduction: \(item?.nameEn ?? d.item) ×\(d.occurrences) \(d.date): \(d.reason) (\(who.en))")
        case .contribution(let c):
            return ("贡献分 \(c.kind.chineseName) \(c.date)：\(c.evidence)（\(who.zh)）",
                    "contribution (\(c.kind.rawValue)) \(c.date): \(c.evidence) (\(who.en))")
        case .appraisal(let a):
            return ("民主评议得分 \(a.date)：\(a.evidence)（\(who.zh)）", "appraisal \(a.date): \(a.evidence) (\(who.en))")
        }
    }

    /// The members of a branch on a year's last day (or today, if earlier) — those the year's
    /// ledger and appraisal sheet list — in number order.
    public func ledgerMembers(branch: Int, year: Int, today: SimpleDate) -> [Member] {
        guard let yearEnd = SimpleDate(year: year, month: 12, day: 31), let yearStart = SimpleDate(year: year, month: 1, day: 1) else { return [] }
        let day = min(yearEnd, today)
        return membersInOrder.filter { $0.branch == branch && $0.joined <= day && ($0.left.map { $0 > yearStart } ?? true) }
    }
}
