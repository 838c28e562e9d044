#!/usr/bin/env python3
"""An independent verifier of chengxin's event log, written from docs/log-format.md alone.

Usage: verify-log.py DATA_DIR_OR_LOG_FILE
Prints the record count and head hash; exit 0 intact (a torn tail is reported, not damage),
1 damaged (first bad record's sequence number, byte offset and kind), 2 not a log / usage.
"""
import hashlib
import os
import struct
import sys

FILE_MAGIC = b"CXLOG\r\n\x1a"
RECORD_MAGIC = b"CXR\n"
MAX_PAYLOAD = 16 * 1024 * 1024


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def well_formed(data: bytes, off: int):
    if len(data) - off < 52 or data[off:off + 4] != RECORD_MAGIC:
        return None
    (length,) = struct.unpack_from("<I", data, off + 4)
    if length > MAX_PAYLOAD or off + 52 + length > len(data):
        return None
    body = data[off:off + 48 + length]
    (stored,) = struct.unpack_from("<I", data, off + 48 + length)
    if crc32c(body) != stored:
        return None
    (seq,) = struct.unpack_from("<Q", data, off + 8)
    return seq, data[off + 16:off + 48], hashlib.sha256(body).digest(), 52 + length


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    path = sys.argv[1]
    if os.path.isdir(path):
        path = os.path.join(path, "events.log")
    data = open(path, "rb").read()
    if len(data) < 32 or data[:8] != FILE_MAGIC:
        print("not a chengxin log")
        return 2
    (version,) = struct.unpack_from("<I", data, 8)
    if version != 1:
        print(f"unsupported format version {version}")
        return 2
    prev = hashlib.sha256(data[:32]).digest()
    expected, off, count = 1, 32, 0
    while off < len(data):
        rec = well_formed(data, off)
        if rec is None:
            later = any(well_formed(data, p) for p in range(off + 1, len(data) - 51)
                        if data[p:p + 4] == RECORD_MAGIC)
            if later:
                print(f"damaged: record {expected} at byte offset {off}: not well-formed, valid records follow")
                return 1
            print(f"torn tail: {len(data) - off} bytes at offset {off} (ignored)")
            break
        seq, stored_prev, digest, size = rec
        if seq != expected:
            print(f"damaged: record {expected} at byte offset {off}: sequence gap (found {seq})")
            return 1
        if stored_prev != prev:
            print(f"damaged: record {expected} at byte offset {off}: hash chain broken")
            return 1
        prev, expected, off, count = digest, expected + 1, off + size, count + 1
    print(f"intact: {count} records")
    print(f"head hash: {prev.hex()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
