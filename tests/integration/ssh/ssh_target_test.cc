// The ssh kind against a real OpenSSH server started per test (sshd_fixture.h), with the
// fake agent (tests/fakes/fake_agent.cc) as the device's bsb-agent.
#include <signal.h>
#include <sys/file.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/subprocess.h"
#include "targets/ssh_target.h"
#include "tests/fakes/object_files.h"
#include "tests/integration/ssh/sshd_fixture.h"

namespace bsb::targets {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using testing::FreshDir;
using testing::Sshd;
using testing::SpecFor;
using testing::WriteObject;

std::string Contents(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class SshTargetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!sshd_.error().empty()) GTEST_SKIP() << "cannot run sshd here: " << sshd_.error();
    inputs_ = FreshDir("ssh-inputs");
    images_ = WriteObject(inputs_, "images.idx", "images");
    labels_ = WriteObject(inputs_, "labels.idx", "labels");
  }
  std::unique_ptr<Target> Make(TargetConfig c) {
    c.log = [this](const std::string& line) { log_ += line + "\n"; };
    auto t = MakeTarget(c);
    EXPECT_TRUE(t.ok()) << t.error().message;
    return t.ok() ? std::move(t).value() : nullptr;
  }
  std::string SpecWithModel(Target& t, const std::string& file_name, const std::string& behaviour) {
    Object model = WriteObject(inputs_, file_name, behaviour + "\n");
    auto ensured = t.Ensure({model, images_, labels_});
    EXPECT_TRUE(ensured.ok()) << ensured.failure().message;
    return SpecFor(model, images_, labels_);
  }
  // Is any process still running the agent that Probe uploaded?
  bool RemoteAgentRunning() {
    const std::string sha = testing::FakeAgentBinary().sha256;
    auto r = RunSubprocess({.argv = {"pgrep", "-f", sha + " run"}});
    return r.ok() && r->Succeeded();
  }

  Sshd sshd_;
  fs::path inputs_;
  Object images_, labels_;
  std::string log_;
};

// The fixture's own promise (issue 7's tests): as root, sessions get /bin/sh and an empty home
// of their own, so timings measure the transport and not this machine's rc files; the host's
// /etc/passwd is untouched.
TEST_F(SshTargetTest, FixtureSessionsUseShAndAThrowAwayHome) {
  if (getuid() != 0) GTEST_SKIP() << "the login shell is overridden only when root";
  const std::string host_passwd_before = Contents("/etc/passwd");
  auto r = RunSubprocess({.argv = {"ssh", "-F", "/dev/null", "-i", sshd_.client_key(), "-p",
                                   std::to_string(sshd_.port()), "-o", "BatchMode=yes", "-o",
                                   "UserKnownHostsFile=" + sshd_.TrustingKnownHosts(), "-o",
                                   "StrictHostKeyChecking=yes", "root@" + sshd_.address(),
                                   "echo \"$0|$HOME\"; ls -A \"$HOME\" | wc -l"},
                          .timeout = std::chrono::seconds(20)});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->exit_code, 0) << r->stderr_text;
  EXPECT_EQ(r->stdout_text, "sh|" + sshd_.home() + "\n0\n");
  EXPECT_EQ(Contents("/etc/passwd"), host_passwd_before);
}

