import Foundation

/// Byte strings mapped to numbers (symbols, complaint rows) for the length of a replay: an
/// open-addressing table over the bytes themselves, so that a name seen a hundred thousand
/// times is hashed as bytes, not made into a `String` each time.
struct ByteKeyTable {
    private struct Slot {
        var hash: UInt32 = 0
        var value: UInt32 = 0
        var offset: UInt32 = 0
        var length: UInt32 = 0
    }

    private var slots = [Slot](repeating: Slot(), count: 1024)
    private var keys: [UInt8] = []
    private var used = 0

    /// The value stored for these bytes.
    func value(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt32) -> UInt32? {
        let mask = slots.count - 1
        var k = Int(h) & mask
        return slots.withUnsafeBufferPointer { slots in
            keys.withUnsafeBufferPointer { keys in
                guard let stored = keys.baseAddress else { return nil }
                while slots[k].hash != 0 {
                    let slot = slots[k]
                    if slot.hash == h, Int(slot.length) == n, Self.same(stored + Int(slot.offset), p, n) {
                        return slot.value
                    }
                    k = (k + 1) & mask
                }
                return nil
            }
        }
    }

    /// Whether `n` bytes at `a` and at `b` are the same (eight at a time, then one at a time).
    @inline(__always)
    static func same(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n > 64 { return memcmp(a, b, n) == 0 }
        var k = 0
        while k + 8 <= n {
            guard UnsafeRawPointer(a + k).loadUnaligned(as: UInt64.self) == UnsafeRawPointer(b + k).loadUnaligned(as: UInt64.self) else { return false }
            k += 8
        }
        while k < n {
            guard a[k] == b[k] else { return false }
            k += 1
        }
        return true
    }

    /// Stores a value for bytes not stored yet.
    mutating func insert(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt32, value: UInt32) {
        if (used + 1) * 2 > slots.count { grow() }
        let offset = UInt32(keys.count)
        keys.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        place(Slot(hash: h, value: value, offset: offset, length: UInt32(n)))
        used += 1
    }

    private mutating func place(_ slot: Slot) {
        let mask = slots.count - 1
        var k = Int(slot.hash) & mask
        while slots[k].hash != 0 { k = (k + 1) & mask }
        slots[k] = slot
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        for slot in old where slot.hash != 0 { place(slot) }
    }

    /// A hash of the bytes, never 0 (0 marks an empty slot).
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt32 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var k = 0
        let raw = UnsafeRawPointer(p)
        while k + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            k += 8
        }
        var tail: UInt64 = 0, shift: UInt64 = 0
        while k < n {
            tail |= UInt64(p[k]) << shift
            shift += 8
            k += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        // The high half: every byte has reached it through the multiplications.
        let high = UInt32(truncatingIfNeeded: h >> 32)
        return high == 0 ? 1 : high
    }
}
