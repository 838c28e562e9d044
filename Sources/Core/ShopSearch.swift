/// How a person finds a shop by what they type — the kiosk's and the dashboard's search fields and
/// every command-line option or argument that names a shop: its number, its name, its owner, as a
/// substring or in pinyin (initials or full syllables; `Pinyin.Key.matches`).
public enum ShopSearch {
    /// A merchant's search keys: the shop number, the name and the owner, each precomputed for
    /// matching many queries (kept per merchant by a screen that searches as a person types).
    public struct Keys: Sendable, Equatable {
        public let number: Pinyin.Key
        public let name: Pinyin.Key
        public let owner: Pinyin.Key

        public init(_ merchant: Merchant) {
            number = Pinyin.Key(merchant.shopNumber)
            name = Pinyin.Key(merchant.name)
            owner = Pinyin.Key(merchant.owner)
        }

        /// Whether `query` finds the shop by its number, its name or its owner.
        public func matches(_ query: String) -> Bool {
            number.matches(query) || name.matches(query) || owner.matches(query)
        }
    }

    /// What one typed shop reference comes to.
    public enum Resolution: Sendable, Equatable {
        case shop(Merchant)
        /// Several shops, ordered by shop number.
        case ambiguous([Merchant])
        case none
    }

    /// The shop `typed` names among `merchants`: first the shop number, in any case (full-width
    /// forms folded, as `TypedCode.normalise` does), then the shop's exact name, then the search
    /// the dashboard makes (number, name or owner, as a substring or in pinyin). The first of
    /// these that finds anything decides: one shop is the answer, several are ambiguous.
    public static func resolve(_ typed: String, among merchants: [Merchant]) -> Resolution {
        let text = TypedCode.normalise(typed)
        guard !text.isEmpty else { return .none }
        if let exact = merchants.first(where: { $0.shopNumber == text }) { return .shop(exact) }
        let folded = text.lowercased()
        let steps: [(Merchant) -> Bool] = [
            { $0.shopNumber.lowercased() == folded },
            { $0.name == text },
            { Keys($0).matches(text) },
        ]
        for step in steps {
            let found = merchants.filter(step)
            if found.count == 1, let shop = found.first { return .shop(shop) }
            if found.count > 1 { return .ambiguous(found.sorted { $0.shopNumber < $1.shopNumber }) }
        }
        return .none
    }

    /// The shop `typed` names, or the message that says why there is none: several candidates
    /// (`ambiguous`) or no shop at all (`notFound`).
    public static func shop(_ typed: String, among merchants: [Merchant]) throws(LocalizedMessage) -> Merchant {
        switch resolve(typed, among: merchants) {
        case .shop(let shop): return shop
        case .ambiguous(let candidates): throw ambiguous(typed, candidates)
        case .none: throw notFound(typed)
        }
    }

    /// Several shops answer to `typed`: each named (number, name, owner), and the way to pick one.
    public static func ambiguous(_ typed: String, _ candidates: [Merchant]) -> LocalizedMessage {
        let text = TypedCode.normalise(typed)
        return LocalizedMessage(
            zh: "「\(text)」对应 \(candidates.count) 家商户：" + candidates.map { "\($0.shopNumber) \($0.name)（\($0.owner)）" }.joined(separator: "，") + "；请用店铺号",
            en: "\"\(text)\" matches \(candidates.count) shops: " + candidates.map { "\($0.shopNumber) \($0.name) (\($0.owner))" }.joined(separator: ", ") + "; give the shop number")
    }

    /// No shop answers to `typed`.
    public static func notFound(_ typed: String) -> LocalizedMessage {
        let text = TypedCode.normalise(typed)
        return LocalizedMessage(zh: "没有与「\(text)」对应的商户（可用店铺号、店名或拼音首字母）",
                                en: "no shop matches \"\(text)\" (give its number, name or pinyin initials)")
    }
}

extension MarketState {
    /// The shop a person's `typed` reference names among this market's shops (`ShopSearch.shop`).
    public func shop(typed: String) throws(LocalizedMessage) -> Merchant {
        try ShopSearch.shop(typed, among: merchants)
    }

    /// The shop a record names by its number, for the rules every record passes: one message
    /// when there is none.
    public func recordedShop(_ number: String) throws(LocalizedMessage) -> Merchant {
        guard let merchant = merchant(shopNumber: number) else { throw Self.noShop(number) }
        return merchant
    }

    public static func noShop(_ number: String) -> LocalizedMessage {
        LocalizedMessage(zh: "没有店铺号为 \(number) 的商户", en: "there is no shop \(number)")
    }
}
