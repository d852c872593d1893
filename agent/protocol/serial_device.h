// The device end of the serial protocol (SERIAL.md §5): turns delivered messages into model
// loading, input staging and runs, and answers them. The firmware's main loop and the host
// unit tests drive the same code; what actually runs a model sits behind DeviceBackend.
// Standard library only, no heap, no exceptions: the MCU firmware compiles this file too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/protocol/serial_link.h"
#include "agent/protocol/serial_messages.h"

namespace bsb::serial {

// What the device does with a verified model. Error returns are ErrorCode values (0 = ok);
// `*error_text` may point at a static message explaining the failure.
class DeviceBackend {
 public:
  // Board facts for HELLO (clock, memory sizes, names, versions); limits are filled in by the
  // session from its buffers.
  virtual void Describe(HelloInfo* info) = 0;
  // Called once per COMMIT whose size and CRC check out.
  virtual uint16_t Prepare(const uint8_t* model, size_t model_bytes, std::string_view* error_text) = 0;
  // Runs the prepared model on the staged input. Fills `result` (its `outputs` may point into
  // backend memory that stays valid until the next call).
  virtual uint16_t Run(const RunRequest& request, const uint8_t* input, size_t input_bytes,
                       RunResult* result, std::string_view* error_text) = 0;

 protected:
  // Never deleted through this interface: no virtual destructor, so the firmware needs no
  // operator delete (and no heap).
  ~DeviceBackend() = default;
};

struct DeviceBuffers {
  uint8_t* model = nullptr;
  size_t model_capacity_bytes = 0;
  uint8_t* input = nullptr;
  size_t input_capacity_bytes = 0;
};

class DeviceSession {
 public:
  DeviceSession(Link* link, DeviceBackend* backend, const DeviceBuffers& buffers);

  // Handles the delivered message, if any, once the link can take an answer. Returns true
  // when it did something (the caller may sleep when it returns false and nothing arrived).
  bool Step();

  bool model_committed() const { return committed_; }

 private:
  void Handle(const LinkMessage& m);
  void OnHello(const LinkMessage& m);
  void OnLoad(const LinkMessage& m);
  void OnCommit(const LinkMessage& m);
  void OnInput(const LinkMessage& m);
  void OnRun(const LinkMessage& m);
  void SendError(uint16_t code, std::string_view text);
  void Answer(uint8_t type, size_t payload_bytes);
  // Remembers the first LOAD/INPUT failure; reported by the next COMMIT/RUN (which answer).
  void SetPending(uint16_t* slot, uint16_t code);

  Link* link_;
  DeviceBackend* backend_;
  DeviceBuffers buffers_;
  size_t model_bytes_ = 0;
  size_t input_bytes_ = 0;
  bool committed_ = false;
  uint16_t load_error_ = 0;
  uint16_t input_error_ = 0;
  RunResult result_;
  uint8_t answer_[kMaxPayloadBytes];
};

}  // namespace bsb::serial
