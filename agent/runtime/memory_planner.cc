#include "agent/runtime/memory_planner.h"

namespace bsb::rt {

std::size_t GreedyPlannerScratchBytes(int count) {
  // Sorted order + placed-by-offset order, one int32 index each.
  return static_cast<std::size_t>(count) * 2 * sizeof(int32_t);
}

std::size_t PlanGreedy(PlannedBuffer* buffers, int count, void* scratch) {
  if (count <= 0) return 0;
  int32_t* order = static_cast<int32_t*>(scratch);
  int32_t* placed = order + count;  // indices of placed buffers, ascending offset
  for (int i = 0; i < count; ++i) order[i] = count - 1 - i;
  // Stable bubble sort, descending by size, as TFLM's ReverseSortInPlace.
  for (bool swapped = true; swapped;) {
    swapped = false;
    for (int i = 1; i < count; ++i) {
      if (buffers[order[i - 1]].size_bytes < buffers[order[i]].size_bytes) {
        const int32_t t = order[i - 1];
        order[i - 1] = order[i];
        order[i] = t;
        swapped = true;
      }
    }
  }
  int placed_count = 0;
  std::size_t total = 0;
  for (int k = 0; k < count; ++k) {
    PlannedBuffer& b = buffers[order[k]];
    std::size_t candidate = 0;
    int insert_at = placed_count;
    for (int p = 0; p < placed_count; ++p) {
      const PlannedBuffer& other = buffers[placed[p]];
      const bool overlaps = !(other.last_scope < b.first_scope || b.last_scope < other.first_scope);
      if (!overlaps) continue;
      if (other.offset_bytes >= candidate && other.offset_bytes - candidate >= b.size_bytes) break;
      const std::size_t end = other.offset_bytes + other.size_bytes;
      if (end > candidate) candidate = end;
    }
    b.offset_bytes = candidate;
    // Keep `placed` sorted by offset (ties: after existing ones, as a linked-list insert would).
    for (int p = 0; p < placed_count; ++p) {
      if (buffers[placed[p]].offset_bytes > candidate) {
        insert_at = p;
        break;
      }
    }
    for (int p = placed_count; p > insert_at; --p) placed[p] = placed[p - 1];
    placed[insert_at] = order[k];
    ++placed_count;
    if (candidate + b.size_bytes > total) total = candidate + b.size_bytes;
  }
  return total;
}

}  // namespace bsb::rt
