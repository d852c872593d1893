// RESHAPE: the output holds the input's bytes under the output's declared shape. The new shape
// (input 1 or ReshapeOptions) is checked against the output at Prepare.
#include <cstring>

#include "agent/runtime/kernel_api.h"
#include "agent/runtime/op_registry.h"
#include "agent/runtime/ops/ops.h"

namespace bsb::rt {
namespace {

Status Prepare(Context& ctx, Node& node) {
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  if (node.output_count != 1) return ctx.Fail(node, Status::kMalformedModel, "expects 1 output, has %d", node.output_count);
  if (input->type != output->type) {
    return ctx.Fail(node, Status::kMalformedModel, "input type %s differs from output type %s", TypeName(input->type),
                    TypeName(output->type));
  }
  if (input->shape.FlatSize() != output->shape.FlatSize()) {
    return ctx.Fail(node, Status::kMalformedModel, "reshapes %lld elements into %lld", static_cast<long long>(input->shape.FlatSize()),
                    static_cast<long long>(output->shape.FlatSize()));
  }
  return Status::kOk;
}

Status Invoke(Context& ctx, const Node& node) {
  const Tensor* input = ctx.Input(node, 0);
  const Tensor* output = ctx.Output(node, 0);
  if (input->data != output->data) std::memmove(output->data, input->data, output->bytes);
  return Status::kOk;
}

}  // namespace

void RegisterReshape(KernelRegistry& r) {
  for (tflite::TensorType type : {tflite::TensorType_FLOAT32, tflite::TensorType_INT8, tflite::TensorType_INT16,
                                  tflite::TensorType_INT32, tflite::TensorType_UINT8}) {
    r.Register({tflite::BuiltinOperator_RESHAPE, type, -1, "reference", Prepare, Invoke});
  }
}

}  // namespace bsb::rt
