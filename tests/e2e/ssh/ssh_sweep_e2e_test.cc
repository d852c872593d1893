// `bsb-matrix run` over SSH for real: two sshds, each in its own network namespace joined to the
// host by a veth pair, plus the local target, one matrix, one store. Proves the sweep finishes,
// every cell is recorded exactly once, the SSH cells agree with the local ones, a second run of
// the same sweep uploads nothing, a target whose link is down fails only its own cells, and a
// ProxyJump alias of ~/.ssh/config reaches a host only its jump host can see.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/subprocess.h"
#include "tests/fakes/object_files.h"
#include "tests/integration/ssh/netns.h"
#include "tests/integration/ssh/sshd_fixture.h"

namespace bsb {
namespace {

namespace fs = std::filesystem;
using targets::testing::NetNs;
using targets::testing::Sshd;
using targets::testing::SshdOptions;

const std::string kModel = std::string(BSB_SHARED_DIR) + "/conformance/mnist_ffn_fp32/model.tflite";
const std::string kImages = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
const std::string kLabels = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
const std::string kBinary = std::string(BSB_BINARY_DIR) + "/bsb-matrix";

// One SQL query's rows, every column as text.
std::vector<std::vector<std::string>> Query(const fs::path& db_path, const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << db_path << ": " << sqlite3_errmsg(db);
    sqlite3_close(db);
    return rows;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  } else {
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
        const unsigned char* text = sqlite3_column_text(stmt, c);
        row.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
      }
      rows.push_back(std::move(row));
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

class SshSweepE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kModel)) GTEST_SKIP() << kModel << " not found (shared/conformance)";
    if (!fs::exists(kImages)) GTEST_SKIP() << kImages << " not found (dataset-fashion-mnist)";
    if (!ns_a_.error().empty()) GTEST_SKIP() << ns_a_.error();
    if (!ns_b_.error().empty()) GTEST_SKIP() << ns_b_.error();
    sshd_a_ = std::make_unique<Sshd>(SshdOptions{.netns = ns_a_.name(), .listen_address = ns_a_.ns_ip()});
    sshd_b_ = std::make_unique<Sshd>(SshdOptions{.netns = ns_b_.name(), .listen_address = ns_b_.ns_ip()});
    ASSERT_TRUE(sshd_a_->error().empty()) << sshd_a_->error();
    ASSERT_TRUE(sshd_b_->error().empty()) << sshd_b_->error();
    dir_ = targets::testing::FreshDir("ssh-sweep");
    matrix_ = dir_ / "sweep.yaml";
    std::ofstream(matrix_)
        << "version: 1\nname: ssh-sweep\n"
        << "defaults: {warmup: 1, runs: 5, samples: 40, threads: 1, timeout: 60s, retries: 1}\n"
        << "datasets:\n  fashion:\n    format: idx\n    images: " << kImages << "\n    labels: " << kLabels
        << "\n    scale: 0.00392156862745098\n"
        << "models:\n  - name: ffn\n    source: " << kModel
        << "\n    dataset: fashion\n    calibration: {dataset: fashion, samples: 50}\n"
        << "schemes: [fp32, int8]\n"
        << "targets:\n  - {name: here, kind: local}\n"
        << sshd_a_->MatrixTarget("box-a", (dir_ / "remote-a").string()) << sshd_b_->MatrixTarget("box-b", (dir_ / "remote-b").string());
  }

  Result<SubprocessResult> Bsb(std::vector<std::string> args) {
    args.insert(args.begin(), kBinary);
    return RunSubprocess({.argv = args, .timeout = std::chrono::minutes(5)});
  }
  std::vector<std::string> RunArgs() {
    return {"run", matrix_.string(), "--db", (dir_ / "results.sqlite").string(), "--cache-dir",
            (dir_ / "cache").string(), "--verbose"};
  }
  fs::path db() const { return dir_ / "results.sqlite"; }

  NetNs ns_a_, ns_b_;
  std::unique_ptr<Sshd> sshd_a_, sshd_b_;
  fs::path dir_, matrix_;
};

