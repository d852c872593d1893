#include "orchestrator/target_mapping.h"

#include <cstdlib>
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

}  // namespace

Result<std::vector<targets::TargetConfig>> MapTarget(const matrix::Target& target, const AgentBuilds& agents,
                                                     const std::string& cache_dir) {
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
        } else {
          return MakeError("target '" + target.name + "' (kind " + target.kind +
                           "): not supported by this build of bsb-matrix yet (local, qemu-user and ssh are)");
        }
      },
      target.spec);
}

}  // namespace bsb
