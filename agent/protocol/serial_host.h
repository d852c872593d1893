// The host end of the serial protocol (SERIAL.md §5): one blocking call per exchange over any
// byte transport (pty, unix socket, in-memory channel). Host only (std::string/vector), but no
// JSON and no exceptions, so targets/ and the tests share it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "agent/protocol/serial_link.h"
#include "agent/protocol/serial_messages.h"

namespace bsb::serial {

struct HostTransport {
  void* context = nullptr;
  // Writes all bytes; false when the transport is gone.
  bool (*write)(void* context, const uint8_t* data, size_t size_bytes) = nullptr;
  // Waits up to `timeout_ms` for bytes; returns how many were read (0 on timeout) or -1 when
  // the transport is closed or broken.
  long (*read)(void* context, uint8_t* buffer, size_t capacity, uint32_t timeout_ms) = nullptr;
  uint32_t (*now_ms)(void* context) = nullptr;
};

enum class HostStatus : uint8_t {
  kOk,
  kTimeout,      // no answer before the deadline (the device may have halted)
  kLinkFailed,   // a frame was not acknowledged after the bounded re-sends
  kTransport,    // the byte transport closed or failed
  kDeviceError,  // the device answered ERROR (see error_code / message)
  kProtocol,     // the device answered something that does not fit the request
};

const char* HostStatusName(HostStatus status);

struct HostOutcome {
  HostStatus status = HostStatus::kOk;
  uint16_t error_code = 0;  // device ErrorCode for kDeviceError
  std::string message;
  bool ok() const { return status == HostStatus::kOk; }
};

struct BoardInfo {
  uint8_t protocol_version = 0;
  uint32_t clock_hz = 0;
  uint32_t flash_bytes = 0;
  uint32_t ram_bytes = 0;
  uint32_t max_model_bytes = 0;
  uint32_t max_input_bytes = 0;
  uint32_t firmware_flash_bytes = 0;
  uint32_t firmware_ram_bytes = 0;
  std::string board, cpu, firmware_version, runtime_version;
};

struct RunOutcome {
  std::vector<uint64_t> ticks;  // per timed run, at BoardInfo::clock_hz
  int32_t top1 = -1;
  uint32_t arena_bytes = 0;
  uint32_t stack_high_water_bytes = 0;
  std::vector<uint8_t> outputs;
};

struct HostTimeouts {
  uint32_t answer_ms = 3000;  // HELLO, COMMIT: the device answers without running anything
  uint32_t run_ms = 60000;    // RUN: warm-ups and timed runs happen before the answer
};

class HostSession {
 public:
  HostSession(const LinkConfig& config, const HostTransport& transport,
              const HostTimeouts& timeouts = {});

  // Starts a session; `session_nonce` should differ between sessions (e.g. from a clock).
  HostOutcome Hello(uint32_t session_nonce, BoardInfo* info);
  // LOAD in chunks, then COMMIT with the size and CRC; ok once the device verified both.
  HostOutcome LoadModel(const uint8_t* model, size_t model_bytes);
  HostOutcome SetInput(uint8_t tensor, const uint8_t* data, size_t size_bytes);
  HostOutcome Run(const RunRequest& request, RunOutcome* outcome);

  // Waits of later exchanges (a cell's RUN gets what is left of the cell's time).
  void set_timeouts(const HostTimeouts& timeouts) { timeouts_ = timeouts; }

  // LOG texts the device sent, in order.
  const std::vector<std::string>& device_logs() const { return device_logs_; }
  const LinkStats& link_stats() const { return link_.stats(); }

 private:
  static void WriteThunk(void* context, const uint8_t* data, size_t size_bytes);
  static uint32_t NowThunk(void* context);

  // Sends one data frame and waits for its ACK.
  HostOutcome SendReliable(uint8_t type, const uint8_t* payload, size_t payload_bytes);
  // Waits for the next non-LOG message; it stays in the link's inbox until Release().
  HostOutcome AwaitMessage(uint32_t timeout_ms);
  // Feeds pending bytes, or reads once (up to `wait_ms`) and feeds the link; records LOGs.
  HostOutcome Pump(uint32_t wait_ms);
  HostOutcome FromDeviceError();

  HostTransport transport_;
  HostTimeouts timeouts_;
  bool transport_broken_ = false;
  Link link_;
  std::vector<uint8_t> pending_;  // received bytes not yet fed (the inbox was full)
  std::vector<std::string> device_logs_;
  uint8_t payload_[kMaxPayloadBytes];
};

}  // namespace bsb::serial
