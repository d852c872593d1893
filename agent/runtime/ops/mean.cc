// MEAN glue and arithmetic: float32, int8, int16 over any set of axes (a constant int32 axis
// tensor; negative axes count from the end, repeats are ignored), keep_dims or not. As TFLite
// Micro (reference_ops::Mean / QuantizedMeanOrSum, reduce_common.cc):
//   float:     y = (Σ x) / n, summed in input order.
//   int8/16:   S = Σ raw x (int32); y = clamp(round((float)S/(float)n · s + b) + z_out) with
//              s = (float)(s_in/s_out), b = −z_in·s, round half away from zero, all in float.
// No scratch: each output element is summed on its own (TFLM keeps an int32 buffer of sums).
#include <cmath>
#include <cstdint>
#include <limits>

#include "agent/runtime/op_registry.h"
#include "agent/runtime/ops/op_util.h"
#include "agent/runtime/ops/ops.h"

namespace bsb::rt {
namespace {

using ops::CheckArity;
using ops::CheckQuantized;
using ops::CheckType;

struct MeanData {
  // Input dimensions split into kept (outer loop, in output order) and reduced (inner loop).
  int32_t kept_count = 0;
  int32_t kept_size[kMaxDims] = {};
  int32_t kept_stride[kMaxDims] = {};
  int32_t reduced_count = 0;
  int32_t reduced_size[kMaxDims] = {};
  int32_t reduced_stride[kMaxDims] = {};
  int32_t elements = 1;  // n, elements averaged per output
  // Quantized paths.
  float scale = 0.0f;
  float bias = 0.0f;
  int32_t output_zero_point = 0;
};

Status Prepare(Context& ctx, Node& node, tflite::TensorType type) {
  if (Status s = CheckArity(ctx, node, 2, 2, 1); s != Status::kOk) return s;
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* axis = ctx.Input(node, 1);
  const Tensor* output = ctx.Output(node, 0);
  if (Status s = CheckType(ctx, node, input, type, "input"); s != Status::kOk) return s;
  if (Status s = CheckType(ctx, node, output, type, "output"); s != Status::kOk) return s;
  if (Status s = CheckType(ctx, node, axis, tflite::TensorType_INT32, "axis"); s != Status::kOk) return s;
  if (!axis->is_constant) return ctx.Fail(node, Status::kUnsupported, "axis is not a constant tensor (dynamic shapes are not supported)");
  const int32_t rank = input->shape.rank;
  bool reduce[kMaxDims] = {};
  const int64_t axis_count = axis->shape.FlatSize();
  for (int64_t i = 0; i < axis_count; ++i) {
    const int32_t a = axis->As<int32_t>()[i];
    if (a < -rank || a >= rank) {
      return ctx.Fail(node, Status::kMalformedModel, "axis %d is out of range for a rank-%d input", static_cast<int>(a), static_cast<int>(rank));
    }
    reduce[a < 0 ? a + rank : a] = true;
  }
  auto* data = ctx.AllocateParams<MeanData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  node.user_data = data;

  // Strides of the input and the output shape the options imply.
  int32_t stride[kMaxDims] = {};
  int64_t running = 1;
  for (int d = rank - 1; d >= 0; --d) {
    stride[d] = static_cast<int32_t>(running);
    running *= input->shape.dims[d];
  }
  const auto* options = node.options->builtin_options_as_ReducerOptions();
  const bool keep_dims = options != nullptr && options->keep_dims();
  Shape expected;
  for (int d = 0; d < rank; ++d) {
    if (reduce[d]) {
      data->reduced_size[data->reduced_count] = input->shape.dims[d];
      data->reduced_stride[data->reduced_count++] = stride[d];
      data->elements *= input->shape.dims[d];
      if (keep_dims) expected.dims[expected.rank++] = 1;
    } else {
      data->kept_size[data->kept_count] = input->shape.dims[d];
      data->kept_stride[data->kept_count++] = stride[d];
      expected.dims[expected.rank++] = input->shape.dims[d];
    }
  }
  if (data->elements < 1) return ctx.Fail(node, Status::kUnsupported, "reduces over an empty dimension");
  bool same = expected.rank == output->shape.rank;
  for (int d = 0; same && d < expected.rank; ++d) same = expected.dims[d] == output->shape.dims[d];
  if (!same) {
    return ctx.Fail(node, Status::kMalformedModel, "output has rank %d and %lld elements; the axes and keep_dims=%s give rank %d and %lld",
                    static_cast<int>(output->shape.rank), static_cast<long long>(output->shape.FlatSize()), keep_dims ? "true" : "false",
                    static_cast<int>(expected.rank), static_cast<long long>(expected.FlatSize()));
  }
  if (type != tflite::TensorType_FLOAT32) {
    if (Status s = CheckQuantized(ctx, node, input, "input"); s != Status::kOk) return s;
    if (Status s = CheckQuantized(ctx, node, output, "output"); s != Status::kOk) return s;
    const int64_t limit = type == tflite::TensorType_INT8 ? 128 : 32768;
    if (static_cast<int64_t>(data->elements) * limit > std::numeric_limits<int32_t>::max()) {
      return ctx.Fail(node, Status::kUnsupported, "averages %d elements; the int32 sum could overflow", static_cast<int>(data->elements));
    }
    data->scale = input->quant.scale() / output->quant.scale();
    data->bias = static_cast<float>(-input->quant.zero_point()) * data->scale;
    data->output_zero_point = output->quant.zero_point();
  }
  return Status::kOk;
}

Status PrepareFloat(Context& ctx, Node& node) { return Prepare(ctx, node, tflite::TensorType_FLOAT32); }
Status PrepareInt8(Context& ctx, Node& node) { return Prepare(ctx, node, tflite::TensorType_INT8); }
Status PrepareInt16(Context& ctx, Node& node) { return Prepare(ctx, node, tflite::TensorType_INT16); }

// Calls finish(output_index, sum) for every output element; sum accumulates in input order.
template <typename T, typename Acc, typename Finish>
void ForEachMean(const MeanData& m, const T* input, Finish finish) {
  int32_t outer[kMaxDims] = {};
  int64_t out_index = 0;
  while (true) {
    int64_t base = 0;
    for (int k = 0; k < m.kept_count; ++k) base += static_cast<int64_t>(outer[k]) * m.kept_stride[k];
    Acc sum = 0;
    int32_t inner[kMaxDims] = {};
    while (true) {
      int64_t at = base;
      for (int r = 0; r < m.reduced_count; ++r) at += static_cast<int64_t>(inner[r]) * m.reduced_stride[r];
      sum += static_cast<Acc>(input[at]);
      int r = m.reduced_count - 1;
      for (; r >= 0; --r) {
        if (++inner[r] < m.reduced_size[r]) break;
        inner[r] = 0;
      }
      if (r < 0) break;
    }
    finish(out_index++, sum);
    int k = m.kept_count - 1;
    for (; k >= 0; --k) {
      if (++outer[k] < m.kept_size[k]) break;
      outer[k] = 0;
    }
    if (k < 0) break;
  }
}

Status InvokeFloat(Context& ctx, const Node& node) {
  const auto& m = *static_cast<const MeanData*>(node.user_data);
  float* out = ctx.Output(node, 0)->As<float>();
  const float n = static_cast<float>(m.elements);
  ForEachMean<float, float>(m, ctx.Input(node, 0)->As<float>(), [&](int64_t i, float sum) { out[i] = sum / n; });
  return Status::kOk;
}

template <typename T>
Status InvokeQuantized(Context& ctx, const Node& node) {
  const auto& m = *static_cast<const MeanData*>(node.user_data);
  T* out = ctx.Output(node, 0)->As<T>();
  const float n = static_cast<float>(m.elements);
  constexpr float kMin = static_cast<float>(std::numeric_limits<T>::min());
  constexpr float kMax = static_cast<float>(std::numeric_limits<T>::max());
  ForEachMean<T, int32_t>(m, ctx.Input(node, 0)->As<T>(), [&](int64_t i, int32_t sum) {
    const float mean = static_cast<float>(sum) / n;
    float result = std::round(mean * m.scale + m.bias) + static_cast<float>(m.output_zero_point);
    result = result > kMax ? kMax : (result < kMin ? kMin : result);
    out[i] = static_cast<T>(result);
  });
  return Status::kOk;
}

}  // namespace

void RegisterMean(KernelRegistry& r) {
  constexpr int32_t op = tflite::BuiltinOperator_MEAN;
  r.Register({op, tflite::TensorType_FLOAT32, -1, "reference", PrepareFloat, InvokeFloat});
  r.Register({op, tflite::TensorType_INT8, -1, "reference", PrepareInt8, InvokeQuantized<int8_t>});
  r.Register({op, tflite::TensorType_INT16, -1, "reference", PrepareInt16, InvokeQuantized<int16_t>});
}

}  // namespace bsb::rt
