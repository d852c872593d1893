#include "agent/mcu/firmware_backend.h"

#include "agent/mcu/board/board.h"
#include "agent/mcu/stack_meter.h"

extern "C" uint8_t __vectors_start__, _etext, __data_start__, __data_end__, __bss_start__,
    __bss_end__;

#ifndef BSB_FIRMWARE_VERSION
#define BSB_FIRMWARE_VERSION "unknown"
#endif

namespace bsb::mcu {
namespace {

uint32_t Span(const uint8_t& begin, const uint8_t& end) {
  return static_cast<uint32_t>(&end - &begin);
}

}  // namespace

void FirmwareBackend::Describe(serial::HelloInfo* info) {
  const board::Facts& facts = board::GetFacts();
  info->clock_hz = facts.tick_hz;
  info->flash_bytes = facts.flash_bytes;
  info->ram_bytes = facts.ram_bytes;
  // Code and constants plus the .data image, which flash also holds.
  info->firmware_flash_bytes =
      Span(__vectors_start__, _etext) + Span(__data_start__, __data_end__);
  // The firmware's own RAM: .data, .bss and the stack; model, input and arena buffers are
  // reported separately (they live in .buffers).
  info->firmware_ram_bytes = Span(__data_start__, __data_end__) + Span(__bss_start__, __bss_end__) +
                             static_cast<uint32_t>(StackCapacityBytes());
  info->board = facts.board;
  info->cpu = facts.cpu;
  info->firmware_version = BSB_FIRMWARE_VERSION;
  info->runtime_version = Runner::RuntimeVersion();
}

uint16_t FirmwareBackend::Prepare(const uint8_t* model, size_t model_bytes,
                                  std::string_view* error_text) {
  return Runner::Prepare(model, model_bytes, arena_, arena_bytes_, error_text);
}

uint16_t FirmwareBackend::Run(const serial::RunRequest& request, const uint8_t* input,
                              size_t input_bytes, serial::RunResult* result,
                              std::string_view* error_text) {
  const uint16_t loaded =
      Runner::LoadInput(input, input_bytes, request.input_mode, request.input_scale, error_text);
  if (loaded != 0) return loaded;
  PaintStack();
  for (uint16_t i = 0; i < request.warmup_runs; ++i) {
    Runner::RestoreInput();
    const uint16_t error = Runner::Invoke(error_text);
    if (error != 0) return error;
  }
  result->timed_runs = request.timed_runs;
  for (uint16_t i = 0; i < request.timed_runs; ++i) {
    Runner::RestoreInput();
    board::StartTimer();  // every run starts at the same phase of the tick counter
    const uint64_t start = board::Ticks();
    const uint16_t error = Runner::Invoke(error_text);
    result->ticks[i] = board::Ticks() - start;
    board::StopTimer();
    if (error != 0) return error;
  }
  // The answer of the last timed run, read after its end tick: arg-max and output copies are
  // not part of the inference.
  Runner::Collect(request.output_mode, result);
  result->arena_bytes = static_cast<uint32_t>(Runner::ArenaUsedBytes());
  result->stack_high_water_bytes = static_cast<uint32_t>(StackHighWaterBytes());
  return 0;
}

}  // namespace bsb::mcu
