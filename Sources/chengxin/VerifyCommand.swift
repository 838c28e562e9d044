import ArgumentParser
import Codec
import Core
import Foundation
import Log
import Storage

/// `chengxin verify`: the records and the chain (with the witness), the signed checkpoints, the
/// anchors given, the snapshot and every event (`DirectoryCheck`; docs/log-format.md, "What chengxin verify says").
/// The first line is the verdict the exit code gives: 0 intact, 1 damaged, 2 cannot be verified as
/// asked (not a log, a newer format, the key inside the data directory, a malformed anchor, a
/// shared record that cannot be reached). With `--store`: this seat's copy brought up to date, and
/// every record the shared record holds compared with it (`DirectoryCheck.run(copyOf:…)`).
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: localized("校验每条记录、哈希链、见证、签名检查点、快照和每条事件；完好时退出状态为 0，损坏时为 1。", "Check every record, the hash chain, the witness, the signed checkpoints, the snapshot and every event; exit 0 when intact, 1 when damaged."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    @OptionGroup var anchorOptions: AnchorOptions

    func run() throws {
        try Self.verify(common.dataDirectory, common, anchorOptions)
    }

    /// Checks `directory` (with `--store`, as this seat's copy of the shared record) and prints
    /// what was found (`say`); also the last step of `chengxin restore`.
    static func verify(_ directory: String, _ common: CommonOptions, _ anchorOptions: AnchorOptions) throws {
        let files: CheckpointFiles
        do {
            files = try common.checkpointFiles()
        } catch {
            throw usage(error.text)
        }
        let wanted = try anchorOptions.anchorsAsked(common)
        let check: DirectoryCheck
        do {
            if let record = common.storage.sharedRecord {
                check = try DirectoryCheck.run(copyOf: record, directory: directory, files: files, anchors: wanted)
            } else {
                check = try DirectoryCheck.run(directory: directory, files: files, anchors: wanted)
            }
        } catch {
            switch error {
            case .notALog, .newerVersion, .sharedUnavailable: throw usage(error.text(common.lang))
            default: throw Console.fail(error.text(common.lang))
            }
        }
        try say(check, common)
    }

    /// Prints what a check found, verdict first; a failure ends the command with exit status 1.
    static func say(_ check: DirectoryCheck, _ common: CommonOptions) throws {
        let report = check.report, checkpoints = check.checkpoints
        let failures = check.failures
        if let first = failures.first {
            Console.out(common.t("已损坏：", "damaged: ") + first.text(common.lang))
        } else {
            Console.out(common.t("完好：\(report.recordCount) 条记录；校验和、哈希链、见证、检查点、快照与每条事件均无误。",
                                 "intact: \(report.recordCount) records; every checksum, the hash chain, the witness, the checkpoints, the snapshot and every event check out."))
        }
        for finding in check.findings {
            Console.out((finding.failure ? common.t("问题：", "problem: ") : common.t("说明：", "note: ")) + finding.text(common.lang))
        }
        Console.out(common.t("链头哈希：", "head hash: ") + hexString(report.headHash))
        Console.out(common.t("链头锚点：", "head anchor: ") + "\(report.recordCount):" + hexString(report.headHash))
        if let last = checkpoints?.newestSigned() {
            Console.out(common.t("最近的检查点在第 \(last.sequence) 条（\(last.at)），签名密钥指纹 \(last.keyFingerprint)；共 \(checkpoints?.checkpoints.count ?? 0) 个。",
                                 "the newest checkpoint covers record \(last.sequence) (\(last.at)), key fingerprint \(last.keyFingerprint); \(checkpoints?.checkpoints.count ?? 0) in all."))
        }
        if !failures.isEmpty { throw ExitCode(1) }
    }
}

/// A usage problem: said, exit 2.
func usage(_ text: String) -> ExitCode {
    Console.error(text)
    return ExitCode(2)
}

/// `--anchor` and `--anchors` (`chengxin verify`, `chengxin restore`).
struct AnchorOptions: ParsableArguments {
    @Option(name: .long, help: localized("先前打印的链头（印在诚信公示或月报上），SEQ:HASH：日志必须延续它。可重复给出。", "A head printed earlier (on a public notice or a monthly report), SEQ:HASH: the log must extend it. Repeatable."))
    var anchor: [String] = []

    @Option(name: .long, help: localized("锚点文件，每行一个 SEQ:HASH（# 开头为注释）。可重复给出。", "A file of anchors, one SEQ:HASH per line (# comments). Repeatable."))
    var anchors: [String] = []

    /// The anchors of `--anchor` and `--anchors`; a malformed one ends the command (exit 2).
    func anchorsAsked(_ common: CommonOptions) throws -> [Anchor] {
        var found: [Anchor] = []
        for text in anchor {
            do {
                found.append(try Anchor.parse(text))
            } catch {
                throw usage(common.t("--anchor “\(text)”：", "--anchor “\(text)”: ") + common.lang.pick(error.zh, error.en))
            }
        }
        for path in anchors {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw usage(common.t("无法读取锚点文件 \(path)", "cannot read the anchors file \(path)"))
            }
            let (parsed, errors) = AnchorFile.parse(String(decoding: data, as: UTF8.self), name: path)
            if let error = errors.first { throw usage(common.lang.pick(error.zh, error.en)) }
            found += parsed
        }
        return found
    }
}
