// The quantization schemes, by the names of the matrix file (DESIGN.md §2). One enum for the
// runtime (which scheme a model looks like) and the host (which scheme to quantize to).
#pragma once

namespace bsb::rt {

enum class Scheme {
  kFp32,         // float activations and weights
  kFloat16,      // float16 constant weights feeding DEQUANTIZE
  kDynamic,      // int8 weights, float activations (hybrid FC/CONV)
  kInt8,         // int8 activations, float model inputs/outputs (QUANTIZE/DEQUANTIZE at the edges)
  kInt8Only,     // int8 activations and int8 model inputs/outputs
  kInt16x8,      // int16 activations, int8 weights, float model inputs/outputs
  kInt16x8Only,  // int16 activations and non-float model inputs/outputs
  kUnknown,      // a model that matches none of the above
};

// The matrix name ("int8-only", ...); "unknown" for kUnknown.
constexpr const char* SchemeName(Scheme scheme) {
  switch (scheme) {
    case Scheme::kFp32: return "fp32";
    case Scheme::kFloat16: return "float16";
    case Scheme::kDynamic: return "dynamic";
    case Scheme::kInt8: return "int8";
    case Scheme::kInt8Only: return "int8-only";
    case Scheme::kInt16x8: return "int16x8";
    case Scheme::kInt16x8Only: return "int16x8-only";
    case Scheme::kUnknown: break;
  }
  return "unknown";
}

}  // namespace bsb::rt
