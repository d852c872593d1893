// An in-memory serial line for protocol tests: a host session and a device session joined by
// two fault-injecting pipes, on a simulated millisecond clock. Single-threaded and seeded, so
// every fault pattern replays exactly.
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "agent/protocol/serial_device.h"
#include "agent/protocol/serial_host.h"

namespace bsb::serial::testing {

// Probability per written chunk (one frame, since the link writes one frame per call).
struct FaultRates {
  double bit_flip = 0;   // one random bit flipped
  double truncate = 0;   // the tail cut off at a random point
  double drop = 0;       // the whole chunk lost
  double duplicate = 0;  // delivered twice
  double reorder = 0;    // held back and delivered after the next chunk
  double garbage = 0;    // 1..24 random bytes injected before it
};

class FaultyPipe {
 public:
  FaultyPipe(uint32_t seed, FaultRates rates) : rng_(seed), rates_(rates) {}
  void Write(const uint8_t* data, size_t size_bytes);
  // Takes up to `capacity` bytes; a held-back chunk is released once nothing else is queued.
  size_t Read(uint8_t* out, size_t capacity);
  uint64_t faults() const { return faults_; }

 private:
  bool Chance(double p);
  std::mt19937 rng_;
  FaultRates rates_;
  std::deque<uint8_t> queue_;
  std::vector<uint8_t> held_;
  bool has_held_ = false;
  uint64_t faults_ = 0;
};

// A deterministic stand-in for the runtime: results are functions of model and input bytes,
// so a test can compute the exact answer it must receive.
class FakeBackend final : public DeviceBackend {
 public:
  void Describe(HelloInfo* info) override;
  uint16_t Prepare(const uint8_t* model, size_t model_bytes, std::string_view* error_text) override;
  uint16_t Run(const RunRequest& request, const uint8_t* input, size_t input_bytes,
               RunResult* result, std::string_view* error_text) override;

 private:
  uint32_t model_crc_ = 0;
  uint32_t model_bytes_ = 0;
  uint8_t outputs_[10] = {};
};

// What FakeBackend answers for (model, input, request).
RunOutcome ExpectedOutcome(const std::vector<uint8_t>& model, const std::vector<uint8_t>& input,
                           const RunRequest& request);

class SimBench {
 public:
  SimBench(uint32_t seed, FaultRates to_device, FaultRates to_host, LinkConfig link = DefaultLink());
  static LinkConfig DefaultLink();

  HostSession& host() { return host_; }
  const Link& device_link() const { return device_link_; }
  uint32_t now_ms() const { return now_ms_; }
  uint64_t faults() const { return to_device_.faults() + to_host_.faults(); }

 private:
  static bool HostWrite(void* context, const uint8_t* data, size_t size_bytes);
  static long HostRead(void* context, uint8_t* buffer, size_t capacity, uint32_t timeout_ms);
  static uint32_t Now(void* context);
  static void DeviceWrite(void* context, const uint8_t* data, size_t size_bytes);
  void PumpDevice();

  uint32_t now_ms_ = 0;
  FaultyPipe to_device_;
  FaultyPipe to_host_;
  std::vector<uint8_t> model_buffer_;
  std::vector<uint8_t> input_buffer_;
  FakeBackend backend_;
  Link device_link_;
  DeviceSession device_;
  HostSession host_;
};

}  // namespace bsb::serial::testing
