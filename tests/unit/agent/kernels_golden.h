// Reads raw little-endian records of the shared conformance set (../shared/conformance) for
// single-op kernel checks. Only .bin files are read; nothing is parsed.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace bsb::rt::kernels::testing {

// The bytes of conformance/<model>/<file>, or empty when the shared set is absent.
inline std::vector<uint8_t> ReadGolden(const std::string& model, const std::string& file) {
  std::ifstream in(std::string(BSB_SHARED_DIR) + "/conformance/" + model + "/" + file,
                   std::ios::binary);
  if (!in) return {};
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

template <typename T>
std::vector<T> AsArray(const std::vector<uint8_t>& bytes, size_t offset_bytes, size_t count) {
  std::vector<T> out(count);
  std::memcpy(out.data(), bytes.data() + offset_bytes, count * sizeof(T));
  return out;
}

}  // namespace bsb::rt::kernels::testing
