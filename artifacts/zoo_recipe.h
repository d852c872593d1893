// A zoo model's training recipe: its layers and how it is trained. The recipe (serialized
// canonically, plus kZooCodeVersion) is what the zoo cache is keyed on, so changing any field
// — or the training code's behaviour, which must bump kZooCodeVersion — retrains.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bsb::artifacts {

// Bump whenever training arithmetic, initialisation or the .tflite writer changes output bytes.
inline constexpr int kZooCodeVersion = 1;

enum class LayerKind { kConv2D, kMaxPool2D, kAvgPool2D, kFlatten, kDense };

struct LayerSpec {
  LayerKind kind = LayerKind::kDense;
  int units = 0;        // kDense: outputs; kConv2D: output channels
  int kernel = 0;       // kConv2D: square kernel (SAME padding, stride 1); pools: window = stride
  bool relu = false;    // kDense / kConv2D: fused ReLU
};

struct Recipe {
  std::string name;
  int input_height = 28, input_width = 28, input_channels = 1;
  int classes = 10;
  std::vector<LayerSpec> layers;  // the final kDense (no ReLU) feeds a SOFTMAX
  int epochs = 1;
  int batch_size = 32;
  float learning_rate = 1e-3f;    // Adam
  uint32_t seed = 1;
  uint32_t train_examples = 0;    // first N training examples (0 = all)
  float input_scale = 1.0f / 255.0f;  // real = pixel * input_scale + input_offset
  float input_offset = 0.0f;

  // Canonical text of every field and kZooCodeVersion: the cache key's preimage.
  std::string Serialize() const;
};

// The three reference models. `quick` shrinks epochs and data (for tests), keeping the layers.
Recipe FcSmallRecipe();
Recipe FcLargeRecipe();
Recipe CnnSmallRecipe();
std::vector<Recipe> ZooRecipes();
// "fc-small" | "fc-large" | "cnn-small"; nullptr-equivalent: returns false if unknown.
bool FindZooRecipe(const std::string& name, Recipe* out);

}  // namespace bsb::artifacts
