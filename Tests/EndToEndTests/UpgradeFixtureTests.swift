import Foundation
import Log
import Storage
import Testing
import TestSupport

/// Upgrades (issue 22, docs/log-format.md "Upgrades"): a data directory written by an earlier
/// chengxin — Tests/Fixtures/datadir-v1, log format 1, snapshot format 2, made by
/// `chengxin init --demo` on 2026-12-07 and never changed since — opens, verifies and takes new
/// records in this build. Each test works on a copy; the fixture itself is never written.
@Suite("A data directory from an earlier version")
struct UpgradeFixtureTests {
    static let fixture = packageRoot.appendingPathComponent("Tests/Fixtures/datadir-v1").path
    /// Records in the fixture's log, and its head (as `chengxin init --demo` printed them).
    static let records = 1143
    static let head = "08f43d70624b0110ee8bbb3fda028250ad27739ea365e9784b087605e6b41588"

    /// A copy of the fixture: its data directory at `cli.data`, its key at `cli.key`.
    static func copy() throws -> DomainCLI {
        let cli = DomainCLI(binary: try #require(builtProduct("chengxin")))
        try FileManager.default.createDirectory(atPath: (cli.key as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture + "/checkpoint.key", toPath: cli.key)
        try FileManager.default.copyItem(atPath: fixture + "/data", toPath: cli.data)
        return cli
    }

    /// Every file of a data directory and its bytes.
    static func contents(of directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
        }
        return files
    }

    static func snapshotKey(_ cli: DomainCLI) throws -> SnapshotKey {
        try #require(StorageOptions(data: cli.data, key: cli.key, language: .zh, store: nil).snapshotKey)
    }

    @Test func theFixtureOpensFromItsSnapshotAndByReplayToTheSameStateAndVerifies() throws {
        let cli = try Self.copy()
        let key = try Self.snapshotKey(cli)
        // Today's snapshot format: the fixture's snapshot is used. (When the snapshot's format
        // changes, this snapshot is of an older one: it must then be ignored and rebuilt — the
        // test below — and a fixture of the new format committed beside this one.)
        let fromSnapshot = try Store.open(cli.data, writable: false, snapshotKey: key)
        #expect(fromSnapshot.usedSnapshot)
        let replayed = try Store.open(cli.data, writable: false, snapshotKey: nil)
        #expect(!replayed.usedSnapshot)
        #expect(replayed.market.eventCount == Self.records)
        #expect(fromSnapshot.market == replayed.market)
        #expect(replayed.undecodable.isEmpty, "every record of the earlier version is read")

        let verified = try cli.run(["verify"])
        #expect(verified.status == 0, "\(verified.output)\(verified.errors)")
        #expect(verified.output.contains("完好：\(Self.records) 条记录"))
        #expect(verified.output.contains("链头哈希：\(Self.head)"))
        #expect(try cli.run(["verify", "--anchor", "\(Self.records):\(Self.head)"]).status == 0)
    }

    @Test func aCopyOfTheFixtureTakesNewRecordsAndStillVerifies() throws {
        let cli = try Self.copy()
        let before = try Data(contentsOf: URL(fileURLWithPath: cli.data + "/events.log"))
        // A demo manager (published demo PIN) adds a user: one new record, after the old ones.
        let added = try cli.run(["user", "add", "li", "--role", "manager", "--as", "zhuren"], pin: "111111", newPIN: "123456")
        #expect(added.status == 0, "\(added.errors)")
        let after = try Data(contentsOf: URL(fileURLWithPath: cli.data + "/events.log"))
        #expect(after.count > before.count && after.prefix(before.count) == before, "appended, the old bytes untouched")
        let verified = try cli.run(["verify", "--anchor", "\(Self.records):\(Self.head)"])
        #expect(verified.status == 0, "\(verified.output)\(verified.errors)")
        #expect(verified.output.contains("完好：\(Self.records + 1) 条记录"))
        let newest = try cli.run(["log", "--since", String(Self.records + 1)]).output
        #expect(newest.hasPrefix("\(Self.records + 1) ") && newest.contains("user.registered"), "\(newest)")
        // The fixture itself is as committed.
        #expect(try Data(contentsOf: URL(fileURLWithPath: Self.fixture + "/data/events.log")) == before)
    }

    @Test func aLogOfAHigherFormatVersionIsRefusedWithNothingChanged() throws {
        let cli = try Self.copy()
        // The format version (bytes 8..<12 of the header) one more than this build knows.
        let log = URL(fileURLWithPath: cli.data + "/events.log")
        var bytes = try Data(contentsOf: log)
        let newer = LogFormat.version + 1
        bytes.replaceSubrange(8..<12, with: withUnsafeBytes(of: newer.littleEndian) { Data($0) })
        try bytes.write(to: log)
        let files = try Self.contents(of: cli.data)

        let verified = try cli.run(["verify"])
        #expect(verified.status == 2, "verify: a log it cannot verify, \(verified.output)\(verified.errors)")
        #expect((verified.output + verified.errors).contains("更新版本的 chengxin 写入（格式版本 \(newer)）"))
        // Other commands refuse it as a problem found (exit 1, docs/cli.md "Exit statuses").
        let write = try cli.run(["user", "add", "li", "--role", "manager", "--as", "zhuren"], pin: "111111", newPIN: "123456")
        #expect(write.status == 1 && write.errors.contains("未做任何改动"), "\(write.output)\(write.errors)")
        #expect(try cli.run(["log"]).status == 1)
        #expect(throws: LogError.newerVersion(newer)) { try Store.open(cli.data, snapshotKey: try Self.snapshotKey(cli)) }
        #expect(try Self.contents(of: cli.data) == files, "nothing in the data directory changed")
    }

    @Test func aSnapshotOfAnotherVersionIsIgnoredAndRebuilt() throws {
        let cli = try Self.copy()
        let key = try Self.snapshotKey(cli)
        // The snapshot's format version (bytes 8..<12) one this build does not write.
        let path = cli.data + "/snapshot.bin"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let other = UInt32(bytes[8]) + 1
        bytes.replaceSubrange(8..<12, with: withUnsafeBytes(of: other.littleEndian) { Data($0) })
        try bytes.write(to: URL(fileURLWithPath: path))
        guard case .otherVersion(other) = SnapshotFile.inspect(directory: cli.data, key: key) else {
            Issue.record("the changed snapshot reads as another version")
            return
        }
        let reference = try Store.open(cli.data, writable: false, snapshotKey: nil).market

        // A writable open replays the log and writes a snapshot of its own version.
        let reopened = try Store.open(cli.data, snapshotKey: key)
        #expect(!reopened.usedSnapshot)
        #expect(reopened.market == reference)
        guard case .authentic = SnapshotFile.inspect(directory: cli.data, key: key) else {
            Issue.record("a new snapshot was written")
            return
        }
        #expect(try Store.open(cli.data, writable: false, snapshotKey: key).usedSnapshot)
        #expect(try cli.run(["verify"]).status == 0)
    }
}
