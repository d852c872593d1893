#include "agent/protocol/json_fields.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace bsb::protocol::detail {

using nlohmann::json;

std::string JsonTypeName(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a number with a fraction";
    case json::value_t::binary: return "binary data";
    case json::value_t::discarded: return "invalid JSON";
  }
  return "an unknown value";
}

ObjectReader::ObjectReader(const json& object, std::string path)
    : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) error_ = path_ + ": expected an object, got " + JsonTypeName(object_);
}

void ObjectReader::Fail(const std::string& key, const std::string& message) {
  if (error_.empty()) error_ = path_ + "." + key + ": " + message;
}

void ObjectReader::Adopt(const ObjectReader& nested) {
  if (error_.empty() && !nested.ok()) error_ = nested.error();
}

bool ObjectReader::Has(const char* key) const {
  return object_.is_object() && object_.contains(key);
}

const json* ObjectReader::Find(const char* key, bool required) {
  if (!ok()) return nullptr;
  auto it = object_.find(key);
  if (it == object_.end()) {
    if (required) Fail(key, "missing (required)");
    return nullptr;
  }
  return &*it;
}

const json* ObjectReader::Object(const char* key, bool required) {
  const json* value = Find(key, required);
  if (value != nullptr && !value->is_object()) {
    Fail(key, "expected an object, got " + JsonTypeName(*value));
    return nullptr;
  }
  return value;
}

void ObjectReader::String(const char* key, std::string* out) {
  if (const json* v = Find(key, true)) {
    if (v->is_string()) *out = v->get<std::string>();
    else Fail(key, "expected a string, got " + JsonTypeName(*v));
  }
}

void ObjectReader::OptionalString(const char* key, std::string* out) {
  if (Has(key)) String(key, out);
}

void ObjectReader::Bool(const char* key, bool* out) {
  if (const json* v = Find(key, true)) {
    if (v->is_boolean()) *out = v->get<bool>();
    else Fail(key, "expected true or false, got " + JsonTypeName(*v));
  }
}

void ObjectReader::OptionalBool(const char* key, bool* out) {
  if (Has(key)) Bool(key, out);
}

void ObjectReader::Unsigned(const char* key, uint64_t* out) {
  const json* v = Find(key, true);
  if (v == nullptr) return;
  // A non-negative integer built in C++ from a signed type is number_integer, not unsigned.
  if (v->is_number_unsigned() || (v->is_number_integer() && v->get<int64_t>() >= 0)) {
    *out = v->get<uint64_t>();
  } else if (v->is_number_integer()) {
    Fail(key, "expected an integer >= 0, got " + std::to_string(v->get<int64_t>()));
  } else {
    Fail(key, "expected an integer >= 0, got " + JsonTypeName(*v));
  }
}

void ObjectReader::OptionalUnsigned(const char* key, std::optional<uint64_t>* out) {
  if (!Has(key)) return;
  uint64_t value = 0;
  Unsigned(key, &value);
  if (ok()) *out = value;
}

void ObjectReader::Signed(const char* key, int64_t* out) {
  const json* v = Find(key, true);
  if (v == nullptr) return;
  if (v->is_number_unsigned()) {
    uint64_t u = v->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      Fail(key, "integer out of range: " + std::to_string(u));
    } else {
      *out = static_cast<int64_t>(u);
    }
  } else if (v->is_number_integer()) {
    *out = v->get<int64_t>();
  } else {
    Fail(key, "expected an integer, got " + JsonTypeName(*v));
  }
}

void ObjectReader::OptionalSigned(const char* key, std::optional<int64_t>* out) {
  if (!Has(key)) return;
  int64_t value = 0;
  Signed(key, &value);
  if (ok()) *out = value;
}

void ObjectReader::Number(const char* key, double* out) {
  const json* v = Find(key, true);
  if (v == nullptr) return;
  if (!v->is_number()) {
    Fail(key, "expected a number, got " + JsonTypeName(*v));
    return;
  }
  double d = v->get<double>();
  if (!std::isfinite(d)) {
    Fail(key, "expected a finite number");
    return;
  }
  *out = d;
}

void ObjectReader::OptionalNumber(const char* key, std::optional<double>* out) {
  if (!Has(key)) return;
  double value = 0;
  Number(key, &value);
  if (ok()) *out = value;
}

void ObjectReader::RejectUnknownKeys(std::initializer_list<const char*> known) {
  if (!ok()) return;
  for (const auto& item : object_.items()) {
    const std::string& key = item.key();
    bool is_known = std::any_of(known.begin(), known.end(),
                                [&key](const char* k) { return key == k; });
    if (!is_known) {
      // The key comes from outside: keep it printable and short in the message.
      json quoted = key.size() > 64 ? key.substr(0, 64) + "..." : key;
      error_ = path_ + ": unknown key " + DumpJson(quoted);
      return;
    }
  }
}

std::string DumpJson(const json& value, int indent) {
  return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace bsb::protocol::detail
