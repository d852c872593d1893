#include "artifacts/resolve.h"

#include <chrono>

#include "artifacts/dataset.h"
#include "artifacts/quantize.h"
#include "artifacts/zoo.h"

namespace bsb::artifacts {
namespace {

// Bump when the quantizer's output bytes change for the same inputs: cached results re-quantize.
constexpr int kQuantizerVersion = 1;

std::string Describe(const ArtifactSource& s) {
  switch (s.kind) {
    case ArtifactSource::Kind::kZoo: return "zoo:" + s.location;
    default: return s.location;
  }
}

}  // namespace

Result<std::string> MaterializeSource(Store& store, const ArtifactSource& source, const FetchOptions& fetch) {
  switch (source.kind) {
    case ArtifactSource::Kind::kZoo: {
      auto z = BuildZooModel(store, source.location);
      if (!z) return z.error();
      return z->sha256;
    }
    case ArtifactSource::Kind::kUrl:
      if (source.sha256.empty()) return MakeError(source.location + ": a URL needs a sha256 pin");
      return FetchPinned(store, source.location, source.sha256, fetch);
    case ArtifactSource::Kind::kPath: {
      auto bytes = ReadFile(source.location);
      if (!bytes) return bytes.error();
      const std::string sha = Sha256OfBytes(*bytes);
      if (!source.sha256.empty() && sha != source.sha256) {
        return MakeError(source.location + ": sha256 is " + sha + ", but the matrix pins " + source.sha256);
      }
      return store.Put(*bytes);
    }
  }
  return MakeError("unknown source kind");
}

Result<ResolvedArtifact> ResolveArtifact(Store& store, const ResolveRequest& r) {
  const std::string where = "model " + r.model + ", scheme " + r.scheme + ": ";
  auto fail = [&](const Error& e) -> Result<ResolvedArtifact> { return MakeError(where + e.message, e.code); };
  auto scheme = ParseScheme(r.scheme);
  if (!scheme) return fail(scheme.error());

  if (r.prebuilt) {
    auto sha = MaterializeSource(store, *r.prebuilt, r.fetch);
    if (!sha) return fail(sha.error());
    return ResolvedArtifact{*sha, store.ObjectPath(*sha), "prebuilt", false, 0};
  }
  if (!r.source) return fail(MakeError("no artifact for this scheme and no source: to quantize from"));
  auto float_sha = MaterializeSource(store, *r.source, r.fetch);
  if (!float_sha) return fail(float_sha.error());
  if (*scheme == Scheme::kFp32) return ResolvedArtifact{*float_sha, store.ObjectPath(*float_sha), "source", false, 0};

  QuantizeOptions options;
  options.scheme = *scheme;
  std::string key_text = "bsb-matrix quantize v" + std::to_string(kQuantizerVersion) + "\nfloat " + *float_sha +
                         "\nscheme " + r.scheme + "\n";
  Result<idx::Images> images = MakeError("unused");
  if (NeedsCalibration(*scheme)) {
    if (!r.calibration) return fail(MakeError("needs calibration: name a dataset under calibration:"));
    const CalibrationSet& c = *r.calibration;
    auto bytes = ReadMaybeGzip(c.images_path);
    if (!bytes) return fail(bytes.error());
    char pre[96];
    std::snprintf(pre, sizeof pre, "samples %u scale %.9g offset %.9g\n", c.samples, static_cast<double>(c.scale),
                  static_cast<double>(c.offset));
    key_text += "calibration " + Sha256OfBytes(*bytes) + "\n" + pre;
    options.samples = c.samples, options.input_scale = c.scale, options.input_offset = c.offset;
  }
  const std::string key = Sha256OfBytes(std::vector<uint8_t>(key_text.begin(), key_text.end()));
  if (const std::string hit = store.LookupRef("quantize", key); !hit.empty()) {
    return ResolvedArtifact{hit, store.ObjectPath(hit), "quantized", true, 0};
  }
  if (NeedsCalibration(*scheme)) {
    images = LoadImages(r.calibration->images_path);
    if (!images) return fail(images.error());
    options.calibration = &*images;
  }
  auto float_bytes = store.Get(*float_sha);
  if (!float_bytes) return fail(float_bytes.error());
  const auto start = std::chrono::steady_clock::now();
  auto out = QuantizeTflite(*float_bytes, Describe(*r.source), options);
  if (!out) return fail(out.error());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto sha = store.Put(*out);
  if (!sha) return fail(sha.error());
  if (auto ref = store.PutRef("quantize", key, *sha); !ref) return fail(ref.error());
  return ResolvedArtifact{*sha, store.ObjectPath(*sha), "quantized", false, seconds};
}

}  // namespace bsb::artifacts
