#include "tests/unit/serial/serial_sim.h"

#include <algorithm>

#include "agent/protocol/crc32.h"

namespace bsb::serial::testing {

bool FaultyPipe::Chance(double p) {
  return p > 0 && std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < p;
}

void FaultyPipe::Write(const uint8_t* data, size_t size_bytes) {
  std::vector<uint8_t> chunk(data, data + size_bytes);
  if (Chance(rates_.garbage)) {
    ++faults_;
    const int n = std::uniform_int_distribution<int>(1, 24)(rng_);
    for (int i = 0; i < n; ++i) queue_.push_back(static_cast<uint8_t>(rng_()));
  }
  if (Chance(rates_.drop)) {
    ++faults_;
    return;
  }
  if (Chance(rates_.bit_flip) && !chunk.empty()) {
    ++faults_;
    const size_t bit = std::uniform_int_distribution<size_t>(0, chunk.size() * 8 - 1)(rng_);
    chunk[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
  }
  if (Chance(rates_.truncate) && chunk.size() > 1) {
    ++faults_;
    chunk.resize(std::uniform_int_distribution<size_t>(1, chunk.size() - 1)(rng_));
  }
  if (Chance(rates_.reorder) && !has_held_) {
    ++faults_;
    held_ = chunk;
    has_held_ = true;
    return;
  }
  queue_.insert(queue_.end(), chunk.begin(), chunk.end());
  if (has_held_) {
    queue_.insert(queue_.end(), held_.begin(), held_.end());
    has_held_ = false;
  }
  if (Chance(rates_.duplicate)) {
    ++faults_;
    queue_.insert(queue_.end(), chunk.begin(), chunk.end());
  }
}

size_t FaultyPipe::Read(uint8_t* out, size_t capacity) {
  if (queue_.empty() && has_held_) {
    queue_.insert(queue_.end(), held_.begin(), held_.end());
    has_held_ = false;
  }
  const size_t n = std::min(capacity, queue_.size());
  std::copy_n(queue_.begin(), n, out);
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<long>(n));
  return n;
}

void FakeBackend::Describe(HelloInfo* info) {
  info->clock_hz = 25'000'000;
  info->flash_bytes = 4u << 20;
  info->ram_bytes = 4u << 20;
  info->firmware_flash_bytes = 12345;
  info->firmware_ram_bytes = 6789;
  info->board = "sim";
  info->cpu = "in-memory";
  info->firmware_version = "test";
  info->runtime_version = "fake";
}

uint16_t FakeBackend::Prepare(const uint8_t* model, size_t model_bytes,
                              std::string_view* error_text) {
  if (model_bytes >= 3 && model[0] == 'B' && model[1] == 'A' && model[2] == 'D') {
    *error_text = "fake runtime rejects models starting with BAD";
    return kErrorModelInvalid;
  }
  model_crc_ = Crc32(model, model_bytes);
  model_bytes_ = static_cast<uint32_t>(model_bytes);
  return 0;
}

uint16_t FakeBackend::Run(const RunRequest& request, const uint8_t* input, size_t input_bytes,
                          RunResult* result, std::string_view*) {
  const uint32_t input_crc = Crc32(input, input_bytes);
  result->timed_runs = request.timed_runs;
  for (size_t i = 0; i < request.timed_runs; ++i) {
    result->ticks[i] = (static_cast<uint64_t>(input_crc) << 8) + i;
  }
  uint32_t sum = 0;
  for (size_t i = 0; i < input_bytes; ++i) sum += input[i];
  result->top1 = static_cast<int32_t>(sum % 10);
  result->arena_bytes = model_bytes_ / 2;
  result->stack_high_water_bytes = 512 + request.warmup_runs;
  if (request.output_mode == kOutputTensor) {
    for (size_t i = 0; i < sizeof outputs_; ++i) {
      outputs_[i] = static_cast<uint8_t>((model_crc_ ^ input_crc) >> (i % 4 * 8));
    }
    result->outputs = outputs_;
    result->output_bytes = sizeof outputs_;
  }
  return 0;
}

RunOutcome ExpectedOutcome(const std::vector<uint8_t>& model, const std::vector<uint8_t>& input,
                           const RunRequest& request) {
  FakeBackend backend;
  std::string_view text;
  backend.Prepare(model.data(), model.size(), &text);
  RunResult result;
  backend.Run(request, input.data(), input.size(), &result, &text);
  RunOutcome out;
  out.ticks.assign(result.ticks, result.ticks + result.timed_runs);
  out.top1 = result.top1;
  out.arena_bytes = result.arena_bytes;
  out.stack_high_water_bytes = result.stack_high_water_bytes;
  out.outputs.assign(result.outputs, result.outputs + result.output_bytes);
  return out;
}

LinkConfig SimBench::DefaultLink() {
  LinkConfig config;
  config.ack_timeout_ms = 20;
  config.max_attempts = 10;
  return config;
}

static LinkConfig AsDevice(LinkConfig config) {
  config.role = LinkRole::kDevice;
  return config;
}

SimBench::SimBench(uint32_t seed, FaultRates to_device, FaultRates to_host, LinkConfig link)
    : to_device_(seed * 2 + 1, to_device),
      to_host_(seed * 2 + 2, to_host),
      model_buffer_(64 * 1024),
      input_buffer_(4 * 1024),
      device_link_(AsDevice(link), LinkCallbacks{this, &SimBench::DeviceWrite, &SimBench::Now}),
      device_(&device_link_, &backend_,
              DeviceBuffers{model_buffer_.data(), model_buffer_.size(), input_buffer_.data(),
                            input_buffer_.size()}),
      host_(link, HostTransport{this, &SimBench::HostWrite, &SimBench::HostRead, &SimBench::Now},
            HostTimeouts{2000, 2000}) {}

bool SimBench::HostWrite(void* context, const uint8_t* data, size_t size_bytes) {
  static_cast<SimBench*>(context)->to_device_.Write(data, size_bytes);
  return true;
}

void SimBench::DeviceWrite(void* context, const uint8_t* data, size_t size_bytes) {
  static_cast<SimBench*>(context)->to_host_.Write(data, size_bytes);
}

uint32_t SimBench::Now(void* context) { return static_cast<SimBench*>(context)->now_ms_; }

void SimBench::PumpDevice() {
  uint8_t buffer[256];
  for (;;) {
    const size_t n = to_device_.Read(buffer, sizeof buffer);
    if (n == 0) break;
    for (size_t at = 0; at < n;) {
      at += device_link_.Feed(buffer + at, n - at);
      device_.Step();
    }
  }
  device_link_.Poll();
  device_.Step();
}

long SimBench::HostRead(void* context, uint8_t* buffer, size_t capacity, uint32_t timeout_ms) {
  auto* self = static_cast<SimBench*>(context);
  for (uint32_t waited_ms = 0;; ++waited_ms) {
    self->PumpDevice();
    const size_t n = self->to_host_.Read(buffer, capacity);
    if (n > 0) return static_cast<long>(n);
    if (waited_ms >= timeout_ms) return 0;
    ++self->now_ms_;  // nothing on the line: let simulated time pass
  }
}

}  // namespace bsb::serial::testing
