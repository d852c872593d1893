// Vocabulary shared by every kernel: shapes, the TFLite activation and padding codes, and the
// kernels' status codes. Kernels are pure functions over raw pointers; the runtime owns tensors,
// checks shapes in Prepare and turns a KernelStatus into a message naming the operator.
#pragma once

#include <cstdint>
#include <type_traits>

namespace bsb::rt::kernels {

// a + b wrapping around like the hardware's two's-complement adder. On a real model TFLite's
// accumulators never overflow, so results are the same as a plain `+`; a hostile model can
// push them past the type's range, where a signed `+` is undefined behaviour.
template <typename T>
constexpr T WrapAdd(T a, T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
}

// Up to 6 dimensions, row-major, activations NHWC.
struct Shape {
  static constexpr int kMaxRank = 6;
  int32_t rank = 0;
  int32_t dims[kMaxRank] = {};

  int32_t Dim(int i) const { return dims[i]; }
  // Product of all dimensions (1 for rank 0).
  int64_t FlatSize() const {
    int64_t n = 1;
    for (int i = 0; i < rank; ++i) n *= dims[i];
    return n;
  }
};

// Builds a shape from a list: MakeShape({1, 4, 4, 2}).
template <int N>
Shape MakeShape(const int32_t (&dims)[N]) {
  static_assert(N <= Shape::kMaxRank, "rank above 6");
  Shape s;
  s.rank = N;
  for (int i = 0; i < N; ++i) s.dims[i] = dims[i];
  return s;
}

// TFLite ActivationFunctionType codes (schema.fbs).
enum class Activation : int8_t {
  kNone = 0,
  kRelu = 1,
  kReluN1To1 = 2,
  kRelu6 = 3,
  kTanh = 4,
  kSignBit = 5,
};

// TFLite Padding codes (schema.fbs).
enum class Padding : int8_t {
  kSame = 0,
  kValid = 1,
};

// The integer activation types of the quantized kernels.
enum class QuantType : int8_t {
  kInt8 = 0,
  kInt16 = 1,
};

enum class KernelStatus : int8_t {
  kOk = 0,
  kBadParams,     // a scale, zero point, shape or option no kernel can honour (e.g. scale <= 0)
  kUnsupported,   // a valid combination this kernel set does not implement (e.g. fused TANH)
};

}  // namespace bsb::rt::kernels
