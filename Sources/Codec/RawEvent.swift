import Core
import Foundation

// What the canonical reader makes of a payload read in place (Replay.swift): spans of its bytes,
// not values.

/// Bytes inside one payload: `start` from the payload's first byte.
struct ByteSpan: Equatable {
    var start: UInt32
    var count: UInt32
    /// For a name (looked up by its bytes when folded), its `ByteKeyTable.hash`, worked out by the
    /// reading task; 0 for other text.
    var hash: UInt32 = 0
    /// An absent optional.
    static let none = ByteSpan(start: 0, count: .max)
    var isNone: Bool { count == .max }
}

/// One payload of a bulk type, read in place. Which fields mean what depends on `kind`:
///
/// | kind | code | number | day | a | b | c | d | e | list |
/// |---|---|---|---|---|---|---|---|---|---|
/// | inspection | – | checklist version | date | shop | inspector | the outcomes' bytes if `flag` (all plain passes) | | | outcomes |
/// | filed | integrity | amount (if `hasNumber`) | date | receipt | shop? | category | text | name? (`f` phone?) | wants |
/// | step | – (`step`: the action's kind); `flag`: a resolution upheld | resolve's amount (if `hasNumber`) | date | receipt | reason, department, satisfaction or outcome | note? | | | |
/// | contribution | kind | points | date | shop | evidence | | | | |
/// | approval | | target | | | | | | | |
struct RawEvent {
    enum Kind: UInt8 {
        /// Not read in place: decoded by the general decoder.
        case general, inspection, filed, step, contribution, approval
    }

    var kind = Kind.general
    var code: UInt8 = 0
    /// A step's kind of action.
    var step = ComplaintStepKind.accept
    var flag = false
    var hasNumber = false
    var day: Int32 = 0
    var number: Int64 = 0
    var actor = ByteSpan.none
    var key = ByteSpan.none
    /// The idempotency key's hash (`KeySet.hash`), worked out by the reading task.
    var keyHash: UInt128 = 0
    var a = ByteSpan.none, b = ByteSpan.none, c = ByteSpan.none, d = ByteSpan.none, e = ByteSpan.none, f = ByteSpan.none
    /// An inspection whose outcomes were not read one by one: its block `c` is byte for byte one
    /// the same task read before (so the fold has seen it).
    var skipped = false
    /// Outcomes (inspection) or wants (filed): a range of the reading worker's side arrays.
    var listStart: UInt32 = 0
    var listCount: UInt32 = 0
}

/// An inspection's outcome, read in place.
struct RawOutcome {
    var item: ByteSpan
    var note: ByteSpan
    var result: ItemOutcome.Result
    var severity: Severity?
}

/// What one reading task keeps: its side arrays for the batch, and the blocks of plain outcomes
/// it read lately.
struct ReadScratch {
    var outcomes: [RawOutcome] = []
    var spans: [ByteSpan] = []
    var blocks = SeenBlocks()
}

/// The last few distinct blocks of plain-pass outcomes a task read, by where their bytes lie (in
/// the buffer being replayed, which stays in place for the whole replay).
struct SeenBlocks {
    private var entries: [(pointer: UnsafePointer<UInt8>, count: Int, hash: UInt32)] = []
    private var next = 0

    /// The block whose bytes are at `p`, if one seen lately has exactly those bytes.
    func match(_ p: UnsafePointer<UInt8>, available: Int) -> (count: Int, hash: UInt32)? {
        for entry in entries where entry.count <= available && memcmp(entry.pointer, p, entry.count) == 0 { return (entry.count, entry.hash) }
        return nil
    }

    mutating func note(_ p: UnsafePointer<UInt8>, count: Int, hash: UInt32) {
        if entries.count < 4 {
            entries.append((p, count, hash))
        } else {
            entries[next] = (p, count, hash)
            next = (next + 1) % entries.count
        }
    }
}
