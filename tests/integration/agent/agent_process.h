// Test helper: run a program with an argv (no shell), capture stdout/stderr and how it ended.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace bsb::agent::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline ProcessResult RunProcess(const std::vector<std::string>& argv) {
  char templ[] = "/tmp/bsb-agent-proc-XXXXXX";
  const std::string dir = mkdtemp(templ);
  const std::string out_path = dir + "/out", err_path = dir + "/err";
  const pid_t pid = fork();
  if (pid == 0) {
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, 1);
    dup2(err, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ProcessResult r;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.out = Slurp(out_path);
  r.err = Slurp(err_path);
  std::filesystem::remove_all(dir);
  return r;
}

// build/agents/<arch>/bsb-agent, the layout targets/ rely on.
inline std::string AgentPath(const std::string& arch) {
  return std::string(BSB_BINARY_DIR) + "/agents/" + arch + "/bsb-agent";
}

}  // namespace bsb::agent::testing
