#include "agent/runtime/interpreter.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "agent/runtime/memory_planner.h"

namespace bsb::rt {
namespace {

constexpr std::size_t kAlignment = 16;  // TFLM's MicroArenaBufferAlignment

std::size_t AlignUp(std::size_t n) { return (n + kAlignment - 1) & ~(kAlignment - 1); }

uint8_t* AlignPtrUp(uint8_t* p) {
  return reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(p) + kAlignment - 1) & ~uintptr_t{kAlignment - 1});
}

uint8_t* AlignPtrDown(uint8_t* p) {
  return reinterpret_cast<uint8_t*>(reinterpret_cast<uintptr_t>(p) & ~uintptr_t{kAlignment - 1});
}

}  // namespace

Status Context::Fail(const Node& node, Status status, const char* format, ...) {
  char detail[ErrorReporter::kCapacity];
  va_list args;
  va_start(args, format);
  std::vsnprintf(detail, sizeof detail, format, args);
  va_end(args);
  return err->Report(status, "operator %d (%s): %s", node.index, OpName(node.op), detail);
}

Tensor* Interpreter::InterpreterContext::Input(const Node& node, int i) {
  if (i < 0 || i >= node.input_count || node.inputs[i] < 0) return nullptr;
  return &owner_->tensors_[node.inputs[i]];
}

Tensor* Interpreter::InterpreterContext::Output(const Node& node, int i) {
  if (i < 0 || i >= node.output_count) return nullptr;
  return &owner_->tensors_[node.outputs[i]];
}

void* Interpreter::InterpreterContext::AllocatePersistent(std::size_t bytes) { return owner_->AllocateTail(bytes); }

Status Interpreter::InterpreterContext::RequestScratch(Node& node, std::size_t bytes) {
  if (owner_->scratch_count_ == kMaxScratch) {
    return Fail(node, Status::kUnsupported, "more than %d scratch buffers requested", kMaxScratch);
  }
  const int s = owner_->scratch_count_++;
  owner_->scratch_bytes_[s] = bytes;
  owner_->scratch_node_[s] = node.index;
  node.scratch_index = s;
  return Status::kOk;
}

void* Interpreter::InterpreterContext::Scratch(const Node& node) {
  return node.scratch_index < 0 ? nullptr : owner_->scratch_data_[node.scratch_index];
}

void* Interpreter::AllocateTail(std::size_t bytes) {
  const std::size_t aligned = AlignUp(bytes == 0 ? 1 : bytes);
  if (static_cast<std::size_t>(tail_ - arena_begin_) < aligned) {
    needed_bytes_ = tail_bytes_ + aligned;
    return nullptr;
  }
  tail_ -= aligned;
  tail_bytes_ += aligned;
  return tail_;
}

void Interpreter::Reset() {
  model_ = nullptr;
  err_ = nullptr;
  arena_begin_ = arena_end_ = tail_ = nullptr;
  head_bytes_ = tail_bytes_ = temp_peak_bytes_ = needed_bytes_ = 0;
  tensors_ = nullptr;
  nodes_ = nullptr;
  tensor_count_ = node_count_ = scratch_count_ = 0;
  prepared_ = false;
}

Status Interpreter::Prepare(const Model& model, uint8_t* arena, std::size_t arena_bytes, ErrorReporter* err,
                            const KernelRegistry& registry) {
  Reset();
  model_ = &model;
  err_ = err;
  context_.err = err;
  if (arena == nullptr || arena_bytes < 2 * kAlignment) {
    needed_bytes_ = 2 * kAlignment;
    return err->Report(Status::kArenaTooSmall, "no arena (or one smaller than %zu bytes) was given", 2 * kAlignment);
  }
  arena_begin_ = AlignPtrUp(arena);
  arena_end_ = AlignPtrDown(arena + arena_bytes);
  tail_ = arena_end_;
  if (Status s = InitTensors(); s != Status::kOk) return s;
  if (Status s = ResolveKernels(registry); s != Status::kOk) return s;
  for (int i = 0; i < node_count_; ++i) {
    Node& node = nodes_[i];
    if (Status s = node.kernel->prepare(context_, node); s != Status::kOk) {
      if (needed_bytes_ > 0) {
        return err->Report(Status::kArenaTooSmall, "arena of %zu bytes is too small while preparing operator %d", arena_bytes, i);
      }
      if (!err->has_error()) context_.Fail(node, s, "prepare failed");
      return s;
    }
  }
  if (Status s = PlanAndPlace(); s != Status::kOk) return s;
  prepared_ = true;
  return Status::kOk;
}

