// artifacts/resolve: (model, scheme) → a .tflite object: prebuilt files win, fp32 is the source
// itself, other schemes are quantized once and then served from the store.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "agent/common/idx.h"
#include "artifacts/quantize.h"
#include "artifacts/resolve.h"
#include "artifacts/tflite_model.h"

namespace bsb::artifacts {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// input [1,4,4,1] → RESHAPE [1,16] → FULLY_CONNECTED 3 → SOFTMAX.
Model TinyFloatModel(int32_t op_code = static_cast<int32_t>(Op::kFullyConnected)) {
  Model m;
  auto activation = [&](const std::string& name, std::vector<int32_t> shape) {
    Tensor t;
    t.name = name, t.shape = std::move(shape);
    return m.AddTensor(t);
  };
  auto constant = [&](const std::string& name, std::vector<int32_t> shape) {
    Tensor t;
    t.name = name, t.shape = std::move(shape);
    std::vector<float> v(t.Elements());
    for (size_t i = 0; i < v.size(); ++i) v[i] = 0.2f * std::cos(static_cast<float>(i));
    SetFloatData(&t, v);
    return m.AddTensor(t);
  };
  const int32_t in = activation("in", {1, 4, 4, 1});
  Tensor shape;
  shape.name = "shape", shape.shape = {2}, shape.type = TensorType::kInt32, shape.data = ToBytes(std::vector<int32_t>{1, 16});
  const int32_t shape_t = m.AddTensor(shape);
  const int32_t flat = activation("flat", {1, 16});
  const int32_t w = constant("w", {3, 16});
  const int32_t b = constant("b", {3});
  const int32_t logits = activation("logits", {1, 3});
  const int32_t probs = activation("probs", {1, 3});
  Operator reshape{static_cast<int32_t>(Op::kReshape), 1, {in, shape_t}, {flat}, {}};
  reshape.options.new_shape = {1, 16};
  m.operators = {reshape, Operator{op_code, 1, {flat, w, b}, {logits}, {}},
                 Operator{static_cast<int32_t>(Op::kSoftmax), 1, {logits}, {probs}, {}}};
  m.inputs = {in}, m.outputs = {probs};
  return m;
}

// Smooth 4x4 images (a gradient per image): real-looking enough for the noise check.
idx::Images SmoothImages() {
  idx::Images im;
  im.count = 6, im.rows = 4, im.cols = 4;
  for (uint32_t n = 0; n < im.count; ++n)
    for (uint32_t y = 0; y < 4; ++y)
      for (uint32_t x = 0; x < 4; ++x) im.pixels.push_back(static_cast<uint8_t>(20 * n + 30 * x + 10 * y));
  return im;
}

idx::Images NoiseImages(uint32_t count, uint32_t side) {
  idx::Images im;
  im.count = count, im.rows = side, im.cols = side;
  std::mt19937 rng(7);
  for (size_t i = 0; i < size_t{count} * side * side; ++i) im.pixels.push_back(static_cast<uint8_t>(rng()));
  return im;
}

class ResolveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("bsb_resolve_test_" + std::to_string(::getpid()));
    fs::create_directories(root_);
    model_path_ = (root_ / "tiny.tflite").string();
    ASSERT_TRUE(WriteFileAtomic(model_path_, Serialize(TinyFloatModel())).ok());
    images_path_ = (root_ / "calib-images.idx").string();
    ASSERT_TRUE(WriteFileAtomic(images_path_, idx::EncodeImages(SmoothImages())).ok());
  }
  void TearDown() override { fs::remove_all(root_); }

  ResolveRequest Request(const std::string& scheme) const {
    ResolveRequest r;
    r.model = "tiny", r.scheme = scheme;
    r.source = ArtifactSource{ArtifactSource::Kind::kPath, model_path_, ""};
    r.calibration = CalibrationSet{images_path_, 6, 1.0f / 255.0f, 0.0f};
    return r;
  }

  fs::path root_;
  std::string model_path_, images_path_;
};

TEST_F(ResolveTest, Fp32IsTheSourceItself) {
  Store store((root_ / "store").string());
  auto r = ResolveArtifact(store, Request("fp32"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->origin, "source");
  EXPECT_EQ(r->sha256, *Sha256OfFile(model_path_));
  EXPECT_TRUE(fs::exists(r->path));
}

TEST_F(ResolveTest, QuantizesOnceThenServesFromTheStore) {
  Store store((root_ / "store").string());
  auto first = ResolveArtifact(store, Request("int8"));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->origin, "quantized");
  EXPECT_FALSE(first->cached);
  auto second = ResolveArtifact(store, Request("int8"));
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->cached);
  EXPECT_EQ(second->sha256, first->sha256);
  // The object is exactly what the quantizer gives for these inputs.
  QuantizeOptions o;
  o.scheme = Scheme::kInt8;
  const idx::Images images = SmoothImages();
  o.calibration = &images, o.samples = 6;
  auto direct = QuantizeTflite(*ReadFile(model_path_), "tiny", o);
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(Sha256OfBytes(*direct), first->sha256);
  // Fewer samples is another request: quantized anew.
  ResolveRequest fewer = Request("int8");
  fewer.calibration->samples = 3;
  auto third = ResolveArtifact(store, fewer);
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(third->cached);
  // float16 needs no calibration at all.
  ResolveRequest f16 = Request("float16");
  f16.calibration.reset();
  auto half = ResolveArtifact(store, f16);
  ASSERT_TRUE(half.ok()) << half.error().message;
  EXPECT_NE(half->sha256, first->sha256);
}

