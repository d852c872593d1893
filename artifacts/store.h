// The content-addressed local store: every artifact, dataset slice and agent binary is an
// object named by the sha256 of its bytes, so the same inputs are never processed twice and a
// target can be told exactly which objects it lacks.
//
// Layout under the root (default ~/.cache/bsb-matrix, or $BSB_CACHE_DIR, or a parameter):
//   objects/<sha256>        immutable bytes
//   refs/<kind>/<key>       text file holding one object sha256: "this recipe/slice/quantization
//                           request produced that object" (the cache of derived artifacts)
//   tmp/                    partial writes; every write goes to tmp and is renamed into place
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "support/result.h"

namespace bsb::artifacts {

// $BSB_CACHE_DIR if set and non-empty, else $HOME/.cache/bsb-matrix.
std::string DefaultStoreRoot();

// sha256 (64 lower-case hex characters) of bytes / of a file's contents.
std::string Sha256OfBytes(const std::vector<uint8_t>& bytes);
Result<std::string> Sha256OfFile(const std::string& path);
bool IsSha256Hex(const std::string& text);

// Writes `bytes` to `path` through a temporary file in the same directory plus rename(), so
// readers see the old file or the whole new one, never a torn write. Creates parent folders.
Status WriteFileAtomic(const std::string& path, const std::vector<uint8_t>& bytes);
Result<std::vector<uint8_t>> ReadFile(const std::string& path);

class Store {
 public:
  // An empty root means DefaultStoreRoot().
  explicit Store(std::string root = "");

  const std::string& root() const { return root_; }
  std::string ObjectPath(const std::string& sha256) const;
  std::string TempDir() const;
  bool Has(const std::string& sha256) const;

  // Adds bytes (no-op if present); returns their sha256.
  Result<std::string> Put(const std::vector<uint8_t>& bytes);
  // Moves an already-written temp file (in TempDir()) whose sha256 the caller computed into
  // place; the rename is atomic.
  Status Adopt(const std::string& temp_path, const std::string& sha256);
  Result<std::vector<uint8_t>> Get(const std::string& sha256) const;

  // Derived-artifact cache: `kind` is a short folder name ("zoo", "slice", "quantize"),
  // `key` a sha256 of the request. Lookup returns an empty string when absent or when the
  // referenced object has gone missing.
  std::string LookupRef(const std::string& kind, const std::string& key) const;
  Status PutRef(const std::string& kind, const std::string& key, const std::string& sha256);

 private:
  std::string root_;
};

}  // namespace bsb::artifacts
