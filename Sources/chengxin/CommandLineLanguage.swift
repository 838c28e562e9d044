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
