#include "matrix/schema.h"

#include <string>
#include <vector>

#include "matrix/model.h"

namespace bsb::matrix {
namespace {

using nlohmann::json;

const char kNamePattern[] = "^[A-Za-z0-9._-]{1,64}$";
const char kDurationPattern[] = "^[0-9]+(ms|s|m|h)$";
const char kSizePattern[] = "^[0-9]+(KiB|MiB|GiB)?$";
const char kSha256Pattern[] = "^[0-9A-Fa-f]{64}$";

json Object(json properties, std::vector<std::string> required = {}) {
  json schema = {{"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) schema["required"] = required;
  return schema;
}

json Integer(std::int64_t min, std::int64_t max) { return {{"type", "integer"}, {"minimum", min}, {"maximum", max}}; }
json String() { return {{"type", "string"}, {"minLength", 1}}; }
json Ref(const std::string& name) { return {{"$ref", "#/$defs/" + name}}; }

json SettingsProperties() {
  json properties = json::object();
  for (const std::string& key : SettingKeys()) {
    if (key == "timeout") {
      properties[key] = Ref("duration");
    } else {
      const auto [min, max] = SettingRange(key);
      properties[key] = Integer(min, max);
    }
  }
  return properties;
}

json Location() {
  return {{"oneOf",
           {String(),
            Object({{"path", String()}, {"sha256", Ref("sha256")}}, {"path"}),
            Object({{"url", {{"type", "string"}, {"pattern", "^https?://"}}}, {"sha256", Ref("sha256")}},
                   {"url", "sha256"})}}};
}

json ModelSchema() {
  json artifacts = {{"type", "object"},
                    {"propertyNames", {{"enum", KnownSchemes()}}},
                    {"additionalProperties", Location()}};
  json schema = Object({{"name", Ref("name")},
                        {"source", {{"type", "string"}, {"minLength", 1}, {"description", "path, zoo:NAME or http(s) URL (then sha256 is required)"}}},
                        {"sha256", Ref("sha256")},
                        {"artifacts", artifacts},
                        {"dataset", Ref("name")},
                        {"calibration", Object({{"dataset", Ref("name")}, {"samples", Integer(1, 1'000'000)}}, {"dataset"})}},
                       {"name", "dataset"});
  schema["anyOf"] = json::array({{{"required", {"source"}}}, {{"required", {"artifacts"}}}});
  return schema;
}

json TargetSchema(const std::string& kind, json properties, std::vector<std::string> required) {
  properties["name"] = Ref("name");
  properties["kind"] = {{"const", kind}};
  properties["concurrency"] = Integer(1, 64);
  required.insert(required.begin(), {"name", "kind"});
  return Object(std::move(properties), std::move(required));
}

json Targets() {
  const json budget = Object({{"flash", Ref("size")}, {"ram", Ref("size")}});
  const json ssh_word = {{"type", "string"}, {"pattern", "^[^-\\s][^\\s]*$"}};
  json ssh = TargetSchema("ssh",
                    {{"host", ssh_word},
                     {"pool", {{"type", "array"}, {"items", ssh_word}, {"minItems", 1}, {"uniqueItems", true}}},
                     {"user", ssh_word},
                     {"port", Integer(1, 65535)},
                     {"identity", String()},
                     {"host_key", {{"enum", {"strict", "accept-new"}}}},
                     {"known_hosts", String()},
                     {"connect_timeout", Ref("duration")},
                     {"keepalive", Ref("duration")},
                     {"workdir", String()}},
                    {});
  ssh["oneOf"] = json::array({{{"required", {"host"}}}, {{"required", {"pool"}}}});
  return {{"oneOf",
           {TargetSchema("local", json::object(), {}),
            TargetSchema("qemu-user", {{"arch", {{"enum", {"aarch64", "armv7"}}}}}, {"arch"}), ssh,
            TargetSchema("serial",
                   {{"port", String()}, {"baud", Integer(300, 16'000'000)}, {"board", String()}, {"flash", String()},
                    {"budget", budget}},
                   {"port"}),
            TargetSchema("qemu-mcu", {{"board", String()}, {"budget", budget}}, {"board"})}}};
}

json RuleValue(bool allow_list) {
  json scalar = {{"type", {"string", "number", "boolean"}}};
  if (!allow_list) return scalar;
  return {{"oneOf", {scalar, {{"type", "array"}, {"items", scalar}, {"minItems", 1}}}}};
}

}  // namespace

json MatrixJsonSchema() {
  json defs = {
      {"name", {{"type", "string"}, {"pattern", kNamePattern}}},
      {"duration", {{"type", "string"}, {"pattern", kDurationPattern}, {"description", "500ms, 90s, 5m or 1h"}}},
      {"size", {{"oneOf", {Integer(1, std::int64_t{1} << 40), {{"type", "string"}, {"pattern", kSizePattern}}}}}},
      {"sha256", {{"type", "string"}, {"pattern", kSha256Pattern}}},
      {"scheme", {{"enum", KnownSchemes()}}},
      {"dataset", Object({{"format", {{"const", "idx"}}},
                          {"images", String()},
                          {"labels", String()},
                          {"scale", {{"type", "number"}, {"exclusiveMinimum", 0}}},
                          {"offset", {{"type", "number"}}}},
                         {"images", "labels"})},
      {"model", ModelSchema()},
      {"target", Targets()},
  };
  json exclude_entry = {{"type", "object"}, {"minProperties", 1}, {"additionalProperties", RuleValue(true)}};
  json include_entry = {{"type", "object"}, {"minProperties", 1}, {"additionalProperties", RuleValue(false)}};
  json properties = {
      {"version", {{"const", 1}}},
      {"name", Ref("name")},
      {"defaults", Object(SettingsProperties())},
      {"datasets", {{"type", "object"}, {"propertyNames", Ref("name")}, {"additionalProperties", Ref("dataset")}}},
      {"models", {{"type", "array"}, {"items", Ref("model")}, {"minItems", 1}}},
      {"schemes", {{"type", "array"}, {"items", Ref("scheme")}, {"minItems", 1}, {"uniqueItems", true}}},
      {"targets", {{"type", "array"}, {"items", Ref("target")}, {"minItems", 1}}},
      {"axes",
       {{"type", "object"},
        {"propertyNames", {{"allOf", {Ref("name"), {{"not", {{"enum", {"model", "scheme", "target", "status", "id"}}}}}}}}},
        {"additionalProperties",
         {{"type", "array"}, {"items", {{"type", {"string", "number", "boolean"}}}}, {"minItems", 1}, {"uniqueItems", true}}}}},
      {"exclude", {{"type", "array"}, {"items", exclude_entry}}},
      {"include", {{"type", "array"}, {"items", include_entry}}},
      {"gates", Object({{"accuracy_drop", {{"type", "number"}, {"minimum", 0}, {"maximum", 1}}},
                        {"latency_regression", {{"type", "number"}, {"minimum", 0}, {"maximum", 100}}}})},
  };
  json schema = Object(std::move(properties), {"version", "models", "schemes", "targets"});
  schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  schema["$id"] = "https://bsb-matrix.invalid/schema/matrix-v1.json";
  schema["title"] = "bsb-matrix matrix file, version 1";
  schema["$defs"] = std::move(defs);
  return schema;
}

}  // namespace bsb::matrix
