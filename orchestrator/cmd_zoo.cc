// `bsb-matrix zoo build [--out DIR] [--model NAME]...`: trains (or takes from the store) the
// reference models and optionally copies them to DIR/<name>.tflite.
#include <cstdio>
#include <filesystem>

#include "artifacts/store.h"
#include "artifacts/zoo.h"
#include "orchestrator/commands.h"

namespace bsb {

void RegisterZoo(CLI::App& app, int& exit_code) {
  CLI::App* zoo = app.add_subcommand("zoo", "The reference model zoo (Fashion-MNIST)");
  zoo->require_subcommand(1);
  CLI::App* build = zoo->add_subcommand("build", "Train the zoo models (cached by recipe) and write .tflite files");
  struct Args {
    std::string out_dir;
    std::string cache_dir;
    std::vector<std::string> models;
  };
  auto args = std::make_shared<Args>();
  build->add_option("--out", args->out_dir, "Copy the models to DIR/<name>.tflite");
  build->add_option("--cache-dir", args->cache_dir, "Store root (default $BSB_CACHE_DIR or ~/.cache/bsb-matrix)");
  build->add_option("--model", args->models, "Only these models (default: all)");
  build->callback([args, &exit_code] {
    artifacts::Store store(args->cache_dir);
    std::vector<std::string> names = args->models;
    if (names.empty()) {
      for (const auto& r : artifacts::ZooRecipes()) names.push_back(r.name);
    }
    std::printf("%-10s %-9s %10s %9s  %s\n", "model", "status", "train_s", "test_acc", "path");
    for (const std::string& name : names) {
      auto z = artifacts::BuildZooModel(store, name, [](const std::string& line) {
        std::fprintf(stderr, "%s\n", line.c_str());
      });
      if (!z) {
        std::fprintf(stderr, "bsb-matrix zoo build: %s\n", z.error().message.c_str());
        exit_code = static_cast<int>(z.error().code);
        return;
      }
      std::string path = z->path;
      if (!args->out_dir.empty()) {
        auto bytes = store.Get(z->sha256);
        path = args->out_dir + "/" + name + ".tflite";
        auto written = bytes ? artifacts::WriteFileAtomic(path, *bytes) : Status(bytes.error());
        if (!written) {
          std::fprintf(stderr, "bsb-matrix zoo build: %s\n", written.error().message.c_str());
          exit_code = static_cast<int>(written.error().code);
          return;
        }
      }
      std::printf("%-10s %-9s %10.1f %8.2f%%  %s\n", name.c_str(), z->from_cache ? "cached" : "trained",
                  z->train_seconds, 100.0 * z->test_accuracy, path.c_str());
    }
  });
}

}  // namespace bsb