TEST_F(ResolveTest, PrebuiltFileWinsAndItsPinIsChecked) {
  Store store((root_ / "store").string());
  const std::string prebuilt = (root_ / "mine-int8.tflite").string();
  ASSERT_TRUE(WriteFileAtomic(prebuilt, Serialize(TinyFloatModel())).ok());
  ResolveRequest r = Request("int8");
  r.prebuilt = ArtifactSource{ArtifactSource::Kind::kPath, prebuilt, ""};
  auto got = ResolveArtifact(store, r);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->origin, "prebuilt");
  r.prebuilt->sha256 = std::string(64, 'a');
  auto bad = ResolveArtifact(store, r);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr("model tiny, scheme int8: " + prebuilt + ": sha256 is "));
  EXPECT_THAT(bad.error().message, HasSubstr(std::string(64, 'a')));
}

TEST_F(ResolveTest, ErrorsNameModelSchemeAndCause) {
  Store store((root_ / "store").string());
  ResolveRequest no_calibration = Request("int16x8");
  no_calibration.calibration.reset();
  auto a = ResolveArtifact(store, no_calibration);
  ASSERT_FALSE(a.ok());
  EXPECT_THAT(a.error().message, HasSubstr("model tiny, scheme int16x8: needs calibration"));

  ResolveRequest nothing = Request("int8");
  nothing.source.reset();
  auto b = ResolveArtifact(store, nothing);
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(b.error().message, HasSubstr("no artifact for this scheme and no source"));

  auto c = ResolveArtifact(store, Request("int4"));
  ASSERT_FALSE(c.ok());
  EXPECT_THAT(c.error().message, HasSubstr("unknown scheme 'int4'"));

  ResolveRequest missing = Request("fp32");
  missing.source->location = (root_ / "nope.tflite").string();
  auto d = ResolveArtifact(store, missing);
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.error().message, HasSubstr("nope.tflite"));

  // An op the quantizer cannot handle: the error names it (and the cell, for the sweep).
  ASSERT_TRUE(WriteFileAtomic(model_path_, Serialize(TinyFloatModel(static_cast<int32_t>(Op::kConcatenation)))).ok());
  auto e = ResolveArtifact(store, Request("int8"));
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(e.error().message, HasSubstr("model tiny, scheme int8: "));
  EXPECT_THAT(e.error().message, HasSubstr("operator 1 (CONCATENATION) is not supported by the int8 quantizer"));

  ResolveRequest zoo = Request("fp32");
  zoo.source = ArtifactSource{ArtifactSource::Kind::kZoo, "resnet50", ""};
  auto f = ResolveArtifact(store, zoo);
  ASSERT_FALSE(f.ok());
  EXPECT_THAT(f.error().message, HasSubstr("unknown zoo model 'resnet50'"));
}

TEST_F(ResolveTest, RandomNoiseCalibrationIsRefused) {
  ASSERT_TRUE(WriteFileAtomic(images_path_, idx::EncodeImages(NoiseImages(50, 4))).ok());
  Store store((root_ / "store").string());
  ResolveRequest r = Request("int8");
  r.calibration->samples = 50;
  auto got = ResolveArtifact(store, r);
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.error().message, HasSubstr("look like random noise"));
  // Constant images are refused the same way.
  idx::Images flat = SmoothImages();
  std::fill(flat.pixels.begin(), flat.pixels.end(), uint8_t{128});
  ASSERT_TRUE(WriteFileAtomic(images_path_, idx::EncodeImages(flat)).ok());
  got = ResolveArtifact(store, Request("int8"));
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.error().message, HasSubstr("look like random noise"));
}

TEST(CalibrationCheck, NoiseScoresNearZeroRealImagesHigh) {
  EXPECT_LT(std::fabs(AdjacentPixelCorrelation(NoiseImages(300, 28), 300)), 0.05);
  EXPECT_GT(AdjacentPixelCorrelation(SmoothImages(), 6), 0.5);
}

}  // namespace
}  // namespace bsb::artifacts
