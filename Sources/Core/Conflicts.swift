/// Conflicts of interest (docs/domain-model.md): nobody inspects, scores, approves, confirms or
/// decides anything about their own shop, and an appeal is decided by nobody involved in the
/// rating. One place for who has a stake in what; the validators of Recording.swift ask it.
extension MarketState {
    /// The person behind an account: as the user was registered, else — for a secretary — the
    /// secretary the roster names for that branch.
    public func person(of user: User) -> String? {
        if let person = user.person?.trimmingCharacters(in: .whitespaces), !person.isEmpty { return person }
        if case .secretary(let number) = user.role, let branch = branches.first(where: { $0.number == number }) {
            let name = branch.secretary.trimmingCharacters(in: .whitespaces)
            return name.isEmpty ? nil : name
        }
        return nil
    }

    /// Whether the shop is the user's own: the member linked to the account owns it (Members.swift),
    /// or — for a record without members — its owner is the person behind the account.
    public func owns(_ user: User, shop: String) -> Bool {
        if let member = member(of: user), member.shops.contains(shop) { return true }
        guard let person = person(of: user), let merchant = merchant(shopNumber: shop) else { return false }
        return merchant.owner.trimmingCharacters(in: .whitespaces) == person
    }

    /// Refuses `user` acting on their own shop (`doing`: what, in both languages, e.g. 检查 / inspect).
    public func refuseOwnShop(_ user: User, shop: String, doing zh: String, _ en: String) throws(LocalizedMessage) {
        if owns(user, shop: shop) {
            throw LocalizedMessage(zh: "\(user.displayName)是 \(shop) 的经营者，不能\(zh)自己的店铺（利益冲突），请由他人办理",
                                   en: "\(user.displayName) owns \(shop) and may not \(en) their own shop (a conflict of interest); someone else must")
        }
    }

    /// Who took part in the shop's rating for the year, with the part each took: its inspectors,
    /// whoever confirmed its complaint deductions or vetoes, entered or approved its points, its
    /// branch's secretaries, its owner. None of them may decide its appeal.
    public func involvement(in shop: String, year: Int) -> [String: (zh: String, en: String)] {
        var parts: [String: (zh: String, en: String)] = [:]
        func add(_ name: String, _ zh: String, _ en: String) { if parts[name] == nil { parts[name] = (zh, en) } }
        for inspection in inspections[shop] ?? [] where inspection.value.date.year == year {
            add(inspection.value.inspector, "检查过该商户", "inspected this shop")
        }
        for receipt in deductionsByShop[shop] ?? [] {
            guard let deduction = complaintDeductions[receipt], deduction.value.date.year == year,
                  let by = confirmers[deduction.sequence] else { continue }
            add(by, "确认过该商户的投诉扣分", "confirmed a complaint deduction of this shop")
        }
        for veto in vetoes[shop] ?? [] where veto.value.date.year == year {
            if let by = confirmers[veto.sequence] { add(by, "确认过该商户的一票否决", "confirmed a veto of this shop") }
            if let by = vetoSeconds[veto.sequence] { add(by, "复核确认过该商户的一票否决", "seconded a veto of this shop") }
        }
        for entry in contributions[shop] ?? [] where entry.entry.date.year == year {
            add(entry.enteredBy, "登记过该商户的贡献分", "entered contribution points of this shop")
            if let approver = entry.approvedBy { add(approver, "审批过该商户的贡献分", "approved contribution points of this shop") }
        }
        for proposal in withdrawalsProposed.values {
            guard let record = ratingRecord(proposal.target), record.date.year == year, record.shop(in: self) == shop else { continue }
            add(proposal.actor, "提出过该商户记录的撤回或更正", "proposed a withdrawal or correction of this shop's records")
            if let by = proposal.secondedBy { add(by, "复核确认过该商户记录的撤回或更正", "seconded a withdrawal or correction of this shop's records") }
        }
        if let branch = merchant(shopNumber: shop)?.branch {
            for user in users.values where user.role == .secretary(branch: branch) {
                add(user.name, "是该商户所在支部的书记", "is the secretary of this shop's branch")
            }
        }
        for user in users.values where owns(user, shop: shop) {
            add(user.name, "是该商户的经营者", "owns this shop")
        }
        return parts
    }
}

/// Dates people give for what they record (docs/domain-model.md, "Dates"): never after the
/// market's day, and never further back than the rules allow (a paper form entered late), so that
/// nothing lands in a period already closed by mistake or on purpose.
extension MarketState {
    /// How many days back a record may be dated (rules data; 30 by default).
    public func backdatingDays(on today: SimpleDate) -> Int {
        rules(on: today)?.value.recordWithinDays ?? RatingRules.defaultRecordWithinDays
    }

    /// Refuses a date after `today` or more than `backdatingDays` before it; `what` names the date.
    /// A correction (`replacing` the record it corrects) may be as old as that record, but stays in
    /// its year: it never moves a record into another period.
    public func checkRecordDate(_ date: SimpleDate, today: SimpleDate, replacing: UInt64? = nil, what zh: String, _ en: String) throws(LocalizedMessage) {
        if date > today {
            throw LocalizedMessage(zh: "\(zh) \(date) 晚于今天（\(today)），不能预先登记", en: "the \(en) \(date) is after today (\(today)); nothing is recorded ahead of time")
        }
        if let replacing, let original = ratingRecord(replacing)?.date {
            if date.year != original.year {
                throw LocalizedMessage(zh: "更正不能把记录移到另一年度（第 \(replacing) 条的日期是 \(original)，现为 \(date)）",
                                       en: "a correction cannot move a record into another year (record \(replacing) is dated \(original), got \(date))")
            }
            return
        }
        let window = backdatingDays(on: today)
        if date.dayNumber < today.dayNumber - window {
            throw LocalizedMessage(zh: "\(zh) \(date) 早于 \(window) 天前（规则只允许补登 \(window) 天内的记录）",
                                   en: "the \(en) \(date) is more than \(window) days ago (the rules allow recording up to \(window) days late)")
        }
    }
}
