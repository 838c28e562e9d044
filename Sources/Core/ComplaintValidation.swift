extension MarketState {
    /// Checks a new complaint: the shop (when named) exists, the text says something, the amount is
    /// possible, the phone is a phone, the codes are known, the receipt is new.
    public func validate(_ complaint: ComplaintFiled, today: SimpleDate) throws(LocalizedMessage) {
        if let shop = complaint.shop, merchant(shopNumber: shop) == nil {
            let missing = Self.noShop(shop)
            throw LocalizedMessage(zh: missing.zh + "（不清楚店铺时可以不填）", en: missing.en + " (leave it out if the shop is not known)")
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
