#include "agent/protocol/serial_link.h"

namespace bsb::serial {

Link::Link(const LinkConfig& config, const LinkCallbacks& callbacks)
    : config_(config), callbacks_(callbacks), rx_synced_(config.role == LinkRole::kHost) {
  if (config_.max_attempts == 0) config_.max_attempts = 1;
}

uint32_t Link::AckTimeoutMs(size_t wire_bytes) const {
  // The frame goes out and a control frame (at most 11 wire bytes) comes back.
  const uint64_t transit_us = 2ull * (wire_bytes + 11) * config_.byte_time_us;
  return config_.ack_timeout_ms + static_cast<uint32_t>(transit_us / 1000);
}

void Link::Transmit(const uint8_t* data, size_t size_bytes) {
  stats_.wire_bytes_sent += size_bytes;
  callbacks_.write(callbacks_.context, data, size_bytes);
}

void Link::SendControl(uint8_t type, uint8_t seq) {
  uint8_t wire[CobsMaxEncodedBytes(kFrameHeaderBytes + kFrameCrcBytes) + 2];
  const size_t n = EncodeFrame(type, seq, nullptr, 0, wire);
  if (type == kFrameAck) ++stats_.acks_sent;
  if (type == kFrameNak) ++stats_.naks_sent;
  Transmit(wire, n);
}

Link::SendStatus Link::Send(uint8_t type, const uint8_t* payload, size_t payload_bytes) {
  if (tx_busy_) return SendStatus::kBusy;
  if (payload_bytes > kMaxPayloadBytes || IsControlFrame(type)) return SendStatus::kTooLarge;
  tx_wire_bytes_ = EncodeFrame(type, tx_seq_, payload, payload_bytes, tx_wire_);
  tx_payload_bytes_ = payload_bytes;
  tx_busy_ = true;
  tx_attempts_ = 1;
  if (type == kFrameHello && config_.role == LinkRole::kHost) {
    // The device answers HELLO from a fresh sequence; take nothing until that answer.
    rx_synced_ = false;
    has_message_ = false;
  }
  ++stats_.frames_sent;
  tx_sent_at_ms_ = callbacks_.now_ms(callbacks_.context);
  Transmit(tx_wire_, tx_wire_bytes_);
  return SendStatus::kOk;
}

void Link::Resend() {
  if (tx_attempts_ >= config_.max_attempts) {
    tx_busy_ = false;
    tx_failed_ = true;
    ++stats_.send_failures;
    // The peer may hold this seq already; never reuse it for different content.
    ++tx_seq_;
    return;
  }
  ++tx_attempts_;
  ++stats_.resends;
  tx_sent_at_ms_ = callbacks_.now_ms(callbacks_.context);
  Transmit(tx_wire_, tx_wire_bytes_);
}

void Link::ResetTx() {
  tx_busy_ = false;
  tx_failed_ = false;
  ++tx_seq_;
}

void Link::Poll() {
  if (!tx_busy_) return;
  const uint32_t elapsed_ms = callbacks_.now_ms(callbacks_.context) - tx_sent_at_ms_;
  if (elapsed_ms >= AckTimeoutMs(tx_wire_bytes_)) Resend();
}

size_t Link::Feed(const uint8_t* data, size_t size_bytes) {
  for (size_t i = 0; i < size_bytes; ++i) {
    ++stats_.wire_bytes_received;
    switch (decoder_.Push(data[i])) {
      case FrameDecoder::Event::kNone:
        break;
      case FrameDecoder::Event::kFrame:
        if (OnFrame(decoder_.frame())) return i + 1;
        break;
      case FrameDecoder::Event::kBadFrame:
        ++stats_.bad_frames;
        // Blocks shorter than an empty frame are line noise, not a damaged frame: answering
        // them would only make the peer re-send for nothing.
        if (decoder_.last_block_bytes() > kFrameHeaderBytes + kFrameCrcBytes && rx_synced_) {
          SendControl(kFrameNak, rx_expected_);
        }
        break;
    }
  }
  return size_bytes;
}

bool Link::OnFrame(const FrameView& frame) {
  if (frame.type == kFrameAck) {
    if (tx_busy_ && frame.seq == tx_seq_) {
      tx_busy_ = false;
      stats_.payload_bytes_sent += tx_payload_bytes_;
      ++tx_seq_;
    }
    return false;  // a stale ACK (for a frame already acknowledged) changes nothing
  }
  if (frame.type == kFrameNak) {
    if (tx_busy_) Resend();
    return false;
  }
  return OnDataFrame(frame);
}

bool Link::OnDataFrame(const FrameView& frame) {
  const bool same_as_last = rx_has_last_ && frame.seq == rx_last_seq_ && frame.crc == rx_last_crc_;
  if (frame.type == kFrameHello && !same_as_last) {
    rx_synced_ = true;
    rx_expected_ = frame.seq;
  }
  if (!rx_synced_) return false;
  if (frame.seq == rx_expected_) {
    if (has_message_) {
      ++stats_.dropped_busy;
      return false;
    }
    inbox_.type = frame.type;
    inbox_.seq = frame.seq;
    inbox_.payload_bytes = frame.payload_bytes;
    for (size_t i = 0; i < frame.payload_bytes; ++i) inbox_.payload[i] = frame.payload[i];
    has_message_ = true;
    rx_has_last_ = true;
    rx_last_seq_ = frame.seq;
    rx_last_crc_ = frame.crc;
    ++rx_expected_;
    ++stats_.frames_delivered;
    stats_.payload_bytes_delivered += frame.payload_bytes;
    SendControl(kFrameAck, frame.seq);
    return true;
  }
  if (same_as_last) {
    ++stats_.duplicates;
    SendControl(kFrameAck, frame.seq);
    return false;
  }
  ++stats_.gaps;
  SendControl(kFrameNak, rx_expected_);
  return false;
}

}  // namespace bsb::serial
