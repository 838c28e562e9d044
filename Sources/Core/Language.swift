import Foundation

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

/// A closed set of named choices with a Chinese and an English name (integrity, plate type, …),
/// matched from data by their code or their Chinese name.
public protocol BilingualChoice: CaseIterable, RawRepresentable where RawValue == String {
    var chineseName: String { get }
    var englishName: String { get }
}

extension BilingualChoice {
    public func name(_ language: Language) -> String {
        language.pick(chineseName, englishName)
    }

    /// The choice whose code (e.g. `consumer`) or Chinese name (e.g. 消费诚信) is `text`.
    public static func matching(_ text: String) -> Self? {
        let t = text.trimmingCharacters(in: .whitespaces)
        return allCases.first { $0.rawValue == t || $0.chineseName == t }
    }
}
