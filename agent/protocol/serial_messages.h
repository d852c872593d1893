// Payloads of the serial data frames, byte by byte in SERIAL.md §4. All integers little-endian.
// Decoders check every length against the payload and return false on any mismatch; decoded
// string and byte views point into the payload they were decoded from.
// Standard library only, no heap, no exceptions: the MCU firmware compiles this file too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/protocol/serial_frame.h"

namespace bsb::serial {

inline constexpr uint8_t kProtocolVersion = 1;
// Longest text in HELLO fields (u8 length prefix) and in ERROR/LOG (rest of the payload).
inline constexpr size_t kMaxHelloTextBytes = 64;
// Fixed bytes before the outputs in RESULT: runs u16, top1 i32, arena u32, stack u32, outputs u16.
inline constexpr size_t kResultFixedBytes = 2 + 4 + 4 + 4 + 2;
// Timed runs one RESULT can report (8 bytes of ticks each), leaving room for the fixed part.
inline constexpr size_t kMaxTimedRuns = 64;
// LOAD/INPUT chunk: after offset u32 (LOAD) or tensor u8 + offset u32 (INPUT).
inline constexpr size_t kMaxLoadChunkBytes = kMaxPayloadBytes - 4;
inline constexpr size_t kMaxInputChunkBytes = kMaxPayloadBytes - 5;

struct HelloRequest {
  uint32_t session_nonce = 0;  // distinguishes a new session from a re-sent HELLO
};

struct HelloInfo {
  uint8_t protocol_version = kProtocolVersion;
  uint32_t session_nonce = 0;       // echoed from the HELLO it answers
  uint32_t clock_hz = 0;            // rate of the tick counter RESULT reports
  uint32_t flash_bytes = 0;         // the board's flash (code memory) size
  uint32_t ram_bytes = 0;           // the board's RAM size
  uint32_t max_model_bytes = 0;     // largest model LOAD accepts
  uint32_t max_input_bytes = 0;     // largest input sample INPUT accepts
  uint32_t firmware_flash_bytes = 0;  // .text + .rodata + .data of the firmware image
  uint32_t firmware_ram_bytes = 0;    // .data + .bss + stack of the firmware image
  std::string_view board;
  std::string_view cpu;
  std::string_view firmware_version;
  std::string_view runtime_version;  // empty when no runtime is linked
};

struct LoadChunk {
  uint32_t offset = 0;
  const uint8_t* data = nullptr;
  size_t size_bytes = 0;
};

struct CommitRequest {
  uint32_t model_bytes = 0;
  uint32_t model_crc32 = 0;  // Crc32 of the whole model
};

struct InputChunk {
  uint8_t tensor = 0;  // input tensor index
  uint32_t offset = 0;
  const uint8_t* data = nullptr;
  size_t size_bytes = 0;
};

enum OutputMode : uint8_t {
  kOutputTop1 = 0,     // RESULT carries the arg-max of output 0 only
  kOutputTensor = 1,   // RESULT carries output 0's raw bytes as well
};

enum InputMode : uint8_t {
  kInputRaw = 0,     // the staged INPUT bytes are input 0's bytes as they are
  kInputPixels = 1,  // one uint8 pixel per element: x = pixel * input_scale, then quantized
                     // to input 0's type (round half away from zero, clamped), as bsb-agent does
};

struct RunRequest {
  uint16_t warmup_runs = 0;
  uint16_t timed_runs = 1;  // 1..kMaxTimedRuns
  uint8_t output_mode = kOutputTop1;
  uint8_t input_mode = kInputRaw;
  double input_scale = 1.0;  // kInputPixels only
};

struct RunResult {
  uint16_t timed_runs = 0;
  uint64_t ticks[kMaxTimedRuns] = {};  // per timed run, at HelloInfo::clock_hz
  int32_t top1 = -1;                   // arg-max of output 0, -1 when not computed
  uint32_t arena_bytes = 0;
  uint32_t stack_high_water_bytes = 0;
  const uint8_t* outputs = nullptr;  // output 0's bytes when kOutputTensor was asked for
  size_t output_bytes = 0;
};

enum ErrorCode : uint16_t {
  kErrorBadPayload = 1,        // a payload did not decode
  kErrorUnknownType = 2,       // a frame type the device does not handle
  kErrorModelTooLarge = 3,     // LOAD/COMMIT beyond max_model_bytes
  kErrorLoadGap = 4,           // LOAD offsets not contiguous
  kErrorCrcMismatch = 5,       // COMMIT size/CRC differ from what was loaded
  kErrorNoModel = 6,           // RUN before a successful COMMIT
  kErrorRuntimeNotLinked = 7,  // firmware built without agent/runtime
  kErrorModelInvalid = 8,      // the runtime rejected the model
  kErrorInputSize = 9,         // INPUT bytes do not match the input tensor
  kErrorBadRunCount = 10,      // timed_runs outside 1..kMaxTimedRuns
  kErrorRuntime = 11,          // the runtime failed during a run
  kErrorResultTooLarge = 12,   // outputs do not fit in one RESULT
  kErrorBadInputMode = 13,     // input_mode unknown, or pixels for an input type not fed so
};

struct ErrorReport {
  uint16_t code = 0;
  std::string_view text;
};

// Each Encode writes into `out` (capacity kMaxPayloadBytes) and returns the payload size, or 0
// when the message does not fit in one frame (text too long, too many runs, chunk too big).
size_t EncodeHelloRequest(const HelloRequest& m, uint8_t* out);
size_t EncodeHelloInfo(const HelloInfo& m, uint8_t* out);
size_t EncodeLoad(const LoadChunk& m, uint8_t* out);
size_t EncodeCommit(const CommitRequest& m, uint8_t* out);
size_t EncodeInput(const InputChunk& m, uint8_t* out);
size_t EncodeRun(const RunRequest& m, uint8_t* out);
size_t EncodeResult(const RunResult& m, uint8_t* out);
size_t EncodeError(const ErrorReport& m, uint8_t* out);
size_t EncodeLog(std::string_view text, uint8_t* out);

bool DecodeHelloRequest(const uint8_t* p, size_t n, HelloRequest* m);
bool DecodeHelloInfo(const uint8_t* p, size_t n, HelloInfo* m);
bool DecodeLoad(const uint8_t* p, size_t n, LoadChunk* m);
bool DecodeCommit(const uint8_t* p, size_t n, CommitRequest* m);
bool DecodeInput(const uint8_t* p, size_t n, InputChunk* m);
bool DecodeRun(const uint8_t* p, size_t n, RunRequest* m);
bool DecodeResult(const uint8_t* p, size_t n, RunResult* m);
bool DecodeError(const uint8_t* p, size_t n, ErrorReport* m);
bool DecodeLog(const uint8_t* p, size_t n, std::string_view* text);

}  // namespace bsb::serial
