// Small, deterministic float training for the zoo: dense, conv2d (SAME, stride 1), max/avg
// pooling, ReLU, softmax cross-entropy, Adam. Single-threaded, no fast-math and no
// library-defined random distributions, so a recipe gives the same weights bit for bit on
// every machine with IEEE float (the build uses ISO C++ mode: no FMA contraction).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "artifacts/dataset.h"
#include "artifacts/zoo_recipe.h"
#include "support/result.h"

namespace bsb::artifacts {

// One trained layer with its resolved shapes (HWC). Weights use TFLite layouts:
// conv [O,K,K,I], dense [O,I]. Pool and flatten layers have no weights.
struct TrainedLayer {
  LayerSpec spec;
  int in_h = 0, in_w = 0, in_c = 0;
  int out_h = 0, out_w = 0, out_c = 0;
  std::vector<float> weights;
  std::vector<float> bias;

  size_t InputSize() const { return static_cast<size_t>(in_h) * in_w * in_c; }
  size_t OutputSize() const { return static_cast<size_t>(out_h) * out_w * out_c; }
};

struct TrainedModel {
  Recipe recipe;
  std::vector<TrainedLayer> layers;
};

// Shapes and freshly initialised weights (He-uniform from recipe.seed); fails on a recipe
// whose layers do not fit together.
Result<TrainedModel> InitModel(const Recipe& recipe);

// Trains on `train` following the recipe. `progress` (optional) gets one line per epoch.
Result<TrainedModel> Train(const Recipe& recipe, const LabeledImages& train,
                           const std::function<void(const std::string&)>& progress = {});

// Logits for one preprocessed input (size = recipe input H*W*C).
std::vector<float> Forward(const TrainedModel& model, const std::vector<float>& input);

// Top-1 accuracy on the first `count` examples (0 = all), with the recipe's preprocessing.
double Accuracy(const TrainedModel& model, const LabeledImages& data, size_t count);

}  // namespace bsb::artifacts
