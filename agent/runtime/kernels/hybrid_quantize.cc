#include "agent/runtime/kernels/hybrid_quantize.h"

#include <algorithm>
#include <cmath>

namespace bsb::rt::kernels {

void SymmetricQuantizeFloats(const float* values, int32_t size, int8_t* quantized,
                             float* scaling_factor) {
  constexpr int32_t kScale = 127;
  float min_value = 0.0f;
  float max_value = 0.0f;
  if (size > 0) {
    const auto minmax = std::minmax_element(values, values + size);
    min_value = *minmax.first;
    max_value = *minmax.second;
  }
  const float range = std::max(std::fabs(min_value), std::fabs(max_value));
  if (range == 0.0f) {
    std::fill(quantized, quantized + size, int8_t{0});
    *scaling_factor = 1.0f;
    return;
  }
  *scaling_factor = range / kScale;
  const float scaling_factor_inv = kScale / range;
  for (int32_t i = 0; i < size; ++i) {
    const int32_t q = static_cast<int32_t>(std::round(values[i] * scaling_factor_inv));
    quantized[i] = static_cast<int8_t>(std::min(kScale, std::max(-kScale, q)));
  }
}

void AsymmetricQuantizeFloats(const float* values, int32_t size, int8_t* quantized,
                              float* scaling_factor, int32_t* offset) {
  constexpr int32_t kMin = -128;
  constexpr int32_t kMax = 127;
  constexpr double kMinD = kMin;
  constexpr double kMaxD = kMax;
  float min_value = 0.0f;
  float max_value = 0.0f;
  if (size > 0) {
    const auto minmax = std::minmax_element(values, values + size);
    min_value = *minmax.first;
    max_value = *minmax.second;
  }
  const double rmin = static_cast<double>(std::min(0.0f, min_value));
  const double rmax = static_cast<double>(std::max(0.0f, max_value));
  if (rmin == rmax) {
    std::fill(quantized, quantized + size, int8_t{0});
    *scaling_factor = 1.0f;
    *offset = 0;
    return;
  }
  const double scale = (rmax - rmin) / (kMaxD - kMinD);
  const double zero_point_from_min = kMinD - rmin / scale;
  const double zero_point_from_max = kMaxD - rmax / scale;
  const double zero_point_from_min_error = std::fabs(kMinD) + std::fabs(rmin / scale);
  const double zero_point_from_max_error = std::fabs(kMaxD) + std::fabs(rmax / scale);
  const double zero_point = zero_point_from_min_error < zero_point_from_max_error
                                ? zero_point_from_min
                                : zero_point_from_max;
  int32_t nudged = 0;
  if (zero_point <= kMinD) {
    nudged = kMin;
  } else if (zero_point >= kMaxD) {
    nudged = kMax;
  } else {
    nudged = static_cast<int32_t>(std::round(zero_point));
  }
  *scaling_factor = static_cast<float>(scale);
  *offset = nudged;
  const float scaling_factor_inv = 1.0f / *scaling_factor;
  for (int32_t i = 0; i < size; ++i) {
    const int32_t q = static_cast<int32_t>(std::round(static_cast<float>(nudged) + values[i] * scaling_factor_inv));
    quantized[i] = static_cast<int8_t>(std::min(kMax, std::max(kMin, q)));
  }
}

}  // namespace bsb::rt::kernels
