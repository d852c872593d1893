// The runner of a firmware built without agent/runtime: models are received and verified,
// but RUN is refused rather than answered with made-up numbers.
#include "agent/mcu/firmware_backend.h"

namespace bsb::mcu {

std::string_view Runner::RuntimeVersion() { return {}; }

uint16_t Runner::Prepare(const uint8_t*, size_t, uint8_t*, size_t, std::string_view*) {
  return 0;  // the model's size and CRC were checked; there is nothing to prepare
}

uint16_t Runner::LoadInput(const uint8_t*, size_t, uint8_t, double, std::string_view* error_text) {
  *error_text = "runtime not linked";
  return serial::kErrorRuntimeNotLinked;
}

void Runner::RestoreInput() {}

uint16_t Runner::Invoke(std::string_view* error_text) {
  *error_text = "runtime not linked";
  return serial::kErrorRuntimeNotLinked;
}

void Runner::Collect(uint8_t, serial::RunResult*) {}

size_t Runner::ArenaUsedBytes() { return 0; }

}  // namespace bsb::mcu
