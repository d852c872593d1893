// Reading the shared conformance set (../shared/conformance, BSB_SHARED_DIR): model folders,
// their expect.json and golden records. Tests skip with a clear message when it is absent.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/runtime/hosted_interpreter.h"
#include "agent/runtime/model.h"

namespace bsb::rt::testing {

inline std::filesystem::path ConformanceDir() { return std::filesystem::path(BSB_SHARED_DIR) / "conformance"; }

inline std::vector<std::string> ConformanceModels() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(ConformanceDir(), ec)) {
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "model.tflite")) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

inline std::vector<uint8_t> ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

inline nlohmann::json ReadExpect(const std::string& name) {
  std::ifstream in(ConformanceDir() / name / "expect.json");
  return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

inline bool IsLstm(const std::string& name) { return name.find("lstm") != std::string::npos; }

// A loaded, prepared model whose bytes stay alive beside the interpreter.
class LoadedModel {
 public:
  explicit LoadedModel(const std::filesystem::path& path) {
    const auto bytes = ReadBytes(path);
    storage_.assign(bytes.size() + 16, 0);
    data_ = storage_.data() + (16 - reinterpret_cast<uintptr_t>(storage_.data()) % 16) % 16;
    std::copy(bytes.begin(), bytes.end(), data_);
    status_ = LoadModel(data_, bytes.size(), &model_, &err_);
    if (status_ == Status::kOk) status_ = hosted_.Prepare(model_, &err_);
  }
  Status status() const { return status_; }
  const char* message() const { return err_.message(); }
  Interpreter& interp() { return hosted_.interpreter(); }
  const Model& model() const { return model_; }

 private:
  std::vector<uint8_t> storage_;
  uint8_t* data_ = nullptr;
  Model model_;
  ErrorReporter err_;
  HostedInterpreter hosted_;
  Status status_ = Status::kOk;
};

}  // namespace bsb::rt::testing
