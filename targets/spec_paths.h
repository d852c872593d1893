// Cell specs name files by their orchestrator-side paths; on a target those files live in
// its content-addressed object store. This maps one to the other.
#pragma once

#include <map>
#include <string>

#include "support/result.h"

namespace bsb::targets {

// Rewrites every top-level string field whose key ends in "_path" (model_path, images_path,
// labels_path, reference_outputs_path) from a local path to its device path. An empty value
// stays empty; a path with no mapping is an error naming the field (it was never Ensure'd).
Result<std::string> RewriteSpecPaths(const std::string& spec_json,
                                     const std::map<std::string, std::string>& local_to_device);

// True when text is 64 lowercase hex digits.
bool IsSha256Hex(const std::string& text);

}  // namespace bsb::targets
