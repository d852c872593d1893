// FULLY_CONNECTED glue: float32, int8, int16x8 and hybrid (float activations, int8 weights).
// Weights [O, D]; the input is viewed as [B, D] with B = output elements / O (micro_speech
// feeds a 4-D tensor).
#include "agent/runtime/kernels/fully_connected.h"

#include "agent/runtime/op_registry.h"
#include "agent/runtime/ops/op_util.h"
#include "agent/runtime/ops/ops.h"

namespace bsb::rt {
namespace {

using ops::CheckArity;
using ops::CheckQuantized;
using ops::CheckType;
using ops::FromKernel;

struct FcData {
  kernels::FullyConnectedParams params;
  kernels::FullyConnectedDims dims;
  bool bias_is_int32 = false;  // int16x8 with quantized_bias_type INT32
};

// Shape checks and options shared by every type; allocates the FcData.
Status PrepareCommon(Context& ctx, Node& node, tflite::TensorType act, tflite::TensorType weights_type, FcData** out,
                     kernels::Activation* activation) {
  if (Status s = CheckArity(ctx, node, 2, 3, 1); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* weights = ctx.Input(node, 1);
  const Tensor* output = ctx.Output(node, 0);
  if (Status s = CheckType(ctx, node, input, act, "input"); s != Status::kOk) return s;
  if (Status s = CheckType(ctx, node, weights, weights_type, "weights"); s != Status::kOk) return s;
  const tflite::TensorType out_type = act == tflite::TensorType_FLOAT32 ? tflite::TensorType_FLOAT32 : act;
  if (Status s = CheckType(ctx, node, output, out_type, "output"); s != Status::kOk) return s;
  const auto* options = node.options->builtin_options_as_FullyConnectedOptions();
  if (options != nullptr && options->weights_format() != tflite::FullyConnectedOptionsWeightsFormat_DEFAULT) {
    return ctx.Fail(node, Status::kUnsupported, "shuffled weights format is not supported");
  }
  *activation = ops::KernelActivation(options ? options->fused_activation_function() : tflite::ActivationFunctionType_NONE);
  if (weights->shape.rank != 2 || weights->shape.dims[0] <= 0 || weights->shape.dims[1] <= 0) {
    return ctx.Fail(node, Status::kMalformedModel, "weights must be [O, D] with O, D > 0");
  }
  const int32_t out_depth = weights->shape.dims[0];
  const int32_t in_depth = weights->shape.dims[1];
  const int64_t out_elems = output->shape.FlatSize();
  if (out_elems % out_depth != 0) return ctx.Fail(node, Status::kMalformedModel, "output size is not a multiple of O=%d", static_cast<int>(out_depth));
  const int64_t batches = out_elems / out_depth;
  if (input->shape.FlatSize() != batches * in_depth) {
    return ctx.Fail(node, Status::kMalformedModel, "input has %lld elements; %lld batches of D=%d expected",
                    static_cast<long long>(input->shape.FlatSize()), static_cast<long long>(batches), static_cast<int>(in_depth));
  }
  if (const Tensor* bias = ctx.Input(node, 2); bias != nullptr && bias->shape.FlatSize() != out_depth) {
    return ctx.Fail(node, Status::kMalformedModel, "bias has %lld elements; O=%d expected", static_cast<long long>(bias->shape.FlatSize()),
                    static_cast<int>(out_depth));
  }
  FcData* data = ctx.AllocateParams<FcData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->dims = {static_cast<int32_t>(batches), in_depth, out_depth};
  node.user_data = data;
  *out = data;
  return Status::kOk;
}

Status PrepareFloat(Context& ctx, Node& node) {
  FcData* data = nullptr;
  kernels::Activation act;
  if (Status s = PrepareCommon(ctx, node, tflite::TensorType_FLOAT32, tflite::TensorType_FLOAT32, &data, &act); s != Status::kOk) return s;
  if (const Tensor* bias = ctx.Input(node, 2)) {
    if (Status s = CheckType(ctx, node, bias, tflite::TensorType_FLOAT32, "bias"); s != Status::kOk) return s;
  }
  return FromKernel(ctx, node, kernels::PrepareFullyConnectedFloat(act, &data->params), "float parameters");
}

Status InvokeFloat(Context& ctx, const Node& node) {
  const auto* data = static_cast<const FcData*>(node.user_data);
  const Tensor* bias = ctx.Input(node, 2);
  kernels::FullyConnectedFloat(data->params, data->dims, ctx.Input(node, 0)->As<float>(), ctx.Input(node, 1)->As<float>(),
                               bias ? bias->As<float>() : nullptr, ctx.Output(node, 0)->As<float>());
  return Status::kOk;
}

Status PrepareHybrid(Context& ctx, Node& node) {
  FcData* data = nullptr;
  kernels::Activation act;
  if (Status s = PrepareCommon(ctx, node, tflite::TensorType_FLOAT32, tflite::TensorType_INT8, &data, &act); s != Status::kOk) return s;
  const Tensor* weights = ctx.Input(node, 1);
  if (Status s = CheckQuantized(ctx, node, weights, "weights"); s != Status::kOk) return s;
  if (const Tensor* bias = ctx.Input(node, 2)) {
    if (Status s = CheckType(ctx, node, bias, tflite::TensorType_FLOAT32, "bias"); s != Status::kOk) return s;
  }
  const auto* options = node.options->builtin_options_as_FullyConnectedOptions();
  const bool asymmetric = options != nullptr && options->asymmetric_quantize_inputs();
  if (Status s = FromKernel(ctx, node,
                            kernels::PrepareFullyConnectedHybrid(weights->quant.scales, weights->quant.count, asymmetric, act, &data->params),
                            "hybrid parameters");
      s != Status::kOk) {
    return s;
  }
  return ctx.RequestScratch(node, kernels::FullyConnectedHybridScratchBytes(data->dims));
}

Status InvokeHybrid(Context& ctx, const Node& node) {
  const auto* data = static_cast<const FcData*>(node.user_data);
  const Tensor* bias = ctx.Input(node, 2);
  kernels::FullyConnectedHybrid(data->params, data->dims, ctx.Input(node, 0)->As<float>(), ctx.Input(node, 1)->As<int8_t>(),
                                bias ? bias->As<float>() : nullptr, ctx.Scratch(node), ctx.Output(node, 0)->As<float>());
  return Status::kOk;
}

// int8 and int16x8 share the requantization set-up.
Status PrepareQuantized(Context& ctx, Node& node, tflite::TensorType act_type) {
  FcData* data = nullptr;
  kernels::Activation act;
  if (Status s = PrepareCommon(ctx, node, act_type, tflite::TensorType_INT8, &data, &act); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* weights = ctx.Input(node, 1);
  const Tensor* output = ctx.Output(node, 0);
  if (Status s = CheckQuantized(ctx, node, input, "input"); s != Status::kOk) return s;
  if (Status s = CheckQuantized(ctx, node, weights, "weights"); s != Status::kOk) return s;
  if (Status s = CheckQuantized(ctx, node, output, "output"); s != Status::kOk) return s;
  if (const Tensor* bias = ctx.Input(node, 2)) {
    const bool ok = act_type == tflite::TensorType_INT8
                        ? bias->type == tflite::TensorType_INT32
                        : (bias->type == tflite::TensorType_INT64 || bias->type == tflite::TensorType_INT32);
    if (!ok) return ctx.Fail(node, Status::kUnsupported, "bias type %s is not supported with %s activations", TypeName(bias->type), TypeName(act_type));
    data->bias_is_int32 = bias->type == tflite::TensorType_INT32;
  }
  const int32_t count = weights->quant.count;
  if (count != 1 && count != data->dims.output_depth) {
    return ctx.Fail(node, Status::kMalformedModel, "weights have %d scales; 1 or O=%d expected", static_cast<int>(count), static_cast<int>(data->dims.output_depth));
  }
  int32_t* multipliers = ops::AllocArray<int32_t>(ctx, count);
  int32_t* shifts = ops::AllocArray<int32_t>(ctx, count);
  if (multipliers == nullptr || shifts == nullptr) return Status::kArenaTooSmall;
  auto prepare = act_type == tflite::TensorType_INT8 ? kernels::PrepareFullyConnectedInt8 : kernels::PrepareFullyConnectedInt16;
  return FromKernel(ctx, node,
                    prepare(input->quant.scale(), input->quant.zero_point(), weights->quant.scales, count, weights->quant.zero_point(),
                            output->quant.scale(), output->quant.zero_point(), act, multipliers, shifts, &data->params),
                    "quantized parameters");
}

Status PrepareInt8(Context& ctx, Node& node) { return PrepareQuantized(ctx, node, tflite::TensorType_INT8); }
Status PrepareInt16(Context& ctx, Node& node) { return PrepareQuantized(ctx, node, tflite::TensorType_INT16); }

Status InvokeInt8(Context& ctx, const Node& node) {
  const auto* data = static_cast<const FcData*>(node.user_data);
  const Tensor* bias = ctx.Input(node, 2);
  kernels::FullyConnectedInt8(data->params, data->dims, ctx.Input(node, 0)->As<int8_t>(), ctx.Input(node, 1)->As<int8_t>(),
                              bias ? bias->As<int32_t>() : nullptr, ctx.Output(node, 0)->As<int8_t>());
  return Status::kOk;
}

Status InvokeInt16(Context& ctx, const Node& node) {
  const auto* data = static_cast<const FcData*>(node.user_data);
  const Tensor* bias = ctx.Input(node, 2);
  if (data->bias_is_int32) {
    kernels::FullyConnectedInt16(data->params, data->dims, ctx.Input(node, 0)->As<int16_t>(), ctx.Input(node, 1)->As<int8_t>(),
                                 bias->As<int32_t>(), ctx.Output(node, 0)->As<int16_t>());
  } else {
    kernels::FullyConnectedInt16(data->params, data->dims, ctx.Input(node, 0)->As<int16_t>(), ctx.Input(node, 1)->As<int8_t>(),
                                 bias ? bias->As<int64_t>() : nullptr, ctx.Output(node, 0)->As<int16_t>());
  }
  return Status::kOk;
}

}  // namespace

void RegisterFullyConnected(KernelRegistry& r) {
  constexpr int32_t op = tflite::BuiltinOperator_FULLY_CONNECTED;
  r.Register({op, tflite::TensorType_FLOAT32, tflite::TensorType_FLOAT32, "reference", PrepareFloat, InvokeFloat});
  r.Register({op, tflite::TensorType_FLOAT32, tflite::TensorType_INT8, "reference-hybrid", PrepareHybrid, InvokeHybrid});
  r.Register({op, tflite::TensorType_INT8, tflite::TensorType_INT8, "reference", PrepareInt8, InvokeInt8});
  r.Register({op, tflite::TensorType_INT16, tflite::TensorType_INT8, "reference", PrepareInt16, InvokeInt16});
}

}  // namespace bsb::rt
