// MAX_POOL_2D and AVERAGE_POOL_2D glue: float32, int8, int16. Quantized outputs must carry
// the input's scale and zero point (no requantization, as TFLite requires).
#include "agent/runtime/kernels/pooling.h"

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

Status Prepare(Context& ctx, Node& node) {
  if (Status s = CheckArity(ctx, node, 1, 1, 1); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  if (Status s = CheckType(ctx, node, output, input->type, "output"); s != Status::kOk) return s;
  if (input->shape.rank != 4 || output->shape.rank != 4) return ctx.Fail(node, Status::kMalformedModel, "input and output must be 4-D");
  const auto* o = node.options->builtin_options_as_Pool2DOptions();
  if (o == nullptr) return ctx.Fail(node, Status::kMalformedModel, "has no Pool2DOptions");
  kernels::PoolOptions options;
  options.padding = ops::KernelPadding(o->padding());
  options.stride_h = o->stride_h();
  options.stride_w = o->stride_w();
  options.filter_h = o->filter_height();
  options.filter_w = o->filter_width();
  options.activation = ops::KernelActivation(o->fused_activation_function());
  auto* params = ctx.AllocateParams<kernels::PoolParams>();
  if (params == nullptr) return Status::kArenaTooSmall;
  node.user_data = params;
  kernels::KernelStatus k;
  if (input->type == tflite::TensorType_FLOAT32) {
    k = kernels::PreparePoolFloat(options, KernelShape(input->shape), params);
  } else {
    if (Status s = CheckQuantized(ctx, node, input, "input"); s != Status::kOk) return s;
    if (Status s = CheckQuantized(ctx, node, output, "output"); s != Status::kOk) return s;
    if (input->quant.scale() != output->quant.scale() || input->quant.zero_point() != output->quant.zero_point()) {
      return ctx.Fail(node, Status::kMalformedModel, "output quantization differs from the input's");
    }
    k = kernels::PreparePoolQuantized(ops::QuantTypeOf(input->type), options, KernelShape(input->shape), output->quant.scale(),
                                      output->quant.zero_point(), params);
  }
  if (Status s = FromKernel(ctx, node, k, "pool parameters"); s != Status::kOk) return s;
  if (output->shape.dims[0] != input->shape.dims[0] || output->shape.dims[1] != params->output_height ||
      output->shape.dims[2] != params->output_width || output->shape.dims[3] != input->shape.dims[3]) {
    return ctx.Fail(node, Status::kMalformedModel, "output shape differs from the computed [%d,%d,%d,%d]",
                    static_cast<int>(input->shape.dims[0]), static_cast<int>(params->output_height),
                    static_cast<int>(params->output_width), static_cast<int>(input->shape.dims[3]));
  }
  return Status::kOk;
}

Status InvokeMax(Context& ctx, const Node& node) {
  const auto* p = static_cast<const kernels::PoolParams*>(node.user_data);
  const Tensor* in = ctx.Input(node, 0);
  const Tensor* out = ctx.Output(node, 0);
  const kernels::Shape is = KernelShape(in->shape), os = KernelShape(out->shape);
  switch (in->type) {
    case tflite::TensorType_FLOAT32: kernels::MaxPoolFloat(*p, is, in->As<float>(), os, out->As<float>()); break;
    case tflite::TensorType_INT8: kernels::MaxPoolInt8(*p, is, in->As<int8_t>(), os, out->As<int8_t>()); break;
    default: kernels::MaxPoolInt16(*p, is, in->As<int16_t>(), os, out->As<int16_t>()); break;
  }
  return Status::kOk;
}

Status InvokeAverage(Context& ctx, const Node& node) {
  const auto* p = static_cast<const kernels::PoolParams*>(node.user_data);
  const Tensor* in = ctx.Input(node, 0);
  const Tensor* out = ctx.Output(node, 0);
  const kernels::Shape is = KernelShape(in->shape), os = KernelShape(out->shape);
  switch (in->type) {
    case tflite::TensorType_FLOAT32: kernels::AveragePoolFloat(*p, is, in->As<float>(), os, out->As<float>()); break;
    case tflite::TensorType_INT8: kernels::AveragePoolInt8(*p, is, in->As<int8_t>(), os, out->As<int8_t>()); break;
    default: kernels::AveragePoolInt16(*p, is, in->As<int16_t>(), os, out->As<int16_t>()); break;
  }
  return Status::kOk;
}

}  // namespace

void RegisterPooling(KernelRegistry& r) {
  for (tflite::TensorType t : {tflite::TensorType_FLOAT32, tflite::TensorType_INT8, tflite::TensorType_INT16}) {
    r.Register({tflite::BuiltinOperator_MAX_POOL_2D, t, -1, "reference", Prepare, InvokeMax});
    r.Register({tflite::BuiltinOperator_AVERAGE_POOL_2D, t, -1, "reference", Prepare, InvokeAverage});
  }
}

}  // namespace bsb::rt
