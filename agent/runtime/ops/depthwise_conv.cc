// DEPTHWISE_CONV_2D glue: float32, int8 (per-channel along filter dimension 3), int16x8
// (int64 or int32 bias) and hybrid (float activations, int8 filter; TF Lite's
// EvalHybridPerChannel, reference §2). Filter [1, H, W, C_in·depth_multiplier].
#include "agent/runtime/kernels/depthwise_conv.h"

#include "agent/runtime/op_registry.h"
#include "agent/runtime/ops/conv_common.h"
#include "agent/runtime/ops/ops.h"

namespace bsb::rt {
namespace {

using ops::ConvData;
using ops::ConvPath;

template <ConvPath kPath>
Status Prepare(Context& ctx, Node& node) {
  const auto* o = node.options->builtin_options_as_DepthwiseConv2DOptions();
  if (o == nullptr) return ctx.Fail(node, Status::kMalformedModel, "has no DepthwiseConv2DOptions");
  if (Status s = ops::PrepareConvLike(ctx, node, kPath, ops::ConvOptionsFrom(*o, true), 3); s != Status::kOk) return s;
  // The option is informative (the filter shape decides); a contradicting value is a broken model.
  const auto* data = static_cast<const ConvData*>(node.user_data);
  if (o->depth_multiplier() > 0 && o->depth_multiplier() != data->params.depth_multiplier) {
    return ctx.Fail(node, Status::kMalformedModel, "depth_multiplier option %d contradicts the filter (%d output channels / %d input channels)",
                    static_cast<int>(o->depth_multiplier()), static_cast<int>(data->params.output_channels),
                    static_cast<int>(ctx.Input(node, 0)->shape.dims[3]));
  }
  return Status::kOk;
}

}  // namespace

void RegisterDepthwiseConv(KernelRegistry& r) {
  constexpr int32_t op = tflite::BuiltinOperator_DEPTHWISE_CONV_2D;
  r.Register({op, tflite::TensorType_FLOAT32, tflite::TensorType_FLOAT32, "reference", Prepare<ConvPath::kFloat>,
              ops::InvokeConvFloat<kernels::DepthwiseConvFloat>});
  r.Register({op, tflite::TensorType_FLOAT32, tflite::TensorType_INT8, "reference-hybrid", Prepare<ConvPath::kHybrid>,
              ops::InvokeConvHybrid<kernels::DepthwiseConvHybrid>});
  r.Register({op, tflite::TensorType_INT8, tflite::TensorType_INT8, "reference", Prepare<ConvPath::kInt8>,
              ops::InvokeConvInt8<kernels::DepthwiseConvInt8>});
  r.Register({op, tflite::TensorType_INT16, tflite::TensorType_INT8, "reference", Prepare<ConvPath::kInt16>,
              ops::InvokeConvInt16<kernels::DepthwiseConvInt16, kernels::DepthwiseConvInt16>});
}

}  // namespace bsb::rt
