// SOFTMAX glue over the innermost dimension: float32, and int8 input with an int8 (1/256, −128)
// or int16 (1/65536, −32768) output as TFLite Micro does it. int16 input (the 16x8 scheme's
// SOFTMAX) has no kernel yet: Prepare reports it as an unsupported type.
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
  int32_t rows = 0, depth = 0;
};

Status PrepareCommon(Context& ctx, Node& node, SoftmaxData** out, float* beta) {
  if (Status s = CheckArity(ctx, node, 1, 1, 1); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  if (Status s = CheckSameShape(ctx, node, input, output, "input and output"); s != Status::kOk) return s;
  if (input->shape.rank < 1 || input->shape.dims[input->shape.rank - 1] <= 0) {
    return ctx.Fail(node, Status::kMalformedModel, "input needs a non-empty innermost dimension");
  }
  const auto* options = node.options->builtin_options_as_SoftmaxOptions();
  *beta = options != nullptr ? options->beta() : 1.0f;
  SoftmaxData* data = ctx.AllocateParams<SoftmaxData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->depth = input->shape.dims[input->shape.rank - 1];
  data->rows = static_cast<int32_t>(input->shape.FlatSize() / data->depth);
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
    return ctx.Fail(node, Status::kUnsupported, "output has type %s; int8 input needs an int8 or int16 output", TypeName(output->type));
  }
  if (Status s = CheckQuantized(ctx, node, input, "input"); s != Status::kOk) return s;
  if (Status s = CheckQuantized(ctx, node, output, "output"); s != Status::kOk) return s;
  const kernels::KernelStatus k = kernels::PrepareSoftmaxInt8(beta, input->quant.scale(), ops::QuantTypeOf(output->type),
                                                              output->quant.scale(), output->quant.zero_point(), &data->params);
  if (k == kernels::KernelStatus::kBadParams) {
    return ctx.Fail(node, Status::kMalformedModel,
                    "output quantization (s=%g, z=%d) must be (1/256, -128) for int8 or (1/65536, -32768) for int16, "
                    "and beta*s_in*2^26 > 1",
                    static_cast<double>(output->quant.scale()), static_cast<int>(output->quant.zero_point()));
  }
  return FromKernel(ctx, node, k, "int8 parameters");
}

Status InvokeInt8(Context& ctx, const Node& node) {
  const auto* data = static_cast<const SoftmaxData*>(node.user_data);
  const Tensor* output = ctx.Output(node, 0);
  if (output->type == tflite::TensorType_INT8) {
    kernels::SoftmaxInt8(data->params, data->rows, data->depth, ctx.Input(node, 0)->As<int8_t>(), output->As<int8_t>());
  } else {
    kernels::SoftmaxInt8ToInt16(data->params, data->rows, data->depth, ctx.Input(node, 0)->As<int8_t>(), output->As<int16_t>());
  }
  return Status::kOk;
}

}  // namespace

void RegisterSoftmax(KernelRegistry& r) {
  constexpr int32_t op = tflite::BuiltinOperator_SOFTMAX;
  r.Register({op, tflite::TensorType_FLOAT32, -1, "reference", PrepareFloat, InvokeFloat});
  r.Register({op, tflite::TensorType_INT8, -1, "reference", PrepareInt8, InvokeInt8});
}

}  // namespace bsb::rt
