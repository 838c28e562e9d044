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
