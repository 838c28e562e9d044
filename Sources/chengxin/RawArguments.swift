import CommandSurface
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

    /// The first argument that is not valid UTF-8 (by its position, and the option it belongs
    /// to); nil when all are valid.
    static func invalidUTF8Problem(_ arguments: [[UInt8]] = bytes()) -> UsageProblem? {
        guard let index = arguments.firstIndex(where: { String(validating: $0, as: UTF8.self) == nil }) else { return nil }
        let option = index > 0 ? String(validating: arguments[index - 1], as: UTF8.self).flatMap { $0.hasPrefix("-") ? $0 : nil } : nil
        return .notUTF8(position: index + 1, option: option)
    }
}
