#include "artifacts/dataset.h"

#include <zlib.h>

#include <cstdio>
#include <cstdlib>

namespace bsb::artifacts {

Result<std::vector<uint8_t>> ReadMaybeGzip(const std::string& path) {
  // gzread passes non-gzip files through unchanged ("transparent" mode), which is what we want.
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return MakeError(path + ": cannot open");
  std::vector<uint8_t> bytes;
  std::vector<uint8_t> buf(1 << 16);
  while (true) {
    const int n = gzread(f, buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      int errnum = 0;
      std::string message = gzerror(f, &errnum);
      gzclose(f);
      return MakeError(path + ": cannot decompress: " + message);
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), buf.begin(), buf.begin() + n);
  }
  // A truncated .gz stream reads as EOF with Z_BUF_ERROR set; report it instead of short data.
  int errnum = 0;
  const char* message = gzerror(f, &errnum);
  if (errnum != Z_OK) {
    std::string text = message;
    gzclose(f);
    return MakeError(path + ": cannot decompress: " + text);
  }
  gzclose(f);
  return bytes;
}

Result<idx::Images> LoadImages(const std::string& path) {
  auto bytes = ReadMaybeGzip(path);
  if (!bytes) return bytes.error();
  idx::Images images;
  std::string error;
  if (!idx::ParseImages(bytes->data(), bytes->size(), path, &images, &error)) {
    return MakeError(error);
  }
  return images;
}

Result<idx::Labels> LoadLabels(const std::string& path) {
  auto bytes = ReadMaybeGzip(path);
  if (!bytes) return bytes.error();
  idx::Labels labels;
  std::string error;
  if (!idx::ParseLabels(bytes->data(), bytes->size(), path, &labels, &error)) {
    return MakeError(error);
  }
  return labels;
}

Result<LabeledImages> LoadLabeledImages(const std::string& images_path,
                                        const std::string& labels_path) {
  auto images = LoadImages(images_path);
  if (!images) return images.error();
  auto labels = LoadLabels(labels_path);
  if (!labels) return labels.error();
  std::string error;
  if (!idx::CheckSameCount(*images, images_path, *labels, labels_path, &error)) {
    return MakeError(error);
  }
  return LabeledImages{std::move(*images), std::move(*labels)};
}

std::string FashionMnistDir() {
  const char* env = std::getenv("BSB_FASHION_MNIST_DIR");
  return env != nullptr && *env != '\0' ? env : "/usr/share/datasets/fashion-mnist";
}

FashionMnistPaths FashionMnist() {
  const std::string d = FashionMnistDir() + "/";
  return {d + "train-images-idx3-ubyte.gz", d + "train-labels-idx1-ubyte.gz",
          d + "t10k-images-idx3-ubyte.gz", d + "t10k-labels-idx1-ubyte.gz"};
}

}  // namespace bsb::artifacts
