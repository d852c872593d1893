// QUANTIZE (float → int8/int16, and requantization between int8, int16 and int32 as TFLM's
// quantize kernel does it) and DEQUANTIZE (int8/int16/int32 → float, and float16 → float).
// A float16 DEQUANTIZE of a constant runs once, at Prepare: its output becomes a constant in
// persistent arena memory, so the planner gives it no activation space and Invoke does nothing.
#include "agent/runtime/kernels/quantize.h"

#include "agent/runtime/op_registry.h"
#include "agent/runtime/ops/elem_util.h"
#include "agent/runtime/ops/op_util.h"
#include "agent/runtime/ops/ops.h"

namespace bsb::rt {
namespace {

using ops::CheckArity;
using ops::CheckQuantized;
using ops::CheckSameShape;
using ops::CheckType;
using ops::FromKernel;

struct QuantizeData {
  kernels::QuantizeParams params;
  int64_t count = 0;
};

// Arity, equal shapes, and per-tensor quantization of every integer side.
Status PrepareCommon(Context& ctx, Node& node, QuantizeData** out) {
  if (Status s = CheckArity(ctx, node, 1, 1, 1); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  if (Status s = CheckSameShape(ctx, node, input, output, "input and output"); s != Status::kOk) return s;
  for (const Tensor* t : {input, output}) {
    const char* what = t == input ? "input" : "output";
    if (t->type == tflite::TensorType_FLOAT32 || t->type == tflite::TensorType_FLOAT16) continue;
    if (Status s = CheckQuantized(ctx, node, t, what); s != Status::kOk) return s;
    if (t->quant.count != 1) {
      return ctx.Fail(node, Status::kUnsupported, "%s has %d scales; only per-tensor quantization is supported", what,
                      static_cast<int>(t->quant.count));
    }
  }
  QuantizeData* data = ctx.AllocateParams<QuantizeData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->count = input->shape.FlatSize();
  node.user_data = data;
  *out = data;
  return Status::kOk;
}

// ---- QUANTIZE ----

Status PrepareQuantizeFloat(Context& ctx, Node& node) {
  QuantizeData* data = nullptr;
  if (Status s = PrepareCommon(ctx, node, &data); s != Status::kOk) return s;
  const Tensor* output = ctx.Output(node, 0);
  if (output->type != tflite::TensorType_INT8 && output->type != tflite::TensorType_INT16) {
    return ctx.Fail(node, Status::kUnsupported, "FLOAT32 input with %s output is not supported (INT8 or INT16 expected)",
                    TypeName(output->type));
  }
  return FromKernel(ctx, node, kernels::PrepareQuantizeFromFloat(output->quant.scale(), output->quant.zero_point(), &data->params),
                    "quantize parameters");
}

Status InvokeQuantizeFloat(Context& ctx, const Node& node) {
  const auto* data = static_cast<const QuantizeData*>(node.user_data);
  const float* input = ctx.Input(node, 0)->As<float>();
  const Tensor* output = ctx.Output(node, 0);
  if (output->type == tflite::TensorType_INT8) {
    kernels::QuantizeFloatToInt8(data->params, data->count, input, output->As<int8_t>());
  } else {
    kernels::QuantizeFloatToInt16(data->params, data->count, input, output->As<int16_t>());
  }
  return Status::kOk;
}

Status PrepareRequantize(Context& ctx, Node& node) {
  QuantizeData* data = nullptr;
  if (Status s = PrepareCommon(ctx, node, &data); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  const bool out_ok = output->type == tflite::TensorType_INT8 || output->type == tflite::TensorType_INT16 ||
                      (output->type == tflite::TensorType_INT32 && input->type != tflite::TensorType_INT32);
  if (!out_ok) {
    return ctx.Fail(node, Status::kUnsupported, "requantizing %s to %s is not supported", TypeName(input->type), TypeName(output->type));
  }
  if (Status s = FromKernel(ctx, node,
                            kernels::PrepareRequantize(input->quant.scale(), input->quant.zero_point(), output->quant.scale(),
                                                       output->quant.zero_point(), &data->params),
                            "requantize parameters");
      s != Status::kOk) {
    return s;
  }
  return ops::CheckMultiplierShift(ctx, node, data->params.shift, "requantization");
}

template <typename In>
void RequantizeTo(const QuantizeData& data, const In* input, const Tensor* output) {
  switch (output->type) {
    case tflite::TensorType_INT8: kernels::Requantize(data.params, data.count, input, output->As<int8_t>()); break;
    case tflite::TensorType_INT16: kernels::Requantize(data.params, data.count, input, output->As<int16_t>()); break;
    default: break;
  }
}

Status InvokeRequantize(Context& ctx, const Node& node) {
  const auto& data = *static_cast<const QuantizeData*>(node.user_data);
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  switch (input->type) {
    case tflite::TensorType_INT8:
      if (output->type == tflite::TensorType_INT32) {
        kernels::Requantize(data.params, data.count, input->As<int8_t>(), output->As<int32_t>());
      } else {
        RequantizeTo(data, input->As<int8_t>(), output);
      }
      break;
    case tflite::TensorType_INT16:
      if (output->type == tflite::TensorType_INT32) {
        kernels::Requantize(data.params, data.count, input->As<int16_t>(), output->As<int32_t>());
      } else {
        RequantizeTo(data, input->As<int16_t>(), output);
      }
      break;
    case tflite::TensorType_INT32: RequantizeTo(data, input->As<int32_t>(), output); break;
    default: break;
  }
  return Status::kOk;
}

// ---- DEQUANTIZE ----

Status PrepareDequantize(Context& ctx, Node& node) {
  QuantizeData* data = nullptr;
  if (Status s = PrepareCommon(ctx, node, &data); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  if (Status s = CheckType(ctx, node, ctx.Output(node, 0), tflite::TensorType_FLOAT32, "output"); s != Status::kOk) return s;
  return FromKernel(ctx, node, kernels::PrepareDequantize(input->quant.scale(), input->quant.zero_point(), &data->params),
                    "dequantize parameters");
}

Status InvokeDequantize(Context& ctx, const Node& node) {
  const auto& data = *static_cast<const QuantizeData*>(node.user_data);
  const Tensor* input = ctx.Input(node, 0);
  float* output = ctx.Output(node, 0)->As<float>();
  switch (input->type) {
    case tflite::TensorType_INT8: kernels::Dequantize(data.params, data.count, input->As<int8_t>(), output); break;
    case tflite::TensorType_INT16: kernels::Dequantize(data.params, data.count, input->As<int16_t>(), output); break;
    case tflite::TensorType_INT32: kernels::Dequantize(data.params, data.count, input->As<int32_t>(), output); break;
    default: break;
  }
  return Status::kOk;
}

// float16 → float32. A constant input is converted here, once, into persistent memory that
// becomes the output's data; a non-constant one is converted at every Invoke.
Status PrepareDequantizeFloat16(Context& ctx, Node& node) {
  QuantizeData* data = nullptr;
  if (Status s = PrepareCommon(ctx, node, &data); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  Tensor* output = ctx.Output(node, 0);
  if (Status s = CheckType(ctx, node, output, tflite::TensorType_FLOAT32, "output"); s != Status::kOk) return s;
  if (!input->is_constant) return Status::kOk;
  if (output->is_constant) return ctx.Fail(node, Status::kMalformedModel, "output is a constant tensor");
  auto* folded = static_cast<float*>(ctx.AllocatePersistent(output->bytes));
  if (folded == nullptr) return Status::kArenaTooSmall;
  kernels::DequantizeFloat16(data->count, input->As<uint16_t>(), folded);
  output->data = reinterpret_cast<uint8_t*>(folded);
  output->is_constant = true;  // the planner leaves it where it is
  data->count = 0;             // Invoke has nothing left to do
  return Status::kOk;
}

Status InvokeDequantizeFloat16(Context& ctx, const Node& node) {
  const auto& data = *static_cast<const QuantizeData*>(node.user_data);
  if (data.count > 0) kernels::DequantizeFloat16(data.count, ctx.Input(node, 0)->As<uint16_t>(), ctx.Output(node, 0)->As<float>());
  return Status::kOk;
}

}  // namespace

void RegisterQuantize(KernelRegistry& r) {
  constexpr int32_t q = tflite::BuiltinOperator_QUANTIZE;
  r.Register({q, tflite::TensorType_FLOAT32, -1, "reference", PrepareQuantizeFloat, InvokeQuantizeFloat});
  for (tflite::TensorType t : {tflite::TensorType_INT8, tflite::TensorType_INT16, tflite::TensorType_INT32}) {
    r.Register({q, t, -1, "reference", PrepareRequantize, InvokeRequantize});
  }
  constexpr int32_t dq = tflite::BuiltinOperator_DEQUANTIZE;
  for (tflite::TensorType t : {tflite::TensorType_INT8, tflite::TensorType_INT16, tflite::TensorType_INT32}) {
    r.Register({dq, t, -1, "reference", PrepareDequantize, InvokeDequantize});
  }
  r.Register({dq, tflite::TensorType_FLOAT16, -1, "reference", PrepareDequantizeFloat16, InvokeDequantizeFloat16});
}

}  // namespace bsb::rt
