/// The four integrities (四个诚信) on which everything is judged.
public enum Integrity: String, Sendable, Codable, Hashable, BilingualChoice {
    case consumer
    case price
    case tax
    case quality

    /// The Chinese name as used in the seeds and on screen, e.g. 消费诚信.
    public var chineseName: String {
        switch self {
        case .consumer: return "消费诚信"
        case .price: return "价格诚信"
        case .tax: return "纳税诚信"
        case .quality: return "质量诚信"
        }
    }

    public var englishName: String {
        switch self {
        case .consumer: return "consumer integrity"
        case .price: return "price integrity"
        case .tax: return "tax integrity"
        case .quality: return "quality integrity"
        }
    }

    /// Accepts the Chinese name (消费诚信 or 消费) or the English code (consumer).
    public init?(text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard let match = Integrity.matching(t) ?? Integrity.matching(t + "诚信") else { return nil }
        self = match
    }
}
