import ArgumentParser
import Foundation
import Log
import Storage

/// `chengxin store …`: the market's record moved between stores (issue 21).
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: localized("在数据目录与 PostgreSQL 中的共享记录库之间迁移记录。", "Move the record between a data directory and a shared record in PostgreSQL."),
        subcommands: [StoreCopyCommand.self])
}

/// `chengxin store copy --from DIR|URL --to DIR|URL` (`StoreCopy`).
struct StoreCopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: localized("逐字节复制日志，先校验源的每条记录；目标须为空，或是源的开头部分。", "Copy a log byte for byte, checking every record of the source first; the target must be empty or hold a prefix of it."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    @Option(name: .long, help: localized("源：数据目录，或共享记录库（postgres://…）。", "The source: a data directory, or a shared record (postgres://…)."))
    var from: String

    @Option(name: .long, help: localized("目标：数据目录，或共享记录库（postgres://…），须为空或是源的开头部分。", "The target: a data directory, or a shared record (postgres://…), empty or holding a prefix of the source."))
    var to: String

    func run() throws {
        let source = StoreCopy.End(from), target = StoreCopy.End(to)
        let progress = Progress(common)
        let outcome: StoreCopy.Outcome
        do {
            outcome = try StoreCopy.copy(from: source, to: target, progress: progress.show)
        } catch {
            progress.clear()
            throw Console.fail(error.text(common.lang))
        }
        progress.clear()
        if let offset = outcome.tornTail {
            Console.error(common.t("来源末尾有一条未写完、从未确认的记录（字节偏移 \(offset)），没有复制。",
                                   "the source ends with an unfinished, never acknowledged record (byte offset \(offset)); it was not copied."))
        }
        if outcome.copied == 0 {
            Console.out(common.t("目标 \(target.shown) 已有来源的全部 \(outcome.total) 条记录（逐字节相同），没有复制记录。",
                                 "the target \(target.shown) holds all \(outcome.total) records of the source already (byte for byte); no records copied."))
        } else if outcome.held > 0 {
            Console.out(common.t("已复制 \(outcome.copied) 条记录：\(source.shown) → \(target.shown)（目标原有的前 \(outcome.held) 条与来源逐字节相同）。",
                                 "copied \(outcome.copied) records: \(source.shown) → \(target.shown) (the target's first \(outcome.held) were the source's, byte for byte)."))
        } else {
            Console.out(common.t("已复制 \(outcome.copied) 条记录：\(source.shown) → \(target.shown)。",
                                 "copied \(outcome.copied) records: \(source.shown) → \(target.shown)."))
        }
        if outcome.checkpoints > 0 {
            Console.out(common.t("已复制 \(outcome.checkpoints) 个已签名的检查点。", "copied \(outcome.checkpoints) signed checkpoints."))
        }
        Console.out(common.t("共 \(outcome.total) 条记录，链头哈希 ", "\(outcome.total) records, head hash ") + hexString(outcome.headHash))
    }
}
