// Fuzz target for everything that parses serial bytes: the stream decoder, the link, the device
// session's message handlers and the host-side message decoders.
//
// Input byte 0 picks the mode:
//   even → the rest is raw line bytes, fed to a decoder and to a synchronised device;
//   odd  → the rest is a list of [type u8][len u8][payload len bytes] records, each sent to the
//          device as a valid frame (so payload parsers see arbitrary content past the CRC) and
//          also given to every message decoder.
#include <cstddef>
#include <cstdint>
#include <new>

#include "agent/protocol/serial_device.h"
#include "agent/protocol/serial_messages.h"

namespace {

using namespace bsb::serial;

class FuzzBackend final : public DeviceBackend {
 public:
  void Describe(HelloInfo* info) override { info->board = "fuzz"; }
  uint16_t Prepare(const uint8_t*, size_t model_bytes, std::string_view*) override {
    return model_bytes % 2 == 0 ? 0 : kErrorModelInvalid;
  }
  uint16_t Run(const RunRequest& request, const uint8_t* input, size_t input_bytes,
               RunResult* result, std::string_view*) override {
    result->timed_runs = request.timed_runs;
    result->top1 = input_bytes > 0 ? input[0] : -1;
    result->outputs = input;
    result->output_bytes = request.output_mode == kOutputTensor ? input_bytes : 0;
    return 0;
  }
};

uint32_t now_ms = 0;
void Discard(void*, const uint8_t*, size_t) {}
uint32_t Now(void*) { return now_ms; }

void DecodeEverything(const uint8_t* p, size_t n) {
  HelloRequest hello_request;
  HelloInfo hello;
  LoadChunk load;
  CommitRequest commit;
  InputChunk input;
  RunRequest run;
  static RunResult result;
  ErrorReport error;
  std::string_view text;
  DecodeHelloRequest(p, n, &hello_request);
  DecodeHelloInfo(p, n, &hello);
  DecodeLoad(p, n, &load);
  DecodeCommit(p, n, &commit);
  DecodeInput(p, n, &input);
  DecodeRun(p, n, &run);
  DecodeResult(p, n, &result);
  DecodeError(p, n, &error);
  DecodeLog(p, n, &text);
}

struct Device {
  uint8_t model[8192];
  uint8_t input[1024];
  FuzzBackend backend;
  Link link{LinkConfig{LinkRole::kDevice, 10, 0, 3}, LinkCallbacks{nullptr, &Discard, &Now}};
  DeviceSession session{&link, &backend, DeviceBuffers{model, sizeof model, input, sizeof input}};

  void Feed(const uint8_t* data, size_t size) {
    for (size_t at = 0; at < size;) {
      at += link.Feed(data + at, size - at);
      session.Step();
      ++now_ms;
      link.Poll();  // the device's answers are never acknowledged: exercise re-sends
    }
  }
  void SendFrame(uint8_t type, uint8_t seq, const uint8_t* payload, size_t size) {
    static uint8_t wire[kMaxWireFrameBytes];
    Feed(wire, EncodeFrame(type, seq, payload, size, wire));
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // Large buffers stay off the stack; a fresh device per input keeps runs independent.
  alignas(Device) static unsigned char storage[sizeof(Device)];
  static Device* device = nullptr;
  if (device != nullptr) device->~Device();
  device = new (storage) Device();
  uint8_t hello[4];
  device->SendFrame(kFrameHello, 0, hello, EncodeHelloRequest(HelloRequest{1}, hello));
  const uint8_t* rest = data + 1;
  const size_t rest_size = size - 1;
  if (data[0] % 2 == 0) {
    FrameDecoder decoder;
    for (size_t i = 0; i < rest_size; ++i) {
      if (decoder.Push(rest[i]) == FrameDecoder::Event::kFrame) {
        DecodeEverything(decoder.frame().payload, decoder.frame().payload_bytes);
      }
    }
    device->Feed(rest, rest_size);
    return 0;
  }
  uint8_t seq = 1;
  for (size_t at = 0; at + 2 <= rest_size;) {
    const uint8_t type = rest[at];
    const size_t len = rest[at + 1];
    at += 2;
    const size_t take = len < rest_size - at ? len : rest_size - at;
    DecodeEverything(rest + at, take);
    device->SendFrame(type, seq++, rest + at, take);
    at += take;
  }
  return 0;
}
