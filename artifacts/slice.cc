#include "artifacts/slice.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

#include "agent/common/sha256.h"
#include "artifacts/dataset.h"

namespace bsb::artifacts {
namespace {

// Indices of the examples to keep, ascending. The sample is a partial Fisher-Yates over the
// raw mt19937 stream (fixed by the standard), so a seed picks the same examples everywhere.
std::vector<uint32_t> Pick(uint32_t total, const SliceRequest& r) {
  std::vector<uint32_t> all(total);
  for (uint32_t i = 0; i < total; ++i) all[i] = i;
  if (!r.sample) return std::vector<uint32_t>(all.begin(), all.begin() + r.count);
  std::mt19937 rng(r.seed);
  for (uint32_t i = 0; i < r.count; ++i) {
    const uint32_t j = i + static_cast<uint32_t>(rng() % (total - i));
    std::swap(all[i], all[j]);
  }
  std::vector<uint32_t> picked(all.begin(), all.begin() + r.count);
  std::sort(picked.begin(), picked.end());
  return picked;
}

}  // namespace

Result<Slice> MakeSlice(Store& store, const SliceRequest& request) {
  auto images_sha = Sha256OfFile(request.images_path);
  if (!images_sha) return images_sha.error();
  auto labels_sha = Sha256OfFile(request.labels_path);
  if (!labels_sha) return labels_sha.error();
  char params[256];
  std::snprintf(params, sizeof params, "count=%u;sample=%d;seed=%u;scale=%a;offset=%a",
                request.count, request.sample ? 1 : 0, request.seed, request.scale, request.offset);
  const std::string key =
      Sha256Hex("bsb-slice-v1;images=" + *images_sha + ";labels=" + *labels_sha + ";" + params);

  const std::string cached_meta = store.LookupRef("slice", key);
  if (!cached_meta.empty()) {
    auto meta_bytes = store.Get(cached_meta);
    if (meta_bytes) {
      const auto meta = nlohmann::json::parse(meta_bytes->begin(), meta_bytes->end(), nullptr, false);
      if (meta.is_object() && store.Has(meta.value("images", "")) && store.Has(meta.value("labels", ""))) {
        return Slice{meta["images"], meta["labels"], cached_meta, meta["count"]};
      }
    }
  }

  auto data = LoadLabeledImages(request.images_path, request.labels_path);
  if (!data) return data.error();
  if (request.count == 0 || request.count > data->images.count) {
    return MakeError(request.images_path + ": cannot slice " + std::to_string(request.count) +
                     " examples from a dataset of " + std::to_string(data->images.count));
  }
  idx::Images images;
  images.count = request.count;
  images.rows = data->images.rows;
  images.cols = data->images.cols;
  idx::Labels labels;
  const size_t per = data->images.PixelsPerImage();
  for (uint32_t i : Pick(data->images.count, request)) {
    images.pixels.insert(images.pixels.end(), data->images.Image(i), data->images.Image(i) + per);
    labels.values.push_back(data->labels.values[i]);
  }
  auto img = store.Put(idx::EncodeImages(images));
  if (!img) return img.error();
  auto lab = store.Put(idx::EncodeLabels(labels));
  if (!lab) return lab.error();
  nlohmann::ordered_json meta = {
      {"format", "idx"},
      {"images", *img},
      {"labels", *lab},
      {"count", request.count},
      {"shape", {images.rows, images.cols}},
      {"selection", request.sample ? "sample" : "first"},
      {"seed", request.seed},
      {"preprocessing", {{"scale", request.scale}, {"offset", request.offset}}},
      {"source", {{"images", request.images_path}, {"images_sha256", *images_sha},
                  {"labels", request.labels_path}, {"labels_sha256", *labels_sha}}},
  };
  const std::string text = meta.dump(2) + "\n";
  auto meta_sha = store.Put(std::vector<uint8_t>(text.begin(), text.end()));
  if (!meta_sha) return meta_sha.error();
  auto ref = store.PutRef("slice", key, *meta_sha);
  if (!ref) return ref.error();
  return Slice{*img, *lab, *meta_sha, request.count};
}

}  // namespace bsb::artifacts
