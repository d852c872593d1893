// Consistent Overhead Byte Stuffing: removes every 0x00 from a block so 0x00 can delimit
// frames on a byte stream. Overhead is one byte per started run of 254 non-zero bytes.
// Standard library only, no heap: the MCU firmware compiles this file too.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bsb::serial {

// Worst-case encoded size of `size_bytes` input bytes (delimiter not included).
constexpr size_t CobsMaxEncodedBytes(size_t size_bytes) { return size_bytes + size_bytes / 254 + 1; }

// Encodes `size_bytes` bytes into `out` (capacity CobsMaxEncodedBytes(size_bytes)), returns the
// encoded length. The output contains no 0x00; the caller appends the delimiter.
size_t CobsEncode(const uint8_t* in, size_t size_bytes, uint8_t* out);

// Decodes one encoded block (no delimiter) into `out`. Returns false, leaving `*decoded_bytes`
// unspecified, when the block is malformed (contains 0x00, a code points past the end) or
// the result would exceed `out_capacity`. `out` may equal `in` (decoding in place).
bool CobsDecode(const uint8_t* in, size_t size_bytes, uint8_t* out, size_t out_capacity,
                size_t* decoded_bytes);

// Incremental encoder: Put() bytes one at a time into `out` (capacity
// CobsMaxEncodedBytes(total)), then Finish() returns the encoded length. Lets a frame be encoded
// from its parts without a staging buffer.
class CobsEncoder {
 public:
  explicit CobsEncoder(uint8_t* out) : out_(out) {}
  void Put(uint8_t byte);
  void Put(const uint8_t* data, size_t size_bytes) {
    for (size_t i = 0; i < size_bytes; ++i) Put(data[i]);
  }
  size_t Finish();

 private:
  uint8_t* out_;
  size_t code_at_ = 0;  // where the current block's code byte goes
  size_t write_at_ = 1;
  uint8_t code_ = 1;  // 1 + number of data bytes in the current block
};

}  // namespace bsb::serial
