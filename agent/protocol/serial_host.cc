#include "agent/protocol/serial_host.h"

#include <algorithm>

#include "agent/protocol/crc32.h"

namespace bsb::serial {
namespace {

HostOutcome Fail(HostStatus status, std::string message) {
  HostOutcome out;
  out.status = status;
  out.message = std::move(message);
  return out;
}

const char* FrameName(uint8_t type) {
  switch (type) {
    case kFrameHello: return "HELLO";
    case kFrameLoad: return "LOAD";
    case kFrameCommit: return "COMMIT";
    case kFrameInput: return "INPUT";
    case kFrameRun: return "RUN";
    case kFrameResult: return "RESULT";
    case kFrameError: return "ERROR";
    case kFrameLog: return "LOG";
    default: return "unknown frame";
  }
}

}  // namespace

const char* HostStatusName(HostStatus status) {
  switch (status) {
    case HostStatus::kOk: return "ok";
    case HostStatus::kTimeout: return "timeout";
    case HostStatus::kLinkFailed: return "link failed";
    case HostStatus::kTransport: return "transport";
    case HostStatus::kDeviceError: return "device error";
    case HostStatus::kProtocol: return "protocol";
  }
  return "unknown";
}

HostSession::HostSession(const LinkConfig& config, const HostTransport& transport,
                         const HostTimeouts& timeouts)
    : transport_(transport),
      timeouts_(timeouts),
      link_(config, LinkCallbacks{this, &HostSession::WriteThunk, &HostSession::NowThunk}) {}

void HostSession::WriteThunk(void* context, const uint8_t* data, size_t size_bytes) {
  auto* self = static_cast<HostSession*>(context);
  if (!self->transport_.write(self->transport_.context, data, size_bytes)) {
    self->transport_broken_ = true;
  }
}

uint32_t HostSession::NowThunk(void* context) {
  auto* self = static_cast<HostSession*>(context);
  return self->transport_.now_ms(self->transport_.context);
}

HostOutcome HostSession::Pump(uint32_t wait_ms) {
  while (link_.has_message() && link_.message().type == kFrameLog) {
    std::string_view text;
    if (DecodeLog(link_.message().payload, link_.message().payload_bytes, &text)) {
      device_logs_.emplace_back(text);
    }
    link_.Release();
  }
  if (pending_.empty()) {
    uint8_t buffer[4096];
    const long n = transport_.read(transport_.context, buffer, sizeof buffer, wait_ms);
    if (n < 0 || transport_broken_) return Fail(HostStatus::kTransport, "serial transport closed");
    pending_.assign(buffer, buffer + n);
  }
  const size_t consumed = link_.Feed(pending_.data(), pending_.size());
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(consumed));
  link_.Poll();
  return {};
}

HostOutcome HostSession::SendReliable(uint8_t type, const uint8_t* payload, size_t payload_bytes) {
  if (link_.tx_failed()) link_.ClearFailure();
  if (link_.Send(type, payload, payload_bytes) != Link::SendStatus::kOk) {
    return Fail(HostStatus::kProtocol, std::string(FrameName(type)) + " could not be queued");
  }
  while (link_.tx_busy()) {
    HostOutcome pumped = Pump(10);
    if (!pumped.ok()) return pumped;
  }
  if (link_.tx_failed()) {
    return Fail(HostStatus::kLinkFailed,
                std::string(FrameName(type)) + " not acknowledged after bounded re-sends");
  }
  return {};
}

HostOutcome HostSession::AwaitMessage(uint32_t timeout_ms) {
  const uint32_t start_ms = transport_.now_ms(transport_.context);
  for (;;) {
    if (link_.has_message() && link_.message().type != kFrameLog) return {};
    const uint32_t elapsed_ms = transport_.now_ms(transport_.context) - start_ms;
    if (elapsed_ms >= timeout_ms) {
      return Fail(HostStatus::kTimeout,
                  "no answer from the device within " + std::to_string(timeout_ms) + " ms");
    }
    HostOutcome pumped = Pump(std::min<uint32_t>(10, timeout_ms - elapsed_ms));
    if (!pumped.ok()) return pumped;
  }
}

HostOutcome HostSession::FromDeviceError() {
  ErrorReport report;
  const LinkMessage& m = link_.message();
  HostOutcome out;
  out.status = HostStatus::kDeviceError;
  if (DecodeError(m.payload, m.payload_bytes, &report)) {
    out.error_code = report.code;
    out.message = std::string(report.text);
  } else {
    out.message = "ERROR payload does not decode";
  }
  link_.Release();
  return out;
}

