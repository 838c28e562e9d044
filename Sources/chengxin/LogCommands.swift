import ArgumentParser
import Codec
import Core
import Foundation
import Log
import Storage

/// `chengxin checkpoint`: sign the current head now.
struct MakeCheckpoint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint", abstract: localized("用数据目录之外保存的密钥为日志当前的链头签名。", "Sign the log's current head with the key kept outside the data directory."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    func run() throws {
        do {
            let files = try common.checkpointFiles()
            // A signature is a write: it is refused, as an append is, on a log with damage anywhere
            // or that disagrees with the checkpoints signed before (a rollback is never blessed).
            let log = try Writer.open(common).log
            let (key, created) = try files.loadOrCreateKey()
            if created {
                Console.out(common.t("已创建检查点签名密钥：\(files.keyPath)", "created the checkpoint signing key: \(files.keyPath)"))
            }
            let checkpoint = try log.writeCheckpoint(files: files, key: key, at: Event.timestamp(Date()))
            Console.out(common.t("已签名检查点：第 \(checkpoint.sequence) 条，链头哈希 \(hexString(checkpoint.headHash))\n公钥：\(hexString(checkpoint.publicKey))（指纹 \(checkpoint.keyFingerprint)）",
                                 "signed checkpoint at record \(checkpoint.sequence), head hash \(hexString(checkpoint.headHash))\npublic key: \(hexString(checkpoint.publicKey)) (fingerprint \(checkpoint.keyFingerprint))"))
        } catch {
            throw Console.fail(common.describe(error))
        }
    }
}

struct PrintLog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: localized("打印事件；消费者姓名和电话打码，PIN 哈希不显示，除非市场管理方用 --jsonl --as 要求（先记录这次查看）。", "Print events; consumers' names and phones masked and PIN hashes withheld unless a market manager asks with --jsonl --as (recorded first)."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    @Option(name: .long, help: localized("只打印记录序号不小于 SEQ 的事件。", "Only events with a sequence number of at least SEQ."))
    var since: UInt64 = 1

    @Flag(name: .long, help: localized("每行一个 JSON 对象：{\"seq\":N,\"event\":{…}}；个人信息打码或不显示时带 \"masked\":true。", "One JSON object per line: {\"seq\":N,\"event\":{…}}, with \"masked\":true where personal data was masked or withheld."))
    var jsonl = false

    @Option(name: .customLong("as"), help: localized("市场管理方，用来打印不打码的 --jsonl（PIN 从 $CHENGXIN_PIN 读取，否则询问）；打印任何内容之前先记录这次查看。", "A market manager, to print --jsonl unmasked (the PIN from $CHENGXIN_PIN, else asked); the disclosure is recorded before anything is printed."))
    var user: String?

    func validate() throws {
        if user != nil && !jsonl {
            throw ValidationError(common.t("--as 只用于 --jsonl：表格本身不含个人信息", "--as goes with --jsonl only: the table holds no personal data"))
        }
    }

    func run() throws {
        if let user {
            try printUnmasked(as: user)
            return
        }
        let log: EventLog
        do { log = try common.openLog() } catch { throw Console.fail(error.text(common.lang)) }
        for record in log.records where record.sequence >= since {
            if jsonl {
                Console.out(PrintLog.maskedLine(record))
            } else if let event = try? EventCodec.decode(Data(record.payload)) {
                Console.out("\(record.sequence)  \(event.at)  \(event.actor)  \(event.type)  \(event.key ?? "-")")
            } else {
                Console.out("\(record.sequence)  " + common.t("（无法解码的事件）", "(undecodable event)"))
            }
        }
        if let damage = log.damage, case .corrupt = damage {
            throw Console.fail(damage.text(common.lang))
        }
    }

    /// One record as a JSON line. The payload is JSON already; characters unsafe for a terminal
    /// (bidi overrides, C1 controls that JSON leaves raw) become \u escapes, which keep the data exact.
    static func line(_ sequence: UInt64, _ payload: [UInt8], masked: Bool = false) -> String {
        "{\"seq\":\(sequence),\"event\":" + Console.jsonEscapingUnsafe(String(decoding: payload, as: UTF8.self)) + (masked ? ",\"masked\":true}" : "}")
    }

    /// A record as anyone may see it (docs/privacy.md): consumers' names and phones masked, PIN
    /// hashes withheld, the data of a type this version does not know withheld, and an unreadable
    /// payload withheld whole (`"event":null`) — each such line marked `"masked":true`.
    static func maskedLine(_ record: LogRecord) -> String {
        guard let event = try? EventCodec.decode(record.payload) else {
            return "{\"seq\":\(record.sequence),\"event\":null,\"masked\":true}"
        }
        if case .unknown = event.body, let bytes = try? EventCodec.encodeBytes(event) {
            return line(record.sequence, bytes, masked: true)
        }
        guard let masked = PersonalData.masked(event) else { return line(record.sequence, record.payload) }
        guard let bytes = try? EventCodec.encodeBytes(masked) else { return "{\"seq\":\(record.sequence),\"event\":null,\"masked\":true}" }
        return line(record.sequence, bytes, masked: true)
    }

    /// `log --jsonl --as MANAGER`: the PIN checked (a wrong one recorded), the disclosure recorded,
    /// and only then every record up to the head at that moment, unmasked.
    func printUnmasked(as name: String) throws {
        do {
            let store = try Writer.open(common)
            let me = try SignIn.prompted(store, name: name, common: common, via: .cli, consequence: ("未显示任何内容", "nothing was shown"))
            do throws(LocalizedMessage) {
                try Action.exportPersonalData.check(me.role)
            } catch {
                throw CLIProblem(text: common.t("只有市场管理方可以查看未打码的个人信息（\(me.role.name(.zh))不可以），未显示任何内容",
                                                "only a market manager may see unmasked personal data (not a \(me.role.name(.en))); nothing was shown"))
            }
            let log = try common.openLog()
            let through = log.lastSequence
            let shown = log.records.filter { $0.sequence >= since && $0.sequence <= through }
            var fields = Set<String>()
            var count = 0
            for record in shown {
                // What cannot be read is shown as it stands: counted as personal, to be safe.
                let found = (try? EventCodec.decode(record.payload)).map(PersonalData.personalFields) ?? ["unreadable"]
                if !found.isEmpty { count += 1 }
                fields.formUnion(found)
            }
            try Disclosure.record(store, by: me, DataDisclosed(via: .cli, command: "log --jsonl", fields: fields.sorted(), from: since,
                                                               through: through, count: count, destination: "terminal"))
            for record in shown { Console.out(PrintLog.line(record.sequence, record.payload)) }
        } catch {
            throw common.failure(error)
        }
    }
}