TEST_F(SshTargetTest, ProbeRunAndObjectsUploadedOnce) {
  auto target = Make(sshd_.Config("box"));
  auto info = target->Probe();
  ASSERT_TRUE(info.ok()) << info.failure().message;
  EXPECT_EQ(info->arch, "x86_64");
  EXPECT_FALSE(info->emulated);
  EXPECT_NE(info->stamp_json.find("\"os\":\"fake\""), std::string::npos);

  // A 1 MiB model: large enough to need several SFTP writes.
  Object model = WriteObject(inputs_, "big.tflite", "ok\n" + std::string(1 << 20, 'w'));
  auto first = target->Ensure({model, images_, labels_});
  ASSERT_TRUE(first.ok()) << first.failure().message;
  EXPECT_EQ(first->objects_shipped, 3u);
  EXPECT_EQ(first->bytes_shipped, 3u + (1u << 20) + 6u + 6u);  // "ok\n" + 1 MiB, "images", "labels"
  const fs::path remote = fs::path(sshd_.dir()) / "remote" / "objects" / model.sha256;
  EXPECT_EQ(testing::Sha256Of(remote.string()), model.sha256);

  auto result = target->Run(SpecFor(model, images_, labels_), milliseconds(20000));
  ASSERT_TRUE(result.ok()) << result.failure().message << result.failure().stderr_tail;
  auto json = nlohmann::json::parse(result.value());
  EXPECT_EQ(json["status"], "ok");
  EXPECT_EQ(json["model_path"], remote.string());

  // The same sweep again, from a fresh orchestrator: nothing moves, and the log says so.
  auto again = Make(sshd_.Config("box"));
  log_.clear();
  auto second = again->Ensure({model, images_, labels_});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->bytes_shipped, 0u);
  EXPECT_EQ(second->objects_present, 3u);
  EXPECT_NE(log_.find("uploaded 0 bytes in 0 objects (3 already present)"), std::string::npos) << log_;
  // No temporary upload names remain.
  for (auto& e : fs::directory_iterator(remote.parent_path())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
  }
}

TEST_F(SshTargetTest, UnknownHostKeyIsUnreachableWithFingerprintAndTheCommandToTrustIt) {
  auto c = sshd_.Config("box");
  c.ssh.known_hosts = sshd_.dir() + "/known_hosts_empty";
  auto target = Make(c);
  auto info = target->Probe();
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.failure().kind, FailureKind::kUnreachable);
  const std::string& msg = info.failure().message;
  auto fp = RunSubprocess({.argv = {"ssh-keygen", "-l", "-E", "sha256", "-f", sshd_.host_key_pub()}});
  ASSERT_TRUE(fp.ok());
  const std::string fingerprint = fp->stdout_text.substr(fp->stdout_text.find("SHA256:"), 50);
  EXPECT_NE(msg.find(fingerprint), std::string::npos) << msg << "\nwant " << fingerprint;
  const std::string command = "ssh-keyscan -p " + std::to_string(sshd_.port()) + " '127.0.0.1' >> '" +
                              c.ssh.known_hosts + "'";
  ASSERT_NE(msg.find(command), std::string::npos) << msg;
  EXPECT_FALSE(fs::exists(c.ssh.known_hosts));  // strict never writes

  // The command it printed really does trust the host.
  auto trust = RunSubprocess({.argv = {"sh", "-c", command + " 2>/dev/null"}, .timeout = milliseconds(20000)});
  ASSERT_TRUE(trust.ok() && trust->Succeeded());
  auto after = Make(c)->Probe();
  EXPECT_TRUE(after.ok()) << after.failure().message;
}

