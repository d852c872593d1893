#include "orchestrator/target_mapping.h"

#include <cstdlib>
#include <filesystem>
#include <type_traits>

namespace bsb {

std::string ExpandHome(const std::string& path) {
  if (path.rfind("~/", 0) != 0) return path;
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return path;
  return std::string(home) + path.substr(1);
}

namespace {

// Milliseconds from the matrix to whole seconds for libssh, never rounding a limit down to 0.
int CeilSeconds(std::int64_t ms) { return static_cast<int>((ms + 999) / 1000); }

targets::SshConfig SshFrom(const matrix::SshTarget& s, const std::string& host) {
  targets::SshConfig c;
  c.host = host;
  c.user = s.user;
  c.port = s.port;
  c.identity = ExpandHome(s.identity);
  c.host_key = s.host_key == "accept-new" ? targets::HostKeyPolicy::kAcceptNew : targets::HostKeyPolicy::kStrict;
  c.known_hosts = ExpandHome(s.known_hosts);
  c.connect_timeout_s = CeilSeconds(s.connect_timeout_ms);
  c.keepalive_s = CeilSeconds(s.keepalive_ms);
  if (!s.workdir.empty()) c.workdir = s.workdir;
  return c;
}

void McuBudgetFrom(const matrix::Budget& b, targets::McuConfig& c) {
  c.budget_flash_bytes = b.flash_bytes > 0 ? static_cast<uint64_t>(b.flash_bytes) : 0;
  c.budget_ram_bytes = b.ram_bytes > 0 ? static_cast<uint64_t>(b.ram_bytes) : 0;
}

}  // namespace

std::string FirmwarePath(const std::string& firmware_dir, const std::string& board) {
  return firmware_dir + "/bsb-firmware-" + board + ".elf";
}

Result<std::vector<targets::TargetConfig>> MapTarget(const matrix::Target& target, const AgentBuilds& agents,
                                                     const std::string& cache_dir, const std::string& firmware_dir) {
  targets::TargetConfig base;
  base.name = target.name;
  base.kind = target.kind;
  base.agents = agents;
  base.cache_dir = cache_dir;

  return std::visit(
      [&](const auto& spec) -> Result<std::vector<targets::TargetConfig>> {
        using T = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<T, matrix::LocalTarget>) {
          return std::vector<targets::TargetConfig>{base};
        } else if constexpr (std::is_same_v<T, matrix::QemuUserTarget>) {
          base.arch = spec.arch;
          return std::vector<targets::TargetConfig>{base};
        } else if constexpr (std::is_same_v<T, matrix::SshTarget>) {
          std::vector<targets::TargetConfig> configs;
          const std::vector<std::string> hosts = spec.pool.empty() ? std::vector<std::string>{spec.host} : spec.pool;
          for (const std::string& host : hosts) {
            targets::TargetConfig c = base;
            // Pool members are told apart in messages; the queue keeps the matrix name.
            if (!spec.pool.empty()) c.name = target.name + "@" + host;
            c.ssh = SshFrom(spec, host);
            configs.push_back(std::move(c));
          }
          return configs;
        } else if constexpr (std::is_same_v<T, matrix::QemuMcuTarget>) {
          base.mcu.board = spec.board.empty() ? "mps2-an386" : spec.board;
          base.mcu.firmware = FirmwarePath(firmware_dir, base.mcu.board);
          McuBudgetFrom(spec.budget, base.mcu);
          std::error_code ec;
          if (!std::filesystem::exists(base.mcu.firmware, ec)) {
            return MakeError("target '" + target.name + "' (qemu-mcu): no firmware for board '" + base.mcu.board +
                             "' at " + base.mcu.firmware + " (the default build makes it; set --agents-dir)");
          }
          return std::vector<targets::TargetConfig>{base};
        } else {
          static_assert(std::is_same_v<T, matrix::SerialTarget>);
          base.mcu.board = spec.board;
          base.mcu.port = spec.port;
          base.mcu.baud = spec.baud;
          base.mcu.flash_command = spec.flash_command;
          // Only the flash command uses the image ({firmware}); a board flashed by hand needs none.
          if (!spec.board.empty()) base.mcu.firmware = FirmwarePath(firmware_dir, spec.board);
          McuBudgetFrom(spec.budget, base.mcu);
          return std::vector<targets::TargetConfig>{base};
        }
      },
      target.spec);
}

}  // namespace bsb
