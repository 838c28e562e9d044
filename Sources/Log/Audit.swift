/// The signed checkpoints' verdict on a verified log: one place for what `chengxin verify` prints
/// and what a writer refuses to append to (docs/log-format.md, "Checkpoints").
public enum CheckpointVerdict {
    /// Every problem the checkpoints in `files` (the data directory's copy and the mirror beside
    /// the key) find with the log `report` describes; empty when they all hold.
    public static func problems(_ report: VerificationReport, files: CheckpointFiles) -> [CheckpointProblem] {
        let directory = report.directory
        guard let (checkpoints, malformed) = try? files.checkpoints(dataDirectory: directory, logID: report.logID) else { return [] }
        let trusted = (try? files.loadKey()).flatMap { $0 }.map { Array($0.publicKey.rawRepresentation) }
        return malformed + CheckpointCheck.problems(checkpoints, logID: report.logID, records: report.records, trustedKey: trusted)
    }
}
