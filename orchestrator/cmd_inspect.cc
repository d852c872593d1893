// bsb-matrix inspect MODEL.tflite [--json]: what a .tflite holds — operators, tensors (type,
// shape, quantization), parameter count, MACs per inference, the arena this runtime would use,
// and which quantization scheme the model looks like.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/runtime/hosted_interpreter.h"
#include "agent/runtime/model.h"
#include "agent/runtime/model_stats.h"
#include "orchestrator/commands.h"
#include "support/result.h"

namespace bsb {
namespace {

struct InspectOptions {
  std::string path;
  bool json = false;
};

nlohmann::json TensorJson(const rt::Model& model, int index) {
  const tflite::Tensor* t = model.subgraph->tensors()->Get(index);
  nlohmann::json j;
  j["index"] = index;
  j["name"] = t->name() ? t->name()->str() : "";
  j["type"] = rt::TypeName(t->type());
  std::vector<int32_t> shape;
  if (t->shape()) shape.assign(t->shape()->begin(), t->shape()->end());
  j["shape"] = shape;
  j["constant"] = model.TensorData(index) != nullptr;
  if (const auto* q = t->quantization(); q != nullptr && q->scale() != nullptr && q->scale()->size() > 0) {
    nlohmann::json quant;
    quant["scale"] = std::vector<float>(q->scale()->begin(), q->scale()->end());
    quant["zero_point"] = q->zero_point() ? std::vector<int64_t>(q->zero_point()->begin(), q->zero_point()->end()) : std::vector<int64_t>{};
    if (q->scale()->size() > 1) quant["quantized_dimension"] = q->quantized_dimension();
    j["quantization"] = quant;
  } else {
    j["quantization"] = nullptr;
  }
  return j;
}

std::string ShapeText(const nlohmann::json& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i].get<int32_t>());
  return s + "]";
}

std::string QuantText(const nlohmann::json& q) {
  if (q.is_null()) return "-";
  const auto& scales = q["scale"];
  if (scales.size() == 1) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "s=%.6g z=%lld", scales[0].get<double>(),
                  q["zero_point"].empty() ? 0LL : static_cast<long long>(q["zero_point"][0].get<int64_t>()));
    return buf;
  }
  return std::to_string(scales.size()) + " channels (axis " + std::to_string(q.value("quantized_dimension", 0)) + ")";
}

Result<nlohmann::json> Inspect(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError("cannot open " + path);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  std::vector<uint8_t> storage(bytes.size() + 16);
  uint8_t* data = storage.data() + (16 - reinterpret_cast<uintptr_t>(storage.data()) % 16) % 16;
  std::copy(bytes.begin(), bytes.end(), data);
  rt::Model model;
  rt::ErrorReporter err;
  if (rt::LoadModel(data, bytes.size(), &model, &err) != rt::Status::kOk) return MakeError(path + ": " + err.message());

  const rt::ModelStats stats = rt::ComputeModelStats(model);
  nlohmann::json j;
  j["model"] = path;
  j["size_bytes"] = bytes.size();
  j["scheme"] = rt::SchemeName(stats.scheme);
  j["parameters"] = stats.parameter_count;
  j["parameter_bytes"] = stats.parameter_bytes;
  j["macs"] = stats.macs;
  nlohmann::json ops = nlohmann::json::array();
  for (int i = 0; i < model.operator_count(); ++i) {
    const tflite::Operator* op = model.subgraph->operators()->Get(i);
    nlohmann::json o;
    o["index"] = i;
    o["op"] = rt::OpName(model.OpCode(i));
    o["builtin_code"] = model.OpCode(i);
    o["inputs"] = op->inputs() ? std::vector<int32_t>(op->inputs()->begin(), op->inputs()->end()) : std::vector<int32_t>{};
    o["outputs"] = op->outputs() ? std::vector<int32_t>(op->outputs()->begin(), op->outputs()->end()) : std::vector<int32_t>{};
    o["macs"] = rt::OperatorMacs(model, i);
    ops.push_back(o);
  }
  j["operators"] = ops;
  nlohmann::json tensors = nlohmann::json::array();
  for (int t = 0; t < model.tensor_count(); ++t) tensors.push_back(TensorJson(model, t));
  j["tensors"] = tensors;
  j["inputs"] = model.subgraph->inputs() ? std::vector<int32_t>(model.subgraph->inputs()->begin(), model.subgraph->inputs()->end())
                                         : std::vector<int32_t>{};
  j["outputs"] = model.subgraph->outputs() ? std::vector<int32_t>(model.subgraph->outputs()->begin(), model.subgraph->outputs()->end())
                                           : std::vector<int32_t>{};
  rt::HostedInterpreter hosted;
  if (hosted.Prepare(model, &err) == rt::Status::kOk) {
    const rt::Interpreter& interp = hosted.interpreter();
    j["arena"] = {{"arena_bytes", interp.arena_used_bytes()}, {"head_bytes", interp.head_bytes()}, {"tail_bytes", interp.tail_bytes()}};
  } else {
    j["arena"] = {{"arena_bytes", nullptr}, {"unsupported", err.message()}};
  }
  return j;
}

