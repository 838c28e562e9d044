import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The command line as the bytes the program was given. `CommandLine.arguments` decodes them with
/// every invalid UTF-8 sequence turned into U+FFFD, so a complaint typed in a GBK terminal would be
/// recorded as rows of �; the raw bytes are checked first and such an argument is refused.
enum RawArguments {
    /// The arguments after the program's name, as bytes.
    static func bytes() -> [[UInt8]] {
        var result: [[UInt8]] = []
        let count = Int(CommandLine.argc)
        guard count > 1 else { return [] }
        for i in 1..<count {
            guard let pointer = CommandLine.unsafeArgv[i] else { continue }
            result.append(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)).map { $0 })
        }
        return result
    }

    /// One sentence naming the first argument that is not valid UTF-8 (by its position, and the
    /// option it belongs to), in the language asked for with `--lang`; nil when all are valid.
    static func invalidUTF8Problem(_ arguments: [[UInt8]] = bytes()) -> String? {
        guard let index = arguments.firstIndex(where: { String(validating: $0, as: UTF8.self) == nil }) else { return nil }
        let texts = arguments.map { String(decoding: $0, as: UTF8.self) }
        let english = CommandLineLanguage.chosen(in: texts) == .en
        let position = index + 1
        let option = index > 0 && texts[index - 1].hasPrefix("-") && String(validating: arguments[index - 1], as: UTF8.self) != nil ? texts[index - 1] : nil
        if english {
            return "argument \(position)\(option.map { " (the value of \($0))" } ?? "") is not valid UTF-8 text; nothing was done (is the terminal or the script in another encoding?)."
        }
        return "第 \(position) 个参数\(option.map { "（\($0) 的值）" } ?? "")不是有效的 UTF-8 文字，未做任何改动（终端或脚本是否用了别的编码？）。"
    }
}
