import Core
import Dispatch

// The idempotency keys of a whole replay, filed at once: a million 128-bit hashes sorted on two
// cores (the keys' set itself, `KeySet`, is the state's, in Core).
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

    /// The hashes ascending, each once. A million of them are first put in buckets by their top
    /// 16 bits (one counting pass, one pass placing them: the buckets are in the hashes' order),
    /// then each bucket is sorted on its own — a few hundred hashes, in the cache — the buckets
    /// shared between two cores; nothing is merged. Hashes that crowd into few buckets (a quarter
    /// of them in one) are sorted in two halves on two cores and merged instead.
    static func sortedUnique(_ hashes: [UInt128]) -> [UInt128] {
        var out: [UInt128]
        if hashes.count < 100_000 {
            out = hashes
            out.sort()
        } else if let bucketed = bucketSorted(hashes) {
            out = bucketed
        } else {
            out = hashes
            let middle = out.count / 2
            out.withUnsafeMutableBufferPointer { buffer in
                let halves = HalfBuffers(buffer: buffer, middle: middle)
                DispatchQueue.concurrentPerform(iterations: 2) { half in halves.sort(half) }
            }
            return merge(Array(out[..<middle]), Array(out[middle...]))
        }
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

    /// The hashes ascending (repeats kept) by buckets of their top 16 bits; nil when a quarter of
    /// them or more share one bucket.
    private static func bucketSorted(_ hashes: [UInt128]) -> [UInt128]? {
        let buckets = 1 << 16, count = hashes.count
        // starts[b]: where bucket b begins; starts[buckets] == count.
        var starts = [Int](repeating: 0, count: buckets + 1)
        for h in hashes { starts[Int(truncatingIfNeeded: h >> 112) + 1] += 1 }
        var largest = 0
        for b in 0..<buckets {
            largest = max(largest, starts[b + 1])
            starts[b + 1] += starts[b]
        }
        guard largest < count / 4 else { return nil }
        var next = starts
        var out = [UInt128](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            for h in hashes {
                let b = Int(truncatingIfNeeded: h >> 112)
                (base + next[b]).initialize(to: h)
                next[b] += 1
            }
            initialized = count
        }
        // Two shares of buckets with about as many hashes each.
        var split = 0
        while split < buckets, starts[split] < count / 2 { split += 1 }
        out.withUnsafeMutableBufferPointer { buffer in
            let shares = BucketShares(buffer: buffer, starts: starts, split: split)
            DispatchQueue.concurrentPerform(iterations: 2) { share in shares.sort(share) }
        }
        return out
    }

    /// The buckets of an array placed by `bucketSorted`, in two shares, each sorted by one thread.
    private struct BucketShares: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<UInt128>
        let starts: [Int]
        let split: Int

        func sort(_ share: Int) {
            for b in share == 0 ? 0..<split : split..<(starts.count - 1) where starts[b + 1] - starts[b] > 1 {
                var bucket = UnsafeMutableBufferPointer(rebasing: buffer[starts[b]..<starts[b + 1]])
                bucket.sort()
            }
        }
    }

    /// The two halves of an array, each sorted by one thread.
    private struct HalfBuffers: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<UInt128>
        let middle: Int

        func sort(_ half: Int) {
            var part = UnsafeMutableBufferPointer(rebasing: half == 0 ? buffer[..<middle] : buffer[middle...])
            part.sort()
        }
    }
}
