// libFuzzer entry point for the IDX reader (agent/common/idx). Any input must parse or give an
// error message; a successful parse must re-encode to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "agent/common/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string error;
  bsb::idx::Images images;
  if (bsb::idx::ParseImages(data, size, "fuzz", &images, &error)) {
    if (bsb::idx::EncodeImages(images) != std::vector<uint8_t>(data, data + size)) std::abort();
  } else if (error.empty()) {
    std::abort();
  }
  error.clear();
  bsb::idx::Labels labels;
  if (bsb::idx::ParseLabels(data, size, "fuzz", &labels, &error)) {
    if (bsb::idx::EncodeLabels(labels) != std::vector<uint8_t>(data, data + size)) std::abort();
  } else if (error.empty()) {
    std::abort();
  }
  return 0;
}
