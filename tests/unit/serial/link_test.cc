// The link rules one at a time, with the wire in the test's hands.
#include <gtest/gtest.h>

#include <vector>

#include "agent/protocol/serial_link.h"
#include "agent/protocol/serial_messages.h"

namespace bsb::serial {
namespace {

struct Wire {
  std::vector<uint8_t> bytes;
  uint32_t now_ms = 0;
  static void Write(void* c, const uint8_t* d, size_t n) {
    auto* w = static_cast<Wire*>(c);
    w->bytes.insert(w->bytes.end(), d, d + n);
  }
  static uint32_t Now(void* c) { return static_cast<Wire*>(c)->now_ms; }
  std::vector<uint8_t> Take() { return std::exchange(bytes, {}); }
};

struct Pair {
  Wire to_device, to_host;
  Link host{LinkConfig{LinkRole::kHost, 50, 0, 3}, LinkCallbacks{&to_device, &Wire::Write, &Wire::Now}};
  Link device{LinkConfig{LinkRole::kDevice, 50, 0, 3}, LinkCallbacks{&to_host, &Wire::Write, &Wire::Now}};

  void FeedAll(Link& link, const std::vector<uint8_t>& bytes) {
    for (size_t at = 0; at < bytes.size();) at += link.Feed(bytes.data() + at, bytes.size() - at);
  }
  void Hello() {
    uint8_t p[4];
    const size_t n = EncodeHelloRequest(HelloRequest{1}, p);
    ASSERT_EQ(host.Send(kFrameHello, p, n), Link::SendStatus::kOk);
    FeedAll(device, to_device.Take());
    ASSERT_TRUE(device.has_message());
    device.Release();
    FeedAll(host, to_host.Take());  // the ACK
    ASSERT_FALSE(host.tx_busy());
  }
};

const uint8_t kPayload[] = {1, 2, 3};

TEST(Link, DeviceIgnoresEverythingBeforeHello) {
  Pair p;
  ASSERT_EQ(p.host.Send(kFrameLoad, kPayload, 3), Link::SendStatus::kOk);
  p.FeedAll(p.device, p.to_device.Take());
  EXPECT_FALSE(p.device.has_message());
  EXPECT_TRUE(p.to_host.bytes.empty()) << "an unsynchronised device must not answer";
}

TEST(Link, DeliversOnceAndReacksADuplicate) {
  Pair p;
  p.Hello();
  ASSERT_EQ(p.host.Send(kFrameLoad, kPayload, 3), Link::SendStatus::kOk);
  EXPECT_EQ(p.host.Send(kFrameLoad, kPayload, 3), Link::SendStatus::kBusy);
  const std::vector<uint8_t> frame = p.to_device.Take();
  p.FeedAll(p.device, frame);
  ASSERT_TRUE(p.device.has_message());
  EXPECT_EQ(p.device.message().type, kFrameLoad);
  p.device.Release();
  p.to_host.Take();  // the ACK is lost
  p.FeedAll(p.device, frame);  // the host's re-send arrives
  EXPECT_FALSE(p.device.has_message()) << "a duplicate must not be delivered twice";
  EXPECT_EQ(p.device.stats().duplicates, 1u);
  p.FeedAll(p.host, p.to_host.Take());  // ...but it is acknowledged again
  EXPECT_FALSE(p.host.tx_busy());
}

TEST(Link, ResendsOnTimeoutAndGivesUpAfterMaxAttempts) {
  Pair p;
  p.Hello();
  ASSERT_EQ(p.host.Send(kFrameRun, kPayload, 3), Link::SendStatus::kOk);
  const size_t first = p.to_device.Take().size();
  p.host.Poll();
  EXPECT_TRUE(p.to_device.bytes.empty()) << "no re-send before the timeout";
  p.to_device.now_ms += 50;
  p.host.Poll();
  EXPECT_EQ(p.to_device.Take().size(), first);
  p.to_device.now_ms += 50;
  p.host.Poll();  // third and last attempt
  EXPECT_TRUE(p.host.tx_busy());
  p.to_device.now_ms += 50;
  p.host.Poll();
  EXPECT_FALSE(p.host.tx_busy());
  EXPECT_TRUE(p.host.tx_failed());
  EXPECT_EQ(p.host.stats().resends, 2u);
  EXPECT_EQ(p.host.stats().send_failures, 1u);
}

TEST(Link, DamagedFrameIsNakedAndResentAtOnce) {
  Pair p;
  p.Hello();
  ASSERT_EQ(p.host.Send(kFrameLoad, kPayload, 3), Link::SendStatus::kOk);
  std::vector<uint8_t> frame = p.to_device.Take();
  frame[3] ^= 0x10;
  p.FeedAll(p.device, frame);
  EXPECT_FALSE(p.device.has_message());
  EXPECT_EQ(p.device.stats().naks_sent, 1u);
  p.FeedAll(p.host, p.to_host.Take());  // NAK → immediate re-send, no timeout needed
  EXPECT_EQ(p.host.stats().resends, 1u);
  p.FeedAll(p.device, p.to_device.Take());
  EXPECT_TRUE(p.device.has_message());
}

TEST(Link, GapIsNakedNotDelivered) {
  Pair p;
  p.Hello();
  // Build a frame five sequence numbers past the HELLO by hand (the inbox still shows its seq).
  std::vector<uint8_t> wire(kMaxWireFrameBytes);
  wire.resize(EncodeFrame(kFrameLoad, static_cast<uint8_t>(p.device.message().seq + 5), kPayload,
                          3, wire.data()));
  p.FeedAll(p.device, wire);
  EXPECT_FALSE(p.device.has_message());
  EXPECT_EQ(p.device.stats().gaps, 1u);
  EXPECT_EQ(p.device.stats().naks_sent, 1u);
}

TEST(Link, FullInboxLeavesTheFrameUnacknowledged) {
  Pair p;
  p.Hello();
  ASSERT_EQ(p.host.Send(kFrameLoad, kPayload, 3), Link::SendStatus::kOk);
  p.FeedAll(p.device, p.to_device.Take());
  p.FeedAll(p.host, p.to_host.Take());
  ASSERT_EQ(p.host.Send(kFrameLoad, kPayload, 2), Link::SendStatus::kOk);
  p.FeedAll(p.device, p.to_device.Take());  // the first LOAD is still in the inbox
  EXPECT_EQ(p.device.stats().dropped_busy, 1u);
  EXPECT_TRUE(p.to_host.bytes.empty());
  p.device.Release();
  p.to_device.now_ms += 50;
  p.host.Poll();
  p.FeedAll(p.device, p.to_device.Take());
  ASSERT_TRUE(p.device.has_message());
  EXPECT_EQ(p.device.message().payload_bytes, 2);
}

TEST(Link, FeedStopsAfterADelivery) {
  Pair p;
  p.Hello();
  ASSERT_EQ(p.host.Send(kFrameLoad, kPayload, 3), Link::SendStatus::kOk);
  std::vector<uint8_t> two = p.to_device.Take();
  const size_t first = two.size();
  two.insert(two.end(), two.begin(), two.end());
  EXPECT_EQ(p.device.Feed(two.data(), two.size()), first);
}

TEST(Link, ANewHelloResynchronisesTheDevice) {
  Pair p;
  p.Hello();
  // A second host (fresh sequence numbers) starts a new session.
  Wire to_device2;
  Link host2{LinkConfig{}, LinkCallbacks{&to_device2, &Wire::Write, &Wire::Now}};
  uint8_t payload[4];
  const size_t n = EncodeHelloRequest(HelloRequest{2}, payload);
  ASSERT_EQ(host2.Send(kFrameHello, payload, n), Link::SendStatus::kOk);
  p.FeedAll(p.device, to_device2.Take());
  ASSERT_TRUE(p.device.has_message());
  EXPECT_EQ(p.device.message().type, kFrameHello);
}

TEST(Link, AckTimeoutGrowsWithWireTime) {
  Wire w;
  // 115200 baud 8N1: 10 bits per byte → 86.8 µs, rounded up to 87.
  Link slow{LinkConfig{LinkRole::kHost, 100, 87, 3}, LinkCallbacks{&w, &Wire::Write, &Wire::Now}};
  // A full frame (1039 wire bytes) and an 11-byte ACK: 2 * 1050 * 87 µs = 182.7 ms → 182.
  static_assert(kMaxWireFrameBytes == 1039);
  EXPECT_EQ(slow.AckTimeoutMs(kMaxWireFrameBytes), 100u + 182u);
}

}  // namespace
}  // namespace bsb::serial
