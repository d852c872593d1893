// PAD glue: float32, int8, int16 (and int32). Inputs: the tensor and a constant int32/int64
// [rank, 2] paddings tensor (before, after per dimension). The pad value is the real 0: 0.0f for
// float, the zero point for quantized tensors, whose output keeps the input's scale and zero
// point. PADV2 (explicit constant_values) is not in the runtime's schema subset.
#include "agent/runtime/kernels/pad.h"

#include <cstdint>

#include "agent/runtime/kernels/activation.h"
#include "agent/runtime/op_registry.h"
#include "agent/runtime/ops/op_util.h"
#include "agent/runtime/ops/ops.h"

namespace bsb::rt {
namespace {

using ops::CheckArity;
using ops::CheckQuantized;
using ops::CheckType;
using ops::FromKernel;

struct PadData {
  kernels::PadParams params;
  int32_t pad_value = 0;  // quantized paths: the zero point
};

Status Prepare(Context& ctx, Node& node, tflite::TensorType type) {
  if (Status s = CheckArity(ctx, node, 2, 2, 1); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* paddings = ctx.Input(node, 1);
  const Tensor* output = ctx.Output(node, 0);
  if (Status s = CheckType(ctx, node, input, type, "input"); s != Status::kOk) return s;
  if (Status s = CheckType(ctx, node, output, type, "output"); s != Status::kOk) return s;
  if (paddings == nullptr) return ctx.Fail(node, Status::kMalformedModel, "paddings input is missing");
  if (paddings->type != tflite::TensorType_INT32 && paddings->type != tflite::TensorType_INT64) {
    return ctx.Fail(node, Status::kUnsupported, "paddings have type %s; INT32 or INT64 expected", TypeName(paddings->type));
  }
  if (!paddings->is_constant) return ctx.Fail(node, Status::kUnsupported, "paddings are not a constant tensor (dynamic shapes are not supported)");
  const int32_t rank = input->shape.rank;
  if (rank > kernels::Shape::kMaxRank) return ctx.Fail(node, Status::kUnsupported, "input rank %d is above %d", static_cast<int>(rank), kernels::Shape::kMaxRank);
  if (paddings->shape.rank != 2 || paddings->shape.dims[0] != rank || paddings->shape.dims[1] != 2) {
    return ctx.Fail(node, Status::kMalformedModel, "paddings must be [%d, 2] for a rank-%d input", static_cast<int>(rank), static_cast<int>(rank));
  }
  int32_t pads[2 * kernels::Shape::kMaxRank] = {};
  for (int i = 0; i < 2 * rank; ++i) {
    const int64_t v = paddings->type == tflite::TensorType_INT32 ? paddings->As<int32_t>()[i] : paddings->As<int64_t>()[i];
    if (v < 0 || v > INT32_MAX / 2) {
      return ctx.Fail(node, Status::kMalformedModel, "padding %lld of dimension %d is out of range", static_cast<long long>(v), i / 2);
    }
    pads[i] = static_cast<int32_t>(v);
  }
  auto* data = ctx.AllocateParams<PadData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  node.user_data = data;
  kernels::Shape padded;
  if (Status s = FromKernel(ctx, node, kernels::PreparePad(ops::KernelShape(input->shape), pads, &data->params, &padded), "paddings");
      s != Status::kOk) {
    return s;
  }
  bool same = output->shape.rank == padded.rank;
  for (int d = 0; same && d < padded.rank; ++d) same = output->shape.dims[d] == padded.dims[d];
  if (!same) return ctx.Fail(node, Status::kMalformedModel, "output shape differs from the input shape plus paddings");
  if (type != tflite::TensorType_FLOAT32 && type != tflite::TensorType_INT32) {
    if (Status s = CheckQuantized(ctx, node, input, "input"); s != Status::kOk) return s;
    if (Status s = CheckQuantized(ctx, node, output, "output"); s != Status::kOk) return s;
    if (input->quant.scale() != output->quant.scale() || input->quant.zero_point() != output->quant.zero_point()) {
      return ctx.Fail(node, Status::kUnsupported, "output quantization differs from the input's; PAD does not requantize");
    }
    data->pad_value = output->quant.zero_point();
    const kernels::QuantizedRange range = kernels::FullRange(ops::QuantTypeOf(type));
    if (data->pad_value < range.min || data->pad_value > range.max) {
      return ctx.Fail(node, Status::kMalformedModel, "zero point %d is outside the %s range", static_cast<int>(data->pad_value), TypeName(type));
    }
  }
  return Status::kOk;
}

Status PrepareFloat(Context& ctx, Node& node) { return Prepare(ctx, node, tflite::TensorType_FLOAT32); }
Status PrepareInt8(Context& ctx, Node& node) { return Prepare(ctx, node, tflite::TensorType_INT8); }
Status PrepareInt16(Context& ctx, Node& node) { return Prepare(ctx, node, tflite::TensorType_INT16); }
Status PrepareInt32(Context& ctx, Node& node) { return Prepare(ctx, node, tflite::TensorType_INT32); }

template <typename T, void (*Kernel)(const kernels::PadParams&, const kernels::Shape&, const T*, T, const kernels::Shape&, T*)>
Status Invoke(Context& ctx, const Node& node) {
  const auto* data = static_cast<const PadData*>(node.user_data);
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  Kernel(data->params, ops::KernelShape(input->shape), input->As<T>(), static_cast<T>(data->pad_value), ops::KernelShape(output->shape),
         output->As<T>());
  return Status::kOk;
}

}  // namespace

void RegisterPad(KernelRegistry& r) {
  constexpr int32_t op = tflite::BuiltinOperator_PAD;
  r.Register({op, tflite::TensorType_FLOAT32, -1, "reference", PrepareFloat, Invoke<float, kernels::PadFloat>});
  r.Register({op, tflite::TensorType_INT8, -1, "reference", PrepareInt8, Invoke<int8_t, kernels::PadInt8>});
  r.Register({op, tflite::TensorType_INT16, -1, "reference", PrepareInt16, Invoke<int16_t, kernels::PadInt16>});
  r.Register({op, tflite::TensorType_INT32, -1, "reference", PrepareInt32, Invoke<int32_t, kernels::PadInt32>});
}

}  // namespace bsb::rt
