// Stack high-water mark by painting: fill the unused stack with a pattern, run, then find the
// deepest word that changed. Uses the linker symbols __stack_bottom__ / __stack_top__.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bsb::mcu {

// Paints from the stack bottom up to a little below the caller's stack pointer.
void PaintStack();
// Bytes between the stack top and the deepest overwritten word since the last PaintStack().
size_t StackHighWaterBytes();
size_t StackCapacityBytes();

}  // namespace bsb::mcu
