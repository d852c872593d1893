#include "tests/integration/ssh/sshd_fixture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/subprocess.h"
#include "tests/fakes/object_files.h"

extern char** environ;

namespace bsb::targets::testing {
namespace {

namespace fs = std::filesystem;

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool Keygen(const std::string& path) {
  auto r = RunSubprocess({.argv = {"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bsb-test", "-f", path}});
  return r.ok() && r->Succeeded();
}

// Processes whose parent is pid (sshd's per-connection children).
std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> out;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string stat = ReadAll(e.path().string() + "/stat");
    auto paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream rest(stat.substr(paren + 2));
    char state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent) out.push_back(std::stoi(name));
  }
  return out;
}

// A copy of /etc/passwd in which the current user's entry has /bin/sh as its shell and `home`
// as its home: bind-mounted over /etc/passwd in sshd's private mount namespace, so sessions
// skip the account's rc files (~1 s per command with heavy ones) and see an empty home.
bool WriteTestPasswd(const std::string& path, const std::string& home) {
  const passwd* me = getpwuid(getuid());
  if (me == nullptr) return false;
  const std::string prefix = std::string(me->pw_name) + ":";
  std::ifstream in("/etc/passwd");
  std::ofstream out(path);
  bool found = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) {
      line = prefix + "x:" + std::to_string(me->pw_uid) + ":" + std::to_string(me->pw_gid) + ":" +
             me->pw_gecos + ":" + home + ":/bin/sh";
      found = true;
    }
    out << line << "\n";
  }
  return found && out.good();
}

}  // namespace

AgentBinary FakeAgentBinary() {
  const std::string path = FakeAgentPath();
  return AgentBinary{Sha256Of(path), path};
}

Sshd::Sshd(SshdOptions options) : options_(std::move(options)) {
  dir_ = FreshDir("sshd").string();
  fs::create_directories("/run/sshd");  // privilege separation directory sshd insists on
  if (!Keygen(dir_ + "/host_ed25519") || !Keygen(client_key())) {
    error_ = "ssh-keygen failed";
    return;
  }
  fs::copy_file(client_key() + ".pub", dir_ + "/authorized_keys");
  fs::create_directories(dir_ + "/home");
  if (getuid() == 0 && WriteTestPasswd(dir_ + "/passwd", dir_ + "/home")) {
    passwd_ = dir_ + "/passwd";
  }
  port_ = FreePort();
  std::ofstream cfg(dir_ + "/sshd_config");
  cfg << "Port " << port_ << "\n"
      << "ListenAddress " << options_.listen_address << "\n"
      << "HostKey " << dir_ << "/host_ed25519\n"
      << "PidFile none\n"
      << "AuthorizedKeysFile " << dir_ << "/authorized_keys\n"
      << "StrictModes no\nUsePAM no\nPermitRootLogin prohibit-password\n"
      << "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPubkeyAuthentication yes\n"
      << "Subsystem sftp internal-sftp\nLogLevel VERBOSE\n";
  if (!options_.path_prefix.empty()) {
    cfg << "SetEnv PATH=" << options_.path_prefix << ":/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin\n";
  }
  cfg.close();
  Launch();
}

Sshd::~Sshd() { Stop(); }

bool Sshd::Launch() {
  std::vector<std::string> argv;
  if (!options_.netns.empty()) argv = {"ip", "netns", "exec", options_.netns};
  if (!passwd_.empty()) {
    // unshare without --fork execs in place, as do `ip netns exec` and the shell: pid_ is sshd's.
    for (const char* a : {"unshare", "--mount", "--", "/bin/sh", "-c",
                          "mount --bind \"$0\" /etc/passwd && exec \"$@\""}) {
      argv.push_back(a);
    }
    argv.push_back(passwd_);
  }
  for (const char* a : {"/usr/sbin/sshd", "-D", "-e", "-f"}) argv.push_back(a);
  argv.push_back(dir_ + "/sshd_config");
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  const std::string log = dir_ + "/sshd.log";
  const std::size_t log_start = ReadAll(log).size();  // a restart appends to the same log
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  int rc = posix_spawnp(&pid_, cargv[0], &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    error_ = "cannot start sshd";
    pid_ = -1;
    return false;
  }
  // Ready when it says so in its log (5 s is ample; it takes ~20 ms here).
  for (int i = 0; i < 250; ++i) {
    if (ReadAll(log).find("Server listening", log_start) != std::string::npos) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "sshd exited at start: " + ReadAll(log);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  error_ = "sshd did not start listening: " + ReadAll(log);
  return false;
}

void Sshd::Stop() {
  if (pid_ <= 0) return;
  std::vector<pid_t> children = ChildrenOf(pid_);
  kill(pid_, SIGTERM);
  for (pid_t child : children) kill(child, SIGTERM);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

bool Sshd::Restart() {
  Stop();
  error_.clear();
  return Launch();
}

std::vector<std::string> Sshd::InServerMounts(std::vector<std::string> argv) const {
  if (passwd_.empty()) return argv;
  std::vector<std::string> out = {"nsenter", "--target", std::to_string(pid_), "--mount", "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

std::string Sshd::AsServerSees(const std::string& path) const {
  return passwd_.empty() ? path : "/proc/" + std::to_string(pid_) + "/root" + path;
}

std::string Sshd::TrustingKnownHosts() const {
  const std::string path = dir_ + "/known_hosts_trusting";
  std::ofstream(path) << "[" << options_.listen_address << "]:" << port_ << " " << ReadAll(host_key_pub());
  return path;
}

std::string Sshd::MatrixTarget(const std::string& name, const std::string& workdir) const {
  const passwd* me = getpwuid(getuid());
  return "  - name: " + name + "\n    kind: ssh\n    host: " + options_.listen_address + "\n    port: " +
         std::to_string(port_) + "\n    user: " + (me ? me->pw_name : "root") + "\n    identity: " + client_key() +
         "\n    known_hosts: " + TrustingKnownHosts() + "\n    host_key: strict\n    connect_timeout: 3s\n" +
         "    workdir: " + workdir + "\n";
}

TargetConfig Sshd::Config(const std::string& name) const {
  TargetConfig c;
  c.name = name;
  c.kind = "ssh";
  c.agents["x86_64"] = FakeAgentBinary();
  c.ssh.host = options_.listen_address;
  c.ssh.port = port_;
  const passwd* me = getpwuid(getuid());
  c.ssh.user = me ? me->pw_name : "root";
  c.ssh.identity = client_key();
  c.ssh.known_hosts = TrustingKnownHosts();
  c.ssh.ssh_config = dir_ + "/ssh_config_empty";
  std::ofstream(c.ssh.ssh_config) << "";
  c.ssh.workdir = dir_ + "/remote";
  c.ssh.connect_timeout_s = 5;
  c.ssh.keepalive_s = 1;
  c.ssh.lock_wait_s = 2;
  return c;
}

}  // namespace bsb::targets::testing
