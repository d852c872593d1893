// The board seam: everything the firmware needs from a particular board, as plain functions.
// One folder per board implements it (agent/mcu/board/<board>/); CMake picks the folder.
// See agent/mcu/PORTING.md for what each function must guarantee.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bsb::board {

struct Facts {
  const char* board;   // e.g. "mps2-an386"
  const char* cpu;     // e.g. "cortex-m4"
  uint32_t tick_hz;    // rate of Ticks()
  uint32_t flash_bytes;  // the board's code memory
  uint32_t ram_bytes;    // the board's data memory
};

const Facts& GetFacts();

// Clocks, UART (with its receive interrupt), tick counter. Called once before anything else.
void Init();

// Blocking write of every byte.
void UartWrite(const uint8_t* data, size_t size_bytes);
// Takes up to `capacity` received bytes from the interrupt-filled buffer; never blocks.
size_t UartRead(uint8_t* out, size_t capacity);
// Bytes lost because the receive buffer was full.
uint32_t UartOverruns();

// Sleeps until the next interrupt unless received bytes are already waiting (checked with
// interrupts masked, so a byte arriving in between still wakes the core).
void SleepUntilInterrupt();

// Timed regions. StartTimer() restarts the tick counter from zero, so the counter's phase is
// the same relative to the instructions that follow every time (under QEMU's -icount the
// counts then repeat bit for bit); Ticks() is the ticks at Facts::tick_hz since StartTimer,
// 64 bits so it never wraps in practice; StopTimer() ends the region. Millis() does not count
// the time spent inside timed regions.
void StartTimer();
uint64_t Ticks();
void StopTimer();
// Milliseconds since Init outside timed regions, wrapping at 2^32 (the link's ACK timeouts).
uint32_t Millis();

[[noreturn]] void Reset();

}  // namespace bsb::board

// The firmware's entry point (agent/mcu/main.cc); the board's reset handler calls it once the
// C/C++ runtime is set up (.data copied, .bss zeroed, constructors run).
extern "C" [[noreturn]] void FirmwareMain();
