#include "orchestrator/run.h"

#include <sys/utsname.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "artifacts/store.h"
#include "matrix/loader.h"
#include "orchestrator/prepare.h"
#include "orchestrator/progress.h"
#include "orchestrator/result_loader.h"
#include "orchestrator/run_summary.h"
#include "orchestrator/scheduler.h"
#include "orchestrator/signals.h"
#include "orchestrator/store.h"
#include "orchestrator/target_mapping.h"
#include "orchestrator/version.h"
#include "support/subprocess.h"
#include "targets/agent_output.h"

namespace bsb {
namespace {

namespace fs = std::filesystem;

// ISO 8601 UTC with milliseconds: "2026-11-23T10:00:00.123Z" (sorts as text).
std::string IsoUtc(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s.%03dZ", date, static_cast<int>(ms % 1000));
  return buf;
}

std::string NowUtc() { return IsoUtc(std::chrono::system_clock::now()); }

int Fail(const Error& e, const char* prefix = "bsb-matrix run") {
  std::fprintf(stderr, "%s: %s\n", prefix, e.message.c_str());
  return static_cast<int>(e.code);
}

std::string CellLabel(const matrix::Cell& cell) {
  std::string label = cell.model + "/" + cell.scheme;
  if (!cell.axes.empty()) {
    std::string axes;
    for (const auto& [k, v] : cell.axes.items()) {
      axes += (axes.empty() ? "" : ",") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
    }
    label += " [" + axes + "]";
  }
  return label;
}

// The orchestrator host's own stamp: what the host-architecture agent's `probe` says, or
// {} when there is no agent for this machine.
std::string HostStamp(const AgentBuilds& agents) {
  utsname u{};
  uname(&u);
  const auto it = agents.find(targets::NormaliseArch(u.machine));
  if (it == agents.end()) return "{}";
  SubprocessOptions o;
  o.argv = {it->second.local_path, "probe"};
  o.timeout = std::chrono::seconds(30);
  auto r = RunSubprocess(o);
  if (!r || !r->Succeeded()) return "{}";
  auto stamp = protocol::ParseStamp(r->stdout_text);
  return stamp.ok() ? protocol::StampToJson(*stamp).dump() : "{}";
}

// Everything one run holds while it works.
struct RunState {
  Store* store = nullptr;
  int64_t run_id = 0;
  Progress* progress = nullptr;
  SignalWatcher* signals = nullptr;
  std::map<std::string, CellRecord> templates;  // cell id → model/scheme/target/axes
  std::string store_error;                      // the first failure to record a cell

  // One transaction per finished cell. Called serialized (scheduler lock or main thread).
  void Record(const CellOutcome& o) {
    CellRecord rec = templates.at(o.cell_id);
    rec.status = o.status;
    rec.reason = o.reason;
    rec.attempts = o.attempts;
    if (o.started_at.time_since_epoch().count() != 0) rec.started_at = IsoUtc(o.started_at);
    if (o.finished_at.time_since_epoch().count() != 0) rec.finished_at = IsoUtc(o.finished_at);
    if (o.duration_ms > 0) rec.duration_ms = o.duration_ms;
    if (!o.result_json.empty()) {
      rec.result_json = o.result_json;
      const auto j = nlohmann::json::parse(o.result_json, nullptr, false);
      if (j.is_object() && j.contains("predictions")) rec.predictions = j["predictions"].dump();
      WarnIfEmulationDisagrees(rec, j);
    }
    if (!store_error.empty()) return;  // already stopping; do not hammer a broken store
    if (auto s = store->RecordCell(run_id, rec); !s) {
      store_error = s.error().message;
      std::fprintf(stderr, "bsb-matrix run: cannot record cell %s: %s\n", o.cell_id.c_str(), store_error.c_str());
      signals->RequestStop("the results store failed: " + store_error);
    }
  }

  // DESIGN §3: emulation is detected by the agent, not only configured; the report trusts the
  // agent, and a kind that disagrees with it is worth one warning per target.
  std::set<std::string> warned_emulation;
  void WarnIfEmulationDisagrees(const CellRecord& rec, const nlohmann::json& result) {
    const auto ptr = nlohmann::json::json_pointer("/stamp/emulated");
    if (!result.contains(ptr) || !result.at(ptr).is_boolean()) return;
    const bool detected = result.at(ptr).get<bool>();
    bool configured = false;
    if (rec.target_kind == "qemu-user" || rec.target_kind == "qemu-mcu") {
      configured = true;
    } else if (rec.target_kind != "local") {
      return;  // ssh, serial: the kind does not say
    }
    if (detected == configured || !warned_emulation.insert(rec.target).second) return;
    progress->Note("warning: target '" + rec.target + "' is kind " + rec.target_kind + " but its agent reports " +
                   (detected ? "running emulated" : "running natively") + "; the report follows the agent");
  }

