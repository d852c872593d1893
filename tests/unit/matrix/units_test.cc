#include <gtest/gtest.h>

#include "matrix/units.h"

namespace bsb::matrix {
namespace {

TEST(Durations, AcceptWholeNumbersWithAUnit) {
  EXPECT_EQ(ParseDurationMs("500ms"), 500);
  EXPECT_EQ(ParseDurationMs("90s"), 90'000);
  EXPECT_EQ(ParseDurationMs("5m"), 5 * 60'000);
  EXPECT_EQ(ParseDurationMs("1h"), 3'600'000);
  EXPECT_EQ(ParseDurationMs("0s"), 0);  // the parser accepts it; MapReader refuses non-positive
}

TEST(Durations, RefuseEverythingElse) {
  for (const char* bad : {"", "5", "m", "5 m", " 5m", "5m ", "1.5s", "-5s", "+5s", "5min", "5M", "5S", "5d", "5sec",
                          "1e3ms", "0x10s", "5ms5"}) {
    EXPECT_EQ(ParseDurationMs(bad), std::nullopt) << bad;
  }
}

TEST(Durations, RefuseMoreThanAYear) {
  EXPECT_EQ(ParseDurationMs("8760h"), 8760LL * 3'600'000);  // 365 days exactly
  EXPECT_EQ(ParseDurationMs("8761h"), std::nullopt);
  EXPECT_EQ(ParseDurationMs("99999999999999999999999s"), std::nullopt);  // no overflow
}

TEST(Sizes, AcceptBytesAndBinaryUnits) {
  EXPECT_EQ(ParseSizeBytes("4096"), 4096);
  EXPECT_EQ(ParseSizeBytes("640KiB"), 640 * 1024);
  EXPECT_EQ(ParseSizeBytes("2MiB"), 2 * 1024 * 1024);
  EXPECT_EQ(ParseSizeBytes("1GiB"), 1LL << 30);
  EXPECT_EQ(ParseSizeBytes("1024GiB"), 1LL << 40);  // 1 TiB is the largest accepted
}

TEST(Sizes, RefuseDecimalUnitsTyposAndHugeValues) {
  for (const char* bad : {"", "KiB", "2MB", "2mib", "2 MiB", "2.5MiB", "-1", "2MiBs", "1025GiB",
                          "1099511627777", "99999999999999999999999"}) {
    EXPECT_EQ(ParseSizeBytes(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace bsb::matrix
