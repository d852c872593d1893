// The kernel seam: what an op implementation sees. A kernel registers {prepare, invoke} for an
// (operator, input type, filter type) key; the reference set lives in ops/, and an optimized
// variant for a platform replaces one entry through KernelRegistry (op_registry.h).
//
// prepare: runs once in Interpreter::Prepare. Checks types, shapes and options, precomputes
//          (multipliers, shifts, LUTs) into persistent arena memory, requests scratch buffers.
//          Any failure is reported through ctx.err naming the operator.
// invoke:  runs every inference. No allocation, no checks that prepare could have done.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>

#include "agent/runtime/schema/tflite_generated.h"
#include "agent/runtime/status.h"
#include "agent/runtime/tensor.h"

namespace bsb::rt {

class Context;
struct Node;

struct KernelRegistration {
  int32_t op;                    // builtin code
  tflite::TensorType input_type; // type of input 0
  int filter_type;               // type of input 1 for FC/CONV/DEPTHWISE, -1 = any
  const char* variant;           // "reference", or the optimized variant's name
  Status (*prepare)(Context& ctx, Node& node);
  Status (*invoke)(Context& ctx, const Node& node);
};

struct Node {
  int index = 0;                        // position in execution order
  int32_t op = 0;                       // reconciled builtin code
  const tflite::Operator* options = nullptr;
  const int32_t* inputs = nullptr;      // tensor indices, -1 = omitted optional input
  int input_count = 0;
  const int32_t* outputs = nullptr;
  int output_count = 0;
  const KernelRegistration* kernel = nullptr;
  void* user_data = nullptr;            // prepare's precomputed parameters (persistent arena)
  int32_t scratch_index = -1;           // from Context::RequestScratch, -1 = none
};

// Services the interpreter offers kernels.
class Context {
 public:
  ErrorReporter* err = nullptr;

  // Input i of the node, or null when omitted (-1) or i is past the input count.
  virtual Tensor* Input(const Node& node, int i) = 0;
  virtual Tensor* Output(const Node& node, int i) = 0;
  // Prepare only: memory that lives as long as the interpreter (arena tail). Null if the arena
  // is full (the caller reports kArenaTooSmall).
  virtual void* AllocatePersistent(std::size_t bytes) = 0;
  // Prepare only: a buffer live during this node's invoke only, placed by the planner.
  virtual Status RequestScratch(Node& node, std::size_t bytes) = 0;
  // Invoke only: the node's scratch buffer.
  virtual void* Scratch(const Node& node) = 0;

  // Typed helper: persistent storage for a parameter struct, value-initialized.
  template <typename T> T* AllocateParams() {
    void* p = AllocatePersistent(sizeof(T));
    return p == nullptr ? nullptr : new (p) T();
  }

  // Reports a failure naming the operator: "operator 3 (CONV_2D): <message>".
  Status Fail(const Node& node, Status status, const char* format, ...) __attribute__((format(printf, 4, 5)));

 protected:
  // Never deleted through a Context*: no virtual destructor, so no operator delete is needed
  // on bare metal.
  ~Context() = default;
};

}  // namespace bsb::rt
