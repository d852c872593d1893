#include "support/result.h"

#include <gtest/gtest.h>

namespace bsb {
namespace {

Result<int> ParsePositive(int v) {
  if (v <= 0) return MakeError("not positive: " + std::to_string(v));
  return v;
}

TEST(Result, CarriesValueOrError) {
  auto good = ParsePositive(3);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 3);
  auto bad = ParsePositive(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "not positive: -1");
  EXPECT_EQ(bad.error().code, ExitCode::kInvalidInput);
}

}  // namespace
}  // namespace bsb
