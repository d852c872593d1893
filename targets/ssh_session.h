// Internal to targets/ssh_*.cc: one authenticated libssh session, its exec channels and its
// SFTP client. Callers outside targets/ use ssh_target.h.
#pragma once

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "targets/target.h"
#include "targets/target_config.h"

namespace bsb::targets {

using LogFn = std::function<void(const std::string&)>;

// Checks the server's host key against known_hosts under policy; records it under
// accept-new. Unknown (strict) and changed keys are kUnreachable with a message that
// gives the fingerprint and, for unknown keys, the command that trusts it.
Outcome<Ok> VerifyHostKey(ssh_session session, const std::string& target_name, HostKeyPolicy policy,
                          const LogFn& log);

struct ExecResult {
  bool timed_out = false;  // the local deadline passed; the channel was signalled and closed
  int exit_code = -1;      // from exit-status
  int signal = 0;          // from exit-signal
  std::string stdout_text;
  std::string stderr_text;
  double wall_ms = 0;
};

class SshSession {
 public:
  // Resolves options (~/.ssh/config, then explicit fields), connects, verifies the host key,
  // authenticates by identity file or ssh-agent. Failures are kUnreachable.
  static Outcome<std::unique_ptr<SshSession>> Connect(const std::string& target_name,
                                                      const SshConfig& config, const LogFn& log);
  ~SshSession();
  SshSession(const SshSession&) = delete;
  SshSession& operator=(const SshSession&) = delete;

  // Runs command (a shell command line: quote every word!) on one new channel, feeding
  // stdin_text then EOF. A dead connection is kTransport.
  Outcome<ExecResult> Exec(const std::string& command, const std::string& stdin_text,
                           std::chrono::milliseconds deadline);

  bool connected() const;
  ssh_session raw() const { return session_; }
  sftp_session sftp();  // opened on first use; nullptr if the server refuses
  const std::string& destination() const { return destination_; }  // user@host:port
  // kTransport when the connection is gone, else kind: how to report an error now.
  Failure Classify(FailureKind kind, std::string message) const;

 private:
  SshSession(ssh_session session, std::string target_name, int keepalive_s);
  void ConfigureSocket();

  ssh_session session_;
  sftp_session sftp_ = nullptr;
  std::string target_name_;
  std::string destination_;
  int keepalive_s_;
};

// SFTP side (sftp_upload.cc).
struct UploadStats {
  bool already_present = false;
  std::uint64_t bytes = 0;
};
// Puts local_path at remote_path (absolute) unless a file of that size is there, writing
// remote_path.tmp-<random> and renaming it, so a cut transfer never has the final name.
Outcome<UploadStats> UploadIfMissing(SshSession& ssh, const std::string& local_path,
                                     const std::string& remote_path, int mode);
// mkdir -p over SFTP, then the absolute, canonical form of path (relative → from home).
Outcome<std::string> MakeRemoteDirs(SshSession& ssh, const std::string& path);

}  // namespace bsb::targets
