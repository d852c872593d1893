// Everything a Target needs to be built, independent of the matrix file's typed model:
// the orchestrator maps a matrix target (plus its host-side cache and agent binaries) to this.
#pragma once

#include <functional>
#include <cstdint>
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

// Microcontroller kinds (serial, qemu-mcu): the board, its firmware and how to reach it.
struct McuConfig {
  std::string board;            // a profile of targets/mcu_boards.h, e.g. mps2-an386
  std::string firmware;         // firmware ELF; qemu-mcu boots it, serial only flashes it
  std::string qemu_binary;      // qemu-mcu: empty → qemu-system-arm from PATH
  std::string port;             // serial: /dev/ttyACM0, a pty, ...
  int baud = 115200;            // serial: 8N1 at this rate
  // serial: command line run before the first cell and after a halt (flashing resets the
  // board). Split into words like a shell would (quotes, backslashes) but never run by one;
  // {firmware}, {port} and {board} are replaced inside words after splitting.
  std::string flash_command;
  // Flash and RAM the cells may use; 0: the board profile's.
  uint64_t budget_flash_bytes = 0;
  uint64_t budget_ram_bytes = 0;
  // Longest wait for a HELLO or COMMIT answer (the device runs nothing meanwhile).
  int answer_timeout_ms = 5000;
};

struct TargetConfig {
  std::string name;          // the matrix's target name, used in every message
  std::string kind;          // local | qemu-user | ssh | serial | qemu-mcu
  // Agent builds by architecture (x86_64, aarch64, armv7); a target picks what it needs.
  std::map<std::string, AgentBinary> agents;
  // Host-side cache root: local and qemu-user keep objects in
  // <cache_dir>/targets/<name>/objects/<sha256>.
  std::string cache_dir;
  std::string arch;          // qemu-user: aarch64 | armv7
  std::string qemu_binary;   // qemu-user: empty → qemu-<arch>-static from PATH
  SshConfig ssh;             // kind == ssh
  McuConfig mcu;             // kind == serial | qemu-mcu
  // Progress lines (connections, bytes shipped, host keys recorded); empty: silent.
  std::function<void(const std::string&)> log;
};

}  // namespace bsb::targets
