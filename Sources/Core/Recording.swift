/// The one check for everything a person records from a screen or a command: the role's
/// permission and the domain's rules, run again under the log's lock before the event is written.
extension MarketState {
    /// Every typed text field is then held to its limits (TextLimits.swift).
    public func validate(_ body: EventBody, by user: User, today: SimpleDate) throws(LocalizedMessage) {
        try validateRules(body, by: user, today: today)
        try TextLimits.check(body)
    }

    private func validateRules(_ body: EventBody, by user: User, today: SimpleDate) throws(LocalizedMessage) {
        switch body {
        case .inspectionRecorded(let inspection):
            try validate(inspection, by: user, today: today)
        case .contributionRecorded(let entry):
            try validate(entry, by: user, today: today)
        case .contributionApproved(let approval):
            try validateApproval(of: approval.target, by: user)
        case .complaintStep(let step):
            try validate(step, by: user, today: today)
        case .complaintDeductionConfirmed(let deduction):
            try validate(deduction, by: user, today: today)
        case .complaintLinked(let link):
            if user.role == .kiosk {
                throw LocalizedMessage(zh: "服务台不能处理投诉，只能登记和查询", en: "kiosk staff file and look up complaints; they do not handle them")
            }
            for receipt in [link.receipt, link.duplicateOf] {
                if let shop = complaints[receipt]?.filed.shop { try refuseOwnShop(user, shop: shop, doing: "处理针对", "handle complaints about") }
            }
            try validate(link, by: user)
        case .appealFiled(let appeal):
            if let shop = merchant(shopNumber: appeal.shop) { try Action.actForShop(branch: shop.branch).check(user.role) }
            try validate(appeal, by: user, today: today)
        case .appealDecided(let decision):
            try validateDecision(decision, by: user, today: today)
        case .replyPublished(let reply):
            try validate(reply, by: user)
        case .vetoConfirmed(let veto):
            try validate(veto, by: user, today: today)
        case .vetoSeconded(let second):
            try validate(second, by: user)
        case .withdrawn(let withdrawal):
            try validateWithdrawal(withdrawal, by: user)
        case .recordCorrected(let correction):
            try validateCorrection(correction, by: user, today: today)
        case .withdrawalSeconded(let second):
            try validate(second, by: user)
        case .ratingsPublished(let publication):
            try validate(publication, by: user, today: today)
        case .conductPublished(let conduct):
            try validate(conduct, by: user, today: today)
        case .rulesPublished(let rules):
            try validate(rules, by: user, today: today)
        case .checklistPublished(let checklist):
            try validate(checklist, by: user)
        case .pledgeMade(let made):
            try validate(made, by: user, today: today)
        case .pledgeWithdrawn(let withdrawal):
            try validate(withdrawal, by: user, today: today)
        case .memberRegistered, .memberCorrected:
            try validateMember(body, by: user, today: today)
        case .panelNamed(let panel):
            try validate(panel, by: user, today: today)
        case .pointsDeducted(let deduction):
            try validate(deduction, by: user, today: today)
        case .pointsContributed(let contribution):
            try validate(contribution, by: user, today: today)
        case .pointsAppraised(let appraisal):
            try validate(appraisal, by: user, today: today)
        case .pointsApproved(let approval):
            try validate(approval, by: user)
        default:
            throw LocalizedMessage(zh: "这类记录（\(body.type)）不能在这里登记", en: "records of type \(body.type) cannot be made here")
        }
    }

    /// A shop's reply to its rating: by a manager or the shop's own secretary, 1–500 characters.
    public func validate(_ reply: ReplyPublished, by user: User) throws(LocalizedMessage) {
        let shop = try recordedShop(reply.shop)
        try Action.actForShop(branch: shop.branch).check(user.role)
        guard ratingsPublished[reply.year] != nil else {
            throw LocalizedMessage(zh: "\(reply.year) 年度的星级尚未公示，没有可回应的评定", en: "the \(reply.year) ratings have not been published; there is no rating to reply to")
        }
        let trimmed = reply.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            throw LocalizedMessage(zh: "回应应为 1 到 500 字", en: "a reply is 1 to 500 characters")
        }
        try TextLimits.check(reply.text, .replyText)
    }
}

