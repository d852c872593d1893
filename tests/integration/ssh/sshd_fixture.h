// A throw-away OpenSSH server for one test: its own host and client keys, config and
// directory, listening on a free port (optionally inside a network namespace), stopped by
// PID. Logins are as the current user (root on CI) with AuthorizedKeysFile in the temp dir,
// so nothing outside the temp dir is touched.
#pragma once

#include <sys/types.h>

#include <string>

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
  const std::string& address() const { return options_.listen_address; }
  std::string host_key_pub() const { return dir_ + "/host_ed25519.pub"; }
  std::string client_key() const { return dir_ + "/client_ed25519"; }
  // A known_hosts file that trusts this server's host key.
  std::string TrustingKnownHosts() const;
  // An ssh target reaching this server with every field explicit and the key trusted.
  TargetConfig Config(const std::string& name) const;

 private:
  bool Launch();

  SshdOptions options_;
  std::string dir_;
  std::string error_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// The fake agent as an AgentBinary (sha256 computed by sha256sum).
AgentBinary FakeAgentBinary();

}  // namespace bsb::targets::testing
