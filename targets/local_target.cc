#include "targets/local_target.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <system_error>

#include "support/subprocess.h"
#include "targets/agent_output.h"
#include "targets/spec_paths.h"

namespace bsb::targets {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr milliseconds kProbeTimeout{60'000};  // qemu start-up on a loaded 2-core CI box

std::string FindInPath(const std::string& program) {
  if (program.find('/') != std::string::npos) return access(program.c_str(), X_OK) == 0 ? program : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = dirs.substr(start, end - start) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

// Copies src to dir/<sha256> through a temporary name, so a cut copy is never taken for
// the object. Returns the bytes copied (0 when it was already there).
Result<std::uint64_t> StoreObject(const Object& object, const fs::path& dir) {
  const fs::path dest = dir / object.sha256;
  std::error_code ec;
  if (fs::exists(dest, ec)) return std::uint64_t{0};
  const auto size = fs::file_size(object.local_path, ec);
  if (ec) return MakeError("cannot read object '" + object.local_path + "': " + ec.message());
  static std::atomic<unsigned> counter{0};
  const fs::path tmp = dir / (object.sha256 + ".tmp." + std::to_string(getpid()) + "." +
                              std::to_string(counter++));
  fs::copy_file(object.local_path, tmp, fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::rename(tmp, dest, ec);
  if (ec) {
    fs::remove(tmp);
    return MakeError("cannot store object '" + object.local_path + "' in " + dir.string() + ": " +
                     ec.message(), ExitCode::kInternal);
  }
  return static_cast<std::uint64_t>(size);
}

class ProcessTarget final : public Target {
 public:
  ProcessTarget(std::string name, std::vector<std::string> launcher, AgentBinary agent,
                fs::path root, std::string emulated_reason)
      : name_(std::move(name)), launcher_(std::move(launcher)), agent_(std::move(agent)),
        objects_dir_(root / "objects"), specs_dir_(root / "specs"),
        emulated_reason_(std::move(emulated_reason)) {}

  const std::string& name() const override { return name_; }

  Outcome<TargetInfo> Probe() override {
    auto r = RunAgent({"probe"}, kProbeTimeout);
    if (!r.ok()) return r.failure();
    if (!r->Succeeded()) {
      return Failure{FailureKind::kFailed,
                     "target '" + name_ + "': `bsb-agent probe` failed: " + r->Describe(),
                     r->StderrTail(), r->signal};
    }
    auto info = ParseProbeOutput(name_, r->stdout_text);
    if (!info.ok()) return info;
    info->emulated = !emulated_reason_.empty();
    info->emulated_reason = emulated_reason_;
    return info;
  }

  Outcome<EnsureStats> Ensure(const std::vector<Object>& objects) override {
    std::error_code ec;
    fs::create_directories(objects_dir_, ec);
    if (ec) return Fail("cannot create " + objects_dir_.string() + ": " + ec.message());
    EnsureStats stats;
    for (const auto& object : objects) {
      if (!IsSha256Hex(object.sha256)) return Fail("object '" + object.local_path + "' has no valid sha256");
      auto stored = StoreObject(object, objects_dir_);
      if (!stored.ok()) return Fail(stored.error().message);
      if (*stored == 0) {
        ++stats.objects_present;
      } else {
        ++stats.objects_shipped;
        stats.bytes_shipped += *stored;
      }
      device_paths_[object.local_path] = (objects_dir_ / object.sha256).string();
    }
    return stats;
  }

  Outcome<std::string> Run(const std::string& spec_json, milliseconds timeout) override {
    auto spec = RewriteSpecPaths(spec_json, device_paths_);
    if (!spec.ok()) return Fail(spec.error().message);
    std::error_code ec;
    fs::create_directories(specs_dir_, ec);
    const fs::path spec_path = specs_dir_ / ("cell-" + std::to_string(getpid()) + "-" +
                                             std::to_string(next_spec_++) + ".json");
    {
      std::ofstream out(spec_path);
      out << *spec << "\n";
      if (!out.flush()) return Fail("cannot write " + spec_path.string());
    }
    auto r = RunAgent({"run", "--spec", spec_path.string()}, timeout);
    fs::remove(spec_path, ec);
    if (!r.ok()) return r.failure();
    AgentEnding ending;
    ending.timed_out = r->ending == SubprocessResult::Ending::kTimedOut ||
                       r->ending == SubprocessResult::Ending::kCancelled;
    ending.timeout_s = static_cast<double>(timeout.count()) / 1000.0;
    ending.exit_code = r->exit_code;
    ending.signal = r->ending == SubprocessResult::Ending::kSignaled ? r->signal : 0;
    ending.stdout_text = std::move(r->stdout_text);
    ending.stderr_text = std::move(r->stderr_text);
    return ClassifyAgentRun(name_, ending);
  }

  void Cancel() override { cancel_.store(true); }

 private:
  Failure Fail(std::string message) const {
    return Failure{FailureKind::kFailed, "target '" + name_ + "': " + std::move(message)};
  }

  Outcome<SubprocessResult> RunAgent(std::vector<std::string> args, milliseconds timeout) {
    SubprocessOptions o;
    o.argv = launcher_;
    o.argv.push_back(agent_.local_path);
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.timeout = timeout;
    o.cancel = &cancel_;
    auto r = RunSubprocess(o);
    if (!r.ok()) {
      // Nothing will run here until the configuration changes: the device is out of reach.
      return Failure{FailureKind::kUnreachable, "target '" + name_ + "': " + r.error().message};
    }
    return std::move(r).value();
  }

  std::string name_;
  std::vector<std::string> launcher_;  // empty, or the emulator to run the agent under
  AgentBinary agent_;
  fs::path objects_dir_;
  fs::path specs_dir_;
  std::string emulated_reason_;
  std::map<std::string, std::string> device_paths_;  // local path → cached object path
  unsigned next_spec_ = 0;
  std::atomic<bool> cancel_{false};
};

Result<AgentBinary> AgentFor(const TargetConfig& c, const std::string& arch) {
  auto it = c.agents.find(arch);
  if (it == c.agents.end() || it->second.local_path.empty()) {
    return MakeError("target '" + c.name + "': no bsb-agent build for " + arch + " was provided");
  }
  if (access(it->second.local_path.c_str(), X_OK) != 0) {
    return MakeError("target '" + c.name + "': bsb-agent for " + arch + " at '" +
                     it->second.local_path + "' is not an executable file");
  }
  return it->second;
}

Result<fs::path> TargetRoot(const TargetConfig& c) {
  if (c.cache_dir.empty()) return MakeError("target '" + c.name + "': no cache directory given", ExitCode::kInternal);
  if (c.name.empty() || c.name.find('/') != std::string::npos || c.name == "." || c.name == "..") {
    return MakeError("target name '" + c.name + "' cannot name a cache directory");
  }
  return fs::path(c.cache_dir) / "targets" / c.name;
}

}  // namespace

Result<std::unique_ptr<Target>> MakeLocalTarget(const TargetConfig& config) {
  utsname u{};
  uname(&u);
  const std::string arch = NormaliseArch(u.machine);
  if (arch.empty()) return MakeError("target '" + config.name + "': this machine's architecture '" +
                                     std::string(u.machine) + "' has no bsb-agent build");
  auto root = TargetRoot(config);
  if (!root.ok()) return root.error();
  auto agent = AgentFor(config, arch);
  if (!agent.ok()) return agent.error();
  return std::unique_ptr<Target>(std::make_unique<ProcessTarget>(config.name, std::vector<std::string>{},
                                                                 *agent, *root, ""));
}

Result<std::unique_ptr<Target>> MakeQemuUserTarget(const TargetConfig& config) {
  if (config.arch != "aarch64" && config.arch != "armv7") {
    return MakeError("target '" + config.name + "': qemu-user arch must be aarch64 or armv7, got '" +
                     config.arch + "'");
  }
  auto root = TargetRoot(config);
  if (!root.ok()) return root.error();
  auto agent = AgentFor(config, config.arch);
  if (!agent.ok()) return agent.error();
  const std::string wanted = !config.qemu_binary.empty() ? config.qemu_binary
                             : config.arch == "aarch64"  ? "qemu-aarch64-static"
                                                         : "qemu-arm-static";
  const std::string qemu = FindInPath(wanted);
  if (qemu.empty()) {
    return MakeError("target '" + config.name + "': '" + wanted +
                     "' not found in PATH (Debian package qemu-user-static)");
  }
  return std::unique_ptr<Target>(std::make_unique<ProcessTarget>(
      config.name, std::vector<std::string>{qemu}, *agent, *root,
      "qemu-user: the agent runs under " + wanted));
}

}  // namespace bsb::targets
