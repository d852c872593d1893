// Which kernel runs an (operator, input type, filter type): the reference set from ops/, with
// entries an optimized variant may replace (the seam of DESIGN.md §4).
#pragma once

#include "agent/runtime/kernel_api.h"

namespace bsb::rt {

class KernelRegistry {
 public:
  static constexpr int kCapacity = 96;

  // The registry holding every reference kernel.
  static const KernelRegistry& Reference();

  // Adds `kernel`, or replaces the entry with the same key. False when full.
  bool Register(const KernelRegistration& kernel);
  // The kernel for a node whose input 0 has `input_type` and input 1 `filter_type` (-1 if none).
  const KernelRegistration* Find(int32_t op, tflite::TensorType input_type, int filter_type) const;
  // True when any kernel exists for `op` (to tell "unknown op" from "unsupported types").
  bool Knows(int32_t op) const;

  int size() const { return count_; }
  const KernelRegistration& at(int i) const { return entries_[i]; }

 private:
  KernelRegistration entries_[kCapacity] = {};
  int count_ = 0;
};

}  // namespace bsb::rt
