// bsb firmware: the device end of the serial protocol (agent/protocol/SERIAL.md) on a board
// behind agent/mcu/board/board.h. The main loop feeds received bytes to the link, lets the
// session answer, and sleeps (WFI) whenever there is nothing to do.
#include <cstddef>
#include <cstdint>

#include "agent/mcu/board/board.h"
#include "agent/mcu/firmware_backend.h"
#include "agent/protocol/serial_device.h"

#ifndef BSB_MODEL_BYTES
#error "BSB_MODEL_BYTES comes from the board's board.cmake"
#endif

namespace {

// Large buffers in .buffers, which the linker script keeps apart from the firmware's own RAM.
__attribute__((section(".buffers"), aligned(16))) uint8_t model_buffer[BSB_MODEL_BYTES];
__attribute__((section(".buffers"), aligned(16))) uint8_t input_buffer[BSB_INPUT_BYTES];
__attribute__((section(".buffers"), aligned(16))) uint8_t arena_buffer[BSB_ARENA_BYTES];

void Write(void*, const uint8_t* data, size_t size_bytes) { bsb::board::UartWrite(data, size_bytes); }
uint32_t Now(void*) { return bsb::board::Millis(); }

bsb::serial::LinkConfig DeviceLink() {
  bsb::serial::LinkConfig config;
  config.role = bsb::serial::LinkRole::kDevice;
  config.ack_timeout_ms = 200;
  config.max_attempts = 8;
  return config;
}

bsb::serial::Link link(DeviceLink(), bsb::serial::LinkCallbacks{nullptr, &Write, &Now});
bsb::mcu::FirmwareBackend backend(arena_buffer, sizeof arena_buffer);
bsb::serial::DeviceSession session(&link, &backend,
                                   bsb::serial::DeviceBuffers{model_buffer, sizeof model_buffer,
                                                              input_buffer, sizeof input_buffer});

}  // namespace

extern "C" void FirmwareMain() {
  bsb::board::Init();
  uint8_t chunk[256];
  for (;;) {
    const size_t n = bsb::board::UartRead(chunk, sizeof chunk);
    for (size_t at = 0; at < n;) {
      at += link.Feed(chunk + at, n - at);
      session.Step();
    }
    link.Poll();
    const bool worked = session.Step();
    // Nothing received and nothing answered: sleep until a byte or the 1 ms tick arrives.
    if (n == 0 && !worked) bsb::board::SleepUntilInterrupt();
  }
}
