// HostTransport over a POSIX file descriptor (pty, unix socket), for the integration tests.
#pragma once

#include <cstdint>

#include "agent/protocol/serial_host.h"

namespace bsb::serial::testing {

struct FdTransport {
  int fd = -1;
  uint64_t bytes_written = 0;
  uint64_t bytes_read = 0;

  HostTransport AsTransport() { return HostTransport{this, &Write, &Read, &NowMs}; }
  static bool Write(void* context, const uint8_t* data, size_t size_bytes);
  static long Read(void* context, uint8_t* buffer, size_t capacity, uint32_t timeout_ms);
  static uint32_t NowMs(void* context);
};

// Puts a tty into raw 8-bit mode (no echo, no line editing, no CR/LF mapping, 0x00 passes).
bool MakeRaw(int fd);

}  // namespace bsb::serial::testing
