// IDX files (the MNIST / Fashion-MNIST container): unsigned-byte images and labels.
// Std only, no exceptions: the agent links this too. Plain (uncompressed) IDX only; the host
// (artifacts/) decompresses .gz before handing bytes here.
//
// Format: u32 big-endian magic 0x0000TTNN (TT = element type, 0x08 = unsigned byte;
// NN = number of dimensions), NN big-endian u32 dimensions, then the elements row-major.
// Labels are 0x00000801 [count]; images are 0x00000803 [count, rows, cols].
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bsb::idx {

inline constexpr uint32_t kLabelsMagic = 0x00000801;
inline constexpr uint32_t kImagesMagic = 0x00000803;

struct Images {
  uint32_t count = 0;
  uint32_t rows = 0;
  uint32_t cols = 0;
  std::vector<uint8_t> pixels;  // count * rows * cols, image-major, row-major inside

  size_t PixelsPerImage() const { return static_cast<size_t>(rows) * cols; }
  const uint8_t* Image(size_t i) const { return pixels.data() + i * PixelsPerImage(); }
};

struct Labels {
  std::vector<uint8_t> values;
};

// Parse an in-memory IDX file. `name` (usually the path) prefixes every error message.
// On failure returns false and sets *error; *out is left unspecified.
bool ParseImages(const uint8_t* data, size_t size, const std::string& name, Images* out,
                 std::string* error);
bool ParseLabels(const uint8_t* data, size_t size, const std::string& name, Labels* out,
                 std::string* error);

// Read a whole file from disk and parse it.
bool ReadImagesFile(const std::string& path, Images* out, std::string* error);
bool ReadLabelsFile(const std::string& path, Labels* out, std::string* error);

// Images and labels of one dataset must pair up; the message names both files and counts.
bool CheckSameCount(const Images& images, const std::string& images_name, const Labels& labels,
                    const std::string& labels_name, std::string* error);

// Serialise back to IDX bytes (the exact inverse of Parse*).
std::vector<uint8_t> EncodeImages(const Images& images);
std::vector<uint8_t> EncodeLabels(const Labels& labels);

}  // namespace bsb::idx
