import Core
import Log

/// What a store of the market's events provides to the commands, the dashboard and the kiosk.
/// `Store` provides it over a data directory that is either the record itself (its own
/// `events.log`) or a seat's copy of the shared record in PostgreSQL (`EventLog.upstream`,
/// `SharedCopy`); `StorageOptions.openStore` opens either (docs/architecture.md, "The store's
/// seam"). Once open, a store offers:
///
/// - the market folded from every record so far (`market`), and what was appended by others
///   since (`refresh`);
/// - appends by idempotency key under one exclusive lock (`append(events:)`): the closure is given
///   the state caught up with every record, its events whose keys are recorded already are dropped,
///   and the call returns only when the rest are durable; validation happens in the closure;
/// - the check of everything recorded before the first append of a process (`requireIntact`: the
///   one place a writer is refused), and the status bar's line of what has been checked (`summary`);
/// - snapshots, so that opening stays fast as the history grows (`writeSnapshot`, `finishSnapshot`
///   for one written in the background).
public protocol EventStore: AnyObject {
    /// The state with every record read or written so far applied.
    var market: MarketState { get }
    /// Reads what other processes appended; returns whether anything was new.
    func refresh() throws(LogError) -> Bool
    /// Appends the events `build` makes from the caught-up state, under the lock; returns the records written.
    @discardableResult
    func append(events build: (MarketState) throws -> [Event]) throws -> [LogRecord]
    /// Refuses to go on unless everything recorded has been checked and found intact.
    func requireIntact() throws(LogError)
    /// One line for the status bar: the number of records and what is known of their state.
    func summary(_ language: Language) -> String
    /// Writes the current state as the snapshot (best effort).
    func writeSnapshot()
    /// Waits for a snapshot being written in the background.
    func finishSnapshot()
}
