// The firmware's DeviceBackend: board facts, memory figures from the linker symbols, and the
// model runner. Which runner is linked is chosen by CMake: runtime_runner.cc with agent/runtime,
// no_runtime_runner.cc without it (RUN is then answered "runtime not linked").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/protocol/serial_device.h"

namespace bsb::mcu {

// What runs a model; one implementation per build (see above).
struct Runner {
  // Version of the linked runtime, empty without one.
  static std::string_view RuntimeVersion();
  static uint16_t Prepare(const uint8_t* model, size_t model_bytes, uint8_t* arena,
                          size_t arena_bytes, std::string_view* error_text);
  // Puts the staged INPUT bytes into input 0, as they are (kInputRaw) or converted from
  // pixels (kInputPixels, SERIAL.md §4). Outside the timed region.
  static uint16_t LoadInput(const uint8_t* input, size_t input_bytes, uint8_t input_mode,
                            double input_scale, std::string_view* error_text);
  // Writes the loaded input into input 0 again: the planner may reuse input 0's arena bytes
  // for later activations, so every inference needs it restored (outside the timed region).
  static void RestoreInput();
  // One inference, nothing else: this is what the timed region measures.
  static uint16_t Invoke(std::string_view* error_text);
  // Top-1 (and output 0's bytes for kOutputTensor) of the last inference into `result`;
  // called after the last timed run's end tick, so it is not timed.
  static void Collect(uint8_t output_mode, serial::RunResult* result);
  static size_t ArenaUsedBytes();
};

class FirmwareBackend final : public serial::DeviceBackend {
 public:
  FirmwareBackend(uint8_t* arena, size_t arena_bytes) : arena_(arena), arena_bytes_(arena_bytes) {}
  void Describe(serial::HelloInfo* info) override;
  uint16_t Prepare(const uint8_t* model, size_t model_bytes, std::string_view* error_text) override;
  uint16_t Run(const serial::RunRequest& request, const uint8_t* input, size_t input_bytes,
               serial::RunResult* result, std::string_view* error_text) override;

 private:
  uint8_t* arena_;
  size_t arena_bytes_;
};

}  // namespace bsb::mcu
