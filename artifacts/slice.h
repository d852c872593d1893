// Dataset slices for targets: the first N examples of an IDX dataset (or a seeded sample of
// N), written as plain IDX objects in the store, with a JSON sidecar object recording where
// they came from and the preprocessing (real = pixel * scale + offset) the model expects.
#pragma once

#include <cstdint>
#include <string>

#include "artifacts/store.h"
#include "support/result.h"

namespace bsb::artifacts {

struct SliceRequest {
  std::string images_path;  // IDX, plain or .gz
  std::string labels_path;
  uint32_t count = 0;       // examples wanted; more than the dataset holds is an error
  bool sample = false;      // false: the first `count`; true: `count` distinct, seeded
  uint32_t seed = 0;
  double scale = 1.0 / 255.0;
  double offset = 0.0;
};

struct Slice {
  std::string images_sha256;  // plain IDX images object
  std::string labels_sha256;  // plain IDX labels object
  std::string meta_sha256;    // JSON sidecar object
  uint32_t count = 0;
};

// Cached: the request plus the sha256 of both source files key a store ref, so the same slice
// is never cut twice.
Result<Slice> MakeSlice(Store& store, const SliceRequest& request);

}  // namespace bsb::artifacts
