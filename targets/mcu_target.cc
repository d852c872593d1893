#include "targets/mcu_target.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>

#include "agent/protocol/cell_spec.h"
#include "agent/protocol/result.h"
#include "support/subprocess.h"
#include "targets/agent_output.h"
#include "targets/command_template.h"
#include "targets/mcu_boards.h"
#include "targets/mcu_cell.h"
#include "targets/spec_paths.h"

extern char** environ;

namespace bsb::targets {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kHelloAttempts = 3;            // a board fresh from reset may miss the first
constexpr milliseconds kQemuConnectTimeout{10'000};
constexpr milliseconds kFlashTimeout{300'000};  // openocd/pyocd on a 2 MiB image

std::string ReadTail(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return TailOf(text);
}

// A board the target can bring up fresh from reset and talk to.
class Board {
 public:
  virtual ~Board() = default;
  virtual Outcome<std::unique_ptr<FdChannel>> Start(const std::atomic<bool>* cancel) = 0;
  // The channel is closed already; QEMU is stopped / the next Start resets the board.
  virtual void Stop() = 0;
  virtual serial::LinkConfig HostLink() const = 0;
};

// qemu-system-arm on a unix socket the host listens on first.
class QemuBoard final : public Board {
 public:
  QemuBoard(std::string who, std::string qemu, std::string machine, std::string firmware,
            std::shared_ptr<ByteFilter> filter)
      : who_(std::move(who)), qemu_(std::move(qemu)), machine_(std::move(machine)),
        firmware_(std::move(firmware)), filter_(std::move(filter)) {}
  ~QemuBoard() override { Stop(); }

  Outcome<std::unique_ptr<FdChannel>> Start(const std::atomic<bool>* cancel) override {
    char dir_template[] = "/tmp/bsb-qemu-mcu-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) return Fail(kUnreachableKind, "cannot create a directory in /tmp: " + Errno());
    dir_ = dir_template;
    socket_path_ = dir_ + "/uart0.sock";
    log_path_ = dir_ + "/qemu.log";
    const int listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd < 0) return Fail(kUnreachableKind, "socket: " + Errno());
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_path_.c_str());
    if (bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd, 1) != 0) {
      const std::string e = Errno();
      close(listen_fd);
      return Fail(kUnreachableKind, "cannot listen on " + socket_path_ + ": " + e);
    }
    // argv without a shell; the socket path is ours (no commas) and the ELF is one word.
    std::vector<std::string> args = {qemu_, "-M", machine_, "-nographic", "-monitor", "none",
                                     "-icount", "shift=0", "-semihosting-config",
                                     "enable=on,target=native", "-kernel", firmware_,
                                     "-chardev", "socket,id=uart0,path=" + socket_path_,
                                     "-serial", "chardev:uart0"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int spawned = posix_spawnp(&pid_, qemu_.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
      close(listen_fd);
      pid_ = -1;
      return Fail(kUnreachableKind, "cannot start " + qemu_ + ": " + std::strerror(spawned));
    }
    // Wait for QEMU to connect, noticing when it dies instead (bad ELF, unknown machine).
    const auto give_up = Clock::now() + kQemuConnectTimeout;
    for (;;) {
      pollfd p{listen_fd, POLLIN, 0};
      if (poll(&p, 1, 100) == 1) break;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        close(listen_fd);
        Failure f = Fail(kUnreachableKind, qemu_ + " exited before connecting its UART");
        f.stderr_tail = ReadTail(log_path_);
        return f;
      }
      if (Clock::now() > give_up) {
        close(listen_fd);
        Failure f = Fail(kUnreachableKind, qemu_ + " did not connect its UART within 10 s");
        f.stderr_tail = ReadTail(log_path_);
        return f;
      }
    }
    const int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    close(listen_fd);
    if (fd < 0) return Fail(kUnreachableKind, "accept on " + socket_path_ + ": " + Errno());
    return std::make_unique<FdChannel>(fd, filter_, cancel);
  }

