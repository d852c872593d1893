// Runs one model in one arena. Prepare() does every check, resolves a kernel per operator,
// lets kernels precompute, plans activations and places them; Invoke() then runs the operators
// in order without allocating. Arena layout (as TFLite Micro): planned activation buffers from
// the start ("head"), persistent data (tensor and node tables, kernel parameters, dequantized
// float16 weights) from the end ("tail"). Temporary planning data sits at the head during
// Prepare and is released.
#pragma once

#include <cstddef>
#include <cstdint>

#include "agent/runtime/kernel_api.h"
#include "agent/runtime/model.h"
#include "agent/runtime/op_registry.h"

namespace bsb::rt {

class Interpreter {
 public:
  Interpreter() : context_(this) {}
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  // `model` must have passed LoadModel and outlive the interpreter; `arena` must stay valid.
  // Unsupported ops/types fail here, naming the operator, its index and its tensor types.
  Status Prepare(const Model& model, uint8_t* arena, std::size_t arena_bytes, ErrorReporter* err,
                 const KernelRegistry& registry = KernelRegistry::Reference());
  // Runs every operator once over the current input tensors.
  Status Invoke();

  int input_count() const;
  int output_count() const;
  Tensor* input(int i) const;
  Tensor* output(int i) const;
  int tensor_count() const { return tensor_count_; }
  Tensor* tensor(int i) const { return &tensors_[i]; }
  int node_count() const { return node_count_; }
  const Node& node(int i) const { return nodes_[i]; }

  // Planned activation bytes (the head), persistent bytes (the tail), and their sum as TFLite
  // Micro's arena_used_bytes counts it: max(head, planning temporaries) + tail.
  std::size_t head_bytes() const { return head_bytes_; }
  std::size_t tail_bytes() const { return tail_bytes_; }
  std::size_t arena_used_bytes() const { return (head_bytes_ > temp_peak_bytes_ ? head_bytes_ : temp_peak_bytes_) + tail_bytes_; }
  // When Prepare failed with kArenaTooSmall: a lower bound of the bytes it needed.
  std::size_t arena_needed_bytes() const { return needed_bytes_; }

 private:
  class InterpreterContext final : public Context {
   public:
    explicit InterpreterContext(Interpreter* owner) : owner_(owner) {}
    Tensor* Input(const Node& node, int i) override;
    Tensor* Output(const Node& node, int i) override;
    void* AllocatePersistent(std::size_t bytes) override;
    Status RequestScratch(Node& node, std::size_t bytes) override;
    void* Scratch(const Node& node) override;

   private:
    Interpreter* owner_;
  };

  void Reset();
  void* AllocateTail(std::size_t bytes);
  Status InitTensors();
  Status ResolveKernels(const KernelRegistry& registry);
  Status PlanAndPlace();
  void DescribeTypes(const Node& node, char* out, std::size_t out_bytes) const;

  InterpreterContext context_;
  const Model* model_ = nullptr;
  ErrorReporter* err_ = nullptr;
  uint8_t* arena_begin_ = nullptr;  // 16-aligned
  uint8_t* arena_end_ = nullptr;    // 16-aligned, tail grows down from here
  uint8_t* tail_ = nullptr;
  std::size_t head_bytes_ = 0;
  std::size_t tail_bytes_ = 0;
  std::size_t temp_peak_bytes_ = 0;
  std::size_t needed_bytes_ = 0;
  Tensor* tensors_ = nullptr;
  int tensor_count_ = 0;
  Node* nodes_ = nullptr;
  int node_count_ = 0;
  // Scratch requests: sizes during Prepare, placed pointers after.
  static constexpr int kMaxScratch = 64;
  std::size_t scratch_bytes_[kMaxScratch] = {};
  int32_t scratch_node_[kMaxScratch] = {};
  uint8_t* scratch_data_[kMaxScratch] = {};
  int scratch_count_ = 0;
  bool prepared_ = false;
};

}  // namespace bsb::rt
