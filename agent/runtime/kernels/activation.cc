#include "agent/runtime/kernels/activation.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace bsb::rt::kernels {

QuantizedRange FullRange(QuantType type) {
  if (type == QuantType::kInt16) {
    return {std::numeric_limits<int16_t>::min(), std::numeric_limits<int16_t>::max()};
  }
  return {std::numeric_limits<int8_t>::min(), std::numeric_limits<int8_t>::max()};
}

KernelStatus CalculateActivationRangeQuantized(Activation activation, QuantType type,
                                               float output_scale, int32_t output_zero_point,
                                               QuantizedRange* range) {
  if (!(output_scale > 0.0f)) return KernelStatus::kBadParams;
  const QuantizedRange full = FullRange(type);
  auto quantize = [&](float f) {
    const float rounded = std::round(f / output_scale);
    return output_zero_point + static_cast<int32_t>(rounded);
  };
  switch (activation) {
    case Activation::kNone:
      *range = full;
      return KernelStatus::kOk;
    case Activation::kRelu:
      *range = {std::max(full.min, quantize(0.0f)), full.max};
      return KernelStatus::kOk;
    case Activation::kRelu6:
      *range = {std::max(full.min, quantize(0.0f)), std::min(full.max, quantize(6.0f))};
      return KernelStatus::kOk;
    case Activation::kReluN1To1:
      *range = {std::max(full.min, quantize(-1.0f)), std::min(full.max, quantize(1.0f))};
      return KernelStatus::kOk;
    case Activation::kTanh:
    case Activation::kSignBit:
      return KernelStatus::kUnsupported;
  }
  return KernelStatus::kUnsupported;
}

KernelStatus CalculateActivationRangeFloat(Activation activation, FloatRange* range) {
  constexpr float kLowest = std::numeric_limits<float>::lowest();
  constexpr float kMax = std::numeric_limits<float>::max();
  switch (activation) {
    case Activation::kNone:
      *range = {kLowest, kMax};
      return KernelStatus::kOk;
    case Activation::kRelu:
      *range = {0.0f, kMax};
      return KernelStatus::kOk;
    case Activation::kRelu6:
      *range = {0.0f, 6.0f};
      return KernelStatus::kOk;
    case Activation::kReluN1To1:
      *range = {-1.0f, 1.0f};
      return KernelStatus::kOk;
    case Activation::kTanh:
    case Activation::kSignBit:
      return KernelStatus::kUnsupported;
  }
  return KernelStatus::kUnsupported;
}

}  // namespace bsb::rt::kernels
