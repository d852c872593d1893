// Run-time input quantization of dynamic-range (hybrid) kernels, as TF Lite's
// reference/portable_tensor_utils.cc does it (reference §2 "Dynamic range").
#pragma once

#include <cstdint>

namespace bsb::rt::kernels {

// r = max|x|; s = r/127; q = clamp(round(x·(127/r)), ±127). r = 0 → q = 0, s = 1.
void SymmetricQuantizeFloats(const float* values, int32_t size, int8_t* quantized,
                             float* scaling_factor);

// rmin = min(0, min x), rmax = max(0, max x), s = (rmax−rmin)/255 in double; the zero point
// comes from the end with the smaller error, then is nudged into [−128, 127];
// q = clamp(round(z + x·(1/s)), −128, 127). rmin = rmax → q = 0, s = 1, z = 0.
void AsymmetricQuantizeFloats(const float* values, int32_t size, int8_t* quantized,
                              float* scaling_factor, int32_t* offset);

}  // namespace bsb::rt::kernels
