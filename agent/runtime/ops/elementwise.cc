// ADD and MUL glue: float32, int8 and int16 with NumPy broadcasting. Prepare checks the
// broadcast against the output's declared shape and stores the plan and the requantization
// parameters; Invoke only runs the kernel.
#include "agent/runtime/kernels/elementwise.h"

#include "agent/runtime/op_registry.h"
#include "agent/runtime/ops/elem_util.h"
#include "agent/runtime/ops/op_util.h"
#include "agent/runtime/ops/ops.h"

namespace bsb::rt {
namespace {

using ops::CheckArity;
using ops::CheckQuantized;
using ops::CheckType;
using ops::FromKernel;

struct ArithmeticData {
  kernels::ArithmeticParams params;
  kernels::BroadcastPlan plan;
};

kernels::Activation FusedActivation(const Node& node) {
  tflite::ActivationFunctionType a = tflite::ActivationFunctionType_NONE;
  if (node.op == tflite::BuiltinOperator_ADD) {
    if (const auto* o = node.options->builtin_options_as_AddOptions()) a = o->fused_activation_function();
  } else if (const auto* o = node.options->builtin_options_as_MulOptions()) {
    a = o->fused_activation_function();
  }
  return ops::KernelActivation(a);
}

Status PrepareArithmetic(Context& ctx, Node& node) {
  if (Status s = CheckArity(ctx, node, 2, 2, 1); s != Status::kOk) return s;
  const Tensor* input1 = ctx.Input(node, 0);
  const Tensor* input2 = ctx.Input(node, 1);
  const Tensor* output = ctx.Output(node, 0);
  if (Status s = CheckType(ctx, node, input2, input1->type, "input 2"); s != Status::kOk) return s;
  if (Status s = CheckType(ctx, node, output, input1->type, "output"); s != Status::kOk) return s;
  ArithmeticData* data = ctx.AllocateParams<ArithmeticData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  node.user_data = data;
  if (!kernels::MakeBroadcastPlan(ops::KernelShape(input1->shape), ops::KernelShape(input2->shape), ops::KernelShape(output->shape),
                                  &data->plan)) {
    return ctx.Fail(node, Status::kMalformedModel, "input shapes (rank %d and %d) do not broadcast to the output shape (rank %d)",
                    static_cast<int>(input1->shape.rank), static_cast<int>(input2->shape.rank), static_cast<int>(output->shape.rank));
  }
  const kernels::Activation act = FusedActivation(node);
  if (input1->type == tflite::TensorType_FLOAT32) {
    return FromKernel(ctx, node, kernels::PrepareArithmeticFloat(act, &data->params), "fused activation");
  }
  for (const Tensor* t : {input1, input2, output}) {
    const char* what = t == input1 ? "input 1" : (t == input2 ? "input 2" : "output");
    if (Status s = CheckQuantized(ctx, node, t, what); s != Status::kOk) return s;
    if (t->quant.count != 1) return ctx.Fail(node, Status::kUnsupported, "%s is quantized per channel; per-tensor expected", what);
    if (input1->type == tflite::TensorType_INT16 && t->quant.zero_point() != 0) {
      return ctx.Fail(node, Status::kUnsupported, "%s is INT16 with zero point %d; int16 needs zero point 0", what,
                      static_cast<int>(t->quant.zero_point()));
    }
  }
  if (act == kernels::Activation::kTanh || act == kernels::Activation::kSignBit) {
    return ctx.Fail(node, Status::kUnsupported, "fused activation %d is not supported", static_cast<int>(act));
  }
  const auto prepare = node.op == tflite::BuiltinOperator_ADD ? kernels::PrepareAddQuantized : kernels::PrepareMulQuantized;
  if (Status s = FromKernel(ctx, node,
                            prepare(ops::QuantTypeOf(input1->type), input1->quant.scale(), input1->quant.zero_point(), input2->quant.scale(),
                                    input2->quant.zero_point(), output->quant.scale(), output->quant.zero_point(), act, &data->params),
                            "quantized parameters");
      s != Status::kOk) {
    return s;
  }
  if (Status s = ops::CheckMultiplierShift(ctx, node, data->params.input1_shift, "input 1 rescaling"); s != Status::kOk) return s;
  if (Status s = ops::CheckMultiplierShift(ctx, node, data->params.input2_shift, "input 2 rescaling"); s != Status::kOk) return s;
  return ops::CheckMultiplierShift(ctx, node, data->params.output_shift, "output rescaling");
}

template <typename T, void (*Kernel)(const kernels::ArithmeticParams&, const kernels::BroadcastPlan&, const T*, const T*, T*)>
Status Invoke(Context& ctx, const Node& node) {
  const auto* data = static_cast<const ArithmeticData*>(node.user_data);
  Kernel(data->params, data->plan, ctx.Input(node, 0)->As<T>(), ctx.Input(node, 1)->As<T>(), ctx.Output(node, 0)->As<T>());
  return Status::kOk;
}

}  // namespace

void RegisterElementwise(KernelRegistry& r) {
  constexpr int32_t add = tflite::BuiltinOperator_ADD;
  constexpr int32_t mul = tflite::BuiltinOperator_MUL;
  // Keyed by input 2's type too, so that a mixed-type node finds no kernel and is reported
  // with its tensor types; Prepare checks the output.
  using tflite::TensorType_FLOAT32, tflite::TensorType_INT8, tflite::TensorType_INT16;
  r.Register({add, TensorType_FLOAT32, TensorType_FLOAT32, "reference", PrepareArithmetic, Invoke<float, kernels::AddFloat>});
  r.Register({add, TensorType_INT8, TensorType_INT8, "reference", PrepareArithmetic, Invoke<int8_t, kernels::AddInt8>});
  r.Register({add, TensorType_INT16, TensorType_INT16, "reference", PrepareArithmetic, Invoke<int16_t, kernels::AddInt16>});
  r.Register({mul, TensorType_FLOAT32, TensorType_FLOAT32, "reference", PrepareArithmetic, Invoke<float, kernels::MulFloat>});
  r.Register({mul, TensorType_INT8, TensorType_INT8, "reference", PrepareArithmetic, Invoke<int8_t, kernels::MulInt8>});
  r.Register({mul, TensorType_INT16, TensorType_INT16, "reference", PrepareArithmetic, Invoke<int16_t, kernels::MulInt16>});
}

}  // namespace bsb::rt
