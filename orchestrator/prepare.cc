#include "orchestrator/prepare.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "agent/common/sha256.h"
#include "agent/protocol/cell_spec.h"
#include "artifacts/dataset.h"
#include "artifacts/fetch.h"
#include "artifacts/quantize.h"
#include "artifacts/slice.h"
#include "artifacts/zoo.h"

namespace bsb {
namespace {

namespace fs = std::filesystem;

// Version of the quantization cache key below; bump when the key's meaning changes.
constexpr const char* kQuantizeKeyVersion = "bsb-quantize-v1";

std::string Hex(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", v);
  return buf;
}

}  // namespace

Preparer::Preparer(const matrix::Matrix& matrix, artifacts::Store& store, LogFn note, LogFn detail)
    : matrix_(matrix), store_(store), note_(std::move(note)), detail_(std::move(detail)) {}

ArtifactRecord Preparer::Record(const std::string& sha256, const std::string& kind) const {
  ArtifactRecord r;
  r.sha256 = sha256;
  r.kind = kind;
  r.path = store_.ObjectPath(sha256);
  std::error_code ec;
  r.size_bytes = static_cast<int64_t>(fs::file_size(r.path, ec));
  return r;
}

Result<std::string> Preparer::SourceObject(const std::string& model, const matrix::Source& source) {
  switch (source.kind) {
    case matrix::Source::Kind::kZoo: {
      if (note_) {
        artifacts::Recipe recipe;
        // A cached zoo model is instant; training one takes minutes, so say so first.
        if (artifacts::FindZooRecipe(source.location, &recipe) &&
            store_.LookupRef("zoo", Sha256Hex(recipe.Serialize())).empty()) {
          note_("training zoo model " + source.location + " (first run only; cached in " + store_.root() + ")");
        }
      }
      auto z = artifacts::BuildZooModel(store_, source.location, detail_);
      if (!z) return MakeError("model '" + model + "': zoo:" + source.location + ": " + z.error().message);
      return z->sha256;
    }
    case matrix::Source::Kind::kUrl: {
      auto sha = artifacts::FetchPinned(store_, source.location, source.sha256);
      if (!sha) return MakeError("model '" + model + "': " + sha.error().message);
      return *sha;
    }
    case matrix::Source::Kind::kPath: {
      auto bytes = artifacts::ReadFile(source.location);
      if (!bytes) return MakeError("model '" + model + "': " + bytes.error().message);
      const std::string sha = artifacts::Sha256OfBytes(*bytes);
      if (!source.sha256.empty() && source.sha256 != sha) {
        return MakeError("model '" + model + "': " + source.location + " has sha256 " + sha + ", the matrix pins " +
                         source.sha256);
      }
      auto put = store_.Put(*bytes);
      if (!put) return MakeError("model '" + model + "': " + put.error().message);
      return *put;
    }
  }
  return MakeError("model '" + model + "': unknown source kind", ExitCode::kInternal);
}

Result<std::string> Preparer::Quantized(const matrix::Model& model, const std::string& fp32_sha,
                                        const std::string& scheme_name) {
  auto scheme = artifacts::ParseScheme(scheme_name);
  if (!scheme) return scheme.error();
  const matrix::Dataset* own = matrix_.FindDataset(model.dataset);
  artifacts::QuantizeOptions options;
  options.scheme = *scheme;
  options.input_scale = own ? static_cast<float>(own->scale) : options.input_scale;
  options.input_offset = own ? static_cast<float>(own->offset) : 0.0f;

  std::string calibration_sha = "none";
  const matrix::Dataset* calibration = nullptr;
  if (artifacts::NeedsCalibration(*scheme)) {
    if (!model.calibration) {
      return MakeError("model '" + model.name + "': scheme " + scheme_name +
                       " needs calibration data: add `calibration: {dataset: NAME, samples: N}` to the model");
    }
    calibration = matrix_.FindDataset(model.calibration->dataset);
    if (calibration == nullptr) {
      return MakeError("model '" + model.name + "': no dataset '" + model.calibration->dataset + "'");
    }
    auto sha = FileSha256(calibration->images.string());
    if (!sha) return MakeError("model '" + model.name + "': calibration: " + sha.error().message);
    calibration_sha = *sha;
    options.samples = static_cast<uint32_t>(model.calibration->samples);
  }
  const std::string request = std::string(kQuantizeKeyVersion) + ";model=" + fp32_sha + ";scheme=" + scheme_name +
                              ";calibration=" + calibration_sha + ";samples=" + std::to_string(options.samples) +
                              ";scale=" + Hex(options.input_scale) + ";offset=" + Hex(options.input_offset);
  const std::string key = Sha256Hex(request);
  if (std::string cached = store_.LookupRef("quantize", key); !cached.empty()) return cached;

  if (detail_) detail_("quantizing " + model.name + " to " + scheme_name);
  Result<idx::Images> images = MakeError("unused");
  if (calibration != nullptr) {
    images = artifacts::LoadImages(calibration->images.string());
    if (!images) return MakeError("model '" + model.name + "': calibration: " + images.error().message);
    options.calibration = &*images;
  }
  auto fp32 = store_.Get(fp32_sha);
  if (!fp32) return fp32.error();
  auto out = artifacts::QuantizeTflite(*fp32, model.name, options);
  if (!out) return MakeError("quantizing model '" + model.name + "' to " + scheme_name + ": " + out.error().message);
  auto sha = store_.Put(*out);
  if (!sha) return sha.error();
  if (auto s = store_.PutRef("quantize", key, *sha); !s) return s.error();
  return *sha;
}

Result<std::string> Preparer::ModelObject(const matrix::Model& model, const std::string& scheme) {
  const std::string memo = model.name + "\n" + scheme;
  if (auto it = models_.find(memo); it != models_.end()) return it->second;
  Result<std::string> sha = MakeError("unset", ExitCode::kInternal);
  if (auto it = model.artifacts.find(scheme); it != model.artifacts.end()) {
    sha = SourceObject(model.name, it->second);  // prebuilt for this scheme
  } else if (!model.source) {
    sha = MakeError("model '" + model.name + "' has no artifact for scheme " + scheme + " and no source to quantize");
  } else {
    const std::string fp32_memo = model.name + "\nfp32-source";
    auto fp32 = models_.find(fp32_memo);
    if (fp32 == models_.end()) fp32 = models_.emplace(fp32_memo, SourceObject(model.name, *model.source)).first;
    if (!fp32->second || scheme == "fp32") {
      sha = fp32->second;
    } else {
      sha = Quantized(model, *fp32->second, scheme);
    }
  }
  models_.emplace(memo, sha);
  return sha;
}

// Hashed once per run: every quantized scheme of every model keys its cache entry on it.
Result<std::string> Preparer::FileSha256(const std::string& path) {
  if (auto it = file_sha256_.find(path); it != file_sha256_.end()) return it->second;
  return file_sha256_.emplace(path, artifacts::Sha256OfFile(path)).first->second;
}

Result<std::pair<std::string, std::string>> Preparer::SliceObjects(const matrix::Dataset& dataset,
                                                                   std::int64_t samples) {
  const std::string memo = dataset.name + "\n" + std::to_string(samples);
  if (auto it = slices_.find(memo); it != slices_.end()) return it->second;
  artifacts::SliceRequest request;
  request.images_path = dataset.images.string();
  request.labels_path = dataset.labels.string();
  request.count = static_cast<uint32_t>(samples);
  request.scale = dataset.scale;
  request.offset = dataset.offset;
  Result<std::pair<std::string, std::string>> out = MakeError("unset", ExitCode::kInternal);
  auto slice = artifacts::MakeSlice(store_, request);
  if (!slice) {
    out = MakeError("dataset '" + dataset.name + "': " + slice.error().message);
  } else {
    out = std::make_pair(slice->images_sha256, slice->labels_sha256);
  }
  slices_.emplace(memo, out);
  return out;
}

Result<PreparedCell> Preparer::Prepare(const matrix::Cell& cell) {
  const matrix::Model* model = matrix_.FindModel(cell.model);
  if (model == nullptr) return MakeError("no model '" + cell.model + "' in the matrix", ExitCode::kInternal);
  const matrix::Dataset* dataset = matrix_.FindDataset(model->dataset);
  if (dataset == nullptr) return MakeError("model '" + cell.model + "': no dataset '" + model->dataset + "'");
  if (dataset->offset != 0.0) {
    // The agent's cell spec (schema 1) carries a scale only: pixel * scale.
    return MakeError("dataset '" + dataset->name + "': offset " + std::to_string(dataset->offset) +
                     " cannot be passed to the agent (cell spec schema 1 has input_scale only)");
  }
  auto model_sha = ModelObject(*model, cell.scheme);
  if (!model_sha) return model_sha.error();
  auto slice = SliceObjects(*dataset, cell.settings.samples);
  if (!slice) return slice.error();

  protocol::CellSpec spec;
  spec.model_path = store_.ObjectPath(*model_sha);
  spec.images_path = store_.ObjectPath(slice->first);
  spec.labels_path = store_.ObjectPath(slice->second);
  spec.input_scale = dataset->scale;
  spec.scheme = cell.scheme;
  spec.warmup = static_cast<uint64_t>(cell.settings.warmup);
  spec.runs = static_cast<uint64_t>(cell.settings.runs);
  spec.samples = static_cast<uint64_t>(cell.settings.samples);
  spec.threads = static_cast<uint64_t>(cell.settings.threads);
  spec.seed = 0;  // the same timed samples for every scheme, so latencies compare like for like

  PreparedCell out;
  out.spec_json = protocol::SerializeCellSpec(spec);
  for (const auto& [role, sha] : {std::pair<std::string, std::string>{"model", *model_sha},
                                  {"images", slice->first}, {"labels", slice->second}}) {
    out.objects.push_back({sha, store_.ObjectPath(sha)});
    out.artifacts.emplace_back(role, Record(sha, role == "model" ? "model" : "dataset"));
  }
  return out;
}

std::string DefaultAgentsDir() {
  if (const char* env = std::getenv("BSB_AGENTS_DIR"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "agents";
  return (self.parent_path() / "agents").string();
}

Result<AgentBuilds> StoreAgentBuilds(artifacts::Store& store, const std::string& dir) {
  AgentBuilds builds;
  for (const char* arch : {"x86_64", "aarch64", "armv7"}) {
    const std::string path = dir + "/" + arch + "/bsb-agent";
    if (access(path.c_str(), X_OK) != 0) continue;
    auto bytes = artifacts::ReadFile(path);
    if (!bytes) return bytes.error();
    auto sha = store.Put(*bytes);
    if (!sha) return sha.error();
    // Content-addressed objects are immutable; the mode bits are not content.
    const std::string object = store.ObjectPath(*sha);
    if (chmod(object.c_str(), 0755) != 0) {
      return MakeError("cannot make agent object " + object + " executable", ExitCode::kInternal);
    }
    builds[arch] = targets::AgentBinary{*sha, object};
  }
  return builds;
}

}  // namespace bsb