TEST_F(SshSweepE2E, TwoSshTargetsAndLocalRunReportAndRerunWithoutUploads) {
  auto first = Bsb(RunArgs());
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(first->exit_code, 0) << first->stdout_text << first->stderr_text;

  // Six cells (2 schemes × 3 targets), each recorded once, each with its result row.
  auto cells = Query(db(), "SELECT target, scheme, status, attempts FROM cells WHERE run_id = 1 ORDER BY target, scheme");
  ASSERT_EQ(cells.size(), 6u);
  for (const auto& c : cells) EXPECT_EQ(c[2], "ok") << c[0] << "/" << c[1];
  EXPECT_EQ(Query(db(), "SELECT COUNT(*) FROM results WHERE run_id = 1")[0][0], "6");

  // The SSH hosts run the same x86_64 agent: integer predictions must equal the local ones.
  auto predictions = Query(db(),
      "SELECT c.target, p.encoded FROM predictions p JOIN cells c USING (run_id, cell_id) "
      "WHERE p.run_id = 1 AND c.scheme = 'int8' ORDER BY c.target");
  ASSERT_EQ(predictions.size(), 3u);
  EXPECT_EQ(predictions[0][1], predictions[1][1]);
  EXPECT_EQ(predictions[0][1], predictions[2][1]);
  // Each SSH host was actually used: its workdir holds the objects the agent read.
  EXPECT_TRUE(fs::exists(dir_ / "remote-a" / "objects"));
  EXPECT_TRUE(fs::exists(dir_ / "remote-b" / "objects"));

  // Every report format renders from the store.
  for (const char* format : {"--html", "--md", "--csv", "--json", "--junit"}) {
    const fs::path out = dir_ / (std::string("report") + format + ".out");
    auto report = Bsb({"report", "--db", db().string(), format, "-o", out.string()});
    ASSERT_TRUE(report.ok());
    EXPECT_EQ(report->exit_code, 0) << format << ": " << report->stderr_text;
    std::ifstream in(out);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("box-a"), std::string::npos) << format;
    EXPECT_NE(text.find("box-b"), std::string::npos) << format;
  }

  // The same sweep again: every object is already on both hosts; nothing is uploaded.
  auto second = Bsb(RunArgs());
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->exit_code, 0) << second->stdout_text << second->stderr_text;
  const std::string log = second->stdout_text + second->stderr_text;
  EXPECT_NE(log.find("uploaded 0 bytes"), std::string::npos) << log;
  EXPECT_EQ(log.find("uploaded 1"), std::string::npos) << log;
  EXPECT_EQ(Query(db(), "SELECT COUNT(*) FROM cells WHERE run_id = 2 AND status = 'ok'")[0][0], "6");
}

TEST_F(SshSweepE2E, ATargetWithItsLinkDownFailsOnlyItsOwnCells) {
  ASSERT_TRUE(ns_b_.SetLink(false));
  auto run = Bsb(RunArgs());
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(run->exit_code, 3) << run->stdout_text << run->stderr_text;

  auto cells = Query(db(), "SELECT target, status, reason FROM cells WHERE run_id = 1 ORDER BY target, scheme");
  ASSERT_EQ(cells.size(), 6u);  // every cell exactly once, whatever happened to it
  for (const auto& c : cells) {
    if (c[0] == "box-b") {
      EXPECT_EQ(c[1], "unreachable") << c[2];
      EXPECT_NE(c[2].find("box-b"), std::string::npos) << "the reason names the target: " << c[2];
    } else {
      EXPECT_EQ(c[1], "ok") << c[0] << ": " << c[2];
    }
  }
  EXPECT_EQ(Query(db(), "SELECT COUNT(*) FROM results WHERE run_id = 1")[0][0], "4");
}

