// CONV_2D glue: float32, int8 (per-channel), int16x8 (int64 or int32 bias) and hybrid (float
// activations, int8 weights; each batch item quantized at run time, reference §2).
#include "agent/runtime/kernels/conv.h"

#include "agent/runtime/op_registry.h"
#include "agent/runtime/ops/conv_common.h"
#include "agent/runtime/ops/ops.h"

namespace bsb::rt {
namespace {

using ops::ConvPath;

template <ConvPath kPath>
Status Prepare(Context& ctx, Node& node) {
  const auto* o = node.options->builtin_options_as_Conv2DOptions();
  if (o == nullptr) return ctx.Fail(node, Status::kMalformedModel, "has no Conv2DOptions");
  return ops::PrepareConvLike(ctx, node, kPath, ops::ConvOptionsFrom(*o, false), 0);
}

}  // namespace

void RegisterConv(KernelRegistry& r) {
  constexpr int32_t op = tflite::BuiltinOperator_CONV_2D;
  r.Register({op, tflite::TensorType_FLOAT32, tflite::TensorType_FLOAT32, "reference", Prepare<ConvPath::kFloat>,
              ops::InvokeConvFloat<kernels::ConvFloat>});
  r.Register({op, tflite::TensorType_FLOAT32, tflite::TensorType_INT8, "reference-hybrid", Prepare<ConvPath::kHybrid>,
              ops::InvokeConvHybrid<kernels::ConvHybrid>});
  r.Register({op, tflite::TensorType_INT8, tflite::TensorType_INT8, "reference", Prepare<ConvPath::kInt8>,
              ops::InvokeConvInt8<kernels::ConvInt8>});
  r.Register({op, tflite::TensorType_INT16, tflite::TensorType_INT8, "reference", Prepare<ConvPath::kInt16>,
              ops::InvokeConvInt16<kernels::ConvInt16, kernels::ConvInt16>});
}

}  // namespace bsb::rt
