import CCRC32C

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every record.
/// Check value: CRC-32C("123456789") = 0xE3069283.
///
/// Computed eight bytes at a time ("slicing-by-8": eight 256-entry tables), several times
/// faster than a byte at a time; `verify` checks every byte of the log with it.
public enum CRC32C {
    /// tables[k][n]: the CRC of byte n followed by k zero bytes.
    static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            t[n] = c
        }
        for k in 1..<8 {
            for n in 0..<256 {
                let previous = t[(k - 1) * 256 + n]
                t[k * 256 + n] = (previous >> 8) ^ t[Int(previous & 0xFF)]
            }
        }
        return t
    }()

    public static func checksum<C: Collection>(_ bytes: C, seed: UInt32 = 0) -> UInt32 where C.Element == UInt8 {
        if let crc = bytes.withContiguousStorageIfAvailable({ checksum(buffer: UnsafeRawBufferPointer($0), seed: seed) }) {
            return crc
        }
        return checksum(buffer: Array(bytes), seed: seed)
    }

    static func checksum(buffer bytes: [UInt8], seed: UInt32) -> UInt32 {
        bytes.withUnsafeBytes { checksum(buffer: $0, seed: seed) }
    }

    /// Whether the processor's CRC-32C instruction is used (SSE4.2 on x86-64, CRC on AArch64).
    public static let hardware = cx_crc32c_hardware_available() == 1

    public static func checksum(buffer bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        guard hardware, let base = bytes.baseAddress else { return software(buffer: bytes, seed: seed) }
        return ~cx_crc32c_hardware(~seed, base.assumingMemoryBound(to: UInt8.self), bytes.count)
    }

    /// The same from the tables, eight bytes at a time (processors without the instruction; and the
    /// reference the tests compare the instruction with).
    static func software(buffer bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        var crc = ~seed
        tables.withUnsafeBufferPointer { t in
            var i = 0
            let count = bytes.count
            while i + 8 <= count {
                let low = crc ^ (UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
                let high = UInt32(bytes[i + 4]) | UInt32(bytes[i + 5]) << 8 | UInt32(bytes[i + 6]) << 16 | UInt32(bytes[i + 7]) << 24
                crc = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ t[1 * 256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                i += 8
            }
            while i < count {
                crc = t[Int((crc ^ UInt32(bytes[i])) & 0xFF)] ^ (crc >> 8)
                i += 1
            }
        }
        return ~crc
    }
}
