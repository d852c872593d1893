#include "artifacts/zoo.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "agent/common/sha256.h"
#include "artifacts/dataset.h"

namespace bsb::artifacts {
namespace {

int32_t AddConstant(Model* m, const std::string& name, std::vector<int32_t> shape,
                    const std::vector<float>& values) {
  Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  SetFloatData(&t, values);
  return m->AddTensor(std::move(t));
}

int32_t AddActivation(Model* m, const std::string& name, std::vector<int32_t> shape) {
  Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  return m->AddTensor(std::move(t));
}

}  // namespace

Model ExportTflite(const TrainedModel& trained) {
  const Recipe& r = trained.recipe;
  Model m;
  m.description = "bsb-matrix zoo " + r.name;
  int32_t x = AddActivation(&m, "input", {1, r.input_height, r.input_width, r.input_channels});
  m.inputs = {x};
  for (size_t i = 0; i < trained.layers.size(); ++i) {
    const TrainedLayer& l = trained.layers[i];
    const std::string p = r.name + "/layer" + std::to_string(i);
    Operator op;
    op.options.fused_activation = l.spec.relu ? 1 : 0;  // RELU
    std::vector<int32_t> out_shape = {1, l.out_h, l.out_w, l.out_c};
    switch (l.spec.kind) {
      case LayerKind::kConv2D: {
        const int k = l.spec.kernel;
        op.op = static_cast<int32_t>(Op::kConv2D);
        op.options.padding = 0;  // SAME
        op.inputs = {x, AddConstant(&m, p + "/conv/weights", {l.out_c, k, k, l.in_c}, l.weights),
                     AddConstant(&m, p + "/conv/bias", {l.out_c}, l.bias)};
        break;
      }
      case LayerKind::kMaxPool2D:
      case LayerKind::kAvgPool2D:
        op.op = static_cast<int32_t>(l.spec.kind == LayerKind::kMaxPool2D ? Op::kMaxPool2D : Op::kAveragePool2D);
        op.options.padding = 1;  // VALID
        op.options.stride_w = op.options.stride_h = l.spec.kernel;
        op.options.filter_w = op.options.filter_h = l.spec.kernel;
        op.inputs = {x};
        break;
      case LayerKind::kFlatten: {
        op.op = static_cast<int32_t>(Op::kReshape);
        out_shape = {1, l.out_c};
        op.options.new_shape = out_shape;  // both the old option and the newer shape input
        Tensor shape;
        shape.name = p + "/reshape/shape";
        shape.shape = {2};
        shape.type = TensorType::kInt32;
        shape.data = ToBytes(out_shape);
        op.inputs = {x, m.AddTensor(std::move(shape))};
        break;
      }
      case LayerKind::kDense:
        op.op = static_cast<int32_t>(Op::kFullyConnected);
        out_shape = {1, l.out_c};
        op.inputs = {x, AddConstant(&m, p + "/dense/weights", {l.out_c, l.in_h * l.in_w * l.in_c}, l.weights),
                     AddConstant(&m, p + "/dense/bias", {l.out_c}, l.bias)};
        break;
    }
    x = AddActivation(&m, p + "/output", out_shape);
    op.outputs = {x};
    m.operators.push_back(std::move(op));
  }
  Operator softmax;
  softmax.op = static_cast<int32_t>(Op::kSoftmax);
  softmax.inputs = {x};
  const int32_t y = AddActivation(&m, "probabilities", {1, r.classes});
  softmax.outputs = {y};
  m.operators.push_back(std::move(softmax));
  m.outputs = {y};
  return m;
}

Result<ZooModel> BuildZooModel(Store& store, const Recipe& recipe,
                               const std::function<void(const std::string&)>& progress) {
  const std::string key = Sha256Hex(recipe.Serialize());
  if (const std::string meta_sha = store.LookupRef("zoo", key); !meta_sha.empty()) {
    auto bytes = store.Get(meta_sha);
    if (bytes) {
      const auto meta = nlohmann::json::parse(bytes->begin(), bytes->end(), nullptr, false);
      if (meta.is_object() && store.Has(meta.value("model", ""))) {
        ZooModel z{recipe.name, meta["model"], store.ObjectPath(meta["model"]), true,
                   meta.value("train_seconds", 0.0), meta.value("test_accuracy", 0.0),
                   meta.value("test_examples", 0u)};
        return z;
      }
    }
  }

  const auto fm = FashionMnist();
  auto train = LoadLabeledImages(fm.train_images, fm.train_labels);
  if (!train) return train.error();
  auto test = LoadLabeledImages(fm.test_images, fm.test_labels);
  if (!test) return test.error();
  const auto start = std::chrono::steady_clock::now();
  auto trained = Train(recipe, *train, progress);
  if (!trained) return trained.error();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double accuracy = Accuracy(*trained, *test, 0);

  auto sha = store.Put(Serialize(ExportTflite(*trained)));
  if (!sha) return sha.error();
  nlohmann::ordered_json meta = {{"name", recipe.name},         {"model", *sha},
                                 {"recipe", recipe.Serialize()}, {"train_seconds", seconds},
                                 {"test_accuracy", accuracy},    {"test_examples", test->images.count}};
  const std::string text = meta.dump(2) + "\n";
  auto meta_sha = store.Put(std::vector<uint8_t>(text.begin(), text.end()));
  if (!meta_sha) return meta_sha.error();
  if (auto ref = store.PutRef("zoo", key, *meta_sha); !ref) return ref.error();
  return ZooModel{recipe.name, *sha, store.ObjectPath(*sha), false, seconds, accuracy, test->images.count};
}

Result<ZooModel> BuildZooModel(Store& store, const std::string& name,
                               const std::function<void(const std::string&)>& progress) {
  Recipe recipe;
  if (!FindZooRecipe(name, &recipe)) {
    std::string known;
    for (const Recipe& r : ZooRecipes()) known += (known.empty() ? "" : ", ") + r.name;
    return MakeError("unknown zoo model '" + name + "' (known: " + known + ")");
  }
  return BuildZooModel(store, recipe, progress);
}

}  // namespace bsb::artifacts
