/// The idempotency keys seen so far, as 128-bit FNV-1a hashes: those the snapshot held in one
/// ascending array (a million keys in 16 MB, read as it is written), those seen since in a set.
public struct KeySet: Sendable {
    /// Hashes from the snapshot (or the last compaction), ascending, no repeats.
    package var sorted: [UInt128] = []
    /// Hashes of keys seen since.
    package var recent: Set<UInt128> = []

    public init() {}

    package init(sorted: [UInt128]) {
        self.sorted = sorted
    }

    public var count: Int { sorted.count + recent.count }

    package static func hash(_ key: String) -> UInt128 {
        var key = key
        return key.withUTF8 { hash(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// The hash of a key given as its UTF-8 bytes.
    package static func hash(utf8 key: UnsafeRawBufferPointer) -> UInt128 {
        // FNV-1a, 128 bits (offset basis and prime from the FNV specification).
        var h: UInt128 = 0x6c62272e07bb014262b821756295c58d
        let prime: UInt128 = (1 << 88) | 0x13b
        for byte in key {
            h ^= UInt128(byte)
            h = h &* prime
        }
        return h
    }

    public func contains(_ key: String) -> Bool { contains(hash: Self.hash(key)) }

    func contains(hash h: UInt128) -> Bool {
        recent.contains(h) || inSorted(h)
    }

    public mutating func insert(_ key: String) {
        insert(hash: Self.hash(key))
    }

    mutating func insert(hash h: UInt128) {
        // One hash-table operation when the key is not among the snapshot's (always, in a replay).
        if !inSorted(h) { recent.insert(h) }
    }

    /// Two ascending arrays as one, each hash once.
    package static func merge(_ a: [UInt128], _ b: [UInt128]) -> [UInt128] {
        var merged: [UInt128] = []
        merged.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            let next: UInt128
            if j == b.count || (i < a.count && a[i] <= b[j]) {
                next = a[i]
                i += 1
            } else {
                next = b[j]
                j += 1
            }
            if merged.last != next { merged.append(next) }
        }
        return merged
    }

    private func inSorted(_ h: UInt128) -> Bool {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < h { low = mid + 1 } else { high = mid }
        }
        return low < sorted.count && sorted[low] == h
    }

    /// Every hash, ascending (what the snapshot writes).
    package var allSorted: [UInt128] {
        recent.isEmpty ? sorted : Self.merge(sorted, recent.sorted())
    }

    /// Moves the recent hashes into the ascending array (after a snapshot is written).
    mutating func compact() {
        guard !recent.isEmpty else { return }
        sorted = allSorted
        recent = []
    }
}

extension KeySet: Equatable {
    /// The same keys, however they are split between the array and the set.
    public static func == (a: KeySet, b: KeySet) -> Bool {
        a.count == b.count && a.sorted.allSatisfy(b.contains(hash:)) && a.recent.allSatisfy(b.contains(hash:))
    }
}
