// Artifact preparation for a run: every cell's model (a given file, a pinned URL, a zoo model
// or a quantized variant of one), its dataset slice, and the agent builds, all as objects of
// the content-addressed store (artifacts/store.h). Runs before any cell, so a model that
// cannot be built fails its cells with the reason and the rest of the sweep goes on.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "artifacts/store.h"
#include "matrix/model.h"
#include "matrix/plan.h"
#include "orchestrator/store.h"
#include "orchestrator/target_mapping.h"
#include "support/result.h"
#include "targets/target.h"

namespace bsb {

struct PreparedCell {
  std::string spec_json;                 // cell spec naming store objects by local path
  std::vector<targets::Object> objects;  // what a target must hold to run it
  // role (model, images, labels) → the object, for the store's artifacts table.
  std::vector<std::pair<std::string, ArtifactRecord>> artifacts;
};

class Preparer {
 public:
  using LogFn = std::function<void(const std::string&)>;

  // `note` gets the few lines a user should see (a zoo model being trained); `detail` the
  // rest (--verbose). Both may be empty.
  Preparer(const matrix::Matrix& matrix, artifacts::Store& store, LogFn note, LogFn detail);

  // Resolves everything one cell needs. Work shared between cells (a trained model, a
  // quantized variant, a slice) is done once per run and cached in the store across runs.
  Result<PreparedCell> Prepare(const matrix::Cell& cell);

 private:
  Result<std::string> SourceObject(const std::string& model, const matrix::Source& source);
  Result<std::string> ModelObject(const matrix::Model& model, const std::string& scheme);
  Result<std::string> Quantized(const matrix::Model& model, const std::string& fp32_sha, const std::string& scheme);
  Result<std::pair<std::string, std::string>> SliceObjects(const matrix::Dataset& dataset, std::int64_t samples);
  ArtifactRecord Record(const std::string& sha256, const std::string& kind) const;
  Result<std::string> FileSha256(const std::string& path);

  const matrix::Matrix& matrix_;
  artifacts::Store& store_;
  LogFn note_, detail_;
  // Per-run memo of what was resolved (or why it failed), so a failure is reported once per
  // cause and a model is not re-hashed for every cell.
  std::map<std::string, Result<std::string>> models_;
  std::map<std::string, Result<std::pair<std::string, std::string>>> slices_;
  std::map<std::string, Result<std::string>> file_sha256_;  // calibration sets, by path
};

// Each agent build found in `dir` (DIR/<arch>/bsb-agent for x86_64, aarch64, armv7) put in
// the store as an executable object. A missing build is left out; the targets that need it
// say so when they are made.
Result<AgentBuilds> StoreAgentBuilds(artifacts::Store& store, const std::string& dir);

// Where the agents are: $BSB_AGENTS_DIR, else the `agents` folder beside this executable
// (build/agents beside build/bsb-matrix).
std::string DefaultAgentsDir();

}  // namespace bsb
