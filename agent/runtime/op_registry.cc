#include "agent/runtime/op_registry.h"

#include "agent/runtime/ops/ops.h"

namespace bsb::rt {

bool KernelRegistry::Register(const KernelRegistration& kernel) {
  for (int i = 0; i < count_; ++i) {
    KernelRegistration& e = entries_[i];
    if (e.op == kernel.op && e.input_type == kernel.input_type && e.filter_type == kernel.filter_type) {
      e = kernel;
      return true;
    }
  }
  if (count_ == kCapacity) return false;
  entries_[count_++] = kernel;
  return true;
}

const KernelRegistration* KernelRegistry::Find(int32_t op, tflite::TensorType input_type, int filter_type) const {
  const KernelRegistration* any_filter = nullptr;
  for (int i = 0; i < count_; ++i) {
    const KernelRegistration& e = entries_[i];
    if (e.op != op || e.input_type != input_type) continue;
    if (e.filter_type == filter_type) return &e;
    if (e.filter_type == -1) any_filter = &e;
  }
  return any_filter;
}

bool KernelRegistry::Knows(int32_t op) const {
  for (int i = 0; i < count_; ++i) {
    if (entries_[i].op == op) return true;
  }
  return false;
}

const KernelRegistry& KernelRegistry::Reference() {
  static const KernelRegistry registry = [] {
    KernelRegistry r;
    RegisterReferenceKernels(r);
    return r;
  }();
  return registry;
}

}  // namespace bsb::rt
