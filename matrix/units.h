// Durations and sizes as written in matrix files.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace bsb::matrix {

// "500ms", "90s", "5m", "1h" → milliseconds. A unit is required; no fractions, no spaces.
// nullopt when malformed or longer than a year (refused as a typo).
std::optional<std::int64_t> ParseDurationMs(std::string_view text);

// "640KiB", "2MiB", "1GiB" or plain bytes "4096" → bytes. Binary units only (KiB = 1024 bytes);
// nullopt when malformed or above 1 TiB.
std::optional<std::int64_t> ParseSizeBytes(std::string_view text);

}  // namespace bsb::matrix
