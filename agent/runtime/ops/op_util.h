// Small helpers every op's glue uses: converting the runtime's tensors and the schema's enums
// into the kernels' vocabulary, and uniform Prepare checks with messages naming the operator.
#pragma once

#include <cstring>

#include "agent/runtime/kernel_api.h"
#include "agent/runtime/kernels/types.h"

namespace bsb::rt::ops {

inline kernels::Shape KernelShape(const Shape& s) {
  kernels::Shape k;
  k.rank = s.rank;
  for (int i = 0; i < s.rank; ++i) k.dims[i] = s.dims[i];
  return k;
}

inline kernels::Activation KernelActivation(tflite::ActivationFunctionType a) {
  return static_cast<kernels::Activation>(static_cast<int8_t>(a));
}

inline kernels::Padding KernelPadding(tflite::Padding p) { return static_cast<kernels::Padding>(static_cast<int8_t>(p)); }

inline kernels::QuantType QuantTypeOf(tflite::TensorType t) {
  return t == tflite::TensorType_INT16 ? kernels::QuantType::kInt16 : kernels::QuantType::kInt8;
}

// Fails with a message unless the node has between min and max inputs and exactly `outputs`.
inline Status CheckArity(Context& ctx, const Node& node, int min_inputs, int max_inputs, int outputs) {
  if (node.input_count < min_inputs || node.input_count > max_inputs) {
    return ctx.Fail(node, Status::kMalformedModel, "has %d inputs; expected %d to %d", node.input_count, min_inputs, max_inputs);
  }
  if (node.output_count != outputs) {
    return ctx.Fail(node, Status::kMalformedModel, "has %d outputs; expected %d", node.output_count, outputs);
  }
  return Status::kOk;
}

// Fails unless `t` exists and has `type`.
inline Status CheckType(Context& ctx, const Node& node, const Tensor* t, tflite::TensorType type, const char* what) {
  if (t == nullptr) return ctx.Fail(node, Status::kMalformedModel, "%s is missing", what);
  if (t->type != type) {
    return ctx.Fail(node, Status::kUnsupported, "%s has type %s; this kernel needs %s", what, TypeName(t->type), TypeName(type));
  }
  return Status::kOk;
}

// Fails unless `t` carries quantization parameters with positive scales.
inline Status CheckQuantized(Context& ctx, const Node& node, const Tensor* t, const char* what) {
  if (!t->quant.present()) return ctx.Fail(node, Status::kMalformedModel, "%s (%s) has no quantization parameters", what, TypeName(t->type));
  for (int i = 0; i < t->quant.count; ++i) {
    if (!(t->quant.scales[i] > 0.0f)) return ctx.Fail(node, Status::kMalformedModel, "%s has a non-positive scale", what);
  }
  return Status::kOk;
}

inline Status CheckSameShape(Context& ctx, const Node& node, const Tensor* a, const Tensor* b, const char* what) {
  if (a->shape.rank != b->shape.rank ||
      std::memcmp(a->shape.dims, b->shape.dims, sizeof(int32_t) * static_cast<size_t>(a->shape.rank)) != 0) {
    return ctx.Fail(node, Status::kMalformedModel, "%s shapes differ", what);
  }
  return Status::kOk;
}

inline Status FromKernel(Context& ctx, const Node& node, kernels::KernelStatus s, const char* what) {
  switch (s) {
    case kernels::KernelStatus::kOk: return Status::kOk;
    case kernels::KernelStatus::kBadParams: return ctx.Fail(node, Status::kMalformedModel, "%s: parameters no kernel can honour", what);
    case kernels::KernelStatus::kUnsupported: return ctx.Fail(node, Status::kUnsupported, "%s: unsupported option combination", what);
  }
  return ctx.Fail(node, Status::kUnsupported, "%s failed", what);
}

template <typename T>
T* AllocArray(Context& ctx, int count) {
  return static_cast<T*>(ctx.AllocatePersistent(sizeof(T) * static_cast<size_t>(count > 0 ? count : 1)));
}

}  // namespace bsb::rt::ops
