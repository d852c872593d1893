// Static facts about a loaded model, read from the flatbuffer alone (no Prepare): parameter
// count, multiply-accumulates per inference, and which quantization scheme it looks like.
// Used by `bsb-matrix inspect` and the agent.
#pragma once

#include <cstdint>

#include "agent/runtime/model.h"
#include "agent/runtime/scheme.h"

namespace bsb::rt {

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
