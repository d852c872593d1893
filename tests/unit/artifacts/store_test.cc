// artifacts/store and artifacts/slice: content addressing, atomic writes, refs, dataset slices.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "artifacts/dataset.h"
#include "artifacts/slice.h"
#include "artifacts/store.h"

namespace bsb::artifacts {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = (fs::temp_directory_path() / ("bsb_store_test_" + std::to_string(::getpid()))).string();
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string root_;
};

TEST_F(StoreTest, PutNamesObjectsBySha256) {
  Store store(root_);
  const std::string text = "abc";
  auto sha = store.Put(std::vector<uint8_t>(text.begin(), text.end()));
  ASSERT_TRUE(sha.ok()) << sha.error().message;
  // FIPS 180-2 example: sha256("abc").
  EXPECT_EQ(*sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(store.Has(*sha));
  EXPECT_EQ(store.ObjectPath(*sha), root_ + "/objects/" + *sha);
  auto back = store.Get(*sha);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::string(back->begin(), back->end()), "abc");
  // No temp files are left behind.
  for (const auto& e : fs::recursive_directory_iterator(root_)) {
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
  }
}

TEST_F(StoreTest, RootComesFromEnvironmentWhenNotGiven) {
  ::setenv("BSB_CACHE_DIR", root_.c_str(), 1);
  EXPECT_EQ(Store().root(), root_);
  ::unsetenv("BSB_CACHE_DIR");
  const std::string home = std::getenv("HOME") ? std::getenv("HOME") : "";
  ::setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(Store().root(), "/home/someone/.cache/bsb-matrix");
  ::setenv("HOME", home.c_str(), 1);
}

TEST_F(StoreTest, RefsPointAtObjectsAndVanishWithThem) {
  Store store(root_);
  auto sha = store.Put({1, 2, 3});
  ASSERT_TRUE(sha.ok());
  const std::string key(64, 'a');
  EXPECT_EQ(store.LookupRef("zoo", key), "");
  ASSERT_TRUE(store.PutRef("zoo", key, *sha).ok());
  EXPECT_EQ(store.LookupRef("zoo", key), *sha);
  fs::remove(store.ObjectPath(*sha));
  EXPECT_EQ(store.LookupRef("zoo", key), "");  // a dangling ref is a miss, not a broken file
  EXPECT_FALSE(store.PutRef("zoo", "../escape", *sha).ok());
}

TEST_F(StoreTest, GetRejectsNonHashNames) {
  Store store(root_);
  auto r = store.Get("../../etc/passwd");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("not a sha256"));
}

TEST_F(StoreTest, SliceFirstNIsCachedAndRecordsPreprocessing) {
  Store store(root_);
  const auto fm = FashionMnist();
  SliceRequest req{fm.test_images, fm.test_labels, 100, false, 0, 1.0 / 255.0, 0.0};
  auto slice = MakeSlice(store, req);
  ASSERT_TRUE(slice.ok()) << slice.error().message;
  EXPECT_EQ(slice->count, 100u);

  auto full = LoadLabeledImages(fm.test_images, fm.test_labels);
  ASSERT_TRUE(full.ok());
  auto images = LoadImages(store.ObjectPath(slice->images_sha256));
  auto labels = LoadLabels(store.ObjectPath(slice->labels_sha256));
  ASSERT_TRUE(images.ok() && labels.ok());
  ASSERT_EQ(images->count, 100u);
  EXPECT_TRUE(std::equal(images->pixels.begin(), images->pixels.end(), full->images.pixels.begin()));
  EXPECT_TRUE(std::equal(labels->values.begin(), labels->values.end(), full->labels.values.begin()));

  auto meta_bytes = store.Get(slice->meta_sha256);
  ASSERT_TRUE(meta_bytes.ok());
  const auto meta = nlohmann::json::parse(meta_bytes->begin(), meta_bytes->end());
  EXPECT_DOUBLE_EQ(meta["preprocessing"]["scale"].get<double>(), 1.0 / 255.0);
  EXPECT_EQ(meta["selection"], "first");

  // Second call: served from the ref, same objects; the slice is not cut again.
  const auto before = fs::last_write_time(store.ObjectPath(slice->meta_sha256));
  auto again = MakeSlice(store, req);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->images_sha256, slice->images_sha256);
  EXPECT_EQ(fs::last_write_time(store.ObjectPath(slice->meta_sha256)), before);
}

TEST_F(StoreTest, SeededSampleIsDeterministicAndDiffersFromFirstN) {
  Store store(root_);
  const auto fm = FashionMnist();
  SliceRequest req{fm.test_images, fm.test_labels, 50, true, 7, 1.0 / 255.0, 0.0};
  auto a = MakeSlice(store, req);
  ASSERT_TRUE(a.ok()) << a.error().message;
  fs::remove_all(root_);
  auto b = MakeSlice(store, req);  // recomputed from scratch
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->images_sha256, b->images_sha256);
  req.sample = false;
  auto first = MakeSlice(store, req);
  ASSERT_TRUE(first.ok());
  EXPECT_NE(first->images_sha256, a->images_sha256);
}

TEST_F(StoreTest, SliceLargerThanDatasetIsAnError) {
  Store store(root_);
  const auto fm = FashionMnist();
  auto r = MakeSlice(store, SliceRequest{fm.test_images, fm.test_labels, 10001});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("cannot slice 10001 examples from a dataset of 10000"));
}

}  // namespace
}  // namespace bsb::artifacts