HostOutcome HostSession::Hello(uint32_t session_nonce, BoardInfo* info) {
  const size_t n = EncodeHelloRequest(HelloRequest{session_nonce}, payload_);
  HostOutcome sent = SendReliable(kFrameHello, payload_, n);
  if (!sent.ok()) return sent;
  const uint32_t start_ms = transport_.now_ms(transport_.context);
  for (;;) {
    const uint32_t elapsed_ms = transport_.now_ms(transport_.context) - start_ms;
    if (elapsed_ms >= timeouts_.answer_ms) return Fail(HostStatus::kTimeout, "no HELLO answer");
    HostOutcome got = AwaitMessage(timeouts_.answer_ms - elapsed_ms);
    if (!got.ok()) return got;
    const LinkMessage& m = link_.message();
    if (m.type == kFrameError) return FromDeviceError();
    HelloInfo hello;
    const bool decoded = m.type == kFrameHello && DecodeHelloInfo(m.payload, m.payload_bytes, &hello);
    if (!decoded || hello.session_nonce != session_nonce) {
      link_.Release();  // left over from an earlier session
      continue;
    }
    info->protocol_version = hello.protocol_version;
    info->clock_hz = hello.clock_hz;
    info->flash_bytes = hello.flash_bytes;
    info->ram_bytes = hello.ram_bytes;
    info->max_model_bytes = hello.max_model_bytes;
    info->max_input_bytes = hello.max_input_bytes;
    info->firmware_flash_bytes = hello.firmware_flash_bytes;
    info->firmware_ram_bytes = hello.firmware_ram_bytes;
    info->board = std::string(hello.board);
    info->cpu = std::string(hello.cpu);
    info->firmware_version = std::string(hello.firmware_version);
    info->runtime_version = std::string(hello.runtime_version);
    link_.Release();
    if (info->protocol_version != kProtocolVersion) {
      return Fail(HostStatus::kProtocol, "device speaks protocol version " +
                                             std::to_string(info->protocol_version) +
                                             ", host speaks " + std::to_string(kProtocolVersion));
    }
    return {};
  }
}

HostOutcome HostSession::LoadModel(const uint8_t* model, size_t model_bytes) {
  for (size_t offset = 0; offset < model_bytes; offset += kMaxLoadChunkBytes) {
    const size_t chunk = std::min(kMaxLoadChunkBytes, model_bytes - offset);
    const size_t n =
        EncodeLoad(LoadChunk{static_cast<uint32_t>(offset), model + offset, chunk}, payload_);
    HostOutcome sent = SendReliable(kFrameLoad, payload_, n);
    if (!sent.ok()) return sent;
  }
  const CommitRequest commit{static_cast<uint32_t>(model_bytes), Crc32(model, model_bytes)};
  HostOutcome sent = SendReliable(kFrameCommit, payload_, EncodeCommit(commit, payload_));
  if (!sent.ok()) return sent;
  HostOutcome got = AwaitMessage(timeouts_.answer_ms);
  if (!got.ok()) return got;
  const LinkMessage& m = link_.message();
  if (m.type == kFrameError) return FromDeviceError();
  CommitRequest echo;
  const bool matches = m.type == kFrameCommit && DecodeCommit(m.payload, m.payload_bytes, &echo) &&
                       echo.model_bytes == commit.model_bytes &&
                       echo.model_crc32 == commit.model_crc32;
  const std::string got_name = FrameName(m.type);
  link_.Release();
  if (!matches) return Fail(HostStatus::kProtocol, "COMMIT answered by " + got_name);
  return {};
}

HostOutcome HostSession::SetInput(uint8_t tensor, const uint8_t* data, size_t size_bytes) {
  if (size_bytes == 0) return Fail(HostStatus::kProtocol, "empty input sample");
  for (size_t offset = 0; offset < size_bytes; offset += kMaxInputChunkBytes) {
    const size_t chunk = std::min(kMaxInputChunkBytes, size_bytes - offset);
    const size_t n = EncodeInput(
        InputChunk{tensor, static_cast<uint32_t>(offset), data + offset, chunk}, payload_);
    HostOutcome sent = SendReliable(kFrameInput, payload_, n);
    if (!sent.ok()) return sent;
  }
  return {};
}

HostOutcome HostSession::Run(const RunRequest& request, RunOutcome* outcome) {
  HostOutcome sent = SendReliable(kFrameRun, payload_, EncodeRun(request, payload_));
  if (!sent.ok()) return sent;
  HostOutcome got = AwaitMessage(timeouts_.run_ms);
  if (!got.ok()) return got;
  const LinkMessage& m = link_.message();
  if (m.type == kFrameError) return FromDeviceError();
  RunResult result;
  if (m.type != kFrameResult || !DecodeResult(m.payload, m.payload_bytes, &result) ||
      result.timed_runs != request.timed_runs) {
    const std::string got_name = FrameName(m.type);
    link_.Release();
    return Fail(HostStatus::kProtocol, "RUN answered by a malformed " + got_name);
  }
  outcome->ticks.assign(result.ticks, result.ticks + result.timed_runs);
  outcome->top1 = result.top1;
  outcome->arena_bytes = result.arena_bytes;
  outcome->stack_high_water_bytes = result.stack_high_water_bytes;
  outcome->outputs.assign(result.outputs, result.outputs + result.output_bytes);
  link_.Release();
  return {};
}

}  // namespace bsb::serial
