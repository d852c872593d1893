// Standalone activation operators: RELU, RELU6 (float32, int8, int16), LOGISTIC and TANH
// (float32, int8, int16), HARD_SWISH (float32, int8). Input and output shapes must match;
// quantized parameters are precomputed at Prepare, and int16 LOGISTIC/TANH build their
// 256-entry sigmoid table in persistent arena memory there.
#include "agent/runtime/kernels/nonlinear.h"

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

struct ActivationData {
  int64_t count = 0;
  kernels::ReluParams relu;
  kernels::SigmoidParams sigmoid;
  kernels::HardSwishParams hard_swish;
  kernels::SigmoidInt16Params sigmoid16;
  uint16_t* sigmoid_table = nullptr;  // int16 LOGISTIC/TANH
};

// Arity, same type and shape in and out, per-tensor quantization for integer types.
Status PrepareCommon(Context& ctx, Node& node, ActivationData** out) {
  if (Status s = CheckArity(ctx, node, 1, 1, 1); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  if (Status s = CheckType(ctx, node, output, input->type, "output"); s != Status::kOk) return s;
  if (Status s = CheckSameShape(ctx, node, input, output, "input and output"); s != Status::kOk) return s;
  if (input->type != tflite::TensorType_FLOAT32) {
    for (const Tensor* t : {input, output}) {
      const char* what = t == input ? "input" : "output";
      if (Status s = CheckQuantized(ctx, node, t, what); s != Status::kOk) return s;
      if (t->quant.count != 1) return ctx.Fail(node, Status::kUnsupported, "%s is quantized per channel; per-tensor expected", what);
    }
  }
  ActivationData* data = ctx.AllocateParams<ActivationData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->count = input->shape.FlatSize();
  node.user_data = data;
  *out = data;
  return Status::kOk;
}

const ActivationData& DataOf(const Node& node) { return *static_cast<const ActivationData*>(node.user_data); }

Status PrepareFloat(Context& ctx, Node& node) {
  ActivationData* data = nullptr;
  return PrepareCommon(ctx, node, &data);
}

template <void (*Kernel)(int64_t, const float*, float*)>
Status InvokeFloat(Context& ctx, const Node& node) {
  Kernel(DataOf(node).count, ctx.Input(node, 0)->As<float>(), ctx.Output(node, 0)->As<float>());
  return Status::kOk;
}

// ---- RELU / RELU6 ----

Status PrepareReluQuantized(Context& ctx, Node& node) {
  ActivationData* data = nullptr;
  if (Status s = PrepareCommon(ctx, node, &data); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  const kernels::QuantType type = ops::QuantTypeOf(input->type);
  kernels::KernelStatus ks;
  if (node.op == tflite::BuiltinOperator_RELU) {
    ks = kernels::PrepareReluQuantized(type, input->quant.scale(), input->quant.zero_point(), output->quant.scale(),
                                       output->quant.zero_point(), &data->relu);
  } else {
    ks = kernels::PrepareRelu6Quantized(type, input->quant.scale(), input->quant.zero_point(), &data->relu);
  }
  if (ks == kernels::KernelStatus::kBadParams && type == kernels::QuantType::kInt16) {
    return ctx.Fail(node, Status::kUnsupported, "INT16 input and output need zero point 0 (have %d and %d)",
                    static_cast<int>(input->quant.zero_point()), static_cast<int>(output->quant.zero_point()));
  }
  if (Status s = FromKernel(ctx, node, ks, "quantized parameters"); s != Status::kOk) return s;
  return ops::CheckMultiplierShift(ctx, node, data->relu.shift, "rescaling");
}

template <typename T, void (*Kernel)(const kernels::ReluParams&, int64_t, const T*, T*)>
Status InvokeRelu(Context& ctx, const Node& node) {
  const ActivationData& data = DataOf(node);
  Kernel(data.relu, data.count, ctx.Input(node, 0)->As<T>(), ctx.Output(node, 0)->As<T>());
  return Status::kOk;
}

// ---- LOGISTIC / TANH ----

Status PrepareSigmoidInt8(Context& ctx, Node& node) {
  ActivationData* data = nullptr;
  if (Status s = PrepareCommon(ctx, node, &data); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  const bool logistic = node.op == tflite::BuiltinOperator_LOGISTIC;
  const int32_t want_zero_point = logistic ? -128 : 0;
  if (output->quant.zero_point() != want_zero_point) {
    return ctx.Fail(node, Status::kUnsupported, "INT8 output zero point is %d; this op needs %d (scale %s)",
                    static_cast<int>(output->quant.zero_point()), static_cast<int>(want_zero_point), logistic ? "1/256" : "1/128");
  }
  const auto prepare = logistic ? kernels::PrepareLogisticInt8 : kernels::PrepareTanhInt8;
  return FromKernel(ctx, node, prepare(input->quant.scale(), input->quant.zero_point(), output->quant.zero_point(), &data->sigmoid),
                    "int8 parameters");
}

template <void (*Kernel)(const kernels::SigmoidParams&, int64_t, const int8_t*, int8_t*)>
Status InvokeSigmoidInt8(Context& ctx, const Node& node) {
  const ActivationData& data = DataOf(node);
  Kernel(data.sigmoid, data.count, ctx.Input(node, 0)->As<int8_t>(), ctx.Output(node, 0)->As<int8_t>());
  return Status::kOk;
}

Status PrepareSigmoidInt16(Context& ctx, Node& node) {
  ActivationData* data = nullptr;
  if (Status s = PrepareCommon(ctx, node, &data); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  const auto prepare = node.op == tflite::BuiltinOperator_LOGISTIC ? kernels::PrepareLogisticInt16 : kernels::PrepareTanhInt16;
  if (prepare(input->quant.scale(), input->quant.zero_point(), output->quant.scale(), output->quant.zero_point(), &data->sigmoid16) !=
      kernels::KernelStatus::kOk) {
    return ctx.Fail(node, Status::kUnsupported,
                    "INT16 needs zero points 0 and output scale 2^-15 (have input %g/%d, output %g/%d), and an input scale below 2.67",
                    static_cast<double>(input->quant.scale()), static_cast<int>(input->quant.zero_point()),
                    static_cast<double>(output->quant.scale()), static_cast<int>(output->quant.zero_point()));
  }
  data->sigmoid_table = ops::AllocArray<uint16_t>(ctx, kernels::kSigmoidTableSize);
  if (data->sigmoid_table == nullptr) return Status::kArenaTooSmall;
  kernels::SigmoidTable(data->sigmoid_table);
  return Status::kOk;
}

template <void (*Kernel)(const kernels::SigmoidInt16Params&, const uint16_t*, int64_t, const int16_t*, int16_t*)>
Status InvokeSigmoidInt16(Context& ctx, const Node& node) {
  const ActivationData& data = DataOf(node);
  Kernel(data.sigmoid16, data.sigmoid_table, data.count, ctx.Input(node, 0)->As<int16_t>(), ctx.Output(node, 0)->As<int16_t>());
  return Status::kOk;
}

// ---- HARD_SWISH ----

Status PrepareHardSwishInt8(Context& ctx, Node& node) {
  ActivationData* data = nullptr;
  if (Status s = PrepareCommon(ctx, node, &data); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  const kernels::KernelStatus ks = kernels::PrepareHardSwishInt8(input->quant.scale(), input->quant.zero_point(), output->quant.scale(),
                                                                 output->quant.zero_point(), &data->hard_swish);
  if (ks == kernels::KernelStatus::kBadParams) {
    return ctx.Fail(node, Status::kUnsupported, "input scale %g / output scale %g is outside what the int8 kernel supports",
                    static_cast<double>(input->quant.scale()), static_cast<double>(output->quant.scale()));
  }
  return FromKernel(ctx, node, ks, "int8 parameters");
}

Status InvokeHardSwishInt8(Context& ctx, const Node& node) {
  const ActivationData& data = DataOf(node);
  kernels::HardSwishInt8(data.hard_swish, data.count, ctx.Input(node, 0)->As<int8_t>(), ctx.Output(node, 0)->As<int8_t>());
  return Status::kOk;
}

}  // namespace

void RegisterActivations(KernelRegistry& r) {
  using tflite::TensorType_FLOAT32, tflite::TensorType_INT8, tflite::TensorType_INT16;
  constexpr int32_t relu = tflite::BuiltinOperator_RELU;
  constexpr int32_t relu6 = tflite::BuiltinOperator_RELU6;
  constexpr int32_t logistic = tflite::BuiltinOperator_LOGISTIC;
  constexpr int32_t tanh = tflite::BuiltinOperator_TANH;
  constexpr int32_t hard_swish = tflite::BuiltinOperator_HARD_SWISH;
  r.Register({relu, TensorType_FLOAT32, -1, "reference", PrepareFloat, InvokeFloat<kernels::ReluFloat>});
  r.Register({relu, TensorType_INT8, -1, "reference", PrepareReluQuantized, InvokeRelu<int8_t, kernels::ReluInt8>});
  r.Register({relu, TensorType_INT16, -1, "reference", PrepareReluQuantized, InvokeRelu<int16_t, kernels::ReluInt16>});
  r.Register({relu6, TensorType_FLOAT32, -1, "reference", PrepareFloat, InvokeFloat<kernels::Relu6Float>});
  r.Register({relu6, TensorType_INT8, -1, "reference", PrepareReluQuantized, InvokeRelu<int8_t, kernels::Relu6Int8>});
  r.Register({relu6, TensorType_INT16, -1, "reference", PrepareReluQuantized, InvokeRelu<int16_t, kernels::Relu6Int16>});
  r.Register({logistic, TensorType_FLOAT32, -1, "reference", PrepareFloat, InvokeFloat<kernels::LogisticFloat>});
  r.Register({logistic, TensorType_INT8, -1, "reference", PrepareSigmoidInt8, InvokeSigmoidInt8<kernels::LogisticInt8>});
  r.Register({logistic, TensorType_INT16, -1, "reference", PrepareSigmoidInt16, InvokeSigmoidInt16<kernels::LogisticInt16>});
  r.Register({tanh, TensorType_FLOAT32, -1, "reference", PrepareFloat, InvokeFloat<kernels::TanhFloat>});
  r.Register({tanh, TensorType_INT8, -1, "reference", PrepareSigmoidInt8, InvokeSigmoidInt8<kernels::TanhInt8>});
  r.Register({tanh, TensorType_INT16, -1, "reference", PrepareSigmoidInt16, InvokeSigmoidInt16<kernels::TanhInt16>});
  r.Register({hard_swish, TensorType_FLOAT32, -1, "reference", PrepareFloat, InvokeFloat<kernels::HardSwishFloat>});
  r.Register({hard_swish, TensorType_INT8, -1, "reference", PrepareHardSwishInt8, InvokeHardSwishInt8});
}

}  // namespace bsb::rt