extension MarketState {
    /// A veto (一票否决): by a market manager, for a known shop that is not theirs, of a kind the
    /// rules name, with the facts, dated within the recording window, once per kind and year.
    /// `replacing`: the record a correction puts this one in place of.
    public func validate(_ veto: VetoConfirmed, by user: User, today: SimpleDate, replacing: UInt64? = nil) throws(LocalizedMessage) {
        try Action.confirmVeto.check(user.role)
        _ = try recordedShop(veto.shop)
        try refuseOwnShop(user, shop: veto.shop, doing: "否决", "veto")
        try checkRecordDate(veto.date, today: today, replacing: replacing, what: "否决日期", "date of the veto")
        guard rules(on: veto.date)?.value.veto.kinds.contains(veto.kind) == true else {
            throw LocalizedMessage(zh: "否决类型“\(veto.kind)”不在规则中（counterfeit、tax-evasion、criminal-case）", en: "veto kind \"\(veto.kind)\" is not in the rules")
        }
        if veto.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw LocalizedMessage(zh: "需要写明事实和理由", en: "a reason is needed")
        }
        guard let evidence = veto.evidence else {
            throw LocalizedMessage(zh: "一票否决需要证据：发现问题的检查或投诉的记录号（--evidence）", en: "a veto needs its evidence: the record number of the inspection or complaint that found it (--evidence)")
        }
        let inspected = inspections[veto.shop]?.contains { $0.sequence == evidence } ?? false
        let complaint = complaints.values.first { $0.filedSequence == evidence && $0.filed.shop == veto.shop }
        if !inspected && complaint == nil {
            throw LocalizedMessage(zh: "记录 #\(evidence) 不是对 \(veto.shop) 的检查或投诉，不能作为一票否决的证据",
                                   en: "record #\(evidence) is not an inspection of or a complaint about \(veto.shop); it cannot be a veto's evidence")
        }
        // A complaint found untrue (不属实) counts against its shop nowhere, a veto included.
        if let complaint, let resolution = complaint.resolution, !complaint.isUpheld {
            throw LocalizedMessage(zh: "投诉 \(complaint.filed.receipt)（记录 #\(evidence)）调解解决时认定不属实（记录 #\(resolution.sequence)），不能作为一票否决的证据",
                                   en: "complaint \(complaint.filed.receipt) (record #\(evidence)) was resolved as not upheld (record #\(resolution.sequence)); it cannot be a veto's evidence")
        }
        if let earlier = vetoes[veto.shop]?.first(where: {
            $0.value.kind == veto.kind && $0.value.date.year == veto.date.year && $0.sequence != replacing && stands($0.sequence)
        }) {
            throw LocalizedMessage(zh: "\(veto.shop) 本年度已有同类一票否决（记录 #\(earlier.sequence)）", en: "\(veto.shop) already has this veto this year (record #\(earlier.sequence))")
        }
    }

    /// A year's public notice (公示): by a market manager, once, dated today or within the
    /// recording window, in the year after the period or in its own last part — never ahead of time.
    public func validate(_ publication: RatingsPublished, by user: User, today: SimpleDate) throws(LocalizedMessage) {
        try Action.confirmVeto.check(user.role)
        try checkRecordDate(publication.date, today: today, what: "公示日期", "publication date")
        if publication.date.year < publication.year {
            throw LocalizedMessage(zh: "不能在 \(publication.year) 年之前公示该年度星级", en: "cannot publish the \(publication.year) ratings before \(publication.year)")
        }
        if publication.date.year > publication.year + 1 {
            throw LocalizedMessage(zh: "\(publication.year) 年度的公示期早已过去（\(publication.date)）", en: "the time to publish the \(publication.year) ratings is long past (\(publication.date))")
        }
        if let published = ratingsPublished[publication.year] {
            throw LocalizedMessage(zh: "\(publication.year) 年度星级已于 \(published.value.date) 公示（记录 #\(published.sequence)），不能重复公示",
                                   en: "the \(publication.year) ratings were published on \(published.value.date) (record #\(published.sequence)); they cannot be published again")
        }
    }
}

extension MarketState {
    /// Whether a veto counts: seconded by a second market manager (a correction's second is its
    /// veto's) and not withdrawn by a revised appeal decision.
    public func vetoCounts(_ sequence: UInt64) -> Bool {
        guard vetoSeconds[sequence] != nil || correctionCountsFrom(sequence).flatMap({ $0 }) != nil else { return false }
        return !appeals.values.joined().contains { $0.decision?.value.withdrawsVeto == sequence && $0.decision?.value.outcome == .revised }
    }

