// libssh plumbing: options, connect, authenticate, exec channels, keep-alives.
#include "targets/ssh_session.h"

#include <libssh/callbacks.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <mutex>

namespace bsb::targets {
namespace {

using Clock = std::chrono::steady_clock;

void InitLibsshOnce() {
  static std::once_flag once;
  std::call_once(once, [] { ssh_init(); });
}

std::string OptionString(ssh_session s, ssh_options_e option) {
  char* value = nullptr;
  if (ssh_options_get(s, option, &value) != SSH_OK || value == nullptr) return "";
  std::string out = value;
  ssh_string_free_char(value);
  return out;
}

int SignalNumber(const char* name) {
  for (int sig = 1; sig < NSIG; ++sig) {
    const char* abbrev = sigabbrev_np(sig);
    if (abbrev != nullptr && name != nullptr && strcmp(abbrev, name) == 0) return sig;
  }
  return SIGKILL;  // an unnamed signal still ended the process
}

struct ChannelDeleter {
  void operator()(ssh_channel c) const {
    if (ssh_channel_is_open(c)) ssh_channel_close(c);
    ssh_channel_free(c);
  }
};
using Channel = std::unique_ptr<ssh_channel_struct, ChannelDeleter>;

struct ExitState {
  int signal = 0;
  bool signalled = false;
};

void OnExitSignal(ssh_session, ssh_channel, const char* signal, int, const char*, const char*,
                  void* userdata) {
  auto* state = static_cast<ExitState*>(userdata);
  state->signal = SignalNumber(signal);
  state->signalled = true;
}

Failure Unreachable(const std::string& name, std::string message) {
  return Failure{FailureKind::kUnreachable, "target '" + name + "': " + std::move(message)};
}

// Public-key authentication: the configured identity file only, or (none configured) the
// ssh-agent and the identities ~/.ssh/config names. Never a password.
Outcome<Ok> Authenticate(ssh_session s, const std::string& name, const SshConfig& c,
                         const std::string& destination) {
  int rc = SSH_AUTH_DENIED;
  std::string tried;
  if (!c.identity.empty()) {
    if (access(c.identity.c_str(), R_OK) != 0) {
      return Unreachable(name, "identity file '" + c.identity + "' cannot be read: " + strerror(errno));
    }
    ssh_key key = nullptr;
    if (ssh_pki_import_privkey_file(c.identity.c_str(), nullptr, nullptr, nullptr, &key) != SSH_OK) {
      return Unreachable(name, "identity file '" + c.identity +
                                   "' is not a private key this build can use without a passphrase "
                                   "(load it into ssh-agent instead)");
    }
    rc = ssh_userauth_publickey(s, nullptr, key);
    ssh_key_free(key);
    tried = "identity " + c.identity;
  } else {
    rc = ssh_userauth_publickey_auto(s, nullptr, nullptr);
    tried = "ssh-agent and the identities of the ssh config";
  }
  if (rc == SSH_AUTH_SUCCESS) return Ok{};
  if (rc == SSH_AUTH_ERROR) return Unreachable(name, "authentication error with " + destination + ": " + ssh_get_error(s));
  return Unreachable(name, destination + " refused public-key authentication (tried " + tried +
                               "); is the key in that user's authorized_keys?");
}

}  // namespace

SshSession::SshSession(ssh_session session, std::string target_name, int keepalive_s)
    : session_(session), target_name_(std::move(target_name)), keepalive_s_(keepalive_s) {}

SshSession::~SshSession() {
  if (sftp_ != nullptr) sftp_free(sftp_);
  if (ssh_is_connected(session_)) ssh_disconnect(session_);
  ssh_free(session_);
}

Outcome<std::unique_ptr<SshSession>> SshSession::Connect(const std::string& name, const SshConfig& c,
                                                         const LogFn& log) {
  InitLibsshOnce();
  ssh_session s = ssh_new();
  if (s == nullptr) return Unreachable(name, "cannot allocate an SSH session");
  std::unique_ptr<SshSession> session(new SshSession(s, name, c.keepalive_s));

  // The host first (it selects the ~/.ssh/config blocks), then the config file, then the
  // target's explicit fields, which win over the file.
  if (c.host.empty()) return Unreachable(name, "no host given");
  ssh_options_set(s, SSH_OPTIONS_HOST, c.host.c_str());
  if (ssh_options_parse_config(s, c.ssh_config.empty() ? nullptr : c.ssh_config.c_str()) != SSH_OK) {
    return Unreachable(name, "cannot parse ssh config " +
                                 (c.ssh_config.empty() ? std::string("~/.ssh/config") : c.ssh_config) + ": " +
                                 ssh_get_error(s));
  }
  if (!c.user.empty()) ssh_options_set(s, SSH_OPTIONS_USER, c.user.c_str());
  if (c.port > 0) {
    unsigned int port = static_cast<unsigned int>(c.port);
    ssh_options_set(s, SSH_OPTIONS_PORT, &port);
  }
  if (!c.known_hosts.empty()) ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, c.known_hosts.c_str());
  long timeout_s = c.connect_timeout_s > 0 ? c.connect_timeout_s : 10;
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout_s);
  int on = 1;
  ssh_options_set(s, SSH_OPTIONS_NODELAY, &on);  // SFTP round trips: ~100x faster with it
  int off = 0;
  ssh_options_set(s, SSH_OPTIONS_PASSWORD_AUTH, &off);
  ssh_options_set(s, SSH_OPTIONS_KBDINT_AUTH, &off);
  ssh_options_set(s, SSH_OPTIONS_GSSAPI_AUTH, &off);

  unsigned int port = 22;
  ssh_options_get_port(s, &port);
  session->destination_ = OptionString(s, SSH_OPTIONS_USER) + "@" + OptionString(s, SSH_OPTIONS_HOST) +
                          ":" + std::to_string(port);

  if (ssh_connect(s) != SSH_OK) {
    return Unreachable(name, "cannot connect to " + session->destination_ + ": " + ssh_get_error(s));
  }
  auto verified = VerifyHostKey(s, name, c.host_key, log);
  if (!verified.ok()) return verified.failure();
  auto authed = Authenticate(s, name, c, session->destination_);
  if (!authed.ok()) return authed.failure();
  session->ConfigureSocket();
  if (log) log("target '" + name + "': connected to " + session->destination_);
  return session;
}

