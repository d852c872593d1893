#include "agent/runtime/kernels/broadcast.h"

namespace bsb::rt::kernels {
namespace {

// Shape right-aligned into 6 dimensions, leading 1s.
void Extend(const Shape& s, int32_t* dims) {
  const int lead = Shape::kMaxRank - s.rank;
  for (int i = 0; i < Shape::kMaxRank; ++i) dims[i] = i < lead ? 1 : s.Dim(i - lead);
}

// Row-major strides of an extended shape, zeroed where the dimension is 1 (broadcast).
void Strides(const int32_t* dims, int64_t* strides) {
  int64_t stride = 1;
  for (int i = Shape::kMaxRank - 1; i >= 0; --i) {
    strides[i] = dims[i] == 1 ? 0 : stride;
    stride *= dims[i];
  }
}

}  // namespace

bool MakeBroadcastPlan(const Shape& input1, const Shape& input2, const Shape& output,
                       BroadcastPlan* plan) {
  if (input1.rank > Shape::kMaxRank || input2.rank > Shape::kMaxRank ||
      output.rank > Shape::kMaxRank) {
    return false;
  }
  int32_t a[Shape::kMaxRank], b[Shape::kMaxRank], out[Shape::kMaxRank];
  Extend(input1, a);
  Extend(input2, b);
  Extend(output, out);
  for (int i = 0; i < Shape::kMaxRank; ++i) {
    const int32_t want = a[i] == 1 ? b[i] : a[i];
    if ((a[i] != 1 && a[i] != want) || (b[i] != 1 && b[i] != want) || out[i] != want) {
      return false;
    }
    plan->dims[i] = want;
  }
  Strides(a, plan->stride1);
  Strides(b, plan->stride2);
  return true;
}

}  // namespace bsb::rt::kernels
