#include "agent/common/idx.h"

#include <cstdio>

namespace bsb::idx {
namespace {

uint32_t ReadBigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

void AppendBigEndian32(std::vector<uint8_t>* out, uint32_t v) {
  out->push_back(static_cast<uint8_t>(v >> 24));
  out->push_back(static_cast<uint8_t>(v >> 16));
  out->push_back(static_cast<uint8_t>(v >> 8));
  out->push_back(static_cast<uint8_t>(v));
}

std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// Checks the header against `expected_magic` and returns the dimensions and the payload offset.
bool ParseHeader(const uint8_t* data, size_t size, const std::string& name, uint32_t expected_magic,
                 const char* what, std::vector<uint32_t>* dims, size_t* payload_offset,
                 std::string* error) {
  if (size < 4) {
    *error = name + ": truncated IDX file: " + std::to_string(size) + " bytes, the magic needs 4";
    return false;
  }
  const uint32_t magic = ReadBigEndian32(data);
  if (magic != expected_magic) {
    *error = name + ": wrong IDX magic " + Hex32(magic) + ", expected " + Hex32(expected_magic) +
             " (" + what + ")";
    return false;
  }
  const size_t rank = expected_magic & 0xff;
  const size_t header_bytes = 4 + 4 * rank;
  if (size < header_bytes) {
    *error = name + ": truncated IDX header: " + std::to_string(size) + " bytes, need " +
             std::to_string(header_bytes) + " for " + std::to_string(rank) + " dimensions";
    return false;
  }
  dims->clear();
  uint64_t elements = 1;
  for (size_t i = 0; i < rank; ++i) {
    dims->push_back(ReadBigEndian32(data + 4 + 4 * i));
    elements *= (*dims)[i];  // at most 3 factors < 2^32 each: checked below before use
    if (elements > (uint64_t{1} << 40)) {
      *error = name + ": IDX dimensions describe more than 2^40 elements";
      return false;
    }
  }
  const uint64_t payload = size - header_bytes;
  if (payload != elements) {
    *error = name + ": " + (payload < elements ? "truncated" : "oversized") + " IDX file: " +
             "header declares " + std::to_string(elements) + " bytes of data, file has " +
             std::to_string(payload);
    return false;
  }
  *payload_offset = header_bytes;
  return true;
}

bool ReadWholeFile(const std::string& path, std::vector<uint8_t>* bytes, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *error = path + ": cannot open";
    return false;
  }
  bytes->clear();
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes->insert(bytes->end(), buf, buf + n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) {
    *error = path + ": read error";
    return false;
  }
  return true;
}

}  // namespace

bool ParseImages(const uint8_t* data, size_t size, const std::string& name, Images* out,
                 std::string* error) {
  std::vector<uint32_t> dims;
  size_t offset = 0;
  if (!ParseHeader(data, size, name, kImagesMagic, "unsigned-byte images, 3 dimensions", &dims,
                   &offset, error)) {
    return false;
  }
  out->count = dims[0];
  out->rows = dims[1];
  out->cols = dims[2];
  out->pixels.assign(data + offset, data + size);
  return true;
}

bool ParseLabels(const uint8_t* data, size_t size, const std::string& name, Labels* out,
                 std::string* error) {
  std::vector<uint32_t> dims;
  size_t offset = 0;
  if (!ParseHeader(data, size, name, kLabelsMagic, "unsigned-byte labels, 1 dimension", &dims,
                   &offset, error)) {
    return false;
  }
  out->values.assign(data + offset, data + size);
  return true;
}

bool ReadImagesFile(const std::string& path, Images* out, std::string* error) {
  std::vector<uint8_t> bytes;
  return ReadWholeFile(path, &bytes, error) &&
         ParseImages(bytes.data(), bytes.size(), path, out, error);
}

bool ReadLabelsFile(const std::string& path, Labels* out, std::string* error) {
  std::vector<uint8_t> bytes;
  return ReadWholeFile(path, &bytes, error) &&
         ParseLabels(bytes.data(), bytes.size(), path, out, error);
}

bool CheckSameCount(const Images& images, const std::string& images_name, const Labels& labels,
                    const std::string& labels_name, std::string* error) {
  if (images.count == labels.values.size()) return true;
  *error = "count mismatch: " + images_name + " has " + std::to_string(images.count) +
           " images but " + labels_name + " has " + std::to_string(labels.values.size()) +
           " labels";
  return false;
}

std::vector<uint8_t> EncodeImages(const Images& images) {
  std::vector<uint8_t> out;
  out.reserve(16 + images.pixels.size());
  AppendBigEndian32(&out, kImagesMagic);
  AppendBigEndian32(&out, images.count);
  AppendBigEndian32(&out, images.rows);
  AppendBigEndian32(&out, images.cols);
  out.insert(out.end(), images.pixels.begin(), images.pixels.end());
  return out;
}

std::vector<uint8_t> EncodeLabels(const Labels& labels) {
  std::vector<uint8_t> out;
  out.reserve(8 + labels.values.size());
  AppendBigEndian32(&out, kLabelsMagic);
  AppendBigEndian32(&out, static_cast<uint32_t>(labels.values.size()));
  out.insert(out.end(), labels.values.begin(), labels.values.end());
  return out;
}

}  // namespace bsb::idx
