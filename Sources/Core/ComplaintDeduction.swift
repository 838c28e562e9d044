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
