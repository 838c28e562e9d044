#ifndef CX_SHA256_H
#define CX_SHA256_H
#include <stddef.h>
#include <stdint.h>

/// SHA-256 (FIPS 180-4) of `count` bytes into `digest` (32 bytes), in one call and without any
/// allocation: with the processor's SHA instructions (x86-64 SHA-NI) where it has them,
/// portable code otherwise. Log/ChainHash uses it for every record's chain hash.
void cx_sha256(const uint8_t *bytes, size_t count, uint8_t digest[32]);

/// The same with the portable code only (tests compare both, and both with swift-crypto).
void cx_sha256_portable(const uint8_t *bytes, size_t count, uint8_t digest[32]);

/// 1 when `cx_sha256` uses the processor's SHA instructions.
int cx_sha256_hardware_available(void);

#endif
