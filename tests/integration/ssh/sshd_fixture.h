// A throw-away OpenSSH server for one test: its own host and client keys, config and
// directory, listening on a free port (optionally inside a network namespace), stopped by
// PID. Logins are as the current user (root on CI) with AuthorizedKeysFile in the temp dir,
// so nothing outside the temp dir is touched. As root, sshd runs in a private mount namespace
// whose /etc/passwd gives that user /bin/sh and an empty home in the temp dir (home()): a
// session costs what the transport costs, not what the machine's rc files cost.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "targets/target_config.h"

namespace bsb::targets::testing {

struct SshdOptions {
  std::string netns;                       // run inside this namespace ("" = host)
  std::string listen_address = "127.0.0.1";
  std::string path_prefix;                 // prepended to the sessions' PATH (uname shims)
};

class Sshd {
 public:
  explicit Sshd(SshdOptions options = {});
  ~Sshd();
  Sshd(const Sshd&) = delete;
  Sshd& operator=(const Sshd&) = delete;

  // Empty on success, else what went wrong (tests GTEST_SKIP or FAIL with it).
  const std::string& error() const { return error_; }
  void Stop();      // SIGTERM the listener and every session process it started
  bool Restart();   // same port, same keys

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  // The sessions' home directory (empty at start); their login shell is /bin/sh when root.
  std::string home() const { return dir_ + "/home"; }
  // The server has its own mount namespace (when root), whose mounts the host does not see:
  // argv prefixed to run in it (e.g. to mount a small tmpfs), and a host path to `path` as
  // the sessions see it.
  std::vector<std::string> InServerMounts(std::vector<std::string> argv) const;
  std::string AsServerSees(const std::string& path) const;
  const std::string& address() const { return options_.listen_address; }
  std::string host_key_pub() const { return dir_ + "/host_ed25519.pub"; }
  std::string client_key() const { return dir_ + "/client_ed25519"; }
  // A known_hosts file that trusts this server's host key.
  std::string TrustingKnownHosts() const;
  // An ssh target reaching this server with every field explicit and the key trusted.
  TargetConfig Config(const std::string& name) const;
  // The same as an entry of a matrix file's `targets:` list (YAML, ends with a newline).
  std::string MatrixTarget(const std::string& name, const std::string& workdir) const;

 private:
  bool Launch();

  SshdOptions options_;
  std::string dir_;
  std::string error_;
  std::string passwd_;  // the bind-mounted /etc/passwd, "" when not root
  int port_ = 0;
  pid_t pid_ = -1;
};

// The fake agent as an AgentBinary (sha256 computed by sha256sum).
AgentBinary FakeAgentBinary();

}  // namespace bsb::targets::testing
