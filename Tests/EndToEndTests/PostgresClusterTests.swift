import Foundation
import Testing
import TestSupport

/// The tests' own PostgreSQL (issue 21's store is tested against it): made, started, answering on
/// its Unix socket only, durable across a restart, stopped and removed. Without PostgreSQL on the
/// machine the test is skipped and says why; CI installs it (.ci/run).
@Suite("A PostgreSQL cluster of the tests' own")
struct PostgresClusterTests {
    @Test(.enabled(if: PostgresCluster.unavailable == nil, "\(PostgresCluster.unavailable ?? "")"))
    func aTemporaryClusterAnswersOnItsSocketKeepsACommitAcrossARestartAndIsRemoved() throws {
        let cluster = try PostgresCluster()
        defer { cluster.stop() }
        #expect(try cluster.psql("select 1 + 1") == "2")
        #expect(try cluster.psql("show listen_addresses") == "", "no TCP port: the socket only")
        #expect(try cluster.psql("show fsync") == "on")
        _ = try cluster.psql("create table t (n integer primary key); insert into t values (7)")
        try cluster.restart()
        #expect(try cluster.psql("select n from t") == "7")
        let folder = cluster.folder
        cluster.stop()
        #expect(!FileManager.default.fileExists(atPath: folder))
    }
}
