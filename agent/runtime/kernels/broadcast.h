// NumPy-style broadcasting of two inputs to an output of up to 6 dimensions (shapes are
// right-aligned; a dimension of 1 repeats). Used by ADD and MUL.
#pragma once

#include <cstdint>

#include "agent/runtime/kernels/types.h"

namespace bsb::rt::kernels {

struct BroadcastPlan {
  int32_t dims[Shape::kMaxRank] = {1, 1, 1, 1, 1, 1};  // output, extended to rank 6
  int64_t stride1[Shape::kMaxRank] = {};                // 0 on broadcast dimensions
  int64_t stride2[Shape::kMaxRank] = {};
};

// False when a dimension differs and neither side is 1, or the output does not match.
bool MakeBroadcastPlan(const Shape& input1, const Shape& input2, const Shape& output,
                       BroadcastPlan* plan);

// Calls f(output_index, input1_index, input2_index) for every output element in order.
template <typename F>
void ForEachBroadcast(const BroadcastPlan& plan, F f) {
  const int32_t* d = plan.dims;
  int64_t out = 0;
  for (int32_t i0 = 0; i0 < d[0]; ++i0)
    for (int32_t i1 = 0; i1 < d[1]; ++i1)
      for (int32_t i2 = 0; i2 < d[2]; ++i2)
        for (int32_t i3 = 0; i3 < d[3]; ++i3)
          for (int32_t i4 = 0; i4 < d[4]; ++i4)
            for (int32_t i5 = 0; i5 < d[5]; ++i5) {
              const int64_t a = i0 * plan.stride1[0] + i1 * plan.stride1[1] + i2 * plan.stride1[2] +
                                i3 * plan.stride1[3] + i4 * plan.stride1[4] + i5 * plan.stride1[5];
              const int64_t b = i0 * plan.stride2[0] + i1 * plan.stride2[1] + i2 * plan.stride2[2] +
                                i3 * plan.stride2[3] + i4 * plan.stride2[4] + i5 * plan.stride2[5];
              f(out++, a, b);
            }
}

}  // namespace bsb::rt::kernels
