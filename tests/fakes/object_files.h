// Test helpers: files as content-addressed Objects, and the fake agent's location.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/subprocess.h"
#include "targets/target.h"

namespace bsb::targets::testing {

// sha256 by coreutils' sha256sum: an implementation independent of anything under test.
inline std::string Sha256Of(const std::string& path) {
  auto r = RunSubprocess({.argv = {"sha256sum", path}});
  if (!r.ok() || !r->Succeeded()) return "";
  return r->stdout_text.substr(0, 64);
}

inline Object WriteObject(const std::filesystem::path& dir, const std::string& name,
                          const std::string& content) {
  const auto path = dir / name;  // name may hold slashes: its directories are made too
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
  return Object{Sha256Of(path.string()), path.string()};
}

// A fresh directory under the test temp dir, removed when the test program exits.
inline std::filesystem::path FreshDir(const std::string& tag) {
  static int counter = 0;
  static std::vector<std::filesystem::path>* made = [] {
    static std::vector<std::filesystem::path> dirs;
    std::atexit([] {
      std::error_code ec;
      for (const auto& d : dirs) std::filesystem::remove_all(d, ec);
    });
    return &dirs;
  }();
  auto dir = std::filesystem::path(::testing::TempDir()) /
             ("bsb-" + tag + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  made->push_back(dir);
  return dir;
}

inline std::string FakeAgentPath(const std::string& arch = "") {
  return std::string(BSB_BINARY_DIR) + "/tests/fakes/bsb-fake-agent" + (arch.empty() ? "" : "-" + arch);
}

// A minimal cell spec naming a model and dataset files by local path.
inline std::string SpecFor(const Object& model, const Object& images, const Object& labels) {
  return R"({"model_path":")" + model.local_path + R"(","images_path":")" + images.local_path +
         R"(","labels_path":")" + labels.local_path +
         R"(","scheme":"int8","warmup":1,"runs":2,"samples":3,"threads":1,"seed":0})";
}

}  // namespace bsb::targets::testing
