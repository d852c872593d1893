// Serial frames (SERIAL.md §2): `type u8 | seq u8 | len u16 LE | payload | crc32 LE`, COBS-encoded
// and sent as `0x00 <cobs> 0x00`. The leading delimiter flushes any garbage the receiver holds,
// so a frame that follows line noise still decodes.
// Standard library only, no heap, no exceptions: the MCU firmware compiles this file too.
#pragma once

#include <cstddef>
#include <cstdint>

#include "agent/protocol/cobs.h"

namespace bsb::serial {

// Largest payload one frame carries. Both ends size their buffers from it.
inline constexpr size_t kMaxPayloadBytes = 1024;
inline constexpr size_t kFrameHeaderBytes = 4;  // type, seq, len (u16)
inline constexpr size_t kFrameCrcBytes = 4;
inline constexpr size_t kMaxRawFrameBytes = kFrameHeaderBytes + kMaxPayloadBytes + kFrameCrcBytes;
// Two delimiters around the COBS block.
inline constexpr size_t kMaxWireFrameBytes = CobsMaxEncodedBytes(kMaxRawFrameBytes) + 2;

// Frame types. Data frames (everything but kAck/kNak) are delivered reliably (serial_link.h).
enum FrameType : uint8_t {
  kFrameHello = 0x01,   // host → device: session start; device → host: board facts
  kFrameLoad = 0x02,    // host → device: model chunk at an offset
  kFrameCommit = 0x03,  // host → device: model size + CRC; device echoes it when verified
  kFrameInput = 0x04,   // host → device: input sample chunk
  kFrameRun = 0x05,     // host → device: warm-up and timed run counts
  kFrameResult = 0x06,  // device → host: timings, prediction/outputs, memory
  kFrameError = 0x07,   // device → host: code + text, answers any request that failed
  kFrameLog = 0x08,     // either way: free text for the run log
  kFrameAck = 0x10,     // link control: `seq` was received intact
  kFrameNak = 0x11,     // link control: a damaged frame arrived; `seq` is the one expected
};

bool IsControlFrame(uint8_t type);

// A decoded frame. `payload` points into the decoder's buffer and is valid until the next Push.
struct FrameView {
  uint8_t type = 0;
  uint8_t seq = 0;
  const uint8_t* payload = nullptr;
  uint16_t payload_bytes = 0;
  uint32_t crc = 0;  // the frame's CRC, used to tell a re-sent frame from a new one
};

// Encodes one frame with delimiters into `out` (capacity kMaxWireFrameBytes). Returns the number
// of wire bytes, or 0 when `payload_bytes` exceeds kMaxPayloadBytes.
size_t EncodeFrame(uint8_t type, uint8_t seq, const uint8_t* payload, size_t payload_bytes,
                   uint8_t* out);

// Streaming decoder: push received bytes one at a time. Bytes between delimiters that do not
// form a valid frame are dropped and counted; decoding resumes at the next 0x00.
class FrameDecoder {
 public:
  enum class Event : uint8_t {
    kNone,      // keep pushing
    kFrame,     // frame() holds a valid frame
    kBadFrame,  // a delimited block failed COBS, length or CRC checks (see last_block_bytes())
  };

  Event Push(uint8_t byte);
  const FrameView& frame() const { return frame_; }
  // Size of the last rejected block as received (before COBS decoding).
  size_t last_block_bytes() const { return last_block_bytes_; }

  uint32_t frames_ok() const { return frames_ok_; }
  uint32_t frames_bad() const { return frames_bad_; }

 private:
  Event FinishBlock();

  uint8_t buffer_[CobsMaxEncodedBytes(kMaxRawFrameBytes)];
  size_t fill_ = 0;
  bool overflow_ = false;  // the current block outgrew any valid frame
  size_t overflow_bytes_ = 0;
  size_t last_block_bytes_ = 0;
  FrameView frame_;
  uint32_t frames_ok_ = 0;
  uint32_t frames_bad_ = 0;
};

}  // namespace bsb::serial
