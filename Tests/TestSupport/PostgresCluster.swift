@_exported import LocalPostgres

/// The tests' own PostgreSQL cluster (issue 21): `PostgresCluster` (Sources/LocalPostgres) in a
/// folder of the tests' scratch folder, its programs run as the tests run theirs.
extension PostgresCluster {
    /// Makes and starts a cluster in a new folder of the tests' scratch folder (a few seconds).
    public convenience init() throws {
        try self.init(folder: temporaryPath("pg"), runner: runToCompletion)
    }
}
