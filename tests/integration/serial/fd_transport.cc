#include "tests/integration/serial/fd_transport.h"

#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace bsb::serial::testing {

bool FdTransport::Write(void* context, const uint8_t* data, size_t size_bytes) {
  auto* self = static_cast<FdTransport*>(context);
  while (size_bytes > 0) {
    const ssize_t n = ::write(self->fd, data, size_bytes);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{self->fd, POLLOUT, 0};
        ::poll(&p, 1, 100);
        continue;
      }
      return false;
    }
    self->bytes_written += static_cast<uint64_t>(n);
    data += n;
    size_bytes -= static_cast<size_t>(n);
  }
  return true;
}

long FdTransport::Read(void* context, uint8_t* buffer, size_t capacity, uint32_t timeout_ms) {
  auto* self = static_cast<FdTransport*>(context);
  pollfd p{self->fd, POLLIN, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(timeout_ms));
  if (ready < 0) return errno == EINTR ? 0 : -1;
  if (ready == 0) return 0;
  const ssize_t n = ::read(self->fd, buffer, capacity);
  if (n < 0) return (errno == EINTR || errno == EAGAIN) ? 0 : -1;
  if (n == 0) return -1;  // the peer closed
  self->bytes_read += static_cast<uint64_t>(n);
  return static_cast<long>(n);
}

uint32_t FdTransport::NowMs(void*) {
  using namespace std::chrono;
  return static_cast<uint32_t>(
      duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

bool MakeRaw(int fd) {
  termios t{};
  if (::tcgetattr(fd, &t) != 0) return false;
  ::cfmakeraw(&t);
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  return ::tcsetattr(fd, TCSANOW, &t) == 0;
}

}  // namespace bsb::serial::testing
