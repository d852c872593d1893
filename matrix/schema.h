// A JSON Schema (draft 2020-12) of the matrix format, for editors (`bsb-matrix schema`).
// It describes the shape; the loader checks more (references, ranges across sections).
#pragma once

#include <nlohmann/json.hpp>

namespace bsb::matrix {

nlohmann::json MatrixJsonSchema();

}  // namespace bsb::matrix
