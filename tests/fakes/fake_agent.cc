// A test-only stand-in for bsb-agent that speaks its command line (DESIGN.md §3) so the
// targets can be tested before (and independently of) the real agent. Standard library and
// POSIX only, so it cross-compiles statically for aarch64 and armv7 with a bare compiler.
//
//   fake-agent probe                  → {"arch": uname -m, "os": "fake", ...}
//   fake-agent run --spec FILE        → behaviour chosen by the first word of the file that
//                                       the spec's "model_path" names:
//        ok      → {"schema":1,"status":"ok","model_path":P,"model_bytes":N,"spec_bytes":M}
//        hang    → sleeps forever (timeouts)
//        crash   → prints to stderr, then raises SIGSEGV
//        fail    → exits 1 with a message on stderr
//        spew    → 4 MiB of stderr, then ok (big outputs through a transport)
//        garbage → prints a line that is not JSON
//   fake-agent lock --dir D [--wait-s N] -- CMD...  → flock D/lock, exec CMD (75 if busy)
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Enough JSON for {"key": "value"} with the escapes our own writer produces.
std::string StringField(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  std::size_t at = json.find(needle);
  if (at == std::string::npos) return "";
  at = json.find('"', at + needle.size());
  std::string out;
  for (std::size_t i = at + 1; at != std::string::npos && i < json.size() && json[i] != '"'; ++i) {
    if (json[i] == '\\' && i + 1 < json.size()) ++i;
    out += json[i];
  }
  return out;
}

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

int Probe() {
  utsname u{};
  uname(&u);
  std::printf("{\"arch\":\"%s\",\"os\":\"fake\",\"kernel\":\"%s\",\"emulated\":false,"
              "\"emulated_reason\":\"\",\"agent_version\":\"fake\"}\n",
              u.machine, u.release);
  return 0;
}

int Run(int argc, char** argv) {
  if (argc != 3 || std::string(argv[1]) != "--spec") {
    std::fprintf(stderr, "usage: fake-agent run --spec FILE\n");
    return 2;
  }
  const std::string spec = ReadFile(argv[2]);
  const std::string model = StringField(spec, "model_path");
  if (model.empty()) {
    std::fprintf(stderr, "fake-agent: spec '%s' has no model_path\n", argv[2]);
    return 1;
  }
  const std::string content = ReadFile(model);
  const std::string word = content.substr(0, content.find_first_of(" \n"));
  if (word == "hang") {
    std::printf("started\n");
    std::fflush(stdout);
    for (;;) pause();
  }
  if (word == "crash") {
    std::fprintf(stderr, "fake-agent: about to crash on %s\n", model.c_str());
    std::fflush(stderr);
    // The default action: a sanitizer build's SEGV handler would otherwise turn the signal
    // into a report and exit(1), and the caller must see a death by signal.
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
  }
  if (word == "fail") {
    std::fprintf(stderr, "fake-agent: internal error on %s\n", model.c_str());
    return 1;
  }
  if (word == "garbage") {
    std::printf("this is not json\n");
    return 0;
  }
  if (word == "spew") {
    std::string chunk(4096, 'e');
    for (int i = 0; i < 1024; ++i) std::fprintf(stderr, "%s\n", chunk.c_str());
  }
  std::printf("{\"schema\":1,\"status\":\"ok\",\"model_path\":\"%s\",\"model_bytes\":%zu,"
              "\"spec_bytes\":%zu}\n",
              Escape(model).c_str(), content.size(), spec.size());
  return 0;
}

int Lock(int argc, char** argv) {
  std::string dir;
  double wait_s = 0;
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") { ++i; break; }
    if (a == "--dir" && i + 1 < argc) dir = argv[++i];
    else if (a == "--wait-s" && i + 1 < argc) wait_s = std::atof(argv[++i]);
    else { std::fprintf(stderr, "fake-agent lock: bad argument '%s'\n", a.c_str()); return 2; }
  }
  if (dir.empty() || i >= argc) return 2;
  mkdir(dir.c_str(), 0755);
  const std::string path = dir + "/lock";
  int fd = open(path.c_str(), O_RDWR | O_CREAT, 0644);
  if (fd < 0) { std::perror(path.c_str()); return 1; }
  for (double waited = 0; flock(fd, LOCK_EX | LOCK_NB) != 0; waited += 0.05) {
    if (waited >= wait_s) { std::fprintf(stderr, "fake-agent lock: busy\n"); return 75; }
    usleep(50000);
  }
  // The descriptor stays open across exec: the lock lives exactly as long as CMD.
  execvp(argv[i], argv + i);
  std::fprintf(stderr, "fake-agent lock: cannot run %s: %s\n", argv[i], std::strerror(errno));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const std::string cmd = argv[1];
  if (cmd == "probe") return Probe();
  if (cmd == "run") return Run(argc - 1, argv + 1);
  if (cmd == "lock") return Lock(argc - 1, argv + 1);
  std::fprintf(stderr, "fake-agent: unknown subcommand '%s'\n", cmd.c_str());
  return 2;
}