  void Stop() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      for (int i = 0; i < 20 && waitpid(pid_, &status, WNOHANG) == 0; ++i) usleep(100'000);
      if (waitpid(pid_, &status, WNOHANG) == 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
      }
      pid_ = -1;
    }
    if (!dir_.empty()) {
      unlink(socket_path_.c_str());
      unlink(log_path_.c_str());
      rmdir(dir_.c_str());
      dir_.clear();
    }
  }

  serial::LinkConfig HostLink() const override {
    serial::LinkConfig c;
    c.ack_timeout_ms = 500;  // QEMU shares 2 cores with the rest of CI
    c.max_attempts = 8;
    return c;
  }

 private:
  static constexpr FailureKind kUnreachableKind = FailureKind::kUnreachable;
  static std::string Errno() { return std::strerror(errno); }
  Failure Fail(FailureKind kind, const std::string& what) const { return Failure{kind, who_ + what}; }

  std::string who_, qemu_, machine_, firmware_;
  std::shared_ptr<ByteFilter> filter_;
  std::string dir_, socket_path_, log_path_;
  pid_t pid_ = -1;
};

// A real board on a serial port, flashed (and so reset) by an optional command.
class SerialBoard final : public Board {
 public:
  SerialBoard(std::string who, std::string port, int baud, std::vector<std::string> flash_argv,
              std::shared_ptr<ByteFilter> filter)
      : who_(std::move(who)), port_(std::move(port)), baud_(baud), flash_argv_(std::move(flash_argv)),
        filter_(std::move(filter)) {}

  Outcome<std::unique_ptr<FdChannel>> Start(const std::atomic<bool>* cancel) override {
    if (!flash_argv_.empty() && needs_flash_) {
      SubprocessOptions o;
      o.argv = flash_argv_;
      o.timeout = kFlashTimeout;
      o.cancel = cancel;
      auto r = RunSubprocess(o);
      if (!r.ok()) return Failure{FailureKind::kUnreachable, who_ + "flash command: " + r.error().message};
      if (!r->Succeeded()) {
        return Failure{FailureKind::kUnreachable, who_ + "flash command '" + flash_argv_[0] + "' failed: " + r->Describe(),
                       r->StderrTail()};
      }
      needs_flash_ = false;
    }
    auto fd = OpenSerialPort(port_, baud_);
    if (!fd.ok()) return Failure{FailureKind::kUnreachable, who_ + fd.error().message};
    return std::make_unique<FdChannel>(*fd, filter_, cancel);
  }

  // Without a flash command nothing can reset the board: the next Start reopens the port and
  // HELLO finds out whether the board is back.
  void Stop() override { needs_flash_ = true; }

  serial::LinkConfig HostLink() const override {
    serial::LinkConfig c;
    c.ack_timeout_ms = 200;
    c.byte_time_us = ByteTimeUs(baud_);
    c.max_attempts = 8;
    return c;
  }

 private:
  std::string who_, port_;
  int baud_;
  std::vector<std::string> flash_argv_;
  std::shared_ptr<ByteFilter> filter_;
  bool needs_flash_ = true;
};

class McuTarget final : public Target {
 public:
  McuTarget(std::string name, const BoardProfile& profile, McuCellSetup setup, std::unique_ptr<Board> board)
      : name_(std::move(name)), profile_(profile), setup_(std::move(setup)), board_(std::move(board)) {}
  ~McuTarget() override { Disconnect(); }

  const std::string& name() const override { return name_; }

  Outcome<TargetInfo> Probe() override {
    if (auto f = Connect()) return *f;
    TargetInfo info;
    info.arch = info_.cpu;
    info.os = "bare-metal";
    info.emulated = setup_.emulated;
    info.emulated_reason = setup_.emulated ? setup_.emulated_reason : "";
    info.stamp_json = protocol::StampToJson(McuStamp(info_, setup_)).dump();
    return info;
  }

