import Foundation
import Testing
import TestSupport

/// The command line, run as scripts run it.
struct CLI {
    let binary: String
    let data = temporaryPath("cli-data")
    let key = temporaryPath("cli-key") + "/checkpoint.key"

    func run(_ arguments: String...) throws -> (status: Int32, output: String, errors: String) {
        try runToCompletion([binary] + arguments + ["--data", data])
    }

    func runWithKey(_ arguments: String...) throws -> (status: Int32, output: String, errors: String) {
        try runToCompletion([binary] + arguments + ["--data", data, "--key", key])
    }
}

@Suite("Command line")
struct CLITests {
    func cli() throws -> CLI {
        CLI(binary: try #require(builtProduct("chengxin")))
    }

    /// A shared record is named by a PostgreSQL address; anything else is a usage error that
    /// names the option and does not repeat the value (it may hold a password).
    @Test func aStoreThatIsNotAPostgreSQLAddressIsAUsageError() throws {
        let cli = try cli()
        let refused = try cli.run("merchant", "list", "--store", "office:s3cret@host")
        #expect(refused.status == 2)
        #expect(refused.errors.contains("--store（或 CHENGXIN_STORE）应为 postgres://… 或 postgresql://… 形式的共享记录库地址"), "\(refused.errors)")
        #expect(!refused.errors.contains("s3cret"))
        let english = try runToCompletion(["/usr/bin/env", "CHENGXIN_STORE=notaurl", cli.binary, "verify", "--lang", "en", "--data", cli.data])
        #expect(english.status == 2 && english.errors.contains("must be a shared record's address, postgres://"), "\(english.errors)")
    }

    @Test func initListAndIdempotentRetry() throws {
        let cli = try cli()
        let seeds = packageRoot.appendingPathComponent("seeds").path
        let first = try cli.runWithKey("init", "--seeds", seeds)
        #expect(first.status == 0)
        #expect(first.output.contains("5 个党支部，96 家党员经营户和 4 家普通商户，106 名党员"))
        #expect(first.output.contains("已签名检查点：第 217 条"))
        // Retrying the same command records nothing twice.
        let again = try cli.runWithKey("init", "--seeds", seeds)
        #expect(again.status == 0 && again.output.contains("未做任何改动"))
        #expect(try cli.run("log").output.split(separator: "\n").count == 217, "the roster (216 records: 100 shops, 106 members) and the rules' version 2")

        let csv = try cli.run("merchant", "list", "--format", "csv").output.split(separator: "\n")
        #expect(csv.count == 101)
        #expect(csv[0] == "shop_number,name,owner,branch,plate,rating")
        #expect(csv[1].hasPrefix("A101,"))
        let json = try cli.run("merchant", "list", "--format", "json", "--branch", "2").output
        let rows = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        #expect(rows?.count == 19)
        #expect(rows?.allSatisfy { $0["branch"] as? Int == 2 && $0["rating"] as? String == "awaiting" } == true)
        let table = try cli.run("merchant", "list").output.split(separator: "\n").map(String.init)
        #expect(table[0].hasPrefix("店铺号  店铺名称"))
        #expect(table.count == 101)

        let unknownBranch = try cli.run("merchant", "list", "--branch", "9")
        #expect(unknownBranch.status == 1)
        let badStars = try cli.run("merchant", "list", "--stars", "7")
        #expect(badStars.status == 2)
    }

    @Test func verifyNamesTheFirstBadRecord() throws {
        let cli = try cli()
        #expect(try cli.runWithKey("init", "--seeds", packageRoot.appendingPathComponent("seeds").path).status == 0)
        let intact = try cli.runWithKey("verify")
        #expect(intact.status == 0)
        // The verdict first, then where the newest signed checkpoint is.
        #expect(intact.output.hasPrefix("完好：217 条记录"))
        #expect(intact.output.contains("最近的检查点在第 217 条"))

        // Flip one byte inside record 50's payload.
        let path = cli.data + "/events.log"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var offset = 32
        for _ in 1..<50 {
            offset += 52 + Int(UInt32(bytes[offset + 4]) | UInt32(bytes[offset + 5]) << 8 | UInt32(bytes[offset + 6]) << 16)
        }
        bytes[offset + 60] ^= 0x20
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let damaged = try cli.runWithKey("verify")
        #expect(damaged.status == 1)
        #expect(damaged.output.hasPrefix("已损坏：第 50 条记录（字节偏移 \(offset)）校验和不符"))
        #expect(damaged.output.contains("检查点不符"))
        let english = try cli.runWithKey("verify", "--lang", "en")
        #expect(english.output.contains("damaged: record 50 (byte offset \(offset)): checksum mismatch"))
        // Commands that read go on read-only and say so; nothing is changed.
        let list = try cli.run("log")
        #expect(list.status == 1)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
    }

    @Test func aMissingDataDirectoryIsExplained() throws {
        let cli = try cli()
        let result = try cli.run("merchant", "list")
        #expect(result.status == 1)
        #expect(result.errors == "chengxin: 数据目录不存在：\(cli.data)。请先运行 chengxin init 创建。\n")
        #expect(!FileManager.default.fileExists(atPath: cli.data))
        let english = try cli.run("verify", "--lang", "en")
        #expect(english.status == 1)
        #expect(english.errors.contains("the data directory does not exist"))
    }

    @Test func aLogFromANewerVersionIsRefusedUntouched() throws {
        let cli = try cli()
        #expect(try cli.run("init", "--seeds", packageRoot.appendingPathComponent("seeds").path, "--key", cli.key).status == 0)
        let path = cli.data + "/events.log"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[8] = 7
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        for command in [["merchant", "list"], ["verify"], ["log"]] {
            let result = try runToCompletion([cli.binary] + command + ["--data", cli.data])
            // verify cannot check a log it cannot read (exit 2, as the independent verifier); the
            // others end with a problem (exit 1).
            #expect(result.status == (command == ["verify"] ? 2 : 1))
            #expect(result.errors.contains("这个日志由更新版本的 chengxin 写入（格式版本 7）"), "\(command)")
        }
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
    }
}

@Suite("Snapshots through the command line")
struct SnapshotCLITests {
    @Test func aDamagedSnapshotIsIgnoredAndRebuilt() throws {
        let cli = CLI(binary: try #require(builtProduct("chengxin")))
        let seeds = packageRoot.appendingPathComponent("seeds").path
        #expect(try cli.runWithKey("init", "--seeds", seeds).status == 0)
        // A second writable open replays the log and leaves a snapshot.
        #expect(try cli.runWithKey("init", "--seeds", seeds).status == 0)
        let snapshot = cli.data + "/snapshot.bin"
        let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: snapshot)))
        let listed = try cli.run("merchant", "list", "--format", "csv").output

        var damaged = good
        damaged[damaged.count - 10] ^= 0xFF
        try Data(damaged).write(to: URL(fileURLWithPath: snapshot))
        #expect(try cli.run("merchant", "list", "--format", "csv").output == listed, "a damaged snapshot is not trusted")
        #expect(try cli.runWithKey("init", "--seeds", seeds).status == 0)
        let rebuilt = try [UInt8](Data(contentsOf: URL(fileURLWithPath: snapshot)))
        #expect(rebuilt != damaged)
        #expect(rebuilt.count == good.count)
        #expect(try cli.run("merchant", "list", "--format", "csv").output == listed)
    }
}
