// The model zoo: the three reference models (fc-small, fc-large, cnn-small) trained on the
// Fashion-MNIST training set and written as float32 .tflite files. Used by
// `bsb-matrix zoo build` and for `source: zoo:NAME` in a matrix.
#pragma once

#include <functional>
#include <string>

#include "artifacts/store.h"
#include "artifacts/tflite_model.h"
#include "artifacts/zoo_recipe.h"
#include "artifacts/zoo_train.h"
#include "support/result.h"

namespace bsb::artifacts {

struct ZooModel {
  std::string name;
  std::string sha256;        // the .tflite object in the store
  std::string path;          // store.ObjectPath(sha256)
  bool from_cache = false;   // true: no training happened in this call
  double train_seconds = 0;  // of the run that built it (recorded with the cache entry)
  double test_accuracy = 0;  // top-1 of the trained float model on all 10,000 test images
  uint32_t test_examples = 0;
};

// The trained network as a TFLite graph: input [1,H,W,C] float32, CONV_2D / MAX_POOL_2D /
// AVERAGE_POOL_2D / RESHAPE / FULLY_CONNECTED with fused ReLU, then SOFTMAX.
Model ExportTflite(const TrainedModel& trained);

// Builds (or finds in the store) the model for `recipe`. Keyed by sha256(recipe.Serialize()),
// which includes kZooCodeVersion: the same recipe never trains twice.
Result<ZooModel> BuildZooModel(Store& store, const Recipe& recipe,
                               const std::function<void(const std::string&)>& progress = {});

// By name ("fc-small" | "fc-large" | "cnn-small"); unknown names list the known ones.
Result<ZooModel> BuildZooModel(Store& store, const std::string& name,
                               const std::function<void(const std::string&)>& progress = {});

}  // namespace bsb::artifacts
