#include "targets/mcu_channel.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace bsb::targets {
namespace {

// termios names each supported rate by a constant.
bool BaudConstant(int baud, speed_t* out) {
  static const struct {
    int baud;
    speed_t constant;
  } kRates[] = {{1200, B1200},       {2400, B2400},       {4800, B4800},       {9600, B9600},
                {19200, B19200},     {38400, B38400},     {57600, B57600},     {115200, B115200},
                {230400, B230400},   {460800, B460800},   {500000, B500000},   {576000, B576000},
                {921600, B921600},   {1000000, B1000000}, {1152000, B1152000}, {1500000, B1500000},
                {2000000, B2000000}, {3000000, B3000000}, {4000000, B4000000}};
  for (const auto& r : kRates) {
    if (r.baud == baud) {
      *out = r.constant;
      return true;
    }
  }
  return false;
}

}  // namespace

FdChannel::~FdChannel() {
  if (fd_ >= 0) ::close(fd_);
}

uint32_t FdChannel::NowMs(void*) {
  using namespace std::chrono;
  return static_cast<uint32_t>(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

bool FdChannel::WriteAll(const uint8_t* data, size_t size_bytes) {
  while (size_bytes > 0) {
    const ssize_t n = ::write(fd_, data, size_bytes);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        pollfd p{fd_, POLLOUT, 0};
        ::poll(&p, 1, 100);
        continue;
      }
      return false;
    }
    bytes_written_ += static_cast<uint64_t>(n);
    data += n;
    size_bytes -= static_cast<size_t>(n);
  }
  return true;
}

bool FdChannel::Write(void* context, const uint8_t* data, size_t size_bytes) {
  auto* self = static_cast<FdChannel*>(context);
  if (!self->filter_) return self->WriteAll(data, size_bytes);
  self->scratch_.assign(data, data + size_bytes);
  self->filter_->ToDevice(&self->scratch_);
  return self->WriteAll(self->scratch_.data(), self->scratch_.size());
}

long FdChannel::Read(void* context, uint8_t* buffer, size_t capacity, uint32_t timeout_ms) {
  auto* self = static_cast<FdChannel*>(context);
  if (self->cancel_ != nullptr && self->cancel_->load()) return -1;
  if (self->pending_.empty()) {
    pollfd p{self->fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(timeout_ms));
    if (ready < 0) return errno == EINTR ? 0 : -1;
    if (ready == 0) return 0;
    uint8_t chunk[4096];
    const ssize_t n = ::read(self->fd_, chunk, sizeof chunk);
    if (n < 0) return (errno == EINTR || errno == EAGAIN) ? 0 : -1;
    if (n == 0) return -1;  // the peer closed (QEMU exited, the USB device went away)
    self->bytes_read_ += static_cast<uint64_t>(n);
    self->pending_.assign(chunk, chunk + n);
    if (self->filter_) self->filter_->ToHost(&self->pending_);
  }
  const size_t n = std::min(capacity, self->pending_.size());
  std::memcpy(buffer, self->pending_.data(), n);
  self->pending_.erase(self->pending_.begin(), self->pending_.begin() + static_cast<long>(n));
  return static_cast<long>(n);
}

bool IsSupportedBaud(int baud) {
  speed_t unused = 0;
  return BaudConstant(baud, &unused);
}

uint32_t ByteTimeUs(int baud) {
  if (baud <= 0) return 0;
  return static_cast<uint32_t>((10'000'000LL + baud - 1) / baud);
}

Result<int> OpenSerialPort(const std::string& port, int baud) {
  speed_t speed = 0;
  if (!BaudConstant(baud, &speed)) {
    return MakeError("serial port " + port + ": baud " + std::to_string(baud) +
                     " is not a rate termios can set (e.g. 9600, 115200, 921600)");
  }
  const int fd = ::open(port.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    return MakeError("serial port " + port + ": cannot open: " + std::strerror(e) +
                     (e == EBUSY ? " (another program holds it exclusively)" : ""));
  }
  auto fail = [&](const std::string& what) -> Result<int> {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    return MakeError("serial port " + port + ": " + what + ": " + reason);
  };
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      ::close(fd);
      return MakeError("serial port " + port + " is busy: another bsb-matrix (or program using "
                       "flock) holds it");
    }
    return fail("cannot lock");
  }
  if (::ioctl(fd, TIOCEXCL) != 0) return fail("cannot make it exclusive (TIOCEXCL)");
  termios t{};
  if (::tcgetattr(fd, &t) != 0) return fail("not a terminal device");
  ::cfmakeraw(&t);
  t.c_cflag &= ~static_cast<tcflag_t>(CSTOPB | PARENB | CSIZE | CRTSCTS);
  t.c_cflag |= CS8 | CLOCAL | CREAD;  // 8N1, ignore modem lines
  t.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  if (::cfsetispeed(&t, speed) != 0 || ::cfsetospeed(&t, speed) != 0) return fail("cannot set baud");
  if (::tcsetattr(fd, TCSANOW, &t) != 0) return fail("cannot configure 8N1 raw mode");
  ::tcflush(fd, TCIOFLUSH);  // stale bytes from before we owned the port
  return fd;
}

}  // namespace bsb::targets