    /// A veto's second: by a market manager other than who confirmed it, not for their own shop,
    /// of a veto not yet seconded.
    public func validate(_ second: VetoSeconded, by user: User) throws(LocalizedMessage) {
        try Action.confirmVeto.check(user.role)
        guard let veto = vetoes.values.joined().first(where: { $0.sequence == second.target }) else {
            throw LocalizedMessage(zh: "第 \(second.target) 条记录不是一票否决", en: "record \(second.target) is not a veto")
        }
        if correctionCountsFrom(second.target) != nil {
            throw LocalizedMessage(zh: "一票否决 #\(second.target) 由更正产生，随更正一起复核确认（chengxin record second \(second.target)）",
                                   en: "veto #\(second.target) was made by a correction; it is seconded with the correction (chengxin record second \(second.target))")
        }
        if let by = vetoSeconds[second.target] {
            throw LocalizedMessage(zh: "一票否决 #\(second.target) 已由 \(by) 复核确认", en: "veto #\(second.target) was seconded already by \(by)")
        }
        if confirmers[second.target] == user.name {
            throw LocalizedMessage(zh: "一票否决须由另一位市场管理方复核确认（\(user.displayName)是提出人）", en: "a veto is seconded by another market manager (\(user.displayName) confirmed it)")
        }
        try refuseOwnShop(user, shop: veto.value.shop, doing: "否决", "veto")
    }
}

extension MarketState {
    /// A withdrawal, with a reason, once: of a record that counts in a rating (an inspection, a
    /// contribution entry, a complaint deduction, a veto) by someone allowed to act for its shop,
    /// not its owner, counting only when a second person confirms it; of a complaint's latest step
    /// by someone who may handle the complaint, at once; of an undecided appeal or the reply shown
    /// by someone who may act for the shop, at once; of a user's registration (the account closed)
    /// by another market manager, at once.
    public func validateWithdrawal(_ withdrawal: Withdrawal, by user: User) throws(LocalizedMessage) {
        if merchantRecords[withdrawal.target] != nil {
            throw LocalizedMessage(zh: "商户登记的更正与撤回经名册导入办理（chengxin import roster）", en: "merchant records are corrected or withdrawn through the roster import (chengxin import roster)")
        }
        try checkReasonAndNotAmended(withdrawal.target, reason: withdrawal.reason)
        if let name = userRecords[withdrawal.target] {
            try validateUserWithdrawal(name, record: withdrawal.target, by: user)
        } else if let (shop, _) = openAppeal(withdrawal.target) ?? currentReply(withdrawal.target).map({ ($0.shop, 0) }) {
            // The shop's side takes back its appeal (before the decision) or its reply.
            let merchant = try recordedShop(shop)
            try Action.actForShop(branch: merchant.branch).check(user.role)
        } else if appeals.values.joined().contains(where: { $0.sequence == withdrawal.target }) {
            throw LocalizedMessage(zh: "复核申请 #\(withdrawal.target) 已有决定，不能撤回", en: "appeal #\(withdrawal.target) has been decided; it cannot be withdrawn")
        } else if let receipt = linkRecords[withdrawal.target] {
            if let problem = linkWithdrawalProblem(withdrawal.target) { throw problem }
            if let complaint = complaints[receipt] { try checkHandles(complaint, by: user) }
        } else if history.isStep(sequence: withdrawal.target) {
            let (receipt, problem) = stepWithdrawalProblem(withdrawal.target)
            if let problem { throw problem }
            if let receipt, let complaint = complaints[receipt] { try checkHandles(complaint, by: user) }
        } else if let entry = memberPoints.entries[withdrawal.target] {
            try validateLedgerWithdrawal(entry, by: user)
        } else if ratingRecord(withdrawal.target) == nil {
            throw LocalizedMessage(zh: "第 \(withdrawal.target) 条记录不能这样撤回：它不是计入星级的检查、贡献分、投诉扣分或一票否决，也不是投诉的最后一步、重复投诉标记、未决定的复核申请、商户回应或用户登记",
                                   en: "record \(withdrawal.target) cannot be withdrawn this way: it is not an inspection, points entry, complaint deduction or veto that counts in a rating, nor a complaint's latest step, a duplicate link, an undecided appeal, a reply or a user's registration")
        } else {
            try checkAmendable(withdrawal.target, by: user)
        }
    }

