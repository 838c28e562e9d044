import Core

// The idempotency keys of a whole replay, filed at once (the keys' set itself, `KeySet`, is the
// state's, in Core).
extension KeySet {
    /// Adds many hashes at once (a replay's): sorted and filed with the others, as `compact` does.
    mutating func insert(hashes: [UInt128]) {
        guard !hashes.isEmpty else { return }
        // The keys added one by one meanwhile (`recent`: a replay's records of the general kinds)
        // go in with them: one sort, and a merge only with keys held before.
        let new = Self.sortedUnique(recent.isEmpty ? hashes : hashes + recent)
        recent = []
        sorted = sorted.isEmpty ? new : Self.merge(sorted, new)
    }

    /// The hashes ascending, each once (the standard library's sort: a hand-written two-core
    /// bucket sort measured no faster than the benchmark's noise allows, docs/performance.md).
    static func sortedUnique(_ hashes: [UInt128]) -> [UInt128] {
        var out = hashes
        out.sort()
        var unique = 0
        out.withUnsafeMutableBufferPointer { out in
            for i in 0..<out.count where unique == 0 || out[unique - 1] != out[i] {
                out[unique] = out[i]
                unique += 1
            }
        }
        out.removeLast(out.count - unique)
        return out
    }
}
