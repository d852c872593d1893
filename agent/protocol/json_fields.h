// Reading typed fields out of untrusted JSON without exceptions. Internal to agent/protocol's
// JSON contracts (cell spec, result): each reader remembers the first problem, qualified by
// the JSON path ("spec.runs: expected an unsigned integer, got -3"), and every later read
// becomes a no-op, so parsers read all fields straight through and check ok() once.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace bsb::protocol::detail {

// "string", "number", "object", ... for error messages.
std::string JsonTypeName(const nlohmann::json& value);

class ObjectReader {
 public:
  // `path` names the object in messages, e.g. "result.stamp". A non-object records an error.
  ObjectReader(const nlohmann::json& object, std::string path);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }
  // Records `message` about `key` unless an earlier problem is already recorded.
  void Fail(const std::string& key, const std::string& message);
  // Adopts a nested reader's problem (its message is already fully qualified).
  void Adopt(const ObjectReader& nested);

  bool Has(const char* key) const;
  // nullptr (and, if required, an error) when absent or not an object.
  const nlohmann::json* Object(const char* key, bool required);

  void String(const char* key, std::string* out);            // required
  void OptionalString(const char* key, std::string* out);    // left unchanged when absent
  void Bool(const char* key, bool* out);
  void OptionalBool(const char* key, bool* out);
  void Unsigned(const char* key, uint64_t* out);             // integer >= 0
  void OptionalUnsigned(const char* key, std::optional<uint64_t>* out);
  void Signed(const char* key, int64_t* out);
  void OptionalSigned(const char* key, std::optional<int64_t>* out);
  // Finite numbers only; integers are accepted as numbers.
  void Number(const char* key, double* out);
  void OptionalNumber(const char* key, std::optional<double>* out);

  // Errors on any key not in `known` (for contracts where an unknown key is a mistake).
  void RejectUnknownKeys(std::initializer_list<const char*> known);

 private:
  const nlohmann::json* Find(const char* key, bool required);

  const nlohmann::json& object_;
  std::string path_;
  std::string error_;
};

// Serializes without throwing: invalid UTF-8 in strings (e.g. an agent's stderr tail in an
// error message) is replaced by U+FFFD rather than aborting the dump.
std::string DumpJson(const nlohmann::json& value, int indent = -1);

}  // namespace bsb::protocol::detail
