#include "agent/protocol/crc32.h"

#include <array>

namespace bsb::serial {
namespace {

// One 256-entry table built at compile time; it lands in flash on the MCU (1 KiB).
constexpr std::array<uint32_t, 256> MakeTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1u) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
    table[i] = c;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kTable = MakeTable();

}  // namespace

uint32_t Crc32Update(uint32_t state, const uint8_t* data, size_t size_bytes) {
  for (size_t i = 0; i < size_bytes; ++i) state = kTable[(state ^ data[i]) & 0xFFu] ^ (state >> 8);
  return state;
}

uint32_t Crc32(const uint8_t* data, size_t size_bytes) {
  return Crc32Final(Crc32Update(Crc32Init(), data, size_bytes));
}

}  // namespace bsb::serial
