// artifacts/fetch against a real HTTP server on 127.0.0.1 started by the test: a tiny
// single-threaded server (in a thread of this process) whose paths play good file, redirect,
// 404 and a server that accepts and never answers.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "artifacts/fetch.h"
#include "artifacts/store.h"

namespace bsb::artifacts {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const std::string kBody = "model bytes\n";

class TinyHttpServer {
 public:
  TinyHttpServer() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;  // the kernel picks a free port
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_fd_, 8);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TinyHttpServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      char buf[2048];
      const ssize_t n = ::recv(fd, buf, sizeof buf - 1, 0);
      const std::string request(buf, n > 0 ? static_cast<size_t>(n) : 0);
      const std::string path = request.substr(4, request.find(' ', 4) - 4);  // "GET <path> HTTP/1.1"
      std::string response;
      if (path == "/good.bin") {
        response = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(kBody.size()) +
                   "\r\nConnection: close\r\n\r\n" + kBody;
      } else if (path == "/moved") {
        response = "HTTP/1.1 302 Found\r\nLocation: /good.bin\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      } else if (path == "/slow") {
        // Headers promise a body that never comes: only the total timeout can end this.
        response = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial";
        ::send(fd, response.data(), response.size(), MSG_NOSIGNAL);
        for (int i = 0; i < 100 && !stop_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        ::close(fd);
        continue;
      } else {
        response = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      }
      ::send(fd, response.data(), response.size(), MSG_NOSIGNAL);
      ::close(fd);
    }
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class FetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = (fs::temp_directory_path() / ("bsb_fetch_test_" + std::to_string(::getpid()))).string();
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string GoodSha() const { return Sha256OfBytes(std::vector<uint8_t>(kBody.begin(), kBody.end())); }
  bool TempIsEmpty() const {
    return !fs::exists(root_ + "/tmp") || fs::is_empty(root_ + "/tmp");
  }
  std::string root_;
  TinyHttpServer server_;
};

TEST_F(FetchTest, GoodFileLandsInStoreUnderItsHash) {
  Store store(root_);
  auto r = FetchPinned(store, server_.Url("/good.bin"), GoodSha());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, GoodSha());
  auto bytes = store.Get(*r);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(std::string(bytes->begin(), bytes->end()), kBody);
  EXPECT_TRUE(TempIsEmpty());
}

TEST_F(FetchTest, RedirectIsFollowed) {
  Store store(root_);
  auto r = FetchPinned(store, server_.Url("/moved"), GoodSha());
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST_F(FetchTest, AlreadyStoredObjectNeedsNoNetwork) {
  Store store(root_);
  ASSERT_TRUE(store.Put(std::vector<uint8_t>(kBody.begin(), kBody.end())).ok());
  auto r = FetchPinned(store, "http://127.0.0.1:1/nowhere", GoodSha());
  EXPECT_TRUE(r.ok());
}

TEST_F(FetchTest, WrongHashNamesUrlAndBothHashes) {
  Store store(root_);
  const std::string wrong(64, '0');
  const std::string url = server_.Url("/good.bin");
  auto r = FetchPinned(store, url, wrong);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr(url));
  EXPECT_THAT(r.error().message, HasSubstr("expected " + wrong));
  EXPECT_THAT(r.error().message, HasSubstr("got " + GoodSha()));
  EXPECT_FALSE(store.Has(GoodSha()));  // nothing unverified enters the store
  EXPECT_TRUE(TempIsEmpty());
}

TEST_F(FetchTest, NotFoundReportsStatus) {
  Store store(root_);
  const std::string url = server_.Url("/missing.bin");
  auto r = FetchPinned(store, url, GoodSha());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr(url));
  EXPECT_THAT(r.error().message, HasSubstr("HTTP status 404"));
  EXPECT_TRUE(TempIsEmpty());
}

TEST_F(FetchTest, SlowServerHitsTotalTimeout) {
  Store store(root_);
  FetchOptions options;
  options.total_timeout_s = 1;
  const auto start = std::chrono::steady_clock::now();
  auto r = FetchPinned(store, server_.Url("/slow"), GoodSha(), options);
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("timed out"));
  EXPECT_THAT(r.error().message, HasSubstr("/slow"));
  EXPECT_LT(waited, std::chrono::seconds(4));  // the limit, not the server, ended it
  EXPECT_TRUE(TempIsEmpty());
}

TEST_F(FetchTest, PinAndSchemeAreRequired) {
  Store store(root_);
  auto no_pin = FetchPinned(store, server_.Url("/good.bin"), "");
  ASSERT_FALSE(no_pin.ok());
  EXPECT_THAT(no_pin.error().message, HasSubstr("sha256 pin"));
  auto file = FetchPinned(store, "file:///etc/passwd", GoodSha());
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(file.error().message, HasSubstr("only http:// and https://"));
}

}  // namespace
}  // namespace bsb::artifacts
