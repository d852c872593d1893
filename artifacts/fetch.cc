#include "artifacts/fetch.h"

#include <curl/curl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <mutex>

#include "agent/common/sha256.h"

namespace bsb::artifacts {
namespace {

struct Sink {
  std::FILE* file = nullptr;
  Sha256 hash;
  bool write_failed = false;
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  if (std::fwrite(data, 1, n, sink->file) != n) {
    sink->write_failed = true;
    return 0;  // makes curl abort with CURLE_WRITE_ERROR
  }
  sink->hash.Update(data, n);
  return n;
}

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

Result<std::string> FetchPinned(Store& store, const std::string& url,
                                const std::string& expected_sha256, const FetchOptions& options) {
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
    return MakeError(url + ": only http:// and https:// URLs can be fetched");
  }
  if (!IsSha256Hex(expected_sha256)) {
    return MakeError(url + ": a URL artifact needs a sha256 pin (64 lower-case hex characters), got '" +
                     expected_sha256 + "'");
  }
  if (store.Has(expected_sha256)) return expected_sha256;

  std::error_code ec;
  std::filesystem::create_directories(store.TempDir(), ec);
  if (ec) return MakeError(store.TempDir() + ": cannot create: " + ec.message());
  const std::string temp = store.TempDir() + "/fetch." + expected_sha256 + "." + std::to_string(::getpid()) + ".part";
  Sink sink;
  sink.file = std::fopen(temp.c_str(), "wb");
  if (sink.file == nullptr) return MakeError(temp + ": cannot create");

  GlobalInitOnce();
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    std::fclose(sink.file);
    return MakeError(url + ": cannot initialise libcurl", ExitCode::kInternal);
  }
  char curl_error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, options.max_redirects);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, options.connect_timeout_s);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, options.total_timeout_s);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "bsb-matrix");
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  char* final_url = nullptr;
  curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &final_url);
  const std::string effective = final_url != nullptr ? final_url : url;
  curl_easy_cleanup(curl);
  const bool closed = std::fclose(sink.file) == 0;

  auto fail = [&](std::string message) -> Result<std::string> {
    std::filesystem::remove(temp, ec);
    return MakeError(std::move(message));
  };
  const std::string via = effective != url ? " (redirected to " + effective + ")" : "";
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return fail(url + via + ": timed out (connect limit " + std::to_string(options.connect_timeout_s) +
                " s, total limit " + std::to_string(options.total_timeout_s) + " s): " + curl_error);
  }
  if (sink.write_failed || !closed) return fail(url + ": cannot write " + temp);
  if (rc != CURLE_OK) {
    return fail(url + via + ": " + (curl_error[0] != '\0' ? curl_error : curl_easy_strerror(rc)));
  }
  if (status < 200 || status >= 300) {
    return fail(url + via + ": HTTP status " + std::to_string(status));
  }
  const std::string actual = ToHex(sink.hash.Finish());
  if (actual != expected_sha256) {
    return fail(url + via + ": sha256 mismatch: expected " + expected_sha256 + ", got " + actual);
  }
  auto adopted = store.Adopt(temp, actual);
  if (!adopted) return fail(adopted.error().message);
  return actual;
}

}  // namespace bsb::artifacts
