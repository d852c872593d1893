#include "agent/runtime/tensor.h"

namespace bsb::rt {

std::size_t TypeSizeBytes(tflite::TensorType type) {
  switch (type) {
    case tflite::TensorType_FLOAT32: return 4;
    case tflite::TensorType_FLOAT16: return 2;
    case tflite::TensorType_INT32: return 4;
    case tflite::TensorType_UINT8: return 1;
    case tflite::TensorType_INT64: return 8;
    case tflite::TensorType_BOOL: return 1;
    case tflite::TensorType_INT16: return 2;
    case tflite::TensorType_INT8: return 1;
    case tflite::TensorType_FLOAT64: return 8;
    case tflite::TensorType_UINT64: return 8;
    case tflite::TensorType_UINT32: return 4;
    case tflite::TensorType_UINT16: return 2;
    default: return 0;
  }
}

const char* TypeName(tflite::TensorType type) {
  const char* name = tflite::EnumNameTensorType(type);
  return name[0] != '\0' ? name : "UNKNOWN_TYPE";
}

}  // namespace bsb::rt