void PrintText(const nlohmann::json& j) {
  std::printf("model:       %s (%zu bytes)\n", j["model"].get<std::string>().c_str(), j["size_bytes"].get<size_t>());
  std::printf("scheme:      %s\n", j["scheme"].get<std::string>().c_str());
  std::printf("parameters:  %lld (%lld bytes)\n", j["parameters"].get<long long>(), j["parameter_bytes"].get<long long>());
  std::printf("MACs:        %lld per inference\n", j["macs"].get<long long>());
  const auto& arena = j["arena"];
  if (arena["arena_bytes"].is_null()) {
    std::printf("arena:       not runnable here: %s\n", arena["unsupported"].get<std::string>().c_str());
  } else {
    std::printf("arena:       %zu bytes (activations %zu + persistent %zu)\n", arena["arena_bytes"].get<size_t>(),
                arena["head_bytes"].get<size_t>(), arena["tail_bytes"].get<size_t>());
  }
  std::printf("inputs:      %s   outputs: %s\n", j["inputs"].dump().c_str(), j["outputs"].dump().c_str());
  std::printf("\noperators (%zu):\n", j["operators"].size());
  for (const auto& o : j["operators"]) {
    std::printf("  %3d  %-20s in %-16s out %-8s MACs %lld\n", o["index"].get<int>(), o["op"].get<std::string>().c_str(),
                o["inputs"].dump().c_str(), o["outputs"].dump().c_str(), o["macs"].get<long long>());
  }
  std::printf("\ntensors (%zu):\n", j["tensors"].size());
  for (const auto& t : j["tensors"]) {
    std::printf("  %3d  %-8s %-18s %-22s %s  %s\n", t["index"].get<int>(), t["type"].get<std::string>().c_str(),
                ShapeText(t["shape"]).c_str(), QuantText(t["quantization"]).c_str(), t["constant"].get<bool>() ? "const" : "     ",
                t["name"].get<std::string>().substr(0, 60).c_str());
  }
}

}  // namespace

void RegisterInspect(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<InspectOptions>();
  CLI::App* cmd = app.add_subcommand("inspect", "Show a .tflite model's operators, tensors, parameters, MACs, arena and scheme");
  cmd->add_option("model", options->path, "the .tflite file")->required();
  cmd->add_flag("--json", options->json, "print one JSON object instead of text");
  cmd->callback([options, &exit_code] {
    Result<nlohmann::json> r = Inspect(options->path);
    if (!r.ok()) {
      std::fprintf(stderr, "bsb-matrix inspect: %s\n", r.error().message.c_str());
      exit_code = static_cast<int>(r.error().code);
      return;
    }
    if (options->json) {
      std::printf("%s\n", r->dump(1).c_str());
    } else {
      PrintText(*r);
    }
    exit_code = static_cast<int>(ExitCode::kOk);
  });
}

}  // namespace bsb
