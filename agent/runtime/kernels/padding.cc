#include "agent/runtime/kernels/padding.h"

namespace bsb::rt::kernels {

int32_t ComputeOutputSize(Padding padding, int32_t in_size, int32_t filter_size, int32_t stride,
                          int32_t dilation) {
  if (stride <= 0 || dilation <= 0 || filter_size <= 0) return 0;
  const int32_t effective = (filter_size - 1) * dilation + 1;
  if (padding == Padding::kSame) return (in_size + stride - 1) / stride;
  const int32_t numerator = in_size + stride - effective;
  return numerator <= 0 ? 0 : numerator / stride;
}

int32_t ComputePaddingBefore(int32_t stride, int32_t dilation, int32_t in_size,
                             int32_t filter_size, int32_t out_size) {
  const int32_t effective = (filter_size - 1) * dilation + 1;
  const int32_t total = (out_size - 1) * stride + effective - in_size;
  return total > 0 ? total / 2 : 0;
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
