#ifndef CX_CRC32C_HW_H
#define CX_CRC32C_HW_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this processor has a CRC-32C instruction (x86-64 SSE4.2, AArch64 CRC), else 0.
int cx_crc32c_hardware_available(void);

/// Continues a CRC-32C over `count` bytes with the processor's instruction. `crc` is the raw
/// register value (the caller inverts before and after, as the standard CRC-32C does). Call only
/// when `cx_crc32c_hardware_available()` is 1.
uint32_t cx_crc32c_hardware(uint32_t crc, const uint8_t *bytes, size_t count);

#endif
