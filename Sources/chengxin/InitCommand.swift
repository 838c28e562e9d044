import ArgumentParser
import Core
import Foundation
import Log
import PostgresLog
import Storage

struct Initialize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: localized("用 seeds/（名册、规则、检查表）建立数据目录。", "Create the data directory from seeds/ (roster, rules, checklist)."))

    @OptionGroup(title: CommonOptions.title) var common: CommonOptions

    @Option(name: .long, help: localized("要记录的名册所在的文件夹（默认：随附的 seeds/）。", "Folder of the roster to record (default: the shipped seeds/)."))
    var seeds: String?

    @Flag(name: .long, help: localized("另加一年（2026 年）生成的、明显虚构的历史记录，以及演示用户和公开的演示 PIN（培训数据）。", "Also add a year (2026) of generated, clearly fictional history, with demo users and published demo PINs (training data)."))
    var demo = false

    @Flag(name: .long, help: localized("把新建的数据目录标为培训数据，可以用 $CHENGXIN_TODAY 固定日期（正式数据不可以）。", "Mark a new data directory as training data, where $CHENGXIN_TODAY may fix the date (never on production data)."))
    var training = false

    func run() throws {
        let directory = common.dataDirectory
        let store: Store
        let written: Int
        // The checkpoint key first: the snapshots written from the start are authenticated with it.
        var keyCreated = false
        if let files = try? common.checkpointFiles(), let (_, created) = try? files.loadOrCreateKey() { keyCreated = created }
        do {
            (store, written) = try DataDirectorySetup.createFromSeeds(directory: directory, seeds: seeds, snapshotKey: common.snapshotKey,
                                                                      checkpoints: try? common.checkpointFiles(), demoFollows: demo,
                                                                      shared: common.storage.sharedRecord)
        } catch {
            throw Console.fail(error.text(common.lang))
        }
        for warning in store.log.warnings { Console.error(warning.text(common.lang)) }
        if demo {
            do {
                let added = try DataDirectorySetup.addDemo(to: store, seeds: seeds)
                Console.out(common.t("已加入演示数据：\(added) 条事件（2026 年，虚构）。演示用户与 PIN：", "added demo history: \(added) events (2026, fictional). Demo users and PINs:"))
                for user in DemoHistory.users {
                    Console.out("  \(user.name)  PIN \(user.pin)  \(user.role.name(common.lang))")
                }
            } catch let skipped as DemoHistory.Skipped {
                throw Console.fail("demo: " + skipped.messages.joined(separator: "; "))
            } catch {
                throw Console.fail(common.describe(error))
            }
        }
        var marked = false
        if demo || training {
            do {
                marked = try DataDirectorySetup.markTraining(store, purpose: demo ? "demo" : "training")
                if marked {
                    Console.out(common.t("已标为培训数据：可以用 CHENGXIN_TODAY 固定日期。", "marked as training data: CHENGXIN_TODAY may fix the date."))
                }
            } catch {
                throw Console.fail(common.describe(error))
            }
        }
        let market = store.market
        if written == 0 && !marked {
            Console.out(common.t("数据目录 \(directory) 已经记录了这份名册，未做任何改动（日志 \(store.log.lastSequence) 条记录）。",
                                 "the data directory \(directory) already holds this roster; nothing was changed (\(store.log.lastSequence) records)."))
            return
        }
        do {
            let files = try common.checkpointFiles()
            let (key, created) = try files.loadOrCreateKey()
            let checkpoint = try store.log.writeCheckpoint(files: files, key: key, at: Event.timestamp(Date()))
            if created || keyCreated {
                Console.out(common.t("已创建检查点签名密钥：\(files.keyPath)（请妥善保管，勿放入数据目录）",
                                     "created the checkpoint signing key: \(files.keyPath) (keep it safe, outside the data directory)"))
            }
            Console.out(common.t("已签名检查点：第 \(checkpoint.sequence) 条", "signed checkpoint at record \(checkpoint.sequence)"))
        } catch {
            Console.error(common.t("未能写入检查点：", "could not write a checkpoint: ") + common.describe(error))
        }
        let memberShops = market.merchants.filter(\.plate.isMemberPlate).count, ordinary = market.merchants.count - memberShops
        if let shared = common.storage.sharedRecord {
            Console.out(common.t("共享记录库：\(shared.shown)（表结构版本 \(PostgresSchema.newest)）；本机副本：\(directory)",
                                 "shared record: \(shared.shown) (schema version \(PostgresSchema.newest)); this seat's copy: \(directory)"))
        }
        Console.out(common.t(
            "数据目录：\(directory)\n已记录：\(market.branches.count) 个党支部，\(memberShops) 家党员经营户和 \(ordinary) 家普通商户，\(market.members.count) 名党员，评级规则与检查清单。\n日志共 \(store.log.lastSequence) 条记录，链头哈希 \(hexString(store.log.headHash))",
            "data directory: \(directory)\nrecorded: \(market.branches.count) branches, \(memberShops) member shops and \(ordinary) ordinary shops, \(market.members.count) Party members, rating rules and checklist.\nthe log holds \(store.log.lastSequence) records; head hash \(hexString(store.log.headHash))"))
    }
}
