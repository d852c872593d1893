// Model → .tflite bytes with flatbuffers' FlatBufferBuilder and the runtime's generated schema.
#include <cstring>

#include "agent/runtime/schema/tflite_generated.h"
#include "artifacts/tflite_model.h"

namespace bsb::artifacts {
namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

std::pair<tflite::BuiltinOptions, Offset<void>> BuildOptions(FlatBufferBuilder& b, const Operator& op) {
  const Options& o = op.options;
  const auto act = static_cast<tflite::ActivationFunctionType>(o.fused_activation);
  const auto pad = static_cast<tflite::Padding>(o.padding);
  switch (static_cast<Op>(op.op)) {
    case Op::kConv2D:
      return {tflite::BuiltinOptions_Conv2DOptions,
              tflite::CreateConv2DOptions(b, pad, o.stride_w, o.stride_h, act, o.dilation_w, o.dilation_h).Union()};
    case Op::kDepthwiseConv2D:
      return {tflite::BuiltinOptions_DepthwiseConv2DOptions,
              tflite::CreateDepthwiseConv2DOptions(b, pad, o.stride_w, o.stride_h, o.depth_multiplier, act,
                                                   o.dilation_w, o.dilation_h).Union()};
    case Op::kAveragePool2D:
    case Op::kMaxPool2D:
      return {tflite::BuiltinOptions_Pool2DOptions,
              tflite::CreatePool2DOptions(b, pad, o.stride_w, o.stride_h, o.filter_w, o.filter_h, act).Union()};
    case Op::kFullyConnected:
      return {tflite::BuiltinOptions_FullyConnectedOptions,
              tflite::CreateFullyConnectedOptions(b, act, tflite::FullyConnectedOptionsWeightsFormat_DEFAULT,
                                                  o.keep_num_dims, o.asymmetric_quantize_inputs).Union()};
    case Op::kSoftmax:
      return {tflite::BuiltinOptions_SoftmaxOptions, tflite::CreateSoftmaxOptions(b, o.beta).Union()};
    case Op::kConcatenation:
      return {tflite::BuiltinOptions_ConcatenationOptions,
              tflite::CreateConcatenationOptions(b, o.concat_axis, act).Union()};
    case Op::kReshape:
      return {tflite::BuiltinOptions_ReshapeOptions,
              tflite::CreateReshapeOptions(b, b.CreateVector(o.new_shape)).Union()};
    case Op::kDequantize:
      return {tflite::BuiltinOptions_DequantizeOptions, tflite::CreateDequantizeOptions(b).Union()};
    case Op::kQuantize:
      return {tflite::BuiltinOptions_QuantizeOptions, tflite::CreateQuantizeOptions(b).Union()};
    default:  // RELU, RELU6, LOGISTIC, TANH: no options
      return {tflite::BuiltinOptions_NONE, 0};
  }
}

}  // namespace

const char* OpName(int32_t code) {
  const char* name = code >= tflite::BuiltinOperator_MIN && code <= tflite::BuiltinOperator_MAX
                         ? tflite::EnumNameBuiltinOperator(static_cast<tflite::BuiltinOperator>(code))
                         : "";
  return name != nullptr && *name != '\0' ? name : "an operator outside the runtime's schema subset";
}

size_t TensorTypeBytes(TensorType type) {
  switch (type) {
    case TensorType::kFloat32: case TensorType::kInt32: return 4;
    case TensorType::kFloat16: case TensorType::kInt16: return 2;
    case TensorType::kInt64: return 8;
    case TensorType::kInt8: return 1;
  }
  return 1;
}

size_t Tensor::Elements() const {
  size_t n = 1;
  for (int32_t d : shape) n *= static_cast<size_t>(d > 0 ? d : 0);
  return n;
}

std::vector<float> FloatData(const Tensor& t) {
  std::vector<float> v(t.data.size() / sizeof(float));
  std::memcpy(v.data(), t.data.data(), v.size() * sizeof(float));
  return v;
}

void SetFloatData(Tensor* t, const std::vector<float>& values) {
  t->type = TensorType::kFloat32;
  t->data = ToBytes(values);
}

std::vector<uint8_t> Serialize(const Model& model) {
  FlatBufferBuilder b(1024);

  // Operator codes: one per distinct op, in first-use order.
  std::vector<int32_t> codes;
  std::vector<uint32_t> opcode_index;
  for (const Operator& op : model.operators) {
    size_t i = 0;
    while (i < codes.size() && codes[i] != op.op) ++i;
    if (i == codes.size()) codes.push_back(op.op);
    opcode_index.push_back(static_cast<uint32_t>(i));
  }
  std::vector<Offset<tflite::OperatorCode>> code_offsets;
  for (int32_t code : codes) {
    int32_t version = 1;
    for (const Operator& op : model.operators) if (op.op == code) version = std::max(version, op.version);
    // Codes above 127 keep 127 (PLACEHOLDER_FOR_GREATER_OP_CODES) in the old byte field.
    const auto deprecated = static_cast<int8_t>(code < 127 ? code : 127);
    code_offsets.push_back(tflite::CreateOperatorCode(b, deprecated, 0, version,
                                                      static_cast<tflite::BuiltinOperator>(code)));
  }

  // Buffers: [0] is the empty sentinel; each constant tensor gets its own.
  std::vector<Offset<tflite::Buffer>> buffers{tflite::CreateBuffer(b)};
  std::vector<Offset<tflite::Tensor>> tensors;
  for (const Tensor& t : model.tensors) {
    uint32_t buffer = 0;
    if (t.IsConstant()) {
      b.ForceVectorAlignment(t.data.size(), sizeof(uint8_t), 16);
      const auto data = b.CreateVector(t.data);
      buffer = static_cast<uint32_t>(buffers.size());
      buffers.push_back(tflite::CreateBuffer(b, data));
    }
    Offset<tflite::QuantizationParameters> quant = 0;
    if (!t.quant.empty()) {
      quant = tflite::CreateQuantizationParameters(
          b, 0, 0, b.CreateVector(t.quant.scale), b.CreateVector(t.quant.zero_point),
          tflite::QuantizationDetails_NONE, 0, t.quant.quantized_dimension);
    }
    tensors.push_back(tflite::CreateTensor(b, b.CreateVector(t.shape), static_cast<tflite::TensorType>(t.type),
                                           buffer, b.CreateString(t.name), quant));
  }

  std::vector<Offset<tflite::Operator>> operators;
  for (size_t i = 0; i < model.operators.size(); ++i) {
    const Operator& op = model.operators[i];
    const auto inputs = b.CreateVector(op.inputs);
    const auto outputs = b.CreateVector(op.outputs);
    const auto [type, options] = BuildOptions(b, op);
    operators.push_back(tflite::CreateOperator(b, opcode_index[i], inputs, outputs, type, options));
  }
  const auto subgraph = tflite::CreateSubGraph(b, b.CreateVector(tensors), b.CreateVector(model.inputs),
                                               b.CreateVector(model.outputs), b.CreateVector(operators),
                                               b.CreateString("main"));
  const auto root = tflite::CreateModel(b, 3, b.CreateVector(code_offsets),
                                        b.CreateVector(std::vector<Offset<tflite::SubGraph>>{subgraph}),
                                        b.CreateString(model.description), b.CreateVector(buffers));
  tflite::FinishModelBuffer(b, root);
  return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

}  // namespace bsb::artifacts
