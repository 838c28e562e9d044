import ArgumentParser
import Core
import Foundation
import Log
import Storage

/// `chengxin mirror --to DIR|HOST:DIR` (issue 22, `Mirror`): the records the mirror lacks copied
/// to it, checked on arrival; a mirror that is not a prefix of the log is refused, unchanged.
/// `--receive DIR` is the receiving side a mirror over SSH runs on the other machine. Exit 0:
/// copied and checked; 1: refused, or the mirror does not check out; 2: a usage problem.
struct MirrorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mirror",
        abstract: localized("把镜像（一个目录、一个 U 盘，或经 ssh 的 HOST:DIR）缺少的记录复制过去，到达后校验；与本机日志分岔的镜像会被拒绝。", "Copy the records a mirror (a directory, a USB disk, or HOST:DIR over ssh) lacks, checking it on arrival; a mirror that has diverged is refused."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    @Option(name: .long, help: localized("镜像：一个目录，或另一台机器上的 HOST:DIR（经 ssh）。", "The mirror: a directory, or HOST:DIR on another machine (through ssh)."))
    var to: String?

    @Option(name: .long, help: localized("经 ssh 同步镜像时的接收端（由另一台机器的 mirror 运行）：本机的镜像目录。", "The receiving side of a mirror over ssh (run by the other machine's mirror): the mirror directory here."))
    var receive: String?

    @Option(name: .long, help: localized("ssh 命令及其选项，各词以空格分隔（用于 HOST:DIR）。", "The ssh command and its options, words separated by spaces (for HOST:DIR)."))
    var ssh = "ssh"

    @Option(name: .long, help: localized("另一台机器上的 chengxin 命令（用于 HOST:DIR）。", "The chengxin command on the other machine (for HOST:DIR)."))
    var remoteCommand = "chengxin"

    func validate() throws {
        guard (to == nil) != (receive == nil) else {
            throw ValidationError(common.t("请给出 --to（镜像在哪里），或（接收端）--receive，二者取一。", "give --to (where the mirror is), or (the receiving side) --receive: one of them."))
        }
    }

    func run() throws {
        let files: CheckpointFiles
        do {
            files = try common.checkpointFiles()
        } catch {
            throw usage(error.text)
        }
        if let receive {
            do {
                _ = try Mirror.receive(into: Locations.absolute(receive), files: files)
            } catch {
                throw Console.fail(error.text(common.lang))
            }
            return
        }
        let place = Mirror.Place(to ?? "")
        let progress = Progress(common)
        let outcome: StoreCopy.Outcome
        do {
            switch place {
            case .directory(let directory):
                outcome = try Mirror.copy(from: common.dataDirectory, to: directory, files: files, progress: progress.show)
            case .remote(let host, let directory):
                guard !directory.isEmpty else { throw usage(common.t("HOST:DIR 缺少目录。", "HOST:DIR lacks the directory.")) }
                outcome = try Mirror.copy(from: common.dataDirectory, host: host, directory: directory, ssh: ssh.split(separator: " ").map(String.init),
                                          remoteCommand: remoteCommand, language: common.lang, progress: progress.show)
            }
        } catch let message as LocalizedMessage {
            progress.clear()
            throw Console.fail(message.text(common.lang))
        }
        progress.clear()
        if let offset = outcome.tornTail {
            Console.error(common.t("数据目录的日志末尾有一条未写完、从未确认的记录（字节偏移 \(offset)），没有复制。",
                                   "the log ends with an unfinished, never acknowledged record (byte offset \(offset)); it was not copied."))
        }
        Console.out(common.t("镜像 \(place.shown)：原有 \(outcome.held) 条，新复制 \(outcome.copied) 条，新增检查点 \(outcome.checkpoints) 个；到达后校验无误。",
                             "mirror \(place.shown): held \(outcome.held) records, copied \(outcome.copied), \(outcome.checkpoints) checkpoints added; checked on arrival."))
        Console.out(common.t("镜像链头锚点：", "mirror head anchor: ") + "\(outcome.total):" + hexString(outcome.headHash))
    }
}

/// `chengxin restore --from MIRROR [--to DIR] [--anchor SEQ:HASH]…`: a data directory brought
/// back from a mirror (`Mirror.restore`), then checked as `chengxin verify` checks it, with the
/// anchors given; the exit status is verify's (0 intact, 1 damaged or refused, 2 usage).
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: localized("从镜像恢复数据目录（数据目录须为空，或是镜像的开头部分），然后用给出的锚点校验。", "Bring a data directory back from a mirror (it must be empty or a prefix of it), then verify it with the anchors given."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    @Option(name: .long, help: localized("从哪个镜像恢复（一个目录）。", "The mirror to restore from (a directory)."))
    var from: String

    @Option(name: .long, help: localized("要恢复的数据目录（默认：--data、$CHENGXIN_DATA、…）。", "The data directory to bring back (default: --data, $CHENGXIN_DATA, …)."))
    var to: String?

    @OptionGroup var anchorOptions: AnchorOptions

    func run() throws {
        let target = to.map(Locations.absolute) ?? common.dataDirectory
        // Anchors are read before anything is written: a malformed one changes nothing.
        _ = try anchorOptions.anchorsAsked(common)
        let progress = Progress(common)
        let outcome: StoreCopy.Outcome
        do {
            outcome = try Mirror.restore(from: Locations.absolute(from), to: target, progress: progress.show)
        } catch {
            progress.clear()
            throw Console.fail(error.text(common.lang))
        }
        progress.clear()
        Console.error(common.t("已从镜像恢复 \(outcome.copied) 条记录到 \(target)（原有 \(outcome.held) 条），共 \(outcome.total) 条；校验如下。",
                               "restored \(outcome.copied) records into \(target) (it held \(outcome.held)), \(outcome.total) in all; the check follows."))
        try Verify.verify(target, common, anchorOptions)
    }
}

/// A long copy's progress on stderr, only when someone watches a terminal (`store copy`,
/// `mirror`, `restore`).
final class Progress {
    let common: CommonOptions
    let watched = isatty(2) == 1
    private(set) var shown = false

    init(_ common: CommonOptions) { self.common = common }

    func show(_ done: UInt64, _ total: UInt64) {
        guard watched, total >= UInt64(2 * EventLog.upstreamBatch) else { return }
        shown = true
        FileHandle.standardError.write(Data("\r\(common.t("复制", "copying")) \(done)/\(total)".utf8))
    }

    func clear() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
