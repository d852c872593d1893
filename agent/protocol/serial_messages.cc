#include "agent/protocol/serial_messages.h"

#include <cstring>

namespace bsb::serial {
namespace {

// Bounded little-endian writer over one payload buffer; `ok()` turns false on overflow.
class Writer {
 public:
  explicit Writer(uint8_t* out) : out_(out) {}
  void U8(uint8_t v) { Bytes(&v, 1); }
  void U16(uint16_t v) {
    const uint8_t b[2] = {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8)};
    Bytes(b, 2);
  }
  void U32(uint32_t v) {
    const uint8_t b[4] = {static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8),
                          static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 24)};
    Bytes(b, 4);
  }
  void U64(uint64_t v) {
    U32(static_cast<uint32_t>(v));
    U32(static_cast<uint32_t>(v >> 32));
  }
  void ShortText(std::string_view s) {  // u8 length + bytes
    if (s.size() > kMaxHelloTextBytes) {
      ok_ = false;
      return;
    }
    U8(static_cast<uint8_t>(s.size()));
    Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }
  void Bytes(const uint8_t* p, size_t n) {
    if (!ok_ || n > kMaxPayloadBytes - size_) {
      ok_ = false;
      return;
    }
    for (size_t i = 0; i < n; ++i) out_[size_ + i] = p[i];
    size_ += n;
  }
  size_t Done() const { return ok_ ? size_ : 0; }

 private:
  uint8_t* out_;
  size_t size_ = 0;
  bool ok_ = true;
};

// Bounded little-endian reader; every getter fails once the payload is exhausted.
class Reader {
 public:
  Reader(const uint8_t* p, size_t n) : p_(p), n_(n) {}
  bool U8(uint8_t* v) {
    if (n_ - at_ < 1) return false;
    *v = p_[at_++];
    return true;
  }
  bool U16(uint16_t* v) {
    if (n_ - at_ < 2) return false;
    *v = static_cast<uint16_t>(p_[at_] | (p_[at_ + 1] << 8));
    at_ += 2;
    return true;
  }
  bool U32(uint32_t* v) {
    if (n_ - at_ < 4) return false;
    *v = static_cast<uint32_t>(p_[at_]) | (static_cast<uint32_t>(p_[at_ + 1]) << 8) |
         (static_cast<uint32_t>(p_[at_ + 2]) << 16) | (static_cast<uint32_t>(p_[at_ + 3]) << 24);
    at_ += 4;
    return true;
  }
  bool U64(uint64_t* v) {
    uint32_t lo = 0;
    uint32_t hi = 0;
    if (!U32(&lo) || !U32(&hi)) return false;
    *v = (static_cast<uint64_t>(hi) << 32) | lo;
    return true;
  }
  bool ShortText(std::string_view* s) {
    uint8_t len = 0;
    if (!U8(&len) || len > kMaxHelloTextBytes || n_ - at_ < len) return false;
    *s = std::string_view(reinterpret_cast<const char*>(p_ + at_), len);
    at_ += len;
    return true;
  }
  const uint8_t* Rest(size_t* size) {
    *size = n_ - at_;
    const uint8_t* rest = p_ + at_;
    at_ = n_;
    return rest;
  }
  bool AtEnd() const { return at_ == n_; }

 private:
  const uint8_t* p_;
  size_t n_;
  size_t at_ = 0;
};

}  // namespace

size_t EncodeHelloRequest(const HelloRequest& m, uint8_t* out) {
  Writer w(out);
  w.U32(m.session_nonce);
  return w.Done();
}

size_t EncodeHelloInfo(const HelloInfo& m, uint8_t* out) {
  Writer w(out);
  w.U8(m.protocol_version);
  w.U32(m.session_nonce);
  w.U32(m.clock_hz);
  w.U32(m.flash_bytes);
  w.U32(m.ram_bytes);
  w.U32(m.max_model_bytes);
  w.U32(m.max_input_bytes);
  w.U32(m.firmware_flash_bytes);
  w.U32(m.firmware_ram_bytes);
  w.ShortText(m.board);
  w.ShortText(m.cpu);
  w.ShortText(m.firmware_version);
  w.ShortText(m.runtime_version);
  return w.Done();
}

size_t EncodeLoad(const LoadChunk& m, uint8_t* out) {
  if (m.size_bytes == 0 || m.size_bytes > kMaxLoadChunkBytes) return 0;
  Writer w(out);
  w.U32(m.offset);
  w.Bytes(m.data, m.size_bytes);
  return w.Done();
}

size_t EncodeCommit(const CommitRequest& m, uint8_t* out) {
  Writer w(out);
  w.U32(m.model_bytes);
  w.U32(m.model_crc32);
  return w.Done();
}

size_t EncodeInput(const InputChunk& m, uint8_t* out) {
  if (m.size_bytes == 0 || m.size_bytes > kMaxInputChunkBytes) return 0;
  Writer w(out);
  w.U8(m.tensor);
  w.U32(m.offset);
  w.Bytes(m.data, m.size_bytes);
  return w.Done();
}

