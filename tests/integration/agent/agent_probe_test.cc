// `bsb-agent probe` on the three architectures: native says not emulated, the cross agents
// under qemu-<arch>-static say emulated and why. Needs qemu-user-static (ci/install-deps.sh).
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "agent/protocol/result.h"
#include "tests/integration/agent/agent_process.h"

namespace bsb::agent::testing {
namespace {

nlohmann::json Probe(const std::vector<std::string>& argv) {
  const ProcessResult r = RunProcess(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  const auto stamp = protocol::ParseStamp(r.out);  // the orchestrator's strict reader accepts it
  EXPECT_TRUE(stamp.ok()) << stamp.error() << "\n" << r.out;
  return nlohmann::json::parse(r.out);
}

void ExpectCompleteStamp(const nlohmann::json& s) {
  for (const char* key : {"device", "arch", "machine", "os", "kernel", "libc", "compiler",
                          "agent_version", "runtime_version", "git_revision", "hostname"}) {
    ASSERT_TRUE(s.contains(key)) << key;
    EXPECT_TRUE(s[key].is_string()) << key;
    EXPECT_FALSE(s[key].get<std::string>().empty()) << key;
  }
  EXPECT_GE(s["hardware_threads"].get<int>(), 1);
  EXPECT_TRUE(s["emulated"].is_boolean());
}

TEST(AgentProbe, NativeIsNotEmulated) {
  const nlohmann::json s = Probe({AgentPath("x86_64"), "probe"});
  ExpectCompleteStamp(s);
  EXPECT_EQ(s["arch"], "x86_64");
  EXPECT_EQ(s["machine"], "x86_64");
  EXPECT_FALSE(s["emulated"].get<bool>());
  EXPECT_FALSE(s.contains("emulated_reason"));  // written only when emulated (RESULT.md)
  EXPECT_EQ(s["libc"].get<std::string>().rfind("glibc ", 0), 0u);
}

void ExpectEmulated(const std::string& arch, const std::string& qemu, const std::string& machine) {
  const std::string agent = AgentPath(arch);
  ASSERT_TRUE(std::filesystem::exists(agent)) << agent << " was not cross-built";
  const nlohmann::json s = Probe({qemu, agent, "probe"});
  ExpectCompleteStamp(s);
  EXPECT_EQ(s["arch"], arch);          // what the agent was built for
  EXPECT_EQ(s["machine"], machine);    // what the (emulated) kernel calls it
  EXPECT_TRUE(s["emulated"].get<bool>());
  EXPECT_NE(s["emulated_reason"].get<std::string>().find(qemu), std::string::npos)
      << s["emulated_reason"];
}

TEST(AgentProbe, Aarch64UnderQemuIsEmulated) {
  ExpectEmulated("aarch64", "qemu-aarch64-static", "aarch64");
}

TEST(AgentProbe, Armv7UnderQemuIsEmulated) {
  ExpectEmulated("armv7", "qemu-arm-static", "armv7l");
}

TEST(AgentProbe, AgentsAreStatic) {
  // A static binary has no PT_INTERP; `file` would need libmagic, so check the ELF directly:
  // the program interpreter path string only exists in dynamic executables.
  for (const char* arch : {"x86_64", "aarch64", "armv7"}) {
#ifdef BSB_SANITIZED_BUILD
    if (std::string(arch) == "x86_64") continue;  // sanitizers cannot link statically
#endif
    const std::string bytes = Slurp(AgentPath(arch));
    ASSERT_FALSE(bytes.empty()) << arch;
    EXPECT_EQ(bytes.find("/lib/ld-linux"), std::string::npos) << arch << " is dynamically linked";
    EXPECT_EQ(bytes.find("/lib64/ld-linux"), std::string::npos) << arch << " is dynamically linked";
  }
}

TEST(AgentProbe, RejectsArgumentsAndUnknownSubcommands) {
  EXPECT_EQ(RunProcess({AgentPath("x86_64"), "probe", "extra"}).exit_code, 2);
  const ProcessResult r = RunProcess({AgentPath("x86_64"), "frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("'frobnicate'"), std::string::npos);
}

}  // namespace
}  // namespace bsb::agent::testing
