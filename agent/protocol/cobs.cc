#include "agent/protocol/cobs.h"

namespace bsb::serial {

void CobsEncoder::Put(uint8_t byte) {
  if (byte == 0) {
    out_[code_at_] = code_;
    code_at_ = write_at_++;
    code_ = 1;
    return;
  }
  out_[write_at_++] = byte;
  if (++code_ == 0xFF) {  // a full block of 254 bytes carries no implied zero
    out_[code_at_] = code_;
    code_at_ = write_at_++;
    code_ = 1;
  }
}

size_t CobsEncoder::Finish() {
  out_[code_at_] = code_;
  return write_at_;
}

size_t CobsEncode(const uint8_t* in, size_t size_bytes, uint8_t* out) {
  CobsEncoder encoder(out);
  encoder.Put(in, size_bytes);
  return encoder.Finish();
}

bool CobsDecode(const uint8_t* in, size_t size_bytes, uint8_t* out, size_t out_capacity,
                size_t* decoded_bytes) {
  size_t read_at = 0;
  size_t write_at = 0;
  while (read_at < size_bytes) {
    const uint8_t code = in[read_at++];
    if (code == 0) return false;
    const size_t run = code - 1u;
    if (run > size_bytes - read_at) return false;
    if (run > out_capacity - write_at) return false;
    for (size_t k = 0; k < run; ++k) {
      const uint8_t b = in[read_at++];
      if (b == 0) return false;
      out[write_at++] = b;  // write_at < read_at here, so decoding in place is safe
    }
    // A block shorter than 254 bytes stands for a zero, except at the very end.
    if (code != 0xFF && read_at < size_bytes) {
      if (write_at == out_capacity) return false;
      out[write_at++] = 0;
    }
  }
  *decoded_bytes = write_at;
  return true;
}

}  // namespace bsb::serial
