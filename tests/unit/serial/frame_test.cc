#include <gtest/gtest.h>

#include <vector>

#include "agent/protocol/crc32.h"
#include "agent/protocol/serial_frame.h"

namespace bsb::serial {
namespace {

std::vector<uint8_t> Wire(uint8_t type, uint8_t seq, const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> out(kMaxWireFrameBytes);
  out.resize(EncodeFrame(type, seq, payload.data(), payload.size(), out.data()));
  return out;
}

struct Decoded {
  std::vector<FrameView> frames;
  std::vector<std::vector<uint8_t>> payloads;
  int bad = 0;
};

Decoded Push(FrameDecoder& decoder, const std::vector<uint8_t>& bytes) {
  Decoded d;
  for (uint8_t b : bytes) {
    switch (decoder.Push(b)) {
      case FrameDecoder::Event::kFrame:
        d.frames.push_back(decoder.frame());
        d.payloads.emplace_back(decoder.frame().payload,
                                decoder.frame().payload + decoder.frame().payload_bytes);
        break;
      case FrameDecoder::Event::kBadFrame: ++d.bad; break;
      case FrameDecoder::Event::kNone: break;
    }
  }
  return d;
}

TEST(Frame, LayoutIsTypeSeqLenPayloadCrcBetweenDelimiters) {
  const std::vector<uint8_t> wire = Wire(kFrameLoad, 7, {0xAA, 0x00, 0xBB});
  ASSERT_GE(wire.size(), 2u);
  EXPECT_EQ(wire.front(), 0);
  EXPECT_EQ(wire.back(), 0);
  std::vector<uint8_t> raw(wire.size());
  size_t n = 0;
  ASSERT_TRUE(CobsDecode(wire.data() + 1, wire.size() - 2, raw.data(), raw.size(), &n));
  raw.resize(n);
  // type, seq, len=3 LE, payload, crc32 LE over the first 7 bytes: 4 + 3 + 4 = 11 bytes.
  ASSERT_EQ(raw.size(), 11u);
  EXPECT_EQ(raw[0], kFrameLoad);
  EXPECT_EQ(raw[1], 7);
  EXPECT_EQ(raw[2], 3);
  EXPECT_EQ(raw[3], 0);
  EXPECT_EQ(raw[5], 0x00);
  const uint32_t crc = Crc32(raw.data(), 7);
  EXPECT_EQ(raw[7], crc & 0xFF);
  EXPECT_EQ(raw[10], crc >> 24);
}

TEST(Frame, RoundTripsEmptyAndMaximalPayloads) {
  FrameDecoder decoder;
  std::vector<uint8_t> big(kMaxPayloadBytes);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i);  // zeros every 256
  std::vector<uint8_t> stream = Wire(kFrameAck, 255, {});
  const std::vector<uint8_t> second = Wire(kFrameResult, 1, big);
  EXPECT_LE(second.size(), kMaxWireFrameBytes);
  stream.insert(stream.end(), second.begin(), second.end());
  const Decoded d = Push(decoder, stream);
  ASSERT_EQ(d.frames.size(), 2u);
  EXPECT_EQ(d.bad, 0);
  EXPECT_EQ(d.frames[0].type, kFrameAck);
  EXPECT_EQ(d.frames[0].seq, 255);
  EXPECT_EQ(d.payloads[0].size(), 0u);
  EXPECT_EQ(d.payloads[1], big);
}

TEST(Frame, RefusesOversizedPayload) {
  std::vector<uint8_t> payload(kMaxPayloadBytes + 1);
  std::vector<uint8_t> out(kMaxWireFrameBytes + 16);
  EXPECT_EQ(EncodeFrame(kFrameLoad, 0, payload.data(), payload.size(), out.data()), 0u);
}

TEST(Frame, ResynchronisesAfterGarbage) {
  FrameDecoder decoder;
  // Garbage without a delimiter directly before a frame: the frame's leading 0x00 cuts it off.
  std::vector<uint8_t> stream = {0x13, 0x37, 0xFF, 0x42};
  const std::vector<uint8_t> frame = Wire(kFrameLog, 3, {'h', 'i'});
  stream.insert(stream.end(), frame.begin(), frame.end());
  const Decoded d = Push(decoder, stream);
  ASSERT_EQ(d.frames.size(), 1u);
  EXPECT_EQ(d.bad, 1);
  EXPECT_EQ(d.payloads[0], (std::vector<uint8_t>{'h', 'i'}));
}

TEST(Frame, EveryBitFlipIsRejected) {
  const std::vector<uint8_t> good = Wire(kFrameResult, 9, {1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 9});
  for (size_t bit = 0; bit < good.size() * 8; ++bit) {
    std::vector<uint8_t> bad = good;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    FrameDecoder decoder;
    const Decoded d = Push(decoder, bad);
    EXPECT_TRUE(d.frames.empty()) << "bit " << bit << " accepted";
  }
}

TEST(Frame, TruncationIsRejectedAndTheNextFrameStillDecodes) {
  const std::vector<uint8_t> good = Wire(kFrameInput, 4, std::vector<uint8_t>(300, 0x5A));
  for (size_t keep = 1; keep < good.size() - 1; keep += 7) {
    FrameDecoder decoder;
    std::vector<uint8_t> stream(good.begin(), good.begin() + static_cast<long>(keep));
    stream.insert(stream.end(), good.begin(), good.end());
    const Decoded d = Push(decoder, stream);
    ASSERT_EQ(d.frames.size(), 1u) << "keep " << keep;
    EXPECT_EQ(d.frames[0].seq, 4);
  }
}

TEST(Frame, OverlongBlockIsDroppedWithoutOverflow) {
  FrameDecoder decoder;
  std::vector<uint8_t> stream(kMaxWireFrameBytes * 3, 0x77);
  stream.push_back(0);
  const std::vector<uint8_t> frame = Wire(kFrameRun, 1, {1, 0, 1, 0, 0});
  stream.insert(stream.end(), frame.begin(), frame.end());
  const Decoded d = Push(decoder, stream);
  EXPECT_EQ(d.bad, 1);
  ASSERT_EQ(d.frames.size(), 1u);
  EXPECT_EQ(d.frames[0].type, kFrameRun);
}

TEST(Frame, LengthFieldMustMatchTheBlock) {
  // A CRC-valid block whose len field lies about the payload size.
  uint8_t raw[4 + 2 + 4] = {kFrameLog, 0, 5, 0, 'a', 'b'};
  const uint32_t crc = Crc32(raw, 6);
  for (int i = 0; i < 4; ++i) raw[6 + i] = static_cast<uint8_t>(crc >> (8 * i));
  std::vector<uint8_t> wire(CobsMaxEncodedBytes(sizeof raw) + 2);
  wire[0] = 0;
  const size_t n = CobsEncode(raw, sizeof raw, wire.data() + 1);
  wire[n + 1] = 0;
  wire.resize(n + 2);
  FrameDecoder decoder;
  const Decoded d = Push(decoder, wire);
  EXPECT_TRUE(d.frames.empty());
  EXPECT_EQ(d.bad, 1);
}

}  // namespace
}  // namespace bsb::serial
