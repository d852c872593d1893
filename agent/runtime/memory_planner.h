// Places activation buffers in one arena by lifetime, reproducing TFLite Micro's
// GreedyMemoryPlanner (docs/tflite-reference.md §4) so that the head size we report is the one
// TFLM would plan for the same buffers and lifetimes:
//   1. buffers are sorted by size, descending, by a stable sort over the list in reverse order
//      of addition (equal sizes: the later-added buffer first);
//   2. each buffer goes to the lowest offset that does not collide with an already placed
//      buffer whose [first, last] scope interval overlaps its own (inclusive).
// The planner works in caller-provided storage: no heap.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bsb::rt {

struct PlannedBuffer {
  std::size_t size_bytes = 0;  // already aligned by the caller
  int32_t first_scope = 0;
  int32_t last_scope = 0;
  std::size_t offset_bytes = 0;  // output
};

// Bytes of scratch PlanGreedy needs for `count` buffers.
std::size_t GreedyPlannerScratchBytes(int count);

// Assigns offset_bytes to every buffer and returns the plan's total size (max offset + size).
// `scratch` must hold GreedyPlannerScratchBytes(count) bytes aligned for int32.
std::size_t PlanGreedy(PlannedBuffer* buffers, int count, void* scratch);

}  // namespace bsb::rt