// TCP keep-alives and a user timeout: a peer that vanishes (cable pulled, VM gone) is noticed
// within about three keep-alive periods instead of the kernel's two hours.
void SshSession::ConfigureSocket() {
  if (keepalive_s_ <= 0) return;
  int fd = ssh_get_fd(session_);
  if (fd < 0) return;
  int on = 1;
  int idle = keepalive_s_;
  int count = 3;
  unsigned int user_timeout_ms = static_cast<unsigned int>(keepalive_s_) * 3000u;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &idle, sizeof idle);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
  setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof user_timeout_ms);
}

bool SshSession::connected() const { return ssh_is_connected(session_) != 0; }

Failure SshSession::Classify(FailureKind kind, std::string message) const {
  if (!connected()) {
    return Failure{FailureKind::kTransport,
                   "target '" + target_name_ + "': connection to " + destination_ + " lost: " + message};
  }
  return Failure{kind, "target '" + target_name_ + "': " + std::move(message)};
}

sftp_session SshSession::sftp() {
  if (sftp_ != nullptr) return sftp_;
  sftp_session sftp = sftp_new(session_);
  if (sftp == nullptr) return nullptr;
  if (sftp_init(sftp) != SSH_OK) {
    sftp_free(sftp);
    return nullptr;
  }
  sftp_ = sftp;
  return sftp_;
}

Outcome<ExecResult> SshSession::Exec(const std::string& command, const std::string& stdin_text,
                                     std::chrono::milliseconds deadline) {
  const auto start = Clock::now();
  Channel channel(ssh_channel_new(session_));
  if (!channel || ssh_channel_open_session(channel.get()) != SSH_OK) {
    return Classify(FailureKind::kTransport, std::string("cannot open a channel: ") + ssh_get_error(session_));
  }
  ExitState exit_state;
  ssh_channel_callbacks_struct callbacks{};
  callbacks.userdata = &exit_state;
  callbacks.channel_exit_signal_function = OnExitSignal;
  ssh_callbacks_init(&callbacks);
  ssh_set_channel_callbacks(channel.get(), &callbacks);

  if (ssh_channel_request_exec(channel.get(), command.c_str()) != SSH_OK) {
    return Classify(FailureKind::kTransport, std::string("exec refused: ") + ssh_get_error(session_));
  }
  if (!stdin_text.empty() &&
      ssh_channel_write(channel.get(), stdin_text.data(), static_cast<uint32_t>(stdin_text.size())) !=
          static_cast<int>(stdin_text.size())) {
    return Classify(FailureKind::kTransport, std::string("cannot send input: ") + ssh_get_error(session_));
  }
  ssh_channel_send_eof(channel.get());

  ExecResult result;
  char buf[32768];
  auto last_activity = Clock::now();
  constexpr int kPollMs = 50;
  for (;;) {
    const auto now = Clock::now();
    if (now - start >= deadline) {
      // The remote command has its own timeout; this is the belt to those braces.
      ssh_channel_request_send_signal(channel.get(), "KILL");
      result.timed_out = true;
      break;
    }
    int rc = ssh_channel_poll_timeout(channel.get(), kPollMs, 0);
    if (rc == SSH_ERROR) {
      return Classify(FailureKind::kTransport, std::string("reading the command's output: ") + ssh_get_error(session_));
    }
    bool got_data = false;
    for (int is_stderr = 0; is_stderr < 2; ++is_stderr) {
      for (;;) {
        int n = ssh_channel_read_nonblocking(channel.get(), buf, sizeof buf, is_stderr);
        if (n == SSH_ERROR) {
          return Classify(FailureKind::kTransport, std::string("reading the command's output: ") + ssh_get_error(session_));
        }
        if (n <= 0) break;
        (is_stderr ? result.stderr_text : result.stdout_text).append(buf, static_cast<size_t>(n));
        got_data = true;
      }
    }
    if (got_data) last_activity = now;
    if (rc == SSH_EOF || ssh_channel_is_eof(channel.get())) break;
    if (!connected()) return Classify(FailureKind::kTransport, "the server closed the connection mid-command");
    // A silent benchmark must not look like a dead link, and a dead link must be noticed:
    // an SSH_MSG_IGNORE makes TCP's user timeout apply even when nothing else is sent.
    if (keepalive_s_ > 0 && now - last_activity >= std::chrono::seconds(keepalive_s_)) {
      if (ssh_send_ignore(session_, "bsb-keepalive") != SSH_OK) {
        return Classify(FailureKind::kTransport, std::string("keep-alive failed: ") + ssh_get_error(session_));
      }
      last_activity = now;
    }
  }
  if (!result.timed_out) {
    int status = ssh_channel_get_exit_status(channel.get());
    if (exit_state.signalled) {
      result.signal = exit_state.signal;
    } else if (status >= 0) {
      result.exit_code = status;
    } else if (!connected()) {
      return Classify(FailureKind::kTransport, "the connection closed before the command's exit status arrived");
    }
  }
  result.wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return result;
}

}  // namespace bsb::targets
