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

Status Prepare(Context& ctx, Node& node, ConvPath path) {
  const auto* o = node.options->builtin_options_as_DepthwiseConv2DOptions();
  if (o == nullptr) return ctx.Fail(node, Status::kMalformedModel, "has no DepthwiseConv2DOptions");
  kernels::ConvOptions options;
  options.padding = ops::KernelPadding(o->padding());
  options.stride_h = o->stride_h();
  options.stride_w = o->stride_w();
  options.dilation_h = o->dilation_h_factor();
  options.dilation_w = o->dilation_w_factor();
  options.activation = ops::KernelActivation(o->fused_activation_function());
  options.depthwise = true;
  if (Status s = ops::PrepareConvLike(ctx, node, path, options, 3); s != Status::kOk) return s;
  // The option is informative (the filter shape decides); a contradicting value is a broken model.
  const auto* data = static_cast<const ConvData*>(node.user_data);
  if (o->depth_multiplier() > 0 && o->depth_multiplier() != data->params.depth_multiplier) {
    return ctx.Fail(node, Status::kMalformedModel, "depth_multiplier option %d contradicts the filter (%d output channels / %d input channels)",
                    static_cast<int>(o->depth_multiplier()), static_cast<int>(data->params.output_channels),
                    static_cast<int>(ctx.Input(node, 0)->shape.dims[3]));
  }
  return Status::kOk;
}

Status PrepareFloat(Context& ctx, Node& node) { return Prepare(ctx, node, ConvPath::kFloat); }
Status PrepareInt8(Context& ctx, Node& node) { return Prepare(ctx, node, ConvPath::kInt8); }
Status PrepareInt16(Context& ctx, Node& node) { return Prepare(ctx, node, ConvPath::kInt16); }
Status PrepareHybrid(Context& ctx, Node& node) { return Prepare(ctx, node, ConvPath::kHybrid); }

Status InvokeFloat(Context& ctx, const Node& node) {
  const auto* data = static_cast<const ConvData*>(node.user_data);
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* filter = ctx.Input(node, 1);
  const Tensor* bias = ctx.Input(node, 2);
  const Tensor* output = ctx.Output(node, 0);
  kernels::DepthwiseConvFloat(data->params, ops::KernelShape(input->shape), input->As<float>(), ops::KernelShape(filter->shape),
                              filter->As<float>(), bias ? bias->As<float>() : nullptr, ops::KernelShape(output->shape),
                              output->As<float>());
  return Status::kOk;
}

Status InvokeInt8(Context& ctx, const Node& node) {
  const auto* data = static_cast<const ConvData*>(node.user_data);
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* filter = ctx.Input(node, 1);
  const Tensor* bias = ctx.Input(node, 2);
  const Tensor* output = ctx.Output(node, 0);
  kernels::DepthwiseConvInt8(data->params, ops::KernelShape(input->shape), input->As<int8_t>(), ops::KernelShape(filter->shape),
                             filter->As<int8_t>(), bias ? bias->As<int32_t>() : nullptr, ops::KernelShape(output->shape),
                             output->As<int8_t>());
  return Status::kOk;
}

Status InvokeInt16(Context& ctx, const Node& node) {
  const auto* data = static_cast<const ConvData*>(node.user_data);
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* filter = ctx.Input(node, 1);
  const Tensor* bias = ctx.Input(node, 2);
  const Tensor* output = ctx.Output(node, 0);
  if (data->bias_is_int32) {
    kernels::DepthwiseConvInt16(data->params, ops::KernelShape(input->shape), input->As<int16_t>(), ops::KernelShape(filter->shape),
                                filter->As<int8_t>(), bias->As<int32_t>(), ops::KernelShape(output->shape), output->As<int16_t>());
  } else {
    kernels::DepthwiseConvInt16(data->params, ops::KernelShape(input->shape), input->As<int16_t>(), ops::KernelShape(filter->shape),
                                filter->As<int8_t>(), bias ? bias->As<int64_t>() : nullptr, ops::KernelShape(output->shape),
                                output->As<int16_t>());
  }
  return Status::kOk;
}

Status InvokeHybrid(Context& ctx, const Node& node) {
  const auto* data = static_cast<const ConvData*>(node.user_data);
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* filter = ctx.Input(node, 1);
  const Tensor* bias = ctx.Input(node, 2);
  const Tensor* output = ctx.Output(node, 0);
  kernels::DepthwiseConvHybrid(data->params, ops::KernelShape(input->shape), input->As<float>(), ops::KernelShape(filter->shape),
                               filter->As<int8_t>(), bias ? bias->As<float>() : nullptr, ops::KernelShape(output->shape),
                               ctx.Scratch(node), output->As<float>());
  return Status::kOk;
}

}  // namespace

void RegisterDepthwiseConv(KernelRegistry& r) {
  constexpr int32_t op = tflite::BuiltinOperator_DEPTHWISE_CONV_2D;
  r.Register({op, tflite::TensorType_FLOAT32, tflite::TensorType_FLOAT32, "reference", PrepareFloat, InvokeFloat});
  r.Register({op, tflite::TensorType_FLOAT32, tflite::TensorType_INT8, "reference-hybrid", PrepareHybrid, InvokeHybrid});
  r.Register({op, tflite::TensorType_INT8, tflite::TensorType_INT8, "reference", PrepareInt8, InvokeInt8});
  r.Register({op, tflite::TensorType_INT16, tflite::TensorType_INT8, "reference", PrepareInt16, InvokeInt16});
}

}  // namespace bsb::rt
