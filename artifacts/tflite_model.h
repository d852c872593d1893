// An editable, in-memory TFLite model (one subgraph): what the zoo exports, what the quantizer
// reads, rewrites and writes. Serialize() is the project's .tflite writer (flatbuffers builder
// on the runtime's schema subset agent/runtime/schema/tflite.fbs); Parse() reads a file back
// (Verifier first), keeping only what the writer can write again.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/result.h"

namespace bsb::artifacts {

// Numeric values of the schema enums (tflite-reference §1), so callers need not include the
// generated header.
enum class TensorType : int8_t { kFloat32 = 0, kFloat16 = 1, kInt32 = 2, kInt64 = 4, kInt16 = 7, kInt8 = 9 };
enum class Op : int32_t {
  kAveragePool2D = 1, kConcatenation = 2, kConv2D = 3, kDepthwiseConv2D = 4, kDequantize = 6,
  kFullyConnected = 9, kLogistic = 14, kMaxPool2D = 17, kRelu = 19, kRelu6 = 21, kReshape = 22,
  kSoftmax = 25, kTanh = 28, kQuantize = 114,
};
const char* OpName(int32_t code);
size_t TensorTypeBytes(TensorType type);

struct Quantization {
  std::vector<float> scale;
  std::vector<int64_t> zero_point;
  int32_t quantized_dimension = 0;
  bool empty() const { return scale.empty(); }
};

struct Tensor {
  std::string name;
  std::vector<int32_t> shape;
  TensorType type = TensorType::kFloat32;
  std::vector<uint8_t> data;  // constant bytes (little-endian); empty = activation / input
  Quantization quant;

  size_t Elements() const;
  bool IsConstant() const { return !data.empty(); }
};

// Builtin options, flattened: the writer emits the table that `op` takes, from these fields.
struct Options {
  int8_t padding = 0;  // SAME 0, VALID 1
  int32_t stride_w = 1, stride_h = 1, filter_w = 1, filter_h = 1;
  int32_t dilation_w = 1, dilation_h = 1, depth_multiplier = 1;
  int8_t fused_activation = 0;  // NONE 0, RELU 1, RELU6 3
  float beta = 1.0f;            // SOFTMAX
  std::vector<int32_t> new_shape;  // RESHAPE
  bool keep_num_dims = false;      // FULLY_CONNECTED
  bool asymmetric_quantize_inputs = false;  // hybrid FC / conv
  int32_t concat_axis = 0;
};

struct Operator {
  int32_t op = 0;      // BuiltinOperator code
  int32_t version = 1;
  std::vector<int32_t> inputs, outputs;  // tensor indices, -1 = omitted optional input
  Options options;
};

struct Model {
  std::string description;
  std::vector<Tensor> tensors;
  std::vector<Operator> operators;  // execution order
  std::vector<int32_t> inputs, outputs;

  int32_t AddTensor(Tensor t) {
    tensors.push_back(std::move(t));
    return static_cast<int32_t>(tensors.size() - 1);
  }
};

// The .tflite bytes: version 3, identifier "TFL3", buffers[0] the empty sentinel, one buffer
// per constant tensor, operator codes with both builtin_code and deprecated_builtin_code.
// Deterministic: the same Model gives the same bytes.
std::vector<uint8_t> Serialize(const Model& model);

// Reads a .tflite (single subgraph). `name` prefixes errors. Operators whose options the
// writer cannot express are an error naming the operator.
Result<Model> Parse(const std::vector<uint8_t>& bytes, const std::string& name);

// Typed views of constant data (little-endian hosts only; checked at startup of the writer).
std::vector<float> FloatData(const Tensor& t);
void SetFloatData(Tensor* t, const std::vector<float>& values);
template <typename T>
std::vector<uint8_t> ToBytes(const std::vector<T>& values) {
  const auto* p = reinterpret_cast<const uint8_t*>(values.data());
  return std::vector<uint8_t>(p, p + values.size() * sizeof(T));
}

}  // namespace bsb::artifacts
