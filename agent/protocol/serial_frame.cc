#include "agent/protocol/serial_frame.h"

#include "agent/protocol/crc32.h"

namespace bsb::serial {

bool IsControlFrame(uint8_t type) { return type == kFrameAck || type == kFrameNak; }

size_t EncodeFrame(uint8_t type, uint8_t seq, const uint8_t* payload, size_t payload_bytes,
                   uint8_t* out) {
  if (payload_bytes > kMaxPayloadBytes) return 0;
  const uint8_t header[kFrameHeaderBytes] = {type, seq, static_cast<uint8_t>(payload_bytes & 0xFFu),
                                             static_cast<uint8_t>(payload_bytes >> 8)};
  uint32_t crc = Crc32Update(Crc32Init(), header, sizeof header);
  if (payload_bytes > 0) crc = Crc32Update(crc, payload, payload_bytes);
  crc = Crc32Final(crc);
  const uint8_t crc_le[kFrameCrcBytes] = {static_cast<uint8_t>(crc), static_cast<uint8_t>(crc >> 8),
                                          static_cast<uint8_t>(crc >> 16),
                                          static_cast<uint8_t>(crc >> 24)};
  out[0] = 0;
  CobsEncoder encoder(out + 1);
  encoder.Put(header, sizeof header);
  if (payload_bytes > 0) encoder.Put(payload, payload_bytes);
  encoder.Put(crc_le, sizeof crc_le);
  const size_t encoded = encoder.Finish();
  out[1 + encoded] = 0;
  return encoded + 2;
}

FrameDecoder::Event FrameDecoder::Push(uint8_t byte) {
  if (byte != 0) {
    if (fill_ < sizeof buffer_) {
      buffer_[fill_++] = byte;
    } else {
      overflow_ = true;
      ++overflow_bytes_;
    }
    return Event::kNone;
  }
  return FinishBlock();
}

FrameDecoder::Event FrameDecoder::FinishBlock() {
  const size_t received = fill_ + overflow_bytes_;
  const bool overflow = overflow_;
  fill_ = 0;
  overflow_ = false;
  overflow_bytes_ = 0;
  if (received == 0) return Event::kNone;  // back-to-back delimiters
  last_block_bytes_ = received;
  size_t raw_bytes = 0;
  // Decoding in place: the decoded block is never longer than the encoded one.
  if (overflow || !CobsDecode(buffer_, received, buffer_, sizeof buffer_, &raw_bytes) ||
      raw_bytes < kFrameHeaderBytes + kFrameCrcBytes) {
    ++frames_bad_;
    return Event::kBadFrame;
  }
  const uint8_t* raw = buffer_;
  const size_t len = static_cast<size_t>(raw[2]) | (static_cast<size_t>(raw[3]) << 8);
  if (len > kMaxPayloadBytes || raw_bytes != kFrameHeaderBytes + len + kFrameCrcBytes) {
    ++frames_bad_;
    return Event::kBadFrame;
  }
  const uint8_t* crc_at = raw + kFrameHeaderBytes + len;
  const uint32_t crc_wire = static_cast<uint32_t>(crc_at[0]) | (static_cast<uint32_t>(crc_at[1]) << 8) |
                            (static_cast<uint32_t>(crc_at[2]) << 16) |
                            (static_cast<uint32_t>(crc_at[3]) << 24);
  if (Crc32(raw, kFrameHeaderBytes + len) != crc_wire) {
    ++frames_bad_;
    return Event::kBadFrame;
  }
  frame_.type = raw[0];
  frame_.seq = raw[1];
  frame_.payload = raw + kFrameHeaderBytes;
  frame_.payload_bytes = static_cast<uint16_t>(len);
  frame_.crc = crc_wire;
  ++frames_ok_;
  return Event::kFrame;
}

}  // namespace bsb::serial
