// Reliable stop-and-wait link over serial frames, the same code on host and device
// (SERIAL.md §3). Transport-agnostic: bytes leave through a write callback, arrive through
// Feed(), and time comes from a clock callback, so both ends run in unit tests on the host.
//
// Rules: every data frame is acknowledged (ACK carries its seq). The sender keeps one frame in
// flight and re-sends it on timeout or NAK, at most `max_attempts` times in all, then reports
// failure. The receiver delivers a frame only if its seq is the one expected; the previous seq
// is a duplicate (re-acked, not delivered); any other seq is a gap (NAK, not delivered). A frame
// of `sync_type` (HELLO) with a new seq or content re-synchronises the receiver.
// Standard library only, no heap, no exceptions: the MCU firmware compiles this file too.
#pragma once

#include <cstddef>
#include <cstdint>

#include "agent/protocol/serial_frame.h"

namespace bsb::serial {

struct LinkCallbacks {
  void* context = nullptr;
  // Must take all bytes (blocking if it has to).
  void (*write)(void* context, const uint8_t* data, size_t size_bytes) = nullptr;
  // Monotonic milliseconds; wrap-around is handled.
  uint32_t (*now_ms)(void* context) = nullptr;
};

enum class LinkRole : uint8_t {
  kHost,    // starts synchronised; sending HELLO waits for the device's HELLO to resync
  kDevice,  // starts unsynchronised: drops everything until a HELLO arrives
};

struct LinkConfig {
  LinkRole role = LinkRole::kHost;
  uint32_t ack_timeout_ms = 100;  // fixed part of the wait for an ACK
  // Time one byte takes on the wire (e.g. 87 µs at 115200 8N1); the wait for an ACK grows by
  // twice the frame's wire time so slow links do not re-send frames still in transit.
  uint32_t byte_time_us = 0;
  uint8_t max_attempts = 8;  // sends of one frame, first one included
};

struct LinkStats {
  uint32_t frames_sent = 0;  // data frames, first sends
  uint32_t resends = 0;
  uint32_t send_failures = 0;  // frames given up after max_attempts
  uint32_t frames_delivered = 0;
  uint32_t duplicates = 0;
  uint32_t gaps = 0;
  uint32_t bad_frames = 0;
  uint32_t dropped_busy = 0;  // new frames not taken because the inbox was full
  uint32_t acks_sent = 0;
  uint32_t naks_sent = 0;
  uint64_t payload_bytes_sent = 0;       // payload of acknowledged data frames
  uint64_t payload_bytes_delivered = 0;  // payload of delivered data frames
  uint64_t wire_bytes_sent = 0;          // everything written, control frames and re-sends too
  uint64_t wire_bytes_received = 0;      // everything fed in, garbage included
};

// One delivered message; the payload stays valid until Release().
struct LinkMessage {
  uint8_t type = 0;
  uint8_t seq = 0;
  uint16_t payload_bytes = 0;
  uint8_t payload[kMaxPayloadBytes];
};

class Link {
 public:
  enum class SendStatus : uint8_t { kOk, kBusy, kTooLarge };

  Link(const LinkConfig& config, const LinkCallbacks& callbacks);

  // Bytes received from the transport, in order. Stops right after a message lands in the
  // inbox and returns how many bytes it consumed; feed the rest after taking the message.
  size_t Feed(const uint8_t* data, size_t size_bytes);
  // Re-sends on timeout; call whenever time may have passed.
  void Poll();

  // Queues a data frame; kBusy while the previous one awaits its ACK.
  SendStatus Send(uint8_t type, const uint8_t* payload, size_t payload_bytes);
  bool tx_busy() const { return tx_busy_; }
  // True once a frame was given up; stays set until ClearFailure() or ResetTx().
  bool tx_failed() const { return tx_failed_; }
  void ClearFailure() { tx_failed_ = false; }
  // Abandons any frame in flight (a new session starts).
  void ResetTx();

  // The inbox holds at most one message; frames arriving while it is full are not
  // acknowledged, so the peer re-sends them later.
  bool has_message() const { return has_message_; }
  const LinkMessage& message() const { return inbox_; }
  void Release() { has_message_ = false; }

  const LinkStats& stats() const { return stats_; }
  // Milliseconds to wait for the ACK of a frame of `wire_bytes`.
  uint32_t AckTimeoutMs(size_t wire_bytes) const;

 private:
  // Both return true when the frame was delivered to the inbox.
  bool OnFrame(const FrameView& frame);
  bool OnDataFrame(const FrameView& frame);
  void SendControl(uint8_t type, uint8_t seq);
  void Transmit(const uint8_t* data, size_t size_bytes);
  void Resend();

  LinkConfig config_;
  LinkCallbacks callbacks_;
  FrameDecoder decoder_;
  LinkStats stats_;

  // Sender.
  uint8_t tx_seq_ = 0;  // seq of the next (or in-flight) data frame
  bool tx_busy_ = false;
  bool tx_failed_ = false;
  uint8_t tx_attempts_ = 0;
  uint32_t tx_sent_at_ms_ = 0;
  size_t tx_payload_bytes_ = 0;
  size_t tx_wire_bytes_ = 0;
  uint8_t tx_wire_[kMaxWireFrameBytes];

  // Receiver.
  bool rx_synced_;
  uint8_t rx_expected_ = 0;
  bool rx_has_last_ = false;
  uint8_t rx_last_seq_ = 0;
  uint32_t rx_last_crc_ = 0;
  bool has_message_ = false;
  LinkMessage inbox_;
};

}  // namespace bsb::serial
