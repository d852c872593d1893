#include "tests/integration/serial/qemu_board.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace bsb::serial::testing {

void QemuBoard::SetUp() {
  if (access(kFirmware, R_OK) != 0) GTEST_SKIP() << "firmware not built: " << kFirmware;
  char dir_template[] = "/tmp/bsb-qemu-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  dir_ = dir_template;
  socket_path_ = dir_ + "/uart0.sock";
  listen_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listen_fd_, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(socket_path_.size(), sizeof addr.sun_path);
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_path_.c_str());
  ASSERT_EQ(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listen_fd_, 1), 0);

  const std::string chardev = "socket,id=u0,path=" + socket_path_;
  const std::string kernel = kFirmware;
  const char* icount = std::getenv("BSB_QEMU_ICOUNT");  // e.g. "off" to compare speeds
  std::vector<std::string> args = {"qemu-system-arm", "-M", "mps2-an386", "-nographic",
                                   "-monitor", "none"};
  if (icount == nullptr || std::string(icount) != "off") {
    args.insert(args.end(), {"-icount", "shift=0"});
  }
  args.insert(args.end(), {
"-semihosting-config", "enable=on,target=native", "-kernel", kernel,
                           "-chardev", chardev, "-serial", "chardev:u0"});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = fork();
  ASSERT_GE(pid_, 0);
  if (pid_ == 0) {
    execvp(argv[0], argv.data());
    _exit(127);
  }
  pollfd p{listen_fd_, POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 10000), 1) << "QEMU did not connect to " << socket_path_ << " in 10 s";
  link_.fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(link_.fd, 0);
}

void QemuBoard::TearDown() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 50 && waitpid(pid_, &status, WNOHANG) == 0; ++i) usleep(100000);
    if (waitpid(pid_, &status, WNOHANG) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
  }
  if (link_.fd >= 0) close(link_.fd);
  if (listen_fd_ >= 0) close(listen_fd_);
  if (!socket_path_.empty()) unlink(socket_path_.c_str());
  if (!dir_.empty()) rmdir(dir_.c_str());
}

HostSession QemuBoard::MakeSession() {
  LinkConfig config;
  config.ack_timeout_ms = 500;  // QEMU may be slow to schedule on a loaded 2-core machine
  config.max_attempts = 8;
  return HostSession(config, link_.AsTransport(), HostTimeouts{5000, 30000});
}

}  // namespace bsb::serial::testing