  // A cell that ends without the scheduler (preparation failure, target not buildable).
  void FinishedOutside(const std::string& cell_id, const std::string& target, const std::string& status,
                       const std::string& reason) {
    CellOutcome o;
    o.cell_id = cell_id;
    o.target = target;
    o.status = status;
    o.reason = reason;
    o.started_at = o.finished_at = std::chrono::system_clock::now();
    Record(o);
    progress->OnOutcome(o);
  }
};

// The agent build a target runs, when the matrix alone says which (ssh learns it on probe).
std::string AgentArch(const matrix::Target& target) {
  if (target.kind == "local") {
    utsname u{};
    uname(&u);
    return targets::NormaliseArch(u.machine);
  }
  if (const auto* q = std::get_if<matrix::QemuUserTarget>(&target.spec)) return q->arch;
  return "";
}

// --resume: the run must exist and come from the same matrix bytes.
Status CheckResumable(Store& store, int64_t run_id, const std::string& matrix_sha) {
  auto run = store.LoadRun(run_id);
  if (!run) return run.error();
  if (run->matrix_sha256 != matrix_sha) {
    return MakeError("--resume " + std::to_string(run_id) + ": the matrix changed since that run (sha256 " +
                     run->matrix_sha256.substr(0, 12) + "…, now " + matrix_sha.substr(0, 12) +
                     "…); start a new run instead");
  }
  return Ok{};
}

}  // namespace

std::string DefaultDbPath(const std::string& matrix_path) {
  return (fs::path(matrix_path).parent_path() / "bsb-results.sqlite").string();
}

int RunMatrix(const RunOptions& options) {
  SignalWatcher signals;  // first: before any thread exists
  const std::string started_at = NowUtc();

  auto matrix = matrix::LoadMatrixFile(options.matrix_path);
  if (!matrix) return Fail(matrix.error(), "bsb-matrix");
  auto plan = matrix::Expand(*matrix);
  if (!plan) return Fail(plan.error(), "bsb-matrix");
  auto matrix_bytes = artifacts::ReadFile(options.matrix_path);
  if (!matrix_bytes) return Fail(matrix_bytes.error());
  const std::string matrix_sha = artifacts::Sha256OfBytes(*matrix_bytes);

  const std::string db_path = options.db_path.empty() ? DefaultDbPath(options.matrix_path) : options.db_path;
  if (options.resume && !fs::exists(db_path)) {
    return Fail(MakeError("--resume: no results store at '" + db_path + "' (give --db FILE)"));
  }
  auto store = Store::Open(db_path);
  if (!store) return Fail(store.error());
  if (options.resume) {
    if (auto s = CheckResumable(*store, *options.resume, matrix_sha); !s) return Fail(s.error());
  }

  Progress progress(DetectProgressOptions(stderr, options.quiet, options.verbose));
  artifacts::Store objects(options.cache_dir);
  auto agents = StoreAgentBuilds(objects, options.agents_dir.empty() ? DefaultAgentsDir() : options.agents_dir);
  if (!agents) return Fail(agents.error());
  if (agents->empty()) {
    progress.Note("warning: no bsb-agent builds found in " +
                  (options.agents_dir.empty() ? DefaultAgentsDir() : options.agents_dir) +
                  " (set --agents-dir or BSB_AGENTS_DIR)");
  }

  RunState state;
  state.store = &*store;
  state.progress = &progress;
  state.signals = &signals;

  // Which cells run: all planned ones, or on --resume those not yet ok.
  std::map<std::string, std::string> previous_status;
  if (options.resume) {
    auto cells = store->LoadCells(*options.resume);
    if (!cells) return Fail(cells.error());
    for (const CellRecord& c : *cells) previous_status[c.cell_id] = c.status;
  }
  std::vector<const matrix::Cell*> to_run;
  std::vector<CellRecord> planned;
  for (const matrix::Cell& cell : plan->cells) {
    const matrix::Target* target = matrix->FindTarget(cell.target);
    CellRecord rec;
    rec.cell_id = cell.id;
    rec.model = cell.model;
    rec.scheme = cell.scheme;
    rec.target = cell.target;
    rec.target_kind = target ? target->kind : "";
    rec.axes_json = cell.axes.dump();
    rec.status = cell.status == matrix::CellStatus::kUnsupported ? "unsupported" : "pending";
    rec.reason = cell.reason;
    state.templates[cell.id] = rec;
    planned.push_back(rec);
    const auto prev = previous_status.find(cell.id);
    const bool done = prev != previous_status.end() && (prev->second == "ok" || prev->second == "unsupported");
    if (cell.status == matrix::CellStatus::kPlanned && !done) to_run.push_back(&cell);
  }

  // Prepare every artifact first; a failure fails that cell only.
  Preparer preparer(
      *matrix, objects, [&](const std::string& line) { progress.Note(line); },
      [&](const std::string& line) { progress.Note("  " + line, /*verbose_only=*/true); });
  std::map<std::string, Result<PreparedCell>> prepared;
  for (const matrix::Cell* cell : to_run) {
    if (signals.interrupted()) break;
    prepared.emplace(cell->id, preparer.Prepare(*cell));
  }

  // --resume must not mix artifacts: what a cell was linked to must still be what it gets.
  std::vector<std::string> artifact_changes;
  if (options.resume) {
    for (const auto& [cell_id, p] : prepared) {
      if (!p) continue;
      auto before = store->LoadArtifacts(*options.resume, cell_id);
      if (!before || before->empty()) continue;
      std::set<std::string> old_shas, new_shas;
      for (const ArtifactRecord& a : *before) old_shas.insert(a.sha256);
      for (const auto& [role, a] : p->artifacts) new_shas.insert(a.sha256);
      const matrix::Target* target = matrix->FindTarget(state.templates.at(cell_id).target);
      if (auto agent = agents->find(target ? AgentArch(*target) : ""); agent != agents->end()) {
        new_shas.insert(agent->second.sha256);
      }
      if (old_shas != new_shas) artifact_changes.push_back(cell_id);
    }
    if (!artifact_changes.empty()) {
      std::string list;
      for (const std::string& id : artifact_changes) list += " " + id;
      return Fail(MakeError("--resume " + std::to_string(*options.resume) +
                            ": the artifacts of these cells changed since the run started (model, dataset slice or agent):" +
                            list + "; start a new run instead"));
    }
  }

  // Record the run (or reopen it), with every planned cell.
  int64_t run_id = 0;
  if (options.resume) {
    run_id = *options.resume;
    if (auto s = store->ReopenRun(run_id); !s) return Fail(s.error());
  } else {
    RunRecord run;
    run.matrix_path = fs::absolute(options.matrix_path).lexically_normal().string();
    run.matrix_sha256 = matrix_sha;
    run.matrix_name = matrix->name;
    run.started_at = started_at;
    run.orchestrator_version = std::string(BSB_VERSION) + " (" + BSB_GIT_REVISION + ")";
    run.host_stamp_json = HostStamp(*agents);
    run.status = "running";
    nlohmann::json gates = nlohmann::json::object();
    if (matrix->gates.accuracy_drop) gates["accuracy_drop"] = *matrix->gates.accuracy_drop;
    if (matrix->gates.latency_regression) gates["latency_regression"] = *matrix->gates.latency_regression;
    run.gates_json = gates.dump();
    auto id = store->CreateRun(run);
    if (!id) return Fail(id.error());
    run_id = *id;
  }
  state.run_id = run_id;
  if (auto s = store->AddPlannedCells(run_id, planned); !s) return Fail(s.error());
  for (const auto& [arch, agent] : *agents) {
    ArtifactRecord a{agent.sha256, 0, "agent", agent.local_path};
    std::error_code ec;
    a.size_bytes = static_cast<int64_t>(fs::file_size(agent.local_path, ec));
    if (auto s = store->RecordArtifact(a); !s) return Fail(s.error());
  }
  progress.Note("run " + std::to_string(run_id) + (options.resume ? " (resumed)" : "") + ": " +
                std::to_string(to_run.size()) + " of " + std::to_string(plan->cells.size()) + " cells to run; results in " +
                db_path);

  // Devices per matrix target, and the queues.
  Scheduler::FinishedFn on_finished = [&](const CellOutcome& o) { state.Record(o); };
  SchedulerOptions sched_options;
  sched_options.jobs = options.jobs;
  sched_options.fail_fast = options.fail_fast;
  sched_options.grace = options.grace;
  Scheduler scheduler(sched_options, on_finished, [&](const ProgressEvent& e) { progress.OnEvent(e); });
  signals.OnStop([&](const std::string& reason) { scheduler.RequestStop(reason); });
  // Destroyed before the scheduler: a late signal never reaches a scheduler that is gone.
  struct StopBinding {
    SignalWatcher& watcher;
    ~StopBinding() { watcher.ClearStop(); }
  } stop_binding{signals};

  std::vector<std::unique_ptr<targets::Target>> devices;
  std::vector<TargetQueue> queues;
  std::map<std::string, size_t> queue_of;
  for (const matrix::Target& t : matrix->targets) {
    std::vector<const matrix::Cell*> cells;
    for (const matrix::Cell* c : to_run) {
      if (c->target == t.name) cells.push_back(c);
    }
    if (cells.empty()) continue;
    progress.AddTarget(t.name, static_cast<int>(cells.size()));
    for (const matrix::Cell* c : cells) progress.SetLabel(c->id, CellLabel(*c));

    std::string unusable;
    TargetQueue queue;
    queue.name = t.name;
    auto configs = MapTarget(t, *agents, objects.root(),
                             (options.agents_dir.empty() ? DefaultAgentsDir() : options.agents_dir) + "/mcu");
    if (!configs) {
      unusable = configs.error().message;
    } else {
      for (targets::TargetConfig& config : *configs) {
        if (options.verbose) config.log = [&progress](const std::string& line) { progress.Note("  " + line, true); };
        // `concurrency: N` runs N instances of the device's agent side by side.
        for (int i = 0; i < std::max(1, t.concurrency); ++i) {
          auto device = targets::MakeTarget(config);
          if (!device) {
            unusable = device.error().message;
            break;
          }
          queue.workers.push_back(device->get());
          devices.push_back(std::move(*device));
        }
      }
      if (!queue.workers.empty()) unusable.clear();
    }
    for (const matrix::Cell* c : cells) {
      auto p = prepared.find(c->id);
      if (!unusable.empty()) {
        state.FinishedOutside(c->id, t.name, "failed", unusable);
      } else if (p == prepared.end()) {
        continue;  // interrupted during preparation: stays pending, marked below
      } else if (!p->second) {
        state.FinishedOutside(c->id, t.name, "failed", "preparing artifacts: " + p->second.error().message);
      } else {
        ScheduledCell sc;
        sc.cell_id = c->id;
        sc.label = CellLabel(*c);
        sc.spec_json = p->second->spec_json;
        sc.objects = p->second->objects;
        sc.timeout = std::chrono::milliseconds(c->settings.timeout_ms);
        sc.retries = static_cast<int>(c->settings.retries);
        queue.cells.push_back(std::move(sc));
        for (const auto& [role, a] : p->second->artifacts) {
          if (auto s = store->RecordArtifact(a); !s) return Fail(s.error());
          if (auto s = store->LinkArtifact(run_id, c->id, a.sha256, role); !s) return Fail(s.error());
        }
        if (auto agent = agents->find(AgentArch(t)); agent != agents->end()) {
          if (auto s = store->LinkArtifact(run_id, c->id, agent->second.sha256, "agent"); !s) return Fail(s.error());
        }
      }
    }
    if (!queue.cells.empty()) queues.push_back(std::move(queue));
  }

  progress.Start();
  scheduler.Run(std::move(queues));
  progress.Stop();

  const bool interrupted = signals.interrupted();
  const std::string stop_reason = scheduler.stop_reason().empty() ? "the run stopped" : scheduler.stop_reason();
  if (auto s = store->MarkUnfinished(run_id, "interrupted", "not run: " + stop_reason); !s) return Fail(s.error());
  if (auto s = store->FinishRun(run_id, interrupted ? "interrupted" : "finished", NowUtc()); !s) return Fail(s.error());
  if (!state.store_error.empty()) {
    return Fail(MakeError("the results store failed: " + state.store_error, ExitCode::kInternal));
  }

  auto set = LoadResultSet(*store, run_id);
  if (!set) return Fail(set.error());
  const RunVerdict verdict = Judge(*set);
  PrintSummary(stdout, *set, verdict, options.quiet, db_path);
  std::fflush(stdout);

  if (interrupted) return static_cast<int>(ExitCode::kInterrupted);
  if (!verdict.findings.empty()) return static_cast<int>(ExitCode::kGateFailed);
  if (verdict.not_ok > 0 || verdict.interrupted > 0) return static_cast<int>(ExitCode::kCellsFailed);
  return static_cast<int>(ExitCode::kOk);
}

}  // namespace bsb
