#include "targets/spec_paths.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace bsb::targets {
namespace {

TEST(SpecPaths, RewritesEveryPathFieldAndKeepsTheRest) {
  const std::map<std::string, std::string> map{{"/h/m.tflite", "/c/objects/aa"}, {"/h/i.idx", "/c/objects/bb"}};
  auto r = RewriteSpecPaths(
      R"({"model_path":"/h/m.tflite","images_path":"/h/i.idx","labels_path":"/h/i.idx",)"
      R"("reference_outputs_path":"","scheme":"int8","runs":5})",
      map);
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto j = nlohmann::json::parse(*r);
  EXPECT_EQ(j["model_path"], "/c/objects/aa");
  EXPECT_EQ(j["images_path"], "/c/objects/bb");
  EXPECT_EQ(j["labels_path"], "/c/objects/bb");
  EXPECT_EQ(j["reference_outputs_path"], "");
  EXPECT_EQ(j["scheme"], "int8");
  EXPECT_EQ(j["runs"], 5);
}

TEST(SpecPaths, AnUnshippedPathIsAnErrorNamingTheField) {
  auto r = RewriteSpecPaths(R"({"model_path":"/h/other.tflite"})", {{"/h/m.tflite", "/c/aa"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("model_path"), std::string::npos);
  EXPECT_NE(r.error().message.find("/h/other.tflite"), std::string::npos);
}

TEST(SpecPaths, MalformedSpecsAreErrors) {
  EXPECT_FALSE(RewriteSpecPaths("{not json", {}).ok());
  EXPECT_FALSE(RewriteSpecPaths("[1,2]", {}).ok());
  EXPECT_FALSE(RewriteSpecPaths(R"({"model_path":3})", {}).ok());
}

TEST(SpecPaths, Sha256Hex) {
  EXPECT_TRUE(IsSha256Hex(std::string(64, 'a')));
  EXPECT_FALSE(IsSha256Hex(std::string(63, 'a')));
  EXPECT_FALSE(IsSha256Hex(std::string(64, 'A')));
  EXPECT_FALSE(IsSha256Hex("../" + std::string(61, 'a')));
}

}  // namespace
}  // namespace bsb::targets
