// Internal to matrix/: YAML document → typed Matrix (structure and types), then cross-checks.
// Callers use loader.h.
#pragma once

#include <filesystem>
#include <string>

#include <yaml-cpp/yaml.h>

#include "matrix/diagnostics.h"
#include "matrix/model.h"

namespace bsb::matrix {

// Fills `matrix` from the document root; every problem goes to `diagnostics`.
// matrix.file and matrix.base_dir must already be set.
void ParseDocument(const YAML::Node& root, Matrix& matrix, Diagnostics& diagnostics);

// `targets:` (parser_targets.cc).
void ParseTargets(const YAML::Node& node, Position fallback, Matrix& matrix, Diagnostics& diagnostics);

// Cross-references and uniqueness over a parsed matrix (validator.cc).
void Validate(const Matrix& matrix, Diagnostics& diagnostics);

// A name of a dataset, model, target or axis: 1–64 of [A-Za-z0-9._-]. Reports and returns
// nullopt otherwise. `what` is "model name", "target name", ...
std::optional<std::string> ReadName(const YAML::Node& node, const std::string& what, Position fallback,
                                    Diagnostics& diagnostics);

// A path as written → the path used: absolute and ~/ paths unchanged, others against base_dir.
std::filesystem::path ResolvePath(const std::string& written, const std::filesystem::path& base_dir);

}  // namespace bsb::matrix
