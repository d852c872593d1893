// Everything a Target needs to be built, independent of the matrix file's typed model:
// the orchestrator maps a matrix target (plus its host-side cache and agent binaries) to this.
#pragma once

#include <functional>
#include <map>
#include <string>

namespace bsb::targets {

// A bsb-agent build for one architecture, as a content-addressed object.
struct AgentBinary {
  std::string sha256;
  std::string local_path;
};

enum class HostKeyPolicy { kStrict, kAcceptNew };

struct SshConfig {
  std::string host;          // a name, an address or an alias from ~/.ssh/config
  std::string user;          // empty: from ~/.ssh/config, else the local user
  int port = 0;              // 0: from ~/.ssh/config, else 22
  std::string identity;      // private key file; empty: ~/.ssh/config, then ssh-agent
  HostKeyPolicy host_key = HostKeyPolicy::kStrict;
  std::string known_hosts;   // empty: ~/.ssh/known_hosts
  std::string ssh_config;    // empty: ~/.ssh/config (a missing file is fine)
  int connect_timeout_s = 10;
  int keepalive_s = 15;      // TCP keep-alive probes; 0: off
  std::string workdir = ".cache/bsb-matrix";  // on the remote; relative to its home
  int lock_wait_s = 600;     // how long a cell waits for another orchestrator's lock
};

struct TargetConfig {
  std::string name;          // the matrix's target name, used in every message
  std::string kind;          // local | qemu-user | ssh
  // Agent builds by architecture (x86_64, aarch64, armv7); a target picks what it needs.
  std::map<std::string, AgentBinary> agents;
  // Host-side cache root: local and qemu-user keep objects in
  // <cache_dir>/targets/<name>/objects/<sha256>.
  std::string cache_dir;
  std::string arch;          // qemu-user: aarch64 | armv7
  std::string qemu_binary;   // qemu-user: empty → qemu-<arch>-static from PATH
  SshConfig ssh;             // kind == ssh
  // Progress lines (connections, bytes shipped, host keys recorded); empty: silent.
  std::function<void(const std::string&)> log;
};

}  // namespace bsb::targets