    /// A user's account is closed (withdrawn) by a market manager, never their own, and never the
    /// last market manager's: someone must still be able to manage the market.
    private func validateUserWithdrawal(_ name: String, record: UInt64, by user: User) throws(LocalizedMessage) {
        guard case .manager = user.role else {
            throw LocalizedMessage(zh: "只有市场管理方可以停用用户", en: "only a market manager may close a user's account")
        }
        guard let account = users[name], isCurrentRegistration(record, of: name) else {
            throw LocalizedMessage(zh: "第 \(record) 条不是用户 \(name) 现在的登记记录", en: "record \(record) is not user \(name)'s current registration")
        }
        if name == user.name {
            throw LocalizedMessage(zh: "不能停用自己的账户，请由另一位市场管理方办理", en: "you cannot close your own account; another market manager must")
        }
        if account.role == .manager, users.values.filter({ $0.role == .manager }).count <= 1 {
            throw LocalizedMessage(zh: "\(name) 是最后一位市场管理方，不能停用", en: "\(name) is the last market manager and cannot be closed")
        }
    }

    /// A correction: the record as it should have been, of the same kind and subject as the one it
    /// replaces, dated in the same year, passing the checks of its kind as if the original were
    /// gone — with the same conditions as a withdrawal, and counting once a second person confirms it.
    public func validateCorrection(_ correction: RecordCorrection, by user: User, today: SimpleDate) throws(LocalizedMessage) {
        if merchantRecords[correction.target] != nil {
            throw LocalizedMessage(zh: "商户登记的更正与撤回经名册导入办理（chengxin import roster）", en: "merchant records are corrected or withdrawn through the roster import (chengxin import roster)")
        }
        try checkReasonAndNotAmended(correction.target, reason: correction.reason)
        try checkAmendable(correction.target, by: user)
        guard let original = ratingRecord(correction.target), original.sameSubject(as: correction.record) else {
            throw LocalizedMessage(zh: "更正后的记录须与第 \(correction.target) 条同类、同一店铺（检查须是同一检查人，扣分须是同一投诉）",
                                   en: "a correction is of the same kind and about the same shop as record \(correction.target) (an inspection by the same inspector, a deduction for the same complaint)")
        }
        if original == correction.record {
            throw LocalizedMessage(zh: "更正后的记录与第 \(correction.target) 条完全相同，没有可更正之处", en: "the correction is identical to record \(correction.target); there is nothing to correct")
        }
        let target = correction.target
        switch correction.record {
        case .inspection(let value): try validate(value, by: user, today: today, replacing: target)
        case .contribution(let value): try validate(value, by: user, today: today, replacing: target)
        case .veto(let value): try validate(value, by: user, today: today, replacing: target)
        case .deduction(let value): try validate(value, by: user, today: today, replacing: target)
        }
    }

