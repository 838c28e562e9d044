import Foundation
import Testing
import TestSupport

/// `chengxin store copy` and `chengxin verify --store` as an administrator runs them, against a
/// real PostgreSQL (issue 21). Skipped, with the reason, where PostgreSQL is missing.
@Suite("The command line with a shared record", .enabled(if: PostgresCluster.unavailable == nil, "\(PostgresCluster.unavailable ?? "")"))
struct StoreCLITests {
    let binary: String
    let key = temporaryPath("store-cli-key") + "/checkpoint.key"
    let seeds = packageRoot.appendingPathComponent("seeds").path

    init() throws {
        binary = try #require(builtProduct("chengxin"))
    }

    func run(_ arguments: String...) throws -> (status: Int32, output: String, errors: String) {
        try runToCompletion([binary] + arguments + ["--key", key])
    }

    static func bytes(_ directory: String) -> Data? {
        FileManager.default.contents(atPath: directory + "/events.log")
    }

    @Test func theDemoCopiedIntoPostgreSQLAndBackIsTheSameFileAndVerifies() throws {
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        let original = temporaryPath("store-cli-demo"), back = temporaryPath("store-cli-back"), seat = temporaryPath("store-cli-seat")
        #expect(try run("init", "--demo", "--seeds", seeds, "--data", original).status == 0)

        let into = try run("store", "copy", "--from", original, "--to", cluster.url)
        #expect(into.status == 0, "\(into.errors)")
        #expect(into.output.contains("已复制") && into.output.contains("链头哈希"), "\(into.output)")
        let out = try run("store", "copy", "--from", cluster.url, "--to", back, "--lang", "en")
        #expect(out.status == 0, "\(out.errors)")
        #expect(out.output.contains("copied") && out.output.contains("signed checkpoints"), "\(out.output)")
        #expect(Self.bytes(original) != nil && Self.bytes(back) == Self.bytes(original), "byte-identical")
        let verified = try run("verify", "--data", back)
        #expect(verified.status == 0 && verified.output.hasPrefix("完好"), "\(verified.output)\(verified.errors)")
        // An auditor's own verifier, written from docs/log-format.md alone, on the export.
        let theirs = try runToCompletion(["/usr/bin/env", "python3", packageRoot.appendingPathComponent("tools/verify-log.py").path, back])
        #expect(theirs.status == 0 && theirs.output.hasPrefix("intact: "), "\(theirs.output)\(theirs.errors)")

        // A target that holds another log: refused, said, nothing changed.
        let other = temporaryPath("store-cli-other")
        #expect(try run("init", "--seeds", seeds, "--data", other).status == 0)
        let refused = try run("store", "copy", "--from", other, "--to", cluster.url, "--lang", "en")
        #expect(refused.status == 1)
        #expect(refused.errors.contains("neither empty nor a prefix of the source") && refused.errors.contains("nothing was changed"), "\(refused.errors)")

        // verify --store: the seat's copy made, then every record in the database compared with it.
        let intact = try run("verify", "--store", cluster.url, "--data", seat)
        #expect(intact.status == 0 && intact.output.hasPrefix("完好"), "\(intact.output)\(intact.errors)")
        #expect(Self.bytes(seat) == Self.bytes(original))
        // The one-shot commands that read the log read the copy brought up to date.
        #expect(try run("log", "--store", cluster.url, "--data", temporaryPath("store-cli-log")).output.split(separator: "\n").count
                == (try run("log", "--data", original).output.split(separator: "\n").count))
        _ = try cluster.psql("ALTER TABLE chengxin_records DISABLE TRIGGER USER; UPDATE chengxin_records SET bytes = set_byte(bytes, 60, get_byte(bytes, 60) # 1) WHERE seq = 300; ALTER TABLE chengxin_records ENABLE TRIGGER USER")
        let changed = try run("verify", "--store", cluster.url, "--data", seat, "--lang", "en")
        #expect(changed.status == 1)
        #expect(changed.output.hasPrefix("damaged: ") && changed.output.contains("record 300 differs"), "\(changed.output)")
    }
}
