#include "agent/runtime/model_stats.h"

#include "agent/runtime/tensor.h"

namespace bsb::rt {
namespace {

const tflite::Tensor* TensorAt(const Model& m, int index) { return m.subgraph->tensors()->Get(index); }

int64_t Elements(const tflite::Tensor* t) {
  int64_t n = 1;
  if (t->shape() != nullptr) {
    for (flatbuffers::uoffset_t i = 0; i < t->shape()->size(); ++i) n *= t->shape()->Get(i);
  }
  return n;
}

int32_t Dim(const tflite::Tensor* t, int i) {
  return t->shape() != nullptr && static_cast<int>(t->shape()->size()) > i ? t->shape()->Get(i) : 0;
}

int InputIndex(const tflite::Operator* op, int i) {
  return op->inputs() != nullptr && static_cast<int>(op->inputs()->size()) > i ? op->inputs()->Get(i) : -1;
}

bool IsFloat(tflite::TensorType t) { return t == tflite::TensorType_FLOAT32; }

}  // namespace

int64_t OperatorMacs(const Model& m, int op_index) {
  const tflite::Operator* op = m.subgraph->operators()->Get(op_index);
  const int32_t code = m.OpCode(op_index);
  const int in0 = InputIndex(op, 0), in1 = InputIndex(op, 1);
  if (op->outputs() == nullptr || op->outputs()->size() == 0 || in0 < 0) return 0;
  const tflite::Tensor* out = TensorAt(m, op->outputs()->Get(0));
  switch (code) {
    case tflite::BuiltinOperator_FULLY_CONNECTED:
      // Every output element sums over D = weights dim 1.
      return in1 >= 0 ? Elements(out) * Dim(TensorAt(m, in1), 1) : 0;
    case tflite::BuiltinOperator_CONV_2D:
      // Filter [O, KH, KW, I/groups]: each output element sums KH·KW·I/groups products.
      return in1 >= 0 ? Elements(out) * Dim(TensorAt(m, in1), 1) * Dim(TensorAt(m, in1), 2) * Dim(TensorAt(m, in1), 3) : 0;
    case tflite::BuiltinOperator_DEPTHWISE_CONV_2D:
      // Filter [1, KH, KW, C·mult]: KH·KW products per output element.
      return in1 >= 0 ? Elements(out) * Dim(TensorAt(m, in1), 1) * Dim(TensorAt(m, in1), 2) : 0;
    case tflite::BuiltinOperator_MUL:
      return Elements(out);
    default:
      return 0;
  }
}

ModelStats ComputeModelStats(const Model& m) {
  ModelStats stats;
  const int tensor_count = m.tensor_count();
  for (int t = 0; t < tensor_count; ++t) {
    if (const auto* data = m.TensorData(t)) {
      stats.parameter_count += Elements(TensorAt(m, t));
      stats.parameter_bytes += data->size();
    }
  }
  bool float16_weights = false, hybrid = false, int8_acts = false, int16_acts = false;
  for (int i = 0; i < m.operator_count(); ++i) {
    stats.macs += OperatorMacs(m, i);
    const tflite::Operator* op = m.subgraph->operators()->Get(i);
    const int32_t code = m.OpCode(i);
    const int in0 = InputIndex(op, 0), in1 = InputIndex(op, 1);
    if (code == tflite::BuiltinOperator_DEQUANTIZE && in0 >= 0 && TensorAt(m, in0)->type() == tflite::TensorType_FLOAT16) {
      float16_weights = true;
    }
    const bool weighted = code == tflite::BuiltinOperator_FULLY_CONNECTED || code == tflite::BuiltinOperator_CONV_2D ||
                          code == tflite::BuiltinOperator_DEPTHWISE_CONV_2D;
    if (weighted && in0 >= 0 && in1 >= 0 && IsFloat(TensorAt(m, in0)->type()) && TensorAt(m, in1)->type() == tflite::TensorType_INT8) {
      hybrid = true;
    }
    if (op->outputs() != nullptr && op->outputs()->size() > 0) {
      const tflite::TensorType out = TensorAt(m, op->outputs()->Get(0))->type();
      if (out == tflite::TensorType_INT8) int8_acts = true;
      if (out == tflite::TensorType_INT16) int16_acts = true;
    }
  }
  bool float_io = false;
  for (const auto* list : {m.subgraph->inputs(), m.subgraph->outputs()}) {
    if (list == nullptr) continue;
    for (flatbuffers::uoffset_t i = 0; i < list->size(); ++i) float_io = float_io || IsFloat(TensorAt(m, list->Get(i))->type());
  }
  if (float16_weights) {
    stats.scheme = Scheme::kFloat16;
  } else if (hybrid) {
    stats.scheme = Scheme::kDynamic;
  } else if (int16_acts) {
    stats.scheme = float_io ? Scheme::kInt16x8 : Scheme::kInt16x8Only;
  } else if (int8_acts) {
    stats.scheme = float_io ? Scheme::kInt8 : Scheme::kInt8Only;
  } else {
    stats.scheme = Scheme::kFp32;
  }
  return stats;
}

}  // namespace bsb::rt