Status Interpreter::InitTensors() {
  const auto* fb_tensors = model_->subgraph->tensors();
  tensor_count_ = static_cast<int>(fb_tensors->size());
  node_count_ = model_->operator_count();
  tensors_ = static_cast<Tensor*>(AllocateTail(sizeof(Tensor) * (tensor_count_ > 0 ? tensor_count_ : 1)));
  nodes_ = static_cast<Node*>(AllocateTail(sizeof(Node) * (node_count_ > 0 ? node_count_ : 1)));
  if (tensors_ == nullptr || nodes_ == nullptr) {
    return err_->Report(Status::kArenaTooSmall, "arena too small for the tensor and operator tables");
  }
  for (int t = 0; t < tensor_count_; ++t) {
    const tflite::Tensor* fb = fb_tensors->Get(t);
    Tensor* tensor = new (&tensors_[t]) Tensor();
    tensor->type = fb->type();
    tensor->name = fb->name() ? fb->name()->c_str() : "";
    tensor->is_variable = fb->is_variable();
    if (const auto* shape = fb->shape()) {
      tensor->shape.rank = static_cast<int32_t>(shape->size());
      for (int d = 0; d < tensor->shape.rank; ++d) tensor->shape.dims[d] = shape->Get(d);
    }
    tensor->bytes = static_cast<std::size_t>(tensor->shape.FlatSize()) * TypeSizeBytes(tensor->type);
    if (const auto* data = model_->TensorData(t)) {
      tensor->data = const_cast<uint8_t*>(data->data());  // weights are read in place, never written
      tensor->is_constant = true;
    }
    if (const auto* q = fb->quantization(); q != nullptr && q->scale() != nullptr && q->scale()->size() > 0) {
      tensor->quant.scales = q->scale()->data();
      tensor->quant.zero_points = q->zero_point() ? q->zero_point()->data() : nullptr;
      tensor->quant.count = static_cast<int32_t>(q->scale()->size());
      tensor->quant.quantized_dimension = q->quantized_dimension();
    }
  }
  return Status::kOk;
}

void Interpreter::DescribeTypes(const Node& node, char* out, std::size_t out_bytes) const {
  std::size_t used = 0;
  auto append = [&](const char* s) {
    const int n = std::snprintf(out + used, out_bytes - used, "%s", s);
    if (n > 0) used += static_cast<std::size_t>(n) < out_bytes - used ? static_cast<std::size_t>(n) : out_bytes - used - 1;
  };
  append("[");
  for (int i = 0; i < node.input_count; ++i) {
    if (i > 0) append(", ");
    append(node.inputs[i] < 0 ? "none" : TypeName(tensors_[node.inputs[i]].type));
  }
  append("] -> [");
  for (int i = 0; i < node.output_count; ++i) {
    if (i > 0) append(", ");
    append(TypeName(tensors_[node.outputs[i]].type));
  }
  append("]");
}