  // Objects stay on this machine: the model crosses the serial line per cell (skipped when
  // the board holds it already) and the dataset is read here, one sample per INPUT.
  Outcome<EnsureStats> Ensure(const std::vector<Object>& objects) override {
    EnsureStats stats;
    for (const auto& object : objects) {
      struct stat st {};
      if (stat(object.local_path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return Failure{FailureKind::kFailed, Who() + "object '" + object.local_path + "' is not a readable file"};
      }
      known_paths_[object.local_path] = object.local_path;
      ++stats.objects_present;
    }
    return stats;
  }

  Outcome<std::string> Run(const std::string& spec_json, milliseconds timeout) override {
    const auto deadline = Clock::now() + timeout;
    if (cancel_.load()) return Failure{FailureKind::kFailed, Who() + "cancelled"};
    auto checked = RewriteSpecPaths(spec_json, known_paths_);
    if (!checked.ok()) return Failure{FailureKind::kFailed, Who() + checked.error().message};
    auto spec = protocol::ParseCellSpec(*checked);
    if (!spec.ok()) return Failure{FailureKind::kFailed, Who() + "cell spec: " + spec.error()};
    if (auto f = Connect()) return *f;
    bool restart = false;
    Outcome<std::string> out = RunMcuCell(*session_, info_, setup_, *spec, deadline, &loaded_, &restart);
    if (restart) Disconnect();  // QEMU restarted / the board re-flashed before the next cell
    return out;
  }

  void Cancel() override { cancel_.store(true); }

 private:
  std::string Who() const { return "target '" + name_ + "': "; }

  // Starts the board and says HELLO, unless a session is open. nullopt when connected.
  std::optional<Failure> Connect() {
    if (session_) return std::nullopt;
    auto channel = board_->Start(&cancel_);
    if (!channel.ok()) {
      board_->Stop();
      return channel.failure();
    }
    channel_ = std::move(channel).value();
    session_ = std::make_unique<serial::HostSession>(
        board_->HostLink(), channel_->transport(),
        serial::HostTimeouts{setup_.answer_timeout_ms, setup_.answer_timeout_ms});
    serial::HostOutcome hello;
    for (int attempt = 0; attempt < kHelloAttempts; ++attempt) {
      hello = session_->Hello(NextNonce(), &info_);
      // Only an acknowledged but unanswered HELLO is worth another try; eight unanswered
      // sends already cover a board still booting.
      if (hello.status != serial::HostStatus::kTimeout) break;
    }
    if (!hello.ok()) {
      Disconnect();
      const FailureKind kind = hello.status == serial::HostStatus::kTimeout ? FailureKind::kTimeout
                                                                             : FailureKind::kUnreachable;
      return Failure{kind, Who() + "no HELLO from the board: " + serial::HostStatusName(hello.status) + ": " + hello.message};
    }
    if (info_.board != profile_.name || info_.clock_hz == 0) {
      const std::string board = info_.board;
      Disconnect();
      return Failure{FailureKind::kUnsupported, Who() + "the firmware reports board '" + board +
                                                    "' (clock " + std::to_string(info_.clock_hz) +
                                                    " Hz) but the target is configured for '" +
                                                    std::string(profile_.name) + "'"};
    }
    if (setup_.emulated) setup_.instructions_per_tick = 1e9 / info_.clock_hz;  // -icount shift=0: 1 ns each
    setup_.ticks_are_cycles = profile_.ticks_are_cycles && info_.clock_hz == profile_.clock_hz;
    return std::nullopt;
  }

  void Disconnect() {
    session_.reset();
    channel_.reset();
    board_->Stop();
    loaded_ = LoadedModel{};
  }

  uint32_t NextNonce() {
    const auto now = Clock::now().time_since_epoch().count();
    return static_cast<uint32_t>(now) ^ (++nonce_counter_ * 0x9e3779b9u);
  }

  std::string name_;
  const BoardProfile& profile_;
  McuCellSetup setup_;
  std::unique_ptr<Board> board_;
  std::unique_ptr<FdChannel> channel_;
  std::unique_ptr<serial::HostSession> session_;
  serial::BoardInfo info_;
  LoadedModel loaded_;
  std::map<std::string, std::string> known_paths_;  // Ensure'd local paths (identity)
  uint32_t nonce_counter_ = 0;
  std::atomic<bool> cancel_{false};
};

Result<const BoardProfile*> ProfileFor(const TargetConfig& c) {
  if (c.name.empty()) return MakeError("a " + c.kind + " target needs a name");
  const BoardProfile* profile = FindBoardProfile(c.mcu.board);
  if (profile == nullptr) {
    return MakeError("target '" + c.name + "': unknown board '" + c.mcu.board + "' (known: " +
                     BoardProfileNames() + "; agent/mcu/PORTING.md adds one)");
  }
  return profile;
}

McuCellSetup SetupFor(const TargetConfig& c, const BoardProfile& profile) {
  McuCellSetup s;
  s.target_name = c.name;
  s.board = std::string(profile.name);
  s.budget = BudgetOf(profile);
  if (c.mcu.budget_flash_bytes > 0) s.budget.flash_bytes = c.mcu.budget_flash_bytes;
  if (c.mcu.budget_ram_bytes > 0) s.budget.ram_bytes = c.mcu.budget_ram_bytes;
  s.answer_timeout_ms = static_cast<uint32_t>(std::max(100, c.mcu.answer_timeout_ms));
  s.log = c.log;
  return s;
}

}  // namespace