    /// Every withdrawal and correction: a reason, and a record not withdrawn or corrected already.
    private func checkReasonAndNotAmended(_ target: UInt64, reason: String) throws(LocalizedMessage) {
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw LocalizedMessage(zh: "撤回或更正必须写明原因", en: "a withdrawal or correction needs a reason")
        }
        if let done = amendments[target] {
            throw LocalizedMessage(zh: "第 \(target) 条记录已\(done.kind == "withdrawn" ? "撤回" : "更正")（第 \(done.by) 条）",
                                   en: "record \(target) was \(done.kind) already (record \(done.by))")
        }
    }

    /// What a withdrawal and a correction of a record that counts in a rating need: someone allowed
    /// to act for its shop who does not own it, and no other amendment of it waiting.
    private func checkAmendable(_ target: UInt64, by user: User) throws(LocalizedMessage) {
        guard let shop = shopOfRatingRecord(target), let merchant = merchant(shopNumber: shop) else {
            throw LocalizedMessage(zh: "第 \(target) 条记录不是计入星级的检查、贡献分、投诉扣分或一票否决，不能这样撤回或更正",
                                   en: "record \(target) is not an inspection, contribution entry, complaint deduction or veto that counts in a rating")
        }
        if user.role == .kiosk { throw LocalizedMessage(zh: "服务台无权撤回或更正记录", en: "kiosk staff may not withdraw or correct records") }
        try Action.actForShop(branch: merchant.branch).check(user.role)
        try refuseOwnShop(user, shop: shop, doing: "撤回或更正", "withdraw or correct records of")
        if let countsFrom = correctionCountsFrom(target), countsFrom == nil {
            throw LocalizedMessage(zh: "第 \(target) 条是等待复核确认的更正，请先确认或由他人复核", en: "record \(target) is a correction waiting for its second; second it first")
        }
        if let pending = withdrawalsProposed.first(where: { $0.value.target == target }) {
            throw LocalizedMessage(zh: "第 \(target) 条记录已有\(pending.value.isCorrection == true ? "更正" : "撤回申请")（第 \(pending.key) 条），等待复核确认",
                                   en: "record \(target) already has a \(pending.value.isCorrection == true ? "correction" : "withdrawal") (record \(pending.key)) waiting for its second")
        }
    }

    /// A withdrawal's second: by a market manager other than who proposed it, not for their own shop.
    public func validate(_ second: WithdrawalSeconded, by user: User) throws(LocalizedMessage) {
        try Action.confirmVeto.check(user.role)
        guard let proposed = withdrawalsProposed[second.target] else {
            throw LocalizedMessage(zh: "第 \(second.target) 条记录不是等待复核的撤回", en: "record \(second.target) is not a withdrawal waiting for its second")
        }
        if let by = proposed.secondedBy {
            throw LocalizedMessage(zh: "撤回 #\(second.target) 已由 \(by) 复核确认", en: "withdrawal #\(second.target) was seconded already by \(by)")
        }
        if proposed.actor == user.name {
            throw LocalizedMessage(zh: "撤回或更正须由另一人复核确认（\(user.displayName)是提出人）", en: "a withdrawal or correction is seconded by someone else (\(user.displayName) proposed it)")
        }
        if let shop = shopOfRatingRecord(proposed.target) { try refuseOwnShop(user, shop: shop, doing: "撤回或更正", "withdraw or correct records of") }
        if let entry = memberPoints.entries[proposed.target], let member = members[entry.record.member] {
            try checkRecordsFor(member, by: user, doing: "复核撤回积分", "second the withdrawal of points")
        }
    }
}

extension MarketState {
    /// A new version of the code of conduct (定守则): by a market manager, numbered one above the
    /// version in force, effective after it and not earlier than the recording window, with at
    /// least one article, keeping every article the checklist cites.
    public func validate(_ conduct: CodeOfConduct, by user: User, today: SimpleDate) throws(LocalizedMessage) {
        try Action.publishRules.check(user.role)
        let current = self.conduct?.value
        let next = (current?.version ?? 0) + 1
        if conduct.version != next {
            throw LocalizedMessage(zh: "守则新版本应为第 \(next) 版（现行第 \(current?.version ?? 0) 版），文件写的是第 \(conduct.version) 版",
                                   en: "the new version of the code must be \(next) (version \(current?.version ?? 0) is in force); the file says \(conduct.version)")
        }
        if let current, conduct.effectiveFrom <= current.effectiveFrom {
            throw LocalizedMessage(zh: "新版守则须在现行版本（\(current.effectiveFrom) 起施行）之后施行", en: "the new version must take effect after the one in force (from \(current.effectiveFrom))")
        }
        let window = backdatingDays(on: today)
        if conduct.effectiveFrom.dayNumber < today.dayNumber - window {
            throw LocalizedMessage(zh: "施行日期 \(conduct.effectiveFrom) 早于 \(window) 天前", en: "the effective date \(conduct.effectiveFrom) is more than \(window) days ago")
        }
        if conduct.articles.isEmpty || conduct.articles.contains(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
            throw LocalizedMessage(zh: "守则至少要有一条，且每条都要有内容", en: "a code of conduct has at least one article, none of them blank")
        }
        if let item = checklist?.items.first(where: { ($0.article ?? 0) > conduct.articles.count }) {
            throw LocalizedMessage(zh: "检查项 \(item.id) 引用守则第 \(item.article ?? 0) 条，新版只有 \(conduct.articles.count) 条",
                                   en: "checklist item \(item.id) cites article \(item.article ?? 0); the new version has \(conduct.articles.count)")
        }
    }
}
