// Static facts about a loaded model, read from the flatbuffer alone (no Prepare): parameter
// count, multiply-accumulates per inference, and which quantization scheme it looks like.
// Used by `bsb-matrix inspect` and the agent.
#pragma once

#include <cstdint>

#include "agent/runtime/model.h"

namespace bsb::rt {

// The scheme names of the matrix file (DESIGN.md §2).
enum class Scheme {
  kFp32,         // float activations and weights
  kFloat16,      // float16 constant weights feeding DEQUANTIZE
  kDynamic,      // int8 weights, float activations (hybrid FC/CONV)
  kInt8,         // int8 activations, float model inputs/outputs (QUANTIZE/DEQUANTIZE at the edges)
  kInt8Only,     // int8 activations and int8 model inputs/outputs
  kInt16x8,      // int16 activations, int8 weights, float model inputs/outputs
  kInt16x8Only,  // int16 activations and non-float model inputs/outputs
  kUnknown,
};

const char* SchemeName(Scheme scheme);

struct ModelStats {
  int64_t parameter_count = 0;   // elements of every constant tensor
  int64_t parameter_bytes = 0;   // their bytes
  int64_t macs = 0;              // FC, CONV_2D, DEPTHWISE_CONV_2D multiply-accumulates + MUL elements
  Scheme scheme = Scheme::kUnknown;
};

// `model` must have passed LoadModel.
ModelStats ComputeModelStats(const Model& model);

// MACs of operator `op_index` (0 for ops without multiplies).
int64_t OperatorMacs(const Model& model, int op_index);

}  // namespace bsb::rt
