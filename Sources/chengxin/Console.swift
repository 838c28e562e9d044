import ArgumentParser
import Core
import Foundation
import Terminal
import TextSafety

/// Printing for people: untrusted text is made safe line by line; errors go to stderr.
enum Console {
    static func out(_ text: String) {
        let safe = text.split(separator: "\n", omittingEmptySubsequences: false).map { SafeText.sanitize(String($0)) }.joined(separator: "\n")
        FileHandle.standardOutput.write(Data((safe + "\n").utf8))
    }

    /// Said before a long replay (no usable snapshot: the first open after an upgrade, or a damaged
    /// snapshot), so that a person does not look at an empty terminal for seconds.
    static func announceReplay(_ language: Language) -> (Int) -> Void {
        { size in
            guard size > 20_000_000 else { return }
            let mib = size / 1_048_576
            FileHandle.standardError.write(Data((language.pick("正在逐条读取日志（\(mib) MiB，没有可用的快照），请稍候…",
                                                               "reading every record of the log (\(mib) MiB, no usable snapshot), please wait…") + "\n").utf8))
        }
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("chengxin: " + SafeText.sanitize(text) + "\n").utf8))
    }

    /// JSON text with every scalar that must not reach a terminal written as a \u escape.
    static func jsonEscapingUnsafe(_ json: String) -> String {
        var out = ""
        for scalar in json.unicodeScalars {
            if UnsafeText.isUnsafe(scalar) {
                out += String(format: "\\u%04x", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Prints a problem and exits with status 1.
    static func fail(_ text: String) -> ExitCode {
        error(text)
        return ExitCode(1)
    }

    /// A terminal the screens cannot use: said in both languages (the chosen one first; a terminal
    /// that cannot show Chinese still shows the English), exit status 2.
    static func refuse(_ unusable: NcursesBackend.Unusable, _ language: Language) -> ExitCode {
        error(language.pick(unusable.zh, unusable.en))
        error(language.pick(unusable.en, unusable.zh))
        return ExitCode(2)
    }
}
