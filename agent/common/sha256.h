// SHA-256 (FIPS 180-4), standard library only: the static agent and the MCU firmware need it
// too, and neither links libcrypto. Used for content-addressed objects and matrix cell ids.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bsb {

class Sha256 {
 public:
  static constexpr std::size_t kDigestBytes = 32;
  using Digest = std::array<std::uint8_t, kDigestBytes>;

  Sha256();
  // Feeds `size_bytes` more bytes; may be called any number of times before Finish.
  void Update(const void* data, std::size_t size_bytes);
  void Update(std::string_view text) { Update(text.data(), text.size()); }
  // Pads, returns the digest and leaves the object ready for a new message.
  Digest Finish();

 private:
  void Compress(const std::uint8_t* block);
  void Reset();

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_;
  std::size_t buffered_bytes_ = 0;
  std::uint64_t total_bytes_ = 0;
};

// Lower-case hex of a digest (64 characters).
std::string ToHex(const Sha256::Digest& digest);
// sha256 of `text` as 64 lower-case hex characters.
std::string Sha256Hex(std::string_view text);

}  // namespace bsb
