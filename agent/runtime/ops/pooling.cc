// AVERAGE_POOL_2D and MAX_POOL_2D glue: float32, int8, int16. Quantized outputs keep the
// input's scale and zero point (reference §2; the kernels copy or average raw values), so a
// model whose output quantization differs is rejected instead of silently mis-scaled.
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

Status Prepare(Context& ctx, Node& node, tflite::TensorType type) {
  if (Status s = CheckArity(ctx, node, 1, 1, 1); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  if (Status s = CheckType(ctx, node, input, type, "input"); s != Status::kOk) return s;
  if (Status s = CheckType(ctx, node, output, type, "output"); s != Status::kOk) return s;
  if (input->shape.rank != 4 || output->shape.rank != 4) {
    return ctx.Fail(node, Status::kMalformedModel, "input and output must be 4-D (ranks %d, %d)", static_cast<int>(input->shape.rank),
                    static_cast<int>(output->shape.rank));
  }
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
  const kernels::Shape in_shape = ops::KernelShape(input->shape);
  kernels::KernelStatus ks;
  if (type == tflite::TensorType_FLOAT32) {
    ks = kernels::PreparePoolFloat(options, in_shape, params);
  } else {
    if (Status s = CheckQuantized(ctx, node, input, "input"); s != Status::kOk) return s;
    if (Status s = CheckQuantized(ctx, node, output, "output"); s != Status::kOk) return s;
    if (input->quant.scale() != output->quant.scale() || input->quant.zero_point() != output->quant.zero_point()) {
      return ctx.Fail(node, Status::kUnsupported,
                      "output quantization (scale %g, zero point %d) differs from the input's (scale %g, zero point %d); pooling does not requantize",
                      static_cast<double>(output->quant.scale()), static_cast<int>(output->quant.zero_point()),
                      static_cast<double>(input->quant.scale()), static_cast<int>(input->quant.zero_point()));
    }
    ks = kernels::PreparePoolQuantized(ops::QuantTypeOf(type), options, in_shape, output->quant.scale(), output->quant.zero_point(), params);
  }
  if (Status s = FromKernel(ctx, node, ks, "pooling parameters"); s != Status::kOk) return s;
  const int32_t* od = output->shape.dims;
  const int32_t* id = input->shape.dims;
  if (od[0] != id[0] || od[1] != params->output_height || od[2] != params->output_width || od[3] != id[3]) {
    return ctx.Fail(node, Status::kMalformedModel, "output shape [%d, %d, %d, %d] differs from the computed [%d, %d, %d, %d]",
                    static_cast<int>(od[0]), static_cast<int>(od[1]), static_cast<int>(od[2]), static_cast<int>(od[3]),
                    static_cast<int>(id[0]), static_cast<int>(params->output_height), static_cast<int>(params->output_width),
                    static_cast<int>(id[3]));
  }
  return Status::kOk;
}

Status PrepareFloat(Context& ctx, Node& node) { return Prepare(ctx, node, tflite::TensorType_FLOAT32); }
Status PrepareInt8(Context& ctx, Node& node) { return Prepare(ctx, node, tflite::TensorType_INT8); }
Status PrepareInt16(Context& ctx, Node& node) { return Prepare(ctx, node, tflite::TensorType_INT16); }

// One invoke per (kind, type): the kernel signatures differ only in the element type.
template <typename T, void (*Kernel)(const kernels::PoolParams&, const kernels::Shape&, const T*, const kernels::Shape&, T*)>
Status Invoke(Context& ctx, const Node& node) {
  const auto* params = static_cast<const kernels::PoolParams*>(node.user_data);
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  Kernel(*params, ops::KernelShape(input->shape), input->As<T>(), ops::KernelShape(output->shape), output->As<T>());
  return Status::kOk;
}

}  // namespace

void RegisterPooling(KernelRegistry& r) {
  constexpr int32_t avg = tflite::BuiltinOperator_AVERAGE_POOL_2D;
  constexpr int32_t max = tflite::BuiltinOperator_MAX_POOL_2D;
  r.Register({avg, tflite::TensorType_FLOAT32, -1, "reference", PrepareFloat, Invoke<float, kernels::AveragePoolFloat>});
  r.Register({avg, tflite::TensorType_INT8, -1, "reference", PrepareInt8, Invoke<int8_t, kernels::AveragePoolInt8>});
  r.Register({avg, tflite::TensorType_INT16, -1, "reference", PrepareInt16, Invoke<int16_t, kernels::AveragePoolInt16>});
  r.Register({max, tflite::TensorType_FLOAT32, -1, "reference", PrepareFloat, Invoke<float, kernels::MaxPoolFloat>});
  r.Register({max, tflite::TensorType_INT8, -1, "reference", PrepareInt8, Invoke<int8_t, kernels::MaxPoolInt8>});
  r.Register({max, tflite::TensorType_INT16, -1, "reference", PrepareInt16, Invoke<int16_t, kernels::MaxPoolInt16>});
}

}  // namespace bsb::rt
