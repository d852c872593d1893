// Loading a .tflite file: the flatbuffers Verifier, then structural checks, so that nothing
// after LoadModel() can read outside the file. The model's bytes are used in place: they must
// outlive the Model and be 16-byte aligned (weights are read as int32/float directly).
#pragma once

#include <cstddef>
#include <cstdint>

#include "agent/runtime/schema/tflite_generated.h"
#include "agent/runtime/status.h"

namespace bsb::rt {

struct Model {
  const uint8_t* data = nullptr;
  std::size_t size_bytes = 0;
  const tflite::Model* model = nullptr;
  const tflite::SubGraph* subgraph = nullptr;  // subgraph 0, the one that runs

  int tensor_count() const { return static_cast<int>(subgraph->tensors()->size()); }
  int operator_count() const { return subgraph->operators() ? static_cast<int>(subgraph->operators()->size()) : 0; }
  // The reconciled builtin code of operator i: max(builtin_code, deprecated_builtin_code).
  int32_t OpCode(int op_index) const;
  // Bytes of a tensor's constant data, or null when its buffer is empty.
  const flatbuffers::Vector<uint8_t>* TensorData(int tensor_index) const;
};

// Verifies and checks `data` (see file comment). On failure returns kMalformedModel or
// kUnsupported with a message naming the offending tensor/operator/buffer.
Status LoadModel(const uint8_t* data, std::size_t size_bytes, Model* out, ErrorReporter* err);

// "FULLY_CONNECTED", or "UNKNOWN_OP" for codes this runtime does not name (print the code too).
const char* OpName(int32_t builtin_code);

}  // namespace bsb::rt
