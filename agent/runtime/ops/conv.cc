// CONV_2D glue: float32, int8 (per-channel or per-tensor weights), int16x8 (int64 or int32
// bias) and hybrid (float activations, int8 weights). Input NHWC, filter [O, KH, KW, I].
#include "agent/runtime/kernels/conv.h"

#include "agent/runtime/op_registry.h"
#include "agent/runtime/ops/op_util.h"
#include "agent/runtime/ops/ops.h"

namespace bsb::rt {
namespace {

using ops::CheckArity;
using ops::CheckQuantized;
using ops::CheckType;
using ops::FromKernel;
using ops::KernelShape;

struct ConvData {
  kernels::ConvParams params;
  bool bias_is_int32 = false;  // int16x8 with an int32 bias
};

// Arity, types, options and the output shape; fills `options`, allocates the ConvData.
Status PrepareCommon(Context& ctx, Node& node, tflite::TensorType act, tflite::TensorType weights_type, ConvData** out,
                     kernels::ConvOptions* options) {
  if (Status s = CheckArity(ctx, node, 2, 3, 1); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* filter = ctx.Input(node, 1);
  const Tensor* output = ctx.Output(node, 0);
  if (Status s = CheckType(ctx, node, input, act, "input"); s != Status::kOk) return s;
  if (Status s = CheckType(ctx, node, filter, weights_type, "filter"); s != Status::kOk) return s;
  if (Status s = CheckType(ctx, node, output, act, "output"); s != Status::kOk) return s;
  if (input->shape.rank != 4 || filter->shape.rank != 4 || output->shape.rank != 4) {
    return ctx.Fail(node, Status::kMalformedModel, "input, filter and output must be 4-D");
  }
  const auto* o = node.options->builtin_options_as_Conv2DOptions();
  if (o == nullptr) return ctx.Fail(node, Status::kMalformedModel, "has no Conv2DOptions");
  options->padding = ops::KernelPadding(o->padding());
  options->stride_h = o->stride_h();
  options->stride_w = o->stride_w();
  options->dilation_h = o->dilation_h_factor();
  options->dilation_w = o->dilation_w_factor();
  options->activation = ops::KernelActivation(o->fused_activation_function());
  options->depthwise = false;
  if (const Tensor* bias = ctx.Input(node, 2); bias != nullptr && bias->shape.FlatSize() != filter->shape.dims[0]) {
    return ctx.Fail(node, Status::kMalformedModel, "bias has %lld elements; O=%d expected", static_cast<long long>(bias->shape.FlatSize()),
                    static_cast<int>(filter->shape.dims[0]));
  }
  ConvData* data = ctx.AllocateParams<ConvData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  node.user_data = data;
  *out = data;
  return Status::kOk;
}

// After the kernel's Prepare: the declared output shape must be the computed one.
Status CheckOutputShape(Context& ctx, const Node& node, const ConvData* data) {
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  const kernels::ConvParams& p = data->params;
  if (output->shape.dims[0] != input->shape.dims[0] || output->shape.dims[1] != p.output_height ||
      output->shape.dims[2] != p.output_width || output->shape.dims[3] != p.output_channels) {
    return ctx.Fail(node, Status::kMalformedModel, "output shape [%d,%d,%d,%d] differs from the computed [%d,%d,%d,%d]",
                    static_cast<int>(output->shape.dims[0]), static_cast<int>(output->shape.dims[1]),
                    static_cast<int>(output->shape.dims[2]), static_cast<int>(output->shape.dims[3]),
                    static_cast<int>(input->shape.dims[0]), static_cast<int>(p.output_height), static_cast<int>(p.output_width),
                    static_cast<int>(p.output_channels));
  }
  return Status::kOk;
}

Status PrepareFloat(Context& ctx, Node& node) {
  ConvData* data = nullptr;
  kernels::ConvOptions options;
  if (Status s = PrepareCommon(ctx, node, tflite::TensorType_FLOAT32, tflite::TensorType_FLOAT32, &data, &options); s != Status::kOk) return s;
  if (const Tensor* bias = ctx.Input(node, 2)) {
    if (Status s = CheckType(ctx, node, bias, tflite::TensorType_FLOAT32, "bias"); s != Status::kOk) return s;
  }
  if (Status s = FromKernel(ctx, node,
                            kernels::PrepareConvFloat(options, KernelShape(ctx.Input(node, 0)->shape), KernelShape(ctx.Input(node, 1)->shape),
                                                      &data->params),
                            "float parameters");
      s != Status::kOk) {
    return s;
  }
  return CheckOutputShape(ctx, node, data);
}

Status InvokeFloat(Context& ctx, const Node& node) {
  const auto* d = static_cast<const ConvData*>(node.user_data);
  const Tensor* in = ctx.Input(node, 0);
  const Tensor* f = ctx.Input(node, 1);
  const Tensor* b = ctx.Input(node, 2);
  const Tensor* out = ctx.Output(node, 0);
  kernels::ConvFloat(d->params, KernelShape(in->shape), in->As<float>(), KernelShape(f->shape), f->As<float>(),
                     b ? b->As<float>() : nullptr, KernelShape(out->shape), out->As<float>());
  return Status::kOk;
}

Status PrepareHybrid(Context& ctx, Node& node) {
  ConvData* data = nullptr;
  kernels::ConvOptions options;
  if (Status s = PrepareCommon(ctx, node, tflite::TensorType_FLOAT32, tflite::TensorType_INT8, &data, &options); s != Status::kOk) return s;
  const Tensor* filter = ctx.Input(node, 1);
  if (Status s = CheckQuantized(ctx, node, filter, "filter"); s != Status::kOk) return s;
  if (const Tensor* bias = ctx.Input(node, 2)) {
    if (Status s = CheckType(ctx, node, bias, tflite::TensorType_FLOAT32, "bias"); s != Status::kOk) return s;
  }
  const kernels::Shape in_shape = KernelShape(ctx.Input(node, 0)->shape);
  if (Status s = FromKernel(ctx, node,
                            kernels::PrepareConvHybrid(options, in_shape, KernelShape(filter->shape), filter->quant.scales,
                                                       filter->quant.count, &data->params),
                            "hybrid parameters");
      s != Status::kOk) {
    return s;
  }
  if (Status s = CheckOutputShape(ctx, node, data); s != Status::kOk) return s;
  return ctx.RequestScratch(node, kernels::ConvHybridScratchBytes(in_shape));
}

Status InvokeHybrid(Context& ctx, const Node& node) {
  const auto* d = static_cast<const ConvData*>(node.user_data);
  const Tensor* in = ctx.Input(node, 0);
  const Tensor* f = ctx.Input(node, 1);
  const Tensor* b = ctx.Input(node, 2);
  const Tensor* out = ctx.Output(node, 0);
  kernels::ConvHybrid(d->params, KernelShape(in->shape), in->As<float>(), KernelShape(f->shape), f->As<int8_t>(),
                      b ? b->As<float>() : nullptr, KernelShape(out->shape), ctx.Scratch(node), out->As<float>());
  return Status::kOk;
}

Status PrepareQuantized(Context& ctx, Node& node, tflite::TensorType act) {
  ConvData* data = nullptr;
  kernels::ConvOptions options;
  if (Status s = PrepareCommon(ctx, node, act, tflite::TensorType_INT8, &data, &options); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* filter = ctx.Input(node, 1);
  const Tensor* output = ctx.Output(node, 0);
  if (Status s = CheckQuantized(ctx, node, input, "input"); s != Status::kOk) return s;
  if (Status s = CheckQuantized(ctx, node, filter, "filter"); s != Status::kOk) return s;
  if (Status s = CheckQuantized(ctx, node, output, "output"); s != Status::kOk) return s;
  if (const Tensor* bias = ctx.Input(node, 2)) {
    const bool ok = act == tflite::TensorType_INT8 ? bias->type == tflite::TensorType_INT32
                                                   : (bias->type == tflite::TensorType_INT64 || bias->type == tflite::TensorType_INT32);
    if (!ok) return ctx.Fail(node, Status::kUnsupported, "bias type %s is not supported with %s activations", TypeName(bias->type), TypeName(act));
    data->bias_is_int32 = bias->type == tflite::TensorType_INT32;
  }
  const int32_t channels = filter->shape.dims[0];
  if (filter->quant.count != 1 && filter->quant.count != channels) {
    return ctx.Fail(node, Status::kMalformedModel, "filter has %d scales; 1 or O=%d expected", static_cast<int>(filter->quant.count),
                    static_cast<int>(channels));
  }
  if (filter->quant.count > 1 && filter->quant.quantized_dimension != 0) {
    return ctx.Fail(node, Status::kMalformedModel, "per-channel filter must be quantized along dimension 0, not %d",
                    static_cast<int>(filter->quant.quantized_dimension));
  }
  int32_t* multipliers = ops::AllocArray<int32_t>(ctx, channels);
  int32_t* shifts = ops::AllocArray<int32_t>(ctx, channels);
  if (multipliers == nullptr || shifts == nullptr) return Status::kArenaTooSmall;
  auto prepare = act == tflite::TensorType_INT8 ? kernels::PrepareConvInt8 : kernels::PrepareConvInt16;
  if (Status s = FromKernel(ctx, node,
                            prepare(options, KernelShape(input->shape), KernelShape(filter->shape), input->quant.scale(),
                                    input->quant.zero_point(), filter->quant.scales, filter->quant.count, output->quant.scale(),
                                    output->quant.zero_point(), multipliers, shifts, &data->params),
                            "quantized parameters");
      s != Status::kOk) {
    return s;
  }
  return CheckOutputShape(ctx, node, data);
}

Status PrepareInt8(Context& ctx, Node& node) { return PrepareQuantized(ctx, node, tflite::TensorType_INT8); }
Status PrepareInt16(Context& ctx, Node& node) { return PrepareQuantized(ctx, node, tflite::TensorType_INT16); }

Status InvokeInt8(Context& ctx, const Node& node) {
  const auto* d = static_cast<const ConvData*>(node.user_data);
  const Tensor* in = ctx.Input(node, 0);
  const Tensor* f = ctx.Input(node, 1);
  const Tensor* b = ctx.Input(node, 2);
  const Tensor* out = ctx.Output(node, 0);
  kernels::ConvInt8(d->params, KernelShape(in->shape), in->As<int8_t>(), KernelShape(f->shape), f->As<int8_t>(),
                    b ? b->As<int32_t>() : nullptr, KernelShape(out->shape), out->As<int8_t>());
  return Status::kOk;
}

Status InvokeInt16(Context& ctx, const Node& node) {
  const auto* d = static_cast<const ConvData*>(node.user_data);
  const Tensor* in = ctx.Input(node, 0);
  const Tensor* f = ctx.Input(node, 1);
  const Tensor* b = ctx.Input(node, 2);
  const Tensor* out = ctx.Output(node, 0);
  if (d->bias_is_int32) {
    kernels::ConvInt16(d->params, KernelShape(in->shape), in->As<int16_t>(), KernelShape(f->shape), f->As<int8_t>(), b->As<int32_t>(),
                       KernelShape(out->shape), out->As<int16_t>());
  } else {
    kernels::ConvInt16(d->params, KernelShape(in->shape), in->As<int16_t>(), KernelShape(f->shape), f->As<int8_t>(),
                       b ? b->As<int64_t>() : nullptr, KernelShape(out->shape), out->As<int16_t>());
  }
  return Status::kOk;
}

}  // namespace

void RegisterConv(KernelRegistry& r) {
  constexpr int32_t op = tflite::BuiltinOperator_CONV_2D;
  r.Register({op, tflite::TensorType_FLOAT32, tflite::TensorType_FLOAT32, "reference", PrepareFloat, InvokeFloat});
  r.Register({op, tflite::TensorType_FLOAT32, tflite::TensorType_INT8, "reference-hybrid", PrepareHybrid, InvokeHybrid});
  r.Register({op, tflite::TensorType_INT8, tflite::TensorType_INT8, "reference", PrepareInt8, InvokeInt8});
  r.Register({op, tflite::TensorType_INT16, tflite::TensorType_INT8, "reference", PrepareInt16, InvokeInt16});
}

}  // namespace bsb::rt
