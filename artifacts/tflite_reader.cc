// .tflite bytes → Model, for the quantizer. Verifier first; then only what the writer can
// express again is accepted, and anything else is an error naming it.
#include <cstring>

#include "agent/runtime/schema/tflite_generated.h"
#include "artifacts/tflite_model.h"

namespace bsb::artifacts {
namespace {

// Copied with memcpy: the Verifier checks a vector's length field (4-byte aligned), not that
// 8-byte elements (int64 zero points) are 8-byte aligned, so a hostile file may misplace them.
template <typename T>
std::vector<T> ToStd(const flatbuffers::Vector<T>* v) {
  if (v == nullptr) return {};
  std::vector<T> out(v->size());
  if (!out.empty()) std::memcpy(out.data(), v->Data(), out.size() * sizeof(T));
  return out;
}

bool ReadOptions(const tflite::Operator& op, int32_t code, Options* o) {
  switch (static_cast<Op>(code)) {
    case Op::kConv2D: {
      const auto* p = op.builtin_options_as_Conv2DOptions();
      if (p == nullptr) return false;
      o->padding = p->padding(), o->stride_w = p->stride_w(), o->stride_h = p->stride_h();
      o->fused_activation = p->fused_activation_function();
      o->dilation_w = p->dilation_w_factor(), o->dilation_h = p->dilation_h_factor();
      return true;
    }
    case Op::kDepthwiseConv2D: {
      const auto* p = op.builtin_options_as_DepthwiseConv2DOptions();
      if (p == nullptr) return false;
      o->padding = p->padding(), o->stride_w = p->stride_w(), o->stride_h = p->stride_h();
      o->depth_multiplier = p->depth_multiplier(), o->fused_activation = p->fused_activation_function();
      o->dilation_w = p->dilation_w_factor(), o->dilation_h = p->dilation_h_factor();
      return true;
    }
    case Op::kAveragePool2D:
    case Op::kMaxPool2D: {
      const auto* p = op.builtin_options_as_Pool2DOptions();
      if (p == nullptr) return false;
      o->padding = p->padding(), o->stride_w = p->stride_w(), o->stride_h = p->stride_h();
      o->filter_w = p->filter_width(), o->filter_h = p->filter_height();
      o->fused_activation = p->fused_activation_function();
      return true;
    }
    case Op::kFullyConnected: {
      const auto* p = op.builtin_options_as_FullyConnectedOptions();
      if (p == nullptr) return true;  // all defaults
      if (p->weights_format() != tflite::FullyConnectedOptionsWeightsFormat_DEFAULT) return false;
      o->fused_activation = p->fused_activation_function(), o->keep_num_dims = p->keep_num_dims();
      o->asymmetric_quantize_inputs = p->asymmetric_quantize_inputs();
      return true;
    }
    case Op::kSoftmax: {
      const auto* p = op.builtin_options_as_SoftmaxOptions();
      o->beta = p != nullptr ? p->beta() : 1.0f;
      return true;
    }
    case Op::kConcatenation: {
      const auto* p = op.builtin_options_as_ConcatenationOptions();
      if (p == nullptr) return false;
      o->concat_axis = p->axis(), o->fused_activation = p->fused_activation_function();
      return true;
    }
    case Op::kReshape: {
      const auto* p = op.builtin_options_as_ReshapeOptions();
      if (p != nullptr) o->new_shape = ToStd(p->new_shape());
      return true;
    }
    case Op::kRelu: case Op::kRelu6: case Op::kLogistic: case Op::kTanh:
    case Op::kDequantize: case Op::kQuantize:
      return true;
  }
  return false;
}

}  // namespace

Result<Model> Parse(const std::vector<uint8_t>& bytes, const std::string& name) {
  flatbuffers::Verifier verifier(bytes.data(), bytes.size());
  // The identifier is bytes 4..7: check the length before looking at them.
  if (bytes.size() < 8 || !tflite::ModelBufferHasIdentifier(bytes.data()) || !tflite::VerifyModelBuffer(verifier)) {
    return MakeError(name + ": not a valid .tflite file (flatbuffer verification failed)");
  }
  const tflite::Model* fb = tflite::GetModel(bytes.data());
  if (fb->subgraphs() == nullptr || fb->subgraphs()->size() != 1) {
    return MakeError(name + ": the quantizer handles models with exactly one subgraph");
  }
  const tflite::SubGraph* sg = fb->subgraphs()->Get(0);
  const auto* buffers = fb->buffers();
  Model m;
  if (fb->description() != nullptr) m.description = fb->description()->str();
  if (sg->tensors() != nullptr) {
    for (flatbuffers::uoffset_t i = 0; i < sg->tensors()->size(); ++i) {
      const tflite::Tensor* t = sg->tensors()->Get(i);
      Tensor out;
      out.name = t->name() != nullptr ? t->name()->str() : "";
      out.shape = ToStd(t->shape());
      switch (t->type()) {
        case tflite::TensorType_FLOAT32: case tflite::TensorType_FLOAT16: case tflite::TensorType_INT32:
        case tflite::TensorType_INT64: case tflite::TensorType_INT16: case tflite::TensorType_INT8:
          out.type = static_cast<TensorType>(t->type());
          break;
        default:
          return MakeError(name + ": tensor " + std::to_string(i) + " '" + out.name + "' has type " +
                           tflite::EnumNameTensorType(t->type()) + ", which the quantizer does not handle");
      }
      if (t->buffer() != 0) {
        if (buffers == nullptr || t->buffer() >= buffers->size()) {
          return MakeError(name + ": tensor " + std::to_string(i) + " refers to missing buffer " +
                           std::to_string(t->buffer()));
        }
        const tflite::Buffer* buf = buffers->Get(t->buffer());
        if (buf->offset() > 1) return MakeError(name + ": external buffers (>2 GB models) are not supported");
        out.data = ToStd(buf->data());
        if (!out.data.empty() && out.data.size() != out.Elements() * TensorTypeBytes(out.type)) {
          return MakeError(name + ": tensor " + std::to_string(i) + " '" + out.name + "' has " +
                           std::to_string(out.data.size()) + " data bytes for " +
                           std::to_string(out.Elements()) + " elements");
        }
      }
      if (const auto* q = t->quantization(); q != nullptr) {
        out.quant.scale = ToStd(q->scale());
        out.quant.zero_point = ToStd(q->zero_point());
        out.quant.quantized_dimension = q->quantized_dimension();
      }
      m.tensors.push_back(std::move(out));
    }
  }
  const auto n_tensors = static_cast<int32_t>(m.tensors.size());
  auto check_indices = [&](const std::vector<int32_t>& idx, bool allow_omitted, const std::string& where) -> Status {
    for (int32_t i : idx) {
      if ((i < 0 && !(allow_omitted && i == -1)) || i >= n_tensors) {
        return MakeError(name + ": " + where + " refers to tensor " + std::to_string(i) + " of " +
                         std::to_string(n_tensors));
      }
    }
    return Ok{};
  };
  m.inputs = ToStd(sg->inputs());
  m.outputs = ToStd(sg->outputs());
  if (auto s = check_indices(m.inputs, false, "subgraph inputs"); !s) return s.error();
  if (auto s = check_indices(m.outputs, false, "subgraph outputs"); !s) return s.error();
  const auto* codes = fb->operator_codes();
  if (sg->operators() != nullptr) {
    for (flatbuffers::uoffset_t i = 0; i < sg->operators()->size(); ++i) {
      const tflite::Operator* op = sg->operators()->Get(i);
      if (codes == nullptr || op->opcode_index() >= codes->size()) {
        return MakeError(name + ": operator " + std::to_string(i) + " has no operator code");
      }
      const tflite::OperatorCode* code = codes->Get(op->opcode_index());
      Operator out;
      out.op = std::max<int32_t>(code->builtin_code(), code->deprecated_builtin_code());
      out.version = code->version();
      out.inputs = ToStd(op->inputs());
      out.outputs = ToStd(op->outputs());
      const std::string where = "operator " + std::to_string(i) + " (" + OpName(out.op) + ")";
      if (!ReadOptions(*op, out.op, &out.options)) {
        return MakeError(name + ": " + where + " is not supported by the quantizer");
      }
      if (auto s = check_indices(out.inputs, true, where); !s) return s.error();
      if (auto s = check_indices(out.outputs, false, where); !s) return s.error();
      m.operators.push_back(std::move(out));
    }
  }
  return m;
}

}  // namespace bsb::artifacts
