#include "orchestrator/prepare.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "agent/common/idx.h"

namespace bsb {
namespace {

namespace fs = std::filesystem;

class PrepareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bsb-prepare-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // A 4-example 2x2 dataset, plain IDX.
    idx::Images images;
    images.count = 4;
    images.rows = 2;
    images.cols = 2;
    images.pixels.assign(16, 7);
    idx::Labels labels;
    labels.values = {0, 1, 2, 3};
    Write("images.idx", idx::EncodeImages(images));
    Write("labels.idx", idx::EncodeLabels(labels));
    Write("model.tflite", {'n', 'o', 't', ' ', 'a', ' ', 'm', 'o', 'd', 'e', 'l'});

    matrix::Dataset d;
    d.name = "tiny";
    d.images = dir_ / "images.idx";
    d.labels = dir_ / "labels.idx";
    d.scale = 0.5;
    matrix_.datasets.push_back(d);
    matrix::Model m;
    m.name = "m";
    m.source = matrix::Source{matrix::Source::Kind::kPath, (dir_ / "model.tflite").string(), ""};
    m.dataset = "tiny";
    matrix_.models.push_back(m);
    store_.emplace((dir_ / "store").string());
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::vector<uint8_t>& bytes) {
    std::ofstream(dir_ / name, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                       static_cast<std::streamsize>(bytes.size()));
  }

  matrix::Cell Cell(const std::string& scheme, int64_t samples = 3) {
    matrix::Cell c;
    c.id = "abcdefabcdef";
    c.model = "m";
    c.scheme = scheme;
    c.target = "x86";
    c.settings.samples = samples;
    c.settings.runs = 5;
    c.settings.warmup = 1;
    c.settings.threads = 2;
    return c;
  }

  Result<PreparedCell> Prepare(const matrix::Cell& cell) {
    Preparer p(matrix_, *store_, nullptr, nullptr);
    return p.Prepare(cell);
  }

  fs::path dir_;
  matrix::Matrix matrix_;
  std::optional<artifacts::Store> store_;
};

TEST_F(PrepareTest, Fp32CellNamesStoreObjectsInItsSpec) {
  auto p = Prepare(Cell("fp32"));
  ASSERT_TRUE(p.ok()) << p.error().message;
  const auto spec = nlohmann::json::parse(p->spec_json);
  EXPECT_EQ(spec["scheme"], "fp32");
  EXPECT_EQ(spec["samples"], 3);
  EXPECT_EQ(spec["runs"], 5);
  EXPECT_EQ(spec["warmup"], 1);
  EXPECT_EQ(spec["threads"], 2);
  EXPECT_DOUBLE_EQ(spec["input_scale"].get<double>(), 0.5);
  ASSERT_EQ(p->objects.size(), 3u);
  ASSERT_EQ(p->artifacts.size(), 3u);
  EXPECT_EQ(p->artifacts[0].first, "model");
  EXPECT_EQ(p->artifacts[1].first, "images");
  EXPECT_EQ(p->artifacts[2].first, "labels");
  // The model is the file's bytes, stored under their hash; the slice holds 3 of 4 examples:
  // 16-byte IDX header + 3 images of 2x2 pixels.
  EXPECT_EQ(spec["model_path"], store_->ObjectPath(p->objects[0].sha256));
  EXPECT_EQ(p->artifacts[0].second.size_bytes, 11);
  EXPECT_EQ(p->artifacts[1].second.size_bytes, 16 + 3 * 4);
  for (const auto& o : p->objects) EXPECT_TRUE(store_->Has(o.sha256)) << o.local_path;
}

TEST_F(PrepareTest, FailuresNameTheModelOrDatasetAndWhy) {
  // Integer schemes need calibration data.
  auto p = Prepare(Cell("int8"));
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("model 'm': scheme int8 needs calibration data"), std::string::npos)
      << p.error().message;
  // With calibration, a file that is no model fails in the quantizer, named.
  matrix_.models[0].calibration = matrix::Calibration{"tiny", 2, {}};
  p = Prepare(Cell("int8"));
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("quantizing model 'm' to int8"), std::string::npos) << p.error().message;
  // More samples than the dataset holds.
  p = Prepare(Cell("fp32", 5));
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("dataset 'tiny'"), std::string::npos) << p.error().message;
  // A pinned hash that does not match.
  matrix_.models[0].source->sha256 = std::string(64, '0');
  p = Prepare(Cell("fp32"));
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("the matrix pins " + std::string(64, '0')), std::string::npos);
  // An input offset the agent's cell spec cannot carry.
  matrix_.models[0].source->sha256.clear();
  matrix_.datasets[0].offset = -1;
  p = Prepare(Cell("fp32"));
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("offset"), std::string::npos);
  // A missing file.
  matrix_.datasets[0].offset = 0;
  matrix_.models[0].source->location = (dir_ / "missing.tflite").string();
  p = Prepare(Cell("fp32"));
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("model 'm'"), std::string::npos);
}

TEST_F(PrepareTest, AgentBuildsBecomeExecutableObjects) {
  fs::create_directories(dir_ / "agents" / "aarch64");
  fs::create_directories(dir_ / "agents" / "armv7");  // no binary inside: left out
  const fs::path agent = dir_ / "agents" / "aarch64" / "bsb-agent";
  Write("agents/aarch64/bsb-agent", {'#', '!', '/', 'b', 'i', 'n', '/', 's', 'h', '\n'});
  ASSERT_EQ(chmod(agent.c_str(), 0755), 0);
  auto builds = StoreAgentBuilds(*store_, (dir_ / "agents").string());
  ASSERT_TRUE(builds.ok()) << builds.error().message;
  ASSERT_EQ(builds->size(), 1u);
  const targets::AgentBinary& b = builds->at("aarch64");
  EXPECT_EQ(b.sha256, *artifacts::Sha256OfFile(agent.string()));
  EXPECT_EQ(b.local_path, store_->ObjectPath(b.sha256));
  EXPECT_EQ(access(b.local_path.c_str(), X_OK), 0);
}

}  // namespace
}  // namespace bsb