TEST_F(SshTargetTest, ChangedHostKeyIsRefusedLoudlyEvenUnderAcceptNew) {
  auto c = sshd_.Config("box");
  const std::string other = sshd_.dir() + "/other_host_key";
  ASSERT_TRUE(RunSubprocess({.argv = {"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other}})->Succeeded());
  c.ssh.known_hosts = sshd_.dir() + "/known_hosts_changed";
  std::ofstream(c.ssh.known_hosts) << "[127.0.0.1]:" << sshd_.port() << " " << Contents(other + ".pub");
  for (auto policy : {HostKeyPolicy::kStrict, HostKeyPolicy::kAcceptNew}) {
    c.ssh.host_key = policy;
    auto info = Make(c)->Probe();
    ASSERT_FALSE(info.ok());
    EXPECT_EQ(info.failure().kind, FailureKind::kUnreachable);
    EXPECT_NE(info.failure().message.find("HAS CHANGED"), std::string::npos) << info.failure().message;
  }
  // Nothing was "fixed" behind the user's back.
  EXPECT_EQ(Contents(c.ssh.known_hosts), "[127.0.0.1]:" + std::to_string(sshd_.port()) + " " + Contents(other + ".pub"));
}

TEST_F(SshTargetTest, AcceptNewRecordsTheKey) {
  auto c = sshd_.Config("box");
  c.ssh.known_hosts = sshd_.dir() + "/new/known_hosts";
  c.ssh.host_key = HostKeyPolicy::kAcceptNew;
  auto info = Make(c)->Probe();
  ASSERT_TRUE(info.ok()) << info.failure().message;
  EXPECT_NE(log_.find("accept-new: recorded"), std::string::npos) << log_;
  EXPECT_NE(Contents(c.ssh.known_hosts).find("[127.0.0.1]:" + std::to_string(sshd_.port())), std::string::npos);
  // Now recorded, strict accepts it.
  c.ssh.host_key = HostKeyPolicy::kStrict;
  EXPECT_TRUE(Make(c)->Probe().ok());
}

TEST_F(SshTargetTest, WrongUserIsUnreachable) {
  auto c = sshd_.Config("box");
  c.ssh.user = "nosuchuser";
  auto info = Make(c)->Probe();
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.failure().kind, FailureKind::kUnreachable);
  EXPECT_NE(info.failure().message.find("nosuchuser@127.0.0.1"), std::string::npos) << info.failure().message;
}

TEST_F(SshTargetTest, MissingIdentityIsUnreachableNamingTheFile) {
  auto c = sshd_.Config("box");
  c.ssh.identity = sshd_.dir() + "/no_such_key";
  auto info = Make(c)->Probe();
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.failure().kind, FailureKind::kUnreachable);
  EXPECT_NE(info.failure().message.find("no_such_key"), std::string::npos) << info.failure().message;
}

TEST_F(SshTargetTest, NothingListeningIsUnreachable) {
  auto c = sshd_.Config("box");
  sshd_.Stop();
  auto start = std::chrono::steady_clock::now();
  auto info = Make(c)->Probe();
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.failure().kind, FailureKind::kUnreachable);
  EXPECT_TRUE(info.failure().Retryable());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(SshTargetTest, SshConfigAliasSuppliesHostNamePortUserAndIdentity) {
  auto c = sshd_.Config("box");
  const std::string config = sshd_.dir() + "/ssh_config_alias";
  std::ofstream(config) << "Host bsb-test-box\n  HostName 127.0.0.1\n  Port " << sshd_.port() << "\n  User "
                        << c.ssh.user << "\n  IdentityFile " << sshd_.client_key() << "\n";
  c.ssh.host = "bsb-test-box";
  c.ssh.port = 0;
  c.ssh.user.clear();
  c.ssh.identity.clear();
  c.ssh.ssh_config = config;
  auto info = Make(c)->Probe();
  ASSERT_TRUE(info.ok()) << info.failure().message;
  EXPECT_EQ(info->arch, "x86_64");
}

TEST_F(SshTargetTest, MatrixValuesNeverReachAShellAsCode) {
  const fs::path pwned = fs::path(sshd_.dir()) / "pwned";
  auto c = sshd_.Config("box");
  // Quotes, ;, $( ) and spaces in the workdir (it is on a command line) ...
  c.ssh.workdir = sshd_.dir() + "/work dir 'q' $(touch " + pwned.string() + "); touch " + pwned.string();
  auto target = Make(c);
  // ... and in a model's file name (it is in the spec).
  const std::string spec = SpecWithModel(*target, "x; touch " + pwned.string(), "ok");
  auto r = target->Run(spec, milliseconds(20000));
  ASSERT_TRUE(r.ok()) << r.failure().message << r.failure().stderr_tail;
  EXPECT_FALSE(fs::exists(pwned));
  EXPECT_TRUE(fs::exists(c.ssh.workdir + "/objects"));
}

TEST_F(SshTargetTest, TimeoutKillsTheRemoteAgent) {
  auto target = Make(sshd_.Config("box"));
  const std::string spec = SpecWithModel(*target, "hang.tflite", "hang");
  auto start = std::chrono::steady_clock::now();
  auto r = target->Run(spec, milliseconds(1500));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().kind, FailureKind::kTimeout) << r.failure().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
  bool running = true;
  for (int i = 0; i < 50 && running; ++i) {
    running = RemoteAgentRunning();
    if (running) std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_FALSE(running) << "the hung agent survived its timeout";
  // The target is still usable after a timeout.
  EXPECT_TRUE(target->Run(SpecWithModel(*target, "ok.tflite", "ok"), milliseconds(20000)).ok());
}

TEST_F(SshTargetTest, CrashAndStderrComeBackApart) {
  auto target = Make(sshd_.Config("box"));
  auto crash = target->Run(SpecWithModel(*target, "crash.tflite", "crash"), milliseconds(20000));
  ASSERT_FALSE(crash.ok());
  EXPECT_EQ(crash.failure().kind, FailureKind::kFailed);
  EXPECT_EQ(crash.failure().signal, SIGSEGV) << crash.failure().message;
  EXPECT_NE(crash.failure().stderr_tail.find("about to crash"), std::string::npos);

  auto fail = target->Run(SpecWithModel(*target, "fail.tflite", "fail"), milliseconds(20000));
  ASSERT_FALSE(fail.ok());
  EXPECT_EQ(fail.failure().kind, FailureKind::kFailed);
  EXPECT_NE(fail.failure().message.find("exited with code 1"), std::string::npos);

  // 4 MiB of stderr and a result on stdout, kept apart.
  auto spew = target->Run(SpecWithModel(*target, "spew.tflite", "spew"), milliseconds(20000));
  ASSERT_TRUE(spew.ok()) << spew.failure().message;
  EXPECT_EQ(nlohmann::json::parse(spew.value())["status"], "ok");
}

TEST_F(SshTargetTest, ALockedDeviceIsBusyNotBenchmarkedTwice) {
  auto c = sshd_.Config("box");
  c.ssh.lock_wait_s = 1;
  auto target = Make(c);
  const std::string spec = SpecWithModel(*target, "ok.tflite", "ok");
  // Another orchestrator holds the device's lock.
  int fd = open((c.ssh.workdir + "/lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(flock(fd, LOCK_EX), 0);
  auto busy = target->Run(spec, milliseconds(20000));
  close(fd);
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.failure().kind, FailureKind::kUnreachable);
  EXPECT_NE(busy.failure().message.find("busy"), std::string::npos);
  EXPECT_TRUE(target->Run(spec, milliseconds(20000)).ok());
}

TEST_F(SshTargetTest, UnsupportedArchitectureSaysWhich) {
  // A second server whose sessions see a `uname` that reports riscv64.
  const fs::path shim = FreshDir("uname-shim");
  std::ofstream(shim / "uname") << "#!/bin/sh\necho riscv64\n";
  fs::permissions(shim / "uname", fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read);
  Sshd riscv(testing::SshdOptions{.path_prefix = shim.string()});
  ASSERT_TRUE(riscv.error().empty()) << riscv.error();
  auto info = Make(riscv.Config("vf2"))->Probe();
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.failure().kind, FailureKind::kUnsupported);
  EXPECT_NE(info.failure().message.find("riscv64"), std::string::npos) << info.failure().message;
}

TEST_F(SshTargetTest, RemoteDiskFullIsFailedWithTheReason) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs as the remote workdir";
  const std::string small = sshd_.dir() + "/small";
  fs::create_directories(small);
  // 1 MiB of space: a 2 MiB model cannot fit.
  // In the server's own mount namespace (the sessions' view), gone with the server.
  auto mount = RunSubprocess({.argv = sshd_.InServerMounts({"mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small})});
  if (!mount.ok()) GTEST_SKIP() << "cannot mount tmpfs: " << mount.error().message;
  if (!mount->Succeeded()) GTEST_SKIP() << "cannot mount tmpfs: " << mount->stderr_text;
  auto c = sshd_.Config("box");
  c.ssh.workdir = small + "/w";
  {
    auto target = Make(c);
    Object model = WriteObject(inputs_, "huge.tflite", std::string(2 << 20, 'x'));
    auto r = target->Ensure({model});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().kind, FailureKind::kFailed);
    EXPECT_NE(r.failure().message.find("disk full"), std::string::npos) << r.failure().message;
    // No half-written object under a final name, no leftover temporary either.
    const std::string objects = sshd_.AsServerSees(c.ssh.workdir + "/objects");
    ASSERT_TRUE(fs::is_directory(objects)) << objects;
    EXPECT_TRUE(fs::is_empty(objects)) << objects;
  }
  (void)RunSubprocess({.argv = sshd_.InServerMounts({"umount", small})});
}

}  // namespace
}  // namespace bsb::targets
