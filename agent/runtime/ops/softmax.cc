// SOFTMAX glue: float32, and int8 input with int8 (1/256, −128) or int16 (1/65536, −32768)
// output through TFLM's fixed-point path. Softmax runs over the innermost dimension.
// int16 → int16 uses TFLM's exp and 1/(1+x) lookup tables, generated once at Prepare into
// persistent arena memory (2 × 513 int16, as TFLM allocates them).
#include "agent/runtime/kernels/softmax.h"

#include "agent/runtime/op_registry.h"
#include "agent/runtime/ops/op_util.h"
#include "agent/runtime/ops/ops.h"

namespace bsb::rt {
namespace {

using ops::CheckArity;
using ops::CheckQuantized;
using ops::CheckSameShape;
using ops::CheckType;
using ops::FromKernel;

struct SoftmaxData {
  kernels::SoftmaxParams params;
  int32_t rows = 0;
  int32_t depth = 0;
  bool int16_output = false;
  kernels::SoftmaxInt16Luts* luts = nullptr;  // int16 input only
};

Status PrepareCommon(Context& ctx, Node& node, SoftmaxData** out, float* beta) {
  if (Status s = CheckArity(ctx, node, 1, 1, 1); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  if (input->shape.rank < 1) return ctx.Fail(node, Status::kMalformedModel, "input must have rank >= 1");
  if (Status s = CheckSameShape(ctx, node, input, output, "input and output"); s != Status::kOk) return s;
  const auto* options = node.options->builtin_options_as_SoftmaxOptions();
  *beta = options != nullptr ? options->beta() : 1.0f;
  if (!(*beta > 0.0f)) return ctx.Fail(node, Status::kMalformedModel, "beta %g must be positive", static_cast<double>(*beta));
  SoftmaxData* data = ctx.AllocateParams<SoftmaxData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->depth = input->shape.dims[input->shape.rank - 1];
  data->rows = data->depth > 0 ? static_cast<int32_t>(input->shape.FlatSize() / data->depth) : 0;
  node.user_data = data;
  *out = data;
  return Status::kOk;
}

Status PrepareFloat(Context& ctx, Node& node) {
  SoftmaxData* data = nullptr;
  float beta = 1.0f;
  if (Status s = PrepareCommon(ctx, node, &data, &beta); s != Status::kOk) return s;
  if (Status s = CheckType(ctx, node, ctx.Output(node, 0), tflite::TensorType_FLOAT32, "output"); s != Status::kOk) return s;
  return FromKernel(ctx, node, kernels::PrepareSoftmaxFloat(beta, &data->params), "float parameters");
}

Status InvokeFloat(Context& ctx, const Node& node) {
  const auto* data = static_cast<const SoftmaxData*>(node.user_data);
  kernels::SoftmaxFloat(data->params, data->rows, data->depth, ctx.Input(node, 0)->As<float>(), ctx.Output(node, 0)->As<float>());
  return Status::kOk;
}

Status PrepareInt8(Context& ctx, Node& node) {
  SoftmaxData* data = nullptr;
  float beta = 1.0f;
  if (Status s = PrepareCommon(ctx, node, &data, &beta); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  if (output->type != tflite::TensorType_INT8 && output->type != tflite::TensorType_INT16) {
    return ctx.Fail(node, Status::kUnsupported, "int8 input with %s output is not supported (int8 or int16 expected)", TypeName(output->type));
  }
  if (Status s = CheckQuantized(ctx, node, input, "input"); s != Status::kOk) return s;
  if (Status s = CheckQuantized(ctx, node, output, "output"); s != Status::kOk) return s;
  data->int16_output = output->type == tflite::TensorType_INT16;
  const kernels::KernelStatus ks = kernels::PrepareSoftmaxInt8(beta, input->quant.scale(), ops::QuantTypeOf(output->type),
                                                               output->quant.scale(), output->quant.zero_point(), &data->params);
  if (ks == kernels::KernelStatus::kBadParams) {
    return ctx.Fail(node, Status::kUnsupported,
                    "output quantization (scale %g, zero point %d) is not the required %s, or beta·input scale·2^26 <= 1",
                    static_cast<double>(output->quant.scale()), static_cast<int>(output->quant.zero_point()),
                    data->int16_output ? "(1/65536, -32768)" : "(1/256, -128)");
  }
  return FromKernel(ctx, node, ks, "int8 parameters");
}

Status InvokeInt8(Context& ctx, const Node& node) {
  const auto* data = static_cast<const SoftmaxData*>(node.user_data);
  const int8_t* input = ctx.Input(node, 0)->As<int8_t>();
  if (data->int16_output) {
    kernels::SoftmaxInt8ToInt16(data->params, data->rows, data->depth, input, ctx.Output(node, 0)->As<int16_t>());
  } else {
    kernels::SoftmaxInt8(data->params, data->rows, data->depth, input, ctx.Output(node, 0)->As<int8_t>());
  }
  return Status::kOk;
}

Status PrepareInt16(Context& ctx, Node& node) {
  SoftmaxData* data = nullptr;
  float beta = 1.0f;
  if (Status s = PrepareCommon(ctx, node, &data, &beta); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  if (Status s = CheckType(ctx, node, output, tflite::TensorType_INT16, "output"); s != Status::kOk) return s;
  if (Status s = CheckQuantized(ctx, node, input, "input"); s != Status::kOk) return s;
  if (Status s = CheckQuantized(ctx, node, output, "output"); s != Status::kOk) return s;
  data->luts = static_cast<kernels::SoftmaxInt16Luts*>(ctx.AllocatePersistent(sizeof(kernels::SoftmaxInt16Luts)));
  if (data->luts == nullptr) return Status::kArenaTooSmall;
  const kernels::KernelStatus ks = kernels::PrepareSoftmaxInt16(beta, input->quant.scale(), output->quant.scale(),
                                                                output->quant.zero_point(), &data->params, data->luts);
  if (ks == kernels::KernelStatus::kBadParams) {
    return ctx.Fail(node, Status::kUnsupported,
                    "output quantization (scale %g, zero point %d) is not the required (1/32768, 0), or beta·input scale is out of range",
                    static_cast<double>(output->quant.scale()), static_cast<int>(output->quant.zero_point()));
  }
  return FromKernel(ctx, node, ks, "int16 parameters");
}

Status InvokeInt16(Context& ctx, const Node& node) {
  const auto* data = static_cast<const SoftmaxData*>(node.user_data);
  kernels::SoftmaxInt16(data->params, *data->luts, data->rows, data->depth, ctx.Input(node, 0)->As<int16_t>(),
                        ctx.Output(node, 0)->As<int16_t>());
  return Status::kOk;
}

}  // namespace

void RegisterSoftmax(KernelRegistry& r) {
  constexpr int32_t op = tflite::BuiltinOperator_SOFTMAX;
  r.Register({op, tflite::TensorType_FLOAT32, -1, "reference", PrepareFloat, InvokeFloat});
  r.Register({op, tflite::TensorType_INT8, -1, "reference", PrepareInt8, InvokeInt8});
  r.Register({op, tflite::TensorType_INT16, -1, "reference", PrepareInt16, InvokeInt16});
}

}  // namespace bsb::rt
