// Dataset pixels → model input, and class scores → label: the arithmetic every agent must do
// identically (Linux agent, MCU firmware), so cells on different targets see the same input
// bytes and pick the same label. Header-only, std only, no heap: the firmware includes it too.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace bsb::agent {

// Float inputs: x = pixel · input_scale, in double, then narrowed to float.
inline void ScalePixels(const uint8_t* pixels, std::size_t n, double input_scale, float* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(pixels[i] * input_scale);
}

// Integer inputs: q = clamp(round(x / scale) + zero_point) into T's range, x = pixel ·
// input_scale, all in double; round half away from zero, as TFLite's converter-side
// quantization does. The M4 computes doubles in software: slow, but outside any timed region
// and correctly rounded like the host's.
template <typename T>
void QuantizePixels(const uint8_t* pixels, std::size_t n, double input_scale, double scale,
                    double zero_point, T* out) {
  constexpr double kLow = std::numeric_limits<T>::min();
  constexpr double kHigh = std::numeric_limits<T>::max();
  for (std::size_t i = 0; i < n; ++i) {
    const double x = pixels[i] * input_scale;
    out[i] = static_cast<T>(std::clamp(std::round(x / scale) + zero_point, kLow, kHigh));
  }
}

// Index of the largest value, the first one on ties; 0 for an empty range. Integer scores are
// compared raw: with a positive scale dequantization is monotonic, so the argmax is the same.
template <typename T>
uint32_t ArgMax(const T* values, std::size_t n) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < n; ++i) {
    if (values[i] > values[best]) best = i;
  }
  return static_cast<uint32_t>(best);
}

// SplitMix64 (Steele et al.): tiny, and the same sequence on every architecture, so a cell's
// seed picks the same samples for its timed runs on x86_64, aarch64, armv7 and the MCU host.
inline uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace bsb::agent
