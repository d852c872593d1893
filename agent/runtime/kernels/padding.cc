#include "agent/runtime/kernels/padding.h"

#include <cstdint>

namespace bsb::rt::kernels {

namespace {

// In 64 bits: a hostile model's strides, dilations and sizes must not overflow int32 here; an
// out-of-range answer is clamped and the caller's shape checks refuse the model.
int32_t ClampToInt32(int64_t v) {
  return v < 0 ? 0 : v > INT32_MAX ? INT32_MAX : static_cast<int32_t>(v);
}

int64_t EffectiveFilterSize(int32_t filter_size, int32_t dilation) {
  return (static_cast<int64_t>(filter_size) - 1) * dilation + 1;
}

}  // namespace

int32_t ComputeOutputSize(Padding padding, int32_t in_size, int32_t filter_size, int32_t stride,
                          int32_t dilation) {
  if (stride <= 0 || dilation <= 0 || filter_size <= 0) return 0;
  if (padding == Padding::kSame) return ClampToInt32((int64_t{in_size} + stride - 1) / stride);
  const int64_t numerator = int64_t{in_size} + stride - EffectiveFilterSize(filter_size, dilation);
  return numerator <= 0 ? 0 : ClampToInt32(numerator / stride);
}

int32_t ComputePaddingBefore(int32_t stride, int32_t dilation, int32_t in_size,
                             int32_t filter_size, int32_t out_size) {
  const int64_t total = (int64_t{out_size} - 1) * stride + EffectiveFilterSize(filter_size, dilation) - in_size;
  return total > 0 ? ClampToInt32(total / 2) : 0;
}

PaddingValues ComputePaddingHeightWidth(Padding padding, int32_t stride_h, int32_t stride_w,
                                        int32_t dilation_h, int32_t dilation_w, int32_t in_h,
                                        int32_t in_w, int32_t filter_h, int32_t filter_w,
                                        int32_t* out_h, int32_t* out_w) {
  *out_h = ComputeOutputSize(padding, in_h, filter_h, stride_h, dilation_h);
  *out_w = ComputeOutputSize(padding, in_w, filter_w, stride_w, dilation_w);
  PaddingValues values;
  values.height = ComputePaddingBefore(stride_h, dilation_h, in_h, filter_h, *out_h);
  values.width = ComputePaddingBefore(stride_w, dilation_w, in_w, filter_w, *out_w);
  return values;
}

}  // namespace bsb::rt::kernels
