/// The language of user-facing text. Chinese by default; English with `--lang en`.
public enum Language: String, Sendable, CaseIterable, Codable {
    case zh
    case en

    /// Picks the Chinese or the English wording.
    public func pick(_ zh: String, _ en: String) -> String {
        self == .zh ? zh : en
    }
}

/// A message for people, in both languages, so that errors can be raised in Core
/// and shown in whichever language the user chose.
public struct LocalizedMessage: Error, Sendable, Equatable, CustomStringConvertible {
    public let zh: String
    public let en: String

    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }

    public func text(_ language: Language) -> String {
        language.pick(zh, en)
    }

    public var description: String { zh }
}
