#include "agent/mcu/stack_meter.h"

extern "C" uint32_t __stack_bottom__, __stack_top__;

namespace bsb::mcu {
namespace {

constexpr uint32_t kPaint = 0xC0FFEE11u;
// Left unpainted below the current stack pointer: the painting loop's own frame and
// anything an interrupt pushes while it runs.
constexpr size_t kGuardBytes = 64;

}  // namespace

__attribute__((noinline)) void PaintStack() {
  uint32_t* sp = nullptr;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  volatile uint32_t* end = sp - kGuardBytes / sizeof(uint32_t);
  for (volatile uint32_t* p = &__stack_bottom__; p < end; ++p) *p = kPaint;
}

size_t StackHighWaterBytes() {
  const uint32_t* p = &__stack_bottom__;
  while (p < &__stack_top__ && *p == kPaint) ++p;
  return static_cast<size_t>(reinterpret_cast<const uint8_t*>(&__stack_top__) -
                             reinterpret_cast<const uint8_t*>(p));
}

size_t StackCapacityBytes() {
  return static_cast<size_t>(reinterpret_cast<const uint8_t*>(&__stack_top__) -
                             reinterpret_cast<const uint8_t*>(&__stack_bottom__));
}

}  // namespace bsb::mcu
