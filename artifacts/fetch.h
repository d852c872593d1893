// Fetching a pinned URL artifact into the store with libcurl (http and https only).
#pragma once

#include <string>

#include "artifacts/store.h"
#include "support/result.h"

namespace bsb::artifacts {

struct FetchOptions {
  long connect_timeout_s = 15;
  long total_timeout_s = 600;  // the whole transfer, redirects included
  long max_redirects = 10;
};

// Returns the sha256 of the fetched object. The pin is required; when the store already holds
// it, nothing is downloaded. The body streams to a temp file in the store, hashed on the way,
// and is renamed into objects/ only if the hash matches. Every error names the URL; HTTP
// errors give the status, a mismatch gives both hashes, a timeout says which limit.
Result<std::string> FetchPinned(Store& store, const std::string& url,
                                const std::string& expected_sha256,
                                const FetchOptions& options = {});

}  // namespace bsb::artifacts
