// A Target is one device, possibly reached through a transport (DESIGN.md §5). It moves
// bytes and runs the agent; it knows no matrices and no reports. The orchestrator calls
// Probe once, Ensure for the objects a batch of cells needs, then Run per cell — one at a
// time on a given Target (timing!). A pool of identical devices is several Targets sharing
// one scheduler queue.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "support/result.h"
#include "targets/target_config.h"

namespace bsb::targets {

// How a Target operation failed. unreachable/timeout/transport are infrastructure faults the
// scheduler retries with backoff; failed is the benchmark's (or agent's) own and is recorded;
// unsupported means cells on this target cannot run at all (e.g. an unknown architecture).
enum class FailureKind { kUnreachable, kTimeout, kTransport, kFailed, kUnsupported };
const char* FailureKindName(FailureKind kind);  // "unreachable", "timeout", ...

struct Failure {
  FailureKind kind = FailureKind::kFailed;
  std::string message;      // says which target and what happened
  std::string stderr_tail;  // the agent's last words, when there were any
  int signal = 0;           // the agent died of this signal (kFailed), else 0

  bool Retryable() const;   // unreachable, timeout, transport
};

// A value or a classified Failure (the Result<T> of this layer).
template <typename T>
class [[nodiscard]] Outcome {
 public:
  Outcome(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Outcome(Failure failure) : v_(std::move(failure)) {} // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Failure& failure() const { return std::get<1>(v_); }

 private:
  std::variant<T, Failure> v_;
};

// What Probe learned about the device.
struct TargetInfo {
  std::string arch;             // normalised: x86_64 | aarch64 | armv7; MCU kinds: the CPU (cortex-m4)
  std::string os;
  bool emulated = false;        // what the target kind says (qemu-user: true)
  std::string emulated_reason;  // why, when emulated
  std::string stamp_json;       // `bsb-agent probe` output verbatim (the agent's own view)
};

// A content-addressed file the cells need (model, dataset slice, agent binary).
struct Object {
  std::string sha256;      // 64 lowercase hex digits of the file's content
  std::string local_path;  // where it is on the orchestrator's machine
};

struct EnsureStats {
  std::size_t objects_shipped = 0;
  std::size_t objects_present = 0;  // already there: nothing moved
  std::uint64_t bytes_shipped = 0;
};

class Target {
 public:
  virtual ~Target() = default;
  virtual const std::string& name() const = 0;

  // Reach the device, learn its architecture, check the agent runs there.
  virtual Outcome<TargetInfo> Probe() = 0;

  // Make every object present on the device under its sha256. Idempotent: objects already
  // there move no bytes. Also records local_path → device path for Run's spec rewriting.
  virtual Outcome<EnsureStats> Ensure(const std::vector<Object>& objects) = 0;

  // Run one cell. spec_json is a cell spec (agent/protocol/cell_spec.h) whose *_path fields
  // name Ensure'd objects by their local path; the target rewrites them to device paths.
  // Returns the agent's result JSON line (its status may be "failed": that is a result).
  virtual Outcome<std::string> Run(const std::string& spec_json,
                                   std::chrono::milliseconds timeout) = 0;

  // Thread-safe: stops a Run in progress on another thread as soon as it can (the agent is
  // killed) and every later Run at once; the caller records such cells as interrupted.
  // A kind that cannot cancel ignores it, and its cell ends at its timeout.
  virtual void Cancel() {}
};

// Builds the Target a config describes; an Error names the target and the bad field.
Result<std::unique_ptr<Target>> MakeTarget(const TargetConfig& config);

}  // namespace bsb::targets
