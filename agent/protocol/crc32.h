// CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320, init and final xor 0xFFFFFFFF).
// Standard library only: the MCU firmware compiles this file too.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bsb::serial {

// Checksum of `size_bytes` bytes at `data`. Crc32("123456789") == 0xCBF43926.
uint32_t Crc32(const uint8_t* data, size_t size_bytes);

// Incremental form: start with `Crc32Init()`, fold chunks with `Crc32Update`, finish with
// `Crc32Final`. Crc32Final(Crc32Update(Crc32Init(), d, n)) == Crc32(d, n).
constexpr uint32_t Crc32Init() { return 0xFFFFFFFFu; }
uint32_t Crc32Update(uint32_t state, const uint8_t* data, size_t size_bytes);
constexpr uint32_t Crc32Final(uint32_t state) { return state ^ 0xFFFFFFFFu; }

}  // namespace bsb::serial
