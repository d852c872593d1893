// A QEMU mps2-an386 board running the firmware, for the integration tests: the test listens on
// a unix socket before QEMU starts (so no byte is lost), QEMU connects UART0 to it, and
// TearDown stops QEMU by its PID. Set BSB_QEMU_ICOUNT=off to compare speeds without -icount.
#pragma once

#include <gtest/gtest.h>

#include <sys/types.h>

#include <string>

#include "tests/integration/serial/fd_transport.h"

namespace bsb::serial::testing {

inline constexpr const char* kFirmware = BSB_BINARY_DIR "/agent/mcu/bsb-firmware-mps2-an386.elf";

class QemuBoard : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  HostSession MakeSession();

  std::string dir_, socket_path_;
  int listen_fd_ = -1;
  pid_t pid_ = -1;
  FdTransport link_;
};

}  // namespace bsb::serial::testing
