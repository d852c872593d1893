#include "agent/protocol/serial_device.h"

#include "agent/protocol/crc32.h"

namespace bsb::serial {
namespace {

std::string_view DescribeError(uint16_t code) {
  switch (code) {
    case kErrorBadPayload: return "payload does not decode";
    case kErrorUnknownType: return "frame type not handled by this firmware";
    case kErrorModelTooLarge: return "model larger than the model buffer";
    case kErrorLoadGap: return "LOAD offsets not contiguous";
    case kErrorCrcMismatch: return "model size or CRC differs from COMMIT";
    case kErrorNoModel: return "RUN before a verified COMMIT";
    case kErrorRuntimeNotLinked: return "runtime not linked";
    case kErrorModelInvalid: return "model rejected by the runtime";
    case kErrorInputSize: return "input larger than the input buffer or not contiguous";
    case kErrorBadRunCount: return "timed runs outside 1..64";
    case kErrorRuntime: return "runtime failed during a run";
    case kErrorResultTooLarge: return "outputs do not fit in one RESULT";
    case kErrorBadInputMode: return "input mode unknown or not usable with this input tensor";
    default: return "error";
  }
}

// Appends a chunk at `offset` to a staging buffer filled front to back; offset 0 restarts it.
uint16_t Stage(uint32_t offset, const uint8_t* data, size_t size, uint8_t* buffer,
               size_t capacity, size_t* filled, uint16_t too_large, uint16_t gap) {
  if (offset == 0) *filled = 0;
  if (offset != *filled) return gap;
  if (size > capacity || offset > capacity - size) return too_large;
  for (size_t i = 0; i < size; ++i) buffer[offset + i] = data[i];
  *filled = offset + size;
  return 0;
}

}  // namespace

DeviceSession::DeviceSession(Link* link, DeviceBackend* backend, const DeviceBuffers& buffers)
    : link_(link), backend_(backend), buffers_(buffers) {}

bool DeviceSession::Step() {
  // One answer in flight at a time: wait for its ACK before taking the next request. HELLO
  // starts a new session and abandons whatever the old one still had in flight.
  if (!link_->has_message()) return false;
  if (link_->tx_busy() && link_->message().type != kFrameHello) return false;
  Handle(link_->message());
  link_->Release();
  return true;
}

void DeviceSession::Handle(const LinkMessage& m) {
  switch (m.type) {
    case kFrameHello: OnHello(m); break;
    case kFrameLoad: OnLoad(m); break;
    case kFrameCommit: OnCommit(m); break;
    case kFrameInput: OnInput(m); break;
    case kFrameRun: OnRun(m); break;
    case kFrameLog: break;  // the device keeps no log of the host's text
    default: SendError(kErrorUnknownType, DescribeError(kErrorUnknownType)); break;
  }
}

void DeviceSession::Answer(uint8_t type, size_t payload_bytes) {
  // Step() only runs with the link idle and payloads are sized by the encoders, so Send
  // cannot refuse here.
  link_->Send(type, answer_, payload_bytes);
}

void DeviceSession::SendError(uint16_t code, std::string_view text) {
  if (text.size() > kMaxPayloadBytes - 2) text = text.substr(0, kMaxPayloadBytes - 2);
  Answer(kFrameError, EncodeError(ErrorReport{code, text}, answer_));
}

void DeviceSession::SetPending(uint16_t* slot, uint16_t code) {
  if (*slot == 0) *slot = code;
}

void DeviceSession::OnHello(const LinkMessage& m) {
  HelloRequest request;
  if (!DecodeHelloRequest(m.payload, m.payload_bytes, &request)) {
    SendError(kErrorBadPayload, "HELLO payload does not decode");
    return;
  }
  // A new session: forget the old one's answer in flight and its half-loaded state.
  link_->ResetTx();
  model_bytes_ = 0;
  input_bytes_ = 0;
  committed_ = false;
  load_error_ = 0;
  input_error_ = 0;
  HelloInfo info;
  backend_->Describe(&info);
  info.protocol_version = kProtocolVersion;
  info.session_nonce = request.session_nonce;
  info.max_model_bytes = static_cast<uint32_t>(buffers_.model_capacity_bytes);
  info.max_input_bytes = static_cast<uint32_t>(buffers_.input_capacity_bytes);
  Answer(kFrameHello, EncodeHelloInfo(info, answer_));
}

void DeviceSession::OnLoad(const LinkMessage& m) {
  LoadChunk chunk;
  if (!DecodeLoad(m.payload, m.payload_bytes, &chunk)) {
    SetPending(&load_error_, kErrorBadPayload);
    return;
  }
  if (chunk.offset == 0) load_error_ = 0;
  committed_ = false;
  const uint16_t error = Stage(chunk.offset, chunk.data, chunk.size_bytes, buffers_.model,
                               buffers_.model_capacity_bytes, &model_bytes_,
                               kErrorModelTooLarge, kErrorLoadGap);
  if (error != 0) SetPending(&load_error_, error);
}

void DeviceSession::OnCommit(const LinkMessage& m) {
  CommitRequest request;
  if (!DecodeCommit(m.payload, m.payload_bytes, &request)) {
    SendError(kErrorBadPayload, "COMMIT payload does not decode");
    return;
  }
  if (load_error_ != 0) {
    const uint16_t code = load_error_;
    load_error_ = 0;
    SendError(code, DescribeError(code));
    return;
  }
  if (request.model_bytes > buffers_.model_capacity_bytes) {
    SendError(kErrorModelTooLarge, DescribeError(kErrorModelTooLarge));
    return;
  }
  if (request.model_bytes != model_bytes_ ||
      Crc32(buffers_.model, model_bytes_) != request.model_crc32) {
    SendError(kErrorCrcMismatch, DescribeError(kErrorCrcMismatch));
    return;
  }
  std::string_view text;
  const uint16_t error = backend_->Prepare(buffers_.model, model_bytes_, &text);
  if (error != 0) {
    SendError(error, text.empty() ? DescribeError(error) : text);
    return;
  }
  committed_ = true;
  Answer(kFrameCommit, EncodeCommit(request, answer_));
}

void DeviceSession::OnInput(const LinkMessage& m) {
  InputChunk chunk;
  if (!DecodeInput(m.payload, m.payload_bytes, &chunk)) {
    SetPending(&input_error_, kErrorBadPayload);
    return;
  }
  if (chunk.offset == 0) input_error_ = 0;
  const uint16_t error = Stage(chunk.offset, chunk.data, chunk.size_bytes, buffers_.input,
                               buffers_.input_capacity_bytes, &input_bytes_, kErrorInputSize,
                               kErrorInputSize);
  if (error != 0) SetPending(&input_error_, error);
}

void DeviceSession::OnRun(const LinkMessage& m) {
  RunRequest request;
  if (!DecodeRun(m.payload, m.payload_bytes, &request)) {
    SendError(kErrorBadPayload, "RUN payload does not decode");
    return;
  }
  if (input_error_ != 0) {
    const uint16_t code = input_error_;
    input_error_ = 0;
    SendError(code, DescribeError(code));
    return;
  }
  if (!committed_) {
    SendError(kErrorNoModel, DescribeError(kErrorNoModel));
    return;
  }
  if (request.timed_runs == 0 || request.timed_runs > kMaxTimedRuns) {
    SendError(kErrorBadRunCount, DescribeError(kErrorBadRunCount));
    return;
  }
  if (request.input_mode > kInputPixels || !(request.input_scale > 0.0)) {
    SendError(kErrorBadInputMode, DescribeError(kErrorBadInputMode));
    return;
  }
  result_ = RunResult{};
  std::string_view text;
  const uint16_t error = backend_->Run(request, buffers_.input, input_bytes_, &result_, &text);
  if (error != 0) {
    SendError(error, text.empty() ? DescribeError(error) : text);
    return;
  }
  const size_t size = EncodeResult(result_, answer_);
  if (size == 0) {
    SendError(kErrorResultTooLarge, DescribeError(kErrorResultTooLarge));
    return;
  }
  Answer(kFrameResult, size);
}

}  // namespace bsb::serial
