// The byte channel to a microcontroller: a file descriptor (a serial port, a pty, QEMU's UART
// socket) behind serial::HostTransport, plus opening a real serial port properly.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/protocol/serial_host.h"
#include "support/result.h"

namespace bsb::targets {

// Rewrites bytes between host and device — a fault-injecting proxy for tests. ToDevice sees
// every chunk the host writes, ToHost every chunk read, and may change, drop or add bytes.
class ByteFilter {
 public:
  virtual ~ByteFilter() = default;
  virtual void ToDevice(std::vector<uint8_t>* bytes) = 0;
  virtual void ToHost(std::vector<uint8_t>* bytes) = 0;
};

// Owns `fd` (closes it); counts bytes for the efficiency figures.
class FdChannel {
 public:
  // `cancel`, when set and true, makes reads fail at once (Target::Cancel).
  FdChannel(int fd, std::shared_ptr<ByteFilter> filter, const std::atomic<bool>* cancel = nullptr)
      : fd_(fd), filter_(std::move(filter)), cancel_(cancel) {}
  ~FdChannel();
  FdChannel(const FdChannel&) = delete;
  FdChannel& operator=(const FdChannel&) = delete;

  serial::HostTransport transport() { return {this, &Write, &Read, &NowMs}; }
  uint64_t bytes_written() const { return bytes_written_; }
  uint64_t bytes_read() const { return bytes_read_; }

  static uint32_t NowMs(void* context);

 private:
  static bool Write(void* context, const uint8_t* data, size_t size_bytes);
  static long Read(void* context, uint8_t* buffer, size_t capacity, uint32_t timeout_ms);
  bool WriteAll(const uint8_t* data, size_t size_bytes);

  int fd_;
  std::shared_ptr<ByteFilter> filter_;
  const std::atomic<bool>* cancel_;
  std::vector<uint8_t> scratch_;
  std::vector<uint8_t> pending_;  // filtered bytes not yet handed to the reader
  uint64_t bytes_written_ = 0;
  uint64_t bytes_read_ = 0;
};

// Opens a serial port for the protocol: raw 8N1 at `baud`, no flow control, no modem control
// (CLOCAL), exclusive: TIOCEXCL (no other non-root open) and an flock (not even root's, nor a
// second orchestrator's). Error messages name the port and say why (busy, no such device,
// a baud rate termios cannot set).
Result<int> OpenSerialPort(const std::string& port, int baud);

// Whether termios can set `baud` (1200 … 4000000, the standard rates).
bool IsSupportedBaud(int baud);

// Time one byte takes at `baud` with 8N1 (10 bits), microseconds, rounded up.
uint32_t ByteTimeUs(int baud);

}  // namespace bsb::targets
