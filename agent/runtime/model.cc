#include "agent/runtime/model.h"

#include <cstdint>

#include "agent/runtime/tensor.h"

namespace bsb::rt {
namespace {

constexpr uint32_t kSchemaVersion = 3;
// Tensors beyond this element count are refused: sizes must fit int32 index arithmetic.
constexpr int64_t kMaxElements = int64_t{1} << 30;

Status CheckIndexList(const flatbuffers::Vector<int32_t>* list, int tensor_count, bool allow_optional,
                      const char* what, int op_index, ErrorReporter* err) {
  if (list == nullptr) return Status::kOk;
  for (flatbuffers::uoffset_t i = 0; i < list->size(); ++i) {
    const int32_t t = list->Get(i);
    if (t == -1 && allow_optional) continue;
    if (t < 0 || t >= tensor_count) {
      return err->Report(Status::kMalformedModel, "%s %u%s%d refers to tensor %d, but the subgraph has %d tensors",
                         what, static_cast<unsigned>(i), op_index >= 0 ? " of operator " : "",
                         op_index >= 0 ? op_index : 0, static_cast<int>(t), tensor_count);
    }
  }
  return Status::kOk;
}

Status CheckTensor(const tflite::Model* model, const tflite::Tensor* tensor, int index, ErrorReporter* err) {
  const char* name = tensor->name() ? tensor->name()->c_str() : "";
  const auto* shape = tensor->shape();
  const int rank = shape ? static_cast<int>(shape->size()) : 0;
  if (rank > kMaxDims) {
    return err->Report(Status::kUnsupported, "tensor %d '%s' has rank %d; at most %d is supported", index, name, rank, kMaxDims);
  }
  int64_t elements = 1;
  for (int d = 0; d < rank; ++d) {
    const int32_t dim = shape->Get(d);
    if (dim < 0) return err->Report(Status::kMalformedModel, "tensor %d '%s' has negative dimension %d at axis %d", index, name, static_cast<int>(dim), d);
    elements *= dim;
    if (elements > kMaxElements) {
      return err->Report(Status::kMalformedModel, "tensor %d '%s' has more than 2^30 elements", index, name);
    }
  }
  if (tensor->sparsity() != nullptr) {
    return err->Report(Status::kUnsupported, "tensor %d '%s' is sparse; sparse tensors are not supported", index, name);
  }
  const uint32_t buffer = tensor->buffer();
  if (buffer >= model->buffers()->size()) {
    return err->Report(Status::kMalformedModel, "tensor %d '%s' refers to buffer %u, but the model has %u buffers", index, name,
                       static_cast<unsigned>(buffer), static_cast<unsigned>(model->buffers()->size()));
  }
  const tflite::Buffer* buf = model->buffers()->Get(buffer);
  if (buf != nullptr && buf->offset() > 1) {
    return err->Report(Status::kUnsupported, "tensor %d '%s' keeps its data outside the flatbuffer (offset %llu)", index, name,
                       static_cast<unsigned long long>(buf->offset()));
  }
  if (buf != nullptr && buf->data() != nullptr && buf->data()->size() > 0) {
    const std::size_t element_bytes = TypeSizeBytes(tensor->type());
    if (element_bytes == 0) {
      return err->Report(Status::kUnsupported, "tensor %d '%s' holds constant data of type %s, which is not supported", index,
                         name, TypeName(tensor->type()));
    }
    const uint64_t expected = static_cast<uint64_t>(elements) * element_bytes;
    if (buf->data()->size() != expected) {
      return err->Report(Status::kMalformedModel, "tensor %d '%s' needs %llu bytes (%lld elements of %s) but buffer %u holds %u",
                         index, name, static_cast<unsigned long long>(expected), static_cast<long long>(elements),
                         TypeName(tensor->type()), static_cast<unsigned>(buffer), static_cast<unsigned>(buf->data()->size()));
    }
    if (reinterpret_cast<uintptr_t>(buf->data()->data()) % element_bytes != 0) {
      return err->Report(Status::kMalformedModel, "tensor %d '%s': buffer %u is not aligned for %s", index, name, static_cast<unsigned>(buffer),
                         TypeName(tensor->type()));
    }
  }
  if (const auto* q = tensor->quantization(); q != nullptr && q->scale() != nullptr && q->scale()->size() > 0) {
    const uint32_t count = q->scale()->size();
    if (q->zero_point() != nullptr && q->zero_point()->size() != count) {
      return err->Report(Status::kMalformedModel, "tensor %d '%s' has %u scales but %u zero points", index, name, static_cast<unsigned>(count),
                         static_cast<unsigned>(q->zero_point()->size()));
    }
    // Kernels read zero points as int64 in place; a hostile file may place them 4 bytes off.
    if (q->zero_point() != nullptr && reinterpret_cast<uintptr_t>(q->zero_point()->data()) % alignof(int64_t) != 0) {
      return err->Report(Status::kMalformedModel, "tensor %d '%s': zero points are not 8-byte aligned", index, name);
    }
    // A zero point outside the integer type's range makes the kernels' offsets overflow.
    if (q->zero_point() != nullptr && (tensor->type() == tflite::TensorType_INT8 || tensor->type() == tflite::TensorType_INT16)) {
      const int64_t lo = tensor->type() == tflite::TensorType_INT8 ? -128 : -32768;
      const int64_t hi = tensor->type() == tflite::TensorType_INT8 ? 127 : 32767;
      for (uint32_t i = 0; i < q->zero_point()->size(); ++i) {
        const int64_t z = q->zero_point()->data()[i];
        if (z < lo || z > hi) {
          return err->Report(Status::kMalformedModel, "tensor %d '%s' (%s) has zero point %lld outside [%lld, %lld]", index, name,
                             TypeName(tensor->type()), static_cast<long long>(z), static_cast<long long>(lo), static_cast<long long>(hi));
        }
      }
    }
    if (count > 1) {
      const int qd = q->quantized_dimension();
      if (qd < 0 || qd >= rank || static_cast<uint32_t>(shape->Get(qd)) != count) {
        return err->Report(Status::kMalformedModel, "tensor %d '%s' has %u per-channel scales that do not match quantized dimension %d",
                           index, name, static_cast<unsigned>(count), qd);
      }
    }
  }
  return Status::kOk;
}

}  // namespace

int32_t Model::OpCode(int op_index) const {
  const auto* op = subgraph->operators()->Get(op_index);
  const auto* code = model->operator_codes()->Get(op->opcode_index());
  const int32_t deprecated = code->deprecated_builtin_code();
  const int32_t builtin = static_cast<int32_t>(code->builtin_code());
  return builtin > deprecated ? builtin : deprecated;
}

const flatbuffers::Vector<uint8_t>* Model::TensorData(int tensor_index) const {
  const auto* tensor = subgraph->tensors()->Get(tensor_index);
  const auto* bytes = model->buffers()->Get(tensor->buffer())->data();
  return bytes != nullptr && bytes->size() > 0 ? bytes : nullptr;
}

Status LoadModel(const uint8_t* data, std::size_t size_bytes, Model* out, ErrorReporter* err) {
  *out = Model{};
  if (data == nullptr || size_bytes < 8) {
    return err->Report(Status::kMalformedModel, "not a .tflite file: %zu bytes is too short", size_bytes);
  }
  if (reinterpret_cast<uintptr_t>(data) % 16 != 0) {
    return err->Report(Status::kInvalidArgument, "model bytes must be 16-byte aligned (weights are used in place)");
  }
  if (!tflite::ModelBufferHasIdentifier(data)) {
    return err->Report(Status::kMalformedModel, "not a .tflite file: bytes 4-7 are not the identifier \"TFL3\"");
  }
  flatbuffers::Verifier verifier(data, size_bytes, /*max_depth=*/64, /*max_tables=*/1000000);
  if (!tflite::VerifyModelBuffer(verifier)) {
    return err->Report(Status::kMalformedModel,
                       "the flatbuffer failed verification (an offset, vtable or vector lies outside the %zu-byte file)",
                       size_bytes);
  }
  const tflite::Model* model = tflite::GetModel(data);
  if (model->version() != kSchemaVersion) {
    return err->Report(Status::kUnsupported, "schema version %u; only version %u is supported", static_cast<unsigned>(model->version()), static_cast<unsigned>(kSchemaVersion));
  }
  if (model->subgraphs() == nullptr || model->subgraphs()->size() == 0) {
    return err->Report(Status::kMalformedModel, "the model has no subgraph");
  }
  if (model->buffers() == nullptr || model->buffers()->size() == 0) {
    return err->Report(Status::kMalformedModel, "the model has no buffers (buffer 0 is the required empty sentinel)");
  }
  for (flatbuffers::uoffset_t b = 0; b < model->buffers()->size(); ++b) {
    if (model->buffers()->Get(b) == nullptr) return err->Report(Status::kMalformedModel, "buffer %u is null", static_cast<unsigned>(b));
  }
  const tflite::SubGraph* subgraph = model->subgraphs()->Get(0);
  if (subgraph == nullptr || subgraph->tensors() == nullptr) {
    return err->Report(Status::kMalformedModel, "subgraph 0 has no tensors");
  }
  const int tensor_count = static_cast<int>(subgraph->tensors()->size());
  for (int t = 0; t < tensor_count; ++t) {
    const tflite::Tensor* tensor = subgraph->tensors()->Get(t);
    if (tensor == nullptr) return err->Report(Status::kMalformedModel, "tensor %d is null", t);
    if (Status s = CheckTensor(model, tensor, t, err); s != Status::kOk) return s;
  }
  if (Status s = CheckIndexList(subgraph->inputs(), tensor_count, false, "subgraph input", -1, err); s != Status::kOk) return s;
  if (Status s = CheckIndexList(subgraph->outputs(), tensor_count, false, "subgraph output", -1, err); s != Status::kOk) return s;
  const uint32_t code_count = model->operator_codes() ? model->operator_codes()->size() : 0;
  for (uint32_t c = 0; c < code_count; ++c) {
    if (model->operator_codes()->Get(c) == nullptr) return err->Report(Status::kMalformedModel, "operator code %u is null", static_cast<unsigned>(c));
  }
  const uint32_t op_count = subgraph->operators() ? subgraph->operators()->size() : 0;
  for (uint32_t i = 0; i < op_count; ++i) {
    const tflite::Operator* op = subgraph->operators()->Get(i);
    if (op == nullptr) return err->Report(Status::kMalformedModel, "operator %u is null", static_cast<unsigned>(i));
    if (op->opcode_index() >= code_count) {
      return err->Report(Status::kMalformedModel, "operator %u uses opcode %u, but the model lists %u operator codes", static_cast<unsigned>(i),
                         static_cast<unsigned>(op->opcode_index()), static_cast<unsigned>(code_count));
    }
    const int oi = static_cast<int>(i);
    if (Status s = CheckIndexList(op->inputs(), tensor_count, true, "input", oi, err); s != Status::kOk) return s;
    if (Status s = CheckIndexList(op->outputs(), tensor_count, false, "output", oi, err); s != Status::kOk) return s;
    if (Status s = CheckIndexList(op->intermediates(), tensor_count, false, "intermediate", oi, err); s != Status::kOk) return s;
  }
  out->data = data;
  out->size_bytes = size_bytes;
  out->model = model;
  out->subgraph = subgraph;
  return Status::kOk;
}

const char* OpName(int32_t builtin_code) {
  if (builtin_code >= 0) {
    const char* name = tflite::EnumNameBuiltinOperator(static_cast<tflite::BuiltinOperator>(builtin_code));
    if (name != nullptr && name[0] != '\0') return name;
  }
  return "UNKNOWN_OP";
}

}  // namespace bsb::rt
