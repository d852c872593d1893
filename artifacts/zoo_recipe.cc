#include "artifacts/zoo_recipe.h"

#include <cstdio>

namespace bsb::artifacts {
namespace {

const char* KindName(LayerKind k) {
  switch (k) {
    case LayerKind::kConv2D: return "conv2d";
    case LayerKind::kMaxPool2D: return "maxpool";
    case LayerKind::kAvgPool2D: return "avgpool";
    case LayerKind::kFlatten: return "flatten";
    case LayerKind::kDense: return "dense";
  }
  return "?";
}

LayerSpec Dense(int units, bool relu) { return {LayerKind::kDense, units, 0, relu}; }

}  // namespace

std::string Recipe::Serialize() const {
  char buf[512];
  // %a prints floats exactly (hex), so the key changes iff the value does.
  std::snprintf(buf, sizeof buf,
                "bsb-zoo-recipe;code=%d;name=%s;input=%dx%dx%d;classes=%d;epochs=%d;batch=%d;"
                "lr=%a;seed=%u;train=%u;scale=%a;offset=%a;layers=",
                kZooCodeVersion, name.c_str(), input_height, input_width, input_channels, classes,
                epochs, batch_size, static_cast<double>(learning_rate), seed, train_examples,
                static_cast<double>(input_scale), static_cast<double>(input_offset));
  std::string out = buf;
  for (const LayerSpec& l : layers) {
    std::snprintf(buf, sizeof buf, "%s(%d,%d,%d)", KindName(l.kind), l.units, l.kernel,
                  l.relu ? 1 : 0);
    out += buf;
  }
  return out;
}

Recipe FcSmallRecipe() {
  Recipe r;
  r.name = "fc-small";
  r.layers = {{LayerKind::kFlatten}, Dense(64, true), Dense(10, false)};
  r.epochs = 4;
  r.seed = 11;
  return r;
}

Recipe FcLargeRecipe() {
  Recipe r;
  r.name = "fc-large";
  r.layers = {{LayerKind::kFlatten}, Dense(256, true), Dense(128, true), Dense(10, false)};
  r.epochs = 4;
  r.seed = 12;
  return r;
}

Recipe CnnSmallRecipe() {
  Recipe r;
  r.name = "cnn-small";
  r.layers = {{LayerKind::kConv2D, 8, 3, true},  {LayerKind::kMaxPool2D, 0, 2, false},
              {LayerKind::kConv2D, 16, 3, true}, {LayerKind::kMaxPool2D, 0, 2, false},
              {LayerKind::kFlatten},             Dense(32, true),
              Dense(10, false)};
  r.epochs = 3;
  r.seed = 13;
  return r;
}

std::vector<Recipe> ZooRecipes() { return {FcSmallRecipe(), FcLargeRecipe(), CnnSmallRecipe()}; }

bool FindZooRecipe(const std::string& name, Recipe* out) {
  for (Recipe& r : ZooRecipes()) {
    if (r.name == name) {
      *out = std::move(r);
      return true;
    }
  }
  return false;
}

}  // namespace bsb::artifacts
