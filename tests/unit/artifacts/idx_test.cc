// agent/common/idx: the IDX reader the agent and the host share, and artifacts/dataset on top.
#include <gtest/gtest.h>
#include <gmock/gmock.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "agent/common/idx.h"
#include "artifacts/dataset.h"

namespace bsb {
namespace {

using ::testing::HasSubstr;

idx::Images TwoImages() {  // 2 images of 2x3 pixels
  idx::Images im;
  im.count = 2;
  im.rows = 2;
  im.cols = 3;
  im.pixels = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  return im;
}

TEST(Idx, ImagesRoundTrip) {
  const auto bytes = idx::EncodeImages(TwoImages());
  ASSERT_EQ(bytes.size(), 16u + 12u);  // magic + 3 dims, then 2*2*3 pixels
  EXPECT_EQ(bytes[3], 0x03);           // big-endian magic 0x00000803
  EXPECT_EQ(bytes[7], 2);              // count, big-endian
  idx::Images back;
  std::string error;
  ASSERT_TRUE(idx::ParseImages(bytes.data(), bytes.size(), "x.idx", &back, &error)) << error;
  EXPECT_EQ(back.count, 2u);
  EXPECT_EQ(back.rows, 2u);
  EXPECT_EQ(back.cols, 3u);
  EXPECT_EQ(back.pixels, TwoImages().pixels);
  EXPECT_EQ(back.Image(1)[0], 7);
}

TEST(Idx, LabelsRoundTrip) {
  idx::Labels labels{{3, 1, 4, 1, 5}};
  const auto bytes = idx::EncodeLabels(labels);
  ASSERT_EQ(bytes.size(), 8u + 5u);
  idx::Labels back;
  std::string error;
  ASSERT_TRUE(idx::ParseLabels(bytes.data(), bytes.size(), "l.idx", &back, &error)) << error;
  EXPECT_EQ(back.values, labels.values);
}

TEST(Idx, WrongMagicNamesFileAndBothMagics) {
  const auto bytes = idx::EncodeLabels(idx::Labels{{1, 2}});
  idx::Images im;
  std::string error;
  EXPECT_FALSE(idx::ParseImages(bytes.data(), bytes.size(), "labels-not-images.idx", &im, &error));
  EXPECT_THAT(error, HasSubstr("labels-not-images.idx"));
  EXPECT_THAT(error, HasSubstr("0x00000801"));
  EXPECT_THAT(error, HasSubstr("0x00000803"));
}

TEST(Idx, TruncatedPayloadIsAnError) {
  auto bytes = idx::EncodeImages(TwoImages());
  bytes.pop_back();
  idx::Images im;
  std::string error;
  EXPECT_FALSE(idx::ParseImages(bytes.data(), bytes.size(), "t.idx", &im, &error));
  EXPECT_THAT(error, HasSubstr("t.idx: truncated"));
  EXPECT_THAT(error, HasSubstr("declares 12 bytes"));
  EXPECT_THAT(error, HasSubstr("has 11"));
}

TEST(Idx, TruncatedHeaderIsAnError) {
  const auto full = idx::EncodeImages(TwoImages());
  for (size_t n : {0u, 3u, 4u, 15u}) {
    idx::Images im;
    std::string error;
    EXPECT_FALSE(idx::ParseImages(full.data(), n, "h.idx", &im, &error)) << n;
    EXPECT_THAT(error, HasSubstr("h.idx: truncated")) << n;
  }
}

TEST(Idx, TrailingBytesAreAnError) {
  auto bytes = idx::EncodeLabels(idx::Labels{{1, 2}});
  bytes.push_back(9);
  idx::Labels l;
  std::string error;
  EXPECT_FALSE(idx::ParseLabels(bytes.data(), bytes.size(), "o.idx", &l, &error));
  EXPECT_THAT(error, HasSubstr("oversized"));
}

TEST(Idx, HugeDimensionsAreRejectedWithoutAllocating) {
  // 0xffffffff^3 elements would overflow a 64-bit product; the reader stops at 2^40.
  std::vector<uint8_t> bytes = {0, 0, 8, 3, 255, 255, 255, 255, 255, 255, 255, 255,
                                255, 255, 255, 255};
  idx::Images im;
  std::string error;
  EXPECT_FALSE(idx::ParseImages(bytes.data(), bytes.size(), "big.idx", &im, &error));
  EXPECT_THAT(error, HasSubstr("big.idx"));
}

TEST(Idx, CountMismatchNamesBothFiles) {
  idx::Labels labels{{1, 2, 3}};
  std::string error;
  EXPECT_FALSE(idx::CheckSameCount(TwoImages(), "imgs.idx", labels, "labs.idx", &error));
  EXPECT_THAT(error, HasSubstr("imgs.idx has 2 images"));
  EXPECT_THAT(error, HasSubstr("labs.idx has 3 labels"));
}

TEST(Idx, MissingFileIsAnError) {
  idx::Images im;
  std::string error;
  EXPECT_FALSE(idx::ReadImagesFile("/nonexistent/x.idx", &im, &error));
  EXPECT_THAT(error, HasSubstr("/nonexistent/x.idx: cannot open"));
}

class DatasetFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bsb_idx_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::vector<uint8_t>& bytes, bool gzip) {
    const std::string path = (dir_ / name).string();
    if (gzip) {
      gzFile f = gzopen(path.c_str(), "wb");
      gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
      gzclose(f);
    } else {
      std::ofstream(path, std::ios::binary)
          .write(reinterpret_cast<const char*>(bytes.data()), static_cast<long>(bytes.size()));
    }
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(DatasetFiles, PlainAndGzipReadTheSame) {
  const auto bytes = idx::EncodeImages(TwoImages());
  auto plain = artifacts::LoadImages(Write("a.idx", bytes, false));
  auto gz = artifacts::LoadImages(Write("a.idx.gz", bytes, true));
  ASSERT_TRUE(plain.ok()) << plain.error().message;
  ASSERT_TRUE(gz.ok()) << gz.error().message;
  EXPECT_EQ(plain->pixels, gz->pixels);
}

TEST_F(DatasetFiles, TruncatedGzipIsAnError) {
  const std::string path = Write("b.idx.gz", idx::EncodeImages(TwoImages()), true);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 12);
  auto r = artifacts::LoadImages(path);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("b.idx.gz"));
}

TEST_F(DatasetFiles, LabeledImagesCountMismatch) {
  const auto images = Write("i.idx", idx::EncodeImages(TwoImages()), false);
  const auto labels = Write("l.idx.gz", idx::EncodeLabels(idx::Labels{{1}}), true);
  auto r = artifacts::LoadLabeledImages(images, labels);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("count mismatch"));
  EXPECT_THAT(r.error().message, HasSubstr("l.idx.gz has 1 labels"));
}

TEST(FashionMnist, RealTestSetLoads) {
  const auto paths = artifacts::FashionMnist();
  auto r = artifacts::LoadLabeledImages(paths.test_images, paths.test_labels);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->images.count, 10000u);  // Fashion-MNIST: 10k test images of 28x28
  EXPECT_EQ(r->images.rows, 28u);
  EXPECT_EQ(r->images.cols, 28u);
  for (uint8_t label : r->labels.values) ASSERT_LT(label, 10);
}

}  // namespace
}  // namespace bsb