Status Interpreter::ResolveKernels(const KernelRegistry& registry) {
  const auto* ops = model_->subgraph->operators();
  for (int i = 0; i < node_count_; ++i) {
    const tflite::Operator* op = ops->Get(i);
    Node* node = new (&nodes_[i]) Node();
    node->index = i;
    node->op = model_->OpCode(i);
    node->options = op;
    node->inputs = op->inputs() ? op->inputs()->data() : nullptr;
    node->input_count = op->inputs() ? static_cast<int>(op->inputs()->size()) : 0;
    node->outputs = op->outputs() ? op->outputs()->data() : nullptr;
    node->output_count = op->outputs() ? static_cast<int>(op->outputs()->size()) : 0;
    char types[160];
    DescribeTypes(*node, types, sizeof types);
    if (!registry.Knows(node->op)) {
      return err_->Report(Status::kUnsupported, "operator %d (%s, builtin code %d) is not supported by this runtime; tensor types %s",
                          i, OpName(node->op), static_cast<int>(node->op), types);
    }
    if (node->input_count < 1 || node->inputs[0] < 0 || node->output_count < 1) {
      return err_->Report(Status::kMalformedModel, "operator %d (%s) has no input 0 or no output; tensor types %s", i,
                          OpName(node->op), types);
    }
    const int filter_type = node->input_count > 1 && node->inputs[1] >= 0 ? static_cast<int>(tensors_[node->inputs[1]].type) : -1;
    node->kernel = registry.Find(node->op, tensors_[node->inputs[0]].type, filter_type);
    if (node->kernel == nullptr) {
      return err_->Report(Status::kUnsupported, "operator %d (%s) has no kernel for tensor types %s", i, OpName(node->op), types);
    }
  }
  return Status::kOk;
}