Result<std::unique_ptr<Target>> MakeQemuMcuTarget(const TargetConfig& config, std::shared_ptr<ByteFilter> filter) {
  auto profile = ProfileFor(config);
  if (!profile.ok()) return profile.error();
  const BoardProfile& p = **profile;
  if (p.qemu_machine.empty()) {
    return MakeError("target '" + config.name + "': board '" + std::string(p.name) +
                     "' has no QEMU machine; use kind serial for it");
  }
  if (config.mcu.firmware.empty() || access(config.mcu.firmware.c_str(), R_OK) != 0) {
    return MakeError("target '" + config.name + "': firmware ELF '" + config.mcu.firmware +
                     "' is not a readable file (the build puts it in build/agent/mcu/bsb-firmware-" +
                     std::string(p.name) + ".elf)");
  }
  const std::string qemu = config.mcu.qemu_binary.empty() ? "qemu-system-arm" : config.mcu.qemu_binary;
  McuCellSetup setup = SetupFor(config, p);
  setup.device = "QEMU " + std::string(p.qemu_machine);
  setup.emulated = true;
  setup.emulated_reason = "qemu-system-arm -M " + std::string(p.qemu_machine) +
                          " -icount shift=0: ticks are virtual time, 1 instruction = 1 ns";
  auto board = std::make_unique<QemuBoard>("target '" + config.name + "': ", qemu, std::string(p.qemu_machine),
                                           config.mcu.firmware, std::move(filter));
  return std::unique_ptr<Target>(std::make_unique<McuTarget>(config.name, p, std::move(setup), std::move(board)));
}

Result<std::unique_ptr<Target>> MakeSerialTarget(const TargetConfig& config, std::shared_ptr<ByteFilter> filter) {
  auto profile = ProfileFor(config);
  if (!profile.ok()) return profile.error();
  const BoardProfile& p = **profile;
  if (config.mcu.port.empty()) return MakeError("target '" + config.name + "': serial needs a 'port'");
  if (!IsSupportedBaud(config.mcu.baud)) {
    return MakeError("target '" + config.name + "': baud " + std::to_string(config.mcu.baud) +
                     " is not a standard rate termios can set (e.g. 115200, 921600)");
  }
  std::vector<std::string> flash_argv;
  if (!config.mcu.flash_command.empty()) {
    std::map<std::string, std::string> values = {{"port", config.mcu.port}, {"board", std::string(p.name)}};
    if (!config.mcu.firmware.empty()) values["firmware"] = config.mcu.firmware;
    auto argv = ExpandCommandTemplate(config.mcu.flash_command, values);
    if (!argv.ok()) return MakeError("target '" + config.name + "': " + argv.error().message);
    flash_argv = std::move(argv).value();
  }
  McuCellSetup setup = SetupFor(config, p);
  setup.device = std::string(p.name);
  auto board = std::make_unique<SerialBoard>("target '" + config.name + "': ", config.mcu.port, config.mcu.baud,
                                             std::move(flash_argv), std::move(filter));
  return std::unique_ptr<Target>(std::make_unique<McuTarget>(config.name, p, std::move(setup), std::move(board)));
}

}  // namespace bsb::targets
