import Core
import Foundation

/// The event log's head as printed on paper (docs/log-format.md, "Anchors: the head on paper"):
/// whoever keeps a printed notice or report can later check that the log still extends it, with
/// `chengxin verify --anchor SEQ:HASH`. Plain values: the command line fills them from the log.
public struct LogHead: Sendable, Equatable {
    /// The sequence number of the last record (0 for an empty log).
    public let sequence: UInt64
    /// Its chain hash, 64 lower-case hexadecimal digits.
    public let hash: String
    /// The fingerprint (16 hex digits) of the key of the newest signed checkpoint; nil when the
    /// log has no signed checkpoint.
    public let keyFingerprint: String?

    public init(sequence: UInt64, hash: String, keyFingerprint: String?) {
        self.sequence = sequence
        self.hash = hash
        self.keyFingerprint = keyFingerprint
    }

    /// `SEQ:HASH`, exactly as `chengxin verify --anchor` reads it.
    public var anchor: String { "\(sequence):\(hash)" }

    /// The rows of the block: label, value, and whether the value is set as code (a number or
    /// hex digits to be copied exactly; only letters, digits and colons are).
    func rows(_ l: Language) -> [(label: String, value: String, code: Bool)] {
        func code(_ text: String) -> Bool { !text.isEmpty && text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == ":") } }
        let fingerprint = keyFingerprint ?? l.pick("未签名", "not signed")
        return [(l.pick("记录序号", "Sequence number"), "\(sequence)", true),
                (l.pick("链头哈希", "Head hash"), hash, code(hash)),
                (l.pick("锚点", "Anchor"), anchor, code(anchor)),
                (l.pick("签名密钥指纹", "Signing key fingerprint"), fingerprint, keyFingerprint.map(code) ?? false)]
    }

    func heading(_ l: Language) -> String { l.pick("日志链头", "Log head") }

    /// The sentence on how to check the paper, before and after the command
    /// `chengxin verify --anchor SEQ:HASH` (which each format sets as code).
    func howToCheck(_ l: Language) -> (before: String, after: String) {
        (l.pick("以上是打印时事件日志的最后一条记录及其哈希。任何人日后都可以在存有日志的电脑上运行 ",
                "This is the event log's last record and its hash when this was printed. Anyone can later check it on the computer that keeps the log with "),
         l.pick(" 核对：日志若被回滚、删改或整体重写，核对就会失败。", ": if the log was rolled back, altered or rewritten, the check fails."))
    }

    var command: String { "chengxin verify --anchor \(anchor)" }

    /// The block in HTML: a small section, the numbers and hex digits in `code`.
    func html(_ l: Language) -> String {
        var out = "<section class=\"head\">\n<h2>\(Markup.html(heading(l)))</h2>\n<dl class=\"figures\">"
        for row in rows(l) {
            let value = row.code ? "<code>\(Markup.html(row.value))</code>" : Markup.html(row.value)
            out += "<dt>\(Markup.html(row.label))</dt><dd>\(value)</dd>"
        }
        let (before, after) = howToCheck(l)
        return out + "</dl>\n<p class=\"note\">\(Markup.html(before))<code>\(Markup.html(command))</code>\(Markup.html(after))</p>\n</section>\n"
    }

    /// The block in Markdown: the hex values as code spans, so that they are copied as they are.
    func md(_ l: Language) -> String {
        var out = "\n## \(Markup.md(heading(l)))\n\n| \(l.pick("项目", "Item")) | \(l.pick("内容", "Value")) |\n| --- | --- |\n"
        for row in rows(l) {
            out += "| \(Markup.md(row.label)) | \(row.code ? "`" + row.value + "`" : Markup.md(row.value)) |\n"
        }
        let (before, after) = howToCheck(l)
        let command = rows(l)[2].code ? "`\(command)`" : Markup.md(command)
        return out + "\n" + Markup.md(before) + command + Markup.md(after) + "\n"
    }
}
