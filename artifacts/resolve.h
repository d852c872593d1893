// Resolution of one (model, scheme) cell to a .tflite object in the store:
//   1. a prebuilt file for that scheme (the matrix's `artifacts: {SCHEME: ...}`), else
//   2. the model's float `source:` quantized to the scheme (fp32: the source itself).
// A location is a local path, `zoo:NAME` (trained or taken from the store), or an http(s) URL
// pinned by sha256 (fetched once). Quantized results are cached: the same float model, scheme,
// calibration images, sample count and preprocessing are never quantized twice.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "artifacts/fetch.h"
#include "artifacts/store.h"
#include "support/result.h"

namespace bsb::artifacts {

// Mirrors matrix::Source, so that artifacts/ does not depend on the matrix library.
struct ArtifactSource {
  enum class Kind { kPath, kZoo, kUrl };
  Kind kind = Kind::kPath;
  std::string location;  // path, zoo model name (without "zoo:"), or URL
  std::string sha256;    // required for kUrl; for kPath, checked when given
};

struct CalibrationSet {
  std::string images_path;  // IDX images, plain or .gz: real samples, never random noise
  uint32_t samples = 300;
  float scale = 1.0f / 255.0f;  // real input = pixel * scale + offset
  float offset = 0.0f;
};

struct ResolveRequest {
  std::string model;   // the matrix model name, for messages
  std::string scheme;  // a matrix scheme name: fp32, float16, dynamic, int8, ...
  std::optional<ArtifactSource> prebuilt;  // a file already built for this scheme
  std::optional<ArtifactSource> source;    // the float32 model to quantize from
  std::optional<CalibrationSet> calibration;  // required when the scheme needs calibration
  FetchOptions fetch;
};

struct ResolvedArtifact {
  std::string sha256;     // the .tflite object
  std::string path;       // store.ObjectPath(sha256)
  std::string origin;     // "prebuilt", "source" (fp32) or "quantized"
  bool cached = false;    // a quantized result found in the store (nothing was quantized)
  double quantize_seconds = 0;  // of this call; 0 when cached or not quantized
};

// Every error names the model and scheme ("model fc-small, scheme int8: ...") and what failed:
// a missing file, a hash mismatch, a fetch error, or the quantizer's message naming the op.
Result<ResolvedArtifact> ResolveArtifact(Store& store, const ResolveRequest& request);

// The source's bytes into the store (path read, zoo built, URL fetched); returns the sha256.
Result<std::string> MaterializeSource(Store& store, const ArtifactSource& source, const FetchOptions& fetch = {});

}  // namespace bsb::artifacts
