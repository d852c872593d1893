// artifacts/zoo: recipes, deterministic training, the .tflite writer (checked against the
// runtime's loader and our reader), and the recipe-keyed cache.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "agent/runtime/model.h"
#include "agent/runtime/schema/tflite_generated.h"
#include "artifacts/dataset.h"
#include "artifacts/zoo.h"

namespace bsb::artifacts {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A recipe small enough to train in well under a second: 784→16→10 on 2,000 examples.
Recipe TinyRecipe() {
  Recipe r = FcSmallRecipe();
  r.name = "tiny";
  r.layers = {{LayerKind::kFlatten}, {LayerKind::kDense, 16, 0, true}, {LayerKind::kDense, 10, 0, false}};
  r.epochs = 1;
  r.train_examples = 2000;
  return r;
}

Recipe TinyCnnRecipe() {
  Recipe r = CnnSmallRecipe();
  r.name = "tiny-cnn";
  r.layers = {{LayerKind::kConv2D, 4, 3, true}, {LayerKind::kMaxPool2D, 0, 2, false},
              {LayerKind::kConv2D, 4, 3, true}, {LayerKind::kAvgPool2D, 0, 2, false},
              {LayerKind::kFlatten},            {LayerKind::kDense, 10, 0, false}};
  r.epochs = 1;
  r.train_examples = 500;
  return r;
}

class ZooTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto fm = FashionMnist();
    auto train = LoadLabeledImages(fm.train_images, fm.train_labels);
    auto test = LoadLabeledImages(fm.test_images, fm.test_labels);
    ASSERT_TRUE(train.ok() && test.ok());
    train_ = new LabeledImages(std::move(*train));
    test_ = new LabeledImages(std::move(*test));
  }
  void SetUp() override {
    root_ = (fs::temp_directory_path() / ("bsb_zoo_test_" + std::to_string(::getpid()))).string();
  }
  void TearDown() override { fs::remove_all(root_); }
  static LabeledImages* train_;
  static LabeledImages* test_;
  std::string root_;
};
LabeledImages* ZooTest::train_ = nullptr;
LabeledImages* ZooTest::test_ = nullptr;

TEST_F(ZooTest, TrainingLearnsSomething) {
  auto m = Train(TinyRecipe(), *train_);
  ASSERT_TRUE(m.ok()) << m.error().message;
  // 10 classes: chance is 10 %; 2,000 examples of one epoch reach well above 60 %.
  EXPECT_GT(Accuracy(*m, *test_, 1000), 0.6);
}

TEST_F(ZooTest, SameRecipeSameBytesPinned) {
  auto a = Train(TinyRecipe(), *train_);
  auto b = Train(TinyRecipe(), *train_);
  ASSERT_TRUE(a.ok() && b.ok());
  const auto bytes_a = Serialize(ExportTflite(*a));
  const auto bytes_b = Serialize(ExportTflite(*b));
  EXPECT_EQ(bytes_a, bytes_b);
  // Pinned: any change to training arithmetic, initialisation or the writer changes this and
  // must bump kZooCodeVersion (so cached models retrain) and update the pin.
  EXPECT_EQ(Sha256OfBytes(bytes_a), "aa18151d4c0e4e219a7f5d440ccea26abd8e13c712814b831c64e2045604374b");
  Recipe other = TinyRecipe();
  other.seed += 1;
  auto c = Train(other, *train_);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(Serialize(ExportTflite(*c)), bytes_a);
}

TEST_F(ZooTest, WrittenFileIsValidTflite) {
  auto m = Train(TinyCnnRecipe(), *train_);
  ASSERT_TRUE(m.ok()) << m.error().message;
  const auto bytes = Serialize(ExportTflite(*m));
  ASSERT_TRUE(tflite::ModelBufferHasIdentifier(bytes.data()));  // "TFL3" at bytes 4..7
  const tflite::Model* fb = tflite::GetModel(bytes.data());
  EXPECT_EQ(fb->version(), 3u);
  ASSERT_GT(fb->buffers()->size(), 1u);
  EXPECT_EQ(fb->buffers()->Get(0)->data(), nullptr);  // buffer 0: the empty sentinel
  for (const auto* code : *fb->operator_codes()) {
    EXPECT_EQ(code->deprecated_builtin_code(), static_cast<int8_t>(code->builtin_code()));
  }
  // conv, maxpool, conv, avgpool, reshape, fc, softmax
  const auto* ops = fb->subgraphs()->Get(0)->operators();
  ASSERT_EQ(ops->size(), 7u);
  EXPECT_EQ(fb->operator_codes()->Get(ops->Get(0)->opcode_index())->builtin_code(), tflite::BuiltinOperator_CONV_2D);
  EXPECT_EQ(ops->Get(0)->builtin_options_as_Conv2DOptions()->fused_activation_function(),
            tflite::ActivationFunctionType_RELU);
  EXPECT_EQ(ops->Get(1)->builtin_options_as_Pool2DOptions()->filter_width(), 2);

  // The runtime's loader (Verifier + structural checks) accepts it.
  std::vector<uint8_t> aligned(bytes.size() + 16);
  auto* base = reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(aligned.data()) + 15) & ~uintptr_t{15});
  std::copy(bytes.begin(), bytes.end(), base);
  rt::Model loaded;
  EXPECT_EQ(rt::LoadModel(base, bytes.size(), &loaded, nullptr), rt::Status::kOk);

  // Our reader gives back the same model; writing it again gives the same bytes.
  auto parsed = Parse(bytes, "tiny-cnn.tflite");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(Serialize(*parsed), bytes);
}

TEST_F(ZooTest, ReaderRejectsGarbageWithName) {
  auto r = Parse(std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8}, "junk.tflite");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("junk.tflite: not a valid .tflite"));
}

TEST_F(ZooTest, SecondBuildComesFromCache) {
  Store store(root_);
  auto first = BuildZooModel(store, TinyRecipe());
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->from_cache);
  EXPECT_GT(first->test_accuracy, 0.6);
  EXPECT_EQ(first->test_examples, 10000u);
  auto second = BuildZooModel(store, TinyRecipe());
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->from_cache);
  EXPECT_EQ(second->sha256, first->sha256);
  EXPECT_DOUBLE_EQ(second->test_accuracy, first->test_accuracy);
  Recipe changed = TinyRecipe();
  changed.epochs = 2;
  EXPECT_NE(changed.Serialize(), TinyRecipe().Serialize());
}

TEST_F(ZooTest, UnknownModelListsKnownOnes) {
  Store store(root_);
  auto r = BuildZooModel(store, "resnet");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("fc-small, fc-large, cnn-small"));
}

TEST_F(ZooTest, BadRecipeIsAnError) {
  Recipe r = TinyRecipe();
  r.layers = {{LayerKind::kDense, 10, 0, false}};  // dense straight on a 28x28 image
  auto m = InitModel(r);
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.error().message, HasSubstr("flatten"));
}

}  // namespace
}  // namespace bsb::artifacts