// ProxyJump from ~/.ssh/config, for real: the final host is an sshd listening on 127.0.0.1
// *inside* namespace A, which only box-a's sshd (the jump host) can reach. libssh 0.10 turns
// ProxyJump into an `ssh -W` ProxyCommand, so the OpenSSH client makes the hop with the user's
// own config; bsb-matrix runs in a private mount namespace with a throw-away home bind-mounted
// over the real one, so nothing outside the test's directory is read or written.
TEST_F(SshSweepE2E, ProxyJumpFromSshConfigReachesAHostOnlyTheJumpHostCanSee) {
  Sshd behind(SshdOptions{.netns = ns_a_.name(), .listen_address = "127.0.0.1"});
  ASSERT_TRUE(behind.error().empty()) << behind.error();
  // The proof that the jump is used: from here, nothing answers on the final address.
  {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(behind.port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool direct = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    if (direct) GTEST_SKIP() << "something on this host listens on 127.0.0.1:" << behind.port();
  }

  const passwd* pw = getpwuid(geteuid());
  ASSERT_NE(pw, nullptr);
  const fs::path home = dir_ / "home";
  fs::create_directories(home / ".ssh");
  const fs::path config = home / ".ssh" / "config";
  std::ofstream(config) << "Host bsb-jump\n  HostName " << sshd_a_->address() << "\n  Port "
                        << sshd_a_->port() << "\n  User root\n  IdentityFile " << sshd_a_->client_key()
                        << "\n  IdentitiesOnly yes\n  UserKnownHostsFile " << sshd_a_->TrustingKnownHosts()
                        << "\n  StrictHostKeyChecking yes\n  BatchMode yes\n"
                        << "Host bsb-behind\n  HostName 127.0.0.1\n  Port " << behind.port()
                        << "\n  User root\n  IdentityFile " << behind.client_key()
                        << "\n  ProxyJump bsb-jump\n";
  fs::permissions(config, fs::perms::owner_read | fs::perms::owner_write);

  const fs::path matrix = dir_ / "jump.yaml";
  std::ofstream(matrix) << "version: 1\nname: ssh-jump\n"
                        << "defaults: {warmup: 1, runs: 3, samples: 20, threads: 1, timeout: 60s, retries: 0}\n"
                        << "datasets:\n  fashion:\n    format: idx\n    images: " << kImages
                        << "\n    labels: " << kLabels << "\n    scale: 0.00392156862745098\n"
                        << "models:\n  - name: ffn\n    artifacts: {fp32: " << kModel << "}\n    dataset: fashion\n"
                        << "schemes: [fp32]\n"
                        << "targets:\n  - name: behind\n    kind: ssh\n    host: bsb-behind\n"
                        << "    known_hosts: " << behind.TrustingKnownHosts() << "\n    host_key: strict\n"
                        << "    connect_timeout: 5s\n    workdir: " << (dir_ / "remote-behind").string() << "\n";

  // unshare(1): a private mount namespace; the test home over the real one, then bsb-matrix.
  auto run = RunSubprocess(
      {.argv = {"unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount --bind \"$0\" \"$1\" && shift && exec \"$@\"", home.string(), pw->pw_dir,
                kBinary, "run", matrix.string(), "--db", db().string(), "--cache-dir",
                (dir_ / "cache").string(), "--verbose"},
       .timeout = std::chrono::minutes(3)});
  ASSERT_TRUE(run.ok()) << run.error().message;
  ASSERT_EQ(run->exit_code, 0) << run->stdout_text << run->stderr_text;
  auto cells = Query(db(), "SELECT status, reason FROM cells WHERE run_id = 1");
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(cells[0][0], "ok") << cells[0][1];
  const std::string log = run->stdout_text + run->stderr_text;
  EXPECT_NE(log.find("127.0.0.1:" + std::to_string(behind.port())), std::string::npos)
      << "the log names the final destination: " << log;
  EXPECT_TRUE(fs::exists(dir_ / "remote-behind" / "objects"));
}

}  // namespace
}  // namespace bsb
