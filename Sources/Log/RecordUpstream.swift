/// The shared record a data directory caches (issue 21: PostgreSQL, for several machines): when an
/// `EventLog` has one, it is the record and the data directory's `events.log` is this seat's copy
/// of a prefix of it, byte for byte. Appends go to the upstream first, accepted there only if they
/// follow its last record, and reach the local copy only once committed there; what others
/// appended is fetched from it.
///
/// Records cross as the file's bytes (one after another, each `52 + L` bytes), so the local copy
/// is checked exactly as any log is (CRC, sequence, links) before it is written.
public protocol RecordUpstream: AnyObject {
    /// Up to about `limit` records after record `sequence`, concatenated; empty when there are none.
    /// Record `sequence`'s chain hash in the upstream must be `head` (for 0: the genesis hash of its
    /// header), or the copies have diverged (`LogError.sharedDiverged`).
    func records(after sequence: UInt64, head: [UInt8], limit: Int) throws(LogError) -> [UInt8]
    /// Adds framed records (`first` is the first one's sequence number; the first links to record
    /// `first - 1`) and commits them, all or none; returns true only once they are durable there.
    /// False: record `first - 1` is no longer the last one there (another seat appended first) and
    /// nothing was added. `LogError.sharedOutcomeUnknown`: the connection went while the commit was
    /// on its way and could not be asked again.
    func append(_ frames: [UInt8], first: UInt64, count: Int) throws(LogError) -> Bool
    /// Keeps a checkpoint signed at this seat in the record too (best effort: the seat's own copy
    /// and the mirror beside its key hold it already), so that a copy of the record carries it.
    func publish(checkpointLine: String)
}
