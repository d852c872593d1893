// CONCATENATION glue: float32, int8, int16 and int32 along one axis (negative axes count from
// the end). Prepare checks the shapes against the output and precomputes each input's row size
// and offset; Invoke copies rows.
//
// Quantized inputs must carry the output's scale and zero point. TFLite requires this for int8
// ("no re-scaling needed for Int8 quantized kernel"); TFLite Micro stores the parameters but
// copies raw values whatever they are, so a model with differing parameters would give wrong
// numbers there. Such a model is refused here with the input named, rather than guessed at.
#include "agent/runtime/kernels/concatenation.h"

#include "agent/runtime/op_registry.h"
#include "agent/runtime/ops/op_util.h"
#include "agent/runtime/ops/ops.h"

namespace bsb::rt {
namespace {

using ops::CheckType;

struct ConcatData {
  int64_t outer = 0;
  int64_t output_row_bytes = 0;
  int64_t* input_row_bytes = nullptr;  // one per input
  int64_t* offset_bytes = nullptr;
};

Status Prepare(Context& ctx, Node& node) {
  if (node.output_count != 1) return ctx.Fail(node, Status::kMalformedModel, "has %d outputs; expected 1", node.output_count);
  const Tensor* output = ctx.Output(node, 0);
  const tflite::TensorType type = ctx.Input(node, 0)->type;
  if (Status s = CheckType(ctx, node, output, type, "output"); s != Status::kOk) return s;
  const auto* options = node.options->builtin_options_as_ConcatenationOptions();
  if (options != nullptr && options->fused_activation_function() != tflite::ActivationFunctionType_NONE) {
    return ctx.Fail(node, Status::kUnsupported, "fused activation %d is not supported (TFLite Micro requires NONE)",
                    static_cast<int>(options->fused_activation_function()));
  }
  const int rank = output->shape.rank;
  int axis = options != nullptr ? options->axis() : 0;
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) {
    return ctx.Fail(node, Status::kMalformedModel, "axis %d is out of range for an output of rank %d",
                    options != nullptr ? static_cast<int>(options->axis()) : 0, rank);
  }
  const std::size_t element = TypeSizeBytes(type);
  const bool quantized = type != tflite::TensorType_FLOAT32 && type != tflite::TensorType_INT32;
  if (quantized && (!output->quant.present() || output->quant.count != 1)) {
    return ctx.Fail(node, Status::kMalformedModel, "quantized output needs per-tensor quantization parameters");
  }
  int64_t inner = 1;
  for (int d = axis + 1; d < rank; ++d) inner *= output->shape.dims[d];
  int64_t outer = 1;
  for (int d = 0; d < axis; ++d) outer *= output->shape.dims[d];

  ConcatData* data = ctx.AllocateParams<ConcatData>();
  if (data == nullptr) return Status::kArenaTooSmall;
  data->input_row_bytes = ops::AllocArray<int64_t>(ctx, node.input_count);
  data->offset_bytes = ops::AllocArray<int64_t>(ctx, node.input_count);
  if (data->input_row_bytes == nullptr || data->offset_bytes == nullptr) return Status::kArenaTooSmall;
  node.user_data = data;

  int64_t axis_total = 0;
  for (int i = 0; i < node.input_count; ++i) {
    const Tensor* input = ctx.Input(node, i);
    if (input == nullptr) return ctx.Fail(node, Status::kMalformedModel, "input %d is missing", i);
    if (input->type != type) {
      return ctx.Fail(node, Status::kUnsupported, "input %d has type %s; input 0 has %s", i, TypeName(input->type), TypeName(type));
    }
    if (input->shape.rank != rank) {
      return ctx.Fail(node, Status::kMalformedModel, "input %d has rank %d; the output has rank %d", i,
                      static_cast<int>(input->shape.rank), rank);
    }
    for (int d = 0; d < rank; ++d) {
      if (d != axis && input->shape.dims[d] != output->shape.dims[d]) {
        return ctx.Fail(node, Status::kMalformedModel, "input %d dimension %d is %d; the output's is %d", i, d,
                        static_cast<int>(input->shape.dims[d]), static_cast<int>(output->shape.dims[d]));
      }
    }
    if (quantized) {
      if (!input->quant.present() || input->quant.count != 1) {
        return ctx.Fail(node, Status::kMalformedModel, "quantized input %d needs per-tensor quantization parameters", i);
      }
      if (input->quant.scale() != output->quant.scale() || input->quant.zero_point() != output->quant.zero_point()) {
        return ctx.Fail(node, Status::kUnsupported,
                        "input %d is quantized (scale %g, zero point %d) differently from the output (scale %g, zero point %d); "
                        "requantizing concatenation is not supported",
                        i, static_cast<double>(input->quant.scale()), static_cast<int>(input->quant.zero_point()),
                        static_cast<double>(output->quant.scale()), static_cast<int>(output->quant.zero_point()));
      }
    }
    data->input_row_bytes[i] = static_cast<int64_t>(input->shape.dims[axis]) * inner * static_cast<int64_t>(element);
    data->offset_bytes[i] = axis_total * inner * static_cast<int64_t>(element);
    axis_total += input->shape.dims[axis];
  }
  if (axis_total != output->shape.dims[axis]) {
    return ctx.Fail(node, Status::kMalformedModel, "inputs add up to %lld along axis %d; the output has %d",
                    static_cast<long long>(axis_total), axis, static_cast<int>(output->shape.dims[axis]));
  }
  data->outer = outer;
  data->output_row_bytes = axis_total * inner * static_cast<int64_t>(element);
  return Status::kOk;
}

Status Invoke(Context& ctx, const Node& node) {
  const auto* data = static_cast<const ConcatData*>(node.user_data);
  uint8_t* output = ctx.Output(node, 0)->data;
  for (int i = 0; i < node.input_count; ++i) {
    kernels::ConcatenationCopyInput(ctx.Input(node, i)->data, data->outer, data->input_row_bytes[i], data->output_row_bytes,
                                    data->offset_bytes[i], output);
  }
  return Status::kOk;
}

}  // namespace

void RegisterConcatenation(KernelRegistry& r) {
  for (tflite::TensorType type : {tflite::TensorType_FLOAT32, tflite::TensorType_INT8, tflite::TensorType_INT16,
                                  tflite::TensorType_INT32}) {
    r.Register({tflite::BuiltinOperator_CONCATENATION, type, -1, "reference", Prepare, Invoke});
  }
}

}  // namespace bsb::rt
