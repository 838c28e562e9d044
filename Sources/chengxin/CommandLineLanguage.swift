import ArgumentParser
import Core

/// The language of the command line's own text — help, usage errors, completions' descriptions —
/// chosen from the raw arguments before they are parsed (`--lang en` or `--lang=en`; the last one
/// given wins; Chinese otherwise), so that even an argument that cannot be parsed is answered in
/// the language asked for. Commands read their parsed `--lang` as before; the two agree.
enum CommandLineLanguage {
    static let chosen: Language = chosen(in: RawArguments.bytes().map { String(decoding: $0, as: UTF8.self) })

    static func chosen(in arguments: [String]) -> Language {
        var language = Language.zh
        var index = 0
        while index < arguments.count, arguments[index] != "--" {
            let argument = arguments[index]
            if argument == "--lang", index + 1 < arguments.count {
                language = Language(rawValue: arguments[index + 1]) ?? language
                index += 1
            } else if argument.hasPrefix("--lang=") {
                language = Language(rawValue: String(argument.dropFirst("--lang=".count))) ?? language
            }
            index += 1
        }
        return language
    }
}

/// A command's or an option's description in both languages; the one shown is the command line's
/// (`CommandLineLanguage.chosen`).
func localized(_ zh: String, _ en: String) -> String {
    CommandLineLanguage.chosen.pick(zh, en)
}

/// The same, as an option's or an argument's help.
func localized(_ zh: String, _ en: String) -> ArgumentHelp {
    ArgumentHelp(CommandLineLanguage.chosen.pick(zh, en) as String)
}

/// How a shop is named on the command line (Core's `ShopSearch.resolve`), said once for every
/// option and argument that takes one.
enum ShopReference {
    static var help: ArgumentHelp {
        localized("店铺：店铺号（不分大小写，全角也可）、店名或拼音首字母；对应多家时列出候选。",
                  "The shop: its number (any case, full-width too), its name or its pinyin initials; several matches are listed.")
    }

    static var helpOrUnknown: ArgumentHelp {
        localized("店铺：店铺号（不分大小写，全角也可）、店名或拼音首字母；不知道时填 unknown。",
                  "The shop: its number (any case, full-width too), its name or its pinyin initials; unknown when not known.")
    }
}