Status Interpreter::PlanAndPlace() {
  // Lifetimes (TFLM micro_allocation_info.cc): subgraph inputs live from scope 0; operator i is
  // scope i+1; subgraph outputs live to the final scope.
  const int scopes_end = node_count_;
  const int candidates = tensor_count_ + scratch_count_;
  uint8_t* temp = arena_begin_;
  const std::size_t buffers_bytes = AlignUp(sizeof(PlannedBuffer) * (candidates > 0 ? candidates : 1));
  const std::size_t map_bytes = AlignUp(sizeof(int32_t) * (candidates > 0 ? candidates : 1));
  const std::size_t scratch_bytes = AlignUp(GreedyPlannerScratchBytes(candidates));
  temp_peak_bytes_ = buffers_bytes + map_bytes + scratch_bytes;
  if (temp_peak_bytes_ > static_cast<std::size_t>(tail_ - arena_begin_)) {
    needed_bytes_ = temp_peak_bytes_ + tail_bytes_;
    return err_->Report(Status::kArenaTooSmall, "arena too small for memory planning (%zu bytes needed at least)", needed_bytes_);
  }
  auto* buffers = reinterpret_cast<PlannedBuffer*>(temp);
  auto* which = reinterpret_cast<int32_t*>(temp + buffers_bytes);  // tensor index, or -1-scratch
  void* planner_scratch = temp + buffers_bytes + map_bytes;

  // first/last scope per tensor; stored temporarily in the buffers array indexed by tensor.
  for (int t = 0; t < tensor_count_; ++t) buffers[t] = PlannedBuffer{0, -1, -1, 0};
  auto touch_first = [&](int t, int scope) {
    if (buffers[t].first_scope < 0) buffers[t].first_scope = scope;
  };
  if (const auto* inputs = model_->subgraph->inputs()) {
    for (flatbuffers::uoffset_t i = 0; i < inputs->size(); ++i) {
      buffers[inputs->Get(i)].first_scope = 0;
      buffers[inputs->Get(i)].last_scope = 0;
    }
  }
  for (int i = 0; i < node_count_; ++i) {
    const Node& node = nodes_[i];
    // An activation read before anything wrote it would have no place in the arena (TFLM:
    // "invalid lifetime"): refuse the model instead of handing a kernel a null pointer.
    for (int k = 0; k < node.input_count; ++k) {
      const int t = node.inputs[k];
      if (t >= 0 && buffers[t].first_scope < 0 && !tensors_[t].is_constant && !tensors_[t].is_variable && tensors_[t].bytes > 0) {
        return err_->Report(Status::kMalformedModel,
                            "operator %d (%s) reads tensor %d '%s', which is no subgraph input, constant or earlier operator's output",
                            i, OpName(node.op), t, tensors_[t].name);
      }
    }
    for (int k = 0; k < node.output_count; ++k) touch_first(node.outputs[k], i + 1);
    for (int k = 0; k < node.input_count; ++k) {
      if (node.inputs[k] >= 0) buffers[node.inputs[k]].last_scope = i + 1;
    }
    for (int k = 0; k < node.output_count; ++k) buffers[node.outputs[k]].last_scope = i + 1;
  }
  if (const auto* outputs = model_->subgraph->outputs()) {
    for (flatbuffers::uoffset_t i = 0; i < outputs->size(); ++i) {
      const int t = outputs->Get(i);
      if (buffers[t].first_scope < 0 && !tensors_[t].is_constant && tensors_[t].bytes > 0) {
        return err_->Report(Status::kMalformedModel, "subgraph output tensor %d '%s' is written by no operator", t, tensors_[t].name);
      }
      buffers[t].last_scope = scopes_end;
    }
  }
  // Compact to the buffers that need arena space, in TFLM's order: tensors, then scratch.
  int count = 0;
  for (int t = 0; t < tensor_count_; ++t) {
    const Tensor& tensor = tensors_[t];
    if (tensor.is_constant || tensor.bytes == 0 || buffers[t].first_scope < 0) continue;
    if (tensor.is_variable) {
      tensors_[t].data = static_cast<uint8_t*>(AllocateTail(tensor.bytes));
      if (tensors_[t].data == nullptr) return err_->Report(Status::kArenaTooSmall, "arena too small for variable tensor %d", t);
      std::memset(tensors_[t].data, 0, tensor.bytes);
      continue;
    }
    PlannedBuffer b = buffers[t];
    b.size_bytes = AlignUp(tensor.bytes);
    buffers[count] = b;  // count <= t, so this never overwrites an unread entry
    which[count++] = t;
  }
  for (int s = 0; s < scratch_count_; ++s) {
    buffers[count] = PlannedBuffer{AlignUp(scratch_bytes_[s]), scratch_node_[s] + 1, scratch_node_[s] + 1, 0};
    which[count++] = -1 - s;
  }
  head_bytes_ = PlanGreedy(buffers, count, planner_scratch);
  const std::size_t available = static_cast<std::size_t>(tail_ - arena_begin_);
  if (head_bytes_ > available) {
    needed_bytes_ = head_bytes_ + tail_bytes_;
    return err_->Report(Status::kArenaTooSmall, "arena too small: the plan needs %zu bytes of activations plus %zu persistent",
                        head_bytes_, tail_bytes_);
  }
  // Read the offsets out before the head overlay reuses the temporary area.
  for (int k = 0; k < count; ++k) {
    uint8_t* where = arena_begin_ + buffers[k].offset_bytes;
    if (which[k] >= 0) {
      tensors_[which[k]].data = where;
    } else {
      scratch_data_[-1 - which[k]] = where;
    }
  }
  return Status::kOk;
}

Status Interpreter::Invoke() {
  if (!prepared_) return err_ != nullptr ? err_->Report(Status::kNotPrepared, "Invoke before a successful Prepare") : Status::kNotPrepared;
  for (int i = 0; i < node_count_; ++i) {
    const Node& node = nodes_[i];
    if (Status s = node.kernel->invoke(context_, node); s != Status::kOk) {
      if (!err_->has_error()) context_.Fail(node, s, "invoke failed");
      return s;
    }
  }
  return Status::kOk;
}

int Interpreter::input_count() const { return model_ && model_->subgraph->inputs() ? static_cast<int>(model_->subgraph->inputs()->size()) : 0; }
int Interpreter::output_count() const { return model_ && model_->subgraph->outputs() ? static_cast<int>(model_->subgraph->outputs()->size()) : 0; }
Tensor* Interpreter::input(int i) const {
  return i >= 0 && i < input_count() ? &tensors_[model_->subgraph->inputs()->Get(i)] : nullptr;
}
Tensor* Interpreter::output(int i) const {
  return i >= 0 && i < output_count() ? &tensors_[model_->subgraph->outputs()->Get(i)] : nullptr;
}

}  // namespace bsb::rt
