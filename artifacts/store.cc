#include "artifacts/store.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "agent/common/sha256.h"

namespace bsb::artifacts {
namespace fs = std::filesystem;

namespace {

// Unique within this process and across processes (pid), for temp names.
std::string TempSuffix() {
  static std::atomic<uint64_t> counter{0};
  return ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
}

}  // namespace

std::string DefaultStoreRoot() {
  const char* env = std::getenv("BSB_CACHE_DIR");
  if (env != nullptr && *env != '\0') return env;
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr && *home != '\0' ? home : "/tmp") + "/.cache/bsb-matrix";
}

std::string Sha256OfBytes(const std::vector<uint8_t>& bytes) {
  Sha256 h;
  h.Update(bytes.data(), bytes.size());
  return ToHex(h.Finish());
}

Result<std::string> Sha256OfFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return MakeError(path + ": cannot open: " + std::strerror(errno));
  Sha256 h;
  std::vector<uint8_t> buf(1 << 16);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) h.Update(buf.data(), n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return MakeError(path + ": read error");
  return ToHex(h.Finish());
}

bool IsSha256Hex(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status WriteFileAtomic(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::error_code ec;
  const fs::path target(path);
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  if (ec) return MakeError(target.parent_path().string() + ": cannot create: " + ec.message());
  const std::string temp = path + TempSuffix();
  std::FILE* f = std::fopen(temp.c_str(), "wb");
  if (f == nullptr) return MakeError(temp + ": cannot create: " + std::strerror(errno));
  const bool wrote = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  const bool flushed = std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
  const bool closed = std::fclose(f) == 0;
  if (!wrote || !flushed || !closed) {
    const std::string why = std::strerror(errno);
    fs::remove(temp, ec);
    return MakeError(path + ": write failed: " + why);
  }
  fs::rename(temp, target, ec);
  if (ec) {
    fs::remove(temp, ec);
    return MakeError(path + ": cannot rename into place: " + ec.message());
  }
  return Ok{};
}

Result<std::vector<uint8_t>> ReadFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return MakeError(path + ": cannot open: " + std::strerror(errno));
  std::vector<uint8_t> bytes;
  std::vector<uint8_t> buf(1 << 16);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) bytes.insert(bytes.end(), buf.begin(), buf.begin() + static_cast<long>(n));
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return MakeError(path + ": read error");
  return bytes;
}

Store::Store(std::string root) : root_(root.empty() ? DefaultStoreRoot() : std::move(root)) {}

std::string Store::ObjectPath(const std::string& sha256) const {
  return root_ + "/objects/" + sha256;
}

std::string Store::TempDir() const { return root_ + "/tmp"; }

bool Store::Has(const std::string& sha256) const {
  std::error_code ec;
  return IsSha256Hex(sha256) && fs::is_regular_file(ObjectPath(sha256), ec);
}

Result<std::string> Store::Put(const std::vector<uint8_t>& bytes) {
  const std::string sha = Sha256OfBytes(bytes);
  if (Has(sha)) return sha;
  auto written = WriteFileAtomic(ObjectPath(sha), bytes);
  if (!written) return written.error();
  return sha;
}

Status Store::Adopt(const std::string& temp_path, const std::string& sha256) {
  std::error_code ec;
  fs::create_directories(root_ + "/objects", ec);
  if (ec) return MakeError(root_ + "/objects: cannot create: " + ec.message());
  fs::rename(temp_path, ObjectPath(sha256), ec);
  if (ec) return MakeError(ObjectPath(sha256) + ": cannot rename into place: " + ec.message());
  return Ok{};
}

Result<std::vector<uint8_t>> Store::Get(const std::string& sha256) const {
  if (!IsSha256Hex(sha256)) return MakeError("not a sha256: '" + sha256 + "'");
  return ReadFile(ObjectPath(sha256));
}

std::string Store::LookupRef(const std::string& kind, const std::string& key) const {
  auto bytes = ReadFile(root_ + "/refs/" + kind + "/" + key);
  if (!bytes) return "";
  std::string sha(bytes->begin(), bytes->end());
  while (!sha.empty() && (sha.back() == '\n' || sha.back() == ' ')) sha.pop_back();
  return Has(sha) ? sha : "";
}

Status Store::PutRef(const std::string& kind, const std::string& key, const std::string& sha256) {
  if (!IsSha256Hex(key) || !IsSha256Hex(sha256)) {
    return MakeError("store ref " + kind + "/" + key + ": key and object must be sha256 hex");
  }
  const std::string text = sha256 + "\n";
  return WriteFileAtomic(root_ + "/refs/" + kind + "/" + key,
                         std::vector<uint8_t>(text.begin(), text.end()));
}

}  // namespace bsb::artifacts
