// QUANTIZE (float32 → int8/int16, and int8/int16 requantization) and DEQUANTIZE (int8, int16,
// float16 → float32) glue. A float16 constant feeding DEQUANTIZE is converted on every Invoke.
#include "agent/runtime/kernels/quantize.h"

#include "agent/runtime/op_registry.h"
#include "agent/runtime/ops/op_util.h"
#include "agent/runtime/ops/ops.h"

namespace bsb::rt {
namespace {

using ops::CheckArity;
using ops::CheckQuantized;
using ops::CheckType;
using ops::FromKernel;

struct QuantizeData {
  kernels::QuantizeParams params;
  int64_t count = 0;
};

Status PrepareCommon(Context& ctx, Node& node, QuantizeData** out) {
  if (Status s = CheckArity(ctx, node, 1, 1, 1); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  if (input->shape.FlatSize() != output->shape.FlatSize()) {
    return ctx.Fail(node, Status::kMalformedModel, "input has %lld elements, output %lld",
                    static_cast<long long>(input->shape.FlatSize()), static_cast<long long>(output->shape.FlatSize()));
  }
  QuantizeData* data = ctx.AllocateParams<QuantizeData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->count = output->shape.FlatSize();
  node.user_data = data;
  *out = data;
  return Status::kOk;
}

bool IsIntegerActivation(tflite::TensorType t) { return t == tflite::TensorType_INT8 || t == tflite::TensorType_INT16; }

Status PrepareQuantize(Context& ctx, Node& node) {
  QuantizeData* data = nullptr;
  if (Status s = PrepareCommon(ctx, node, &data); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  if (!IsIntegerActivation(output->type)) {
    return ctx.Fail(node, Status::kUnsupported, "output has type %s; int8 or int16 expected", TypeName(output->type));
  }
  if (Status s = CheckQuantized(ctx, node, output, "output"); s != Status::kOk) return s;
  if (input->type == tflite::TensorType_FLOAT32) {
    return FromKernel(ctx, node, kernels::PrepareQuantizeFromFloat(output->quant.scale(), output->quant.zero_point(), &data->params),
                      "quantize parameters");
  }
  if (Status s = CheckQuantized(ctx, node, input, "input"); s != Status::kOk) return s;
  return FromKernel(ctx, node,
                    kernels::PrepareRequantize(input->quant.scale(), input->quant.zero_point(), output->quant.scale(),
                                               output->quant.zero_point(), &data->params),
                    "requantize parameters");
}

Status InvokeQuantize(Context& ctx, const Node& node) {
  const auto* d = static_cast<const QuantizeData*>(node.user_data);
  const Tensor* in = ctx.Input(node, 0);
  const Tensor* out = ctx.Output(node, 0);
  const bool out8 = out->type == tflite::TensorType_INT8;
  switch (in->type) {
    case tflite::TensorType_FLOAT32:
      if (out8) kernels::QuantizeFloatToInt8(d->params, d->count, in->As<float>(), out->As<int8_t>());
      else kernels::QuantizeFloatToInt16(d->params, d->count, in->As<float>(), out->As<int16_t>());
      break;
    case tflite::TensorType_INT8:
      if (out8) kernels::Requantize(d->params, d->count, in->As<int8_t>(), out->As<int8_t>());
      else kernels::Requantize(d->params, d->count, in->As<int8_t>(), out->As<int16_t>());
      break;
    default:
      if (out8) kernels::Requantize(d->params, d->count, in->As<int16_t>(), out->As<int8_t>());
      else kernels::Requantize(d->params, d->count, in->As<int16_t>(), out->As<int16_t>());
      break;
  }
  return Status::kOk;
}

Status PrepareDequantize(Context& ctx, Node& node) {
  QuantizeData* data = nullptr;
  if (Status s = PrepareCommon(ctx, node, &data); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  if (Status s = CheckType(ctx, node, ctx.Output(node, 0), tflite::TensorType_FLOAT32, "output"); s != Status::kOk) return s;
  if (input->type == tflite::TensorType_FLOAT16) return Status::kOk;
  if (Status s = CheckQuantized(ctx, node, input, "input"); s != Status::kOk) return s;
  return FromKernel(ctx, node, kernels::PrepareDequantize(input->quant.scale(), input->quant.zero_point(), &data->params),
                    "dequantize parameters");
}

Status InvokeDequantize(Context& ctx, const Node& node) {
  const auto* d = static_cast<const QuantizeData*>(node.user_data);
  const Tensor* in = ctx.Input(node, 0);
  float* out = ctx.Output(node, 0)->As<float>();
  switch (in->type) {
    case tflite::TensorType_FLOAT16: kernels::DequantizeFloat16(d->count, in->As<uint16_t>(), out); break;
    case tflite::TensorType_INT8: kernels::Dequantize(d->params, d->count, in->As<int8_t>(), out); break;
    default: kernels::Dequantize(d->params, d->count, in->As<int16_t>(), out); break;
  }
  return Status::kOk;
}

}  // namespace

void RegisterQuantize(KernelRegistry& r) {
  for (tflite::TensorType in : {tflite::TensorType_FLOAT32, tflite::TensorType_INT8, tflite::TensorType_INT16}) {
    r.Register({tflite::BuiltinOperator_QUANTIZE, in, -1, "reference", PrepareQuantize, InvokeQuantize});
  }
  for (tflite::TensorType in : {tflite::TensorType_INT8, tflite::TensorType_INT16, tflite::TensorType_FLOAT16}) {
    r.Register({tflite::BuiltinOperator_DEQUANTIZE, in, -1, "reference", PrepareDequantize, InvokeDequantize});
  }
}

}  // namespace bsb::rt
