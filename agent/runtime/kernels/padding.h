// Output sizes and implicit padding of windowed ops (TFLite kernels/padding.h).
#pragma once

#include <cstdint>

#include "agent/runtime/kernels/types.h"

namespace bsb::rt::kernels {

// Padding before the first row/column; the extra odd element (if any) goes after.
struct PaddingValues {
  int32_t height = 0;
  int32_t width = 0;
};

// eff = (filter−1)·dilation + 1; SAME: ceil(in/stride); VALID: ⌊(in − eff + stride)/stride⌋.
// Returns ≤ 0 when no output exists (VALID with a window larger than the input) or stride ≤ 0.
int32_t ComputeOutputSize(Padding padding, int32_t in_size, int32_t filter_size, int32_t stride,
                          int32_t dilation);

// pad_before = ⌊max((out−1)·stride + eff − in, 0) / 2⌋.
int32_t ComputePaddingBefore(int32_t stride, int32_t dilation, int32_t in_size,
                             int32_t filter_size, int32_t out_size);

// Both spatial dimensions at once for NHWC ops; out_h/out_w receive the output size.
PaddingValues ComputePaddingHeightWidth(Padding padding, int32_t stride_h, int32_t stride_w,
                                        int32_t dilation_h, int32_t dilation_w, int32_t in_h,
                                        int32_t in_w, int32_t filter_h, int32_t filter_w,
                                        int32_t* out_h, int32_t* out_w);

}  // namespace bsb::rt::kernels
