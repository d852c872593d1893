#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "agent/protocol/cobs.h"
#include "agent/protocol/crc32.h"

namespace bsb::serial {
namespace {

TEST(Crc32, MatchesTheStandardCheckValue) {
  const uint8_t check[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  EXPECT_EQ(Crc32(check, sizeof check), 0xCBF43926u);
  EXPECT_EQ(Crc32(nullptr, 0), 0u);
}

TEST(Crc32, IncrementalEqualsOneShot) {
  std::vector<uint8_t> data(1000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7 + 3);
  uint32_t state = Crc32Init();
  state = Crc32Update(state, data.data(), 333);
  state = Crc32Update(state, data.data() + 333, data.size() - 333);
  EXPECT_EQ(Crc32Final(state), Crc32(data.data(), data.size()));
}

std::vector<uint8_t> Encode(const std::vector<uint8_t>& in) {
  std::vector<uint8_t> out(CobsMaxEncodedBytes(in.size()));
  out.resize(CobsEncode(in.data(), in.size(), out.data()));
  return out;
}

TEST(Cobs, KnownVectors) {
  // From the COBS paper / Wikipedia examples.
  EXPECT_EQ(Encode({0x00}), (std::vector<uint8_t>{0x01, 0x01}));
  EXPECT_EQ(Encode({0x00, 0x00}), (std::vector<uint8_t>{0x01, 0x01, 0x01}));
  EXPECT_EQ(Encode({0x11, 0x22, 0x00, 0x33}), (std::vector<uint8_t>{0x03, 0x11, 0x22, 0x02, 0x33}));
  EXPECT_EQ(Encode({0x11, 0x00, 0x00, 0x00}), (std::vector<uint8_t>{0x02, 0x11, 0x01, 0x01, 0x01}));
  EXPECT_EQ(Encode({}), (std::vector<uint8_t>{0x01}));
}

TEST(Cobs, RoundTripsEveryLengthAroundTheBlockBoundaries) {
  std::mt19937 rng(7);
  for (size_t len : {0, 1, 2, 253, 254, 255, 256, 507, 508, 509, 1032}) {
    for (int zero_percent : {0, 10, 50, 100}) {
      std::vector<uint8_t> in(len);
      for (auto& b : in) b = (static_cast<int>(rng() % 100) < zero_percent) ? 0 : (rng() % 255 + 1);
      const std::vector<uint8_t> enc = Encode(in);
      ASSERT_LE(enc.size(), CobsMaxEncodedBytes(len));
      for (uint8_t b : enc) ASSERT_NE(b, 0) << "len " << len;
      std::vector<uint8_t> dec(len + 1);
      size_t n = 0;
      ASSERT_TRUE(CobsDecode(enc.data(), enc.size(), dec.data(), dec.size(), &n)) << len;
      dec.resize(n);
      EXPECT_EQ(dec, in) << "len " << len << " zeros " << zero_percent << "%";
    }
  }
}

TEST(Cobs, RejectsMalformedBlocks) {
  uint8_t out[16];
  size_t n = 0;
  const uint8_t code_past_end[] = {0x05, 0x11, 0x22};
  EXPECT_FALSE(CobsDecode(code_past_end, sizeof code_past_end, out, sizeof out, &n));
  const uint8_t embedded_zero[] = {0x03, 0x11, 0x00};
  EXPECT_FALSE(CobsDecode(embedded_zero, sizeof embedded_zero, out, sizeof out, &n));
  const uint8_t zero_code[] = {0x00};
  EXPECT_FALSE(CobsDecode(zero_code, sizeof zero_code, out, sizeof out, &n));
  // Decodes to 4 bytes; a 3-byte output must be refused, not overrun.
  const uint8_t four[] = {0x03, 0x11, 0x22, 0x02, 0x33};
  EXPECT_FALSE(CobsDecode(four, sizeof four, out, 3, &n));
  EXPECT_TRUE(CobsDecode(four, sizeof four, out, 4, &n));
  EXPECT_EQ(n, 4u);
}

TEST(Cobs, DecodesInPlace) {
  const std::vector<uint8_t> in = {0, 1, 2, 0, 0, 3, 0};
  std::vector<uint8_t> buf = Encode(in);
  size_t n = 0;
  ASSERT_TRUE(CobsDecode(buf.data(), buf.size(), buf.data(), buf.size(), &n));
  buf.resize(n);
  EXPECT_EQ(buf, in);
}

}  // namespace
}  // namespace bsb::serial
