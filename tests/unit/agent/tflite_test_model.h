// Builds small .tflite files for runtime tests with flatc's generated builders, so each hostile
// or hand-computed case states its tensors and operators in a few lines.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "agent/runtime/schema/tflite_generated.h"

namespace bsb::rt::testing {

struct TensorSpec {
  std::vector<int32_t> shape;
  tflite::TensorType type = tflite::TensorType_FLOAT32;
  std::vector<uint8_t> data;  // empty: an activation
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  int32_t quantized_dimension = 0;
  int32_t buffer_override = -1;  // >= 0: point at this buffer index instead of our own
};

struct OpSpec {
  int32_t builtin_code = 0;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  tflite::BuiltinOptions options_type = tflite::BuiltinOptions_NONE;
  flatbuffers::Offset<void> (*options)(flatbuffers::FlatBufferBuilder&) = nullptr;
  uint32_t opcode_index_override = UINT32_MAX;
};

struct ModelSpec {
  std::vector<TensorSpec> tensors;
  std::vector<OpSpec> ops;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
  uint32_t version = 3;
};

inline std::vector<uint8_t> BuildModel(const ModelSpec& spec) {
  flatbuffers::FlatBufferBuilder fbb;
  std::vector<flatbuffers::Offset<tflite::Buffer>> buffers{tflite::CreateBuffer(fbb)};
  std::vector<flatbuffers::Offset<tflite::Tensor>> tensors;
  for (const TensorSpec& t : spec.tensors) {
    uint32_t buffer = 0;
    if (!t.data.empty()) {
      fbb.ForceVectorAlignment(t.data.size(), 1, 16);
      auto data = fbb.CreateVector(t.data);
      buffer = static_cast<uint32_t>(buffers.size());
      buffers.push_back(tflite::CreateBuffer(fbb, data));
    }
    if (t.buffer_override >= 0) buffer = static_cast<uint32_t>(t.buffer_override);
    flatbuffers::Offset<tflite::QuantizationParameters> quant = 0;
    if (!t.scales.empty()) {
      quant = tflite::CreateQuantizationParametersDirect(fbb, nullptr, nullptr, &t.scales, &t.zero_points,
                                                         tflite::QuantizationDetails_NONE, 0, t.quantized_dimension);
    }
    tensors.push_back(tflite::CreateTensorDirect(fbb, &t.shape, t.type, buffer, "t", quant));
  }
  std::vector<flatbuffers::Offset<tflite::OperatorCode>> codes;
  std::vector<int32_t> code_of_op;
  std::vector<int32_t> seen;
  for (const OpSpec& op : spec.ops) {
    int32_t index = -1;
    for (size_t i = 0; i < seen.size(); ++i) {
      if (seen[i] == op.builtin_code) index = static_cast<int32_t>(i);
    }
    if (index < 0) {
      index = static_cast<int32_t>(seen.size());
      seen.push_back(op.builtin_code);
      const int8_t deprecated = static_cast<int8_t>(op.builtin_code < 127 ? op.builtin_code : 127);
      codes.push_back(tflite::CreateOperatorCode(fbb, deprecated, 0, 1, static_cast<tflite::BuiltinOperator>(op.builtin_code)));
    }
    code_of_op.push_back(index);
  }
  std::vector<flatbuffers::Offset<tflite::Operator>> ops;
  for (size_t i = 0; i < spec.ops.size(); ++i) {
    const OpSpec& op = spec.ops[i];
    const uint32_t opcode = op.opcode_index_override != UINT32_MAX ? op.opcode_index_override : static_cast<uint32_t>(code_of_op[i]);
    auto options = op.options ? op.options(fbb) : flatbuffers::Offset<void>();
    ops.push_back(tflite::CreateOperatorDirect(fbb, opcode, &op.inputs, &op.outputs, op.options_type, options));
  }
  auto subgraph = tflite::CreateSubGraphDirect(fbb, &tensors, &spec.inputs, &spec.outputs, &ops, "main");
  std::vector<flatbuffers::Offset<tflite::SubGraph>> subgraphs{subgraph};
  auto model = tflite::CreateModelDirect(fbb, spec.version, &codes, &subgraphs, "test", &buffers);
  tflite::FinishModelBuffer(fbb, model);
  return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

// Bytes at a 16-byte aligned address, as the loader requires.
class AlignedCopy {
 public:
  explicit AlignedCopy(const std::vector<uint8_t>& bytes) : storage_(bytes.size() + 16) {
    const uintptr_t base = reinterpret_cast<uintptr_t>(storage_.data());
    data_ = storage_.data() + (16 - base % 16) % 16;
    if (!bytes.empty()) std::memcpy(data_, bytes.data(), bytes.size());
    size_ = bytes.size();
  }
  uint8_t* data() { return data_; }
  size_t size() const { return size_; }

 private:
  std::vector<uint8_t> storage_;
  uint8_t* data_;
  size_t size_;
};

template <typename T>
std::vector<uint8_t> Bytes(const std::vector<T>& values) {
  std::vector<uint8_t> out(values.size() * sizeof(T));
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

}  // namespace bsb::rt::testing
