import Crypto

/// The on-disk format, documented in docs/log-format.md. All integers are little-endian.
///
/// File header (32 bytes):
///   0  8  magic "CXLOG\r\n\x1A"
///   8  4  format version (1)
///  12  4  flags (0)
///  16 16  log id (random, fixed at creation)
///
/// Record (52 + L bytes):
///   0  4  record magic "CXR\n"
///   4  4  payload length L (≤ maxPayload)
///   8  8  sequence number (first record 1, then +1)
///  16 32  chain hash of the previous record (for record 1: SHA-256 of the file header)
///  48  L  payload (UTF-8 JSON event)
///  48+L 4 CRC-32C of bytes [0, 48+L)
/// A record's chain hash is SHA-256 of its bytes [0, 48+L): everything but its CRC.
public enum LogFormat {
    public static let fileMagic: [UInt8] = Array("CXLOG\r\n".utf8) + [0x1A]
    public static let recordMagic: [UInt8] = Array("CXR\n".utf8)
    public static let version: UInt32 = 1
    public static let headerSize = 32
    public static let recordOverhead = 52
    public static let recordHeaderSize = 48
    public static let maxPayload = 16 * 1024 * 1024

    public static func header(logID: [UInt8]) -> [UInt8] {
        precondition(logID.count == 16, "a log id is 16 bytes")
        var bytes = fileMagic
        bytes += le32(version)
        bytes += le32(0)
        bytes += logID
        return bytes
    }

    /// Frames one record; returns its bytes and its chain hash.
    public static func record(sequence: UInt64, previousHash: [UInt8], payload: [UInt8]) -> (bytes: [UInt8], hash: [UInt8]) {
        var bytes: [UInt8] = []
        let hash = appendRecord(to: &bytes, sequence: sequence, previousHash: previousHash, payload: payload)
        return (bytes, hash)
    }

    /// Frames one record at the end of `bytes` (one buffer for a whole batch, no intermediate
    /// arrays); returns its chain hash.
    @discardableResult
    public static func appendRecord(to bytes: inout [UInt8], sequence: UInt64, previousHash: [UInt8], payload: [UInt8]) -> [UInt8] {
        let start = bytes.count
        bytes.reserveCapacity(start + recordOverhead + payload.count)
        bytes += recordMagic
        appendLE32(UInt32(payload.count), to: &bytes)
        var s = sequence
        for _ in 0..<8 {
            bytes.append(UInt8(truncatingIfNeeded: s))
            s >>= 8
        }
        bytes += previousHash
        bytes += payload
        let end = bytes.count
        let (hash, crc) = bytes.withUnsafeBytes { raw -> ([UInt8], UInt32) in
            let framed = UnsafeRawBufferPointer(rebasing: raw[start..<end])
            return (ChainHash.sha256(framed).bytes, CRC32C.checksum(buffer: framed))
        }
        appendLE32(crc, to: &bytes)
        return hash
    }

    static func appendLE32(_ v: UInt32, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: v))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v >> 16))
        bytes.append(UInt8(truncatingIfNeeded: v >> 24))
    }

    public static func sha256(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }

    static func le32(_ v: UInt32) -> [UInt8] {
        [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)]
    }

    static func le64(_ v: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(v >> (8 * UInt64($0)) & 0xFF) }
    }

    static func readLE32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }

    static func readLE64(_ b: [UInt8], _ at: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(b[at + i]) << (8 * UInt64(i)) }
        return v
    }
}

/// Lower-case hexadecimal, as hashes are printed.
public func hexString(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    var s = ""
    s.reserveCapacity(bytes.count * 2)
    for b in bytes {
        s.append(digits[Int(b >> 4)])
        s.append(digits[Int(b & 0xF)])
    }
    return s
}