size_t EncodeRun(const RunRequest& m, uint8_t* out) {
  Writer w(out);
  w.U16(m.warmup_runs);
  w.U16(m.timed_runs);
  w.U8(m.output_mode);
  w.U8(m.input_mode);
  uint64_t scale_bits = 0;
  static_assert(sizeof scale_bits == sizeof m.input_scale);
  std::memcpy(&scale_bits, &m.input_scale, sizeof scale_bits);
  w.U64(scale_bits);
  return w.Done();
}

size_t EncodeResult(const RunResult& m, uint8_t* out) {
  if (m.timed_runs > kMaxTimedRuns || m.output_bytes > 0xFFFF) return 0;
  Writer w(out);
  w.U16(m.timed_runs);
  for (size_t i = 0; i < m.timed_runs; ++i) w.U64(m.ticks[i]);
  w.U32(static_cast<uint32_t>(m.top1));
  w.U32(m.arena_bytes);
  w.U32(m.stack_high_water_bytes);
  w.U16(static_cast<uint16_t>(m.output_bytes));
  if (m.output_bytes > 0) w.Bytes(m.outputs, m.output_bytes);
  return w.Done();
}

size_t EncodeError(const ErrorReport& m, uint8_t* out) {
  Writer w(out);
  w.U16(m.code);
  w.Bytes(reinterpret_cast<const uint8_t*>(m.text.data()), m.text.size());
  return w.Done();
}

size_t EncodeLog(std::string_view text, uint8_t* out) {
  if (text.empty()) return 0;
  Writer w(out);
  w.Bytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  return w.Done();
}

bool DecodeHelloRequest(const uint8_t* p, size_t n, HelloRequest* m) {
  Reader r(p, n);
  return r.U32(&m->session_nonce) && r.AtEnd();
}

bool DecodeHelloInfo(const uint8_t* p, size_t n, HelloInfo* m) {
  Reader r(p, n);
  return r.U8(&m->protocol_version) && r.U32(&m->session_nonce) && r.U32(&m->clock_hz) && r.U32(&m->flash_bytes) &&
         r.U32(&m->ram_bytes) && r.U32(&m->max_model_bytes) && r.U32(&m->max_input_bytes) &&
         r.U32(&m->firmware_flash_bytes) && r.U32(&m->firmware_ram_bytes) &&
         r.ShortText(&m->board) && r.ShortText(&m->cpu) && r.ShortText(&m->firmware_version) &&
         r.ShortText(&m->runtime_version) && r.AtEnd();
}

bool DecodeLoad(const uint8_t* p, size_t n, LoadChunk* m) {
  Reader r(p, n);
  if (!r.U32(&m->offset)) return false;
  m->data = r.Rest(&m->size_bytes);
  return m->size_bytes > 0;
}

bool DecodeCommit(const uint8_t* p, size_t n, CommitRequest* m) {
  Reader r(p, n);
  return r.U32(&m->model_bytes) && r.U32(&m->model_crc32) && r.AtEnd();
}

bool DecodeInput(const uint8_t* p, size_t n, InputChunk* m) {
  Reader r(p, n);
  if (!r.U8(&m->tensor) || !r.U32(&m->offset)) return false;
  m->data = r.Rest(&m->size_bytes);
  return m->size_bytes > 0;
}

bool DecodeRun(const uint8_t* p, size_t n, RunRequest* m) {
  Reader r(p, n);
  uint64_t scale_bits = 0;
  if (!r.U16(&m->warmup_runs) || !r.U16(&m->timed_runs) || !r.U8(&m->output_mode) ||
      !r.U8(&m->input_mode) || !r.U64(&scale_bits) || !r.AtEnd()) {
    return false;
  }
  std::memcpy(&m->input_scale, &scale_bits, sizeof scale_bits);
  return true;
}

bool DecodeResult(const uint8_t* p, size_t n, RunResult* m) {
  Reader r(p, n);
  if (!r.U16(&m->timed_runs) || m->timed_runs > kMaxTimedRuns) return false;
  for (size_t i = 0; i < m->timed_runs; ++i) {
    if (!r.U64(&m->ticks[i])) return false;
  }
  uint32_t top1 = 0;
  uint16_t output_bytes = 0;
  if (!r.U32(&top1) || !r.U32(&m->arena_bytes) || !r.U32(&m->stack_high_water_bytes) ||
      !r.U16(&output_bytes)) {
    return false;
  }
  m->top1 = static_cast<int32_t>(top1);
  size_t rest = 0;
  m->outputs = r.Rest(&rest);
  m->output_bytes = rest;
  return rest == output_bytes;
}

bool DecodeError(const uint8_t* p, size_t n, ErrorReport* m) {
  Reader r(p, n);
  if (!r.U16(&m->code)) return false;
  size_t size = 0;
  const uint8_t* text = r.Rest(&size);
  m->text = std::string_view(reinterpret_cast<const char*>(text), size);
  return true;
}

bool DecodeLog(const uint8_t* p, size_t n, std::string_view* text) {
  if (n == 0) return false;
  *text = std::string_view(reinterpret_cast<const char*>(p), n);
  return true;
}

}  // namespace bsb::serial
