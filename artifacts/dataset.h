// Datasets on the host: IDX image/label files, plain or gzip-compressed (Debian's
// dataset-fashion-mnist ships .gz), decompressed here so agent/common/idx only sees plain IDX.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agent/common/idx.h"
#include "support/result.h"

namespace bsb::artifacts {

// The whole file; gunzipped when it starts with the gzip magic (1f 8b), as-is otherwise.
Result<std::vector<uint8_t>> ReadMaybeGzip(const std::string& path);

Result<idx::Images> LoadImages(const std::string& path);
Result<idx::Labels> LoadLabels(const std::string& path);

// Images with their labels; counts must agree.
struct LabeledImages {
  idx::Images images;
  idx::Labels labels;
};
Result<LabeledImages> LoadLabeledImages(const std::string& images_path,
                                        const std::string& labels_path);

// Where Debian's dataset-fashion-mnist puts the files (overridable by BSB_FASHION_MNIST_DIR).
std::string FashionMnistDir();
struct FashionMnistPaths {
  std::string train_images, train_labels, test_images, test_labels;
};
FashionMnistPaths FashionMnist();

}  // namespace bsb::artifacts
