// The runtime's view of one tensor: where its bytes live (the flatbuffer for constants, the
// arena for activations), its shape, type and quantization. Quantization arrays point into the
// flatbuffer (weights are used in place; nothing is copied).
#pragma once

#include <cstddef>
#include <cstdint>

#include "agent/runtime/schema/tflite_generated.h"

namespace bsb::rt {

inline constexpr int kMaxDims = 6;

struct Shape {
  int32_t rank = 0;
  int32_t dims[kMaxDims] = {};

  // Product of the dims (1 for a scalar). Loader checks guarantee it fits in int32.
  int64_t FlatSize() const {
    int64_t n = 1;
    for (int i = 0; i < rank; ++i) n *= dims[i];
    return n;
  }
  int32_t Dim(int i) const { return dims[i]; }
};

struct Quantization {
  const float* scales = nullptr;        // count entries, or null when not quantized
  const int64_t* zero_points = nullptr; // count entries (may be null: all zero)
  int32_t count = 0;
  int32_t quantized_dimension = 0;

  bool present() const { return count > 0; }
  float scale() const { return count > 0 ? scales[0] : 0.0f; }
  int32_t zero_point() const { return zero_points != nullptr && count > 0 ? static_cast<int32_t>(zero_points[0]) : 0; }
};

struct Tensor {
  uint8_t* data = nullptr;   // null until Prepare placed it (activations) or no data (optional)
  std::size_t bytes = 0;     // FlatSize × element size
  Shape shape;
  tflite::TensorType type = tflite::TensorType_FLOAT32;
  bool is_constant = false;  // data lives in the model's buffers
  bool is_variable = false;
  Quantization quant;
  const char* name = "";

  template <typename T> T* As() const { return reinterpret_cast<T*>(data); }
};

// Bytes per element, or 0 for types the runtime cannot size (STRING, INT4, RESOURCE, ...).
std::size_t TypeSizeBytes(tflite::TensorType type);
const char* TypeName(tflite::TensorType type);

}  // namespace bsb::rt
