#include "matrix/units.h"

#include <cctype>

namespace bsb::matrix {
namespace {

// Splits "123unit" into its digits and unit; nullopt if there are no digits or they overflow
// `limit`.
std::optional<std::int64_t> LeadingNumber(std::string_view text, std::size_t& digits, std::int64_t limit) {
  std::int64_t value = 0;
  digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
    value = value * 10 + (text[digits] - '0');
    if (value > limit) return std::nullopt;
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::int64_t> ParseDurationMs(std::string_view text) {
  constexpr std::int64_t kYearMs = 365LL * 24 * 3600 * 1000;
  std::size_t digits = 0;
  const std::optional<std::int64_t> number = LeadingNumber(text, digits, kYearMs);
  if (!number) return std::nullopt;
  const std::string_view unit = text.substr(digits);
  std::int64_t unit_ms = 0;
  if (unit == "ms") unit_ms = 1;
  else if (unit == "s") unit_ms = 1000;
  else if (unit == "m") unit_ms = 60 * 1000;
  else if (unit == "h") unit_ms = 3600 * 1000;
  else return std::nullopt;
  if (*number > kYearMs / unit_ms) return std::nullopt;
  return *number * unit_ms;
}

std::optional<std::int64_t> ParseSizeBytes(std::string_view text) {
  constexpr std::int64_t kTiB = 1LL << 40;
  std::size_t digits = 0;
  const std::optional<std::int64_t> number = LeadingNumber(text, digits, kTiB);
  if (!number) return std::nullopt;
  const std::string_view unit = text.substr(digits);
  std::int64_t unit_bytes = 0;
  if (unit.empty()) unit_bytes = 1;
  else if (unit == "KiB") unit_bytes = 1LL << 10;
  else if (unit == "MiB") unit_bytes = 1LL << 20;
  else if (unit == "GiB") unit_bytes = 1LL << 30;
  else return std::nullopt;
  if (*number > kTiB / unit_bytes) return std::nullopt;
  return *number * unit_bytes;
}

}  // namespace bsb::matrix
